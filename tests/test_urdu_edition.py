"""The Urdu edition end to end: RTL page, Nastaliq embedded, bidi isolation, one digit system, no tofu."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from pipeline.build import page_css
from pipeline.cli import main
from pipeline.config import FONTS_DIR, REPO_DIR, load_config
from pipeline.messages import interface_translations
from tests.pages import Page, read_page

LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
PHONE_URL = re.compile(r"\+?\d[\d\-()/ ]{6,}\d|https?://\S+|\S+@\S+\.\w+")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The repository's own publication, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("dist")
    result = CliRunner().invoke(main, ["--root", str(REPO_DIR), "build", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output  # e.g. WeasyPrint's missing-glyph warnings
    return out


def urdu_pages(out: Path) -> list[Path]:
    pages = sorted((out / "ur").glob("*.html"))
    assert len(pages) >= 2, "the sample publication ships Urdu editions"
    return pages


class Runs(Page):
    """Text runs of a page with whether an ancestor element says dir="ltr"."""

    def __init__(self, html: str) -> None:
        self.runs: list[tuple[str, bool]] = []
        self.ltr_depth: list[bool] = []
        self.in_head = False
        super().__init__(html)

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "head":
            self.in_head = True
        if tag not in ("meta", "link", "br", "img", "hr", "input"):
            self.ltr_depth.append(dict(attrs).get("dir") == "ltr")

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag == "head":
            self.in_head = False
        if self.ltr_depth:
            self.ltr_depth.pop()

    def handle_data(self, data):
        super().handle_data(data)
        if not self.in_head:
            self.runs.append((data, any(self.ltr_depth)))


def test_urdu_page_is_rtl_and_linked_to_english(sample):
    for path in urdu_pages(sample):
        html = path.read_text(encoding="utf-8")
        assert '<html lang="ur" dir="rtl">' in html
        page = Page(html)
        if path.name == "index.html":
            continue
        alternates = [a for a in page.attrs("link") if a.get("rel") == "alternate"]
        assert alternates == [{"rel": "alternate", "hreflang": "en", "href": f"../en/{path.name}"}]
        english = read_page(sample / "en" / path.name)
        assert {"rel": "alternate", "hreflang": "ur", "href": f"../ur/{path.name}"} in english.attrs("link")
        assert page.text("edition-switch") == "English"
    index = Page((sample / "en" / "index.html").read_text())
    assert {"rel": "alternate", "hreflang": "ur", "href": "../ur/index.html"} in index.attrs("link")


def test_every_latin_run_phone_and_url_is_isolated_ltr(sample):
    for path in urdu_pages(sample):
        html = path.read_text(encoding="utf-8")
        assert not BIDI_CONTROLS.search(html), path
        runs = Runs(html)
        for text, ltr in runs.runs:
            if not ltr:
                assert not LATIN.search(text), (path.name, text)
                assert not PHONE_URL.search(text), (path.name, text)
        assert unicodedata.is_normalized("NFC", html)


def test_one_digit_system_per_edition(sample):
    for path in urdu_pages(sample):
        html = path.read_text(encoding="utf-8")
        assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", html), path  # house style here: Latin digits
    page = read_page(sample / "ur" / "quetta-winter-schools.html")
    assert page.text("byline").endswith("20 نومبر، 2026")
    assert page.text("label").startswith("مقام اشاعت:")


def test_urdu_pdf_embeds_regular_nastaliq_and_has_lang(sample):
    for pdf in sorted((sample / "ur").glob("*.pdf")):
        reader = PdfReader(pdf)
        assert reader.trailer["/Root"]["/Lang"] == "ur"
        names = embedded_font_names(reader)
        assert ("Noto Nastaliq Urdu", "Regular") in names, names


def embedded_font_names(reader: PdfReader) -> set[tuple[str, str]]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            for desc in font.get_object().get("/DescendantFonts") or []:
                descriptor = desc.get_object()["/FontDescriptor"].get_object()
                data = descriptor["/FontFile2"].get_object().get_data()
                table = TTFont(io.BytesIO(data))["name"]
                names.add((str(table.getDebugName(1)), str(table.getDebugName(2))))
    return names


def font_cmap(name: str) -> set[int]:
    return set(TTFont(FONTS_DIR / name)["cmap"].getBestCmap())


def test_no_tofu_every_character_is_in_the_font_meant_to_draw_it(sample):
    nastaliq = font_cmap("NotoNastaliqUrdu-Regular.ttf")
    serif = font_cmap("NotoSerif-Regular.ttf")
    for path in urdu_pages(sample):
        runs = Runs(path.read_text(encoding="utf-8"))
        for text, ltr in runs.runs:
            for char in text:
                if char.isspace() or unicodedata.category(char).startswith("C"):
                    continue
                code = ord(char)
                if ltr or unicodedata.bidirectional(char) not in ("AL", "R", "NSM", "AN"):
                    # Latin runs are drawn by the Latin face; neutral characters by Nastaliq or, after it
                    # in the font stack, by the Latin face.
                    ok = code in serif if ltr else (code in nastaliq or code in serif)
                else:
                    ok = code in nastaliq  # Arabic-script letters must be Nastaliq
                assert ok, f"{path.name}: {char!r} U+{code:04X} has no glyph in its font"


def test_urdu_page_css_has_urdu_labels_and_mirrored_header(tmp_path):
    config = load_config(REPO_DIR)
    translations, problems = interface_translations(config, "ur")
    assert problems == []
    css = page_css(config, "ur", translations)
    assert '"صفحہ " counter(page, decimal) " از " counter(pages, decimal)' in css
    assert "@top-right { content: string(publication); }" in css
    root = tmp_path / "pub"
    shutil.copytree(REPO_DIR / "articles", root / "articles")
    (root / "publication.yaml").write_text("digits: urdu\n")
    css = page_css(load_config(root), "ur", translations)
    assert "counter(page, urdu-digits)" in css
