"""Worker processes.

In: a number of workers, a warm-up function to run in each (with its arguments) and the modules a
fresh worker should have imported before it starts.
Out: a `ProcessPoolExecutor` whose workers start at once and warm up while the main process is still
reading articles; they live for the whole build and die with the process that started them, even if
it is killed. The pool knows nothing of what runs in it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from pipeline.runtime.locks import forget_inherited


def die_with_parent() -> None:
    """Linux: the kernel ends this worker when the process that started it dies (even by kill -9)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG; elsewhere: queue closes


def _start(warm: Callable[..., None], *args: object) -> None:
    forget_inherited()  # the parent's locks die with the parent, never live on in a worker
    die_with_parent()
    warm(*args)


def _ready() -> None:
    """A task that only makes sure its worker has started (and warmed up)."""


def make_pool(workers: int, warm: Callable[..., None], args: tuple[object, ...],
              preload: tuple[str, ...]) -> ProcessPoolExecutor:
    if "weasyprint" in sys.modules:
        # This process has rendered already: its Pango/fontconfig state must not be forked. Workers
        # fork from a clean server process that has imported `preload` once.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
    else:
        # Nothing native loaded yet: fork is safe, and workers start with every module already imported.
        context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                               initargs=(warm, *args))
    for _ in range(workers):
        pool.submit(_ready)  # workers start on demand: ask for all of them now
    return pool
