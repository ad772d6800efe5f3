"""A bilingual (English/Urdu) newsroom publishing pipeline.

Markdown articles in `articles/`, translations in `translations/`, styled HTML and PDF out in `dist/`.
"""

__version__ = "0.1.0"
