"""No paragraph ends on a line holding one short word.

In: a parsed (translated) token stream.
Out: the same stream, changed in place (`tie_text` does the same to one plain text: a headline, a summary):
in every paragraph of five words or more, the space before the last
word becomes a no-break space (U+00A0) when that word is short, so the last line always has at least two
words and the line before gives one up. WeasyPrint has no `text-wrap: pretty`; a tie works in PDFs and in every
browser alike. Code spans and long last words are left alone (tying a long word could push the line before
into a loose justification).
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

__all__ = ["tie_last_words", "tie_text"]

NBSP = "\u00a0"
SHORT_WORD = 12  # characters: longer last words are not tied
MIN_WORDS = 5


def _tie(children: Sequence[Token]) -> None:
    texts = [child for child in children if child.type == "text"]
    if sum(t.content.count(" ") for t in texts) < MIN_WORDS - 1:
        return
    tail = 0  # characters after the space we look for, up to the paragraph's end
    for child in reversed(children):
        if child.type in ("softbreak", "hardbreak", "image", "code_inline"):
            return  # the last word is not plain text: leave the paragraph as it is
        if child.type != "text":
            continue
        stripped = child.content.rstrip(" ")
        cut = stripped.rfind(" ")
        if cut < 0:
            tail += len(stripped)
            if tail > SHORT_WORD:
                return
            continue
        if tail + len(stripped) - cut - 1 <= SHORT_WORD:
            child.content = stripped[:cut] + NBSP + child.content[cut + 1:]
        return


def tie_last_words(tokens: Sequence[Token]) -> None:
    """Tie the last two words of every paragraph of the stream (in place)."""
    for i, tok in enumerate(tokens):
        if tok.type == "inline" and tok.children and i and tokens[i - 1].type == "paragraph_open":
            _tie(tok.children)


def tie_text(text: str) -> str:
    """One plain text (a headline, an index summary) with its last two words tied, by the same rule."""
    stripped = text.rstrip(" ")
    cut = stripped.rfind(" ")
    if stripped.count(" ") < MIN_WORDS - 1 or len(stripped) - cut - 1 > SHORT_WORD:
        return text
    return stripped[:cut] + NBSP + text[cut + 1:]
