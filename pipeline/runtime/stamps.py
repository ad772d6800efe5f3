"""File stamps: when a file can be known unchanged without reading it again.

In: a path and the moment (wall clock, nanoseconds) the current build started.
Out: `stamp`: the file's device, inode, size, modification and change times as one string, or None when
the stamp cannot vouch for the content: the path is not a regular file (a link, a folder), or the file was
changed less than `TICK_NS` before the build started (or during it). A content hash recorded beside a
stamp stays true while the file shows the same stamp: any write, rename over it, `touch` or `chmod` moves
the change time, which no user can set back (git's index rests on the same fact; a file changed within
one clock tick of the record is exactly git's "racily clean" case, and is read again here). With
`since=0` no stamp vouches: everything is read and hashed.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

TICK_NS = 2_000_000_000  # the coarsest common file time resolution (FAT: 2 s); finer file systems lose nothing
ABSENT = "absent"


def clock() -> int:
    """The wall clock (ns) as stamps see it: a build's or a check's start (tests move it ahead, so that the
    stamps of files they just wrote vouch for them as those of older files do)."""
    return time.time_ns()


def stamp(path: Path | str, since: int) -> str | None:
    """The stamp of a regular file last changed well before `since`; None when it cannot vouch."""
    try:
        info = os.lstat(path)
    except OSError:  # not there, or not readable: nothing to vouch for
        return None
    return _of(info, since)


def stamp_or_absent(path: Path | str, since: int) -> str | None:
    """Like `stamp`, but a file that does not exist is `ABSENT` (an optional input not there yet)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return ABSENT if since else None
    except OSError:
        return None
    return _of(info, since)


def _of(info: os.stat_result, since: int) -> str | None:
    if not stat.S_ISREG(info.st_mode) or max(info.st_mtime_ns, info.st_ctime_ns) >= since - TICK_NS:
        return None
    return f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"
