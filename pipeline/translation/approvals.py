"""Reviewers' approvals, one text file per article and language.

In: `translations/<lang>/<slug>.approvals`, one tab-separated line per approved segment:
segment id, hash of the exact (context, English source, translation) triple, reviewer, UTC time.
Out: `Approvals` that can say whether the current pair of a segment is approved. Any change to
either side gives another hash, so the approval no longer matches: it is void, and nothing else
voids it. The file is plain text, sorted in segment order, so `git diff` reads like a log.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic

HEADER = (
    "# Approvals: one line per segment a reviewer approved.\n"
    "# segment id <TAB> sha256 of (context, English, translation) <TAB> reviewer <TAB> approved at (UTC)\n"
    "# Written by `pipeline approve`; a change to either text voids the line's approval.\n"
)
_LINE_RE = re.compile(r"^([0-9a-f]{8})\t(sha256:[0-9a-f]{16})\t([^\t]+)\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")


def pair_hash(context: str | None, source: str, translation: str) -> str:
    digest = hashlib.sha256(f"{context or ''}\x04{source}\x00{translation}".encode()).hexdigest()
    return f"sha256:{digest[:16]}"


@dataclass(frozen=True)
class Approval:
    segment: str
    pair: str
    reviewer: str
    when: str

    def line(self) -> str:
        return f"{self.segment}\t{self.pair}\t{self.reviewer}\t{self.when}"


class Approvals:
    """The approvals of one article in one language, by segment id."""

    def __init__(self, entries: list[Approval] | None = None) -> None:
        self.by_segment: dict[str, list[Approval]] = {}
        for entry in entries or []:
            self.by_segment.setdefault(entry.segment, []).append(entry)

    def approval_for(self, segment: str, pair: str) -> Approval | None:
        """The approval of exactly this pair, or None (never approved, or void)."""
        for entry in self.by_segment.get(segment, []):
            if entry.pair == pair:
                return entry
        return None

    def add(self, approval: Approval) -> None:
        kept = [e for e in self.by_segment.get(approval.segment, []) if e.pair != approval.pair]
        self.by_segment[approval.segment] = [*kept, approval]

    def entries(self, order: list[str], valid: dict[str, str]) -> list[Approval]:
        """Entries to keep on disk, in segment order: only those that still match their pair."""
        out = []
        for segment in order:
            entry = self.approval_for(segment, valid[segment]) if segment in valid else None
            if entry:
                out.append(entry)
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
        entries.append(Approval(*match.groups()))
    return Approvals(entries), problems


def write_approvals(path: Path, entries: list[Approval], shown: str | None = None) -> None:
    text = HEADER + "".join(entry.line() + "\n" for entry in entries)
    atomic.write_text(path, text, shown=shown)


def check_reviewer(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ProblemsFound([Problem("--reviewer", None, None, "give the reviewer's name")])
    return name
