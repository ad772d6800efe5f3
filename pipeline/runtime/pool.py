"""Worker processes for the build.

In: a number of workers, whether they will render PDFs, and the publication's config.
Out: a `ProcessPoolExecutor` whose workers start at once and warm up (the rendering modules
imported, templates compiled, locale data loaded, and for PDFs WeasyPrint imported with one shared
`FontConfiguration`) while the main process is still reading articles; they live for the whole
build. Any other `concurrent.futures.Executor` (a Dask cluster's, for instance) works too: a process
warms up on its first task by itself.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor

from pipeline.config import Config


def _die_with_parent() -> None:
    """Linux: the kernel ends this worker when the process that started it dies (even by kill -9)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: workers still exit when their task queue closes


def warm(config: Config, pdf: bool, base: str) -> None:
    import datetime as dt

    from pipeline.runtime.locks import forget_inherited

    forget_inherited()
    _die_with_parent()
    from pipeline.build.run import interface_for
    from pipeline.formats.templates import _environment
    from pipeline.text.localize import format_date

    for lang, translations in interface_for(config, base).items():
        _environment(config.templates, translations).get_template("article.html")
        format_date(dt.date(2026, 1, 1), lang, config.digits)
    if pdf:
        from pipeline.formats.pdf import warm_up

        warm_up()


def _ready() -> None:
    """A task that only makes sure its worker has started (and warmed up)."""


def make_pool(workers: int, *, pdf: bool, config: Config, base: str) -> ProcessPoolExecutor:
    if "weasyprint" in sys.modules:
        # This process has rendered already: its Pango/fontconfig state must not be forked. Workers
        # fork from a clean server process that has imported what they need once.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["pipeline.build.run", "weasyprint"] if pdf else ["pipeline.build.run"])
    else:
        # Nothing native loaded yet: fork is safe, and workers start with every module already imported.
        context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm, initargs=(config, pdf, base))
    for _ in range(workers):
        pool.submit(_ready)  # workers start on demand: ask for all of them now
    return pool
