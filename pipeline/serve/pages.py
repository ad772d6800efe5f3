"""The preview server's own pages, and the mark it puts on every preview page.

In: a page's name and what it shows (from the server), or a built page's HTML with the state of the
preview (held, problems) and its generation.
Out: HTML from `pipeline/serve/templates/` (Jinja2, autoescape on), each page with the server's
Content-Security-Policy (`SERVER_POLICY`: scripts only from this server's own files, never inline); and
`mark_page`: the built page with a "Preview, not published" banner (why an edition is held, the problems,
located as `check` locates them), the server's stylesheet and reload script linked in its head, and its own
policy widened by exactly what that script needs (`script-src 'self'`, `connect-src 'self'`).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
SERVER_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; script-src 'self'; "
                 "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'")
FRAMING = "frame-ancestors 'self'"  # only in the header: a meta policy cannot say it
_CSP_META_RE = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(">)')
_BODY_RE = re.compile(r"<body\b[^>]*>")


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context: object) -> str:
    defaults: dict[str, object] = {"policy": SERVER_POLICY, "csrf": "", "reviewer": None, "users": False,
                                   "local_reviewer": None, "flash": [], "problems": [], "generation": 0,
                                   "publication": ""}
    return environment().get_template(template).render(**{**defaults, **context})


def preview_policy(policy: str) -> str:
    """A page's policy with what the reload script needs added: its own file and the server's events."""
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    for name in ("script-src", "connect-src"):
        index = next((i for i, d in enumerate(directives) if d.split()[0] == name), None)
        if index is None:
            directives.append(f"{name} 'self'")
        elif "'self'" not in directives[index].split():
            directives[index] += " 'self'"
    return "; ".join(directives)


def page_policy(html: str) -> str | None:
    match = _CSP_META_RE.search(html)
    return match.group(2) if match else None


def mark_page(html: str, banner: Markup, generation: int) -> str:
    """The built page as the preview serves it (see the module doc)."""
    html = _CSP_META_RE.sub(lambda m: m.group(1) + preview_policy(m.group(2)) + m.group(3), html, count=1)
    head = (f'<meta name="preview-generation" content="{generation}">\n'
            '<link rel="stylesheet" href="/_serve/serve.css">\n<script src="/_serve/reload.js" defer></script>\n')
    html = html.replace("</head>", head + "</head>", 1)
    return _BODY_RE.sub(lambda m: m.group(0) + "\n" + str(banner), html, count=1)


def banner(hold: str | None, problems: list[str], review_href: str | None) -> Markup:
    return Markup(render("banner.html", hold=hold, problems=problems, review_href=review_href))
