"""Problems found in user input, and the one exception that reports them.

In: whatever stage finds a mistake creates a `Problem` (file, line, field, message).
Out: `ProblemsFound`, a `click.ClickException` that prints every problem as
`file:line: field: message` and exits 1. No traceback ever reaches a user for bad input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click


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


class ProblemsFound(click.ClickException):
    """Raised once, after every problem of a stage has been collected."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems), key=_sort_key)
        super().__init__("\n".join(str(p) for p in self.problems))

    def format_message(self) -> str:
        count = len(self.problems)
        return f"{self.message}\n{count} problem{'s' if count != 1 else ''} found."

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(self.format_message(), err=True, file=file)


def _sort_key(p: Problem) -> tuple[str, int, str, str]:
    return (p.file, p.line or 0, p.field or "", p.message)
