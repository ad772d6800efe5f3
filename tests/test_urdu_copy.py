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
    assert f"<p>معاون نے کہا {right}ہم جائیں گے{left} اور چلے\u00a0گئے۔</p>" in page
    # on the page the right-hand mark stands right of the left-hand one: the reader sees {left}...{right}
    assert _marks_left_to_right(root / "dist" / "ur" / "mango.pdf", "“”‘’") == [left, right]
    english = (root / "dist" / "en" / "mango.html").read_text(encoding="utf-8")
    assert "said “we will go” and" in english  # the English edition: left to right, as English sets them


# --- A long Urdu story: the inline dateline, numbers and tables in order, no lone last words -------------------
SENTENCES = (
    "شہر کی بندرگاہ پر نئی کرینیں نصب ہونے کے بعد جہازوں سے سامان اتارنے کا وقت نمایاں طور پر کم ہو گیا ہے۔",
    "مقامی تاجروں کا کہنا ہے کہ اس تبدیلی سے برآمدات میں اضافہ متوقع ہے، تاہم چھوٹے کاروباری ابھی تک محتاط ہیں۔",
    "محکمۂ موسمیات نے آئندہ ہفتے کے دوران ساحلی علاقوں میں تیز ہواؤں اور ہلکی بارش کی پیش گوئی کی ہے۔",
    "ماہرین کے مطابق مستحکم پالیسیوں کے بغیر سرمایہ کاری کا یہ سلسلہ زیادہ دیر تک جاری نہیں رہ سکتا۔",
    "اسٹاک ایکسچینج میں کاروبار کے اختتام پر انڈیکس میں معمولی اضافہ دیکھا گیا۔",
    "شہریوں نے انتظامیہ سے مطالبہ کیا کہ سڑکوں کی مرمت کا کام جلد از جلد مکمل کیا جائے۔",
)
CLAUSE = ("اس", "موقع", "پر", "کئی", "سرکاری", "افسران", "اور", "شہری", "تنظیموں", "کے", "نمائندے", "بھی", "موجود",
          "تھے", "جنہوں", "نے", "منصوبے", "کی", "تفصیلات", "پر", "سوالات", "کیے")
NAMES = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo",
         "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango", "uniform", "victor")


def _long_story() -> tuple[str, dict[str, str]]:
    """English source and its Urdu: 22 paragraphs of 1 to 6 sentences, two number lists and a table."""
    english, urdu = [], {}
    for i, name in enumerate(NAMES):
        source = f"Paragraph {name} of the story."
        english.append(source)
        # two to four sentences, then a clause one word longer than the paragraph before's: one of them
        # would end on a lone word if nothing tied the last two
        lead = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(2 + i % 3))
        urdu[source] = f"{lead} {' '.join(CLAUSE[:1 + i])}۔"
    lists = {"Berths 12, 15 and 20 reopened.": "برتھ نمبر 12، 15 اور 20 دوبارہ کھل گئیں۔",
             "Gates 31,47,52 stay shut.": "گیٹ نمبر 31,47,52 بند رہیں گے۔"}
    table = "| Berth | Cranes | Ships |\n|---|---|---|\n| 71 | 82 | 93 |\n"
    urdu.update({**lists, "Berth": "برتھ", "Cranes": "کرینیں", "Ships": "جہاز", "71": "71", "82": "82", "93": "93"})
    body = "\n\n".join([english[0], *lists, table.strip(), *english[1:]]) + "\n"
    return body, urdu


@pytest.fixture(scope="module")
def long_story(tmp_path_factory) -> Path:
    from tests.conftest import TEST_REVIEWERS
    root = tmp_path_factory.mktemp("long") / "site"
    (root / "articles").mkdir(parents=True)
    (root / "translations").mkdir()
    (root / "publication.yaml").write_text(f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\n"
                                           "urdu_dateline: inline\n")
    body, table = _long_story()
    (root / "articles" / "mango.md").write_text(article_text(body=body), encoding="utf-8")
    _publish(root, table)
    return root


def _word_boxes(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, x, y, word) of every word pdftotext finds."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    found = []
    for page, chunk in enumerate(boxes.split("<page ")[1:], start=1):
        found.extend((page, float(m["x"]), float(m["y"]), m["w"]) for m in re.finditer(
            r'<word xMin="(?P<x>[\d.]+)" yMin="(?P<y>[\d.]+)"[^>]*>(?P<w>[^<]*)</word>', chunk))
    return found


def _right_to_left(words: list[tuple[int, float, float, str]], wanted: tuple[str, ...]) -> list[str]:
    """The wanted numbers as they stand on the line holding the first of them, from right to left."""
    digits = [(p, x, y, re.sub(r"\D", "", w)) for p, x, y, w in words if re.sub(r"\D", "", w) in wanted]
    page, _x, line, _w = next(d for d in digits if d[3] == wanted[0])
    on_line = [d for d in digits if d[0] == page and abs(d[2] - line) < 12]
    return [w for _p, _x, _y, w in sorted(on_line, key=lambda d: -d[1])]


def test_the_urdu_dateline_can_open_the_first_paragraph(long_story):
    page = (long_story / "dist" / "ur" / "mango.html").read_text(encoding="utf-8")
    assert '<div class="story-body">\n<p><span class="dateline-inline">ملتان (نادیہ بلوچ)</span> شہر' in page
    assert 'class="dateline"' not in page
    english = (long_story / "dist" / "en" / "mango.html").read_text(encoding="utf-8")
    assert 'class="dateline"' in english and "dateline-inline" not in english


def test_urdu_headlines_and_index_lines_never_end_on_a_lone_word_nor_use_the_middle_dot(long_story):
    page = (long_story / "dist" / "ur" / "mango.html").read_text(encoding="utf-8")
    assert '<h1 class="headline">ملتان میں آم کی جلد\u00a0فصل</h1>' in page
    index = (long_story / "dist" / "ur" / "index.html").read_text(encoding="utf-8")
    assert ">ملتان میں آم کی جلد\u00a0فصل</a>" in index and "کی اطلاع دی\u00a0ہے۔" in index  # headline, summary
    assert "·" not in index and "ملتان، پنجاب، پاکستان، <time" in index
    english = (long_story / "dist" / "en" / "index.html").read_text(encoding="utf-8")
    assert "\u00a0" not in english and "Pakistan · <time" in english


def test_number_lists_and_table_columns_keep_their_order_right_to_left(long_story):
    words = _word_boxes(long_story / "dist" / "ur" / "mango.pdf")
    assert _right_to_left(words, ("12", "15", "20")) == ["12", "15", "20"]
    assert _right_to_left(words, ("31", "47", "52")) == ["31", "47", "52"]  # typed 31,47,52: set with ،
    assert _right_to_left(words, ("71", "82", "93")) == ["71", "82", "93"]  # the first column on the right
    page = (long_story / "dist" / "ur" / "mango.html").read_text(encoding="utf-8")
    assert "31، 47، 52" in page


def _lines_by_paragraph(document) -> dict[int, list[tuple[int, str]]]:
    """id(paragraph element) -> [(page number, text of the line)] for every line WeasyPrint laid out."""
    lines: dict[int, list[tuple[int, str]]] = {}

    def text(box) -> str:
        return getattr(box, "text", "") + "".join(text(child) for child in getattr(box, "children", []))

    def walk(box, page: int) -> None:
        if type(box).__name__ == "LineBox" and getattr(box, "element_tag", "") == "p":
            lines.setdefault(id(box.element), []).append((page, text(box)))
            return
        for child in getattr(box, "children", []):
            walk(child, page)

    for number, page in enumerate(document.pages, start=1):
        walk(page._page_box, number)
    return lines


def test_no_paragraph_ends_on_a_lone_word_and_no_page_holds_one_line_of_one(long_story):
    from pipeline.config import load_config
    from pipeline.formats.pdf import Sources, layout, page_css
    from tests.helpers import interface

    config = load_config(long_story)
    translations, _ = interface(config, "ur")
    html = (long_story / "dist" / "ur" / "mango.html").read_text(encoding="utf-8")
    document, _ = layout(html, "ur/mango.html", page_css(config.page_size, "ur", config.digits, translations),
                         Sources(config.templates, config.fonts))
    assert len(document.pages) >= 2
    paragraphs = [p for p in _lines_by_paragraph(document).values() if len(p) >= 2]
    assert len(paragraphs) >= 15
    lone = [p[-1][1] for p in paragraphs if len(p[-1][1].split()) < 2]
    assert not lone, f"paragraphs ending on one word: {lone}"
    for lines in paragraphs:
        pages = [page for page, _text in lines]
        for page in set(pages):
            assert pages.count(page) >= 2, f"one line of a paragraph alone on page {page}: {lines}"
