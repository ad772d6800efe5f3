"""Tags reach Urdu readers only through review (issue 16): `translate` writes translations/<lang>/tags.po,
reviewers approve its entries like interface strings, `approved_tags` gives only what a trusted reviewer
approved, `status` lists the tags waiting, and each tag's page address (`tag_slug`) is checked."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from pipeline import cli
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.sources.articles import load_articles
from pipeline.translation.approvals import Approval, pair_hash
from pipeline.translation.po import dumps as po_dumps
from pipeline.translation.po import parse as po_parse
from pipeline.translation.segments import segment_id
from pipeline.translation.tags import (
    approved_tags,
    tag_slug,
    tag_slugs,
    tags_in,
    tags_in_use,
    waiting_tags,
)
from tests.conftest import article_text
from tests.urdu_fixture import fill_catalog, read_catalog

needs_gettext = pytest.mark.skipif(not (shutil.which("msgcat") and shutil.which("msgfmt")),
                                   reason="GNU gettext (msgcat, msgfmt) is not installed")
TAGS_LINE = 11  # the line of tags: in conftest's article
URDU_TAGS = {"agriculture": "زراعت", "climate": "موسمیات", "ports": "بندرگاہیں", "Punjab": "پنجاب"}


def run(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input, catch_exceptions=False)


def with_tags(tags: str, headline: str = "Early Mango Harvest in Multan", **changes: str) -> str:
    text = article_text(headline).replace("tags: [agriculture]", f"tags: {tags}")
    for field, value in changes.items():
        text = text.replace("summary:", f"{field}: {value}\nsummary:", 1)
    return text


def po_path(root: Path) -> Path:
    return root / "translations" / "ur" / "tags.po"


def approvals_path(root: Path) -> Path:
    return root / "translations" / "ur" / "tags.approvals"


@pytest.fixture
def site(make_site) -> Path:
    """Two Urdu articles and an English-only one; the tags translated, nothing approved yet."""
    root = make_site({
        "articles/mango.md": with_tags("[agriculture, climate, Punjab]"),
        "articles/port.md": with_tags("[ports, climate]", "Karachi Port Adds Cranes"),
        "articles/local.md": with_tags("[english-only]", "A Local Story", languages="[en]"),
    })
    assert run(root, "translate").exit_code == 0
    fill_catalog(po_path(root), URDU_TAGS)
    return root


def hand_approval(root: Path, tag: str, translation: str, reviewer: str = "R") -> None:
    """An approval line as `approve` writes it, added by hand (for pairs and names `approve` refuses)."""
    line = Approval(segment_id("tag", tag), pair_hash("tag", tag, translation), reviewer, "2026-12-01T00:00:00Z")
    with approvals_path(root).open("a", encoding="utf-8") as out:
        out.write(line.line() + "\n")


# --- the catalog --------------------------------------------------------------------------------------------

def test_translate_writes_one_sorted_entry_per_tag_in_use_with_a_reference(site):
    catalog = read_catalog(po_path(site))
    entries = [e for e in catalog.entries if e.msgid]
    assert [e.msgid for e in entries] == ["Punjab", "agriculture", "climate", "ports"]  # msgcat's order
    assert {e.msgctxt for e in entries} == {"tag"}
    assert {e.msgid: e.references for e in entries}["ports"] == [f"articles/port.md:{TAGS_LINE}"]
    assert {e.msgid: e.references for e in entries}["climate"] == [f"articles/mango.md:{TAGS_LINE}"]
    assert f"segment {segment_id('tag', 'ports')} (tag)" in entries[-1].extracted_comments
    assert "english-only" not in po_path(site).read_text()  # no Urdu edition uses it


@needs_gettext
def test_tags_po_is_what_gnu_gettext_and_polib_read_through_every_change(site, tmp_path):
    path = po_path(site)
    steps = [("[agriculture, climate, Punjab]", "[ports, climate, harvest]"),  # agriculture and Punjab go
             ("[ports, climate, harvest]", "[agriculture, ports, climate, harvest]")]  # agriculture comes back
    for old, new in steps:
        mango = site / "articles" / "mango.md"
        mango.write_text(mango.read_text().replace(old, new))
        before = path.read_bytes()
        assert run(site, "translate").exit_code == 0
        assert body(path.read_bytes()) == msgmerge(before, path.read_bytes(), tmp_path)  # entries as msgmerge
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        for options in ([], ["--sort-output"]):
            assert subprocess.run(["msgcat", *options, str(path)], capture_output=True).stdout == path.read_bytes()
        theirs = {e.msgid: e for e in polib.pofile(str(path))}
        assert all(e.msgctxt == "tag" for e in theirs.values())
        assert theirs["climate"].msgstr == URDU_TAGS["climate"] and not theirs["harvest"].msgstr
    theirs = {e.msgid: e for e in polib.pofile(str(path))}
    assert theirs["Punjab"].obsolete and theirs["Punjab"].msgstr == "پنجاب"  # kept as #~ for the translator
    assert theirs["Punjab"].occurrences == [] and not theirs["Punjab"].comment  # as msgmerge leaves it
    assert not theirs["agriculture"].obsolete and theirs["agriculture"].msgstr == "زراعت"  # revived
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    assert "unchanged translations/ur/tags.po" in run(site, "translate").output
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp


def body(data: bytes) -> bytes:
    """A catalog without its header entry."""
    return data.split(b"\n\n", 1)[1]


def msgmerge(old: bytes, new: bytes, folder: Path) -> bytes:
    """What GNU msgmerge makes of the old catalog and a template of the new one's entries (without header)."""
    template = po_parse(new, "new")
    template.entries = [dataclasses.replace(e, msgstr="", translator_comments=[], flags=[])
                        for e in template.entries if not e.obsolete]
    (folder / "old.po").write_bytes(old)
    (folder / "new.pot").write_bytes(po_dumps(template))
    merged = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(folder / "old.po"),
                             str(folder / "new.pot")], capture_output=True, check=True).stdout
    return body(merged)


def test_an_untranslated_tag_no_longer_used_is_dropped_and_the_catalog_is_no_orphan(site):
    (site / "articles" / "port.md").write_text(with_tags("[climate, harvest]", "Karachi Port Adds Cranes"))
    result = run(site, "translate")
    assert result.exit_code == 0 and "does not exist" not in result.output  # tags.po is not an article's
    (site / "articles" / "port.md").write_text(with_tags("[climate]", "Karachi Port Adds Cranes"))
    run(site, "translate")
    text = po_path(site).read_text()
    assert "harvest" not in text and '#~ msgid "ports"' in text


def test_no_article_may_take_the_slug_of_the_tags_catalog(make_site):
    root = make_site({"articles/tags.md": article_text()})
    result = run(root, "check")
    assert result.exit_code == 1 and 'articles/tags.md:1: slug: "tags" is a name the pipeline keeps' in result.stderr


# --- approval -----------------------------------------------------------------------------------------------

def test_translate_fill_approve_gives_the_translation_and_english_maps_to_itself(site):
    config = load_config(site)
    assert approved_tags(config, "ur") == {}
    result = run(site, "approve", "--tags", "--reviewer", "Saima Anwar", "--all")
    assert result.exit_code == 0 and "approved 4 segment(s) of ur/tags as Saima Anwar" in result.output
    assert "\tSaima Anwar\t" in approvals_path(site).read_text()
    assert approved_tags(config, "ur") == URDU_TAGS
    assert approved_tags(config, "ur", ["climate", "harvest"]) == {"climate": "موسمیات"}
    assert approved_tags(config, "en") == {t: t for t in ["Punjab", "agriculture", "climate", "english-only", "ports"]}
    assert approved_tags(config, "en", ["ports"]) == {"ports": "ports"}


def test_only_an_unchanged_pair_approved_by_a_listed_reviewer_other_than_the_translator_counts(site):
    assert run(site, "approve", "--tags", "--reviewer", "R", "--segment", segment_id("tag", "climate"),
               "--segment", segment_id("tag", "ports")).exit_code == 0
    hand_approval(site, "agriculture", URDU_TAGS["agriculture"], reviewer="Mallory")  # not on the list
    hand_approval(site, "Punjab", URDU_TAGS["Punjab"], reviewer="Urdu desk")  # not on the list either
    config = load_config(site)
    assert approved_tags(config, "ur") == {"climate": "موسمیات", "ports": "بندرگاہیں"}
    fill_catalog(po_path(site), {"ports": "بندرگاہ"})  # changed after approval
    assert approved_tags(config, "ur") == {"climate": "موسمیات"}
    # self-review: the reviewer is the catalog's Last-Translator
    (site / "publication.yaml").write_text("reviewers:\n  ur: [R, Urdu desk]\n")
    assert set(approved_tags(config := load_config(site), "ur")) == {"climate"}
    po_path(site).write_text(po_path(site).read_text().replace("Last-Translator: Urdu desk", "Last-Translator: R"))
    assert approved_tags(config, "ur") == {"Punjab": "پنجاب"}  # Urdu desk's line counts now, R's do not
    result = run(site, "approve", "--tags", "--reviewer", "R", "--all")
    assert result.exit_code == 1 and "R is the catalog's Last-Translator" in result.output
    # a translator's fuzzy mark takes an approved pair off the page until it is cleared
    po_path(site).write_text(po_path(site).read_text().replace("Last-Translator: R", "Last-Translator: Urdu desk"))
    assert "climate" in approved_tags(config, "ur")
    po_path(site).write_text(po_path(site).read_text().replace('msgctxt "tag"\nmsgid "climate"',
                                                               '#, fuzzy\nmsgctxt "tag"\nmsgid "climate"'))
    assert "climate" not in approved_tags(config, "ur")


@pytest.mark.parametrize("translation", ['<a href="x">زراعت</a>', "زراعت\nhttps://evil.example", "زراعت&#x202E;",
                                         "زراعت\u202e"])
def test_a_translation_with_markup_a_break_or_an_invisible_character_is_never_approved(site, translation):
    fill_catalog(po_path(site), {"agriculture": translation})
    hand_approval(site, "agriculture", translation)
    assert "agriculture" not in approved_tags(load_config(site), "ur")
    result = run(site, "approve", "--tags", "--reviewer", "R", "--all")
    line = next(e.line for e in read_catalog(po_path(site)).entries if e.msgid == "agriculture")
    assert result.exit_code == 1 and f"translations/ur/tags.po:{line}: the translation of " in result.output
    assert run(site, "check").exit_code == 1


def test_a_reviewer_with_a_key_counts_only_with_a_signature(site, tmp_path):
    key = tmp_path / "saima"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    public = " ".join(key.with_suffix(".pub").read_text().split()[:2])
    (site / "publication.yaml").write_text(f"reviewers:\n  ur:\n    - name: Saima Anwar\n      key: {public}\n")
    hand_approval(site, "ports", URDU_TAGS["ports"], reviewer="Saima Anwar")  # unsigned
    assert approved_tags(load_config(site), "ur") == {}
    assert run(site, "approve", "--tags", "--reviewer", "Saima Anwar", "--all").exit_code == 1  # no --key
    result = run(site, "approve", "--tags", "--reviewer", "Saima Anwar", "--all", "--key", str(key))
    assert result.exit_code == 0 and "sshsig:" in approvals_path(site).read_text()
    assert approved_tags(load_config(site), "ur") == URDU_TAGS


def test_approve_and_review_name_the_tags_and_show_lint(site, monkeypatch):
    assert run(site, "approve", "mango", "--tags", "--reviewer", "R", "--all").exit_code == 2
    result = run(site, "approve", "--tags", "--reviewer", "R", "--segment", "12345678")
    assert result.exit_code == 1 and "`pipeline review --tags --lang ur` lists them" in result.output
    fill_catalog(po_path(site), {"climate": "موسميات"})  # an Arabic yeh
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    result = run(site, "review", "--tags", "--reviewer", "R", input="s\na\ns\ns\n")
    assert "ur/tags: 4 segment(s) awaiting approval" in result.output
    assert f"segment {segment_id('tag', 'climate')} (tag, translations/ur/tags.po:" in result.output
    assert "lint (fix)" in result.output and "approved 1, skipped 3" in result.output
    assert list(approved_tags(load_config(site), "ur")) == ["agriculture"]  # the second one shown
    assert "Arabic yeh" in run(site, "check").stderr  # check lints the tags too
    result = run(site, "translate", "--fix-letters")
    assert "fixed translations/ur/tags.po: segment" in result.output and "Arabic yeh" in result.output
    assert "موسمیات" in po_path(site).read_text()


# --- what waits ---------------------------------------------------------------------------------------------

def test_status_lists_the_tags_waiting_for_review_and_for_translation(site):
    (site / "articles" / "port.md").write_text(with_tags("[ports, climate, harvest]", "Karachi Port Adds Cranes"))
    assert run(site, "approve", "--tags", "--reviewer", "R", "--segment", segment_id("tag", "climate")).exit_code == 0
    result = run(site, "status")
    assert result.exit_code == 0
    row = next(line.split() for line in result.output.splitlines() if line.startswith("(tags)"))
    assert row == ["(tags)", "ur", "5", "4", "0", "1", "no"]  # harvest: not in tags.po until translate runs
    assert "ur: tags waiting for review: Punjab, agriculture, ports" in result.output
    assert "ur: tags waiting for translation: harvest" in result.output
    config = load_config(site)
    assert waiting_tags(config, "ur", tags_in(config, "ur")) == ["Punjab", "agriculture", "harvest", "ports"]
    assert waiting_tags(config, "en", ["ports"]) == []
    json_row = next(r for r in json.loads(run(site, "status", "--json").output) if r["slug"] == "(tags)")
    assert json_row["waiting"] == {"review": ["Punjab", "agriculture", "ports"], "translation": ["harvest"]}


def test_a_withdrawn_story_and_an_english_only_one_bring_no_tag_to_urdu(site):
    mango = site / "articles" / "mango.md"
    mango.write_text(mango.read_text().replace("summary:", "status: withdrawn\nwithdrawal_note: Wrong.\nsummary:"))
    config = load_config(site)
    assert tags_in(config, "ur") == ["climate", "ports"]
    assert tags_in(config) == ["climate", "english-only", "ports"]


# --- page addresses -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("tag", "slug"), [("Climate change", "climate-change"), ("climate", "climate"),
                                           ("São Paulo", "sao-paulo"), ("  COVID-19 / health ", "covid-19-health"),
                                           ("Women's rights", "women-s-rights"), ("C++", "c"), ("ملتان", ""),
                                           ("--", "")])
def test_tag_slug_is_lowercase_ascii_with_hyphens(tag, slug):
    assert tag_slug(tag) == slug


def test_tags_sharing_an_address_or_without_one_are_reported_with_file_and_line(make_site):
    root = make_site({
        "articles/a.md": with_tags("[Climate change, ports, energy]"),
        "articles/b.md": with_tags("[climate-change, ملتان]", "Another Story"),
        "articles/c.md": with_tags("[ports, Ports]", "A Third Story"),
        "articles/d.md": with_tags(f"[{'long ' * 20}]", "A Fourth Story"),
    })
    articles = load_articles(load_config(root))[0]
    slugs, problems = tag_slugs(articles)
    assert slugs == {"energy": "energy"}  # the others have no address of their own
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"articles/a.md:{TAGS_LINE}: tags: tag 'Climate change' and tag 'climate-change' "
                            f"(articles/b.md:{TAGS_LINE}) would share one page (tags/climate-change/)")
               for m in messages), messages
    assert any(m.startswith(f"articles/b.md:{TAGS_LINE}: tags: tag 'climate-change' and tag 'Climate change' "
                            f"(articles/a.md:{TAGS_LINE})") for m in messages), messages
    assert any(m.startswith(f"articles/b.md:{TAGS_LINE}: tags: tag 'ملتان' has no letter a-z") for m in messages)
    assert any(f"tag 'Ports' and tag 'ports' (articles/a.md:{TAGS_LINE})" in m for m in messages), messages
    assert any(m.startswith(f"articles/d.md:{TAGS_LINE}: tags: tag 'long long") and "is too long for a page "
               "address (99 characters, the limit is 80)" in m for m in messages), messages
    assert tags_in_use(articles)["Ports"].path == "articles/c.md"
    result = run(root, "check")
    assert result.exit_code == 1 and f"articles/a.md:{TAGS_LINE}: tags: tag 'Climate change'" in result.stderr


def test_a_tag_ending_in_a_full_stop_is_not_asked_for_one_in_urdu(make_site):
    root = make_site({"articles/mango.md": with_tags('["Pakistan Inc."]')})
    assert run(root, "translate").exit_code == 0
    fill_catalog(po_path(root), {"Pakistan Inc.": "پاکستان انکارپوریٹڈ"})
    result = run(root, "check")
    assert "tags.po: tag 'Pakistan Inc.'" not in result.stderr  # a label, as headings are: no ۔ wanted
    fill_catalog(po_path(root), {"Pakistan Inc.": "پاکستان انکارپوريٹڈ"})  # an Arabic yeh
    assert "tags.po: tag 'Pakistan Inc.'" in run(root, "check").stderr  # the lint does run on tags
