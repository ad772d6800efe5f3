"""Warm worker processes for PDF rendering.

In: a number of workers.
Out: a `ProcessPoolExecutor` whose workers import WeasyPrint and create their one shared
`FontConfiguration` once, when they start, and live for the whole build. Any other
`concurrent.futures.Executor` (a Dask cluster's, for instance) works too: `pipeline.pdf` warms up a
process on its first job by itself.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor


def warm_pool(workers: int) -> ProcessPoolExecutor:
    from pipeline.pdf import warm_up

    # forkserver, not fork: a parent that already rendered holds Pango/fontconfig state that a forked
    # child must not inherit. The server imports WeasyPrint once; workers fork from it ready to go.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["pipeline.pdf", "weasyprint"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up)
