"""The page models the templates receive.

In: values made by the edition and index stages.
Out: frozen `EditionPage` (one article in one language), `IndexEntry` (one line of a language's
index) and `LandingPage` (the publication's front door): everything already in the page's language
and already escaped where it is HTML (`Markup`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from pipeline.languages import direction


@dataclass(frozen=True)
class Provenance:
    """Where an edition comes from: the English source's hash and, for a translation, who approved it."""

    source_sha256: str = ""  # SHA-256 of the English article file as read
    reviewers: tuple[str, ...] = ()
    approved_at: str = ""  # UTC time of the last approval of its segments


NO_PROVENANCE = Provenance()
NO_TEXT = Markup("")


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
    dateline_inline: bool = False  # the body's first paragraph opens with the dateline (Urdu papers' way)
    tag_links: tuple[tuple[str, str], ...] = ()  # (tag, href of its page)
    alternates: tuple[tuple[str, str], ...] = ()  # (lang, href) of the other editions
    index_href: str = ""  # the link to the language's index
    provenance: Provenance = NO_PROVENANCE
    corrections: tuple[tuple[str, str, Markup], ...] = ()  # (date ISO, date as shown, note) oldest first
    withdrawn: bool = False
    withdrawal_html: Markup = NO_TEXT  # why it was withdrawn, shown in place of the story
    version: int = 1
    modified_iso: str = ""  # the day of the last correction, or the story's date
    dir: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dir", direction(self.lang))


@dataclass(frozen=True)
class IndexEntry:
    slug: str
    href: str
    headline: Markup
    dateline: Markup
    date_iso: str
    date_display: str
    summary: Markup


@dataclass(frozen=True)
class ListingView:
    """One listing page as the template shows it: the language's index or one of its archive, month or tag
    pages, or the page of all tags. Every href is relative to this page."""

    kind: str  # "index", "month", "tag" or "tags"
    title: Markup  # the month ("June 2026") or the tag, as HTML; empty for the index and the tags page
    number: int  # 0: the listing's front; 1...: an archive page, numbered from the oldest story
    entries: tuple[IndexEntry, ...]
    newer_href: str | None  # rel="prev": newer stories
    older_href: str | None  # rel="next": older stories
    pages: tuple[tuple[int, str], ...]  # (number, href) of older pages to offer
    index_href: str  # the language's front page
    tags_href: str | None  # the page of all tags, when the language has tags
    months: tuple[tuple[str, str, int], ...] = ()  # on the language's front: (month, href, stories)
    tags: tuple[tuple[Markup, str, int], ...] = ()  # on the tags page: (tag, href, stories)


@dataclass(frozen=True)
class LandingPage:
    """The front door: one link per language that has an index online."""

    languages: tuple[tuple[str, str, str], ...]  # (lang, the publication's name in it, href of its index)
