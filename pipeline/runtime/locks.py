"""One writer at a time.

In: a lock file path and what the holder is doing.
Out: a context manager that holds an exclusive `flock` on the file for as long as the work runs, and
writes who holds it (command, process id, user, host, start time) into it. A second run fails at
once with a message naming the holder. The kernel drops the lock when the holder dies, even by
kill -9, so a crashed publish never leaves a stale lock behind. A lock path that is a link, a folder or a
device is refused (never opened through: the lock file is truncated when taken).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import getpass
import os
import socket
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound


def _holder(what: str) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = str(os.getuid())
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{what} (pid {os.getpid()}, {user}@{socket.gethostname()}, since {started})"


_held: set[int] = set()  # lock file descriptors this process holds


def forget_inherited() -> None:
    """In a forked child: close the parent's lock descriptors, so that the lock dies with the parent
    and never lives on in a worker that outlived it."""
    for fd in list(_held):
        with contextlib.suppress(OSError):
            os.close(fd)
        _held.discard(fd)


@contextmanager
def exclusive(path: Path, what: str, shown: str) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # never through a link: truncating the lock file must never truncate what a link points to
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
    except OSError as err:
        raise ProblemsFound([Problem(shown, None, None, f"cannot be used as a lock ({err.strerror or err}); "
                                     "it must be a plain file: remove it and run again")]) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ProblemsFound([Problem(shown, None, None, "is not a plain file, so it cannot be used as a lock; "
                                     "remove it and run again")])
    _held.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "another process"
            raise ProblemsFound([Problem(shown, None, None,
                                         f"locked by {holder}; wait for it to finish, then run again")]) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, (_holder(what) + "\n").encode(), 0)
        yield
    finally:
        _held.discard(fd)
        os.close(fd)  # closing releases the lock
