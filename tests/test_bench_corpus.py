"""The benchmark's corpus (bench/corpus.py) is a publication the pipeline publishes in full: `make bench`
measures real work, not editions held for want of an approval."""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.build.run import build

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from corpus import make_corpus


def test_every_edition_of_the_corpus_is_publishable(tmp_path):
    config = make_corpus(tmp_path / "site", 3)
    report = build(config, jobs=1, formats=("html",))
    assert report.problems == [] and report.held == []
    assert sorted(p.name for p in (tmp_path / "site" / "dist" / "ur").glob("story-*.html")) == [
        "story-0000.html", "story-0001.html", "story-0002.html"]
