"""Urdu text: bidi-safe HTML for text runs, and the newsroom's Unicode hygiene checklist.

In: plain text of an Urdu edition (Markdown already parsed away; English names, acronyms, URLs, e-mail addresses
and phone numbers may be mixed in), the house digit system ("latin" or "urdu") and, for the checks, the field the
text comes from (None for body text, "headline", "heading", "dateline", "byline.author", "byline.location", ...).

Out:
- `urdu_text_html(text, digits)`: escaped HTML in which every Latin-script run, URL, e-mail address and
  punctuated number (phone numbers, codes, times, ranges) is wrapped in `<span dir="ltr" lang="en">` (WeasyPrint
  does not apply `unicode-bidi`, so markup is the only tool that works), with digits in the house system outside
  Latin runs, URLs and e-mail addresses. Never a bidi control character.
- `lint_urdu(text, field=...)`: one `Finding` per kind of problem of the hygiene table, action "fix" or "flag".
- `fix_letters(text, digits, field=...)`: the text with the table's "fix" rows applied (never NFKC on the whole
  text, never stripping diacritics), and a human-readable list of what changed.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.text.characters import BIDI_CONTROLS, DIGITS, HOUSE_DIGIT_SYSTEMS, convert_digits

__all__ = ["Finding", "fix_letters", "lint_urdu", "urdu_text_html"]

#: Fields that are not sentences: no Urdu full stop is expected at their end.
NO_FULL_STOP_FIELDS = frozenset({"headline", "heading", "dateline", "byline.author", "byline.location",
                                 "link-title"})  # a tooltip takes no full stop

_LTR_OPEN = '<span dir="ltr" lang="en">'
_LTR_CLOSE = "</span>"

_ARABIC_INDIC_TO_LATIN = str.maketrans(DIGITS["arabic-indic"], DIGITS["latin"])
_URDU_TO_LATIN = str.maketrans(DIGITS["urdu"] + DIGITS["arabic-indic"], DIGITS["latin"] * 2)
_ARABIC_INDIC_TO_URDU = str.maketrans(DIGITS["arabic-indic"], DIGITS["urdu"])
_ARABIC_INDIC_RE = re.compile(f"[{DIGITS['arabic-indic']}]")
_BIDI_CONTROL_RE = re.compile(f"[{BIDI_CONTROLS}]")
_ARABIC_SCRIPT_RE = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefe]")
_URDU_PUNCTUATION = "۔،؟؛"
#: Spaces before ۔ ، ؟ ؛ (a tatweel in between does not hide them: removing it would bring them back).
_SPACE_BEFORE_PUNCTUATION_RE = re.compile(f"[ \u00a0]+(?=\u0640*[{_URDU_PUNCTUATION}])")
_TATWEEL = "\u0640"
#: A space before the punctuation and none after it, before the next word: the space belongs after it.
_SPACE_MOVES_RE = re.compile(f"[ \u00a0]+(\u0640*[{_URDU_PUNCTUATION}])"
                             "(?=[\u0621-\u064a\u0671-\u06d3\u06f0-\u06ff0-9])")

# --- What goes into a dir="ltr" span --------------------------------------------------------------------------
# Latin letters: ASCII, Latin-1 (without × and ÷), Latin Extended-A/B and Latin Extended Additional.
_LAT = "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_LATIN_LETTER_RE = re.compile(f"[{_LAT}]")
_CH = f"[{_LAT}0-9\u0300-\u036f]"  # inside a Latin word (combining accents of decomposed letters too)
_INNER = r"[.'’&/:\-]"  # punctuation allowed between the characters of a Latin word
_URL = (r"(?:https?://|www\.)"
        r"(?:[^\s<>\"()\[\]{}]|\([^\s<>\"()]*\))*"
        r"(?:[^\s<>\"()\[\]{}.,;:!?'’”" + _URDU_PUNCTUATION + r"]|\([^\s<>\"()]*\))")
_EMAIL = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
_HANDLE = r"(?<![\w@])[@#][A-Za-z0-9_]*[A-Za-z][A-Za-z0-9_]*"  # @DawnNews, #PSL2026
# Abbreviations keep their final dot inside the run ("U.S.", "e.g.", "Dr. Ayesha Khan").
_ABBREVIATION = (f"(?:(?:[{_LAT}]\\.){{2,}}"
                 r"|(?:Mr|Mrs|Ms|Dr|Prof|St|Jr|Sr|Inc|Ltd|Co|Corp|Pvt|Govt|Dept|Gen|Lt|Col|Capt|Maj|vs|etc)\.)"
                 f"(?![{_LAT}0-9])")
# A word with at least one Latin letter: "KPT", "A320", "O'Brien", "AT&T", "km/h", "10am".
_LETTER_WORD = f"(?=(?:[0-9]+(?:{_INNER}[0-9]+)*{_INNER}?)?[{_LAT}]){_CH}+(?:{_INNER}{_CH}+)*"
_WORD = f"(?:{_URL}|{_EMAIL}|{_HANDLE}|{_ABBREVIATION}|{_LETTER_WORD})"
_NUMBER_WORD = r"[0-9]+(?:[.,:/\-][0-9]+)*"  # only between Latin words: "Boeing 737 Max"
_SEP = "(?:[ \u00a0]|[ \u00a0]&[ \u00a0])"
_CORE = f"{_WORD}(?:{_SEP}(?:{_NUMBER_WORD}{_SEP})*{_WORD})*"
_ITEM = f"(?:{_WORD}|\\({_CORE}\\))"
_LATIN_RUN = f"{_ITEM}(?:{_SEP}(?:{_NUMBER_WORD}{_SEP})*{_ITEM}|\\({_CORE}\\))*"
# Numbers; only those with punctuation other than , . are wrapped (bidi reorders them otherwise).
_D = "[0-9\u06f0-\u06f9]"
_PREFIXED_NUMBER = (f"(?:\\+[ ]?{_D}+|\\({_D}+\\)(?=[ ]?[-–/.]?[ ]?{_D}))"
                    f"(?:(?:[ ]?[-–/.:][ ]?|[ ])(?:\\({_D}+\\)|{_D}+)|\\({_D}+\\)|(?<=\\)){_D}+)*")
_NUMBER = f"(?:(?<![^\\s(])[-−])?{_D}+(?:[-–/.:,]{_D}+)*"


@functools.cache
def _ltr_re() -> re.Pattern[str]:
    """Compiled on first use: the pattern repeats the Latin word eight times and takes ~20 ms to compile,
    which every command would otherwise pay at start-up."""
    return re.compile(f"(?P<latin>{_LATIN_RUN})|(?P<number>{_PREFIXED_NUMBER}|{_NUMBER})")

_PUNCTUATED_NUMBER_RE = re.compile("[^0-9\u06f0-\u06f9.,]")


def _check_digits(digits: str) -> str:
    if digits not in HOUSE_DIGIT_SYSTEMS:
        raise ValueError(f"digits must be one of {', '.join(HOUSE_DIGIT_SYSTEMS)}, not {digits!r}")
    return digits


def _ltr_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every piece that must be set left to right; kind is "latin" or "number".

    Expects Arabic-Indic digits already turned into ASCII ones (a 1:1 replacement, so offsets still hold)."""
    spans: list[tuple[int, int, str]] = []
    for m in _ltr_re().finditer(text):
        if m.group("latin") is not None:
            spans.append((m.start(), m.end(), "latin"))
        elif _PUNCTUATED_NUMBER_RE.search(m.group()):
            spans.append((m.start(), m.end(), "number"))
    return spans


def _house_digits(text: str, digits: str) -> str:
    return convert_digits(_number_lists(text), digits)


#: Digits joined by ASCII commas without spaces: one number (1,250 or the lakh grouping 1,50,000) or a list.
_COMMA_JOINED_RE = re.compile(r"(?<![\d,])\d+(?:,\d+)+(?![\d,])")
_GROUPED_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3}")


def is_number_list(digits_and_commas: str) -> bool:
    """Whether "12,15,20" is a list (the bidi algorithm would set it left to right, as one number, and an Urdu
    reader would read it backwards) rather than a number grouped in thousands or lakhs."""
    return not _GROUPED_NUMBER_RE.fullmatch(digits_and_commas)


def _number_lists(text: str) -> str:
    """Lists of numbers joined by ASCII commas, "12,15,20", set with the Urdu comma, "12، 15، 20", so that
    the list reads right to left like the words around it."""
    return _COMMA_JOINED_RE.sub(lambda m: m.group().replace(",", "، ") if is_number_list(m.group()) else m.group(),
                                text)


def urdu_text_html(text: str, digits: str) -> str:
    """One plain text run of an Urdu edition as HTML: escaped, Latin/URL/e-mail/phone pieces in dir="ltr" spans,
    digits in the house system ("latin" or "urdu"; Latin runs, URLs and e-mail addresses keep ASCII digits)."""
    _check_digits(digits)
    text = convert_digits(_BIDI_CONTROL_RE.sub("", text), "latin")  # ASCII digits: the patterns read them
    out: list[str] = []
    pos = 0
    for start, end, kind in _ltr_spans(text):
        out.append(html.escape(_house_digits(text[pos:start], digits), quote=False))
        piece = text[start:end] if kind == "latin" else _house_digits(text[start:end], digits)
        out.append(f"{_LTR_OPEN}{html.escape(piece, quote=False)}{_LTR_CLOSE}")
        pos = end
    out.append(html.escape(_house_digits(text[pos:], digits), quote=False))
    return "".join(out)


# --- Unicode hygiene ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One kind of problem in one text: a stable code, a short human message, and "fix" or "flag"."""

    code: str
    message: str
    action: str  # "fix" (fix_letters repairs it) or "flag" (a person decides)


def _cp(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def _times(n: int) -> str:
    return f", {n} times" if n > 1 else ""


def _is_arabic_letter(ch: str) -> bool:
    return bool(_ARABIC_SCRIPT_RE.match(ch)) and unicodedata.category(ch)[0] in "LM"


def _is_ligature(ch: str) -> bool:
    """Word ligatures (ﷲ ﷺ ﷼ ...): flagged, never decomposed."""
    if "\ufdf0" <= ch <= "\ufdfd":
        return True
    return ("\ufb50" <= ch <= "\ufdff" and not unicodedata.decomposition(ch)
            and unicodedata.name(ch, "").startswith("ARABIC LIGATURE"))


def _is_presentation_form(ch: str) -> bool:
    """A presentation form that NFKC turns into ordinary letters (the table's U+FB50–FDCF and U+FE70–FEFF)."""
    in_range = "\ufb50" <= ch <= "\ufdcf" or "\ufe70" <= ch <= "\ufefe"
    return in_range and not _is_ligature(ch) and bool(unicodedata.decomposition(ch))


def _ascii_punctuation(text: str) -> Counter[str]:
    """ASCII . , ? ; used as Urdu punctuation: next to an Arabic-script letter or right after an Urdu word,
    and not inside a URL, e-mail address, Latin run or number."""
    protected = set()
    for start, end, _kind in _ltr_spans(text.translate(_ARABIC_INDIC_TO_LATIN)):
        protected.update(range(start, end))
    found: Counter[str] = Counter()
    for i, ch in enumerate(text):
        if ch not in ".,?;" or i in protected:
            continue
        j = i - 1
        while j >= 0 and text[j] in " \u00a0)]”’\"'»":
            j -= 1
        after = text[i + 1] if i + 1 < len(text) else ""
        if (j >= 0 and _is_arabic_letter(text[j])) or (after and _is_arabic_letter(after)):
            found[ch] += 1
    return found


def _ascii_quotes(text: str) -> int:
    """ASCII " and ' used as quotation marks in Urdu text: outside Latin runs, URLs and e-mail addresses (where
    ' is an apostrophe: O'Brien), in a text with at least one Arabic-script letter."""
    if not any(_is_arabic_letter(ch) for ch in text):
        return 0
    protected = set()
    for start, end, _kind in _ltr_spans(text.translate(_ARABIC_INDIC_TO_LATIN)):
        protected.update(range(start, end))
    return sum(1 for i, ch in enumerate(text) if ch in "\"'" and i not in protected)


_ASCII_TO_URDU_PUNCTUATION = {
    ".": ("full stop", "full stop ۔ (U+06D4)"),
    ",": ("comma", "comma ، (U+060C)"),
    "?": ("question mark", "question mark ؟ (U+061F)"),
    ";": ("semicolon", "semicolon ؛ (U+061B)"),
}


#: How an English sentence ends: . ! ? or … , then perhaps closing quotes, brackets and emphasis marks.
_FOOTNOTE_MARKS_RE = re.compile(r"(?:\[\^[^\]\s]+\])+\s*$")
_ENGLISH_SENTENCE_END_RE = re.compile(r"[.!?…][\"'”’)\]*_]*\s*$")


def takes_full_stop(source: str | None) -> bool:
    """Whether a translation of `source` should end with a full stop: only where the English sentence does.
    Captions, credits, list fragments and labels end without one in English, and in Urdu too. Without a
    source (standalone lint) every body paragraph is taken to be a sentence."""
    return source is None or bool(_ENGLISH_SENTENCE_END_RE.search(_FOOTNOTE_MARKS_RE.sub("", source)))


def _missing_full_stops(text: str) -> int:
    count = 0
    for paragraph in re.split(r"\n[ \t]*\n", text):
        paragraph = _BIDI_CONTROL_RE.sub("", paragraph).rstrip()
        if paragraph and _is_arabic_letter(paragraph[-1]):
            count += 1
    return count


_ARABIC_LETTER = "\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff"
_BARREE_IN_WORD_RE = re.compile(f"\u06d2(?=[{_ARABIC_LETTER}])")
_HYPHEN_STOP_RE = re.compile(f"[{_ARABIC_LETTER}] ?-(?= *(?:\n|$))")
_TOUCHING_RE = re.compile(f"(?P<before>[{_ARABIC_LETTER}]*)[\u06d4\u060c\u061f\u061b]"
                          f"(?=(?P<after>[{_ARABIC_LETTER}]+))")
#: Urdu names of Latin letters: "پی۔ٹی۔آئی" (PTI) and "ایس۔ایچ۔او" (SHO) write an abbreviation with ۔ between
#: them, which is not a full stop touching the next word.
_LETTER_NAMES = frozenset("اے بی سی ڈی ای ایف جی ایچ آئی جے کے ایل ایم این او پی کیو آر ایس ٹی یو وی ڈبلیو ایکس وائی "
                          "زیڈ زی".split())
_REPLACEMENT = "\ufffd"
#: UTF-8 Urdu read as Windows-1252 or Latin-1: "Ø§Ù„" for "ال" (Ø/Ù/Ú/Û and a second byte).
_MOJIBAKE_RE = re.compile("[\u00d8\u00d9\u00da\u00db][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
                          "\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039"
                          "\u203a\u20ac\u2122]")
_NUMBER_LIST_RE = re.compile(r"\d, +\d|(?<![\d,])\d+(?:,\d+)+(?![\d,])")


def _lint_arabic_letters(text: str, add: Callable[[str, str, str], None]) -> None:
    """Arabic letters where Urdu has its own."""
    if n := text.count("ه"):
        add("arabic-heh", f"Arabic heh ه (U+0647){_times(n)}: use heh goal ہ (U+06C1), "
                          "or do-chashmi heh ھ (U+06BE) in aspirates (تھ، پھ)", "flag")
    if n := text.count("ة"):
        add("teh-marbuta", f"teh marbuta ة (U+0629){_times(n)}: use teh marbuta goal ۃ (U+06C3)", "flag")
    if n := text.count("\u06cc\u0654"):
        add("yeh-hamza", f"ی (U+06CC) + hamza above (U+0654){_times(n)}: use yeh with hamza ئ (U+0626)", "flag")


def _lint_copy(text: str, add: Callable[[str, str, str], None]) -> None:
    """What agency copy brings: legacy-encoding artefacts and Latin typing habits inside Urdu."""
    if n := len(_BARREE_IN_WORD_RE.findall(text)):
        add("barree-in-word", f"ے (U+06D2) inside a word{_times(n)}: a legacy-encoding artefact; "
                              "use ی (U+06CC) there", "flag")
    if n := _ascii_quotes(text):
        add("ascii-quote", f"ASCII quotation mark \" or ' against Urdu text{_times(n)}: use “ ” (or ‘ ’)", "flag")
    if n := len(_HYPHEN_STOP_RE.findall(text)):
        add("hyphen-full-stop", f"a hyphen - ends an Urdu sentence{_times(n)}: use the full stop ۔ (U+06D4)", "flag")
    touching = [m for m in _TOUCHING_RE.finditer(text)
                if not (m.group().endswith("\u06d4") and m.group("before") in _LETTER_NAMES
                        and m.group("after") in _LETTER_NAMES)]
    if n := len(touching):
        add("punctuation-touching", f"۔ ، ؟ or ؛ touches the next word{_times(n)}: put a space after it", "flag")
    if _is_arabic_letter(next((c for c in text if _is_arabic_letter(c)), " ")) and \
            (n := len([m for m in _NUMBER_LIST_RE.findall(text.translate(_URDU_TO_LATIN))
                       if " " in m or is_number_list(m)])):
        add("ascii-comma-list", f"numbers in a list joined by an ASCII comma{_times(n)}: use the Urdu comma ، "
                                "(U+060C)", "flag")


def _lint_damage(text: str, add: Callable[[str, str, str], None]) -> None:
    """Characters that say the text was damaged on its way here: no font should be asked to draw them."""
    if n := text.count(_REPLACEMENT):
        add("replacement-character", f"replacement character � (U+FFFD){_times(n)}: a letter was lost when the "
                                     "copy was converted; retype it from the original", "flag")
    if n := len(_MOJIBAKE_RE.findall(text)):
        add("mojibake", f"Urdu read in the wrong encoding (such as Ø§Ù„ for ال){_times(n)}: convert the "
                        "original file from UTF-8 again instead of pasting this text", "flag")


def lint_urdu(text: str, *, field: str | None = None, source: str | None = None) -> list[Finding]:
    """The Unicode hygiene checklist applied to one text: one Finding per kind of problem. With `source`
    (the English the text translates), "missing ۔" asks for a full stop only where the English has one."""
    findings: list[Finding] = []

    def add(code: str, message: str, action: str) -> None:
        findings.append(Finding(code, message, action))

    if n := text.count("ك"):
        add("arabic-kaf", f"Arabic kaf ك (U+0643){_times(n)}: use Urdu keheh ک (U+06A9)", "fix")
    yehs = [(ch, name, text.count(ch)) for ch, name in (("ي", "Arabic yeh"), ("ى", "alef maksura")) if ch in text]
    if yehs:
        found = " and ".join(f"{name} {ch} ({_cp(ch)}){_times(n)}" for ch, name, n in yehs)
        add("arabic-yeh", f"{found}: use Urdu yeh ی (U+06CC)", "fix")
    forms = [ch for ch in text if _is_presentation_form(ch)]
    if forms:
        examples = ", ".join(f"{ch} ({_cp(ch)})" for ch in sorted(set(forms))[:3])
        more = f" ({len(forms)} characters)" if len(forms) > 1 else ""
        add("presentation-form", f"Arabic presentation form {examples}{more}: use the ordinary letters "
                                 "(NFKC on those characters only)", "fix")
    if n := len(_ARABIC_INDIC_RE.findall(text)):
        add("arabic-indic-digit", f"Arabic-Indic digit ٠–٩ (U+0660–0669){_times(n)}: "
                                  "use the house digits (۰–۹ or 0–9)", "fix")
    if n := len(_SPACE_BEFORE_PUNCTUATION_RE.findall(text)):
        add("space-before-punctuation", f"space (U+0020 or U+00A0) before Urdu punctuation ۔ ، ؟ ؛{_times(n)}: "
                                        "remove it", "fix")
    if n := text.count(_TATWEEL):
        if field == "headline":
            add("tatweel", f"tatweel ـ (U+0640) in a headline{_times(n)}: remove it unless the stretch is deliberate",
                "flag")
        else:
            add("tatweel", f"tatweel ـ (U+0640){_times(n)}: remove it", "fix")
    _lint_arabic_letters(text, add)
    ligatures = [ch for ch in text if _is_ligature(ch)]
    if ligatures:
        examples = ", ".join(f"{ch} ({_cp(ch)})" for ch in sorted(set(ligatures))[:3])
        add("ligature", f"word ligature {examples}{_times(len(ligatures))}: check that it is wanted and that the "
                        "font draws it", "flag")
    controls = _BIDI_CONTROL_RE.findall(text)
    if controls:
        names = ", ".join(f"{_cp(ch)} {unicodedata.name(ch)}" for ch in sorted(set(controls)))
        label = "bidi control characters" if len(set(controls)) > 1 else "bidi control character"
        add("bidi-control", f"{label} {names}{_times(len(controls))}: remove it "
                            "(direction comes from markup)", "flag")
    if punctuation := _ascii_punctuation(text):
        parts = [f"ASCII {_ASCII_TO_URDU_PUNCTUATION[ch][0]} {ch} ({_cp(ch)}){_times(n)}: "
                 f"use Urdu {_ASCII_TO_URDU_PUNCTUATION[ch][1]}" for ch, n in sorted(punctuation.items())]
        add("ascii-punctuation", "; ".join(parts), "flag")
    _lint_copy(text, add)
    _lint_damage(text, add)
    if not unicodedata.is_normalized("NFC", text):
        add("not-nfc", "text is not in Unicode NFC (e.g. a letter and its hamza as two characters): "
                       "normalise to NFC", "fix")
    if field not in NO_FULL_STOP_FIELDS and takes_full_stop(source) and (n := _missing_full_stops(text)):
        where = f" ({n} paragraphs)" if n > 1 else ""
        add("missing-full-stop", f"no Urdu full stop ۔ (U+06D4) at the end{where}: add one", "flag")
    return findings


def _nfkc_presentation_forms(text: str) -> tuple[str, int]:
    """NFKC on presentation-form characters only; ligatures such as ﷲ and ﷺ stay as they are."""
    out: list[str] = []
    count = 0
    for ch in text:
        if not _is_presentation_form(ch):
            out.append(ch)
            continue
        count += 1
        letters = unicodedata.normalize("NFKC", ch)
        # Isolated forms of harakat decompose to space + mark; after a letter the mark belongs to that letter.
        if letters.startswith(" ") and out and _is_arabic_letter(out[-1][-1]):
            letters = letters[1:]
        out.append(letters)
    return "".join(out), count


def fix_letters(text: str, digits: str, *, field: str | None = None) -> tuple[str, list[str]]:
    """Apply the "fix" rows of the hygiene table; return the new text and what changed ([] when nothing did).

    Order: presentation forms (NFKC on those characters only), ك→ک, ي/ى→ی, Arabic-Indic digits to the house
    digits, no tatweel (kept in headlines, where lint only flags it; removing it may bring a space next to the
    punctuation), no space before ۔ ، ؟ ؛ (moved after it when the next word touched it), NFC. The text is
    also NFC-composed first, so that a decomposed ئ (ي + hamza above) is not turned into ی + hamza."""
    _check_digits(digits)
    changes: list[str] = []
    composed = unicodedata.normalize("NFC", text)
    nfc_changed = composed != text
    text, n = _nfkc_presentation_forms(composed)
    if n:
        changes.append(f"{n} × presentation form → ordinary letters")
    for wrong, right, label in (("ك", "ک", "Arabic kaf ك → ک"), ("ي", "ی", "Arabic yeh ي → ی"),
                                ("ى", "ی", "alef maksura ى → ی")):
        if n := text.count(wrong):
            text = text.replace(wrong, right)
            changes.append(f"{n} × {label}")
    if n := len(_ARABIC_INDIC_RE.findall(text)):
        table, target = (_ARABIC_INDIC_TO_URDU, "۰–۹") if digits == "urdu" else (_ARABIC_INDIC_TO_LATIN, "0–9")
        text = text.translate(table)
        changes.append(f"{n} × Arabic-Indic digit ٠–٩ → {target}")
    if field != "headline" and (n := text.count(_TATWEEL)):
        text = text.replace(_TATWEEL, "")
        changes.append(f"{n} × tatweel ـ removed")
    text, moved = _SPACE_MOVES_RE.subn(r"\1 ", text)  # "کہا ،وہ" -> "کہا، وہ": the space moves, not goes
    text, n = _SPACE_BEFORE_PUNCTUATION_RE.subn("", text)
    if moved:
        changes.append(f"{moved} × space before ۔ ، ؟ ؛ moved after it (the next word touched it)")
    if n:
        changes.append(f"{n} × space before ۔ ، ؟ ؛ removed")
    final = unicodedata.normalize("NFC", text)
    if nfc_changed or final != text:
        changes.append("normalised to Unicode NFC")
    return final, changes
