"""Writing files so that nobody ever sees half of one.

In: a path and the bytes or text it should hold.
Out: the file, replaced in one rename (temp file in the same folder, os.replace), so a reader or a
killed process never sees half a file. Work people did by hand (catalogs, approvals, imported
articles) is also fsynced before the rename, so it survives a power cut; build outputs are not (they
can be rebuilt, and 800 fsyncs are a measurable share of a full build). A file that already holds
exactly those bytes is left untouched, so unchanged outputs keep their times.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes, *, durable: bool = True) -> bool:
    """Write `data` to `path` atomically; False when the file already held exactly that."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_text(path: Path, text: str, *, durable: bool = True) -> bool:
    return write_bytes(path, text.encode("utf-8"), durable=durable)


def remove_leftovers(folder: Path) -> int:
    """Delete temporary files a killed writer left behind (never a finished file: those have no
    `.tmp` name). Call it holding the folder's lock."""
    removed = 0
    for leftover in folder.rglob(".*.tmp") if folder.is_dir() else ():
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed
