"""Tags: the English words of the articles' `tags:`, translated and approved like interface strings.

In: the articles (their `tags:` and the line it stands on); `translations/<lang>/tags.po` (one entry per tag in
use, msgctxt "tag", written by `pipeline translate` as GNU msgmerge would, filled in by translators in any PO
editor) and `translations/<lang>/tags.approvals` beside it (the same lines as an article's approvals), each
read once per call.
Out: `tag_slug`, the path segment of a tag's pages, and `tag_slugs`, every tag's slug with a located problem
for a tag without one or two tags sharing one; `approved_tags`, English tag -> translation for exactly the
pairs a trusted reviewer approved and nobody changed since (the rules of interface strings: the reviewers
list, no self-review, SSH signatures; a translation holding markup, a line break or an invisible character
is refused), and `waiting_tags`, the tags in use without one; `sync_tags`, the catalog update of
`translate`; `tag_states` for status, review and approve (`--tags`). A tag has an Urdu page only when its
translation is approved: nothing here falls back to the English word.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.sources.articles import Article, load_articles
from pipeline.translation import po
from pipeline.translation.approvals import approvals_path, trust_for
from pipeline.translation.catalogs import (
    TAGS_CATALOG,
    CatalogFiles,
    SegmentState,
    SyncReport,
    catalog_path,
    new_catalog,
    parse_catalog,
    read_catalog_files,
    states_of,
    write_catalog,
)
from pipeline.translation.compare import findings, markup_added
from pipeline.translation.segments import Segment, segment_id

TAG_CONTEXT = "tag"  # the msgctxt of every entry of tags.po
TAGS = "tags"  # how status, review and approve name a language's tags
MAX_SLUG = 80  # characters: a tag's folder name stays far below every file system's limit
_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class TagUse:
    """Where a tag is used: the first article (in file order) that has it, and the line of its tags: field."""

    path: str
    line: int | None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def reference(self) -> list[str]:
        """The `#:` reference of its catalog entry (none for a path with a space: gettext splits it)."""
        return [] if any(c.isspace() for c in self.path) else [str(self)]


class Tagged(Protocol):
    """What the tag checks read of an article (an `Article`, or what `check` kept of one)."""

    @property
    def path(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def tags_line(self) -> int | None: ...
    @property
    def withdrawn(self) -> bool: ...
    @property
    def languages(self) -> tuple[str, ...]: ...


def tags_in_use(articles: Iterable[Tagged], lang: str | None = None) -> dict[str, TagUse]:
    """Every tag of the articles (those in `lang`, when given; a withdrawn story shows none), sorted as
    `msgcat --sort-output` sorts, each with its first use."""
    uses: dict[str, TagUse] = {}
    for article in sorted(articles, key=lambda a: a.path):
        if article.withdrawn or (lang is not None and lang not in article.languages):
            continue
        for tag in article.tags:
            uses.setdefault(tag, TagUse(article.path, article.tags_line))
    return dict(sorted(uses.items()))


def tag_slug(tag: str) -> str:
    """A tag's path segment: lowercase ASCII letters and digits joined by single hyphens ("Climate change" ->
    "climate-change", "São Paulo" -> "sao-paulo"); "" when the tag has no such letter or digit."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode("ascii").lower()
    return _NOT_SLUG_RE.sub("-", ascii_text).strip("-")


def tag_slugs(articles: Iterable[Tagged]) -> tuple[dict[str, str], list[Problem]]:
    """Each tag in use -> its slug. A tag without a slug, with a slug over MAX_SLUG characters, or sharing its
    slug with another tag is left out, with a problem at the first article using it (file and line)."""
    uses = tags_in_use(articles)
    by_slug: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for tag, use in uses.items():
        slug = tag_slug(tag)
        if not slug:
            problems.append(Problem(use.path, use.line, "tags", f"tag {tag!r} has no letter a-z or digit a web "
                                    "address can hold, so it can have no page: write the tag in English letters"))
        elif len(slug) > MAX_SLUG:
            problems.append(Problem(use.path, use.line, "tags", f"tag {tag[:40]!r}... is too long for a page "
                                    f"address ({len(slug)} characters, the limit is {MAX_SLUG}): shorten it"))
        else:
            by_slug.setdefault(slug, []).append(tag)
    slugs: dict[str, str] = {}
    for slug, tags in by_slug.items():
        if len(tags) == 1:
            slugs[tags[0]] = slug
            continue
        for tag in tags:
            others = ", ".join(f"{other!r} ({uses[other]})" for other in tags if other != tag)
            problems.append(Problem(uses[tag].path, uses[tag].line, "tags",
                                    f"tag {tag!r} and tag {others} would share one page (tags/{slug}/): "
                                    "spell the same tag the same way in every article, or make them differ"))
    return slugs, problems


# --- the catalog ---------------------------------------------------------------------------------------------

def read_tag_files(config: Config, lang: str) -> CatalogFiles:
    """A language's tags.po and tags.approvals as read now (a build keys its tag pages on these bytes)."""
    return read_catalog_files(config, lang, TAGS_CATALOG)


def approvals_file(config: Config, lang: str) -> Path:
    """Where approvals of a language's tags are written: `translations/<lang>/tags.approvals`."""
    return approvals_path(config.translations_dir, lang, TAGS_CATALOG)


def _tag_entry(tag: str, use: TagUse, old: po.Entry | None) -> po.Entry:
    comments = [f"segment {segment_id(TAG_CONTEXT, tag)} ({TAG_CONTEXT})"]
    if old is None:
        return po.Entry(msgid=tag, msgctxt=TAG_CONTEXT, extracted_comments=comments, references=use.reference)
    old.obsolete = False  # a tag used again: its translation comes back, as msgmerge revives an obsolete entry
    old.extracted_comments, old.references = comments, use.reference
    return old


def sync_tags(config: Config, lang: str, articles: list[Article]) -> SyncReport | None:
    """Create or update `translations/<lang>/tags.po`: an entry per tag in use, sorted, with a reference to an
    article using it; a tag no longer used becomes obsolete (`#~`, dropped when untranslated); a sync that
    changes nothing leaves the file byte-identical. None: no tag is used and there is no catalog."""
    files = read_tag_files(config, lang)
    if files.problems:
        raise ProblemsFound(files.problems)
    uses = tags_in_use(articles, lang)
    if files.po_data is None and not uses:
        return None
    path = catalog_path(config, lang, TAGS_CATALOG)
    if files.po_data is not None:
        catalog = parse_catalog(files.po_data, files.po_where)
    else:  # dated by the newest article using a tag: the same articles give the same file
        newest = max(a.date for a in articles if lang in a.languages and set(a.tags) & uses.keys())
        catalog = new_catalog(lang, "the tags of articles/*.md", TAGS, newest)
    live = {(e.msgctxt, e.msgid): e for e in catalog.entries if e.msgid and not e.obsolete}
    dead = {(e.msgctxt, e.msgid): e for e in catalog.entries if e.msgid and e.obsolete}
    entries = [_tag_entry(tag, use, live.pop((TAG_CONTEXT, tag), None) or dead.pop((TAG_CONTEXT, tag), None))
               for tag, use in uses.items()]
    gone = [e for e in live.values() if e.msgstr]
    for entry in gone:  # as msgmerge writes it: the translation and the translator's comments, no reference
        entry.obsolete, entry.extracted_comments, entry.references = True, [], []
    catalog.entries = entries + gone + list(dead.values())
    written = write_catalog(path, catalog, config.display(path))
    return SyncReport(path, files.po_data is None, written, new=sum(1 for e in entries if not e.msgstr),
                      fuzzy=sum(1 for e in entries if e.fuzzy), obsolete=len(gone) + len(dead))


# --- translations and their approval ------------------------------------------------------------------------

def _tag_segments(catalog: po.Catalog | None, tags: Iterable[str] | None) -> list[Segment]:
    """A segment per tag given or (None) per live entry of the catalog, with the entry's line."""
    lines = {e.msgid: e.line for e in catalog.entries if e.msgctxt == TAG_CONTEXT and e.msgid and not e.obsolete} \
        if catalog is not None else {}
    return [Segment(TAG_CONTEXT, tag, lines.get(tag), "tag") for tag in sorted(set(lines if tags is None else tags))]


def _plain(state: SegmentState, where: str, problems: list[Problem]) -> SegmentState:
    """A tag's translation is plain words on one line: one with markup or a line break is refused (a problem
    naming the catalog line) and counts as not translated, whatever approves it."""
    if not state.translated:
        return state
    marks = sorted(markup_added(state.segment.source, state.translation))
    if "\n" in state.translation or "\r" in state.translation:
        marks.append("a line break")
    if not marks:
        return state
    problems.append(Problem(where, state.segment.line, None, f"the translation of tag {state.segment.source!r} "
                            f"holds markup or a line break ({', '.join(marks)}); a tag is plain words on one line: "
                            "write it without them"))
    return dataclasses.replace(state, translation="", fuzzy=False, approval=None, distrusted=None)


def tag_states(config: Config, files: CatalogFiles,
               tags: Iterable[str] | None = None) -> tuple[list[SegmentState], list[Problem]]:
    """The state of each tag given (None: of each tag the catalog has), judged as interface strings are: an
    approval counts when the publication's reviewers list accepts it (signature included) and its reviewer
    is not the catalog's Last-Translator."""
    try:  # parsed once, here: a build of a large archive asks for every tag's state
        catalog = po.parse(files.po_data, files.po_where) if files.po_data is not None else None
    except po.PoError as err:
        return [], [*files.problems, *err.problems]
    states, problems = states_of(_tag_segments(catalog, tags), files, trust_for(config, files.lang), catalog)
    return [_plain(state, files.po_where, problems) for state in states], problems


def tag_findings(pairs: Iterable[tuple[Segment, str]]) -> dict[Segment, list[str]]:
    """What a reviewer must see besides the words: a number or a Latin name of the English tag lost."""
    return {seg: found for seg, translation in pairs if (found := findings(seg.source, translation, {}))}


def tag_translations(config: Config, files: CatalogFiles,
                     tags: Iterable[str] | None = None) -> tuple[dict[str, str], list[Problem]]:
    """English tag -> approved translation (of the tags given, or of every tag in the catalog), and every problem
    of the files (a PO syntax error, a damaged approval line, a refused translation). In the source language
    every tag given is its own translation."""
    if files.lang == SOURCE_LANGUAGE:
        return {tag: tag for tag in sorted(set(tags or ()))}, []
    states, problems = tag_states(config, files, tags)
    return {s.segment.source: s.translation for s in states if s.publishable}, problems


def approved_tags(config: Config, lang: str, tags_in_use: Iterable[str] | None = None) -> dict[str, str]:
    """English tag -> its approved translation in `lang`, only where a reviewer the publication trusts approved
    exactly that pair. Reads tags.po and tags.approvals once. `tags_in_use` limits it to those tags (a build
    passes the tags of its articles); without it, every tag the catalog lists. For the source language every
    tag maps to itself (without `tags_in_use` the articles are read to find them). Problems: `tag_translations`."""
    if lang == SOURCE_LANGUAGE and tags_in_use is None:
        tags_in_use = tags_in(config)
    return tag_translations(config, read_tag_files(config, lang), tags_in_use)[0]


def waiting_tags(config: Config, lang: str, tags_in_use: Iterable[str]) -> list[str]:
    """The tags in use that have no approved translation in `lang` (untranslated, fuzzy, refused or not
    approved by a trusted reviewer), sorted: they have no page in that language yet."""
    wanted = sorted(set(tags_in_use))
    approved = approved_tags(config, lang, wanted)
    return [tag for tag in wanted if tag not in approved]


def tags_in(config: Config, lang: str | None = None) -> list[str]:
    """Every tag the publication's articles use (in `lang`, when given)."""
    articles, _problems = load_articles(config)
    return list(tags_in_use(articles, lang))
