"""Worker processes for the build.

In: a number of workers, and whether they will render PDFs.
Out: a `ProcessPoolExecutor` whose workers live for the whole build, with WeasyPrint imported and
one shared `FontConfiguration` created once per worker. Any other `concurrent.futures.Executor` (a
Dask cluster's, for instance) works too: `pipeline.pdf` warms a process up on its first PDF.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor


def make_pool(workers: int, *, pdf: bool) -> ProcessPoolExecutor:
    from pipeline.pdf import warm_up

    if "weasyprint" in sys.modules:
        # This process has rendered already: its Pango/fontconfig state must not be forked. Workers
        # fork from a clean server process that has imported what they need once.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.build", "weasyprint"] if pdf else ["pipeline.build"])
    else:
        # Nothing native loaded yet: fork is safe, and workers start with every module already imported.
        context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up if pdf else None)
