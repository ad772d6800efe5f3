"""The output formats, in one table.

In: nothing; each row names a format, what it is made from, where it is written and how.
Out: `FORMATS` (name -> `Format`). The build asks the table for every output path (`Format.path`,
filled by `pipeline.build.outputs.Output`) and, for the formats made from one edition, for the key of
what the output is made from and the function that makes it (`EditionJob` in, bytes and warnings
out). A new format is a new module and a row here.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.config import Config
from pipeline.editions.pages import EditionPage
from pipeline.formats import ninjs, pdf
from pipeline.languages import LANGUAGES
from pipeline.runtime.hashing import digest


@dataclass(frozen=True)
class EditionJob:
    """What the formats of one edition are made from."""

    page: EditionPage
    config: Config
    translations: gettext.NullTranslations
    html: str  # the page, rendered from the templates
    media: dict[str, bytes] = field(default_factory=dict)  # the edition's images as read for it
    assets: str = ""  # the key of the stylesheets, fonts and code
    made: dict[str, tuple[str, int]] = field(default_factory=dict)  # format -> (path, size) of what is written


# What the search bundle is made of (Pagefind's names, hashes in them): the script and its worker, the entry,
# the language's metadata, the WebAssembly, the word index, the fragments (a page's text) and filters.
SEARCH_FILES = (r"(?:[1-9][0-9]*/)?"  # the part (files of the layout before parts have none: they are removed)
                r"(?:pagefind(?:-worker)?\.js|pagefind-entry\.json|pagefind\.[a-z]{2,3}_[0-9a-f]+\.pf_meta"
                r"|wasm\.[a-z]+\.pagefind|(?:index|fragment|filter)/[a-z]{2,3}_[0-9a-f]+\.pf_(?:index|fragment|filter))")
Render = Callable[[EditionJob], tuple[bytes, list[str]]]


@dataclass(frozen=True)
class Format:
    name: str
    made_from: str  # "edition", "language", "publication" or "file" (a copy)
    path: str  # the output path, with {lang}, {slug} or {name}
    help: str
    source: Callable[[EditionJob], str] | None = None  # edition formats: the key of what it is made from
    render: Render | None = None  # edition formats: the bytes
    needs_base_url: bool = False  # written only when publication.yaml sets base_url
    name_pattern: str | None = None  # what {name} may be, where another format's paths could look the same


def page_rel(lang: str, slug: str) -> str:
    """Where an edition's page is published, under the output folder."""
    return FORMATS["html"].path.format(lang=lang, slug=slug)


def search_rel(lang: str) -> str:
    """Where a language's search page is published, under the output folder."""
    return FORMATS["search"].path.format(lang=lang)


def _html(job: EditionJob) -> tuple[bytes, list[str]]:
    return job.html.encode("utf-8"), []


def _pdf_css(job: EditionJob) -> str:
    return pdf.page_css(job.config.page_size, job.page.lang, job.config.digits, job.translations)


def _pdf_source(job: EditionJob) -> str:
    """Everything the PDF is made from: the page, its print CSS, its images, the public address its links
    point to, the PDF variant and whether it has the Urdu text layer."""
    return digest(job.assets, job.html, _pdf_css(job), job.config.base_url or "-", job.config.pdf_variant,
                  "text-layer" if _text_layer(job) else "-",
                  *(part for name, data in sorted(job.media.items()) for part in (name, digest(data))))


def _text_layer(job: EditionJob) -> bool:
    """The invisible text layer: in editions set in Nastaliq, unless publication.yaml turns it off."""
    return job.config.pdf_text_layer and LANGUAGES[job.page.lang].nastaliq


def _pdf(job: EditionJob) -> tuple[bytes, list[str]]:
    return pdf.render_pdf(job.html, page_rel(job.page.lang, job.page.slug), _pdf_css(job),
                          pdf.Sources(job.config.templates, job.config.fonts, job.media),
                          base_url=job.config.base_url, assets=job.assets,
                          archival=job.config.pdf_variant == "archival", text_layer=_text_layer(job))


def _ninjs(job: EditionJob) -> tuple[bytes, list[str]]:
    assert job.config.base_url is not None
    renditions = [ninjs.Rendition(name, *job.made[name]) for name in ninjs.CONTENT_TYPES if name in job.made]
    return ninjs.ninjs_bytes(job.page, job.config.base_url, page_rel(job.page.lang, job.page.slug), renditions), []


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("html", "edition", "{lang}/{slug}.html", "the article's web page",
           source=lambda job: digest(job.html), render=_html),
    Format("pdf", "edition", "{lang}/{slug}.pdf", "the printable PDF, made from the web page",
           source=_pdf_source, render=_pdf),
    Format("ninjs", "edition", "{lang}/{slug}.ninjs.json", "IPTC ninjs 3.1 metadata of the edition, for partners",
           source=lambda job: digest(_ninjs(job)[0]), render=_ninjs, needs_base_url=True),
    Format("index", "language", "{lang}/index.html", "the front of a language's archive: the newest stories, "
           "links to older pages, every month and the tags"),
    Format("page", "language", "{lang}/page/{name}/index.html", "an archive page, numbered from the oldest "
           "story, so that it never changes once complete", name_pattern=r"[1-9][0-9]*"),
    Format("month", "language", "{lang}/{name}/index.html", "the stories of one month (2026/06), paginated the "
           "same way", name_pattern=r"[0-9]{4}/[0-9]{2}(?:/page/[1-9][0-9]*)?"),
    Format("tags", "language", "{lang}/tags/index.html", "every tag of the language with its number of stories"),
    Format("tag", "language", "{lang}/tags/{name}/index.html", "the stories of one tag, paginated the same way",
           name_pattern=r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/page/[1-9][0-9]*)?"),
    Format("atom", "language", "{lang}/feed.xml", "the Atom feed of a language's newest stories",
           needs_base_url=True),
    Format("sitemap", "publication", "sitemap.xml", "every page, with its language alternates; past 50,000 "
           "addresses, the index of its parts", needs_base_url=True),
    Format("sitemap-part", "publication", "sitemaps/{name}.xml", "one part of a split sitemap (50,000 addresses, "
           "oldest stories first, so only the last part changes)", needs_base_url=True, name_pattern=r"[1-9][0-9]*"),
    Format("search", "language", "{lang}/search/index.html", "the search page of a language: a reader types a "
           "word and sees the stories that hold it (Pagefind, in the browser, no server)"),
    Format("search-index", "language", "{lang}/search/pagefind/{name}", "the static search index of a "
           "language's published stories and Pagefind's script, made by Pagefind after the pages, in parts "
           "of 5,000 stories numbered from the oldest (pagefind/1/, pagefind/2/, ...)",
           name_pattern=SEARCH_FILES),
    Format("landing", "publication", "index.html", "the front door: one link per language"),
    Format("asset", "file", "assets/{name}", "a stylesheet or the search page's script, copied from templates/"),
    Format("font", "file", "fonts/{name}", "a font file or its licence, copied from fonts/"),
    Format("media", "file", "media/{name}", "an image an article uses, copied from the publication"),
)}
EDITION_FORMATS = tuple(name for name, f in FORMATS.items() if f.made_from == "edition")
