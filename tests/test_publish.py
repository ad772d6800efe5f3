"""End to end: house-format story in, real HTML and PDF out, read back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.cli import main
from tests.conftest import article_text
from tests.pages import pdf_fonts, pdf_text, read_page

STORY = """\
(Publish from Gilgit Gilgit-Baltistan Pakistan)
(By: Imran Hunzai: Skardu: March 3, 2026)
Glacier Lake Warning System Extended to Twelve Valleys
Early-warning sirens now stand in twelve more valleys below glacial lakes, the authority said.
Each siren is linked to water-level sensors that trigger an alarm when a lake rises quickly.
Village volunteers have been trained to lead evacuations to marked high ground.
Editorial Note
Figures were provided by the authority and could not be independently verified.
"""


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def test_imported_story_reads_back_from_html_and_pdf(make_site, tmp_path):
    root = make_site(english_only=True)
    story = tmp_path / "glacier.txt"
    story.write_text(STORY, encoding="utf-8")
    result = run(root, "import", str(story))
    assert result.exit_code == 0, result.output
    slug = "glacier-lake-warning-system-extended-to-twelve-valleys"
    assert (root / "articles" / f"{slug}.md").exists()

    result = run(root, "publish")
    assert result.exit_code == 0, result.output
    page = read_page(root / "dist" / "en" / f"{slug}.html")
    assert page.text("dateline") == "Published from Gilgit Gilgit-Baltistan Pakistan"
    assert page.text("author") == "Imran Hunzai"
    assert page.text("location") == "Skardu"
    assert "March 3, 2026" in page.text("byline")
    assert page.text("headline") == "Glacier Lake Warning System Extended to Twelve Valleys"
    assert "could not be independently verified" in page.text("editorial-note")
    assert page.text("editorial-note").startswith("Editorial Note")

    text = pdf_text(root / "dist" / "en" / f"{slug}.pdf")
    for expected in ("Gilgit Gilgit-Baltistan Pakistan", "Imran Hunzai", "Skardu", "March 3, 2026",
                     "Editorial Note", "could not be independently verified", "Page 1 of 1"):
        assert expected in text, expected


def test_pdf_metadata_fonts_and_reproducibility(make_site):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    assert run(root, "build", "--format", "pdf").exit_code == 0
    pdf = root / "dist" / "en" / "mango.pdf"
    reader = PdfReader(pdf)
    meta = reader.metadata
    assert meta.title == "Early Mango Harvest in Multan | Test Gazette"
    assert meta.author == "Nadia Baloch"
    assert meta.subject == "Mango growers in south Punjab report an early harvest."
    assert meta["/Keywords"] == "agriculture"
    assert meta["/CreationDate"].startswith("D:20260602")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts  # every font embedded
    assert all("+" in name and "NotoSerif" in name.replace("-", "") for name in fonts), fonts  # subset
    first = pdf.read_bytes()
    shutil.rmtree(root / "dist")
    assert run(root, "build", "--format", "pdf").exit_code == 0
    assert pdf.read_bytes() == first


def test_letter_size_from_config(make_site):
    root = make_site({"articles/mango.md": article_text(),
                      "publication.yaml": "name: Test Gazette\nlanguages: [en]\npage_size: Letter\n"})
    assert run(root, "build", "--format", "pdf").exit_code == 0
    box = PdfReader(root / "dist" / "en" / "mango.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_broken_article_reported_and_others_still_publish(make_site):
    root = make_site({
        "articles/good.md": article_text(),
        "articles/broken.md": article_text(date="2026-13-01"),
    }, english_only=True)
    result = run(root, "publish")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "broken.md" in line]
    assert len(lines) == 1 and lines[0].startswith("articles/broken.md:3: date:")
    assert "Traceback" not in result.output
    assert (root / "dist" / "en" / "good.html").exists()
    assert (root / "dist" / "en" / "good.pdf").exists()
    assert not (root / "dist" / "en" / "broken.html").exists()


def test_previous_output_of_a_broken_article_stays(make_site):
    root = make_site({"articles/good.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    before = (root / "dist" / "en" / "good.pdf").read_bytes()
    (root / "articles" / "good.md").write_text(article_text(date="not a date"))
    assert run(root, "publish").exit_code == 1
    assert (root / "dist" / "en" / "good.pdf").read_bytes() == before
    assert "good.html" in (root / "dist" / "en" / "index.html").read_text()


def test_index_is_newest_first_with_summary(make_site):
    root = make_site({
        "articles/older.md": article_text(headline="Older Story", date="2026-01-05"),
        "articles/newer.md": article_text(headline="Newer Story", date="2026-05-01"),
    }, english_only=True)
    assert run(root, "build", "--format", "html").exit_code == 0
    page = read_page(root / "dist" / "en" / "index.html")
    assert page.text("story-link") == "Newer Story Older Story"
    assert "May 1, 2026" in page.text("dateline")
    assert "Mango growers" in page.text("summary")


def test_markdown_features_and_unsafe_input(make_site):
    body = (
        "## Table\n\n| Year | Tonnes |\n|---|---:|\n| 2025 | 1,200 |\n\n"
        "A claim.[^1]\n\n> A quote.\n\n- one\n- two\n\n<script>alert(1)</script>\n\n"
        "[safe](https://example.org) [mail](mailto:desk@example.org) [rel](other.html)\n\n"
        "[^1]: The source.\n"
    )
    root = make_site({"articles/features.md": article_text(body=body)}, english_only=True)
    assert run(root, "build").exit_code == 0
    html = (root / "dist" / "en" / "features.html").read_text()
    assert '<h2 id="table">' in html and "<thead>" in html and 'class="align-right"' in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert 'class="fn-print">The source.</span>' in html and 'id="fn1"' in html
    assert "<blockquote>" in html and "<ul>" in html
    assert "style=" not in html  # the pages' CSP forbids inline styles
    text = pdf_text(root / "dist" / "en" / "features.pdf")
    assert "The source." in text and "1,200" in text

    bad = article_text(body="[x](javascript:alert(1)) and ![img](../../etc/passwd.png)\n")
    (root / "articles" / "features.md").write_text(bad)
    result = run(root, "check")
    assert result.exit_code == 1
    assert 'articles/features.md:13: body: link "javascript:alert(1)": the "javascript:" scheme' in result.output
    assert "is outside the publication root" in result.output


def test_check_passes_on_good_site_and_usage_errors_exit_2(make_site):
    root = make_site({"articles/good.md": article_text()}, english_only=True)
    result = run(root, "check")
    assert result.exit_code == 0 and "1 articles checked, no problems." in result.output
    assert CliRunner().invoke(main, ["--root", str(root), "build", "--lang", "fr"]).exit_code == 2


def test_stdout_carries_only_the_report_and_progress_is_silent_outside_a_terminal(make_site):
    root = make_site({"articles/a.md": article_text(), "articles/b.md": article_text(headline="Other")},
                     english_only=True)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0
    # not a terminal: no progress at all; only the one notice that partner formats need base_url
    assert [line[:7] for line in result.stderr.splitlines()] == ["notice:"]
    assert re.fullmatch(r"built 2 PDFs, wrote \d+ files \(\d+ en listing pages\), skipped \d+ unchanged; "
                        r"held 0, failed 0; [\d.]+ s\n",
                        result.stdout)
    (root / "articles" / "a.md").write_text(article_text(headline="Changed"))
    (root / "articles" / "b.md").write_text(article_text(headline="Changed too"))
    verbose = CliRunner().invoke(main, ["--root", str(root), "publish", "--jobs", "1", "--verbose"])
    lines = verbose.stderr.splitlines()
    assert lines[0] == "rendering 2 articles"
    assert [line[:5] for line in lines[1:3]] == ["[1/2]", "[2/2]"] and {line[6:] for line in lines[1:3]} == {"a", "b"}
    assert verbose.stdout.startswith("built 2 PDFs") and len(verbose.stdout.splitlines()) == 1


def test_deleting_an_article_unpublishes_it_and_a_broken_one_stays(make_site):
    root = make_site({"articles/gone.md": article_text(headline="Soon Gone"),
                      "articles/stays.md": article_text(headline="Stays")}, english_only=True)
    assert run(root, "publish").exit_code == 0
    (root / "articles" / "gone.md").unlink()
    (root / "articles" / "stays.md").write_text("---\nheadline: [broken\n---\nx\n")
    result = run(root, "publish")
    assert "en/gone: unpublished (its article is gone)" in result.output
    assert not (root / "dist" / "en" / "gone.html").exists() and not (root / "dist" / "en" / "gone.pdf").exists()
    assert (root / "dist" / "en" / "stays.pdf").exists()
    index = (root / "dist" / "en" / "index.html").read_text()
    assert "Soon Gone" not in index and "Stays" in index


def test_a_folder_without_articles_is_not_a_publication(tmp_path):
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "publish"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "articles: no articles/ folder here; is --root the publication root?" in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_slug_clash_keeps_what_was_published(make_site):
    root = make_site({"articles/one.md": article_text().replace("tags:", "slug: harvest\ntags:")}, english_only=True)
    assert run(root, "publish").exit_code == 0
    (root / "articles" / "two.md").write_text(article_text().replace("tags:", "slug: harvest\ntags:"))
    result = run(root, "publish")
    assert result.exit_code == 1 and "unpublished" not in result.output
    assert (root / "dist" / "en" / "harvest.pdf").exists()
