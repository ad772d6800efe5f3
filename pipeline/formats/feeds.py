"""Feeds and discovery: an Atom feed per language and the publication's sitemap.

In: the manifest (every published edition: headline, byline, dateline, date, summary), the publication's
`base_url` and name per language, and the sizes of the PDFs on disk.
Out: the bytes of `{lang}/feed.xml` (Atom, RFC 4287: the newest editions, `feed_entries` of them, newest first,
each with the ninjs `uri` as its id, its page as `alternate`, the other-language editions as `alternate`
with `hreflang`, and the PDF as `enclosure` with its length) and of `sitemap.xml` (every page, with
`xhtml:link` language alternates). Both are written only when `base_url` is set: partners and search
engines need absolute addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin
from xml.etree import ElementTree

from pipeline.formats.ninjs import edition_uri
from pipeline.languages import SOURCE_LANGUAGE

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "xml:lang"
FEED_ENTRIES = 50  # the newest editions a feed carries (publication.yaml feed_entries); the archive lists the rest


@dataclass(frozen=True)
class Edition:
    """One published edition, as the manifest remembers it."""

    lang: str
    slug: str
    headline: str
    author: str
    summary: str
    date: str  # YYYY-MM-DD
    page: str  # its page's path under the output folder
    pdf: str | None  # its PDF's path, when there is one
    pdf_size: int = 0
    modified: str = ""  # YYYY-MM-DD of the last correction

    @property
    def stamp(self) -> str:
        return f"{self.date}T00:00:00Z"

    @property
    def updated(self) -> str:
        return f"{self.modified or self.date}T00:00:00Z"


def _sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def atom_feed(lang: str, editions: list[Edition], others: dict[str, list[Edition]], base_url: str,
              title: str, index_page: str, entries: int = FEED_ENTRIES) -> bytes:
    """The Atom feed of one language: its newest `entries` editions; `others`: the other-language editions
    of each slug."""
    newest = sorted(editions, key=lambda e: (e.date, e.slug), reverse=True)[:entries]
    latest = max((e.updated for e in newest), default="1970-01-01T00:00:00Z")
    feed = ElementTree.Element("feed", {"xmlns": ATOM, XML_LANG: lang})
    _sub(feed, "id", urljoin(base_url, f"{lang}/feed.xml"))
    _sub(feed, "title", title)
    _sub(feed, "updated", latest)
    _sub(_sub(feed, "author"), "name", title)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=urljoin(base_url, f"{lang}/feed.xml"))
    _sub(feed, "link", rel="alternate", type="text/html", hreflang=lang, href=urljoin(base_url, index_page))
    _sub(feed, "generator", "Newsroom pipeline")
    for edition in newest:
        entry = _sub(feed, "entry")
        _sub(entry, "id", edition_uri(base_url, lang, edition.slug, edition.date))
        _sub(entry, "title", edition.headline)
        _sub(entry, "updated", edition.updated)
        _sub(entry, "published", edition.stamp)
        if edition.author:
            _sub(_sub(entry, "author"), "name", edition.author)
        if edition.summary:
            _sub(entry, "summary", edition.summary, type="text")
        _sub(entry, "link", rel="alternate", type="text/html", hreflang=lang,
             href=urljoin(base_url, edition.page))
        for other in others.get(edition.slug, []):
            _sub(entry, "link", rel="alternate", type="text/html", hreflang=other.lang,
                 href=urljoin(base_url, other.page))
        if edition.pdf:
            _sub(entry, "link", rel="enclosure", type="application/pdf", length=str(edition.pdf_size),
                 href=urljoin(base_url, edition.pdf))
    return _xml(feed)


#: The sitemaps.org limit of URLs in one sitemap file; past it the sitemap is split and indexed.
MAX_SITEMAP_URLS = 50_000


def _sitemap_groups(editions: list[Edition]) -> list[list[Edition]]:
    """Each story's editions (English first), oldest story first: new stories only ever add to the end, so a
    split sitemap changes only its last part."""
    by_slug: dict[str, list[Edition]] = {}
    for edition in editions:
        by_slug.setdefault(edition.slug, []).append(edition)
    groups = [sorted(group, key=lambda e: (e.lang != SOURCE_LANGUAGE, e.lang)) for group in by_slug.values()]
    return sorted(groups, key=lambda g: (min(e.date for e in g), g[0].slug))


def sitemap_parts(editions: list[Edition], indexes: list[tuple[str, str]], base_url: str,
                  limit: int = MAX_SITEMAP_URLS) -> list[bytes]:
    """The sitemap as one urlset per `limit` URLs: the language indexes, then every article page (oldest
    story first) with its language alternates (itself included). One part: it is the sitemap itself."""
    parts: list[ElementTree.Element] = []
    count = limit

    def url() -> ElementTree.Element:
        nonlocal count
        if count == limit:
            parts.append(ElementTree.Element("urlset", {"xmlns": SITEMAP, "xmlns:xhtml": XHTML}))
            count = 0
        count += 1
        return _sub(parts[-1], "url")

    for _lang, page in indexes:
        _sub(url(), "loc", urljoin(base_url, page))
    for group in _sitemap_groups(editions):
        for edition in group:
            entry = url()
            _sub(entry, "loc", urljoin(base_url, edition.page))
            _sub(entry, "lastmod", edition.modified or edition.date)
            for alternate in group if len(group) > 1 else []:
                _sub(entry, "xhtml:link", rel="alternate", hreflang=alternate.lang,
                     href=urljoin(base_url, alternate.page))
    return [_xml(part) for part in parts] or [_xml(ElementTree.Element("urlset", {"xmlns": SITEMAP,
                                                                                  "xmlns:xhtml": XHTML}))]


def sitemap(editions: list[Edition], indexes: list[tuple[str, str]], base_url: str) -> bytes:
    """Every page of the publication in one sitemap (as long as it stays under the limit)."""
    return sitemap_parts(editions, indexes, base_url)[0]


def sitemap_index(parts: list[str], base_url: str) -> bytes:
    """The sitemap index naming each part (their paths under the output folder)."""
    root = ElementTree.Element("sitemapindex", {"xmlns": SITEMAP})
    for part in parts:
        _sub(_sub(root, "sitemap"), "loc", urljoin(base_url, part))
    return _xml(root)


def _xml(root: ElementTree.Element) -> bytes:
    """The document, its namespaces declared on the root element by name (no prefixes invented)."""
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")
