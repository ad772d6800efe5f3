"""ninjs: one IPTC ninjs 3.1 object per published edition, for partners' systems to ingest.

In: the edition's page model, the publication's `base_url` and name, and the HTML and PDF of the same
edition as written by this build (their sizes go into `renditions`).
Out: the JSON bytes of `{lang}/{slug}.ninjs.json`: a `uri` that stays the same for the life of the edition
(a tag URI, RFC 4151, from `base_url`'s host and the story's date), headline, byline, dateline, language,
dates, version and publication status, the body as HTML (links and images made absolute under
`base_url`), the summary, subjects (tags, in the English edition only: tags are not translated yet), the
renditions, and an association with each other-language edition (rel `translationOf` towards the
English original, `translation` towards a translation). Only properties of the ninjs 3.1 schema are
written: it allows no others.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from pipeline.editions.pages import EditionPage
from pipeline.languages import SOURCE_LANGUAGE

CONTENT_TYPES = {"html": "text/html", "pdf": "application/pdf"}
_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


@dataclass(frozen=True)
class Rendition:
    name: str  # the format: "html" or "pdf"
    rel: str  # its path under the output folder
    size: int


def edition_uri(base_url: str, lang: str, slug: str, date_iso: str) -> str:
    """The edition's identifier, for ninjs `uri` and the Atom entry `id`: tag:<host>,<date>:<path><lang>/<slug>."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    return f"tag:{host},{date_iso}:{parts.path.lstrip('/')}{lang}/{slug}"


def absolute_links(html: str, page_url: str) -> str:
    """Every href and src of the HTML resolved against the page's public URL."""
    return _URL_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', html)


def _words(html: str) -> tuple[int, int]:
    text = re.sub(r"<[^>]*>", " ", html)
    return len(" ".join(text.split())), len(text.split())


def ninjs(page: EditionPage, base_url: str, page_rel: str, renditions: list[Rendition]) -> dict[str, object]:
    """The ninjs object of one edition (see the module docstring)."""
    page_url = urljoin(base_url, page_rel)
    body = absolute_links(str(page.body_html), page_url)
    chars, words = _words(body)
    bodies: list[dict[str, object]] = [{"role": "main", "contentType": "text/html", "charCount": chars,
                                        "wordCount": words, "value": body}]
    if str(page.note_html):
        bodies.append({"role": "editorialNote", "contentType": "text/html",
                       "value": absolute_links(str(page.note_html), page_url)})
    alt_ids = [{"role": "slug", "value": page.slug}]
    if page.provenance.source_sha256:
        alt_ids.append({"role": "sourceSha256", "value": page.provenance.source_sha256})
    stamp = f"{page.date_iso}T00:00:00Z"
    if page.withdrawn:  # partners get the notice in place of the story
        bodies = [{"role": "main", "contentType": "text/html", "value": f"<p>{page.withdrawal_html}</p>"}]
    item: dict[str, object] = {
        "uri": edition_uri(base_url, page.lang, page.slug, page.date_iso), "type": "text",
        "representationType": "full", "version": str(page.version), "firstCreated": stamp,
        "versionCreated": f"{page.modified_iso or page.date_iso}T00:00:00Z",
        "pubStatus": "canceled" if page.withdrawn else "usable", "language": page.lang,
        "headlines": [{"role": "main", "value": page.headline}],
        "by": page.author, "located": str(page.dateline_html.striptags()), "bodies": bodies,
        "renditions": [{"name": r.name, "href": urljoin(base_url, r.rel), "contentType": CONTENT_TYPES[r.name],
                        "sizeInBytes": r.size} for r in renditions],
        "altIds": alt_ids,
    }
    if page.summary:
        item["descriptions"] = [{"role": "summary", "contentType": "text/plain", "value": page.summary}]
    if page.tags:
        item["subjects"] = [{"name": tag, "rel": "about"} for tag in page.tags]
    if page.alternates:
        item["associations"] = [
            {"name": f"{lang} edition", "uri": edition_uri(base_url, lang, page.slug, page.date_iso), "type": "text",
             "rel": "translationOf" if lang == SOURCE_LANGUAGE else "translation", "language": lang}
            for lang, _href in page.alternates]
    return item


def ninjs_bytes(page: EditionPage, base_url: str, page_rel: str, renditions: list[Rendition]) -> bytes:
    return (json.dumps(ninjs(page, base_url, page_rel, renditions), ensure_ascii=False, indent=2, sort_keys=True)
            + "\n").encode("utf-8")
