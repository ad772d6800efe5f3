"""Build progress for people.

In: the build's events (how many articles to render, each one done).
Out: on a terminal, click's progress bar on stderr, sized to the terminal's width; with --verbose,
one line per article on stderr; otherwise (a pipe, CI, --quiet) nothing: stdout carries only the
report.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from pipeline.build.run import Progress


class Bar(Progress):
    def __init__(self) -> None:
        self.bar: Any = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label="rendering", file=sys.stderr, width=0, show_eta=True,
                                     show_pos=True, item_show_func=lambda item: (item or "")[:24])
        self.bar.__enter__()

    def advance(self, label: str) -> None:
        self.bar.update(1, current_item=label)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


class Lines(Progress):
    def __init__(self) -> None:
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0
        click.echo(f"rendering {total} articles", err=True)

    def advance(self, label: str) -> None:
        self.done += 1
        click.echo(f"[{self.done}/{self.total}] {label}", err=True)


def make_progress(quiet: bool, verbose: bool = False) -> Progress:
    if verbose:
        return Lines()
    if quiet or not sys.stderr.isatty():
        return Progress()
    return Bar()
