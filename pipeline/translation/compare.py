"""Compare a translation with its English source: what a reviewer must be shown before approving.

In: a segment's English text and its translation (both Markdown inline text), and the article's
definitions (link references, footnotes) from the block pass.
Out: `findings`, one sentence per difference that changes what a reader gets besides the words: a link
that points elsewhere, was added or was lost; an image added or removed; a footnote mark missing or
added; a hard line break lost or added; a code span changed; a number that differs once digits are
converted; a Latin-script acronym or name of the English missing from the translation; for interface
strings, placeholders lost and markup added. `approve --all` skips segments with findings; `check` and
`review` show them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from markdown_it.token import Token

from pipeline.sources.articles import Article
from pipeline.text.characters import convert_digits
from pipeline.text.markdown import blocks, parse_inline
from pipeline.translation.segments import NOTE_CONTEXT, Segment

# A number as written in English or Urdu: digits with thousands separators or a decimal point.
_NUMBER_RE = re.compile(r"[0-9\u06f0-\u06f9\u0660-\u0669]+(?:[.,\u066b\u066c][0-9\u06f0-\u06f9\u0660-\u0669]+)*")
# Acronyms (IMF, WAPDA, PSL2026), mixed-case names (iPhone, DawnNews), handles and hashtags.
_NAME_RE = re.compile(r"(?<![\w@#])(?:[@#][A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*"
                      r"|[A-Z][A-Z0-9&]*[A-Z][A-Z0-9&]*"
                      r"|[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z]+[A-Z][A-Za-z0-9]*)(?![\w])")


@dataclass(frozen=True)
class Features:
    """What a segment's text holds besides its words."""

    links: Counter[str]
    images: Counter[str]
    footnotes: Counter[str]
    breaks: int
    code: Counter[str]
    numbers: Counter[str]
    names: frozenset[str]
    text: str  # the plain text a reader sees (for names written in other words' company)


def _number(raw: str) -> str:
    latin = convert_digits(raw, "latin").replace("\u066b", ".")
    latin = re.sub(r"(?<=\d)[,\u066c](?=\d{3})", "", latin)  # thousands separators say nothing
    return latin.rstrip(".")


def features(text: str, env: dict) -> Features:
    tokens = parse_inline(text, env)
    links: Counter[str] = Counter()
    images: Counter[str] = Counter()
    footnotes: Counter[str] = Counter()
    code: Counter[str] = Counter()
    plain: list[str] = []
    breaks = 0
    for tok in _flatten(tokens):
        if tok.type == "link_open":
            links[str(tok.attrGet("href") or "")] += 1
        elif tok.type == "image":
            images[str(tok.attrGet("src") or "")] += 1
            plain.append(tok.content)
        elif tok.type == "footnote_ref":
            footnotes[str(tok.meta.get("label", ""))] += 1
        elif tok.type == "hardbreak":
            breaks += 1
        elif tok.type == "code_inline":
            code[tok.content] += 1
        elif tok.type == "text":
            plain.append(tok.content)
    words = " ".join(plain)
    return Features(links, images, footnotes, breaks, code, Counter(_number(n) for n in _NUMBER_RE.findall(words)),
                    frozenset(_NAME_RE.findall(words)), words)


def _flatten(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        out.append(tok)
        if tok.type != "image" and tok.children:
            out.extend(_flatten(tok.children))
    return out


def _differences(what: str, source: Counter[str], translation: Counter[str], show: str = "{}") -> list[str]:
    found = []
    for item in sorted(source - translation):
        found.append(f"{what} {show.format(item)} of the English is missing from the translation")
    for item in sorted(translation - source):
        found.append(f"the translation has {what} {show.format(item)} that the English does not have")
    return found


def findings(source: str, translation: str, env: dict) -> list[str]:
    """Every difference between the English and its translation that a reviewer must see."""
    if not translation.strip():
        return []
    a, b = features(source, env), features(translation, env)
    found = [
        *_differences("a link to", a.links, b.links),
        *_differences("an image", a.images, b.images),
        *_differences("footnote mark", a.footnotes, b.footnotes, "[^{}]"),
        *_differences("the code", a.code, b.code, "`{}`"),
        *_differences("the number", a.numbers, b.numbers),
    ]
    if a.breaks != b.breaks:
        found.append(f"the English has {a.breaks} hard line break(s), the translation {b.breaks} "
                     "(a line ending in a backslash)")
    missing = sorted(name for name in a.names if name not in b.text)
    if missing:
        found.append("Latin-script name(s) of the English missing from the translation: " + ", ".join(missing))
    return found


def definitions(article: Article) -> dict[str | None, dict]:
    """The env of definitions (link references, footnotes) of each Markdown text of the article, by the
    segment context its blocks carry (None: the body)."""
    found: dict[str | None, dict] = {}
    for text, context in ((article.body, None), (article.editorial_note, NOTE_CONTEXT)):
        if text:
            found[context] = blocks(text)[1]
    return found


def segment_findings(article: Article, pairs: Iterable[tuple[Segment, str]]) -> dict[Segment, list[str]]:
    """Findings per segment (not per id: two segments may share an id), for the (segment, translation) pairs
    given; segments without any are left out."""
    envs = definitions(article)
    out: dict[Segment, list[str]] = {}
    for seg, translation in pairs:
        found = findings(seg.source, translation, envs.get(seg.context, {}))
        if found:
            out[seg] = found
    return out


_PLACEHOLDER_RE = re.compile(r"\{\w*\}")
# What a label never needs and markup, CSS or an address is made of.
_MARKUP_RE = re.compile(r"[<>\"={};\\]|[A-Za-z][\w+.-]*:|&#?\w+;")


def markup_added(source: str, translation: str) -> set[str]:
    """The markup-like marks (`<`, `"`, `&amp;`, `javascript:`, ...) of a plain-text translation that its English
    has not; `{placeholders}` are not markup."""
    return set(_MARKUP_RE.findall(_PLACEHOLDER_RE.sub("", translation))) - \
        set(_MARKUP_RE.findall(_PLACEHOLDER_RE.sub("", source)))


def interface_findings(pairs: Iterable[tuple[Segment, str]]) -> dict[Segment, list[str]]:
    """Findings of interface strings (plain text, not Markdown): the placeholders the code fills in
    (`{page}`) lost, added or misspelt, and markup-like text a template would show as it is."""
    out: dict[Segment, list[str]] = {}
    for seg, translation in pairs:
        if not translation.strip():
            continue
        found = _differences("the placeholder", Counter(_PLACEHOLDER_RE.findall(seg.source)),
                             Counter(_PLACEHOLDER_RE.findall(translation)))
        marks = markup_added(seg.source, translation)
        if marks:
            found.append("the translation holds markup or an address the English has not ("
                         + " ".join(sorted(marks)) + "); a page shows it as text")
        if found:
            out[seg] = found
    return out
