"""Pages from templates.

In: an `EditionPage` (one article in one language, its body already rendered to HTML) or the list
of articles for an index, plus the interface-string catalog of the language.
Out: HTML text from the Jinja2 templates in `templates/` (autoescape on, i18n extension on), one
set of templates for both languages, parametrised by `lang` and `dir`.
"""

from __future__ import annotations

import functools
import gettext
import json
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline import __version__
from pipeline.config import KNOWN_LANGUAGES, Config
from pipeline.text.localize import digit_system

GENERATOR = f"Newsroom pipeline {__version__}"
LANGUAGE_NAMES = {"en": "English", "ur": "اردو"}


@dataclass(frozen=True)
class EditionPage:
    """Everything the article template shows, already in the edition's language."""

    slug: str
    lang: str
    headline: str  # plain text, for <title> and metadata
    headline_html: Markup
    dateline_html: Markup
    author: str  # plain text, for metadata
    author_html: Markup
    location_html: Markup
    date_iso: str
    date_display: str
    body_html: Markup
    note_html: Markup
    summary: str
    tags: tuple[str, ...]
    alternates: tuple[tuple[str, str], ...] = ()  # (lang, href) of the other editions
    dir: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dir", KNOWN_LANGUAGES[self.lang])


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    headline: Markup
    dateline: Markup
    date_iso: str
    date_display: str
    summary: Markup


@functools.lru_cache(maxsize=16)
def _environment(templates: Path, translations: gettext.NullTranslations) -> jinja2.Environment:
    """One environment per template folder and interface-string catalog, never changed after it is
    made: templates compile once per process, and threads (a threaded Dask worker) can share it."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


def _render(template: str, translations: gettext.NullTranslations, templates: Path, **context: object) -> str:
    return _environment(templates, translations).get_template(template).render(**context)


def json_ld(page: EditionPage, publication: str) -> Markup:
    """schema.org NewsArticle for search engines and partners; safe inside <script> whatever the text."""
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
        "datePublished": page.date_iso, "inLanguage": page.lang, "dateline": page.dateline_html.striptags(),
        "author": {"@type": "Person", "name": page.author},
        "publisher": {"@type": "Organization", "name": publication},
        "description": page.summary or page.headline, "keywords": list(page.tags),
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # escaped above for the <script> context


def render_article(page: EditionPage, config: Config, translations: gettext.NullTranslations,
                   publication: str) -> str:
    return _render("article.html", translations, config.templates, page=page, json_ld=json_ld(page, publication),
                   lang=page.lang, dir=page.dir,
                   publication=publication, generator=GENERATOR, language_names=LANGUAGE_NAMES,
                   alternates=page.alternates, asset_prefix="../", digits=digit_system(page.lang, config.digits))


def render_index(lang: str, entries: list[IndexEntry], alternates: list[tuple[str, str]],
                 config: Config, translations: gettext.NullTranslations, publication: str) -> str:
    return _render("index.html", translations, config.templates, entries=entries, lang=lang, dir=KNOWN_LANGUAGES[lang],
                   alternates=alternates, publication=publication, generator=GENERATOR,
                   language_names=LANGUAGE_NAMES, asset_prefix="../", digits=digit_system(lang, config.digits))
