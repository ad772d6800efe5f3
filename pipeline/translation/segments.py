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
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from markdown_it.token import Token

from pipeline.sources.articles import Article
from pipeline.text.markdown import blocks, is_text_block

#: Front-matter fields that are translated, in the order a translator meets them.
FIELD_CONTEXTS = ("headline", "dateline", "byline.author", "byline.location", "summary")
NOTE_CONTEXT = "editorial_note"


@dataclass(frozen=True)
class Segment:
    context: str | None
    source: str
    line: int | None = None
    kind: str = "paragraph"  # "field", "heading", "cell" or "paragraph": what lint may expect of it

    @property
    def lint_field(self) -> str | None:
        """The field name Urdu lint is given: headings and table cells need no full stop."""
        return "heading" if self.kind in ("heading", "cell") else self.context

    @property
    def id(self) -> str:
        """A short, stable name for the segment: the reviewer types it to approve one segment."""
        return segment_id(self.context, self.source)


def segment_id(context: str | None, source: str) -> str:
    return hashlib.sha1(f"{context or ''}\x04{source}".encode()).hexdigest()[:8]


def normalize(text: str) -> str:
    """Source text as a msgid: soft line breaks become spaces (re-wrapping a paragraph changes
    nothing), hard breaks (two trailing spaces or a backslash) stay as newlines."""
    lines = text.strip("\n").split("\n")
    out = ""
    for i, line in enumerate(lines):
        hard = line.endswith("  ") or line.endswith("\\")
        piece = line.rstrip() if not line.endswith("\\") else line
        if i:
            out += piece.lstrip()
        else:
            out += piece
        if i < len(lines) - 1:
            out += "\n" if hard else " "
    return out.strip()


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
    for text, context, offset in ((article.body, None, article.body_line),
                                  (article.editorial_note, NOTE_CONTEXT, None)):
        if not text:
            continue
        tokens = blocks(text)
        opener = {id(tokens[i + 1]): tokens[i].type for i in range(len(tokens) - 1)}
        for tok in inline_blocks(tokens):
            line = offset + tok.map[0] if (offset is not None and tok.map) else None
            kind = {"heading_open": "heading", "th_open": "cell", "td_open": "cell"}.get(opener.get(id(tok), ""),
                                                                                        "paragraph")
            found.append(Segment(context, normalize(tok.content), line, kind))
    seen: set[tuple[str | None, str]] = set()
    unique = []
    for seg in found:
        if (seg.context, seg.source) not in seen:
            seen.add((seg.context, seg.source))
            unique.append(seg)
    return tuple(unique)


Translate = Callable[[str | None, str], str]
"""(msgctxt, normalized English source) -> the text in the edition's language."""
