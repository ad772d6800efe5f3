"""Build progress for people.

In: the build's events (how many articles to render, each one done).
Out: on a terminal, a bar with counts and ETA on stderr; in CI or when stderr is not a terminal,
plain lines; with --quiet, nothing (the summary is printed by the CLI).
"""

from __future__ import annotations

import os
import sys
import time

import click

from pipeline.build.run import Progress


class Bar(Progress):
    def __init__(self) -> None:
        self.total = self.done = 0
        self.started = 0.0

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        self._draw("")

    def advance(self, label: str) -> None:
        self.done += 1
        self._draw(label)

    def finish(self) -> None:
        click.echo("", err=True)

    def _draw(self, label: str) -> None:
        width = 30
        filled = width * self.done // max(self.total, 1)
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = (f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} articles"
                f"  ETA {eta:4.0f} s  {label[-40:]:<40}")
        click.echo(line, err=True, nl=False)


class Lines(Progress):
    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        click.echo(f"rendering {total} articles", err=True)

    def advance(self, label: str) -> None:
        self.done += 1
        click.echo(f"[{self.done}/{self.total}] {label}", err=True)


def make_progress(quiet: bool) -> Progress:
    if quiet:
        return Progress()
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return Bar()
    return Lines()
