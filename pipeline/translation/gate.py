"""The publishing gate for translated editions.

In: an English `Article` and the bytes of its catalog and approvals in one language, as read once.
Out: when every segment is translated, not fuzzy and approved, an `Approved` translation (the
`Translate` function the edition is rendered with, and who approved it when: the page's provenance);
otherwise a `Hold` saying how many segments are waiting and why, so the edition is held back and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.errors import Problem
from pipeline.sources.articles import Article
from pipeline.translation.approvals import ANYONE, Trust
from pipeline.translation.catalogs import CatalogFiles, SegmentState, segment_states, translate_function
from pipeline.translation.compare import segment_findings
from pipeline.translation.segments import Translate, segments


@dataclass(frozen=True)
class Approved:
    """A translation every segment of which a trusted reviewer approved."""

    translate: Translate
    reviewers: tuple[str, ...]  # who approved its segments, in order of first approval
    approved_at: str  # when the last of its segments was approved (UTC)


@dataclass(frozen=True)
class Hold:
    slug: str
    lang: str
    waiting: int
    total: int
    reason: str
    until: str = ""  # an embargo: the instant (ISO 8601, UTC) the edition may be published

    def __str__(self) -> str:
        return f"{self.lang}/{self.slug}: held, {self.waiting} of {self.total} segments waiting ({self.reason})"


def withdrawal_translator(article: Article, files: CatalogFiles, trust: Trust = ANYONE) -> Approved:
    """For a withdrawn story: the approved translations only, and nothing where there is none. Its notice
    replaces a translated edition at once, with whatever of it (headline, the note) was approved: the story
    itself must never stay published because the note waits for a translator."""
    states, _problems = segment_states(article, files, trust)
    table = {(s.segment.context, s.segment.source): s.translation for s in states if s.publishable}
    return _approved(lambda context, source: table.get((context, source), ""), states, trust)


def _approved(translate: Translate, states: list[SegmentState], trust: Trust) -> Approved:
    """`translate` with who approved its segments (names as the list spells them) and when the last was."""
    approvals = sorted((s.approval for s in states if s.approval), key=lambda a: a.when)
    names = [getattr(trust.reviewer(a.reviewer), "name", a.reviewer) for a in approvals]
    return Approved(translate, tuple(dict.fromkeys(names)), approvals[-1].when if approvals else "")


def translator_for(article: Article, files: CatalogFiles,
                   trust: Trust = ANYONE) -> tuple[Approved | None, Hold | None, list[Problem]]:
    """(Approved, None, problems) when every segment is publishable, else (None, Hold, problems)."""
    lang = files.lang
    if files.po_data is None and not files.problems:
        total = len(segments(article))
        return None, Hold(article.slug, lang, total, total,
                          f"no catalog yet; run: pipeline translate --lang {lang}"), []
    states, problems = segment_states(article, files, trust)
    waiting = [s for s in states if not s.publishable]
    if problems or waiting:
        missing = sum(1 for s in waiting if not s.translated)
        fuzzy = sum(1 for s in waiting if s.translated and s.fuzzy)
        distrusted = [s.distrusted for s in waiting if s.translated and not s.fuzzy and s.distrusted]
        unapproved = len(waiting) - missing - fuzzy - len(distrusted)
        why = "; ".join(dict.fromkeys(distrusted))
        found = segment_findings(article, ((s.segment, s.translation) for s in waiting
                                           if s.translated and not s.fuzzy and not s.distrusted))
        unapproved_text = "unapproved" + (f" ({len(found)} with findings: see pipeline check)" if found else "")
        parts = [f"{n} {what}" for n, what in ((missing, "untranslated"), (fuzzy, "fuzzy"),
                                               (unapproved, unapproved_text),
                                               (len(distrusted), f"whose approval does not count: {why}")) if n]
        reason = ", ".join(parts) if parts else "catalog or approvals unreadable"
        return None, Hold(article.slug, lang, len(waiting) or len(states), len(states), reason), problems
    return _approved(translate_function(states), states, trust), None, problems
