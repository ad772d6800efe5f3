"""Content hashes: what the build cache compares (a stamp, `pipeline.runtime.stamps`, stands for one).

In: bytes, text or a file.
Out: a SHA-256 hex digest; several parts are length-prefixed so that ("ab", "c") and ("a", "bc")
differ.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes()) if path.is_file() else "missing"
    except OSError:
        return "missing"
