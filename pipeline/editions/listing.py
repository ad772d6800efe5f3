"""Listing pages that stay put: a language's index, its archive pages, its month and tag pages.

In: the stories of one listing, oldest first, and how many stories a page holds.
Out: `paginate`, the sheets of the listing. Archive pages are numbered from the oldest story and hold exactly
`per_page` stories each, so a page, once complete, never changes when stories are published: a new story
lands on the front sheet (the newest complete page and the stories published since, newest first). Only
when it completes a page is that page written as a file of its own, and the page before it learns its newer
neighbour: at most three files per listing change for one new story. Each sheet links to its newer and
older neighbours and to a few older pages, never to the newest page number, which moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["FRONT", "Sheet", "paginate"]

T = TypeVar("T")
FRONT = 0  # the sheet number of the front page
WINDOW = 5  # older pages a sheet links to, besides the first


@dataclass(frozen=True)
class Sheet(Generic[T]):
    """One page of a listing: its number (FRONT or 1...), its stories newest first, and its neighbours."""

    number: int
    items: tuple[T, ...]
    newer: int | None  # the next newer sheet (FRONT for the newest complete page); None on the front
    older: int | None  # the next older page; None on page 1 and on a front with no older page
    pages: tuple[int, ...]  # older page numbers to list, nearest first, then page 1

    @property
    def is_front(self) -> bool:
        return self.number == FRONT


def _older_pages(newest: int) -> tuple[int, ...]:
    """Page numbers to offer below a sheet whose next older page is `newest` (0: none)."""
    near = tuple(range(newest, max(0, newest - WINDOW), -1))
    return near + ((1,) if newest > WINDOW else ())


def paginate(items: Sequence[T], per_page: int) -> list[Sheet[T]]:
    """The front sheet, then pages 1, 2, ... (each exactly `per_page` stories)."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    complete = len(items) // per_page
    front_start = max(0, (complete - 1) * per_page)
    front_older = complete - 1 if complete >= 2 else None
    sheets = [Sheet(FRONT, tuple(reversed(items[front_start:])), None, front_older, _older_pages(complete - 1))]
    for number in range(1, complete + 1):
        chunk = items[(number - 1) * per_page:number * per_page]
        newer = FRONT if number == complete else number + 1
        sheets.append(Sheet(number, tuple(reversed(chunk)), newer, number - 1 or None, _older_pages(number - 1)))
    return sheets
