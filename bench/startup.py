"""Cold start and long text: what a newsroom waits for on every small command.

In: a work folder.
Out: a dict of figures (seconds): a bare Python start; `pipeline check` and a no-op `publish` on a
three-article publication; importing WeasyPrint the ordinary way and the way the pipeline does (no
compiler/ldconfig library search); `check` and `translate` with one translation of 10,000 and
39,000 characters (under the 40,000 limit, to show the time grows linearly) and of 400,000 characters
(refused on read).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from corpus import UR_WORDS, make_corpus

from pipeline.config import load_config
from pipeline.translation import po
from pipeline.translation.catalogs import catalog_path, write_catalog

VENV_BIN = Path(sys.executable).parent
PIPELINE = str(VENV_BIN / "pipeline")
# As on a newsroom machine: Python may cache compiled modules (this sandbox sets PYTHONDONTWRITEBYTECODE,
# which would add the compile time of every module to every start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
FAST_IMPORT = "from pipeline.formats.pdf import weasyprint_module; weasyprint_module()"


def median_run(cmd: list[str], runs: int = 7, ok: tuple[int, ...] = (0,)) -> float:
    """Median wall time of `cmd` over `runs` runs (after one warm-up run for the disk cache)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=ENV)
        if done.returncode not in ok:
            raise SystemExit(f"bench: {' '.join(cmd)} exited {done.returncode}")
        if i:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(work: Path) -> dict[str, float]:
    root = work / "small"
    make_corpus(root, 3)
    out = work / "small-out"
    subprocess.run([PIPELINE, "--root", str(root), "build", "-q", "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    python = median_run([sys.executable, "-c", "pass"])
    check = median_run([PIPELINE, "--root", str(root), "check"])
    noop = median_run([PIPELINE, "--root", str(root), "build", "-q", "--out", str(out)])
    plain = median_run([sys.executable, "-c", "import weasyprint"], runs=5) - python
    base = median_run([sys.executable, "-c", "import pipeline.formats.pdf"], runs=5)
    fast = median_run([sys.executable, "-c", FAST_IMPORT], runs=5) - base  # WeasyPrint's part only
    return {"python_start_s": python, "check_small_s": check, "noop_small_s": noop,
            "import_weasyprint_plain_s": plain, "import_weasyprint_ours_s": fast}


def _long_translation(root: Path, chars: int) -> None:
    """Replace the first paragraph's translation with `chars` characters of Urdu words and full stops."""
    path = catalog_path(load_config(root), "ur", "story-0000")
    catalog = po.parse(path.read_bytes(), path.name)
    entry = next(e for e in catalog.entries if e.msgid and not e.msgid.startswith(("#", "|")))
    sentence = " ".join(UR_WORDS) + "۔ "
    entry.msgstr = (sentence * (chars // len(sentence) + 1))[:chars].strip()
    write_catalog(path, catalog)


def long_text(work: Path) -> dict[str, float]:
    figures: dict[str, float] = {}
    for chars in (10_000, 39_000, 400_000):
        root = work / f"long-{chars}"
        make_corpus(root, 1)
        _long_translation(root, chars)
        ok = (0, 1)  # the changed translation waits for review, and the 400,000 one is refused: both exit 1
        figures[f"check_{chars}_s"] = median_run([PIPELINE, "--root", str(root), "check"], runs=3, ok=ok)
        figures[f"translate_{chars}_s"] = median_run([PIPELINE, "--root", str(root), "translate", "--lang", "ur"],
                                                     runs=3, ok=ok)
    return figures
