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

from pipeline.cli import main
from pipeline.config import FONTS_DIR, REPO_DIR, load_config
from pipeline.formats.pdf import Sources, layout, page_css
from pipeline.translation.interface import used_messages
from tests.helpers import interface
from tests.pages import Page, read_page
from tests.urdu_fixture import read_catalog

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
    translations, problems = interface(config, "ur")
    assert problems == []
    css = page_css(config.page_size, "ur", config.digits, translations)
    assert '"صفحہ " counter(page, decimal) " از " counter(pages, decimal)' in css
    assert "@top-right { content: string(publication); }" in css
    root = tmp_path / "pub"
    shutil.copytree(REPO_DIR / "articles", root / "articles")
    (root / "publication.yaml").write_text("digits: urdu\n")
    css = page_css("A4", "ur", load_config(root).digits, translations)
    assert "counter(page, urdu-digits)" in css


def test_interface_strings_catalog_is_current_and_translated():
    from babel.messages.extract import extract_from_dir

    method_map = [("pipeline/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    extracted = {msg[2] for msg in extract_from_dir(str(REPO_DIR), method_map, options)}
    template = {e.msgid for e in read_catalog(REPO_DIR / "translations" / "messages.pot").entries if e.msgid}
    assert extracted == template, "run `make messages` after changing interface strings"
    # the gate's own list of what must be translated and approved (which a translator cannot shorten)
    assert used_messages(load_config(REPO_DIR)) == extracted
    urdu = {e.msgid: e for e in read_catalog(REPO_DIR / "translations" / "ur" / "LC_MESSAGES" / "messages.po").entries
            if e.msgid and not e.obsolete}
    assert set(urdu) >= template
    assert all(urdu[i].msgstr and not urdu[i].fuzzy for i in template)


def test_urdu_digits_house_style_applies_everywhere(make_site):
    from tests.conftest import article_text
    from tests.urdu_fixture import fill_catalog

    body = "Prices rose 12 percent to 1,250 rupees.\n\n1. First\n2. Second\n\nCall +92-61-1234567 today.\n"
    root = make_site({"articles/mango.md": article_text(body=body), "publication.yaml": "digits: urdu\n"})
    run = CliRunner().invoke
    assert run(main, ["--root", str(root), "translate"]).exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {
        "Early Mango Harvest in Multan": "ملتان میں آم کی جلد فصل",
        "Multan, Punjab, Pakistan": "ملتان، پنجاب، پاکستان", "Nadia Baloch": "نادیہ بلوچ", "Multan": "ملتان",
        "Mango growers in south Punjab report an early harvest.": "آم کی جلد فصل۔",
        "Prices rose 12 percent to 1,250 rupees.": "قیمتیں 12 فیصد بڑھ کر 1,250 روپے ہو گئیں۔",
        "First": "پہلا", "Second": "دوسرا", "Call +92-61-1234567 today.": "آج +92-61-1234567 پر فون کریں۔",
        "This report was checked against the district's published records.": "رپورٹ کی تصدیق کی گئی۔",
    })
    assert run(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    result = run(main, ["--root", str(root), "publish"])
    assert result.exit_code == 0, result.output
    html = (root / "dist" / "ur" / "mango.html").read_text()
    page = read_page(root / "dist" / "ur" / "mango.html")
    assert page.text("byline").endswith("۲ جون، ۲۰۲۶")
    assert "۱۲ فیصد" in html and "۱,۲۵۰" in html
    assert '<span dir="ltr" lang="en">+۹۲-۶۱-۱۲۳۴۵۶۷</span>' in html
    runs = Runs(html)
    assert not [text for text, ltr in runs.runs if not ltr and re.search("[0-9]", text)]
    assert 'class="lang-ur digits-urdu"' in html
    assert (root / "dist" / "ur" / "mango.pdf").exists()
    english = (root / "dist" / "en" / "mango.html").read_text()
    assert "12 percent" in english and "۱" not in english  # the English edition keeps Latin digits

    config = load_config(root)
    translations, _ = interface(config, "ur")
    document, _ = layout(html, "ur/mango.html", page_css(config.page_size, "ur", config.digits, translations),
                         Sources(config.templates, config.fonts))
    assert [t.strip() for t in marker_texts(document)] == ["۱۔", "۲۔"]


def test_fix_letters_rewrites_only_safe_rows_and_reports(make_site):
    from tests.conftest import article_text
    from tests.urdu_fixture import URDU, fill_catalog

    root = make_site({"articles/mango.md": article_text()})
    run = CliRunner().invoke
    run(main, ["--root", str(root), "translate"])
    table = dict(URDU)
    table["Multan"] = "ملتان ك"  # Arabic kaf
    table["Nadia Baloch"] = "نادیه بلوچ"  # Arabic heh: flagged, not fixed
    fill_catalog(root / "translations" / "ur" / "mango.po", table)
    result = run(main, ["--root", str(root), "translate", "--fix-letters"])
    assert result.exit_code == 0, result.output
    assert "Arabic kaf" in result.output and "translations/ur/mango.po" in result.output
    fixed = {e.msgid: e.msgstr for e in read_catalog(root / "translations" / "ur" / "mango.po").entries if e.msgid}
    assert fixed["Multan"] == "ملتان ک"
    assert fixed["Nadia Baloch"] == "نادیه بلوچ"
    check = run(main, ["--root", str(root), "check"])
    assert "Arabic heh" in check.output or "ه" in check.output
    again = run(main, ["--root", str(root), "translate", "--fix-letters"])
    assert "fixed" not in again.output


def marker_texts(document) -> list[str]:
    """The text of every list marker WeasyPrint laid out (they are not in the PDF's text layer)."""
    texts = []

    def walk(box, in_marker=False):
        if type(box).__name__ == "AbsolutePlaceholder":  # an outside list marker is a positioned box
            box, in_marker = box._box, True
        if in_marker and hasattr(box, "text"):
            texts.append(box.text)
        for child in getattr(box, "children", []):
            walk(child, in_marker)

    for page in document.pages:
        walk(page._page_box)
    return texts


def test_urdu_list_numbers_end_with_the_urdu_full_stop(sample, tmp_path):
    config = load_config(REPO_DIR)
    translations, _ = interface(config, "ur")
    html = (sample / "ur" / "indus-delta-mangroves.html").read_text(encoding="utf-8")
    document, _ = layout(html, "ur/indus-delta-mangroves.html",
                         page_css(config.page_size, "ur", config.digits, translations),
                         Sources(config.templates, config.fonts))
    numbered = [t.strip() for t in marker_texts(document) if any(c.isdigit() for c in t)]
    assert numbered[:4] == ["1۔", "2۔", "3۔", "4۔"], numbered


def test_every_font_in_every_urdu_pdf_is_one_the_publication_bundles(sample):
    bundled = {(str(TTFont(p)["name"].getDebugName(1)), str(TTFont(p)["name"].getDebugName(2)))
               for p in FONTS_DIR.glob("*.ttf")}
    for pdf in sorted((sample / "ur").glob("*.pdf")):
        names = embedded_font_names(PdfReader(pdf))
        # and the glyphless font of the invisible text layer (pipeline/formats/textlayer.py), made by the pipeline
        assert names and names <= bundled | {("TextLayer", "Regular")}, (pdf.name, names - bundled)


def test_a_character_no_bundled_font_has_holds_the_edition_until_fixed(make_site):
    from tests.conftest import article_text
    from tests.urdu_fixture import URDU, fill_catalog

    root = make_site({"articles/mango.md": article_text()})
    runner = CliRunner()
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    headline = "Early Mango Harvest in Multan"
    fill_catalog(root / "translations" / "ur" / "mango.po", {**URDU, headline: URDU[headline] + " ﺅ ✓"})
    assert runner.invoke(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    result = runner.invoke(main, ["--root", str(root), "publish"])
    assert "translations/ur/mango.po" in result.stderr and "no bundled font has U+FE85" in result.stderr
    assert "write ؤ instead" in result.stderr and "U+2713 CHECK MARK" in result.stderr
    assert "ur/mango: held" in result.stderr and not (root / "dist" / "ur" / "mango.pdf").exists()
    fill_catalog(root / "translations" / "ur" / "mango.po", {**URDU, headline: URDU[headline] + " ﺅ"})
    assert runner.invoke(main, ["--root", str(root), "translate", "--fix-letters"]).exit_code == 0
    assert runner.invoke(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    assert runner.invoke(main, ["--root", str(root), "publish"]).exit_code == 0
    assert (root / "dist" / "ur" / "mango.pdf").exists()


def test_newspaper_dates_and_an_urdu_byline_separator(make_site):
    from tests.conftest import article_text
    from tests.urdu_fixture import fill_catalog

    root = make_site({"articles/mango.md": article_text(date="2018-09-29")})
    (root / "publication.yaml").write_text((root / "publication.yaml").read_text() + "urdu_dates: newspaper\n")
    runner = CliRunner()
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    assert runner.invoke(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    assert runner.invoke(main, ["--root", str(root), "publish"]).exit_code == 0
    page = (root / "dist" / "ur" / "mango.html").read_text()
    assert "29 ستمبر 2018ء" in page and "29 ستمبر 2018ء" in (root / "dist" / "ur" / "index.html").read_text()
    byline = page[page.index('class="byline"'):page.index("</p>", page.index('class="byline"'))]
    assert "·" not in byline and "، " in byline
    english = (root / "dist" / "en" / "mango.html").read_text()
    assert " · " in english and "ء" not in english


def test_pages_let_a_keyboard_skip_to_the_story_and_see_focus_in_both_languages(sample):
    for path in [*urdu_pages(sample), *sorted((sample / "en").glob("*.html"))]:
        html = path.read_text(encoding="utf-8")
        first_link = html.index("<a ")
        assert html[first_link:].startswith('<a class="skip-link" href="#content">'), path.name
        assert '<main id="content"' in html
    urdu = urdu_pages(sample)[0].read_text(encoding="utf-8")
    assert '<a class="skip-link" href="#content">مواد پر جائیں</a>' in urdu  # the label in the page's language
    css = (REPO_DIR / "templates" / "style.css").read_text()
    assert "a:focus-visible" in css and ".footnote-backref { color: var(--ink); text-decoration: underline; }" in css
