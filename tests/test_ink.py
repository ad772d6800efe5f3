"""Lines never touch: the Urdu corpus (tests/urdu_corpus.py) printed with the house style, rasterised, has no
letter of one line touching a letter of another (tests/ink.py says exactly what that means), and the
house line heights cover the tallest stacks and deepest tails the font draws in real words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.build.run import build
from pipeline.config import FONTS_DIR, TEMPLATES_DIR
from pipeline.formats.pdf import page_css
from tests.helpers import interface
from tests.ink import OLD_URDU_LINE_HEIGHTS, collisions, laid_out, stack_heights
from tests.urdu_corpus import ARTICLES, DEEP, TALL, make_urdu_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, str]:
    """The corpus built (HTML only) and the Urdu page CSS: (the Urdu folder, page CSS)."""
    config = make_urdu_corpus(tmp_path_factory.mktemp("corpus"))
    report = build(config, jobs=1, formats=("html",))
    assert report.problems == [] and report.held == []
    return config.default_out / "ur", page_css(config.page_size, "ur", config.digits, interface(config, "ur")[0])


def check(corpus: tuple[Path, str], slug: str, extra_css: str = "") -> tuple[int, list]:
    folder, css = corpus
    document = laid_out((folder / f"{slug}.html").read_text(encoding="utf-8"), f"ur/{slug}.html", css, extra_css)
    return len(document.pages), collisions(document)


@pytest.mark.parametrize("slug", sorted(ARTICLES))
def test_no_ink_of_one_line_touches_another_line_in_the_urdu_corpus(corpus, slug):
    pages, found = check(corpus, slug)
    assert pages >= 3, "the corpus is meant to fill pages: many pairs of lines"
    assert found == [], "\n".join(map(str, found))


def test_the_old_line_heights_collide_where_the_issue_saw_it(corpus):
    """The detector finds what the eye found at line height 2.2: ایکسچینج on the line above's tails."""
    pages, found = check(corpus, "psx-record-index", OLD_URDU_LINE_HEIGHTS)
    assert pages == 3 and len(found) >= 2, found
    for collision in found:
        assert collision.lines[1] == collision.lines[0] + 1 and 0 < collision.y_mm < 297


def test_house_line_heights_cover_the_tallest_stack_over_the_deepest_tail():
    """Regular text, bold blocks and bold words in regular text: every line pitch holds the worst pair."""
    style = (TEMPLATES_DIR / "style.css").read_text(encoding="utf-8")
    body = float(re.search(r"html:lang\(ur\) \{ font-size: 11pt; line-height: ([\d.]+)", style)[1])
    bold_block = float(re.search(r"html:lang\(ur\) th \{ line-height: ([\d.]+)", style)[1])
    bold_word = float(re.search(r"html:lang\(ur\) \.byline \.author \{ line-height: ([\d.]+)", style)[1])
    (tall, _), (_, deep) = stack_heights([TALL[0], DEEP[0]], FONTS_DIR / "NotoNastaliqUrdu-Regular.ttf")
    (tall_b, _), (_, deep_b) = stack_heights([TALL[0], DEEP[0]], FONTS_DIR / "NotoNastaliqUrdu-Bold.ttf")
    assert tall > 2.85 and deep > 0.65, "the corpus' words are still the tallest and deepest measured"
    half = (1.904 - 0.596) / 2  # the font's ascent and descent place the baseline this far below the middle
    assert body >= tall + deep + 0.02
    assert bold_block >= tall_b + deep_b + 0.02
    assert (body / 2 - half) + (bold_word / 2 + half) >= tall_b + max(deep, deep_b) + 0.02
