"""Issue 12: the invisible text layer of Urdu PDFs (pipeline/formats/textlayer.py) on the sample publication,
built once with `pdf_text_layer` on and once off: words come back in order from pypdf, pdftotext and
PDFium; pages look the same; English PDFs are the same bytes; PDF/A-3b and PDF/UA-1 hold; every word sits
on its visible line; a WeasyPrint that is not the audited one is refused with a message."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont

from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import REPO_DIR, load_config
from pipeline.formats import textlayer
from pipeline.formats.pdf import Sources, layout, page_css, weasyprint_module
from tests.helpers import interface
from tests.test_syndication import pdf_facts

sys.path.insert(0, str(REPO_DIR / "bench"))
import text_layer as bench  # bench/text_layer.py: the measurement `make bench` reports

TARGETS = {"pypdf": 0.98, "pdftotext": 0.98, "pdfium": 0.97}  # share of source words found in order


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[bool, Path]:
    """The sample publication with the layer on (True) and off (False): the output folders."""
    work = tmp_path_factory.mktemp("text-layer")
    outs = {}
    for on in (True, False):
        root = bench.publication_copy(REPO_DIR, work, on)
        report = build(load_config(root), jobs=1, out=root / "dist")
        assert report.problems == [], report.problems
        outs[on] = root / "dist"
    return outs


def urdu_pdfs(out: Path) -> list[Path]:
    pdfs = sorted((out / "ur").glob("*.pdf"))
    assert len(pdfs) >= 3
    return pdfs


def test_urdu_words_come_back_in_order_from_every_extractor(builds):
    found = bench.shares(bench.measure(builds[True], ("ur",)))
    assert all(found[name] >= target for name, target in TARGETS.items()), found
    english = bench.shares(bench.measure(builds[True], ("en",)))
    assert all(share >= 0.98 for share in english.values()), english


def test_weasyprint_still_loses_urdu_words_without_the_layer(builds):
    """The day this fails, WeasyPrint keeps Nastaliq text by itself (Kozea/WeasyPrint#2841 fixed): remove
    pipeline/formats/textlayer.py, the pdf_text_layer setting and this file."""
    found = bench.shares(bench.measure(builds[False], ("ur",)))
    assert min(found.values()) < 0.9, f"WeasyPrint now keeps Urdu words without the layer ({found}): remove the hook"


def pdfium_pixels(path: Path) -> list[bytes]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return [page.render(scale=0.8).to_pil().tobytes() for page in document]
    finally:
        document.close()


def test_pages_look_exactly_as_without_the_layer_and_english_is_untouched(builds, tmp_path):
    for pdf in urdu_pdfs(builds[True]):
        other = builds[False] / "ur" / pdf.name
        assert pdf.read_bytes() != other.read_bytes()  # the layer is there
        pages = {}
        for on, path in ((True, pdf), (False, other)):
            prefix = tmp_path / f"{pdf.stem}-{on}"
            subprocess.run(["pdftoppm", "-r", "60", str(path), str(prefix)], check=True)
            pages[on] = [p.read_bytes() for p in sorted(tmp_path.glob(f"{prefix.name}-*.ppm"))]
        assert pages[True] and pages[True] == pages[False], pdf.name
        assert pdfium_pixels(pdf) == pdfium_pixels(other), pdf.name  # Chrome's renderer too
    english = sorted((builds[True] / "en").glob("*.pdf"))
    assert english and all(p.read_bytes() == (builds[False] / "en" / p.name).read_bytes() for p in english)


def content(reader: pypdf.PdfReader) -> list[bytes]:
    return [page.get_contents().get_data() for page in reader.pages]


def layer_font(reader: pypdf.PdfReader) -> pypdf.generic.DictionaryObject:
    return reader.pages[0]["/Resources"]["/Font"][f"/{textlayer.LAYER_FONT}"].get_object()


def mappings(font: pypdf.generic.DictionaryObject) -> list[tuple[bytes, bytes]]:
    """A ToUnicode CMap's bfchar entries: (code, UTF-16BE hex)."""
    cmap = font["/ToUnicode"].get_object().get_data()
    return [pair for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)
            for pair in re.findall(rb"<([0-9a-f]{4})> <([0-9a-f]+)>", block)]


def test_the_layer_keeps_pdf_a_3b_and_pdf_ua_1(builds):
    for pdf in urdu_pdfs(builds[True]):
        facts = pdf_facts(pdf)
        assert 'pdfaid:part="3"' in facts["xmp"] and "<pdfuaid:part>1</pdfuaid:part>" in facts["xmp"]
        assert facts["marked"] and facts["struct"] and facts["fonts"] and all(facts["fonts"])
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout, check.stdout
        reader = pypdf.PdfReader(pdf)
        for stream in content(reader):  # PDF/UA 7.1: the invisible text is tagged content, like the visible
            depth = 0
            for token in re.findall(rb"\bB[DM]C\b|\bEMC\b|\b3 Tr\b", stream):
                depth += {b"BDC": 1, b"BMC": 1, b"EMC": -1}.get(token, 0)
                assert token != b"3 Tr" or depth > 0, pdf.name
        font = layer_font(reader)
        cid = font["/DescendantFonts"][0].get_object()
        program = TTFont(io.BytesIO(cid["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
        advances = {program["hmtx"][name][0] * 1000 // program["head"].unitsPerEm for name in program.getGlyphOrder()}
        assert advances == {cid["/DW"]} and "/W" not in cid  # PDF/A 6.2.11.5: widths match the program
        to_gid = cid["/CIDToGIDMap"].get_object().get_data()  # PDF/A 6.2.11.3.2: a CIDToGIDMap stream
        assert set(to_gid[2:]) == {0, 1} and len(to_gid) % 2 == 0
        codes = mappings(font)
        assert len(codes) == len(to_gid) // 2 - 1 and all(len(text) == 4 for _, text in codes)  # one char per code


def test_the_visible_glyphs_give_only_spaces(builds):
    reader = pypdf.PdfReader(urdu_pdfs(builds[True])[0])
    fonts = reader.pages[0]["/Resources"]["/Font"]
    twins = [name for name in fonts if name.endswith(textlayer.TWIN_SUFFIX)]
    assert twins
    for name in twins:
        twin, original = fonts[name].get_object(), fonts[name.removesuffix(textlayer.TWIN_SUFFIX)].get_object()
        assert twin["/DescendantFonts"] == original["/DescendantFonts"]  # the same program and glyph ids
        mapped = mappings(twin)
        assert mapped and {text for _, text in mapped} == {b"0020"}


def line_boxes(html: Path) -> list[list[tuple[float, float, float, float, set[float]]]]:
    """Per page, the line boxes WeasyPrint laid out: x0, top, x1, bottom and the baselines of the text in
    them (raised footnote calls have their own), in PDF points from the top left."""
    config = load_config(REPO_DIR)
    translations, _ = interface(config, "ur")
    document, _ = layout(html.read_text(encoding="utf-8"), f"ur/{html.name}",
                         page_css(config.page_size, "ur", config.digits, translations),
                         Sources(config.templates, config.fonts))
    pages = []
    for page in document.pages:
        lines: list[tuple[float, float, float, float, set[float]]] = []
        walk(page._page_box, None, lines)
        pages.append(lines)
    return pages


def walk(box: object, line: set[float] | None, lines: list[tuple[float, float, float, float, set[float]]]) -> None:
    boxes = weasyprint_module().formatting_structure.boxes
    if isinstance(box, boxes.LineBox):
        line = set()
        x, y = box.position_x * 0.75, box.position_y * 0.75
        lines.append((x, y, x + box.width * 0.75, y + box.height * 0.75, line))
    if isinstance(box, boxes.TextBox) and line is not None:
        line.add(round((box.position_y + box.baseline) * 0.75, 2))
    for child in getattr(box, "children", []):
        walk(child, line, lines)


def test_every_word_lies_on_its_visible_line(builds):
    """What a viewer selects: poppler's word boxes, each within one line box of the layout and across the
    baseline of its text (3 pt of slack sideways: a glyph's advance may start a little before the line)."""
    for pdf in urdu_pdfs(builds[True])[:2]:
        xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages = line_boxes(pdf.with_suffix(".html"))
        for number, page in enumerate(xml.split("<page ")[1:]):
            words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', page)
            assert words
            for x0, y0, x1, y1, word in words:
                middle = (float(y0) + float(y1)) / 2
                assert any(top <= middle <= bottom and any(float(y0) <= b <= float(y1) for b in baselines)
                           and left - 3 <= float(x0) and float(x1) <= right + 3
                           for left, top, right, bottom, baselines in pages[number]), (pdf.name, number, word, y0)


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def test_a_weasyprint_other_than_the_audited_one_is_refused_with_the_way_out(builds, monkeypatch, tmp_path):
    wp = weasyprint_module()
    assert textlayer.audit(wp) is None
    root = bench.publication_copy(REPO_DIR, tmp_path, True)

    def changed(*args: object) -> None:  # what an upgrade that rewrote the first-line drawing looks like
        return None

    monkeypatch.setattr(wp.draw.text, "draw_first_line", changed)
    assert "weasyprint.draw.text.draw_first_line is not the audited code" in textlayer.audit(wp)
    monkeypatch.undo()
    monkeypatch.setattr(textlayer, "AUDITED_VERSION", "69.0")
    result = run(root, "build", "--jobs", "1", "--lang", "ur", "--format", "pdf")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "pdf_text_layer: cannot make the Urdu PDF text layer: WeasyPrint 70.0 is installed" in result.output
    assert "Set `pdf_text_layer: false` in publication.yaml" in result.output
    config = root / "publication.yaml"
    config.write_text(config.read_text().replace("pdf_text_layer: true", "pdf_text_layer: false"))
    assert run(root, "build", "--jobs", "1", "--lang", "ur", "--format", "pdf").exit_code == 0  # no layer, no check
    assert b"/TextLayer" not in (root / "dist" / "ur" / "quetta-winter-schools.pdf").read_bytes()


def test_the_setting_is_true_or_false(make_site):
    root = make_site({"publication.yaml": "pdf_text_layer: maybe\n"})
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:1: pdf_text_layer: must be true or false" in result.output
    assert load_config(make_site({"publication.yaml": "pdf_text_layer: false\n"})).pdf_text_layer is False


def test_the_glyphless_program_is_the_same_bytes_every_time():
    program = textlayer.glyphless_program()
    textlayer.glyphless_program.cache_clear()
    assert textlayer.glyphless_program() == program and len(program) < 2000
