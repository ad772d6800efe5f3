"""Markdown to HTML for article bodies and editorial notes.

In: Markdown text (CommonMark + tables + footnotes; raw HTML is never passed through).
Out: a token stream (`parse`) that the translation stage can rewrite segment by segment, and HTML
(`render`) with heading anchors, safe links only, images only from inside the publication root, and
each footnote also placed inline (`span.fn-print`) so print CSS can set it at the foot of its page; the
footnote list has a heading and back-links labelled in the page's language (`FootnoteLabels`).
"""

from __future__ import annotations

import copy
import dataclasses
import html
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from PIL import Image, UnidentifiedImageError

from pipeline.errors import Problem

SAFE_SCHEMES = ("http", "https", "mailto")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
MAX_IMAGE_BYTES = 20_000_000
MAX_IMAGE_PIXELS = 40_000_000  # about 8000 x 5000: more is a decompression bomb, not a news photo
MAX_TABLE_ROWS = 1_000
MAX_BLOCK_CHARS = 20_000  # one paragraph; WeasyPrint's line breaking slows down sharply beyond
# markdown-it stops parsing, without a word, what is nested deeper than its maxNesting (20 by default:
# 20 quotes, or 10 lists in lists). We let it parse far deeper and refuse beyond MAX_NESTING ourselves,
# with the line, so nothing is ever dropped silently.
PARSER_NESTING = 100
MAX_NESTING = 40  # token levels: 40 quotes inside quotes, or 20 lists inside lists
_UNDEFINED_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")
_UNDEFINED_REFERENCE = re.compile(r"\]\[([^\]]+)\]")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _slugify(text: str) -> str:
    text = re.sub(r"[^\w\- ]", "", text.strip().lower(), flags=re.UNICODE)
    return re.sub(r"[\s]+", "-", text) or "section"


def make_parser() -> MarkdownIt:
    """The one Markdown dialect of the newsroom."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": True,
                                   "maxNesting": PARSER_NESTING})
    md.enable(["table", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=False)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_slugify)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # we check links ourselves
    return md


_MD = make_parser()


_CORE_RULES = [(rule.name, rule.fn) for rule in _MD.core.ruler.__rules__ if rule.enabled]


def is_text_block(tok: Token) -> bool:
    """A block that carries text: a translatable segment. Segmentation and the substitution of
    translations must agree on this, or a translation would be looked up that was never cut."""
    return tok.type == "inline" and bool(tok.content.strip())


def blocks(text: str) -> tuple[list[Token], dict]:
    """The block pass only: every block with its source text, inline content not parsed, and the env
    with the link reference and footnote definitions. Enough to cut an article into segments, at a
    fraction of a full parse (footnote definitions stay where they were written)."""
    state = StateCore(text, _MD, {})
    for name, rule in _CORE_RULES:
        rule(state)
        if name == "block":
            break
    return state.tokens, state.env


Substitute = Callable[[str, dict], str]  # (a block's English text, the env of definitions) -> its translation


def parse(text: str, substitute: Substitute | None = None,
          title: Callable[[str], str] | None = None) -> tuple[list[Token], dict]:
    """Markdown to a block token stream (inline children parsed) and its env (footnote data).

    With `substitute`, every block's text is replaced (by its translation) between the block pass and
    the inline pass, and with `title` every link reference definition's title: the translated edition
    keeps the English block structure, and its text is parsed once, with footnote references counted
    as usual."""
    env: dict = {}
    if substitute is None:
        return _MD.parse(text, env), env
    state = StateCore(text, _MD, env)
    for name, rule in _CORE_RULES:
        rule(state)
        if name == "block":
            for tok in state.tokens:
                if is_text_block(tok):
                    tok.content = substitute(tok.content, env)
            for definition in env.get("references", {}).values():
                if str(definition.get("title") or "").strip() and title is not None:
                    definition["title"] = title(definition["title"])
    return state.tokens, env


def parse_inline(text: str, env: dict) -> list[Token]:
    """The inline tokens of one block's text, read with the article's link reference and footnote
    definitions from `env` (left as it was)."""
    local = {"references": env.get("references", {}),
             "footnotes": {"refs": dict(env.get("footnotes", {}).get("refs", {}))}}
    tokens = _MD.parseInline(text, local)
    return (tokens[0].children or []) if tokens else []


def inline_html(text: str, env: dict) -> str:
    """What one block's text means, as HTML (line endings and spaces alike): two texts that give the same
    string say the same thing."""
    local = {"references": env.get("references", {}),
             "footnotes": {"refs": dict(env.get("footnotes", {}).get("refs", {}))}}
    return _MD.renderInline(text, local).replace("\n", " ")


@dataclass
class Resources:
    """What rendering needs to know about files, and what it found wrong."""

    root: Path  # publication root: images must be inside it
    base_dir: Path  # where relative image paths start (the articles folder)
    media_prefix: str = "../media/"  # URL prefix of copied images, as seen from the page
    where: str = ""  # file name for problems
    line_offset: int | None = 0  # file line of the Markdown's first line (None: lines mean nothing there)
    field: str = "body"
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def line_of(self, tok: Token) -> int | None:
        if self.line_offset is None:
            return None
        return self.line_offset + (tok.map[0] if tok.map else 0)
    images: dict[str, Path] = dataclasses.field(default_factory=dict)  # media path -> source file


def check_structure(tokens: Sequence[Token], env: dict, source: str, res: Resources,
                    translated: bool = False) -> None:
    """Broken or oversized Markdown: unclosed code fences, footnotes without a definition or never
    used, undefined link references, tables and paragraphs too big to typeset in bounded time.
    A translation shares the English block structure, so only its own text is checked."""
    lines = source.split("\n")
    rows = 0
    deep = next((tok for tok in tokens if tok.level > MAX_NESTING), None)
    if deep is not None and not translated:
        res.problems.append(Problem(res.where, res.line_of(deep), res.field,
                                    f"quotes and lists are nested too deep here (more than {MAX_NESTING} levels); "
                                    "what is inside would be lost: flatten them"))
    for tok in tokens:
        line = res.line_of(tok)
        if translated and tok.type != "inline":
            continue
        if tok.type == "fence" and tok.map:
            last = lines[tok.map[1] - 1].strip() if tok.map[1] - 1 < len(lines) else ""
            if tok.map[1] - tok.map[0] < 2 or not last.startswith(tok.markup):
                res.problems.append(Problem(res.where, line, res.field,
                                            f"code block opened with {tok.markup} is never closed; "
                                            f"add a line {tok.markup} after it"))
        elif tok.type == "table_open":
            rows = 0
        elif tok.type == "tr_open":
            rows += 1
            if rows == MAX_TABLE_ROWS + 1:
                res.problems.append(Problem(res.where, line, res.field,
                                            f"table has more than {MAX_TABLE_ROWS:,} rows; split it or publish "
                                            "the data as a file"))
        elif tok.type == "inline":
            if len(tok.content) > MAX_BLOCK_CHARS:
                res.problems.append(Problem(res.where, line, res.field,
                                            f"a paragraph of {len(tok.content):,} characters; the limit is "
                                            f"{MAX_BLOCK_CHARS:,}: break it into paragraphs"))
            for child in tok.children or []:
                if child.type != "text":
                    continue
                for label in _UNDEFINED_FOOTNOTE.findall(child.content):
                    res.problems.append(Problem(res.where, line, res.field,
                                                f"footnote [^{label}] has no definition; add a line "
                                                f'"[^{label}]: ..." at the end'))
                for label in _UNDEFINED_REFERENCE.findall(child.content):
                    if not label.startswith("^"):
                        res.problems.append(Problem(res.where, line, res.field,
                                                    f"link reference [{label}] is not defined; add "
                                                    f'"[{label}]: https://..." or write the link inline'))
    footnotes = env.get("footnotes", {})
    used = {str(item.get("label")) for item in footnotes.get("list", {}).values()}
    for key in footnotes.get("refs", {}):
        if key.lstrip(":") not in used:
            res.problems.append(Problem(res.where, None, res.field,
                                        f"footnote [^{key.lstrip(':')}] is defined but never referenced; "
                                        "reference it or delete it"))


def check_links(tokens: Sequence[Token], res: Resources) -> None:
    """Drop unsafe links and outside images from the token stream, recording a problem for each."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = res.line_of(block)
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
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return "", f"is {size:,} bytes; images are limited to {MAX_IMAGE_BYTES:,}: resize it"
    reason = _image_pixels_problem(path)
    if reason:
        return "", reason
    media = path.relative_to(root).as_posix()
    res.images[media] = path
    return media, None


def _image_pixels_problem(path: Path) -> str | None:
    """Read only the image header (Pillow, which WeasyPrint uses) and refuse huge or unreadable files."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we refuse it ourselves, below
            with Image.open(path) as image:
                width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return "is not a readable image; export it again as PNG or JPEG"
    if width * height > MAX_IMAGE_PIXELS:
        return (f"is {width} x {height} pixels; images are limited to {MAX_IMAGE_PIXELS // 1_000_000} "
                "megapixels: resize it")
    return None


TextFilter = Callable[[str], str]  # one text run -> HTML (it must escape)


@dataclass(frozen=True)
class FootnoteLabels:
    """The words around footnotes, in the page's language: the list's heading and each back-link's label
    (read aloud instead of its "^"; `{number}` is the reference's number as the page writes it). Given by
    the edition from its interface strings (`interface.CODE_MESSAGES`)."""

    heading: str = "Notes"
    backlink: str = "Back to reference {number}"


def render(tokens: Sequence[Token], env: dict, text_html: TextFilter | None = None,
           footnote_caption: Callable[[int], str] | None = None, labels: FootnoteLabels = FootnoteLabels()) -> str:
    """Token stream to HTML. `text_html` turns every text run into HTML (digits, bidi for Urdu)."""
    # A copy of the renderer with our rules: the shared one is never changed, so threads can render
    # side by side (the plugins' rules in it are bound to the original and only read its rules).
    renderer = copy.copy(_MD.renderer)
    caption = footnote_caption or str
    to_html = text_html or (lambda text: html.escape(text, quote=False))
    options = _MD.options
    _alignment_classes(tokens)
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
        label = html.escape(labels.backlink.replace("{number}", caption(n)), quote=True)  # never format(): a
        # translator's stray brace must not break the page
        return f' <a href="#{target}" class="footnote-backref" role="doc-backlink" aria-label="{label}">^</a>'

    def block_open(_t: Sequence[Token], _i: int, _o: object, _e: object) -> str:
        # no id on the heading: the body and the editorial note may each have footnotes
        return (f'<section class="footnotes">\n<h2 class="footnotes-title">{to_html(labels.heading)}</h2>\n'
                '<ol class="footnotes-list">\n')

    renderer.rules = {**_MD.renderer.rules,  # type: ignore[attr-defined]
                      "text": text_rule, "footnote_ref": ref_rule, "footnote_open": open_rule,
                      "footnote_anchor": anchor_rule, "footnote_block_open": block_open}
    notes.update(_footnote_texts(tokens, env, renderer))
    return renderer.render(tokens, options, env)


def render_inline_text(text: str) -> str:
    """One line of Markdown-free text (a headline, a name) to HTML, as the English text rule does."""
    return html.escape(text, quote=False)


def _footnote_texts(tokens: Sequence[Token], env: dict, renderer: RendererHTML) -> dict[int, str]:
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
            notes[current].append(renderer.renderInline(children, _MD.options, env))
    return {k: " ".join(v) for k, v in notes.items()}


def _alignment_classes(tokens: Sequence[Token]) -> None:
    """Table cell alignment as classes: the pages' Content-Security-Policy forbids style attributes."""
    for tok in tokens:
        if tok.type in ("th_open", "td_open"):
            style = str(tok.attrGet("style") or "")
            if style.startswith("text-align:"):
                tok.attrs.pop("style", None)
                tok.attrSet("class", "align-" + style.split(":", 1)[1])
