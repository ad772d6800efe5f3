"""The review page's model and what its buttons do.

In: the publication, a unit of review as the URL names it (an article's slug, `(interface)` or `(tags)`),
a language, and a reviewer's decision (approve one segment, approve every segment without findings, or
comment), with the pairs the page showed.
Out: `review_view` (per segment: the English, the translation, its state, the findings of the source and
translation comparison and the Urdu lint, the previous English as word-diff parts when the English changed,
who approved it and when, the comments with their hidden characters made visible), and `decide`, which
records through `pipeline approve`'s own functions (`review.approve` under the translations lock: the same
file, the same lines, the same rules: the reviewers list, no self-review, signing) and keeps a comment
beside the approvals (`comments`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.serve.comments import Comment, add_comments, checked_text, read_comments
from pipeline.sources.articles import SLUG_RE
from pipeline.text.characters import visible
from pipeline.text.localize import digit_system
from pipeline.text.urdu import lint_urdu, urdu_text_html
from pipeline.translation.approvals import Approval, check_reviewer, trust_for
from pipeline.translation.catalogs import SegmentState
from pipeline.translation.review import (
    INTERFACE_ROW,
    TAGS_ROW,
    Unit,
    approve,
    load_unit,
    now_utc,
    translations_lock,
    word_diff_parts,
)


@dataclass(frozen=True)
class SegmentView:
    number: int
    id: str
    label: str  # what the segment is, and where (the article's line)
    english: str
    translation: str
    translation_html: Markup  # as the edition sets it (Urdu: Latin runs isolated, the house digits)
    state: str  # "approved", "waiting", "fuzzy" or "untranslated"
    pair: str
    approval: Approval | None
    distrusted: str | None
    findings: tuple[str, ...]
    lint: tuple[str, ...]
    diff: tuple[tuple[str, str], ...]  # the previous English against this one: (kind, words)
    comments: tuple[Comment, ...] = ()

    @property
    def approvable(self) -> bool:
        return self.state == "waiting"


@dataclass(frozen=True)
class ReviewView:
    name: str  # as the URL names it
    lang: str
    segments: list[SegmentView] = field(default_factory=list)

    @property
    def is_article(self) -> bool:
        return self.name not in (INTERFACE_ROW, TAGS_ROW)

    def count(self, state: str) -> int:
        return sum(1 for s in self.segments if s.state == state)

    @property
    def clean(self) -> int:
        """Segments waiting without findings: what "approve all" approves."""
        return sum(1 for s in self.segments if s.approvable and not s.findings)


def unit_slug(name: str) -> str | None:
    """The `load_unit` argument for a URL's unit name; ProblemsFound for a name that is none of them."""
    if name == INTERFACE_ROW:
        return None
    if name == TAGS_ROW or SLUG_RE.match(name):
        return name
    raise ProblemsFound([Problem(name, None, None, "no such article; the review list names them")])


def checked_lang(config: Config, lang: str) -> str:
    if lang not in config.languages or lang == SOURCE_LANGUAGE:
        raise ProblemsFound([Problem(lang, None, None, "not a translation language of this publication")])
    return lang


def _state(state: SegmentState) -> str:
    if not state.translated:
        return "untranslated"
    if state.fuzzy:
        return "fuzzy"
    return "approved" if state.approval is not None else "waiting"


def _translation_html(config: Config, lang: str, text: str) -> Markup:
    if lang == "ur":
        return Markup(urdu_text_html(visible(text), digit_system(lang, config.digits)))
    return Markup(escape(visible(text)))


def review_view(config: Config, name: str, lang: str) -> ReviewView:
    unit = load_unit(config, unit_slug(name), checked_lang(config, lang))
    found = unit.findings((s.segment, s.translation) for s in unit.states
                          if s.translated and s.segment.kind != "verbatim")
    comments = read_comments(config, unit.approvals)
    views = []
    for number, state in enumerate(unit.states, start=1):
        seg = state.segment
        lint = lint_urdu(state.translation, field=seg.lint_field, source=seg.source) \
            if lang == "ur" and state.translated and seg.kind != "verbatim" else []
        diff = word_diff_parts(state.previous, seg.source) if state.previous and state.previous != seg.source else []
        label = visible(f"{seg.context or seg.kind}{unit.located(seg)}") if seg.kind != "verbatim" \
            else "code and link addresses, shown as the English has them"
        views.append(SegmentView(
            number, seg.id, label, visible(seg.source), visible(state.translation),
            _translation_html(config, lang, state.translation), _state(state), state.pair, state.approval,
            state.distrusted, tuple(visible(f) for f in found.get(seg, [])),
            tuple(f"{visible(f.message)} [{f.action}]" for f in lint),
            tuple((kind, visible(words)) for kind, words in diff),
            tuple(_shown(c) for c in comments.get(seg.id, []) if c.pair == state.pair)))
    return ReviewView(name, lang, views)


def _shown(comment: Comment) -> Comment:
    """A comment as the page shows it: the file is anyone's to edit, so a hidden or direction-changing
    character in it is shown as ⟨U+XXXX⟩, never obeyed (line breaks and tabs are kept)."""
    text = "".join(char if char in "\n\t" else visible(char) for char in comment.text)
    return dataclasses.replace(comment, text=text)


@dataclass(frozen=True)
class Decision:
    action: str  # "approve", "approve-all" or "comment"
    segment: str | None
    shown: dict[str, str]  # segment id -> the pair hash the page showed
    comment: str = ""


def decide(config: Config, name: str, lang: str, reviewer: str, decision: Decision,
           key: Path | None = None) -> list[str]:
    """Carry out a decision; the lines to tell the reviewer. ProblemsFound: nothing was recorded."""
    slug, lang = unit_slug(name), checked_lang(config, lang)
    text = checked_text(decision.comment)
    if decision.action not in ("approve", "approve-all", "comment"):
        raise ProblemsFound([Problem("action", None, None, "unknown action; use the page's buttons")])
    if decision.action != "approve-all" and not decision.segment:
        raise ProblemsFound([Problem("segment", None, None, "no segment named; use the page's buttons")])
    if decision.action == "comment" and not text:
        raise ProblemsFound([Problem("comment", None, None, "is empty; write the comment first")])
    with translations_lock(config, "pipeline serve (review page)"):
        lines: list[str] = []
        if decision.action != "comment":
            ids = None if decision.action == "approve-all" else [decision.segment or ""]
            report = approve(config, slug, lang, reviewer, ids, key=key, shown=decision.shown)
            lines.append(f"approved {len(report.approved)} segment(s) as {reviewer}")
            lines.extend(f"not approved {seg_id}: {why}" for seg_id, why in report.refused)
        if text and decision.segment:
            _comment(config, slug, lang, reviewer, decision, text)
            lines.append(f"comment kept on segment {decision.segment}")
    return lines


def _comment(config: Config, slug: str | None, lang: str, reviewer: str, decision: Decision, text: str) -> None:
    unit: Unit = load_unit(config, slug, lang)
    name = check_reviewer(reviewer, trust_for(config, lang))
    seg = decision.segment or ""
    pair = decision.shown.get(seg)
    if pair is None or not any(s.segment.id == seg and s.pair == pair for s in unit.states):
        raise ProblemsFound([Problem(seg, None, "comment", "the segment changed since it was shown to you; reload "
                                     "the page and comment again")])
    add_comments(config, unit.approvals, [Comment(seg, pair, name, now_utc(), text)])


def language_name(lang: str) -> str:
    return LANGUAGES[lang].english_name
