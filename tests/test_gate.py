"""The review gate (issue: nothing reaches a reader that a named reviewer did not see).

Who may approve (the reviewers list, no self-review, printable names), what the terminal shows, and the
characters refused in every translated text.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner

from pipeline import cli
from pipeline.cli import main
from pipeline.text.characters import name_problem, visible
from pipeline.translation.po import dumps as po_dumps
from pipeline.translation.segments import segment_id
from tests.conftest import article_text
from tests.urdu_fixture import URDU, fill_catalog, read_catalog


def run(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input, catch_exceptions=False)


def approvals_text(root: Path, slug: str = "mango") -> str:
    path = root / "translations" / "ur" / f"{slug}.approvals"
    return path.read_text() if path.exists() else ""


@pytest.fixture
def translated(make_site):
    """A bilingual site whose Urdu catalog is filled in and not yet approved."""
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    return root


def set_config(root: Path, text: str) -> None:
    (root / "publication.yaml").write_text(text)


# --- who may approve -------------------------------------------------------------------------------------

def test_a_name_not_on_the_list_is_refused_and_nothing_is_recorded(translated):
    result = run(translated, "approve", "mango", "--reviewer", "Mallory", "--all")
    assert result.exit_code == 1
    assert "Mallory is not a reviewer for ur in publication.yaml" in result.output
    assert "Saima Anwar" in result.output  # the message lists who may
    assert approvals_text(translated) == ""
    result = run(translated, "approve", "mango", "--reviewer", "  saima   ANWAR ", "--all")
    assert result.exit_code == 0
    assert "\tSaima Anwar\t" in approvals_text(translated)  # recorded as the list spells it


def test_approvals_by_names_not_on_the_list_do_not_publish(translated):
    set_config(translated, "reviewers:\n  ur: [Saima Anwar, R]\n")
    assert run(translated, "approve", "--interface", "--reviewer", "Saima Anwar", "--all").exit_code == 0
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    set_config(translated, "reviewers:\n  ur: [Saima Anwar]\n")  # R is no longer trusted
    result = run(translated, "publish")
    assert "ur/mango: held" in result.stderr
    assert "approval does not count: approved by R, who is not among the reviewers for ur" in result.stderr
    assert not (translated / "dist" / "ur" / "mango.html").exists()
    rows = json.loads(run(translated, "status", "--json").output)
    assert [r["slug"] for r in rows if not r["publishable"]] == ["(tags)", "mango"]  # nobody translated the tag
    set_config(translated, "reviewers:\n  ur: [Saima Anwar, R]\n")
    assert run(translated, "publish").exit_code == 0 and (translated / "dist" / "ur" / "mango.html").exists()


def test_without_a_list_anyone_may_approve_and_publish_warns_once(translated):
    set_config(translated, "languages: [en, ur]\n")
    assert run(translated, "approve", "mango", "--reviewer", "Anyone At All", "--all").exit_code == 0
    result = run(translated, "publish")
    assert result.exit_code == 0 and (translated / "dist" / "ur" / "mango.html").exists()
    assert result.stderr.count("lists no reviewers: anyone can approve") == 1
    check = run(translated, "check")
    assert check.stderr.count("lists no reviewers") == 1
    assert run(translated, "check", "--strict").exit_code == 1
    set_config(translated, "languages: [en]\n")  # nothing is translated: nothing to warn about
    assert "lists no reviewers" not in run(translated, "check").stderr


def test_the_translator_may_not_approve_their_own_work(translated):
    po = translated / "translations" / "ur" / "mango.po"
    po.write_text(po.read_text().replace("Last-Translator: Urdu desk", "Last-Translator: Saima Anwar <s@x.pk>"))
    result = run(translated, "approve", "mango", "--reviewer", "Saima Anwar", "--all")
    assert result.exit_code == 1 and "is the catalog's Last-Translator" in result.output
    assert approvals_text(translated) == ""
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0  # someone else may
    set_config(translated, "reviewers:\n  ur: [Saima Anwar, R]\nself_review: {ur: allowed}\n")
    assert run(translated, "approve", "mango", "--reviewer", "Saima Anwar", "--all").exit_code == 0


@pytest.mark.parametrize(("name", "why"), [
    ("Saima\u202eAnwar", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\x1b[2J\x1b[HSaima", "terminal escape sequence"),
    ("S" * 5000, "5,000 characters"),
    ("Saima\u200bAnwar", "U+200B ZERO WIDTH SPACE"),
    ("Saima\tAnwar", "invisible character"),
    ("", "is empty"),
])
def test_reviewer_names_are_printable_text(make_site, name, why):
    root = make_site({"articles/mango.md": article_text()})
    set_config(root, "languages: [en, ur]\n")  # no list: only the name rules apply
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    result = run(root, "approve", "mango", "--reviewer", name, "--all")
    assert result.exit_code == 1 and why in result.output, result.output
    assert approvals_text(root) == ""
    assert "\x1b" not in result.output and "\u202e" not in result.output  # the refusal does not echo it raw


def test_names_allow_urdu_with_zwnj():
    assert name_problem("صائمہ انور") is None
    assert name_problem("علی\u200cرضا") is None
    assert name_problem("Saima\u202eAnwar") is not None


@pytest.mark.parametrize(("yaml", "message"), [
    ("reviewers: Saima\n", "give a list of reviewers per language"),
    ("reviewers:\n  fr: [A]\n", "'fr' is not a translation language"),
    ("reviewers:\n  ur: [{name: A, key: not-a-key}]\n", "expected an SSH public key line"),
    ("reviewers:\n  ur: [{name: A, email: a@b}]\n", "each reviewer has name: and, optionally, key:"),
    ("reviewers:\n  ur: [A, a]\n", "a name is listed twice"),
    ("reviewers:\n  ur: [\"A\\u202eB\"]\n", "U+202E"),
    ("self_review: sometimes\n", "must be allowed or refused"),
])
def test_bad_reviewer_settings_name_the_line(make_site, yaml, message):
    root = make_site({"articles/mango.md": article_text()})
    set_config(root, "languages: [en, ur]\n" + yaml)
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:2:" in result.output and message in result.output, \
        result.output


# --- what the terminal shows -------------------------------------------------------------------------------

def test_a_translation_that_would_redraw_the_terminal_never_reaches_it(translated, monkeypatch):
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    fake = "\x1b[2K\r\x1b[1A  ur:      ملتان\x1b[0m\rapprove (a)?"
    fill_catalog(translated / "translations" / "ur" / "mango.po", {**URDU, "Multan": fake})
    result = run(translated, "review", "mango", "--reviewer", "Saima Anwar", input="a\n" * 10)
    assert result.exit_code == 1 and "U+001B" in result.output
    assert "\x1b" not in result.output and "\r" not in result.output
    assert approvals_text(translated) == ""


def test_review_shows_what_it_prints_through_visible(translated, monkeypatch):
    """Defence in depth: whatever reaches the review screen passes through `visible` (the English, the
    translation, the word diff and lint findings)."""
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    from pipeline.translation import review as review_module
    monkeypatch.setattr(review_module, "visible", lambda text: "<shown>" + text)
    result = run(translated, "review", "mango", "--reviewer", "Saima Anwar", input="s\n" * 10)
    lines = [line for line in result.output.splitlines() if line.startswith(("  English", "  ur:", "  lint"))]
    assert lines and all("<shown>" in line for line in lines)


def test_review_without_a_terminal_exits_2_and_asks_nothing(translated):
    result = run(translated, "review", "mango", "--reviewer", "Saima Anwar", input="a\n")
    assert result.exit_code == 2 and "needs a terminal" in result.output
    assert "pipeline approve" in result.output and approvals_text(translated) == ""


def test_visible_shows_every_hidden_character_and_keeps_urdu_joiners():
    assert visible("a\u202eb\u2066c\ufeffd\x9be\x7f") == "a⟨U+202E⟩b⟨U+2066⟩c⟨U+FEFF⟩d⟨U+009B⟩e⟨U+007F⟩"
    assert visible("line\nnext") == "line⏎ next"
    assert visible("نئی\u200cدہلی") == "نئی\u200cدہلی"


# --- characters refused in translated text ------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200e", "\u200b", "\ufeff", "\ufffd", "\x07"])
def test_invisible_characters_in_a_translation_hold_it_with_file_line_and_character(translated, char):
    po = translated / "translations" / "ur" / "mango.po"
    fill_catalog(po, {**URDU, "Early Mango Harvest in Multan": "ملتان میں" + char + " آم کی جلد فصل"})
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 1
    line = next(e.line for e in read_catalog(po).entries if e.msgid == "Early Mango Harvest in Multan")
    result = run(translated, "check")
    assert result.exit_code == 1
    assert f"translations/ur/mango.po:{line}:" in result.output and f"U+{ord(char):04X}" in result.output
    publish = run(translated, "publish")
    assert not (translated / "dist" / "ur" / "mango.html").exists() and "ur/mango: held" in publish.stderr


def test_zwnj_stays_allowed_in_translations(translated):
    po = translated / "translations" / "ur" / "mango.po"
    fill_catalog(po, {**URDU, "Early Mango Harvest in Multan": "ملتان میں آم کی جلد\u200cفصل"})
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(translated, "publish").exit_code == 0
    assert "جلد\u200cفصل" in (translated / "dist" / "ur" / "mango.html").read_text()


# --- interface strings: reviewed, and escaped wherever they go (section 1) ----------------------------

REPO_MESSAGES = Path(__file__).parent.parent / "translations" / "ur" / "LC_MESSAGES" / "messages.po"
HOSTILE_INTERFACE = {
    "All stories": "<script>alert(1)</script>",
    "Latest stories": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "Other editions": '" onmouseover="alert(1)" x="',
    "Editorial Note": '<a href="javascript:alert(1)">نوٹ</a>',
    "Page {page} of {pages}": 'صفحہ {page}"; } body { display: none } x { content: "',
}


def own_messages(root: Path, table: dict[str, str]) -> Path:
    po_path = root / "translations" / "ur" / "LC_MESSAGES" / "messages.po"
    po_path.parent.mkdir(parents=True, exist_ok=True)
    po_path.write_bytes(REPO_MESSAGES.read_bytes())
    fill_catalog(po_path, table)
    return po_path


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.tags


def test_an_unapproved_or_changed_interface_string_holds_every_edition_in_one_line(translated):
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(translated, "publish").exit_code == 0
    page = (translated / "dist" / "ur" / "mango.html").read_bytes()
    own_messages(translated, {"By": "از"})  # the publication's own strings: nobody approved them yet
    result = run(translated, "publish")
    assert result.exit_code == 1
    assert result.stderr.count("interface strings are not approved") == 1
    assert "pipeline review --interface --lang ur" in result.stderr
    assert "ur/mango: held" in result.stderr
    assert (translated / "dist" / "ur" / "mango.html").read_bytes() == page  # unchanged, not re-rendered
    rows = run(translated, "status", "--json").output
    assert '"slug": "(interface)"' in rows
    assert run(translated, "approve", "--interface", "--reviewer", "R", "--all").exit_code == 0
    assert run(translated, "publish").exit_code == 0
    assert "از" in (translated / "dist" / "ur" / "mango.html").read_text()


def test_interface_strings_with_markup_need_a_named_approval_and_are_escaped_everywhere(translated):
    own_messages(translated, HOSTILE_INTERFACE)
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    result = run(translated, "approve", "--interface", "--reviewer", "R", "--all")
    assert result.output.count("holds markup or an address") == 5  # --all waves none of them through
    assert run(translated, "publish").exit_code == 1
    ids = [segment_id(None, msgid) for msgid in HOSTILE_INTERFACE]
    named = [arg for i in ids for arg in ("--segment", i)]
    assert run(translated, "approve", "--interface", "--reviewer", "R", *named).exit_code == 0
    assert run(translated, "publish").exit_code == 0
    for name in ("mango.html", "index.html"):
        tags = elements(translated / "dist" / "ur" / name)
        assert not [a for t, a in tags if t == "script" and a.get("type") != "application/ld+json"]
        assert not [a for t, a in tags if t == "meta" and a.get("http-equiv", "").lower() == "refresh"]
        assert not [a for _, a in tags if "onmouseover" in a]
        assert not [a for _, a in tags if (a.get("href") or "").startswith("javascript")]
    labels = [a.get("aria-label") for t, a in elements(translated / "dist" / "ur" / "mango.html") if t == "nav"]
    assert HOSTILE_INTERFACE["Other editions"] in labels  # shown as the text it is
    pdf = subprocess.run(["pdftotext", str(translated / "dist" / "ur" / "mango.pdf"), "-"], capture_output=True,
                         check=True, text=True).stdout
    assert "display: none" in pdf  # the page label is text on the page, not a rule that hides the body
    body = next(urdu for english, urdu in URDU.items() if english.startswith("Growers around Multan"))
    words = " ".join(pdf.translate({mark: " " for mark in range(0x202A, 0x202F)}).split())  # bidi marks
    assert " ".join(body.split()[:5]) in words  # the body is on the page (and its text can be copied)


def test_a_control_character_in_an_interface_string_is_refused(translated):
    own_messages(translated, {"Page {page} of {pages}": "صفحہ {page}\r} body { display: none }"})
    result = run(translated, "check")
    assert result.exit_code == 1 and "messages.po" in result.stderr
    assert "U+000D" in result.stderr


# --- provenance in what is published (section 6) ---------------------------------------------------------

def metas(path: Path) -> dict[str, str]:
    return {a["name"] or "": a.get("content") or "" for t, a in elements(path) if t == "meta" and a.get("name")}


def xmp(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def test_each_edition_says_who_approved_it_when_and_from_which_source(translated):
    states = read_catalog(translated / "translations" / "ur" / "mango.po").entries
    first = [segment_id(e.msgctxt, e.msgid) for e in states if e.msgid][:3]
    named = [arg for i in first for arg in ("--segment", i)]
    assert run(translated, "approve", "mango", "--reviewer", "Saima Anwar", *named).exit_code == 0
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    last = max(line.split("\t")[3] for line in approvals_text(translated).splitlines() if line[:1] != "#")
    assert run(translated, "publish").exit_code == 0
    source = hashlib.sha256((translated / "articles" / "mango.md").read_bytes()).hexdigest()
    urdu, english = metas(translated / "dist" / "ur" / "mango.html"), metas(translated / "dist" / "en" / "mango.html")
    assert urdu["source-sha256"] == english["source-sha256"] == source
    assert urdu["reviewed-by"] == "Saima Anwar, R" and urdu["reviewed"] == last
    assert "reviewed-by" not in english
    assert "keywords" in english and "keywords" not in urdu  # English tags never reach the Urdu page untranslated
    metadata = xmp(translated / "dist" / "ur" / "mango.pdf")
    for value in (source, "Saima Anwar, R", last):
        assert value in metadata
    assert "<newsroom:sourceSha256>" + source in xmp(translated / "dist" / "en" / "mango.pdf")


def test_a_hand_written_approval_with_a_hidden_name_is_refused_and_approves_nothing(translated):
    set_config(translated, "languages: [en, ur]\n")  # anyone may approve: the name is all there is
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    path = translated / "translations" / "ur" / "mango.approvals"
    path.write_text(path.read_text().replace("\tR\t", "\tR\u202eevil\t"))
    result = run(translated, "publish")
    assert result.exit_code == 1 and "mango.approvals:4: the reviewer's name holds the invisible" in result.stderr
    assert not (translated / "dist" / "ur" / "mango.html").exists()


def test_publication_yaml_refuses_hidden_characters_with_the_line(translated):
    set_config(translated, 'name:\n  en: "The \u202eLedger"\n')
    result = run(translated, "check")
    assert result.exit_code == 1 and "publication.yaml:2: invisible character U+202E" in result.stderr


# --- holes found by a red-team pass over the gate -----------------------------------------------------

CODE_BODY = ("Growers met the [district office][d].\n\n```text\nyield 12 t/ha\n```\n\n"
             "[d]: https://district.example/\n")


@pytest.fixture
def with_code(make_site) -> Path:
    root = make_site({"articles/mango.md": article_text(body=CODE_BODY)})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {
        **URDU, "Growers met the [district office][d].": "کاشتکار [ضلعی دفتر][d] سے ملے۔"})
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(root, "publish").exit_code == 0
    return root


@pytest.mark.parametrize(("old", "new"), [("yield 12 t/ha", "INJECTED TEXT"),
                                          ("https://district.example/", "https://evil.example/")])
def test_code_and_link_addresses_the_urdu_shows_as_they_are_need_a_new_approval_when_they_change(with_code, old, new):
    assert "verbatim" not in (with_code / "translations" / "ur" / "mango.po").read_text()  # never in the catalog
    path = with_code / "articles" / "mango.md"
    path.write_text(path.read_text().replace(old, new))
    result = run(with_code, "publish")
    assert "ur/mango: held, 1 of" in result.stderr and "1 unapproved" in result.stderr
    assert new not in (with_code / "dist" / "ur" / "mango.html").read_text()
    assert new in (with_code / "dist" / "en" / "mango.html").read_text()
    assert run(with_code, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(with_code, "publish").exit_code == 0
    assert new in (with_code / "dist" / "ur" / "mango.html").read_text()


def test_interface_strings_the_templates_use_are_required_whatever_the_pot_says(translated):
    assert run(translated, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    po_path = own_messages(translated, {})
    catalog = read_catalog(po_path)
    catalog.entries = [e for e in catalog.entries if e.msgid not in ("By", "All stories")]
    po_path.write_bytes(po_dumps(catalog))
    pot = translated / "translations" / "messages.pot"
    pot.write_bytes(po_dumps(catalog))  # a template that no longer lists them either
    assert run(translated, "approve", "--interface", "--reviewer", "R", "--all").exit_code == 0
    result = run(translated, "publish")
    assert "interface string 'By' is not translated" in result.stderr
    assert not (translated / "dist" / "ur" / "mango.html").exists()


def test_a_segment_id_that_names_two_segments_is_refused(make_site):
    body = "The council met on day 12633 to discuss water.\n\nResidents reported 47683 new complaints.\n"
    assert segment_id(None, body.split("\n\n")[0]) == segment_id(None, body.split("\n\n")[1].strip())
    root = make_site({"articles/mango.md": article_text(body=body)})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {
        **URDU, "The council met on day 12633 to discuss water.": "کونسل نے دن 12633 کو پانی پر بات کی۔",
        "Residents reported 47683 new complaints.": "[یہاں کلک کریں](https://evil.example/) 47683۔"})
    result = run(root, "approve", "mango", "--reviewer", "R", "--segment", "0bb79bf6")
    assert result.exit_code == 1 and "0bb79bf6 names 2 segments" in result.output
    assert approvals_text(root) == ""
    run(root, "approve", "mango", "--reviewer", "R", "--all")  # approves the faithful one, not the one with findings
    text = approvals_text(root)
    assert sum(line.startswith("0bb79bf6") for line in text.splitlines()) == 1
    assert "ur/mango: held" in run(root, "publish").stderr


def test_the_translator_may_not_approve_their_own_work_even_when_the_header_changes_later(translated):
    assert run(translated, "approve", "mango", "--reviewer", "Saima Anwar", "--all").exit_code == 0
    po_path = translated / "translations" / "ur" / "mango.po"
    po_path.write_text(po_path.read_text().replace("Last-Translator: Urdu desk", "Last-Translator: Saima Anwar"))
    result = run(translated, "publish")
    assert "approved by Saima Anwar, the catalog's Last-Translator" in result.stderr
    assert not (translated / "dist" / "ur" / "mango.html").exists()


def test_invisible_characters_written_as_character_references_are_refused(translated, make_site):
    fill_catalog(translated / "translations" / "ur" / "mango.po", {"Multan": "ملتان&#x202E;"})
    result = run(translated, "check")
    assert result.exit_code == 1 and "U+202E" in result.stderr
    path = translated / "articles" / "mango.md"
    path.write_text(path.read_text().replace("Mango growers", "Mango&#8203; growers"))
    assert "stands for the invisible character U+200B" in run(translated, "check").stderr


def test_a_forged_line_before_a_good_one_does_not_hide_it_and_names_are_shown_as_listed(translated):
    assert run(translated, "approve", "mango", "--reviewer", "saima  anwar", "--all").exit_code == 0
    path = translated / "translations" / "ur" / "mango.approvals"
    lines = path.read_text().splitlines()
    forged = [line.replace("\tSaima Anwar\t", "\tMallory\t") for line in lines if not line.startswith("#")]
    path.write_text("\n".join([*lines[:3], *forged, *lines[3:]]) + "\n")
    assert run(translated, "publish").exit_code == 0
    assert metas(translated / "dist" / "ur" / "mango.html")["reviewed-by"] == "Saima Anwar"
