"""The pages that list editions: a language's index and the landing page.

In: the manifest (every published edition's index entry), the languages online, the interface
strings, and what the previous build recorded of these pages.
Out: each language's listing pages (`pipeline.build.listings`: the front, archive pages numbered from the
oldest story, month and tag pages, the page of all tags; same escaping, bidi isolation and digits as the
article pages), `dist/index.html`, the feeds and the sitemap, written through the build's `Writer`; a page
whose inputs hash the same as last time and is intact on disk is not rendered again, and a listing page no
longer made is removed.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import json
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.build.cache import Manifest
from pipeline.build.listings import Story, listing_pages
from pipeline.build.outputs import Output, Writer, keep_or_write
from pipeline.config import Config
from pipeline.editions.pages import LandingPage
from pipeline.formats import feeds
from pipeline.formats.feeds import Edition, atom_feed, sitemap_index, sitemap_parts
from pipeline.formats.html import render_landing
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.runtime.hashing import digest
from pipeline.translation.tags import approved_tags

Records = dict[str, dict[str, str]]  # rel -> {"sha", "source"}
Known = Mapping[str, object]  # the outputs this build knows are on disk (rel -> anything)
LISTING_FORMATS = ("index", "page", "month", "tags", "tag")


def _listed(out: Path, manifest: Manifest, known: Known) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(lang, slug, manifest entry) of every edition that indexes, feeds and the sitemap list: its page is on
    disk (recorded by this build as there, or found there) and it was not withdrawn."""
    for key, info in sorted(manifest.items()):
        lang, _, slug = key.partition("/")
        page = Output("html", lang, slug).rel
        if info.get("withdrawn") != "yes" and (page in known or (out / page).is_file()):
            yield lang, slug, info


def _stories(out: Path, manifest: Manifest, known: Known) -> dict[str, list[Story]]:
    """lang -> its listed stories, oldest first."""
    found: dict[str, list[Story]] = {}
    for lang, slug, info in _listed(out, manifest, known):
        try:
            date = dt.date.fromisoformat(str(info.get("date", ""))).isoformat()
        except ValueError:
            continue
        tags = tuple(t for t in str(info.get("tags", "")).split("\n") if t)
        found.setdefault(lang, []).append(Story(slug, date, str(info.get("headline", slug)),
                                                str(info.get("dateline", "")), str(info.get("summary", "")), tags))
    for stories in found.values():
        stories.sort(key=lambda s: (s.date, s.slug))
    return found


def write_indexes(config: Config, out: Path, langs: tuple[str, ...], base: str, manifest: Manifest,
                  translations: dict[str, gettext.NullTranslations], writer: Writer, old: Records,
                  held: frozenset[str] = frozenset(), known: Known | None = None) -> Records:
    """Each language's listing pages and the landing page; returns what the cache should remember of them.
    The pages of a language in `held` (its interface strings wait) stay as they were; a listing page this
    build no longer makes (a month or tag left empty, a page emptied by a removal) is removed."""
    records: Records = {}
    known = known or {}
    stories = _stories(out, manifest, known)
    for lang in langs:
        if lang in held:
            records.update({rel: r for rel, r in old.items() if _listing_lang(rel) == lang})
            continue
        others = [other for other in config.languages if other != lang]
        names = _tag_names(config, stories.get(lang, []), lang)
        for page in listing_pages(config, lang, stories.get(lang, []), names, others, base):
            records[page.output.rel] = keep_or_write(writer, page.output, page.source, functools.partial(
                page.make, translations[lang]), old)
    online = tuple(lang for lang in config.languages if (out / Output("index", lang).rel).is_file())
    landing = LandingPage(tuple((lang, config.name_for(lang), Output("index", lang).href_from(Output("landing")))
                                for lang in online))
    records[Output("landing").rel] = keep_or_write(writer, Output("landing"), digest(base, repr(landing)),
                                              lambda: render_landing(landing, config).encode("utf-8"), old)
    if config.base_url:
        records.update(_write_feeds(config, out, langs, base, manifest, writer, old, held, known))
    for rel in sorted(set(old) - set(records)):  # pages this build no longer makes: an empty month or tag...
        output = Output.parse(rel)
        if output is not None and output.format in (*LISTING_FORMATS, "sitemap-part") and output.format != "index":
            writer.remove(output)
    return records


def _tag_names(config: Config, stories: list[Story], lang: str) -> dict[str, str]:
    """English tag -> its name in the language: the tag itself in English; in another language its
    approved translation (tags.po, reviewed like interface strings), and no page where there is none."""
    used = {tag for story in stories for tag in story.tags}
    return {tag: tag for tag in used} if lang == SOURCE_LANGUAGE else approved_tags(config, lang, used)


def _listing_lang(rel: str) -> str | None:
    output = Output.parse(rel)
    return output.lang if output is not None and output.format in LISTING_FORMATS else None


def _editions(out: Path, manifest: Manifest, known: Known) -> list[Edition]:
    """Every edition in the manifest whose page is on disk, with its PDF's size."""
    found = []
    for lang, slug, info in _listed(out, manifest, known):
        page, pdf = Output("html", lang, slug).rel, Output("pdf", lang, slug).rel
        size = _size(out / pdf)
        found.append(Edition(lang, slug, str(info.get("headline", slug)), str(info.get("author", "")),
                             str(info.get("summary", "")), str(info.get("date", "")), page, pdf if size else None,
                             size, str(info.get("modified") or info.get("date", ""))))
    return found


def _size(path: Path) -> int:
    """A regular file's size; 0 when there is none."""
    try:
        info = path.stat()
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0


def _write_feeds(config: Config, out: Path, langs: tuple[str, ...], base: str, manifest: Manifest,
                 writer: Writer, old: Records, held: frozenset[str], known: Known) -> Records:
    """Each language's Atom feed and the sitemap (only with base_url: they need absolute addresses)."""
    assert config.base_url is not None
    records: Records = {}
    editions = _editions(out, manifest, known)
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
        records[output.rel] = keep_or_write(writer, output, digest(source, lang, config.feed_entries),
                                                functools.partial(
            atom_feed, lang, mine, others, config.base_url, config.name_for(lang), Output("index", lang).rel,
            int(config.feed_entries)), old)
    indexes = [(lang, Output("index", lang).rel) for lang in config.languages
               if (out / Output("index", lang).rel).is_file()]
    records.update(_write_sitemap(config.base_url, digest(source, repr(indexes), str(feeds.MAX_SITEMAP_URLS)),
                                  editions, indexes, writer, old))
    return records


def _write_sitemap(base_url: str, source: str, editions: list[Edition], indexes: list[tuple[str, str]],
                   writer: Writer, old: Records) -> Records:
    """sitemap.xml, or past the limit its parts and an index of them. Made only when what it lists changed
    (`source`); then a part whose bytes are the same is not written again."""
    kept = {rel: record for rel, record in old.items() if rel == Output("sitemap").rel
            or (Output.parse(rel) or Output("")).format == "sitemap-part"}
    if kept.get(Output("sitemap").rel, {}).get("source") == source and \
            all(writer.intact(rel, record) for rel, record in kept.items()):
        for rel, record in kept.items():
            writer.keep_recorded(rel, record["sha"])
        return kept
    parts = sitemap_parts(editions, indexes, base_url, feeds.MAX_SITEMAP_URLS)
    records: Records = {}
    if len(parts) > 1:
        for number, part in enumerate(parts, start=1):
            output = Output("sitemap-part", name=str(number))
            records[output.rel] = {"sha": writer.write(output, part), "source": source}
        parts = [sitemap_index(list(records), base_url)]
    records[Output("sitemap").rel] = {"sha": writer.write(Output("sitemap"), parts[0]), "source": source}
    return records
