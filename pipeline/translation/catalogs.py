"""Translation catalogs: one gettext PO file per article and language.

In: an `Article` and its segments; `translations/<lang>/<slug>.po` (edited by translators in any
PO editor) and the approvals file beside it.
Out: `read_catalog_files` reads both once (regular files inside the root, size-limited) so that a
build renders from exactly the bytes it keys its cache on; `segment_states` says of every segment
whether it is translated, fuzzy and approved (`gate` turns that into the `Translate` function the
edition is rendered with, or into a `Hold`); `sync_catalog` creates or updates the PO file as GNU
gettext writes it (unchanged segments keep their translation; a changed segment keeps its old
translation, marked fuzzy with the previous English as `#| msgid`; removed segments become obsolete
`#~` entries; a sync that changes nothing leaves the file byte-identical).
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.runtime import atomic
from pipeline.sources.articles import Article
from pipeline.sources.files import MB, read_optional
from pipeline.text.characters import describe, invisible_re
from pipeline.text.markdown import MAX_BLOCK_CHARS
from pipeline.text.urdu import fix_letters
from pipeline.translation import po
from pipeline.translation.approvals import (
    ANYONE,
    Approval,
    Approvals,
    Trust,
    approvals_path,
    pair_hash,
    parse_approvals,
)
from pipeline.translation.segments import Segment, Translate, segment_id, segments

# The English a translation was made for, kept while the translation waits for the translator and the
# reviewer: as `#| msgid` while the entry is fuzzy, and as this extracted comment, which PO editors keep
# when they clear the fuzzy flag (and the `#|` lines with it), so the reviewer still sees what changed.
PREVIOUS_NOTE = "Previous English: "
MAX_CATALOG_BYTES = 20 * MB
MAX_TRANSLATION_CHARS = 2 * MAX_BLOCK_CHARS  # Urdu runs longer than English, never ten times longer
_FUZZY_CUTOFF = 0.6


# The catalog of the articles' tags (`translations/<lang>/tags.po`, see `tags`): no article has this slug.
TAGS_CATALOG = "tags"


def catalog_path(config: Config, lang: str, slug: str) -> Path:
    return config.translations_dir / lang / f"{slug}.po"


@dataclass(frozen=True)
class CatalogFiles:
    """One article's catalog and approvals in one language, read once (None: no such file)."""

    lang: str
    po_where: str
    po_data: bytes | None
    approvals_where: str
    approvals_data: bytes | None
    problems: tuple[Problem, ...] = ()  # a file that could not be read


def read_catalog_files(config: Config, lang: str, slug: str) -> CatalogFiles:
    po_path, ap_path = catalog_path(config, lang, slug), approvals_path(config.translations_dir, lang, slug)
    data: list[bytes | None] = []
    problems: list[Problem] = []
    for path in (po_path, ap_path):
        try:
            data.append(read_optional(path, config.root, config.display(path), MAX_CATALOG_BYTES))
        except ProblemsFound as found:
            data.append(None)
            problems.extend(found.problems)
    return CatalogFiles(lang, config.display(po_path), data[0], config.display(ap_path), data[1], tuple(problems))


def parse_catalog(data: bytes, where: str) -> po.Catalog:
    try:
        return po.parse(data, where)
    except po.PoError as err:
        raise ProblemsFound(err.problems) from None


@dataclass(frozen=True)
class SegmentState:
    segment: Segment
    translation: str
    fuzzy: bool
    approval: Approval | None
    previous: str | None  # the English this translation was made for, when the source changed
    distrusted: str | None = None  # why an approval of this exact pair does not count (not a reviewer, ...)

    @property
    def translated(self) -> bool:
        return bool(self.translation.strip())

    @property
    def pair(self) -> str:
        return pair_hash(self.segment.context, self.segment.source, self.translation)

    @property
    def publishable(self) -> bool:
        return self.translated and not self.fuzzy and self.approval is not None


def previous_of(entry: po.Entry) -> str | None:
    if entry.previous_msgid:
        return entry.previous_msgid
    for comment in entry.extracted_comments:
        if comment.startswith(PREVIOUS_NOTE):
            return comment[len(PREVIOUS_NOTE):].strip()
    return None


def segment_states(article: Article, files: CatalogFiles,
                   trust: Trust = ANYONE) -> tuple[list[SegmentState], list[Problem]]:
    """Every segment of the article with its translation, fuzziness and approval; an approval counts only
    when `trust` accepts it."""
    return states_of(segments(article), files, trust)


def _catalog_entries(files: CatalogFiles, problems: list[Problem],
                     parsed: po.Catalog | None = None) -> tuple[dict[tuple[str, str | None], po.Entry], str | None]:
    """The live entries of the catalog (`parsed`: as the caller already parsed it) by (msgid, msgctxt), and
    its Last-Translator's name."""
    if files.po_data is None:
        return {}, None
    try:
        catalog = parsed if parsed is not None else parse_catalog(files.po_data, files.po_where)
    except ProblemsFound as found:
        problems.extend(found.problems)
        return {}, None
    translator = (catalog.header("Last-Translator") or "").split("<", 1)[0].strip() or None
    return {(e.msgid, e.msgctxt): e for e in catalog.entries if e.msgid and not e.obsolete}, translator


def _refused_translation(seg: Segment, entry: po.Entry, translation: str, where: str) -> Problem | None:
    """Why a translation cannot be used at all: too long, or an invisible character in it (also one written as
    an HTML character reference, which the page would decode)."""
    if len(translation) > MAX_TRANSLATION_CHARS:
        return Problem(where, entry.line, None, f"the translation of segment {seg.id} has {len(translation):,} "
                       f"characters; the limit is {MAX_TRANSLATION_CHARS:,}: shorten it")
    hidden = invisible_re.search(translation) or invisible_re.search(html.unescape(translation))
    if hidden:
        return Problem(where, entry.line, None, f"the translation of segment {seg.id} holds the invisible character "
                       f"{describe(hidden.group())}; delete it (direction comes from the page, never from control "
                       "characters)")
    return None


def states_of(segs: list[Segment], files: CatalogFiles, trust: Trust = ANYONE,
              parsed: po.Catalog | None = None) -> tuple[list[SegmentState], list[Problem]]:
    """The state of each segment given (an article's, a language's interface strings or tags) in `files`
    (`parsed`: its catalog, when the caller parsed it already). An approval counts when `trust` accepts it
    and its reviewer is not the catalog's Last-Translator (unless the publication allows self-review)."""
    problems: list[Problem] = list(files.problems)
    entries, translator = _catalog_entries(files, problems, parsed)
    approvals, found = parse_approvals(files.approvals_data, files.approvals_where)
    problems.extend(found)
    states = []
    for seg in segs:
        entry = entries.get((seg.source, seg.context)) if seg.kind != "verbatim" else None
        translation = seg.source if seg.kind == "verbatim" else entry.msgstr if entry else ""
        refused = _refused_translation(seg, entry, translation, files.po_where) if entry else None
        if refused:
            problems.append(refused)
            translation = ""
        approval, distrusted = None, None
        for candidate in approvals.approvals_for(seg.id, pair_hash(seg.context, seg.source, translation)) \
                if translation else []:
            why = trust.why_not(candidate, translator)
            if why is None:
                approval, distrusted = candidate, None
                break
            distrusted = distrusted or why
        states.append(SegmentState(seg, translation, bool(entry and entry.fuzzy), approval,
                                   previous_of(entry) if entry else None, distrusted))
    return states, problems


def last_translator(files: CatalogFiles) -> str | None:
    """The name in the catalog's Last-Translator header (without the e-mail address), if it has one."""
    return _catalog_entries(files, [])[1]


def translate_function(states: list[SegmentState]) -> Translate:
    table = {(s.segment.context, s.segment.source): s.translation for s in states}
    return lambda context, source: table[(context, source)]


def load_approvals(files: CatalogFiles) -> Approvals:
    approvals, problems = parse_approvals(files.approvals_data, files.approvals_where)
    if problems or files.problems:
        raise ProblemsFound([*files.problems, *problems])
    return approvals


def new_catalog(lang: str, source: str, version: str, date: dt.date) -> po.Catalog:
    """An empty catalog of `source` (what its English comes from) dated `date`, as `translate` creates it."""
    name = LANGUAGES[lang].english_name
    stamp = f"{date.isoformat()} 00:00+0000"
    return po.Catalog(
        header_comments=[f"{name} translation of {source}",
                         "Translators: fill in msgstr; never edit msgid. Reviewers approve with",
                         "`pipeline approve`. Entries marked fuzzy changed in English: update them."],
        headers=[("Project-Id-Version", version),
                 ("Report-Msgid-Bugs-To", f"English desk ({source})"),
                 ("POT-Creation-Date", stamp), ("PO-Revision-Date", stamp),
                 ("Last-Translator", f"{name} desk"), ("Language-Team", f"{name} desk"), ("Language", lang),
                 ("MIME-Version", "1.0"), ("Content-Type", "text/plain; charset=UTF-8"),
                 ("Content-Transfer-Encoding", "8bit"), ("Plural-Forms", "nplurals=2; plural=(n != 1);")],
        header_flags=[], entries=[])


@dataclass(frozen=True)
class SyncReport:
    path: Path
    created: bool
    written: bool
    new: int
    fuzzy: int
    obsolete: int


@dataclass
class _Merge:
    """Old entries by key, and those no segment has claimed yet (candidates for a fuzzy match)."""

    old: dict[tuple[str, str | None], po.Entry]
    unclaimed: dict[tuple[str, str | None], po.Entry] = field(default_factory=dict)

    def take(self, seg: Segment) -> po.Entry | None:
        return self.unclaimed.pop((seg.source, seg.context), None)

    def closest(self, seg: Segment) -> po.Entry | None:
        """The unclaimed translated entry of the same field whose English is most like this one, by words
        (comparing word lists keeps this fast on long paragraphs)."""
        words = seg.source.split()
        best, best_ratio = None, _FUZZY_CUTOFF
        for (msgid, context), entry in self.unclaimed.items():
            if context != seg.context or not entry.msgstr:
                continue
            if entry.fuzzy and previous_of(entry) == seg.source:
                best = entry
                break
            matcher = difflib.SequenceMatcher(a=words, b=msgid.split(), autojunk=False)
            if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio \
                    and (ratio := matcher.ratio()) > best_ratio:
                best, best_ratio = entry, ratio
        if best is not None:
            del self.unclaimed[(best.msgid, best.msgctxt)]
        return best


def _entry_for(seg: Segment, merge: _Merge, approvals: Approvals) -> po.Entry:
    comments = [f"segment {seg.id} ({seg.context or 'body'})"]
    entry = merge.take(seg)
    if entry is not None:
        kept = [c for c in entry.extracted_comments if c.startswith(PREVIOUS_NOTE)]
        previous = previous_of(entry)
        if previous and not entry.fuzzy and approvals.approval_for(seg.id, pair_hash(seg.context, seg.source,
                                                                                     entry.msgstr)):
            kept = []  # the reviewer approved the update: the old English has done its work
        entry.extracted_comments = comments + kept
        return entry
    old = merge.closest(seg)
    if old is not None and old.fuzzy and previous_of(old) == seg.source:
        # The English went back to what the translation was made for: the translation fits it again.
        return po.Entry(msgid=seg.source, msgctxt=seg.context, msgstr=old.msgstr,
                        translator_comments=old.translator_comments, extracted_comments=comments)
    if old is None:
        return po.Entry(msgid=seg.source, msgctxt=seg.context, extracted_comments=comments)
    previous = (previous_of(old) if old.fuzzy else None) or old.msgid  # the English the translation was made for
    fresh = po.Entry(msgid=seg.source, msgctxt=seg.context, msgstr=old.msgstr,
                     translator_comments=old.translator_comments,
                     extracted_comments=[*comments, PREVIOUS_NOTE + " ".join(previous.split())],
                     previous_msgid=previous, previous_msgctxt=old.msgctxt if old.msgctxt != seg.context else None)
    fresh.set_fuzzy(True)
    return fresh


def sync_catalog(article: Article, lang: str, config: Config) -> SyncReport:
    """Create or update the article's catalog. Never loses a translation; re-running changes nothing."""
    path = catalog_path(config, lang, article.slug)
    files = read_catalog_files(config, lang, article.slug)
    if files.problems:
        raise ProblemsFound(files.problems)
    created = files.po_data is None
    catalog = new_catalog(lang, f"articles/{article.slug}.md", f"{article.slug} {article.date.isoformat()}",
                          article.date) if created else parse_catalog(files.po_data or b"", files.po_where)
    approvals = load_approvals(files)
    current = [e for e in catalog.entries if not e.obsolete and e.msgid]
    merge = _Merge({(e.msgid, e.msgctxt): e for e in current})
    merge.unclaimed = dict(merge.old)
    entries = [_entry_for(seg, merge, approvals) for seg in segments(article) if seg.kind != "verbatim"]
    for entry in entries:
        if entry.previous_msgid and not entry.fuzzy:
            entry.previous_msgid = entry.previous_msgctxt = None  # `#|` belongs to fuzzy entries only
    keys = {(x.msgid, x.msgctxt) for x in entries}
    earlier = [e for e in catalog.entries if e.obsolete and (e.msgid, e.msgctxt) not in keys]
    gone = [e for e in merge.unclaimed.values() if e.msgstr]
    for entry in gone:
        entry.obsolete = True
    catalog.entries = entries + gone + earlier
    written = atomic.write_bytes(path, po.dumps(catalog), shown=config.display(path))
    return SyncReport(path, created, written, new=sum(1 for e in entries if not e.msgstr),
                      fuzzy=sum(1 for e in entries if e.fuzzy), obsolete=len(gone) + len(earlier))


def write_catalog(path: Path, catalog: po.Catalog, shown: str | None = None) -> bool:
    return atomic.write_bytes(path, po.dumps(catalog), shown=shown)


def orphan_catalogs(config: Config, slugs: set[str]) -> list[Problem]:
    """Catalogs of every translation language whose article no longer exists (no article has the
    slug, no file the name): reported, never deleted, as they hold translators' work."""
    problems = []
    for lang in config.languages:
        folder = config.translations_dir / lang
        if lang == SOURCE_LANGUAGE or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.po")):
            if path.stem not in slugs and path.stem != TAGS_CATALOG \
                    and not (config.articles_dir / f"{path.stem}.md").exists():
                problems.append(Problem(config.display(path), None, None,
                                        f"catalog for an article that does not exist (articles/{path.stem}.md); "
                                        "restore the article, or move the catalog out of translations/"))
    return problems


def fix_catalog_letters(config: Config, lang: str, articles: list[Article]) -> list[tuple[Path, list[str]]]:
    """Apply the Urdu lint's "fix" rows to every translation (of the articles and of the tags); report what
    changed, per catalog."""
    results = []
    for slug in [*sorted(a.slug for a in articles), TAGS_CATALOG] if lang == "ur" else []:
        files = read_catalog_files(config, lang, slug)
        if files.po_data is None:
            continue
        catalog = parse_catalog(files.po_data, files.po_where)
        changes: list[str] = []
        for entry in catalog.entries:
            if entry.obsolete or not entry.msgid or not entry.msgstr:
                continue
            fixed, what = fix_letters(entry.msgstr, config.digits, field=entry.msgctxt)
            if fixed != entry.msgstr:
                entry.msgstr = fixed
                changes.extend(f"segment {segment_id(entry.msgctxt, entry.msgid)}: {w}" for w in what)
        if changes:
            path = catalog_path(config, lang, slug)
            write_catalog(path, catalog, config.display(path))
            results.append((path, changes))
    return results
