"""Reading the files of a publication, and nothing else.

In: a path, the folder it must stay inside (the publication root, or the build state folder), the
name to show people and a size limit.
Out: the file's bytes, only when it is a regular file inside that folder after every link is
resolved and no bigger than the limit; otherwise `ProblemsFound` with one problem saying what the
path is (a link out of the publication, a device, a FIFO, a folder, a broken link, too big) and
what to do. A refused file's content is never read, so it is never quoted. FIFOs and devices are
opened without blocking and checked again on the open descriptor, so a file swapped in between the
check and the read is refused too.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound

MB = 1_000_000


def _refuse(where: str, message: str) -> ProblemsFound:
    return ProblemsFound([Problem(where, None, None, message)])


def inside(path: Path, folder: Path) -> Path:
    """`path` with every link resolved, or ValueError when that leaves `folder` (itself resolved)."""
    resolved = path.resolve(strict=True)
    if not resolved.is_relative_to(folder.resolve()):
        raise ValueError(str(path))
    return resolved


def read_bytes(path: Path, folder: Path, where: str, limit: int) -> bytes:
    """The bytes of a regular file inside `folder`, at most `limit` of them (see the module doc)."""
    try:
        resolved = inside(path, folder)
    except FileNotFoundError:
        if path.is_symlink():
            raise _refuse(where, "is a link to a file that does not exist; fix or remove the link") from None
        raise _refuse(where, "file not found") from None
    except ValueError:
        raise _refuse(where, "is a link to a file outside the publication; copy the file in instead") from None
    except OSError as err:
        raise _refuse(where, f"cannot be read ({err.strerror or err}); check the path") from None
    try:
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except OSError as err:
        if err.errno == errno.EISDIR:
            raise _refuse(where, "is a folder, not a file") from None
        raise _refuse(where, f"cannot be read ({err.strerror or err}); check its permissions") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device, FIFO or socket)"
            raise _refuse(where, f"is {kind}; only regular files are read")
        if info.st_size > limit:
            raise _refuse(where, f"is {info.st_size:,} bytes; the limit for this file is {limit:,}")
        chunks = []
        remaining = limit + 1
        while remaining > 0 and (chunk := os.read(fd, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _refuse(where, f"is larger than the limit for this file ({limit:,} bytes)")
    return data


def read_optional(path: Path, folder: Path, where: str, limit: int) -> bytes | None:
    """Like `read_bytes`, but None when nothing at all is at `path` (a broken link is still refused)."""
    if not path.exists() and not path.is_symlink():
        return None
    return read_bytes(path, folder, where, limit)
