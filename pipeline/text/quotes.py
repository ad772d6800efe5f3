"""The house's quotation marks, set in a translated edition.

In: the text runs of one block (a paragraph's text tokens, or one field such as a headline), as typed by a
translator: ASCII " and ', or curly marks typed the English way round, with stray spaces inside; and the
publication's `quotes` setting, the marks as the reader sees them from left to right on the page (“” or the
Pakistani newspaper habit ‘’, optionally followed by the pair for a quote inside a quote).

Out: the same runs with every quotation mark replaced by the house mark for its role (opening or closing) and
level (outer or inner), in logical order for the edition's direction: on a right-to-left page the opening
mark is the one drawn on the right, so it is the right-hand mark of the setting (unless the mark is one the
bidi algorithm mirrors, such as « »). The space between a mark and its word is removed (a closing mark that
floated a space away from its word). Apostrophes inside Latin words (O'Brien, don't) are left alone, and so is
text the caller marks as opaque (code spans).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

__all__ = ["QUOTE_MARKS", "QuoteStyle", "quote_style", "set_quotes", "set_quotes_in_tokens"]

#: Every mark the setting may use.
QUOTE_MARKS = "“”‘’«»‹›„‚"
_DOUBLE = "\"“”„«»"  # what a translator may type for the outer level
_SINGLE = "'‘’‚‹›"  # ... and for the inner level
_OPENING_NEIGHBOURS = "([{«‹“‘„‚\"'—–-/"  # after these (or a space, or the start) a mark opens


@dataclass(frozen=True)
class QuoteStyle:
    """Left and right marks (as seen on the page) of the outer and the inner level."""

    outer: str = "“”"
    inner: str = "‘’"

    def marks(self, level: int, rtl: bool) -> tuple[str, str]:
        """(opening, closing) in logical order for a page of the given direction."""
        left, right = self.outer if level == 0 else self.inner
        if rtl and not unicodedata.mirrored(left):
            return right, left
        return left, right


def quote_style(setting: str) -> QuoteStyle:
    """The setting's value ("“”", "‘’", or four marks: outer then inner) as a style; ValueError if wrong."""
    if len(setting) not in (2, 4) or any(ch not in QUOTE_MARKS for ch in setting):
        raise ValueError(f"give two marks as they stand left and right of a quotation (one of {QUOTE_MARKS}), "
                         "e.g. “” or ‘’, optionally followed by the two marks for a quote inside a quote")
    if len(setting) == 4:
        return QuoteStyle(setting[:2], setting[2:])
    return QuoteStyle(setting, "‘’" if setting != "‘’" else "“”")


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN"


def _role(before: str, after: str, is_open: bool) -> bool:
    """True when a mark between `before` and `after` (the neighbouring characters, "" at the edges) opens."""
    left_free = not before or before.isspace() or before in _OPENING_NEIGHBOURS
    right_free = not after or after.isspace() or unicodedata.category(after)[0] in "PZ"
    if left_free and not right_free:
        return True
    if right_free and not left_free:
        return False
    return not is_open


def set_quotes(runs: Sequence[str | None], style: QuoteStyle, rtl: bool) -> list[str | None]:
    """The runs with house quotation marks. A None run is opaque (a code span): left as it is and read as a
    word by its neighbours' marks. Runs are one block: a quote may open in one run and close in another."""
    text = "".join("x" if run is None else run for run in runs)  # one string, to see each mark's neighbours
    out = list(text)
    open_levels = [False, False]
    drop: set[int] = set()
    for i, ch in enumerate(text):
        if ch not in _DOUBLE and ch not in _SINGLE:
            continue
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        level = 0 if ch in _DOUBLE else 1
        if level == 1 and before and after and _is_letter(before) and _is_letter(after):
            continue  # an apostrophe inside a word
        if level == 1 and before and _is_letter(before) and not open_levels[1]:
            continue  # a closing single mark with nothing open: the apostrophe of Reuters'
        opening = _role(before, after, open_levels[level])
        open_levels[level] = opening
        out[i] = style.marks(level, rtl)[0 if opening else 1]
        j = i + 1 if opening else i - 1
        while 0 <= j < len(text) and text[j] in " \u00a0":  # the mark stands against its word
            drop.add(j)
            j += 1 if opening else -1
    return _split_back(runs, out, drop)


def _split_back(runs: Sequence[str | None], chars: list[str], drop: set[int]) -> list[str | None]:
    result: list[str | None] = []
    pos = 0
    for run in runs:
        size = 1 if run is None else len(run)
        if run is None:
            result.append(None)
        else:
            result.append("".join(chars[k] for k in range(pos, pos + size) if k not in drop))
        pos += size
    return result


def set_quotes_in_tokens(tokens: Sequence[Token], style: QuoteStyle, rtl: bool) -> None:
    """House quotation marks in every inline block of a parsed (translated) token stream, in place."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        parts: list[tuple[Token, int]] = []  # each text token and where its run is
        runs: list[str | None] = []
        for child in block.children:
            if child.type == "text":
                parts.append((child, len(runs)))
                runs.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                runs.append(" ")
            elif child.type in ("code_inline", "image", "footnote_ref"):
                runs.append(None)
        done = set_quotes(runs, style, rtl)
        for child, index in parts:
            child.content = done[index] or ""
