"""The conventions of Urdu papers on the page: the house quotation marks, the inline dateline, numbers in
right-to-left lines, and paragraphs that do not end on a lone word (issue 11 §2 and §5)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.text.quotes import QuoteStyle, quote_style, set_quotes
from tests.conftest import article_text
from tests.urdu_fixture import URDU, fill_catalog

CURLY = quote_style("“”")
SINGLE = quote_style("‘’")


@pytest.mark.parametrize(("typed", "expected"), [
    ('اس نے کہا "ہم آئیں گے" اور چلا گیا۔', "اس نے کہا ”ہم آئیں گے“ اور چلا گیا۔"),  # ASCII
    ("اس نے کہا “ہم آئیں گے” اور چلا گیا۔", "اس نے کہا ”ہم آئیں گے“ اور چلا گیا۔"),  # typed the English way
    ("اس نے کہا “ ہم آئیں گے ” اور چلا گیا۔", "اس نے کہا ”ہم آئیں گے“ اور چلا گیا۔"),  # spaces inside
    ("اس نے کہا ”ہم آئیں گے“ اور چلا گیا۔", "اس نے کہا ”ہم آئیں گے“ اور چلا گیا۔"),  # already right
    ("انہوں نے کہا: 'بندرگاہ بند ہے' اور۔", "انہوں نے کہا: ’بندرگاہ بند ہے‘ اور۔"),  # inner level
    ('"ان کا کہنا تھا \'ہم\' نہیں"۔', "”ان کا کہنا تھا ’ہم‘ نہیں“۔"),  # a quote inside a quote
    ("O'Brien اور Reuters' کی رپورٹ", "O'Brien اور Reuters' کی رپورٹ"),  # apostrophes, not quotes
])
def test_quotation_marks_are_set_by_role_against_their_words(typed, expected):
    assert set_quotes([typed], CURLY, rtl=True) == [expected]


def test_the_setting_names_the_marks_as_the_reader_sees_them():
    # ‘’ on the page: the opening mark of a right-to-left quotation is the one drawn on the right, ’
    assert set_quotes(['کہا "ہاں"۔'], SINGLE, rtl=True) == ["کہا ’ہاں‘۔"]
    assert set_quotes(['said "yes".'], CURLY, rtl=False) == ["said “yes”."]
    assert quote_style("“”‘’") == QuoteStyle("“”", "‘’")
    # guillemets are mirrored by the bidi algorithm: the logical opening mark is the left one
    assert set_quotes(['کہا "ہاں"۔'], quote_style("«»"), rtl=True) == ["کہا «ہاں»۔"]
    for wrong in ('"', "“”x", "ab", ""):
        with pytest.raises(ValueError, match="two marks"):
            quote_style(wrong)


def test_a_quote_spans_runs_and_code_spans_stay_as_typed():
    # "**ہم** آئیں `"x"`" : the closing mark starts a run after the emphasis
    runs = set_quotes(['کہا "', "ہم", ' آئیں" ', None, " ختم۔"], CURLY, rtl=True)
    assert runs == ["کہا ”", "ہم", " آئیں“ ", None, " ختم۔"]


def _publish(root: Path, table: dict[str, str]) -> None:
    run = CliRunner().invoke
    assert run(main, ["--root", str(root), "translate"]).exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {**URDU, **table})
    assert run(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    result = run(main, ["--root", str(root), "publish"])
    assert result.exit_code == 0, result.output


def _marks_left_to_right(pdf: Path, marks: str) -> list[str]:
    """The quotation marks of the body's first line, from left to right as the PDF places them."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    words = [(float(m["x"]), float(m["y"]), m["w"]) for m in re.finditer(
        r'<word xMin="(?P<x>[\d.]+)" yMin="(?P<y>[\d.]+)"[^>]*>(?P<w>[^<]*)</word>', boxes)]
    placed = [(x + i, y, ch) for x, y, w in words for i, ch in enumerate(w) if ch in marks]
    first_line = min(y for _x, y, _ch in placed)
    return [ch for _x, _y, ch in sorted(p for p in placed if abs(p[1] - first_line) < 10)]


@pytest.mark.parametrize(("setting", "left", "right"), [("“”", "“", "”"), ("‘’", "‘", "’")])
def test_house_quotes_reach_the_page_and_the_pdf_in_order(make_site, setting, left, right):
    body = 'The aide said "we will go" and left.\n'
    root = make_site({"articles/mango.md": article_text(body=body)})
    (root / "publication.yaml").write_text((root / "publication.yaml").read_text() + f"quotes: {setting}\n")
    _publish(root, {"The aide said \"we will go\" and left.": "معاون نے کہا \" ہم جائیں گے \" اور چلے گئے۔"})
    page = (root / "dist" / "ur" / "mango.html").read_text(encoding="utf-8")
    assert f"<p>معاون نے کہا {right}ہم جائیں گے{left} اور چلے گئے۔</p>" in page
    # on the page the right-hand mark stands right of the left-hand one: the reader sees {left}...{right}
    assert _marks_left_to_right(root / "dist" / "ur" / "mango.pdf", "“”‘’") == [left, right]
    english = (root / "dist" / "en" / "mango.html").read_text(encoding="utf-8")
    assert "said “we will go” and" in english  # the English edition: left to right, as English sets them
