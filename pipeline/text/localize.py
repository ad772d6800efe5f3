"""Locale-aware text: dates from CLDR (Babel) and the publication's digit system.

In: a date or a string, a language code, the configured digit system ("latin" or "urdu").
Out: the text as a reader of that language expects it ("April 14, 2026", "14 اپریل، 2026",
"۱۴ اپریل، ۲۰۲۶", or in the newspaper form "14 اپریل 2026ء").
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names

from pipeline.languages import LANGUAGES
from pipeline.text.characters import convert_digits


def digit_system(lang: str, digits: str) -> str:
    """The digits an edition uses: Urdu digits only in Urdu editions of an 'urdu' publication."""
    return "urdu" if lang == "ur" and digits == "urdu" else "latin"


def format_date(date: dt.date, lang: str, digits: str = "latin", urdu_dates: str = "cldr") -> str:
    """A long date in the language's CLDR pattern, with the edition's digits; with urdu_dates "newspaper",
    an Urdu date as Urdu papers print it: day, month, year and ء, no comma (29 ستمبر 2018ء)."""
    locale = LANGUAGES[lang].locale
    if lang == "ur" and urdu_dates == "newspaper":
        month = get_month_names("wide", locale=locale)[date.month]
        text = f"{date.day} {month} {date.year}\u0621"
    else:
        text = babel_format_date(date, "long", locale=locale)
    return convert_digits(text, digit_system(lang, digits))
