"""Locale-aware text: dates from CLDR (Babel) and the publication's digit system.

In: a date or a string, a language code, the configured digit system ("latin" or "urdu").
Out: the text as a reader of that language expects it ("April 14, 2026", "14 اپریل، 2026" or
"۱۴ اپریل، ۲۰۲۶").
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date

BABEL_LOCALES = {"en": "en_US", "ur": "ur_PK"}
_URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
#: Every digit (Arabic-Indic ones never belong in Urdu text) goes to ASCII first, then to the house
#: system: one digit system per edition.
_ANY_TO_LATIN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def digit_system(lang: str, digits: str) -> str:
    """The digits an edition uses: Urdu digits only in Urdu editions of an 'urdu' publication."""
    return "urdu" if lang == "ur" and digits == "urdu" else "latin"


def convert_digits(text: str, system: str) -> str:
    """Rewrite every digit of `text` into `system` ('latin' or 'urdu')."""
    text = text.translate(_ANY_TO_LATIN)
    return text.translate(_URDU_DIGITS) if system == "urdu" else text


def format_date(date: dt.date, lang: str, digits: str = "latin") -> str:
    """A long date in the language's CLDR pattern, with the edition's digits."""
    text = babel_format_date(date, "long", locale=BABEL_LOCALES.get(lang, lang))
    return convert_digits(text, digit_system(lang, digits))
