"""Writing files so that nobody ever sees half of one.

In: a path and the bytes or text it should hold (and the name to show people if writing fails).
Out: the file, replaced in one rename (a temporary file in the same folder, then os.replace), so a
reader or a killed process never sees half a file. Work people did by hand (catalogs, approvals,
imported articles) is also fsynced before the rename, so it survives a power cut; build outputs are not
(they can be rebuilt). A file that already holds exactly those bytes is left untouched. Temporary files
carry `TEMP_PREFIX`, and `remove_leftovers` deletes only those, only in the folders it is given.
A write that fails (disk full, read-only folder, a folder in the way) is one `ProblemsFound` naming
the file and what to do, and leaves no temporary file behind.

Fault points: with `PIPELINE_FAULT=NAME:N` in the environment, the process kills itself (SIGKILL) the
Nth time it reaches the point NAME (`temp-written`, `before-rename`, `after-rename`): kill tests use it
to stop a writer at an exact moment instead of guessing one with a timer.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound

TEMP_PREFIX = ".pipeline-tmp-"
TEMP_SUFFIX = ".tmp"
_fault_counts: dict[str, int] = {}


def fault_point(name: str) -> None:
    """Die here if PIPELINE_FAULT names this point and this is the time (see the module doc)."""
    wanted = os.environ.get("PIPELINE_FAULT")
    if not wanted or not wanted.startswith(name + ":"):
        return
    _fault_counts[name] = _fault_counts.get(name, 0) + 1
    if str(_fault_counts[name]) == wanted.rpartition(":")[2]:
        os.kill(os.getpid(), signal.SIGKILL)


def write_failed(shown: str, err: OSError) -> ProblemsFound:
    """What a failed write means to the person running the command."""
    advice = {
        errno.ENOSPC: "the disk is full; free some space and run again",
        errno.EDQUOT: "the disk quota is used up; free some space and run again",
        errno.EROFS: "the file system is read-only; choose another output folder",
        errno.EACCES: "permission denied; check the folder's permissions or choose another output folder",
        errno.EPERM: "permission denied; check the folder's permissions or choose another output folder",
        errno.EISDIR: "a folder is in the way; move it out of the way and run again",
        errno.ENOTDIR: "a file is in the way where a folder should be; move it and run again",
    }.get(err.errno or 0, f"{err.strerror or err}; check the disk and the folder")
    return ProblemsFound([Problem(shown, None, None, f"cannot write: {advice}")])


@contextlib.contextmanager
def _replacing(path: Path, shown: str | None) -> Iterator[Path]:
    """A temporary name beside `path`, for the caller to write and rename over it. Whatever stops the
    caller, the temporary file goes; a failed write is a `write_failed` problem naming `shown`."""
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    try:
        yield tmp
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise write_failed(shown or str(path), err) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes, *, durable: bool = True, shown: str | None = None) -> bool:
    """Write `data` to `path` atomically; False when the file already held exactly that."""
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_size == len(data) \
                and path.read_bytes() == data:
            return False
    except OSError:
        pass
    with _replacing(path, shown) as tmp:
        if path.is_dir() and not path.is_symlink():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            fault_point("temp-written")
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        fault_point("before-rename")
        os.replace(tmp, path)
        fault_point("after-rename")
    return True


def write_text(path: Path, text: str, *, durable: bool = True, shown: str | None = None) -> bool:
    return write_bytes(path, text.encode("utf-8"), durable=durable, shown=shown)


def write_chunks(path: Path, chunks: Iterable[str], *, mode: int = 0o644, shown: str | None = None) -> None:
    """Write text made piece by piece atomically (never whole in memory), durably: a temporary file, made
    with `mode` from the start (a private file is never readable by others, not even for a moment), then
    renamed over `path` (a link there is replaced, never written through). The folder must exist."""
    with _replacing(path, shown) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(chunks)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)


def is_leftover(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX) and path.name.endswith(TEMP_SUFFIX)


def remove_leftovers(folders: Iterable[Path], trees: Iterable[Path] = ()) -> int:
    """Delete temporary files a killed writer of ours left behind: only names with our prefix, only in
    `folders` (not below them) and anywhere below `trees` (folders that are entirely ours). Call it
    holding the lock of the folders."""
    removed = 0
    candidates: list[Path] = []
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            candidates.extend(folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))
    for tree in trees:
        if tree.is_dir() and not tree.is_symlink():
            candidates.extend(tree.rglob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))
    for leftover in candidates:
        if is_leftover(leftover) and (leftover.is_file() or leftover.is_symlink()):
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
