"""Which characters the publication's own fonts can draw.

In: the bundled font files (`fonts/*.ttf`).
Out: `coverage`, the set of code points some bundled font has a glyph for (read once per set of files),
and `missing`, the characters of a text that none has: a PDF would draw them from whatever font the
machine happens to have (a DejaVu fallback, a box), so a translation holding one is refused with the
character named and, where there is one, the ordinary letter to write instead.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

from pipeline.text.characters import describe

_ALWAYS = frozenset(map(ord, "\n\t \u200c\u200d"))  # layout, not glyphs (ZWNJ/ZWJ steer Urdu joining)


@functools.lru_cache(maxsize=4)
def _coverage(fonts: tuple[tuple[str, int, int], ...], folder: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # 60 ms to import: only when a translated edition is checked

    points: set[int] = set(_ALWAYS)
    for name, _size, _mtime in fonts:
        with TTFont(folder / name, lazy=True) as font:
            points.update(font.getBestCmap() or {})
    return frozenset(points)


def coverage(folder: Path) -> frozenset[int]:
    """Every code point a bundled font draws."""
    files = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.ttf")))
    return _coverage(files, folder)


def missing(text: str, covered: frozenset[int]) -> list[str]:
    """Each character of `text` that no bundled font has, once, in order of appearance."""
    return list(dict.fromkeys(ch for ch in text if ord(ch) not in covered))


def advice(char: str, covered: frozenset[int]) -> str:
    """How to write `char` with letters the fonts have, when Unicode says so (presentation forms)."""
    plain = unicodedata.normalize("NFKC", char)
    if plain != char and all(ord(c) in covered for c in plain):
        return f"write {plain} instead (`pipeline translate --fix-letters` does it)"
    return "write it another way, or add a font that has it to fonts/"


def missing_problem_text(text: str, covered: frozenset[int]) -> str | None:
    """One sentence naming the characters of `text` no bundled font has, with what to do; None if all are."""
    absent = missing(text, covered)
    if not absent:
        return None
    named = "; ".join(f"{describe(c)}: {advice(c, covered)}" for c in absent[:3])
    more = f" (and {len(absent) - 3} more)" if len(absent) > 3 else ""
    return f"no bundled font has {named}{more}"
