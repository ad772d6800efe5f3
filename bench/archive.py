"""The archive at scale (issue 16): no-op builds and checks, one new story, a full build of a big archive, Dask.

In: --sizes (default 100,1000,10000) for English archives built HTML only (dated 40 stories a day, tagged by
place and topic: `corpus.make_corpus(archive=True)`), --big N (default 0: skipped; 100000 for the issue's
figure) for the full-build row, --dask N (default 0) for the Dask row; or `--one ROOT OUT [--scheduler A]`,
which runs one build in this process and prints its time and peak memory as JSON (each measured build runs
in a fresh process, so that peaks are its own).
Out: figures as a dict (`measure`) and rows (`rows`): the no-op build and the no-op `check` per size (steady:
the best of the runs after the first no-op, which records the stamps) and their ratios to the smallest size;
listing pages written per language when one story joins the biggest archive; seconds per article of a full
build and its peak memory (the build process plus its largest child: a worker or Pagefind), build state bytes
per article; Dask's build against the process pool's, compared file by file.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from corpus import article_text, make_corpus

VENV_BIN = Path(sys.executable).parent
NOOP_RUNS = 4


def one_build(root: Path, out: Path, scheduler: str | None) -> dict[str, object]:
    """One HTML build in this process (or on a Dask scheduler): seconds, peaks (KB), what it wrote."""
    from pipeline.build.run import build  # imported here: the measuring parent need not load the pipeline
    from pipeline.config import load_config

    executor, client = None, None
    if scheduler:
        from pipeline.runtime.dask import connect

        client, executor = connect(scheduler)
    start = time.perf_counter()
    report = build(load_config(root), formats=("html",), out=out, jobs=2, executor=executor)
    seconds = time.perf_counter() - start
    if client is not None:
        client.close()
    return {"seconds": seconds, "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            "child_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "written": len(report.written),
            "listing": report.listing_pages_written(), "problems": len(report.problems),
            "written_files": report.written}


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def _pss_kb(pid: int) -> tuple[str, int]:
    """A process's name and proportional set size: shared pages counted once across the processes sharing them."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return name, int(line.split()[1])
    except (OSError, ValueError):
        pass
    return "", 0


class TreeMemory(threading.Thread):
    """Samples the summed PSS of a process and all its descendants every 20 ms: the real concurrent peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.done = pid, threading.Event()
        self.peak_kb, self.at_peak, self.main_kb, self.largest_child_kb = 0, {}, 0, 0

    def run(self) -> None:
        while not self.done.wait(0.02):
            pids, sizes = [self.pid], {}
            while pids:
                pid = pids.pop()
                pids += _children(pid)
                name, kb = _pss_kb(pid)
                sizes[f"{name}:{pid}"] = kb
                if pid == self.pid:
                    self.main_kb = max(self.main_kb, kb)
                else:
                    self.largest_child_kb = max(self.largest_child_kb, kb)
            if sum(sizes.values()) > self.peak_kb:
                self.peak_kb, self.at_peak = sum(sizes.values()), sizes


def _measured(root: Path, out: Path, scheduler: str | None = None) -> dict:
    cmd = [sys.executable, __file__, "--one", str(root), str(out), *(["--scheduler", scheduler] if scheduler else [])]
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = TreeMemory(process.pid)
    memory.start()
    stdout, stderr = process.communicate()
    memory.done.set()
    memory.join()
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, cmd, stdout, stderr)
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update(tree_peak_kb=memory.peak_kb, tree_at_peak={k: v // 1024 for k, v in memory.at_peak.items()},
                  main_pss_kb=memory.main_kb, child_pss_kb=memory.largest_child_kb)
    return result


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _steady(cmd: list[str]) -> float:
    """The best of the no-op runs after the first (which records the stamps of what the build wrote)."""
    time.sleep(2.1)  # the stamps vouch only for files changed 2 s before a run starts
    runs = [_timed(cmd) for _ in range(NOOP_RUNS)]
    return min(runs[1:])


def _state_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / ".pipeline").rglob("*.json"))


def measure_size(work: Path, n: int) -> dict[str, object]:
    root = work / f"a{n}"
    print(f"archive: {n} articles, full HTML build, no-op builds and checks ...", flush=True)
    make_corpus(root, n, urdu=False, archive=True)
    full = _measured(root, root / "dist")
    pipeline = [str(VENV_BIN / "pipeline"), "--root", str(root)]
    _timed([*pipeline, "check"])  # the first check finds everything; the next ones reuse it
    return {"n": n, "full_s": full["seconds"], "per_article_ms": 1000 * full["seconds"] / n,
            "peak_mb": full["tree_peak_kb"] / 1024, "self_mb": full["main_pss_kb"] / 1024,
            "child_mb": full["child_pss_kb"] / 1024, "at_peak_mb": full["tree_at_peak"],
            "noop_s": _steady([*pipeline, "build", "-q", "--format", "html"]),
            "check_s": _steady([*pipeline, "check"]), "state_bytes_per_article": _state_bytes(root) / n}


def one_new_story(work: Path, n: int) -> dict[str, object]:
    """One story joins the n-story archive: which listing pages the build writes again."""
    root = work / f"a{n}"
    (root / "articles" / f"story-{n:04d}.md").write_text(article_text(n, archive=True), encoding="utf-8")
    result = _measured(root, root / "dist")
    listing = [rel for rel in result["written_files"] if rel.startswith("en/") and (rel.endswith("index.html"))]
    return {"new_story_listing": result["listing"], "new_story_listing_files": listing,
            "new_story_s": result["seconds"]}


def measure_dask(work: Path, n: int) -> dict[str, object]:
    """The same archive built on a local Dask cluster of 2 single-thread workers, compared file by file."""
    from distributed import LocalCluster

    root = work / f"a{n}"
    if not root.is_dir():
        make_corpus(root, n, urdu=False, archive=True)
        _measured(root, root / "dist")
    print(f"archive: {n} articles on a Dask cluster ...", flush=True)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = _measured(root, work / "dask-out", cluster.scheduler_address)
    ours, theirs = _tree(root / "dist"), _tree(work / "dask-out")
    return {"dask_n": n, "dask_s": result["seconds"], "dask_files": len(theirs),
            "dask_identical": ours == theirs, "dask_differ": sorted(set(ours.items()) ^ set(theirs.items()))[:5]}


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def measure(work: Path, sizes: list[int], big: int, dask: int) -> dict[str, object]:
    # Each measured command starts a fresh interpreter: byte-compile the package once, as an installed one
    # is (with PYTHONDONTWRITEBYTECODE set, every run would compile it again).
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "pipeline", quiet=1)
    results: dict[str, object] = {"archive": [measure_size(work, n) for n in sizes]}
    results.update(one_new_story(work, max(sizes)))
    if big:
        for n in sizes:
            shutil.rmtree(work / f"a{n}", ignore_errors=True)
        results["archive_big"] = measure_size(work, big)
    if dask:
        results.update(measure_dask(work, dask))
    return results


def rows(r: dict) -> list[tuple[str, str, str]]:
    sizes = r["archive"]
    small, large = sizes[0], sizes[-1]
    found = [(f"no-op build / check, {s['n']:,} articles (HTML)", f"{s['noop_s']:.2f} / {s['check_s']:.2f} s",
              f"{s['noop_s'] / small['noop_s']:.1f}x / {s['check_s'] / small['check_s']:.1f}x the {small['n']:,}-"
              "article figures (target <= 3x, and < 1 s)") for s in sizes]
    listing = r["new_story_listing"]
    found.append((f"one new story in a {large['n']:,}-story archive", f"{sum(listing.values())} listing pages",
                  ", ".join(f"{lang}: {count}" for lang, count in sorted(listing.items())) + " ("
                  + ", ".join(f.removeprefix("en/") for f in r["new_story_listing_files"]) + ")"))
    for s in [*sizes, *([r["archive_big"]] if "archive_big" in r else [])]:
        found.append((f"full HTML build, {s['n']:,} articles", f"{s['per_article_ms']:.2f} ms/article",
                      f"{s['full_s']:.0f} s, peak {s['peak_mb']:.0f} MB of all its processes at once (at that moment "
                      f"{_processes(s)}; target < 1024), state "
                      f"{s['state_bytes_per_article']:.0f} B/article"))
    if "dask_n" in r:
        found.append((f"Dask, 2 single-thread workers, {r['dask_n']:,} articles", f"{r['dask_s']:.0f} s",
                      f"{r['dask_files']:,} files, byte-identical to the process pool: {r['dask_identical']}"))
    return found


def _processes(s: dict) -> str:
    """The processes at the moment of the peak, by name: 'python 335 + pagefind 428 MB'."""
    at = s.get("at_peak_mb", {})
    return " + ".join(f"{name.split(':')[0]} {mb}" for name, mb in at.items()) + " MB" if at else "not sampled"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--big", type=int, default=0)
    parser.add_argument("--dask", type=int, default=0)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--one", nargs=2, type=Path, metavar=("ROOT", "OUT"))
    parser.add_argument("--scheduler", default=None)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_build(*args.one, args.scheduler)))
        return
    work = Path(tempfile.mkdtemp(prefix="pipeline-archive-"))
    try:
        results = measure(work, [int(n) for n in args.sizes.split(",")], args.big, args.dask)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        old = json.loads(args.json.read_text()) if args.json.exists() else {}
        args.json.write_text(json.dumps({**old, **results}, indent=1, ensure_ascii=False))
    for name, value, note in rows(results):
        print(f"{name:<48} {value:<22} {note}")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
