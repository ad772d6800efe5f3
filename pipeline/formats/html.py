"""HTML: pages from the Jinja2 templates.

In: an `EditionPage` (one article in one language, its body already rendered to HTML), the entries
of a language's index, or the landing page; the interface-string catalog of the language; the config.
Out: HTML text from the templates in `templates/` (autoescape on, i18n extension on), one set of
templates for both languages, parametrised by `lang` and `dir`; every page carries the same
Content-Security-Policy (base.html), but the search page, which may also run its own script and
Pagefind's (`'self'`, WebAssembly, fetching the index from the same origin).
"""

from __future__ import annotations

import functools
import gettext
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import jinja2
import markupsafe
from markupsafe import Markup

from pipeline import __version__
from pipeline.config import Config
from pipeline.editions.pages import EditionPage, LandingPage, ListingView
from pipeline.formats import FORMATS, page_rel, search_rel
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE, direction
from pipeline.text.characters import convert_digits
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
    env.filters["digits"] = lambda value, system: convert_digits(str(value), system)  # {{ n | digits(digits) }}
    env.globals.update(generator=GENERATOR, language_names=LANGUAGE_NAMES,
                       directions={code: language.direction for code, language in LANGUAGES.items()})
    return env


def _render(template: str, translations: gettext.NullTranslations, templates: Path, **context: object) -> str:
    return environment(templates, translations).get_template(template).render(**context)


OG_LOCALES = {"en": "en_GB", "ur": "ur_PK"}  # OpenGraph wants language_TERRITORY


@dataclass(frozen=True)
class Discovery:
    """The absolute addresses of an edition, for search engines and partners (only with base_url)."""

    url: str  # the page's canonical address
    languages: tuple[tuple[str, str], ...]  # (lang, address) of every edition, this one included

    @property
    def x_default(self) -> str:
        return dict(self.languages).get(SOURCE_LANGUAGE, self.url)


def discovery(page: EditionPage, base_url: str | None) -> Discovery | None:
    if base_url is None:
        return None
    url = urljoin(base_url, page_rel(page.lang, page.slug))
    others = tuple((lang, urljoin(url, href)) for lang, href in page.alternates)
    return Discovery(url, tuple(sorted(((page.lang, url), *others))))


def json_ld(page: EditionPage, publication: str, found: Discovery | None = None) -> Markup:
    """schema.org NewsArticle for search engines and partners; safe inside <script> whatever the text."""
    data: dict[str, object] = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
        "datePublished": page.date_iso, "dateModified": page.date_iso, "inLanguage": page.lang,
        "dateline": page.dateline_html.striptags(), "author": {"@type": "Person", "name": page.author},
        "publisher": {"@type": "Organization", "name": publication},
        "description": page.summary or page.headline,
    }
    if page.tags:
        data["keywords"] = list(page.tags)
    if found is not None:
        data["url"] = data["mainEntityOfPage"] = found.url
        works = [{"@type": "NewsArticle", "url": url, "inLanguage": lang} for lang, url in found.languages
                 if lang != page.lang]
        if works and page.lang == SOURCE_LANGUAGE:
            data["workTranslation"] = works
        elif works:
            data["translationOfWork"] = next((w for w in works if w["inLanguage"] == SOURCE_LANGUAGE), works[0])
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)  # escaped above for the <script> context


def render_article(page: EditionPage, config: Config, translations: gettext.NullTranslations) -> str:
    publication = config.name_for(page.lang)
    found = discovery(page, config.base_url)
    return _render("article.html", translations, config.templates, page=page,
                   json_ld=json_ld(page, publication, found), discovery=found, lang=page.lang, dir=page.dir,
                   publication=publication, locale=OG_LOCALES.get(page.lang, page.lang),
                   alternates=page.alternates, asset_prefix="../", digits=digit_system(page.lang, config.digits))


def render_listing(lang: str, view: ListingView, rel: str, alternates: list[tuple[str, str]],
                   config: Config, translations: gettext.NullTranslations) -> str:
    """A listing page (`rel`: where it is published, under the output folder)."""
    prefix = "../" * rel.count("/")
    return _render("index.html", translations, config.templates, view=view, entries=view.entries, lang=lang,
                   dir=direction(lang), discovery=None, alternates=alternates, publication=config.name_for(lang),
                   asset_prefix=prefix, digits=digit_system(lang, config.digits),
                   search_href=posixpath.relpath(search_rel(lang), posixpath.dirname(rel)))


def render_search(lang: str, alternates: list[tuple[str, str]], config: Config,
                  translations: gettext.NullTranslations, parts: int = 1) -> str:
    """A language's search page: the form, and where its script finds the parts of the index (`parts` of
    them: pagefind/1/, pagefind/2/, ...) and the story pages."""
    rel = search_rel(lang)
    here = posixpath.dirname(rel)
    return _render("search.html", translations, config.templates, lang=lang, dir=direction(lang), discovery=None,
                   alternates=alternates, publication=config.name_for(lang), asset_prefix="../" * rel.count("/"),
                   digits=digit_system(lang, config.digits), search_page=True,
                   bundles=" ".join(f"pagefind/{n}/" for n in range(1, max(parts, 1) + 1)),
                   pages_prefix=posixpath.relpath(posixpath.dirname(page_rel(lang, "x")), here) + "/",
                   index_href=posixpath.relpath(FORMATS["index"].path.format(lang=lang), here))


def render_landing(page: LandingPage, config: Config) -> str:
    return _render("landing.html", gettext.NullTranslations(), config.templates, page=page,
                   lang=SOURCE_LANGUAGE, dir=direction(SOURCE_LANGUAGE), alternates=[], discovery=None,
                   publication=config.name, asset_prefix="",
                   digits="latin")
