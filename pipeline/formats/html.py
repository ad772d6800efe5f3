"""HTML: pages from the Jinja2 templates.

In: an `EditionPage` (one article in one language, its body already rendered to HTML), the entries
of a language's index, or the landing page; the interface-string catalog of the language; the config.
Out: HTML text from the templates in `templates/` (autoescape on, i18n extension on), one set of
templates for both languages, parametrised by `lang` and `dir`; every page carries the same
Content-Security-Policy (base.html).
"""

from __future__ import annotations

import functools
import gettext
import json
from pathlib import Path

import jinja2
import markupsafe
from markupsafe import Markup

from pipeline import __version__
from pipeline.config import Config
from pipeline.editions.pages import EditionPage, IndexEntry, LandingPage
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE, direction
from pipeline.text.localize import digit_system

GENERATOR = f"Newsroom pipeline {__version__}"
LANGUAGE_NAMES = {code: language.native_name for code, language in LANGUAGES.items()}


@functools.lru_cache(maxsize=16)
def environment(templates: Path, translations: gettext.NullTranslations) -> jinja2.Environment:
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
    # Jinja's new-style gettext marks every translation safe (Markup) in an autoescaping template: a msgstr
    # holding markup would reach the page as markup. Escape each translation before Jinja sees it.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: str(markupsafe.escape(translations.gettext(message))),
        ngettext=lambda one, many, n: str(markupsafe.escape(translations.ngettext(one, many, n))),
        newstyle=True)
    env.globals.update(generator=GENERATOR, language_names=LANGUAGE_NAMES,
                       directions={code: language.direction for code, language in LANGUAGES.items()})
    return env


def _render(template: str, translations: gettext.NullTranslations, templates: Path, **context: object) -> str:
    return environment(templates, translations).get_template(template).render(**context)


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


def render_article(page: EditionPage, config: Config, translations: gettext.NullTranslations) -> str:
    publication = config.name_for(page.lang)
    return _render("article.html", translations, config.templates, page=page, json_ld=json_ld(page, publication),
                   lang=page.lang, dir=page.dir,
                   publication=publication,
                   alternates=page.alternates, asset_prefix="../", digits=digit_system(page.lang, config.digits))


def render_index(lang: str, entries: list[IndexEntry], alternates: list[tuple[str, str]],
                 config: Config, translations: gettext.NullTranslations) -> str:
    return _render("index.html", translations, config.templates, entries=entries, lang=lang, dir=direction(lang),
                   alternates=alternates, publication=config.name_for(lang), asset_prefix="../",
                   digits=digit_system(lang, config.digits))


def render_landing(page: LandingPage, config: Config) -> str:
    return _render("landing.html", gettext.NullTranslations(), config.templates, page=page,
                   lang=SOURCE_LANGUAGE, dir=direction(SOURCE_LANGUAGE), alternates=[],
                   publication=config.name, asset_prefix="",
                   digits="latin")
