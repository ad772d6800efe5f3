"""Markdown to HTML for article bodies and editorial notes.

In: Markdown text (CommonMark + tables + footnotes; raw HTML is never passed through).
Out: a token stream (`parse`) that the translation stage can rewrite segment by segment, and HTML
(`render`) with heading anchors, safe links only, images only from inside the publication root, and
each footnote also placed inline (`span.fn-print`) so print CSS can set it at the foot of its page.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin

from pipeline.errors import Problem

SAFE_SCHEMES = ("http", "https", "mailto")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _slugify(text: str) -> str:
    text = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    return re.sub(r"[\s]+", "-", text) or "section"


def make_parser() -> MarkdownIt:
    """The one Markdown dialect of the newsroom."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True})
    md.enable(["table", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=False)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slugify)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # we check links ourselves
    return md


_MD = make_parser()


def parse(text: str) -> tuple[list[Token], dict]:
    """Markdown to a block token stream (inline children parsed) and its env (footnote data)."""
    env: dict = {}
    return _MD.parse(text, env), env


def reparse_inline(token: Token, text: str, env: dict) -> None:
    """Give an `inline` token new source text (a translation) and parse its children again."""
    token.content = text
    token.children = _MD.parseInline(text, env)[0].children or []


@dataclass
class Resources:
    """What rendering needs to know about files, and what it found wrong."""

    root: Path  # publication root: images must be inside it
    base_dir: Path  # where relative image paths start (the articles folder)
    media_prefix: str = "../media/"  # URL prefix of copied images, as seen from the page
    where: str = ""  # file name for problems
    line_offset: int = 0  # file line of the Markdown's first line
    field: str = "body"
    problems: list[Problem] = dataclasses.field(default_factory=list)
    images: dict[str, Path] = dataclasses.field(default_factory=dict)  # media path -> source file


def check_links(tokens: Sequence[Token], res: Resources) -> None:
    """Drop unsafe links and outside images from the token stream, recording a problem for each."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = res.line_offset + (block.map[0] if block.map else 0)
        kept: list[Token] = []
        skip_close = 0
        for tok in block.children:
            if tok.type == "link_open":
                href = str(tok.attrGet("href") or "")
                reason = link_problem(href)
                if reason:
                    res.problems.append(Problem(res.where, line, res.field, f'link "{href}": {reason}'))
                    skip_close += 1
                    continue
                if href.startswith(("http:", "https:")):
                    tok.attrSet("rel", "noopener noreferrer")
            elif tok.type == "link_close" and skip_close:
                skip_close -= 1
                continue
            elif tok.type == "image":
                src = str(tok.attrGet("src") or "")
                media, reason = _image_source(src, res)
                if reason:
                    res.problems.append(Problem(res.where, line, res.field, f'image "{src}": {reason}'))
                    alt = Token("text", "", 0)
                    alt.content = tok.content
                    kept.append(alt)
                    continue
                tok.attrSet("src", res.media_prefix + media)
            kept.append(tok)
        block.children = kept


def link_problem(href: str) -> str | None:
    """Why a link target is refused, or None when it is http(s), mailto or relative."""
    target = href.strip()
    if target.startswith("//"):
        return "protocol-relative links are not allowed; write https://..."
    match = _SCHEME_RE.match(target)
    if match and match.group(1).lower() not in SAFE_SCHEMES:
        return f'the "{match.group(1)}:" scheme is not allowed; use http(s), mailto or a relative link'
    if any(ord(c) < 32 for c in target):
        return "contains control characters"
    return None


def _image_source(src: str, res: Resources) -> tuple[str, str | None]:
    if _SCHEME_RE.match(src) or src.startswith("//"):
        return "", "images must be files inside the publication, not URLs"
    rel = unquote(urlsplit(src).path)
    path = (res.root / rel.lstrip("/")) if rel.startswith("/") else (res.base_dir / rel)
    path = path.resolve()
    root = res.root.resolve()
    if not path.is_relative_to(root):
        return "", "is outside the publication root; put the image in the publication's folder"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return "", f"only {', '.join(IMAGE_SUFFIXES)} images are allowed"
    if not path.is_file():
        return "", "file not found; check the path (relative to the article)"
    media = path.relative_to(root).as_posix()
    res.images[media] = path
    return media, None


TextFilter = Callable[[str], str]  # one text run -> HTML (it must escape)


def render(tokens: Sequence[Token], env: dict, text_html: TextFilter | None = None,
           footnote_caption: Callable[[int], str] | None = None) -> str:
    """Token stream to HTML. `text_html` turns every text run into HTML (digits, bidi for Urdu)."""
    renderer = _MD.renderer
    caption = footnote_caption or str
    to_html = text_html or (lambda text: html.escape(text, quote=False))
    options = _MD.options
    _alignment_classes(tokens)
    saved = dict(renderer.rules)  # type: ignore[attr-defined]
    notes: dict[int, str] = {}

    def text_rule(toks: Sequence[Token], idx: int, _o: object, _e: object) -> str:
        return to_html(toks[idx].content)

    def ref_rule(toks: Sequence[Token], idx: int, _o: object, _e: object) -> str:
        meta = toks[idx].meta
        n = meta["id"] + 1
        sub = meta.get("subId", 0)
        ref_id = f"fnref{n}" + (f"-{sub}" if sub else "")
        out = f'<sup class="footnote-ref"><a href="#fn{n}" id="{ref_id}">{caption(n)}</a></sup>'
        if sub == 0 and meta["id"] in notes:
            out += f'<span class="fn-print">{notes[meta["id"]]}</span>'
        return out

    def open_rule(toks: Sequence[Token], idx: int, _o: object, _e: object) -> str:
        return f'<li id="fn{toks[idx].meta["id"] + 1}" class="footnote-item">'

    def anchor_rule(toks: Sequence[Token], idx: int, _o: object, _e: object) -> str:
        meta = toks[idx].meta
        n = meta["id"] + 1
        sub = meta.get("subId", 0)
        target = f"fnref{n}" + (f"-{sub}" if sub else "")
        return f' <a href="#{target}" class="footnote-backref" aria-label="back">^</a>'

    def block_open(_t: Sequence[Token], _i: int, _o: object, _e: object) -> str:
        return '<section class="footnotes">\n<ol class="footnotes-list">\n'

    try:
        renderer.rules.update({  # type: ignore[attr-defined]
            "text": text_rule, "footnote_ref": ref_rule, "footnote_open": open_rule,
            "footnote_anchor": anchor_rule, "footnote_block_open": block_open,
        })
        notes.update(_footnote_texts(tokens, env))
        return renderer.render(tokens, options, env)
    finally:
        renderer.rules.clear()  # type: ignore[attr-defined]
        renderer.rules.update(saved)  # type: ignore[attr-defined]


def render_inline_text(text: str, text_html: TextFilter | None = None) -> str:
    """One line of Markdown-free text (a headline, a name) to HTML with the same text rule."""
    return text_html(text) if text_html else html.escape(text, quote=False)


def _footnote_texts(tokens: Sequence[Token], env: dict) -> dict[int, str]:
    """Footnote id -> its content as inline HTML, for the copy set at the foot of the page."""
    notes: dict[int, list[str]] = {}
    current: int | None = None
    for tok in tokens:
        if tok.type == "footnote_open":
            current = tok.meta["id"]
            notes[current] = []
        elif tok.type == "footnote_close":
            current = None
        elif current is not None and tok.type == "inline":
            children = [c for c in tok.children or [] if c.type != "footnote_ref"]
            notes[current].append(_MD.renderer.renderInline(children, _MD.options, env))
    return {k: " ".join(v) for k, v in notes.items()}


def _alignment_classes(tokens: Sequence[Token]) -> None:
    """Table cell alignment as classes: the pages' Content-Security-Policy forbids style attributes."""
    for tok in tokens:
        if tok.type in ("th_open", "td_open"):
            style = str(tok.attrGet("style") or "")
            if style.startswith("text-align:"):
                tok.attrs.pop("style", None)
                tok.attrSet("class", "align-" + style.split(":", 1)[1])
