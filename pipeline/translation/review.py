"""Reviewers' side of translation: status, approval, and the side-by-side review walk.

In: the articles, their catalogs and approvals; a reviewer's name and decisions.
Out: `status_rows` (per article and language: segments, translated, fuzzy, approved, publishable);
`approve` records approvals of exact (source, translation) pairs (only of the pairs the reviewer was shown,
when they are given); `translations_lock` makes catalog and approval writers take turns (the command line
and `pipeline serve` alike); `review` walks the segments
awaiting approval in the terminal (of an article, of a language's interface strings or of its tags),
showing source, translation, lint findings and, when the English changed, a word diff of the old and
new English.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.runtime.atomic import remove_leftovers
from pipeline.runtime.locks import exclusive
from pipeline.sources.articles import Article, load_article, load_articles
from pipeline.text.characters import visible
from pipeline.text.urdu import lint_urdu
from pipeline.translation import signing
from pipeline.translation.approvals import (
    Approval,
    Trust,
    approvals_path,
    check_reviewer,
    same_person,
    trust_for,
    write_approvals,
)
from pipeline.translation.catalogs import (
    CatalogFiles,
    SegmentState,
    last_translator,
    load_approvals,
    read_catalog_files,
    segment_states,
)
from pipeline.translation.compare import interface_findings, segment_findings
from pipeline.translation.interface import INTERFACE, interface_states, read_interface
from pipeline.translation.interface import approvals_file as interface_approvals_file
from pipeline.translation.segments import Segment
from pipeline.translation.tags import TAGS, read_tag_files, tag_findings, tag_states, tags_in_use
from pipeline.translation.tags import approvals_file as tag_approvals_file


@dataclass(frozen=True)
class StatusRow:
    slug: str
    lang: str
    segments: int
    translated: int
    fuzzy: int
    approved: int
    publishable: bool
    waiting: dict[str, tuple[str, ...]] | None = None  # the tags row: tags waiting for "review", "translation"

    def as_dict(self) -> dict[str, object]:
        row: dict[str, object] = {"slug": self.slug, "lang": self.lang, "segments": self.segments,
                                  "translated": self.translated, "fuzzy": self.fuzzy, "approved": self.approved,
                                  "publishable": self.publishable}
        if self.waiting is not None:
            row["waiting"] = {why: list(tags) for why, tags in self.waiting.items()}
        return row


def find_article(config: Config, slug: str) -> Article:
    """The article with this slug: its own file `articles/<slug>.md` when that is the one (one read, however
    large the archive), else whichever file sets that slug."""
    path = config.articles_dir / f"{slug}.md"
    try:
        own = "/" not in slug and "\x00" not in slug and path.is_file()
    except OSError:  # a name too long for a file: no article has it
        own = False
    if own:
        article, _found = load_article(path, config)
        if article is not None and article.slug == slug:
            return article
    articles, problems = load_articles(config)
    for article in articles:
        if article.slug == slug:
            return article
    mine = [p for p in problems if p.file.endswith(f"/{slug}.md")]
    if mine:
        raise ProblemsFound(mine)
    known = ", ".join(sorted(a.slug for a in articles)) or "none"
    raise ProblemsFound([Problem(slug, None, None, f"no article with this slug; articles: {known}")])


INTERFACE_ROW = f"({INTERFACE})"  # the status row of a language's interface strings (no slug has brackets)
TAGS_ROW = f"({TAGS})"  # the status row of a language's tags; `approve` and `review` take it for the tags


def _row(name: str, lang: str, states: list[SegmentState], found: list[Problem]) -> StatusRow:
    return StatusRow(slug=name, lang=lang, segments=len(states), translated=sum(s.translated for s in states),
                     fuzzy=sum(s.translated and s.fuzzy for s in states),
                     approved=sum(s.approval is not None and not s.fuzzy for s in states),
                     publishable=bool(states) and not found and all(s.publishable for s in states))


def _tags_row(config: Config, lang: str, tags: list[str], problems: list[Problem]) -> StatusRow:
    """The row of a language's tags in use, with the tags waiting for a reviewer and for a translator."""
    states, found = tag_states(config, read_tag_files(config, lang), tags)
    problems.extend(found)
    reviewer = tuple(s.segment.source for s in states if s.translated and not s.fuzzy and s.approval is None)
    translator = tuple(s.segment.source for s in states if not s.translated or s.fuzzy)
    return dataclasses.replace(_row(TAGS_ROW, lang, states, found),
                               waiting={"review": reviewer, "translation": translator})


def status_rows(config: Config, langs: tuple[str, ...] | None = None) -> tuple[list[StatusRow], list[Problem]]:
    """A row per language for its interface strings and for its tags (when articles in it have any), then per
    article and language."""
    articles, problems = load_articles(config)
    rows = []
    for lang in config.languages:
        if lang != SOURCE_LANGUAGE and not (langs and lang not in langs):
            states, found = interface_states(config, read_interface(config, lang))
            problems.extend(found)
            rows.append(_row(INTERFACE_ROW, lang, states, found))
            tags = list(tags_in_use(articles, lang))
            if tags:
                rows.append(_tags_row(config, lang, tags, problems))
    for article in sorted(articles, key=lambda a: a.slug):
        for lang in article.languages:
            if lang == SOURCE_LANGUAGE or lang not in config.languages or (langs and lang not in langs):
                continue
            states, found = segment_states(article, read_catalog_files(config, lang, article.slug),
                                           trust_for(config, lang))
            problems.extend(found)
            rows.append(_row(article.slug, lang, states, found))
    return rows, problems


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ApproveReport:
    approved: list[str]
    refused: list[tuple[str, str]]  # (segment id, why)


@dataclass(frozen=True)
class Unit:
    """What one review works through: an article's segments, or a language's interface strings."""

    name: str  # the article's slug, INTERFACE or TAGS
    lang: str
    files: CatalogFiles
    states: list[SegmentState]
    approvals: Path  # where the approvals are written
    findings: Callable[[Iterable[tuple[Segment, str]]], dict[Segment, list[str]]]
    source: str | None  # the file a segment's line number refers to (None: the catalog's own lines)

    def located(self, seg: Segment) -> str:
        if not seg.line:
            return ""
        return f", {self.source}:{seg.line}" if self.source else f", {self.files.po_where}:{seg.line}"


def load_unit(config: Config, slug: str | None, lang: str) -> Unit:
    """The article's (or, with None, the interface strings'; with TAGS_ROW, the tags') translation files as
    read now, and every segment's state; problems stop here."""
    if slug is None:
        interface = read_interface(config, lang)
        states, problems = interface_states(config, interface)
        unit = Unit(INTERFACE, lang, interface.files, states, interface_approvals_file(config, lang),
                    interface_findings, None)
    elif slug == TAGS_ROW:
        files = read_tag_files(config, lang)
        states, problems = tag_states(config, files)
        unit = Unit(TAGS, lang, files, states, tag_approvals_file(config, lang), tag_findings, None)
    else:
        article = find_article(config, slug)
        files = read_catalog_files(config, lang, slug)
        states, problems = segment_states(article, files, trust_for(config, lang))
        unit = Unit(slug, lang, files, states, approvals_path(config.translations_dir, lang, slug),
                    functools.partial(segment_findings, article), article.path)
    if problems:
        raise ProblemsFound(problems)
    return unit


def authorized_reviewer(config: Config, lang: str, name: str, files: CatalogFiles) -> str:
    """The reviewer's name as it is recorded, or ProblemsFound (nothing is recorded): a name that is not
    printable text, not among the publication's reviewers, or the translator's own (the catalog's
    Last-Translator) where the publication does not allow self-review."""
    trust: Trust = trust_for(config, lang)
    name = check_reviewer(name, trust)
    translator = last_translator(files)
    if translator and same_person(translator, name) and lang not in config.self_review:
        raise ProblemsFound([Problem(files.po_where, None, "--reviewer",
                                     f"{name} is the catalog's Last-Translator: a translation is approved by "
                                     f"someone else (or set self_review: {{{lang}: allowed}} in publication.yaml)")])
    return name


def signer(config: Config, lang: str, name: str, key: Path | None) -> Callable[[Approval], Approval]:
    """How this reviewer's approvals are completed: signed with `key` where publication.yaml holds their
    public key (and refused without one, or with a key that is not theirs), else left as they are."""
    person = trust_for(config, lang).reviewer(name)
    public = person.key if person else None
    if public is None:
        if key is not None:
            raise ProblemsFound([Problem("--key", None, None, f"publication.yaml holds no key for {name} ({lang}); "
                                         "add it under reviewers:, or approve without --key")])
        return lambda approval: approval
    if key is None:
        raise ProblemsFound([Problem("--reviewer", None, None, f"{name} signs approvals (publication.yaml holds "
                                     "their key): give --key PATH, your private key or, when the key is in "
                                     "ssh-agent, its .pub file; nothing was recorded")])
    checked: list[bool] = []

    def signed(approval: Approval) -> Approval:
        signature = signing.sign(key, approval.signed_message(), str(key))
        if not checked and not signing.verify(public, approval.signed_message(), signature):
            raise ProblemsFound([Problem(str(key), None, "--key", f"this is not the key publication.yaml holds for "
                                         f"{name}; nothing was recorded")])
        checked.append(True)
        return dataclasses.replace(approval, signature=signature)
    return signed


@contextmanager
def translations_lock(config: Config, what: str) -> Iterator[None]:
    """Catalog and approval writers take turns: two syncs or approvals never interleave. The lock file is
    written to, so a link there (or a translations folder leading out of the publication) is refused rather
    than followed to a file that is not ours."""
    path = config.translations_dir / ".lock"
    shown = config.display(path)
    if path.is_symlink() or not path.parent.resolve().is_relative_to(config.root.resolve()):
        raise ProblemsFound([Problem(shown, None, None, "is a link, or in a folder outside the publication: the "
                                     "lock is written to, so it is never followed; delete the link (and make "
                                     "translations/ a folder of the publication), then run again")])
    with exclusive(path, what, shown):
        remove_leftovers([config.translations_dir, *(config.translations_dir / lang for lang in config.languages)])
        yield


CHANGED_SINCE_SHOWN = "changed since it was shown to you: read it again before approving it"


def approve(config: Config, slug: str | None, lang: str, reviewer: str, segment_ids: list[str] | None,
            when: str | None = None, key: Path | None = None, shown: Mapping[str, str] | None = None) -> ApproveReport:
    """Approve the given segments (or, with None, every segment that can be approved) of an article, or
    with `slug` None of the language's interface strings, with TAGS_ROW of its tags; a reviewer whose key
    publication.yaml holds signs each approval with `key`. `shown` (segment id -> pair hash): what the reviewer
    read; a segment whose pair is not the one shown is refused (its English or translation changed since)."""
    unit = load_unit(config, slug, lang)
    reviewer = authorized_reviewer(config, lang, reviewer, unit.files)
    sign = signer(config, lang, reviewer, key)
    wanted = unit.states if segment_ids is None else _named(unit, segment_ids, slug)
    refused: list[tuple[str, str]] = []
    chosen: list[SegmentState] = []
    found = unit.findings((s.segment, s.translation) for s in unit.states
                          if s.translated and not s.fuzzy and s.approval is None)
    for state in wanted:
        seg_id = state.segment.id
        if not state.translated:
            refused.append((seg_id, "not translated yet"))
        elif state.fuzzy:
            refused.append((seg_id, "fuzzy: the English changed; the translator must update it first"))
        elif state.approval is None and segment_ids is None and state.segment in found:
            refused.append((seg_id, "findings (" + "; ".join(found[state.segment]) + "): check them in "
                            f"`pipeline review` and approve it by name with --segment {seg_id}"))
        elif state.approval is None and shown is not None and shown.get(seg_id) != state.pair:
            refused.append((seg_id, CHANGED_SINCE_SHOWN))
        elif state.approval is None:
            chosen.append(state)
    record(config, unit, chosen, sign, reviewer, when or now_utc())
    return ApproveReport([s.segment.id for s in chosen], refused)


def _named(unit: Unit, segment_ids: list[str], slug: str | None) -> list[SegmentState]:
    """The states the reviewer named by id; an unknown id, or one that names two segments (ids are short:
    two texts can share one), is refused, and nothing is recorded."""
    how = f"pipeline review {slug}" if unit.source else f"pipeline review --{unit.name} --lang {unit.lang}"
    problems, named = [], []
    for seg_id in dict.fromkeys(segment_ids):
        matching = [s for s in unit.states if s.segment.id == seg_id]
        if not matching:
            problems.append(Problem(f"{unit.lang}/{unit.name}", None, "--segment",
                                    f"no segment {seg_id}; `{how}` lists them"))
        elif len(matching) > 1:
            problems.append(Problem(f"{unit.lang}/{unit.name}", None, "--segment",
                                    f"{seg_id} names {len(matching)} segments; approve them one by one in `{how}`"))
        named.extend(matching)
    if problems:
        raise ProblemsFound(problems)
    return named


def record(config: Config, unit: Unit, chosen: list[SegmentState], sign: Callable[[Approval], Approval],
           reviewer: str, when: str) -> None:
    """Write the approvals file: earlier approvals that still match, plus the new ones (each signed first:
    a refused signature records nothing)."""
    approvals = load_approvals(unit.files)
    for approval in [sign(Approval(state.segment.id, state.pair, reviewer, when)) for state in chosen]:
        approvals.add(approval)
    write_approvals(unit.approvals, approvals.entries([(s.segment.id, s.pair) for s in unit.states]),
                    config.display(unit.approvals))


def word_diff_parts(old: str, new: str) -> list[tuple[str, str]]:
    """The word diff of old and new as (kind, words) parts in reading order: kind "equal", "removed" or
    "added" (a replacement is its removed part, then its added part)."""
    a, b = old.split(), new.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("added", " ".join(b[j1:j2])))
    return out


def word_diff(old: str, new: str) -> str:
    """`[-removed-]{+added+}` word diff, like `git diff --word-diff`."""
    out: list[str] = []
    for kind, words in word_diff_parts(old, new):
        if kind == "equal":
            out.append(words)
        elif kind == "removed":
            out.append(f"[-{words}-]")
        elif out and out[-1].endswith("-]"):
            out[-1] += f"{{+{words}+}}"
        else:
            out.append(f"{{+{words}+}}")
    return " ".join(out)


def review(config: Config, slug: str | None, lang: str, reviewer: str, ask: Callable[[str], str],
           say: Callable[[str], None], key: Path | None = None) -> ApproveReport:
    """Walk the segments awaiting approval (of an article, with None of the interface strings, with TAGS_ROW
    of the tags); the reviewer answers a (approve), s (skip) or q (stop)."""
    unit = load_unit(config, slug, lang)
    reviewer = authorized_reviewer(config, lang, reviewer, unit.files)
    sign = signer(config, lang, reviewer, key)
    waiting = [s for s in unit.states if s.translated and not s.fuzzy and s.approval is None]
    blocked = [s for s in unit.states if not s.translated or s.fuzzy]
    say(f"{lang}/{unit.name}: {len(waiting)} segment(s) awaiting approval, "
        f"{len(blocked)} waiting for the translator.")
    chosen: list[SegmentState] = []
    skipped: list[tuple[str, str]] = []
    found = unit.findings((s.segment, s.translation) for s in waiting)
    for number, state in enumerate(waiting, start=1):
        seg = state.segment
        say("")
        say(f"[{number}/{len(waiting)}] segment {seg.id} ({seg.context or seg.kind}{unit.located(seg)})")
        if state.previous and state.previous != seg.source:
            say(f"  English changed: {visible(word_diff(state.previous, seg.source))}")
        say(f"  English: {visible(seg.source)}")
        say(f"  {lang}:      {visible(state.translation)}")
        for difference in found.get(seg, []):
            say(f"  finding: {visible(difference)}")
        if seg.kind == "verbatim":
            say("  (code and link addresses the Urdu edition shows exactly as the English has them)")
        for finding in (lint_urdu(state.translation, field=seg.lint_field, source=seg.source)
                        if lang == "ur" and seg.kind != "verbatim" else []):
            say(f"  lint ({finding.action}): {visible(finding.message)}")
        answer = ask("approve (a), skip (s) or stop (q)?").strip().lower()[:1]
        if answer == "a":
            chosen.append(state)
        elif answer == "q":
            break
        else:
            skipped.append((seg.id, "skipped"))
    if chosen:
        record(config, unit, chosen, sign, reviewer, now_utc())
    say(f"approved {len(chosen)}, skipped {len(skipped)}.")
    return ApproveReport([s.segment.id for s in chosen], skipped)
