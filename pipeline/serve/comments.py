"""Reviewers' comments, kept in the repository beside the approvals they explain.

In: a unit's approvals file path (`translations/<lang>/<slug>.approvals`, the interface strings' or the
tags'), and a comment: segment id, the hash of the exact pair it was made on, reviewer, time, text.
Out: `<same name>.comments` beside the approvals file, one tab-separated line per comment, oldest first
(tabs, line breaks and backslashes in the text escaped, so `git diff` shows one line per comment), and
`read_comments` (segment id -> comments, damaged lines left out). A comment approves nothing: the
approvals file alone does. Text with invisible or direction-changing characters is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.sources.files import MB, read_optional
from pipeline.text.characters import describe, invisible_re, name_problem

MAX_COMMENT_CHARS = 2000
HEADER = ("# Reviewers' comments: segment id <TAB> sha256 of (context, English, translation) <TAB> reviewer"
          " <TAB> time (UTC) <TAB> comment\n# Written by the review page of `pipeline serve`.\n")
_LINE_RE = re.compile(r"^([0-9a-f]{8})\t(sha256:[0-9a-f]{64})\t([^\t]+)\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\t(.*)$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Comment:
    segment: str
    pair: str
    reviewer: str
    when: str
    text: str

    def line(self) -> str:
        text = self.text.replace("\\", "\\\\").replace("\t", "\\t").replace("\r\n", "\n").replace("\n", "\\n")
        return f"{self.segment}\t{self.pair}\t{self.reviewer}\t{self.when}\t{text}"


def comments_path(approvals: Path) -> Path:
    return approvals.with_suffix(".comments")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_comments(config: Config, approvals: Path) -> dict[str, list[Comment]]:
    path = comments_path(approvals)
    try:
        data = read_optional(path, config.root, config.display(path), 5 * MB)
    except ProblemsFound:
        return {}
    found: dict[str, list[Comment]] = {}
    for line in (data or b"").decode("utf-8", "replace").splitlines():
        match = _LINE_RE.match(line)
        if match and not name_problem(match.group(3)):
            comment = Comment(*match.group(1, 2, 3, 4), _unescape(match.group(5)))
            found.setdefault(comment.segment, []).append(comment)
    return found


def checked_text(text: str) -> str:
    """The comment as it will be kept, or ProblemsFound: too long, or holding a hidden character."""
    text = text.strip().replace("\r\n", "\n")
    if len(text) > MAX_COMMENT_CHARS:
        raise ProblemsFound([Problem("comment", None, None, f"has {len(text):,} characters; the limit is "
                                     f"{MAX_COMMENT_CHARS:,}")])
    bad = invisible_re.search(text) or _CONTROL_RE.search(text)
    if bad:
        raise ProblemsFound([Problem("comment", None, None, f"holds the invisible character "
                                     f"{describe(bad.group())}; type it as plain text")])
    return text


def add_comments(config: Config, approvals: Path, comments: list[Comment]) -> None:
    """Append comments (the caller holds the translations lock and checked the text)."""
    if not comments:
        return
    path = comments_path(approvals)
    old = read_optional(path, config.root, config.display(path), 5 * MB)
    text = (old.decode("utf-8", "replace") if old else HEADER) + "".join(c.line() + "\n" for c in comments)
    atomic.write_text(path, text, shown=config.display(path))


