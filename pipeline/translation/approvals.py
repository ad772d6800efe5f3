"""Reviewers' approvals, one text file per article and language.

In: `translations/<lang>/<slug>.approvals`, one tab-separated line per approved segment:
segment id, SHA-256 of the exact (context, English source, translation) triple, reviewer, UTC time and,
for a reviewer with a key, the SSH signature of those four fields (see `signing`). Lines written before
the full hash (16 hex digits) still match their pair.
Out: `Approvals` that can say whether the current pair of a segment is approved. Any change to
either side gives another hash, so the approval no longer matches: it is void, and nothing else
voids it. The file is plain text, sorted in segment order, so `git diff` reads like a log.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config, Reviewer
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.text.characters import name_problem
from pipeline.translation import signing

HEADER = (
    "# Approvals: one line per segment a reviewer approved.\n"
    "# segment id <TAB> sha256 of (context, English, translation) <TAB> reviewer <TAB> approved at (UTC)"
    " [<TAB> signature]\n"
    "# Written by `pipeline approve`; a change to either text voids the line's approval.\n"
)
_LINE_RE = re.compile(r"^([0-9a-f]{8})\t(sha256:(?:[0-9a-f]{64}|[0-9a-f]{16}))\t([^\t]+)\t"
                      r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)(?:\t(sshsig:[A-Za-z0-9+/=]+))?$")
_LEGACY = len("sha256:") + 16


def pair_hash(context: str | None, source: str, translation: str) -> str:
    digest = hashlib.sha256(f"{context or ''}\x04{source}\x00{translation}".encode()).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True)
class Approval:
    segment: str
    pair: str
    reviewer: str
    when: str
    signature: str | None = None

    def line(self) -> str:
        signed = f"\t{self.signature}" if self.signature else ""
        return f"{self.segment}\t{self.pair}\t{self.reviewer}\t{self.when}{signed}"

    def matches(self, pair: str) -> bool:
        """Whether this approval is of `pair` (a full hash; a legacy line holds its first 16 digits)."""
        return self.pair == pair or (len(self.pair) == _LEGACY and pair.startswith(self.pair))

    def signed_message(self) -> bytes:
        return signing.message(self.segment, self.pair, self.reviewer, self.when)


class Approvals:
    """The approvals of one article in one language, by segment id."""

    def __init__(self, entries: list[Approval] | None = None) -> None:
        self.by_segment: dict[str, list[Approval]] = {}
        for entry in entries or []:
            self.by_segment.setdefault(entry.segment, []).append(entry)

    def approval_for(self, segment: str, pair: str) -> Approval | None:
        """The (first) approval of exactly this pair, or None (never approved, or void)."""
        found = self.approvals_for(segment, pair)
        return found[0] if found else None

    def approvals_for(self, segment: str, pair: str) -> list[Approval]:
        """Every line approving exactly this pair (one of them may be trusted where another is not)."""
        return [entry for entry in self.by_segment.get(segment, []) if entry.matches(pair)]

    def add(self, approval: Approval) -> None:
        kept = [e for e in self.by_segment.get(approval.segment, []) if not e.matches(approval.pair)]
        self.by_segment[approval.segment] = [approval, *kept]

    def entries(self, current: list[tuple[str, str]]) -> list[Approval]:
        """Entries to keep on disk, in the order of the (segment id, pair) given: only those that still match
        a current pair (two segments whose ids collide keep both)."""
        out: list[Approval] = []
        for segment, pair in current:
            out.extend(entry for entry in self.approvals_for(segment, pair) if entry not in out)
        return out


def approvals_path(translations_dir: Path, lang: str, slug: str) -> Path:
    return translations_dir / lang / f"{slug}.approvals"


def parse_approvals(data: bytes | None, where: str) -> tuple[Approvals, list[Problem]]:
    """Parse an approvals file (None: there is none); each damaged line is a problem and approves nothing."""
    if data is None:
        return Approvals(), []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Approvals(), [Problem(where, None, None, "approvals are not UTF-8; restore the file from git")]
    problems: list[Problem] = []
    entries: list[Approval] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            problems.append(Problem(where, number, None,
                                    "damaged approval line (expected id, hash, reviewer, time separated by "
                                    "tabs); restore it from git or delete the line and approve again"))
            continue
        why = name_problem(match.group(3))
        if why:
            problems.append(Problem(where, number, None, f"the reviewer's name {why}; approvals are written by "
                                    "`pipeline approve`: restore the line from git or approve again"))
            continue
        entries.append(Approval(*match.groups()))
    return Approvals(entries), problems


def write_approvals(path: Path, entries: list[Approval], shown: str | None = None) -> None:
    text = HEADER + "".join(entry.line() + "\n" for entry in entries)
    atomic.write_text(path, text, shown=shown)


def same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


@dataclass(frozen=True)
class Trust:
    """Whose approvals count in one language: the publication's reviewers, or anyone when it keeps no list."""

    lang: str
    reviewers: tuple[Reviewer, ...] | None
    self_review: bool = False  # the publication lets a translator approve their own work in this language

    def reviewer(self, name: str) -> Reviewer | None:
        for person in self.reviewers or ():
            if same_person(person.name, name):
                return person
        return None

    def why_not(self, approval: Approval, translator: str | None = None) -> str | None:
        """None when the approval counts; otherwise why it does not (`translator`: the catalog's
        Last-Translator, who may not approve their own work unless the publication allows it)."""
        if translator and not self.self_review and same_person(translator, approval.reviewer):
            return f"approved by {approval.reviewer}, the catalog's Last-Translator"
        if self.reviewers is None:
            return None
        person = self.reviewer(approval.reviewer)
        if person is None:
            return f"approved by {approval.reviewer}, who is not among the reviewers for {self.lang}"
        if person.key is None:
            return None
        if approval.signature is None:
            return f"approved by {person.name} without the signature of their key"
        if not signing.verify(person.key, approval.signed_message(), approval.signature):
            return f"the signature on {person.name}'s approval does not match the approval or their key"
        return None


ANYONE = Trust("", None)


def trust_for(config: Config, lang: str) -> Trust:
    return Trust(lang, config.reviewers_for(lang), lang in config.self_review)


def open_gate_warning(config: Config) -> str | None:
    """The one warning of a publication that keeps no list of reviewers while it publishes translations."""
    if config.reviewers is None and any(lang != "en" for lang in config.languages):
        return ("publication.yaml lists no reviewers: anyone can approve a translation; "
                "list them under reviewers: (see the README, \"A reviewer's day\")")
    return None


def check_reviewer(name: str, trust: Trust | None = None) -> str:
    """The reviewer's name as recorded, or ProblemsFound: not printable text, or not on the list."""
    why = name_problem(name)
    if why:
        raise ProblemsFound([Problem("--reviewer", None, None, f"the name {why}")])
    name = " ".join(name.split())
    if trust is not None and trust.reviewers is not None:
        person = trust.reviewer(name)
        if person is None:
            listed = ", ".join(r.name for r in trust.reviewers) or "nobody yet"
            raise ProblemsFound([Problem("--reviewer", None, None,
                                         f"{name} is not a reviewer for {trust.lang} in publication.yaml "
                                         f"(reviewers: {listed}); nothing was recorded")])
        name = person.name
    return name
