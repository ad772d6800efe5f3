"""The translation-review workflow: catalogs never lose work, nothing unapproved is published."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import cli
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.translation.interface import used_messages
from pipeline.translation.segments import segment_id
from tests.conftest import article_text
from tests.pages import read_page
from tests.urdu_fixture import URDU, fill_catalog, read_catalog

PARA = "Growers around Multan began picking mangoes two weeks early this year."
EDITED = "Growers around Multan began picking mangoes three weeks early this year."


def run(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input, catch_exceptions=False)


def catalog(root: Path, slug: str = "mango"):
    return read_catalog(root / "translations" / "ur" / f"{slug}.po")


def current(cat):
    return {e.msgid: e for e in cat.entries if e.msgid and not e.obsolete}


def status(root: Path) -> dict:
    result = run(root, "status", "--json")
    return {(row["slug"], row["lang"]): row for row in json.loads(result.output)}


@pytest.fixture
def approved_site(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    result = run(root, "approve", "mango", "--reviewer", "Saima Anwar", "--all")
    assert result.exit_code == 0 and "approved 8 segment(s)" in result.output
    assert run(root, "publish").exit_code == 0
    return root


def test_catalog_has_standard_headers_and_one_entry_per_segment(make_site):
    root = make_site({"articles/mango.md": article_text()})
    result = run(root, "translate")
    assert result.exit_code == 0
    assert "created translations/ur/mango.po: 8 untranslated" in result.output
    cat = catalog(root)
    assert cat.header("Language") == "ur" and cat.header("Plural-Forms") == "nplurals=2; plural=(n != 1);"
    entries = [(e.msgctxt, e.msgid) for e in cat.entries if e.msgid]
    assert entries[:5] == [("headline", "Early Mango Harvest in Multan"), ("dateline", "Multan, Punjab, Pakistan"),
                           ("byline.author", "Nadia Baloch"), ("byline.location", "Multan"),
                           ("summary", "Mango growers in south Punjab report an early harvest.")]
    assert (None, PARA) in entries
    assert ("editorial_note", "This report was checked against the district's published records.") in entries
    text = (root / "translations" / "ur" / "mango.po").read_text()
    assert "Content-Type: text/plain; charset=UTF-8" in text and "Language: ur" in text
    # syncing again changes nothing at all
    before = text
    assert "unchanged translations/ur/mango.po" in run(root, "translate").output
    assert (root / "translations" / "ur" / "mango.po").read_text() == before


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="Debian's gettext (msgfmt) is not installed")
def test_catalogs_pass_msgfmt_check_format(approved_site):
    root = approved_site
    (root / "articles" / "mango.md").write_text(article_text().replace(PARA, EDITED))
    run(root, "translate")
    for po in [root / "translations" / "ur" / "mango.po",
               Path(__file__).parent.parent / "translations" / "ur" / "LC_MESSAGES" / "messages.po",
               *sorted((Path(__file__).parent.parent / "translations" / "ur").glob("*.po"))]:
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)],
                                capture_output=True, text=True)
        assert result.returncode == 0, (po, result.stderr)


def test_editing_one_paragraph_voids_only_its_approval_and_holds_the_edition(approved_site):
    root = approved_site
    ur_html = root / "dist" / "ur" / "mango.html"
    ur_pdf = root / "dist" / "ur" / "mango.pdf"
    published = (ur_html.read_bytes(), ur_pdf.read_bytes())
    assert "ملتان میں آم کی جلد فصل" in read_page(ur_html).text("headline")
    assert status(root)[("mango", "ur")]["publishable"] is True

    (root / "articles" / "mango.md").write_text(article_text().replace(PARA, EDITED))
    result = run(root, "translate")
    assert "1 fuzzy" in result.output
    cat = catalog(root)
    edited = current(cat).get(EDITED)
    assert edited is not None and edited.fuzzy
    po_text = (root / "translations" / "ur" / "mango.po").read_text()
    assert '#| msgid ""\n#| "Growers around Multan began picking mangoes two weeks early this year."' in po_text
    assert edited.previous_msgid == PARA
    assert edited.msgstr == URDU[PARA]  # the old Urdu is kept for the translator
    assert PARA not in current(cat) and not [e for e in cat.entries if e.obsolete]
    others = [e for e in current(cat).values() if e.msgid != EDITED]
    assert all(not e.fuzzy and e.msgstr == URDU[e.msgid] for e in others)
    row = status(root)[("mango", "ur")]
    counts = (row["segments"], row["translated"], row["fuzzy"], row["approved"], row["publishable"])
    assert counts == (8, 8, 1, 7, False)

    result = run(root, "publish")
    assert result.exit_code == 0
    assert "ur/mango: held, 1 of 8 segments waiting (1 fuzzy)" in result.output
    assert (ur_html.read_bytes(), ur_pdf.read_bytes()) == published
    assert "three weeks" in (root / "dist" / "en" / "mango.html").read_text()

    # the translator updates the segment; it still waits for the reviewer
    new_urdu = "ملتان کے گرد و نواح کے کاشتکاروں نے اس سال تین ہفتے پہلے آم توڑنا شروع کر دیے۔"
    fill_catalog(root / "translations" / "ur" / "mango.po", {EDITED: new_urdu})
    assert "ur/mango: held, 1 of 8 segments waiting (1 unapproved)" in run(root, "publish").output
    assert ur_html.read_bytes() == published[0]

    result = run(root, "approve", "mango", "--reviewer", "Saima Anwar", "--segment", segment_id(None, EDITED))
    assert result.exit_code == 0 and "approved 1 segment(s)" in result.output
    result = run(root, "publish")
    assert result.exit_code == 0 and "ur/mango: held" not in result.output
    assert "تین ہفتے" in ur_html.read_text()
    assert ur_pdf.read_bytes() != published[1]


def test_approval_is_void_when_the_translation_changes(approved_site):
    root = approved_site
    fill_catalog(root / "translations" / "ur" / "mango.po", {"Multan": "ملتان شہر"})
    row = status(root)[("mango", "ur")]
    assert (row["approved"], row["publishable"]) == (7, False)
    fill_catalog(root / "translations" / "ur" / "mango.po", {"Multan": "ملتان"})
    assert status(root)[("mango", "ur")]["publishable"] is True  # the exact approved pair again


def test_reorder_insert_and_remove_do_not_disturb_other_segments(approved_site):
    root = approved_site
    second = "The district agriculture office said yields were **higher** than last season."
    body = f"{second}\n\nA new paragraph about export prices.\n"
    (root / "articles" / "mango.md").write_text(article_text(body=body))
    result = run(root, "translate")
    assert result.exit_code == 0
    cat = catalog(root)
    assert current(cat)[second].msgstr == URDU[second] and not current(cat)[second].fuzzy
    assert current(cat)["A new paragraph about export prices."].msgstr == ""
    assert [e.msgid for e in cat.entries if e.obsolete] == [PARA]  # removed, kept as #~
    assert "#~ msgid" in (root / "translations" / "ur" / "mango.po").read_text()
    row = status(root)[("mango", "ur")]
    assert (row["segments"], row["translated"], row["approved"]) == (8, 7, 7)


def test_unapproved_or_untranslated_editions_are_never_built(make_site):
    root = make_site({"articles/mango.md": article_text()})
    run(root, "translate")
    fill_catalog(root / "translations" / "ur" / "mango.po")
    result = run(root, "publish")
    assert "ur/mango: held, 8 of 8 segments waiting (8 unapproved)" in result.output
    assert not (root / "dist" / "ur" / "mango.html").exists()
    assert not (root / "dist" / "ur" / "mango.pdf").exists()
    headline = segment_id("headline", "Early Mango Harvest in Multan")
    result = run(root, "approve", "mango", "--reviewer", "Saima Anwar", "--segment", headline)
    assert result.exit_code == 0
    assert "7 of 8 segments waiting" in run(root, "publish").output
    english = read_page(root / "dist" / "en" / "mango.html")
    assert not [a for a in english.attrs("link") if a.get("hreflang") == "ur"]


def test_approvals_file_is_readable_text_and_damage_is_reported(approved_site):
    root = approved_site
    path = root / "translations" / "ur" / "mango.approvals"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    assert len(lines) == 8
    seg, digest, reviewer, when = lines[0].split("\t")
    assert seg == segment_id("headline", "Early Mango Harvest in Multan")
    assert digest.startswith("sha256:") and reviewer == "Saima Anwar" and when.endswith("Z")
    path.write_text(path.read_text().replace("\tSaima Anwar\t", " Saima Anwar ", 1))
    result = run(root, "check")
    assert result.exit_code == 1
    assert "translations/ur/mango.approvals:4: damaged approval line" in result.output


def test_po_syntax_error_names_the_line_and_leaves_the_file(approved_site):
    root = approved_site
    po = root / "translations" / "ur" / "mango.po"
    broken = po.read_text().replace('msgstr "ملتان"', 'msgstr "ملتان', 1)
    po.write_text(broken)
    for command in ("check", "translate", "publish"):
        result = run(root, command)
        assert result.exit_code == 1, command
        assert "translations/ur/mango.po:" in result.output and "PO syntax error" in result.output
        assert "Traceback" not in result.output
    assert po.read_text() == broken


def test_review_walks_waiting_segments_with_a_word_diff(approved_site, monkeypatch):
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    root = approved_site
    (root / "articles" / "mango.md").write_text(article_text().replace(PARA, EDITED))
    run(root, "translate")
    fill_catalog(root / "translations" / "ur" / "mango.po",
                 {EDITED: "ملتان کے کاشتکاروں نے اس سال تین ہفتے پہلے آم توڑنا شروع کیے."})
    result = run(root, "review", "mango", "--reviewer", "Saima Anwar", input="a\n")
    assert result.exit_code == 0, result.output
    assert "1 segment(s) awaiting approval" in result.output
    assert "English changed: Growers around Multan began picking mangoes [-two-]{+three+} weeks" in result.output
    assert "lint (flag)" in result.output  # ASCII full stop inside an Urdu sentence
    assert "approved 1, skipped 0." in result.output
    assert status(root)[("mango", "ur")]["publishable"] is True
    # the previous-English note is dropped once the new pair is approved
    run(root, "translate")
    assert "Previous English" not in (root / "translations" / "ur" / "mango.po").read_text()


def test_approve_refuses_fuzzy_and_unknown_segments(approved_site):
    root = approved_site
    (root / "articles" / "mango.md").write_text(article_text().replace(PARA, EDITED))
    run(root, "translate")
    result = run(root, "approve", "mango", "--reviewer", "Saima Anwar", "--segment", segment_id(None, EDITED))
    assert result.exit_code == 1 and "fuzzy: the English changed" in result.output
    result = run(root, "approve", "mango", "--reviewer", "Saima Anwar", "--segment", "deadbeef")
    assert result.exit_code == 1 and "no segment deadbeef" in result.output
    result = CliRunner().invoke(main, ["--root", str(root), "approve", "mango", "--reviewer", "X"])
    assert result.exit_code == 2


def test_status_table_and_orphan_catalog(approved_site):
    root = approved_site
    result = run(root, "status")
    assert result.output.splitlines()[0].split() == ["article", "lang", "segments", "translated", "fuzzy",
                                                     "approved", "publishable"]
    required = str(len(used_messages(load_config(root))))
    assert result.output.splitlines()[1].split() == ["(interface)", "ur", required, required, "0", required, "yes"]
    assert result.output.splitlines()[2].split() == ["(tags)", "ur", "1", "0", "0", "0", "no"]  # agriculture
    assert result.output.splitlines()[3].split() == ["mango", "ur", "8", "8", "0", "8", "yes"]
    shutil.copy(root / "translations" / "ur" / "mango.po", root / "translations" / "ur" / "gone.po")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "translations/ur/gone.po: catalog for an article that does not exist" in result.output


def test_a_broken_catalog_holds_only_the_urdu_edition(approved_site):
    root = approved_site
    po = root / "translations" / "ur" / "mango.po"
    po.write_text(po.read_text().replace('msgstr "ملتان"', 'msgstr "ملتان', 1))
    (root / "articles" / "mango.md").write_text(article_text(headline="Mango Harvest Ends Early"))
    for _ in range(2):  # and again from the cache: the problem is reported every time
        result = run(root, "publish")
        assert result.exit_code == 1
        assert "translations/ur/mango.po:" in result.output and "PO syntax error" in result.output
        assert "ur/mango: held" in result.output
    assert "Mango Harvest Ends Early" in (root / "dist" / "en" / "mango.html").read_text()
    assert "Mango Harvest Ends Early" not in (root / "dist" / "ur" / "mango.html").read_text()
