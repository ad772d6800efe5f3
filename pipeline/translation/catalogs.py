"""Translation catalogs: one gettext PO file per article and language.

In: an `Article` and its segments; `translations/<lang>/<slug>.po` (edited by translators in any
PO editor) and the approvals file beside it.
Out: `sync_catalog` creates or updates the PO file with Babel's catalog API (unchanged segments
keep their translation; a changed segment keeps its old translation, marked fuzzy with the
previous msgid; removed segments become obsolete entries); `segment_states` says of every segment
whether it is translated, fuzzy and approved (`translate_gate` turns that into the `Translate`
function the Urdu edition is rendered with, or into a `Hold`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from pipeline.config import SOURCE_LANGUAGE, Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.sources.articles import Article
from pipeline.translation.approvals import Approval, Approvals, approvals_path, pair_hash, read_approvals
from pipeline.translation.segments import Segment, Translate, segment_id, segments

# The English a translation was made for, kept while the translation waits for the translator and the
# reviewer. Babel does not read `#| msgid` back, so it is also kept as the last extracted comment
# (which Babel wraps over several `#.` lines: they are joined again on reading).
PREVIOUS_NOTE = "Previous English: "
LANGUAGE_NAMES = {"ur": "Urdu"}
_PO_LINE = re.compile(
    r'^(?:#.*|\s*|(?:#~\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"\s*'
    r'|(?:#~\s*)?"(?:[^"\\]|\\.)*"\s*)$'
)


def catalog_path(config: Config, lang: str, slug: str) -> Path:
    return config.translations_dir / lang / f"{slug}.po"


@dataclass(frozen=True)
class SegmentState:
    segment: Segment
    translation: str
    fuzzy: bool
    approval: Approval | None
    previous: str | None  # the English this translation was made for, when the source changed

    @property
    def translated(self) -> bool:
        return bool(self.translation.strip())

    @property
    def pair(self) -> str:
        return pair_hash(self.segment.context, self.segment.source, self.translation)

    @property
    def publishable(self) -> bool:
        return self.translated and not self.fuzzy and self.approval is not None


def read_catalog(path: Path, where: str, lang: str) -> Catalog:
    """Parse a PO file strictly; a syntax error names the file and line (the file is not touched)."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProblemsFound([Problem(where, None, None, "catalog is not UTF-8; save it as UTF-8")]) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.match(line):
            raise ProblemsFound([Problem(where, number, None,
                                         f"PO syntax error near: {line[:60]!r}; fix it in a PO editor")])
    try:
        return read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except PoFileError as err:
        raise ProblemsFound([Problem(where, err.lineno, None, f"PO syntax error: {err}; fix it in a PO editor")]) \
            from None
    except (ValueError, TypeError) as err:
        raise ProblemsFound([Problem(where, None, None, f"cannot read catalog ({err})")]) from None


def _template(article: Article, lang: str) -> Catalog:
    template = Catalog(locale=lang, project=article.slug, fuzzy=False)
    for seg in segments(article):
        template.add(seg.source, context=seg.context, auto_comments=_auto_comments(seg))
    return template


def _auto_comments(seg: Segment) -> list[str]:
    return [f"segment {seg.id} ({seg.context or 'body'})"]


def _new_catalog(article: Article, lang: str) -> Catalog:
    stamp = dt.datetime.combine(article.date, dt.time(0, 0), tzinfo=dt.UTC)
    return Catalog(
        locale=lang,
        project=article.slug,
        version=article.date.isoformat(),
        msgid_bugs_address=f"English desk (articles/{article.slug}.md)",
        last_translator=f"{LANGUAGE_NAMES.get(lang, lang)} desk",
        header_comment=(f"# {LANGUAGE_NAMES.get(lang, lang)} translation of articles/{article.slug}.md\n"
                        "# Translators: fill in msgstr; never edit msgid. Reviewers approve with\n"
                        "# `pipeline approve`. Entries marked fuzzy changed in English: update them."),
        language_team=f"{LANGUAGE_NAMES.get(lang, lang)} desk",
        creation_date=stamp,
        revision_date=stamp,
        fuzzy=False,
    )


@dataclass(frozen=True)
class SyncReport:
    path: Path
    created: bool
    written: bool
    new: int
    fuzzy: int
    obsolete: int


def sync_catalog(article: Article, lang: str, config: Config) -> SyncReport:
    """Create or update the article's catalog. Never loses a translation; re-running is harmless."""
    path = catalog_path(config, lang, article.slug)
    template = _template(article, lang)
    created = not path.exists()
    if created:
        catalog = _new_catalog(article, lang)
        for message in template:
            if message.id:
                catalog.add(message.id, context=message.context, auto_comments=message.auto_comments)
    else:
        catalog = read_catalog(path, config.display(path), lang)
        previous = {_key(m): _previous_of(m) for m in catalog if m.id}
        catalog.update(template, update_creation_date=False)
        approvals = load_approvals(config, lang, article.slug)
        for message in catalog:
            if not message.id or not message.string:
                continue
            old = (str(message.previous_id[0]) if message.previous_id else None) or previous.get(_key(message))
            seg_id = segment_id(message.context, str(message.id))
            pair = pair_hash(message.context, str(message.id), str(message.string))
            if not old or old == message.id or (not message.fuzzy and approvals.approval_for(seg_id, pair)):
                continue
            # Keep the English the translation was made for until a reviewer approves the update:
            # as `#| msgid` while fuzzy, and as an extracted comment that PO editors keep.
            message.previous_id = [old] if message.fuzzy else []
            message.auto_comments = [*message.auto_comments, PREVIOUS_NOTE + " ".join(old.split())]
    written = write_catalog(path, catalog)
    current = [m for m in catalog if m.id]
    return SyncReport(path, created, written,
                      new=sum(1 for m in current if not m.string),
                      fuzzy=sum(1 for m in current if m.fuzzy),
                      obsolete=len(catalog.obsolete))


def write_catalog(path: Path, catalog: Catalog) -> bool:
    """Write a catalog atomically, keeping previous msgids; False when nothing changed."""
    for message in catalog:
        if message.id and message.fuzzy and not message.previous_id and (old := _previous_of(message)):
            message.previous_id = [old]
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=79, include_previous=True, sort_output=False)
    return atomic.write_bytes(path, buffer.getvalue())


def _key(message: Message) -> tuple[str, str | None]:
    return (str(message.id), message.context)


def _previous_of(message: Message) -> str | None:
    if message.previous_id:
        return str(message.previous_id[0])
    for i, comment in enumerate(message.auto_comments):
        if comment.startswith(PREVIOUS_NOTE):
            return " ".join([comment[len(PREVIOUS_NOTE):], *message.auto_comments[i + 1:]]).strip()
    return None


def segment_states(article: Article, lang: str, config: Config) -> tuple[list[SegmentState], list[Problem]]:
    """Every segment of the article with its translation, fuzziness and approval."""
    path = catalog_path(config, lang, article.slug)
    problems: list[Problem] = []
    messages: dict[tuple[str, str | None], Message] = {}
    if path.exists():
        try:
            catalog = read_catalog(path, config.display(path), lang)
            messages = {_key(m): m for m in catalog if m.id}
        except ProblemsFound as found:
            problems.extend(found.problems)
    approvals_file = approvals_path(config.translations_dir, lang, article.slug)
    approvals, found = read_approvals(approvals_file, config.display(approvals_file))
    problems.extend(found)
    states = []
    for seg in segments(article):
        message = messages.get((seg.source, seg.context))
        translation = str(message.string or "") if message else ""
        fuzzy = bool(message and message.fuzzy)
        pair = pair_hash(seg.context, seg.source, translation)
        approval = approvals.approval_for(seg.id, pair) if translation else None
        states.append(SegmentState(seg, translation, fuzzy, approval, _previous_of(message) if message else None))
    return states, problems


def load_approvals(config: Config, lang: str, slug: str) -> Approvals:
    path = approvals_path(config.translations_dir, lang, slug)
    approvals, problems = read_approvals(path, config.display(path))
    if problems:
        raise ProblemsFound(problems)
    return approvals


def translate_function(states: list[SegmentState]) -> Translate:
    table = {(s.segment.context, s.segment.source): s.translation for s in states}
    return lambda context, source: table[(context, source)]


def orphan_catalogs(config: Config, slugs: set[str]) -> list[Problem]:
    """Catalogs of every translation language whose article no longer exists (no article has the
    slug, no file the name): reported, never deleted, as they hold translators' work."""
    problems = []
    for lang in config.languages:
        if lang != SOURCE_LANGUAGE:
            problems.extend(_orphans(config, lang, slugs))
    return problems


def _orphans(config: Config, lang: str, slugs: set[str]) -> list[Problem]:
    folder = config.translations_dir / lang
    problems = []
    for path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        if path.stem not in slugs and not (config.articles_dir / f"{path.stem}.md").exists():
            problems.append(Problem(config.display(path), None, None,
                                    f"catalog for an article that does not exist (articles/{path.stem}.md); "
                                    "restore the article, or move the catalog out of translations/"))
    return problems


def fix_catalog_letters(config: Config, lang: str, articles: list[Article]) -> list[tuple[Path, list[str]]]:
    """Apply the Urdu lint's "fix" rows to every translation; report what changed, per catalog."""
    from pipeline.text.urdu import fix_letters

    results = []
    for article in sorted(articles, key=lambda a: a.slug):
        path = catalog_path(config, lang, article.slug)
        if lang != "ur" or not path.exists():
            continue
        catalog = read_catalog(path, config.display(path), lang)
        changes: list[str] = []
        for message in catalog:
            if not message.id or not message.string:
                continue
            fixed, what = fix_letters(str(message.string), config.digits, field=message.context)
            if fixed != message.string:
                message.string = fixed
                changes.extend(f"segment {segment_id(message.context, str(message.id))}: {w}" for w in what)
        if changes:
            write_catalog(path, catalog)
            results.append((path, changes))
    return results
