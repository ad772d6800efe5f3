"""File stamps stand for a content hash only while they cannot lie: every edit is still seen.

A build whose clock is an hour ahead (`pipeline.runtime.stamps.clock`) lets the stamps of files the test just
wrote vouch for them, as files written long before a build do; each test then edits a file the way a
person or a tool would and checks that the next build sees it.
"""

from __future__ import annotations

import os
import time

import pytest
from click.testing import CliRunner

from pipeline.build import outputs
from pipeline.build import run as run_module
from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.runtime import stamps
from pipeline.runtime.stamps import ABSENT, TICK_NS, stamp, stamp_or_absent
from tests.conftest import article_text
from tests.test_hostile import png
from tests.urdu_fixture import fill_catalog, mango_and_rain

HOUR = 3600 * 10**9


def test_a_stamp_vouches_only_for_a_regular_file_changed_well_before_the_build(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one")
    later = time.time_ns() + HOUR
    assert stamp(path, later) is not None
    assert stamp(path, time.time_ns()) is None  # changed within a tick of the build's start: read it
    assert stamp(path, 0) is None  # no build start given: nothing vouches
    assert stamp(tmp_path / "missing", later) is None and stamp_or_absent(tmp_path / "missing", later) == ABSENT
    assert stamp_or_absent(tmp_path / "missing", 0) is None
    (tmp_path / "link.md").symlink_to(path)
    assert stamp(tmp_path / "link.md", later) is None and stamp(tmp_path, later) is None
    assert TICK_NS >= 2 * 10**9


def test_any_write_changes_the_stamp_even_with_the_same_size_and_time(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("one")
    info = os.stat(path)
    before = stamp(path, time.time_ns() + HOUR)
    while os.stat(path).st_ctime_ns == info.st_ctime_ns:  # the next tick of the file clock (a few ms)
        path.chmod(0o644)
        time.sleep(0.001)
    with open(path, "r+") as f:
        f.write("two")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # the old modification time, put back
    assert os.stat(path).st_size == info.st_size and os.stat(path).st_mtime_ns == info.st_mtime_ns
    assert stamp(path, time.time_ns() + HOUR) != before  # the change time moved, and nobody can set it back


@pytest.fixture
def site(make_site, monkeypatch):
    root = mango_and_rain(make_site)
    monkeypatch.setattr(stamps, "clock", lambda: time.time_ns() + HOUR)
    config = load_config(root)
    for _ in range(2):  # the first build writes the outputs; the second hashes them and records their stamps
        assert not build(config, jobs=1, formats=("html",)).problems
    return config


def _counting_reads(monkeypatch) -> list[str]:
    reads: list[str] = []
    real = run_module.read_article_bytes

    def counted(path, config):
        reads.append(path.name)
        return real(path, config)

    monkeypatch.setattr(run_module, "read_article_bytes", counted)
    return reads


def _in_place(path, old: str, new: str) -> None:
    """Rewrite a file in place (same inode), as an editor saving over it does."""
    text = path.read_text(encoding="utf-8")
    assert old in text and len(new.encode()) == len(old.encode())
    with open(path, "r+", encoding="utf-8") as f:
        f.write(text.replace(old, new))


def _later(path) -> None:
    """Wait until the file clock has moved past the file's last change (a few ms)."""
    changed = os.stat(path).st_ctime_ns
    probe = path.parent / ".clock-probe"
    while True:
        probe.write_text("x")
        if os.stat(probe).st_ctime_ns > changed:
            probe.unlink()
            return
        time.sleep(0.001)


def test_nothing_changed_reads_no_article_and_writes_no_state(site, monkeypatch):
    reads = _counting_reads(monkeypatch)
    hashed: list[str] = []
    monkeypatch.setattr(outputs, "hash_file", lambda path: hashed.append(path.name) or "")
    state = [p for p in (site.root / ".pipeline").rglob("*.json")]
    times = {p: p.stat().st_mtime_ns for p in state}
    report = build(site, jobs=1, formats=("html",))
    assert reads == [] and hashed == [] and not report.written and report.kept
    assert {p: p.stat().st_mtime_ns for p in state} == times  # cache and manifest were not rewritten


def test_a_same_size_edit_of_an_article_is_seen(site, monkeypatch):
    reads = _counting_reads(monkeypatch)
    path = site.articles_dir / "rain.md"
    _later(path)
    _in_place(path, "Lahore", "Karach")
    report = build(site, jobs=1, formats=("html",))
    assert set(reads) == {"rain.md"}  # only the edited article is read (to compare, then to load it)
    assert "en/rain.html" in report.written
    assert "Karach" in (site.default_out / "en" / "rain.html").read_text(encoding="utf-8")


def test_a_same_size_edit_of_a_catalog_or_its_approvals_is_seen(site):
    po = site.translations_dir / "ur" / "mango.po"
    _later(po)
    text = po.read_text(encoding="utf-8")
    fill_catalog(po, {"Multan": "ملتان"[::-1]})  # a translator's edit the reviewer has not seen
    assert po.read_text(encoding="utf-8") != text
    report = build(site, jobs=1, formats=("html",))
    assert any(h.slug == "mango" and h.lang == "ur" for h in report.held)
    approvals = site.translations_dir / "ur" / "mango.approvals"
    po.write_text(text, encoding="utf-8")  # back as it was: approved again, published again
    assert not build(site, jobs=1, formats=("html",)).problems
    _later(approvals)
    line = next(line for line in approvals.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    _in_place(approvals, line, ("1" if line[0] == "0" else "0") + line[1:])  # one approval now names no segment
    report = build(site, jobs=1, formats=("html",))
    assert any(h.slug == "mango" and h.lang == "ur" for h in report.held)


def test_an_output_edited_in_place_is_written_again(site):
    page = site.default_out / "en" / "mango.html"
    good = page.read_bytes()
    _later(page)
    with open(page, "r+b") as f:
        f.write(b"<!-- tampered -->")
    assert page.read_bytes() != good
    report = build(site, jobs=1, formats=("html",))
    assert "en/mango.html" in report.written and page.read_bytes() == good


def test_a_file_changed_just_before_the_build_is_read_again(site, monkeypatch):
    monkeypatch.setattr(stamps, "clock", time.time_ns)  # the real clock: the edit is within a tick of it
    reads = _counting_reads(monkeypatch)
    path = site.articles_dir / "mango.md"
    os.utime(path)
    build(site, jobs=1, formats=("html",))
    assert "mango.md" in reads


def test_an_image_replaced_by_one_of_the_same_size_is_seen(make_site, monkeypatch):
    root = make_site({"articles/photo.md": article_text(body="![A field](charts/field.png)\n\nText.\n"),
                      "articles/charts/field.png": png(40, 20)}, english_only=True)
    monkeypatch.setattr(stamps, "clock", lambda: time.time_ns() + HOUR)
    config = load_config(root)
    for _ in range(2):
        assert not build(config, jobs=1, formats=("html",)).problems
    image = root / "articles" / "charts" / "field.png"
    _later(image)
    replacement = png(41, 20)
    assert len(replacement) == image.stat().st_size
    with open(image, "r+b") as f:
        f.write(replacement)
    report = build(config, jobs=1, formats=("html",))
    assert any(rel.endswith("field.png") for rel in report.written)



def test_the_build_stamps_the_very_files_the_catalog_paths_name(site):
    from pipeline.translation.approvals import approvals_path
    from pipeline.translation.catalogs import catalog_path

    folder = str(site.translations_dir)  # `plan.inputs_seen` spells these paths as strings
    assert str(catalog_path(site, "ur", "mango")) == f"{folder}/ur/mango.po"
    assert str(approvals_path(site.translations_dir, "ur", "mango")) == f"{folder}/ur/mango.approvals"


def test_listings_and_urdu_pages_are_kept_until_a_tag_translation_is_approved(site, monkeypatch):
    tags_po = site.translations_dir / "ur" / "tags.po"
    fill_catalog(tags_po, {"agriculture": "زراعت"})
    made: list[int] = []
    real = run_module.write_indexes
    monkeypatch.setattr(run_module, "write_indexes", lambda *a, **k: made.append(1) or real(*a, **k))
    for _ in range(2):
        assert not build(site, jobs=1, formats=("html",)).problems
    assert made == [1]  # the second build kept every listing, feed and search file without making them
    page = site.default_out / "ur" / "tags" / "agriculture" / "index.html"
    assert not page.exists()  # translated, not approved: no Urdu page
    result = CliRunner().invoke(main, ["--root", str(site.root), "approve", "--tags", "--reviewer", "R", "--all"])
    assert result.exit_code == 0, result.output
    report = build(site, jobs=1, formats=("html",))
    assert made == [1, 1] and page.is_file() and "زراعت" in page.read_text(encoding="utf-8")
    assert "ur/tags/agriculture/index.html" in report.written
    assert "ur/mango.html" in report.written  # its page links the tag now, in Urdu
    story = (site.default_out / "ur" / "mango.html").read_text(encoding="utf-8")
    assert '<a href="tags/agriculture/index.html" rel="tag">زراعت</a>' in story
    assert '<meta name="keywords" content="زراعت">' in story
    assert "agriculture" not in story.replace("tags/agriculture/index.html", "")  # the English word never shows
