"""Cut an article into translatable segments.

In: an `Article`.
Out: its `Segment`s in reading order: each front-matter text field (with a msgctxt naming the
field) and each Markdown block (heading, paragraph, list item, table cell, quote, footnote) of the
body and of the editorial note. A segment's source is the English text a translator sees as msgid;
identical blocks are one segment, so a catalog has one entry per distinct text.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from pipeline.sources.articles import Article
from pipeline.text.markdown import blocks, inline_html, is_text_block

#: Front-matter fields that are translated, in the order a translator meets them.
FIELD_CONTEXTS = ("headline", "dateline", "byline.author", "byline.location", "summary")
NOTE_CONTEXT = "editorial_note"
CORRECTION_CONTEXT = "correction"  # each correction's note, printed at the foot of every edition
WITHDRAWAL_CONTEXT = "withdrawal_note"  # why a withdrawn story was withdrawn
TITLE_CONTEXT = "link-title"  # the title of a link reference definition: the tooltip of its links and images
# What a translated edition shows exactly as the English has it (code blocks, the addresses of reference
# links): one segment per article, never in the catalog, approved by the reviewer like any other, so a
# change to it is unapproved again.
VERBATIM_CONTEXT = "verbatim"


@dataclass(frozen=True)
class Segment:
    context: str | None
    source: str
    line: int | None = None
    kind: str = "paragraph"  # "field", "heading", "cell", "paragraph", "interface", "tag" or "verbatim"

    @property
    def lint_field(self) -> str | None:
        """The field name Urdu lint is given: headings and table cells need no full stop."""
        return "heading" if self.kind in ("heading", "cell", "interface", "tag") else self.context

    @property
    def id(self) -> str:
        """A short, stable name for the segment: the reviewer types it to approve one segment."""
        return segment_id(self.context, self.source)


def segment_id(context: str | None, source: str) -> str:
    return hashlib.sha1(f"{context or ''}\x04{source}".encode()).hexdigest()[:8]


def _join_lines(text: str, markdown: bool = True) -> str:
    """Soft line breaks become spaces (re-wrapping a paragraph changes nothing); in Markdown a hard break
    (two or more trailing spaces, or a backslash) becomes a backslash break, which a translator can see
    and keep (in a plain-text field, a line break)."""
    lines = text.strip("\n").split("\n")
    out = ""
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        hard = not last and (line.endswith("  ") or line.endswith("\\"))
        piece = line.rstrip(" ") if not last else line
        piece = piece.lstrip() if i else piece
        if hard and markdown and not piece.endswith("\\"):
            piece += "\\"
        out += piece + ("" if last else "\n" if hard else " ")
    return out.strip()


# A bracketed label, escaped brackets allowed inside; "[]" after it makes a collapsed reference.
_SHORT_REFERENCE = re.compile(r"(?<!\\)(!?)\[((?:\\.|[^\[\]\\\n])+)\](\[\])?")


def _full_references(text: str, env: dict, meaning: str) -> str:
    """Shortcut and collapsed reference links (`[foo]`, `[foo][]`) written in full (`[foo][foo]`), so a
    translator who translates the link text keeps the link. Each one is kept only if the text still means
    `meaning` (its HTML): a bracket that is not a link stays as it was."""
    references = env.get("references", {})
    start = 0
    while references and (match := _SHORT_REFERENCE.search(text, start)):
        bang, label = match.group(1), match.group(2)
        start = match.end()
        if label.startswith("^") or normalizeReference(label) not in references:
            continue
        candidate = f"{text[:match.start()]}{bang}[{label}][{label}]{text[match.end():]}"
        if inline_html(candidate, env) == meaning:
            text, start = candidate, match.start() + len(bang) + 2 * len(label) + 4
    return text


def normalize(text: str, env: dict | None = None) -> str:
    """A block's English text as the translator sees it (its msgid): lines joined, hard breaks as
    backslash breaks and reference links in full. With the article's `env` of definitions, each step is
    kept only if the text still means exactly what it meant (same HTML): normalising never makes a link,
    a break or a code span that the English does not have."""
    if env is None:
        return _join_lines(text, markdown=False)
    if "\n" not in text and "[" not in text and text == text.strip():
        return text  # one line, no brackets: no step could change it (and parsing it twice costs time)
    meaning = inline_html(text, env)
    result = text.strip("\n")
    for step in (_join_lines, lambda t: _full_references(t, env, meaning)):
        candidate = step(result)
        if candidate != result and inline_html(candidate, env) == meaning:
            result = candidate
    return result


def field_values(article: Article) -> dict[str, str]:
    return {
        "headline": article.headline,
        "dateline": article.dateline,
        "byline.author": article.author,
        "byline.location": article.location,
        "summary": article.summary,
    }


def inline_blocks(tokens: list[Token]) -> Iterator[Token]:
    """Every inline token that carries text: the translatable blocks of a Markdown document."""
    for tok in tokens:
        if is_text_block(tok):
            yield tok


def reference_titles(env: dict) -> list[str]:
    """The titles of the link reference definitions of a Markdown text, in the order they were defined."""
    return [str(d["title"]) for d in env.get("references", {}).values() if str(d.get("title") or "").strip()]


def verbatim_parts(tokens: list[Token], env: dict, where: str) -> list[str]:
    """What of one Markdown text a translated edition shows as the English has it: each code block (with its
    info string) and each link reference definition's address."""
    parts = []
    for tok in tokens:
        if tok.type in ("fence", "code_block"):
            info = f" {tok.info.strip()}" if tok.info.strip() else ""
            parts.append(f"code block in the {where}{info}:\n{tok.content.rstrip()}")
    for label, definition in env.get("references", {}).items():
        parts.append(f"link [{label}] in the {where} goes to {definition['href']}")
    return parts


def segments(article: Article) -> list[Segment]:
    """All segments of an article, in reading order, without duplicates."""
    return list(_segments(article))


@functools.lru_cache(maxsize=64)
def _segments(article: Article) -> tuple[Segment, ...]:
    found: list[Segment] = []
    for context in FIELD_CONTEXTS:
        value = field_values(article)[context]
        if value:
            found.append(Segment(context, normalize(value), None, "field"))
    found.extend(Segment(CORRECTION_CONTEXT, normalize(c.note), None, "field") for c in article.corrections)
    if article.withdrawn:
        found.append(Segment(WITHDRAWAL_CONTEXT, normalize(article.withdrawal_note), None, "field"))
    shown: list[str] = []  # one reviewable text for all of it: the verbatim segment
    for text, context, offset in ((article.body, None, article.body_line),
                                  (article.editorial_note, NOTE_CONTEXT, None)):
        if not text:
            continue
        tokens, env = blocks(text)
        shown.extend(verbatim_parts(tokens, env, "body" if context is None else "editorial note"))
        opener = {id(tokens[i + 1]): tokens[i].type for i in range(len(tokens) - 1)}
        for tok in inline_blocks(tokens):
            line = offset + tok.map[0] if (offset is not None and tok.map) else None
            kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(opener.get(id(tok), ""),
                                                                                        "paragraph")
            found.append(Segment(context, normalize(tok.content, env), line, kind))
        found.extend(Segment(TITLE_CONTEXT, normalize(title), None, "field") for title in reference_titles(env))
    if shown:
        found.append(Segment(VERBATIM_CONTEXT, "\n\n".join(shown), None, "verbatim"))
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for seg in found:
        if (seg.context, seg.source) not in seen:
            seen.add((seg.context, seg.source))
            unique.append(seg)
    return tuple(unique)


Translate = Callable[[str | None, str], str]
"""(msgctxt, normalized English source) -> the text in the edition's language."""
