"""The languages the pipeline can typeset: one table.

In: nothing; this is data.
Out: `LANGUAGES` (code -> `Language`: English name, the name in the language itself, writing
direction, CLDR locale) and `SOURCE_LANGUAGE`. Everything that needs a direction, a locale or a
language's name reads it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    english_name: str
    native_name: str
    direction: str  # "ltr" or "rtl"
    locale: str  # CLDR locale for dates (Babel)
    nastaliq: bool = False  # set in Nastaliq: its PDFs get the text layer (pipeline.formats.textlayer)


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "English", "English", "ltr", "en_US"),
    "ur": Language("ur", "Urdu", "اردو", "rtl", "ur_PK", nastaliq=True),
}
SOURCE_LANGUAGE = "en"


def direction(code: str) -> str:
    return LANGUAGES[code].direction
