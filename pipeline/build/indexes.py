"""The pages that list editions: a language's index and the landing page.

In: the manifest (every published edition's index entry), the languages online, the interface
strings, and what the previous build recorded of these pages.
Out: `dist/<lang>/index.html` (newest first, with the same escaping, bidi isolation and digits as
the article pages) and `dist/index.html`, written through the build's `Writer`; a page whose inputs
hash the same as last time and is intact on disk is not rendered again.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import json
from collections.abc import Callable, Iterator
from pathlib import Path

from markupsafe import Markup

from pipeline.build.cache import Manifest
from pipeline.build.outputs import Output, Writer, intact
from pipeline.config import Config
from pipeline.editions.edition import text_html_for
from pipeline.editions.pages import IndexEntry, LandingPage
from pipeline.formats.feeds import Edition, atom_feed, sitemap
from pipeline.formats.html import render_index, render_landing
from pipeline.runtime.hashing import digest
from pipeline.text.localize import format_date

Records = dict[str, dict[str, str]]  # rel -> {"sha", "source"}


def _listed(out: Path, manifest: Manifest) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(lang, slug, manifest entry) of every edition that indexes, feeds and the sitemap list: its page is on
    disk and it was not withdrawn."""
    for key, info in sorted(manifest.items()):
        lang, _, slug = key.partition("/")
        if info.get("withdrawn") != "yes" and (out / Output("html", lang, slug).rel).is_file():
            yield lang, slug, info


def _entries(config: Config, out: Path, lang: str, manifest: Manifest) -> list[IndexEntry]:
    """Every edition of the language that is on disk, new ones and kept ones, newest first."""
    text_html = text_html_for(lang, config)
    entries = []
    for entry_lang, slug, info in _listed(out, manifest):
        if entry_lang != lang:
            continue
        try:
            date = dt.date.fromisoformat(str(info.get("date", "")))
        except ValueError:
            continue
        href = Output("html", lang, slug).href_from(Output("index", lang))
        entries.append(IndexEntry(slug=slug, href=href, headline=Markup(text_html(str(info.get("headline", slug)))),
                                  dateline=Markup(text_html(str(info.get("dateline", "")))), date_iso=date.isoformat(),
                                  date_display=format_date(date, lang, config.digits, config.urdu_dates),
                                  summary=Markup(text_html(str(info.get("summary", ""))))))
    entries.sort(key=lambda e: (e.date_iso, e.slug), reverse=True)
    return entries


def write_indexes(config: Config, out: Path, langs: tuple[str, ...], base: str, manifest: Manifest,
                  translations: dict[str, gettext.NullTranslations], writer: Writer, old: Records,
                  held: frozenset[str] = frozenset()) -> Records:
    """Each language's index and the landing page; returns what the cache should remember of them. The index
    of a language in `held` (its interface strings wait) stays as it was."""
    records: Records = {}
    for lang in langs:
        if lang in held:
            if Output("index", lang).rel in old:
                records[Output("index", lang).rel] = old[Output("index", lang).rel]
            continue
        mine = {k: v for k, v in sorted(manifest.items()) if k.startswith(f"{lang}/")}
        on_disk = [k for k in mine if (out / Output("html", *k.split("/", 1)).rel).is_file()]
        source = digest(base, lang, json.dumps(mine, sort_keys=True, ensure_ascii=False), *on_disk)
        output = Output("index", lang)

        def page(lang: str = lang) -> bytes:
            here = Output("index", lang)
            others = [(other, Output("index", other).href_from(here)) for other in config.languages if other != lang]
            entries = _entries(config, out, lang, manifest)
            return render_index(lang, entries, others, config, translations[lang]).encode("utf-8")

        records[output.rel] = _write_if_changed(writer, output, source, page, old)
    online = tuple(lang for lang in config.languages if (out / Output("index", lang).rel).is_file())
    landing = LandingPage(tuple((lang, config.name_for(lang), Output("index", lang).href_from(Output("landing")))
                                for lang in online))
    records[Output("landing").rel] = _write_if_changed(writer, Output("landing"), digest(base, repr(landing)),
                                              lambda: render_landing(landing, config).encode("utf-8"), old)
    if config.base_url:
        records.update(_write_feeds(config, out, langs, base, manifest, writer, old, held))
    return records


def _editions(out: Path, manifest: Manifest) -> list[Edition]:
    """Every edition in the manifest whose page is on disk, with its PDF's size."""
    found = []
    for lang, slug, info in _listed(out, manifest):
        page, pdf = Output("html", lang, slug).rel, Output("pdf", lang, slug).rel
        size = (out / pdf).stat().st_size if (out / pdf).is_file() else 0
        found.append(Edition(lang, slug, str(info.get("headline", slug)), str(info.get("author", "")),
                             str(info.get("summary", "")), str(info.get("date", "")), page, pdf if size else None,
                             size, str(info.get("modified") or info.get("date", ""))))
    return found


def _write_feeds(config: Config, out: Path, langs: tuple[str, ...], base: str, manifest: Manifest,
                 writer: Writer, old: Records, held: frozenset[str]) -> Records:
    """Each language's Atom feed and the sitemap (only with base_url: they need absolute addresses)."""
    assert config.base_url is not None
    records: Records = {}
    editions = _editions(out, manifest)
    source = digest(base, json.dumps([list(vars(e).values()) for e in editions], ensure_ascii=False))
    by_slug: dict[str, list[Edition]] = {}
    for edition in editions:
        by_slug.setdefault(edition.slug, []).append(edition)
    for lang in langs:
        if lang in held:  # its interface strings wait: its feed stays as it was
            if Output("atom", lang).rel in old:
                records[Output("atom", lang).rel] = old[Output("atom", lang).rel]
            continue
        mine = [e for e in editions if e.lang == lang]
        others = {slug: [e for e in group if e.lang != lang] for slug, group in by_slug.items()}
        output = Output("atom", lang)
        records[output.rel] = _write_if_changed(writer, output, digest(source, lang), functools.partial(
            atom_feed, lang, mine, others, config.base_url, config.name_for(lang), Output("index", lang).rel), old)
    indexes = [(lang, Output("index", lang).rel) for lang in config.languages
               if (out / Output("index", lang).rel).is_file()]
    records[Output("sitemap").rel] = _write_if_changed(writer, Output("sitemap"), digest(source, repr(indexes)),
                                                       lambda: sitemap(editions, indexes, config.base_url or ""), old)
    return records


def _write_if_changed(writer: Writer, output: Output, source: str, make: Callable[[], bytes],
                      old: Records) -> dict[str, str]:
    previous = old.get(output.rel)
    if previous and previous.get("source") == source and intact(writer.out, output.rel, previous.get("sha")):
        writer.keep(output, previous["sha"])
        return previous
    return {"sha": writer.write(output, make()), "source": source}

