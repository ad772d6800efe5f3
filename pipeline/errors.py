"""Problems found in user input, and the one exception family that reports them.

In: whatever stage finds a mistake creates a `Problem` (file, line, field, message).
Out: `PipelineError` and its kinds: `ProblemsFound` (every problem of a stage, exit status 1) and
`UsageProblem` (the command was asked for something it cannot do, exit status 2). Library code raises
only these; the command line (`pipeline.cli`) alone turns them into messages and exit codes, so no
traceback ever reaches a user for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in one input file, with what to do about it."""

    file: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class PipelineError(Exception):
    """The root of the family: a message for people and the exit status it means."""

    exit_code = 1

    def report(self) -> str:
        return str(self)


class ProblemsFound(PipelineError):
    """Raised once, after every problem of a stage has been collected."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self) -> str:
        count = len(self.problems)
        return f"{self}\n{count} problem{'s' if count != 1 else ''} found."


class UsageProblem(PipelineError):
    """The command cannot do what was asked (a missing extra, an unreachable scheduler, no terminal)."""

    exit_code = 2


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.line or 0, p.field or "", p.message)
