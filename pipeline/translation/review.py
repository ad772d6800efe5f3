"""Reviewers' side of translation: status, approval, and the side-by-side review walk.

In: the articles, their catalogs and approvals; a reviewer's name and decisions.
Out: `status_rows` (per article and language: segments, translated, fuzzy, approved, publishable);
`approve` records approvals of exact (source, translation) pairs; `review` walks the segments
awaiting approval in the terminal, showing source, translation, lint findings and, when the English
changed, a word diff of the old and new English.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.sources.articles import Article, load_article, load_articles
from pipeline.text.characters import visible
from pipeline.text.urdu import lint_urdu
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
from pipeline.translation.compare import segment_findings


@dataclass(frozen=True)
class StatusRow:
    slug: str
    lang: str
    segments: int
    translated: int
    fuzzy: int
    approved: int
    publishable: bool

    def as_dict(self) -> dict[str, object]:
        return {"slug": self.slug, "lang": self.lang, "segments": self.segments, "translated": self.translated,
                "fuzzy": self.fuzzy, "approved": self.approved, "publishable": self.publishable}


def find_article(config: Config, slug: str) -> Article:
    """The article with this slug: its own file `articles/<slug>.md` when that is the one (one read, however
    large the archive), else whichever file sets that slug."""
    path = config.articles_dir / f"{slug}.md"
    if "/" not in slug and path.is_file():
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


def status_rows(config: Config, langs: tuple[str, ...] | None = None) -> tuple[list[StatusRow], list[Problem]]:
    articles, problems = load_articles(config)
    rows = []
    for article in sorted(articles, key=lambda a: a.slug):
        for lang in article.languages:
            if lang == SOURCE_LANGUAGE or lang not in config.languages or (langs and lang not in langs):
                continue
            states, found = segment_states(article, read_catalog_files(config, lang, article.slug),
                                           trust_for(config, lang))
            problems.extend(found)
            rows.append(StatusRow(
                slug=article.slug, lang=lang, segments=len(states),
                translated=sum(s.translated for s in states),
                fuzzy=sum(s.translated and s.fuzzy for s in states),
                approved=sum(s.approval is not None and not s.fuzzy for s in states),
                publishable=bool(states) and not found and all(s.publishable for s in states),
            ))
    return rows, problems


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ApproveReport:
    approved: list[str]
    refused: list[tuple[str, str]]  # (segment id, why)


def _states(config: Config, slug: str, lang: str) -> tuple[Article, CatalogFiles, list[SegmentState]]:
    """The article, its translation files as read now, and every segment's state; problems stop here."""
    article = find_article(config, slug)
    files = read_catalog_files(config, lang, slug)
    states, problems = segment_states(article, files, trust_for(config, lang))
    if problems:
        raise ProblemsFound(problems)
    return article, files, states


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


def approve(config: Config, slug: str, lang: str, reviewer: str, segment_ids: list[str] | None,
            when: str | None = None) -> ApproveReport:
    """Approve the given segments (or, with None, every segment that can be approved)."""
    article, files, states = _states(config, slug, lang)
    reviewer = authorized_reviewer(config, lang, reviewer, files)
    by_id = {s.segment.id: s for s in states}
    wanted = list(by_id) if segment_ids is None else segment_ids
    unknown = [i for i in wanted if i not in by_id]
    if unknown:
        raise ProblemsFound([Problem(f"{lang}/{slug}", None, "--segment",
                                     f"no segment {i}; `pipeline review {slug}` lists them") for i in unknown])
    refused: list[tuple[str, str]] = []
    chosen: list[SegmentState] = []
    found = segment_findings(article, ((s.segment, s.translation) for s in states
                                       if s.translated and not s.fuzzy and s.approval is None))
    for seg_id in wanted:
        state = by_id[seg_id]
        if not state.translated:
            refused.append((seg_id, "not translated yet"))
        elif state.fuzzy:
            refused.append((seg_id, "fuzzy: the English changed; the translator must update it first"))
        elif state.approval is None and segment_ids is None and seg_id in found:
            refused.append((seg_id, "findings (" + "; ".join(found[seg_id]) + "): check them in `pipeline review` "
                            f"and approve it by name with --segment {seg_id}"))
        elif state.approval is None:
            chosen.append(state)
    record(config, article, lang, states, chosen, reviewer, when or now_utc(), files)
    return ApproveReport([s.segment.id for s in chosen], refused)


def record(config: Config, article: Article, lang: str, states: list[SegmentState], chosen: list[SegmentState],
           reviewer: str, when: str, files: CatalogFiles) -> None:
    """Write the approvals file: earlier approvals that still match, plus the new ones."""
    approvals = load_approvals(files)
    for state in chosen:
        approvals.add(Approval(state.segment.id, state.pair, reviewer, when))
    valid = {s.segment.id: s.pair for s in states}
    path = approvals_path(config.translations_dir, lang, article.slug)
    write_approvals(path, approvals.entries([s.segment.id for s in states], valid), config.display(path))


def word_diff(old: str, new: str) -> str:
    """`[-removed-]{+added+}` word diff, like `git diff --word-diff`."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
            continue
        removed = "[-" + " ".join(a[i1:i2]) + "-]" if i2 > i1 else ""
        added = "{+" + " ".join(b[j1:j2]) + "+}" if j2 > j1 else ""
        out.append(removed + added)
    return " ".join(out)


def review(config: Config, slug: str, lang: str, reviewer: str, ask: Callable[[str], str],
           say: Callable[[str], None]) -> ApproveReport:
    """Walk the segments awaiting approval; the reviewer answers a (approve), s (skip) or q (stop)."""
    article, files, states = _states(config, slug, lang)
    reviewer = authorized_reviewer(config, lang, reviewer, files)
    waiting = [s for s in states if s.translated and not s.fuzzy and s.approval is None]
    blocked = [s for s in states if not s.translated or s.fuzzy]
    say(f"{lang}/{slug}: {len(waiting)} segment(s) awaiting approval, "
        f"{len(blocked)} waiting for the translator.")
    chosen: list[SegmentState] = []
    skipped: list[tuple[str, str]] = []
    found = segment_findings(article, ((s.segment, s.translation) for s in waiting))
    for number, state in enumerate(waiting, start=1):
        seg = state.segment
        say("")
        where = f", {article.path}:{seg.line}" if seg.line else ""
        say(f"[{number}/{len(waiting)}] segment {seg.id} ({seg.context or 'body'}{where})")
        if state.previous and state.previous != seg.source:
            say(f"  English changed: {visible(word_diff(state.previous, seg.source))}")
        say(f"  English: {visible(seg.source)}")
        say(f"  {lang}:      {visible(state.translation)}")
        for difference in found.get(seg.id, []):
            say(f"  finding: {visible(difference)}")
        for finding in (lint_urdu(state.translation, field=seg.lint_field) if lang == "ur" else []):
            say(f"  lint ({finding.action}): {visible(finding.message)}")
        answer = ask("approve (a), skip (s) or stop (q)?").strip().lower()[:1]
        if answer == "a":
            chosen.append(state)
        elif answer == "q":
            break
        else:
            skipped.append((seg.id, "skipped"))
    if chosen:
        record(config, article, lang, states, chosen, reviewer, now_utc(), files)
    say(f"approved {len(chosen)}, skipped {len(skipped)}.")
    return ApproveReport([s.segment.id for s in chosen], skipped)
