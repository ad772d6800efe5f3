"""kill -9 at exact points of the one writer, during a publish, a sync and an approval: everything left on
disk is whole, and the next run completes.

The fault is injected at named points of `pipeline.runtime.atomic` (`PIPELINE_FAULT=NAME:N`: the process
kills itself the Nth time it reaches NAME), never timed with a clock. A writer that skipped the
temp-and-rename step would never reach the points, and these tests would fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.runtime.atomic import TEMP_PREFIX
from pipeline.translation.approvals import parse_approvals
from tests.conftest import article_text
from tests.urdu_fixture import URDU, fill_catalog, read_catalog

POINTS = ("temp-written", "before-rename", "after-rename")


def killed_run(root: Path, fault: str, *args: str) -> int:
    """Run the command with the fault armed; its exit status (-9 when the fault killed it)."""
    env = {**os.environ, "PIPELINE_FAULT": fault}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args], env=env,
                          capture_output=True, timeout=300).returncode


def assert_outputs_whole(out: Path) -> None:
    for path in out.rglob("*"):
        if not path.is_file() or path.name.startswith(TEMP_PREFIX):
            continue  # a temp file is not an output; the next build removes it
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), path
            assert len(PdfReader(path).pages) >= 1
        elif path.suffix == ".json":
            json.loads(data)


def assert_translations_whole(root: Path) -> None:
    for po in (root / "translations" / "ur").glob("*.po"):
        read_catalog(po)
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True)
        assert result.returncode == 0, (po, result.stderr)
    for approvals in (root / "translations" / "ur").glob("*.approvals"):
        _, problems = parse_approvals(approvals.read_bytes(), approvals.name)
        assert problems == []


@pytest.mark.parametrize("point", POINTS)
def test_a_publish_killed_at_each_point_of_the_writer_leaves_only_whole_files(make_site, point):
    files = {f"articles/story-{i}.md": article_text(headline=f"Story number {i}", date=f"2026-03-{i + 1:02d}")
             for i in range(4)}
    root = make_site(files, english_only=True)
    assert CliRunner().invoke(main, ["--root", str(root), "publish", "-q", "--jobs", "1"]).exit_code == 0
    for n, edit in ((1, 0), (2, 1), (4, 2)):
        (root / "articles" / f"story-{edit}.md").write_text(article_text(headline=f"Edited {n}"))
        assert killed_run(root, f"{point}:{n}", "publish", "-q", "--jobs", "1") == -9
        assert_outputs_whole(root / "dist")
    final = CliRunner().invoke(main, ["--root", str(root), "publish", "-q", "--jobs", "1"])
    assert final.exit_code == 0, final.output
    assert_outputs_whole(root / "dist")
    assert not [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]
    assert len(list((root / "dist" / "en").glob("*.pdf"))) == 4
    assert "Edited 4" in (root / "dist" / "en" / "story-2.html").read_text()


def test_a_worker_killed_mid_write_is_reported_and_the_next_publish_completes(make_site):
    files = {f"articles/story-{i}.md": article_text(headline=f"Story number {i}") for i in range(3)}
    root = make_site(files, english_only=True)
    env = {**os.environ, "PIPELINE_FAULT": "before-rename:2"}
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), "publish", "--jobs", "2"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode in (1, -9), result.stderr
    assert "Traceback" not in result.stderr
    assert_outputs_whole(root / "dist")
    final = CliRunner().invoke(main, ["--root", str(root), "publish", "-q"])
    assert final.exit_code == 0, final.output
    assert len(list((root / "dist" / "en").glob("*.pdf"))) == 3


@pytest.mark.parametrize("point", POINTS)
def test_syncs_and_approvals_killed_at_each_point_leave_catalogs_whole(make_site, point):
    files = {f"articles/story-{i}.md": article_text(headline=f"Story number {i}") for i in range(4)}
    root = make_site(files)
    runner = CliRunner()
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    for i in range(4):
        fill_catalog(root / "translations" / "ur" / f"story-{i}.po")
    before = {p.name: p.read_bytes() for p in (root / "translations" / "ur").glob("*.po")}
    assert killed_run(root, f"{point}:1", "approve", "story-0", "--reviewer", "R", "--all") == -9
    assert_translations_whole(root)
    for round_ in range(2):
        for i in range(4):  # change the English so that every catalog is rewritten
            (root / "articles" / f"story-{i}.md").write_text(article_text(headline=f"Story {i}, version {round_}"))
        assert killed_run(root, f"{point}:{round_ + 2}", "translate") == -9
        assert_translations_whole(root)
        assert killed_run(root, f"{point}:1", "approve", "story-1", "--reviewer", "R", "--all") in (0, -9)
        assert_translations_whole(root)
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    assert_translations_whole(root)
    assert not [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]
    after = {p.name: read_catalog(p) for p in (root / "translations" / "ur").glob("*.po")}
    del after["tags.po"], before["tags.po"]  # whole (checked above); no tag was translated: nothing to lose
    assert set(after) == set(before)
    wanted = {text for source, text in URDU.items() if source != "Early Mango Harvest in Multan"}
    for catalog in after.values():  # no translator's work lost: every translation is still there
        assert {e.msgstr for e in catalog.entries if e.msgstr} >= wanted
