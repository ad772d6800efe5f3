"""kill -9 at random moments of a publish, a sync and an approval: everything left on disk is whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from babel.messages.pofile import read_po
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.cli import main
from pipeline.translation.approvals import read_approvals
from tests.conftest import article_text
from tests.urdu_fixture import fill_catalog

KILLS = 6


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def duration(root: Path, *args: str) -> float:
    """How long the command takes to run to the end here: kills are timed inside that span."""
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "--root", str(root), *args], capture_output=True)
    return time.monotonic() - started


def kill_at(process: subprocess.Popen, seconds: float) -> bool:
    """Kill the process group after `seconds`; True when it was still at work then."""
    time.sleep(seconds)
    running = process.poll() is None
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the build and its worker processes
    except ProcessLookupError:
        pass
    process.wait()
    return running


def assert_outputs_whole(out: Path) -> None:
    for path in out.rglob("*"):
        if not path.is_file() or (path.name.startswith(".") and path.name.endswith(".tmp")):
            continue  # a temp file is not an output; the next build removes it
        data = path.read_bytes()
        if path.suffix == ".html":
            assert data.rstrip().endswith(b"</html>"), path
        elif path.suffix == ".pdf":
            assert data.rstrip().endswith(b"%%EOF"), path
            assert len(PdfReader(path).pages) >= 1
        elif path.suffix == ".json":
            import json

            json.loads(data)


def assert_translations_whole(root: Path) -> None:
    for po in (root / "translations" / "ur").glob("*.po"):
        with po.open("rb") as handle:
            read_po(handle, abort_invalid=True)
        result = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(po)], capture_output=True)
        assert result.returncode == 0, (po, result.stderr)
    for approvals in (root / "translations" / "ur").glob("*.approvals"):
        _, problems = read_approvals(approvals, approvals.name)
        assert problems == []


def test_killed_publishes_leave_only_whole_files(make_site):
    files = {f"articles/story-{i}.md": article_text(headline=f"Story number {i}", date=f"2026-03-{i + 1:02d}")
             for i in range(8)}
    root = make_site(files, english_only=True)
    rng = random.Random(20261126)
    full = duration(root, "build", "-q", "--jobs", "2", "--force", "--out", str(root / "timing"))
    interrupted = 0
    for _ in range(KILLS):
        interrupted += kill_at(start(root, "publish", "-q", "--jobs", "2"), rng.uniform(0.1, 0.9) * full)
        assert_outputs_whole(root / "dist")
        (root / "articles" / "story-3.md").write_text(article_text(headline=f"Edited {rng.random()}"))
    assert interrupted >= KILLS // 2, "most kills should land while the publish is at work"
    final = CliRunner().invoke(main, ["--root", str(root), "publish", "-q"])
    assert final.exit_code == 0, final.output
    assert_outputs_whole(root / "dist")
    assert not list((root / "dist").rglob(".*.tmp"))
    assert len(list((root / "dist" / "en").glob("*.pdf"))) == 8


def test_killed_syncs_and_approvals_leave_catalogs_whole(make_site):
    files = {f"articles/story-{i}.md": article_text(headline=f"Story number {i}") for i in range(30)}
    root = make_site(files)
    runner = CliRunner()
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    for i in range(30):
        fill_catalog(root / "translations" / "ur" / f"story-{i}.po")
    rng = random.Random(7)
    for i in range(30):
        (root / "articles" / f"story-{i}.md").write_text(article_text(headline=f"Story number {i}, timing"))
    full = duration(root, "translate")
    interrupted = 0
    for round_ in range(KILLS):
        for i in range(30):  # change the English so that every catalog is rewritten
            (root / "articles" / f"story-{i}.md").write_text(
                article_text(headline=f"Story number {i}, version {round_}"))
        interrupted += kill_at(start(root, "translate"), rng.uniform(0.1, 0.9) * full)
        assert_translations_whole(root)
        process = start(root, "approve", "story-1", "--reviewer", "R", "--all")
        kill_at(process, rng.uniform(0.0, 0.6))
        assert_translations_whole(root)
    assert interrupted >= KILLS // 2, "most kills should land while the sync is at work"
    assert runner.invoke(main, ["--root", str(root), "translate"]).exit_code == 0
    assert_translations_whole(root)
    assert not list((root / "translations").rglob(".*.tmp"))
