"""Shared fixtures: a small publication built in a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

ARTICLE = """\
---
headline: {headline}
date: {date}
dateline: Multan, Punjab, Pakistan
byline:
  author: Nadia Baloch
  location: Multan
editorial_note: >-
  This report was checked against the district's published records.
summary: Mango growers in south Punjab report an early harvest.
tags: [agriculture]
---
Growers around Multan began picking mangoes two weeks early this year.

The district agriculture office said yields were **higher** than last season.
"""


def article_text(headline: str = "Early Mango Harvest in Multan", date: str = "2026-06-02",
                 body: str | None = None) -> str:
    text = ARTICLE.format(headline=headline, date=date)
    if body is not None:
        text = text.split("---\n", 2)
        text = "---\n" + text[1] + "---\n" + body
    return text


TEST_REVIEWERS = ("R", "Saima Anwar", "X", "Benchmark reviewer", "Sample reviewer (pipeline team)")


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """make_site(files={"articles/x.md": "..."}) -> a publication root holding those files."""

    def make(files: dict[str, str | bytes] | None = None, english_only: bool = False) -> Path:
        root = tmp_path / "site"
        (root / "articles").mkdir(parents=True, exist_ok=True)
        (root / "translations").mkdir(exist_ok=True)
        if english_only:
            (root / "publication.yaml").write_text("name: Test Gazette\nlanguages: [en]\n")
        else:  # the reviewers the tests approve as; tests of an open gate write their own publication.yaml
            (root / "publication.yaml").write_text(f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\n")
        for name, content in (files or {}).items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content) if content.startswith("\n") else content,
                                encoding="utf-8")
        return root

    return make
