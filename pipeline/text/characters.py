"""Character tables: digits, and the characters that are invisible or steer text direction.

In: nothing; this is data, with small helpers over it.
Out: `DIGITS` (each digit system's ten characters), `convert_digits`, and `INVISIBLE` (every
character that is refused in text people publish: controls, bidi embeddings, overrides, isolates and
marks, zero-width characters other than the joiners Urdu needs, the byte-order mark inside text and
the replacement character U+FFFD), with `invisible_re` to find them.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pipeline.errors import Problem

DIGITS: dict[str, str] = {
    "latin": "0123456789",
    "urdu": "۰۱۲۳۴۵۶۷۸۹",  # U+06F0–U+06F9, extended Arabic-Indic: the Urdu digits
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",  # U+0660–U+0669: never right in Urdu text
}
HOUSE_DIGIT_SYSTEMS = ("latin", "urdu")
_TO_LATIN = str.maketrans(DIGITS["arabic-indic"] + DIGITS["urdu"], DIGITS["latin"] * 2)
_LATIN_TO = {name: str.maketrans(DIGITS["latin"], chars) for name, chars in DIGITS.items()}


def convert_digits(text: str, system: str) -> str:
    """Rewrite every digit of `text` (Latin, Urdu or Arabic-Indic) into `system`."""
    text = text.translate(_TO_LATIN)
    return text if system == "latin" else text.translate(_LATIN_TO[system])


#: Bidi controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the marks
#: (U+200E LRM, U+200F RLM, U+061C ALM). Direction comes from markup, never from these.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Zero-width and other invisible characters that have no place in published text. ZWNJ (U+200C) and
#: ZWJ (U+200D) are not here: Urdu needs them to break or keep joins.
ZERO_WIDTH = "\u200b\u2060\u180e\ufeff"
#: C0 and C1 controls except tab and line feed, DEL, line and paragraph separators, noncharacters.
CONTROLS = "".join(chr(c) for c in (*range(0, 9), *range(11, 32), *range(0x7F, 0xA0))) + "\u2028\u2029\ufffe\uffff"
REPLACEMENT = "\ufffd"  # what a decoder writes for bytes it could not read: the text was damaged
INVISIBLE = BIDI_CONTROLS + ZERO_WIDTH + CONTROLS + REPLACEMENT
invisible_re = re.compile("[" + re.escape(INVISIBLE) + "]")
bidi_control_re = re.compile("[" + BIDI_CONTROLS + "]")


def describe(char: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: how a refused character is named to people."""
    name = unicodedata.name(char, "") or {"\x7f": "DELETE"}.get(char, "CONTROL CHARACTER")
    return f"U+{ord(char):04X} {name}"


MAX_NAME_CHARS = 100
_ESCAPE_RE = re.compile(r"\x1b|\x9b")  # an ANSI escape sequence starts with ESC or CSI


def name_problem(name: str) -> str | None:
    """Why `name` cannot stand as a person's name in a record (None: it can): printable text of at most
    100 characters, without controls, ANSI escapes, bidi controls or invisible characters."""
    if not name.strip():
        return "is empty; give the person's name"
    if len(name) > MAX_NAME_CHARS:
        return f"has {len(name):,} characters; a name has at most {MAX_NAME_CHARS}"
    if _ESCAPE_RE.search(name):
        return "holds a terminal escape sequence; type the name as plain text"
    bad = invisible_re.search(name) or re.search(r"[\t\n]", name)
    if bad:
        return f"holds the invisible character {describe(bad.group())}; type the name as plain text"
    odd = next((c for c in name if unicodedata.category(c) in ("Cf", "Co", "Cs", "Cn") and c != "\u200c"), None)
    if odd is not None:
        return f"holds the character {describe(odd)}, which is not printable text"
    return None


_NOT_PRINTABLE = ("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp")


def visible(text: str) -> str:
    """`text` made safe to print in a terminal and honest to read: every control, escape, bidi or invisible
    character shown as ⟨U+XXXX⟩ (a line break as ⏎), so a translation cannot redraw the screen, move the
    cursor or reorder what the reviewer sees. ZWNJ and ZWJ, which Urdu needs, are kept."""
    out = []
    for char in text:
        if char == "\n":
            out.append("⏎ ")
        elif char in INVISIBLE or char == "\t" or (unicodedata.category(char) in _NOT_PRINTABLE
                                                   and char not in "\u200c\u200d"):
            out.append(f"⟨U+{ord(char):04X}⟩")
        else:
            out.append(char)
    return "".join(out)


def hidden_characters(text: str, where: str) -> list[Problem]:
    """Invisible control and bidi-override characters, each located: they can make a headline read
    differently from what it says (the "Trojan Source" trick), and they never belong in an article or
    in publication.yaml."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        for match in invisible_re.finditer(line):
            problems.append(Problem(where, number, None,
                                    f"invisible character {describe(match.group())} in column {match.start() + 1}; "
                                    "delete it (retype the line if you cannot see it)"))
        if "&" in line and not invisible_re.search(line):
            decoded = invisible_re.search(html.unescape(line))
            if decoded:
                problems.append(Problem(where, number, None, f"a character reference (&#...;) on this line stands "
                                        f"for the invisible character {describe(decoded.group())}; delete it"))
    return problems[:20]
