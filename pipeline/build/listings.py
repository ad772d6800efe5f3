"""Every listing page of one language: what it lists, where it is published, and the key of what it is made from.

In: the config, a language, its listed stories (oldest first, as the manifest remembers them), the names its
tags have in that language, the other languages and the build's base key.
Out: `listing_pages`: one `ListingPage` (output, source key, a `make` that renders the bytes) for the
language's front and archive pages, for each month's and each tag's pages, and for the page of all tags. Keys
are made from plain manifest text, so a build where nothing changed hashes but renders nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import json
from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_skeleton
from markupsafe import Markup

from pipeline.build.outputs import Output
from pipeline.config import Config
from pipeline.editions.edition import text_html_for
from pipeline.editions.listing import FRONT, Sheet, paginate
from pipeline.editions.pages import IndexEntry, ListingView
from pipeline.formats.html import render_listing
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.runtime.hashing import digest
from pipeline.text.characters import convert_digits
from pipeline.text.localize import digit_system, format_date
from pipeline.text.runts import tie_text
from pipeline.translation.tags import tag_slug


@dataclass(frozen=True)
class Story:
    """One listed edition, as the manifest remembers it (plain text; made HTML only for a page rendered)."""

    slug: str
    date: str
    headline: str
    dateline: str
    summary: str
    tags: tuple[str, ...]

    @functools.cached_property
    def key(self) -> str:
        """What a listing shows of it, hashed once however many listings it is on."""
        return digest(self.slug, self.date, self.headline, self.dateline, self.summary, *self.tags)


@dataclass(frozen=True)
class ListingPage:
    output: Output
    source: str
    make: Callable[[gettext.NullTranslations], bytes]


def month_label(month: str, lang: str, digits: str) -> str:
    """"2026/06" as the language names it: "June 2026", "جون 2026"."""
    year, number = (int(part) for part in month.split("/"))
    label = format_skeleton("yMMMM", dt.date(year, number, 1), locale=LANGUAGES[lang].locale)
    return convert_digits(label, digit_system(lang, digits))


def _output(kind: str, lang: str, key: str, number: int) -> Output:
    if kind == "index":
        return Output("index", lang) if number == FRONT else Output("page", lang, name=str(number))
    return Output(kind, lang, name=key if number == FRONT else f"{key}/page/{number}")


@dataclass(frozen=True)
class _Listing:
    """One listing of a language: the index, a month or a tag."""

    config: Config
    lang: str
    kind: str
    key: str  # "" for the index, "2026/06" for a month, the tag's slug for a tag
    title: str  # plain text: the month or the tag as shown
    others: tuple[str, ...]
    base: str
    has_tags: bool

    def pages(self, stories: list[Story], months: tuple[tuple[str, str, int], ...] = ()) -> list[ListingPage]:
        found = []
        for sheet in paginate(stories, int(self.config.per_page)):
            output = _output(self.kind, self.lang, self.key, sheet.number)
            extra = months if self.kind == "index" and sheet.number == FRONT else ()
            source = digest(self.base, self.lang, self.kind, self.key, self.title, str(self.has_tags),
                            repr((sheet.number, sheet.newer, sheet.older, sheet.pages, extra, self.others)),
                            *(s.key for s in sheet.items))
            found.append(ListingPage(output, source, _maker(self, sheet, output, extra)))
        return found

    def href(self, number: int | None, here: Output) -> str | None:
        return None if number is None else _output(self.kind, self.lang, self.key, number).href_from(here)


def _tied(text_html: Callable[[str], str], lang: str) -> Callable[[str], str]:
    """Urdu headlines and summaries never end on a lone word (as the Urdu body does not)."""
    return (lambda text: text_html(tie_text(text))) if lang != SOURCE_LANGUAGE else text_html


def _maker(listing: _Listing, sheet: Sheet[Story], here: Output,
           months: tuple[tuple[str, str, int], ...]) -> Callable[[gettext.NullTranslations], bytes]:
    def make(translations: gettext.NullTranslations) -> bytes:
        config, lang = listing.config, listing.lang
        text_html = _tied(text_html_for(lang, config), lang)
        entries = tuple(IndexEntry(
            slug=s.slug, href=Output("html", lang, s.slug).href_from(here), headline=Markup(text_html(s.headline)),
            dateline=Markup(text_html(s.dateline)), date_iso=s.date,
            date_display=format_date(dt.date.fromisoformat(s.date), lang, config.digits, config.urdu_dates),
            summary=Markup(text_html(s.summary))) for s in sheet.items)
        view = ListingView(
            kind=listing.kind, title=Markup(text_html(listing.title)) if listing.title else Markup(""),
            number=sheet.number, entries=entries, newer_href=listing.href(sheet.newer, here),
            older_href=listing.href(sheet.older, here),
            pages=tuple((n, listing.href(n, here) or "") for n in sheet.pages),
            index_href=Output("index", lang).href_from(here),
            tags_href=Output("tags", lang).href_from(here) if listing.has_tags else None,
            months=tuple((label, Output("month", lang, name=month).href_from(here), n) for label, month, n in months))
        alternates = [(other, Output("index", other).href_from(here)) for other in listing.others]
        return render_listing(lang, view, here.rel, alternates, config, translations).encode("utf-8")
    return make


def listing_pages(config: Config, lang: str, stories: list[Story], tag_names: dict[str, str],
                  others: list[str], base: str) -> list[ListingPage]:
    """Every listing page of the language. `tag_names`: English tag -> its name in the language; a tag
    without one (its translation not approved) has no page in the language."""
    by_month: dict[str, list[Story]] = {}
    by_tag: dict[str, list[Story]] = {}  # by the tag's slug: two spellings of one tag share its page
    shown: dict[str, str] = {}  # slug -> the name the page shows (`check` reports spellings that collide)
    for story in stories:
        by_month.setdefault(story.date[:7].replace("-", "/"), []).append(story)
        slugs_here: set[str] = set()  # two spellings of one tag list the story once
        for tag in story.tags:
            if tag in tag_names and (slug := tag_slug(tag)):
                if slug not in slugs_here:
                    slugs_here.add(slug)
                    by_tag.setdefault(slug, []).append(story)
                shown[slug] = min(shown.get(slug, tag_names[tag]), tag_names[tag])
    common = {"config": config, "lang": lang, "others": tuple(others), "base": base, "has_tags": bool(by_tag)}
    months = tuple((month_label(m, lang, config.digits), m, len(items)) for m, items in sorted(by_month.items(),
                                                                                               reverse=True))
    pages = _Listing(kind="index", key="", title="", **common).pages(stories, months)  # type: ignore[arg-type]
    for month, items in sorted(by_month.items()):
        pages += _Listing(kind="month", key=month, title=month_label(month, lang, config.digits),
                          **common).pages(items)  # type: ignore[arg-type]
    for slug, items in sorted(by_tag.items()):
        pages += _Listing(kind="tag", key=slug, title=shown[slug], **common).pages(items)  # type: ignore[arg-type]
    if by_tag:
        pages.append(_tags_page(config, lang, by_tag, shown, others, base))
    return pages


def _tags_page(config: Config, lang: str, by_tag: dict[str, list[Story]], shown: dict[str, str],
               others: list[str], base: str) -> ListingPage:
    here = Output("tags", lang)
    counts = sorted((shown[slug], slug, len(items)) for slug, items in by_tag.items())
    source = digest(base, lang, "tags", json.dumps(counts, ensure_ascii=False), repr(others))

    def make(translations: gettext.NullTranslations) -> bytes:
        text_html = text_html_for(lang, config)
        view = ListingView(kind="tags", title=Markup(""), number=FRONT, entries=(), newer_href=None,
                           older_href=None, pages=(), index_href=Output("index", lang).href_from(here),
                           tags_href=None, tags=tuple((Markup(text_html(name)), Output("tag", lang, name=slug)
                                                       .href_from(here), n) for name, slug, n in counts))
        alternates = [(other, Output("index", other).href_from(here)) for other in others]
        return render_listing(lang, view, here.rel, alternates, config, translations).encode("utf-8")
    return ListingPage(here, source, make)
