"""The reviewers who may log in to `pipeline serve` when it listens beyond this machine.

In: a users file given with `--users FILE` (one line per reviewer: name, a tab, the scrypt hash of the
password) and, from `pipeline users add NAME`, a name and a password.
Out: `read_users` (name -> stored hash, or ProblemsFound naming the line), `add_user` (writes the file with
the name's line added or replaced, atomically, readable by its owner alone from its first byte: the
temporary file is made 0600 before anything is written to it), `check_password` (constant-time, and as
slow for an unknown name as for a known one). Passwords are never stored or shown: only
`scrypt$N$r$p$salt$hash` with a random 16-byte salt (hashlib.scrypt).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
import re
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.text.characters import name_problem

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # about 50 ms and 16 MB a guess: OWASP's minimum for scrypt
_LENGTH = 32
_MAXMEM = 64 * 1024 * 1024
_HASH_RE = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)\Z")
MIN_PASSWORD = 10
MAX_USERS_BYTES = 1_000_000
HEADER = "# pipeline serve --users: one reviewer per line, name <TAB> scrypt hash. Written by `pipeline users add`.\n"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=_LENGTH)


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(("scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()))


@functools.cache
def _dummy() -> str:
    """What an unknown name is checked against (made once, when first needed: not at every command's start)."""
    return hash_password("not anyone's password")


def check_password(password: str, stored: str | None) -> bool:
    """Whether `password` is the one `stored` was made from; an unknown name (None) costs the same time."""
    match = _HASH_RE.match(stored or _dummy())
    if match is None:
        return False
    n, r, p = (int(x) for x in match.group(1, 2, 3))
    try:
        salt, expected = base64.b64decode(match.group(4)), base64.b64decode(match.group(5))
        got = _scrypt(password, salt, n, r, p)
    except (ValueError, binascii.Error, MemoryError):
        return False
    return hmac.compare_digest(got, expected) and stored is not None


def read_users(path: Path) -> dict[str, str]:
    """name -> stored hash; a damaged line or an unreadable file is ProblemsFound with its line."""
    shown = str(path)
    try:
        data = path.read_bytes()[:MAX_USERS_BYTES + 1]
        text = data.decode("utf-8")
    except OSError as err:
        raise ProblemsFound([Problem(shown, None, "--users", f"cannot be read ({err.strerror or err}); make it "
                                     "with `pipeline users add NAME --users FILE`")]) from None
    except UnicodeDecodeError:
        raise ProblemsFound([Problem(shown, None, "--users", "is not UTF-8; make it again with "
                                     "`pipeline users add`")]) from None
    users: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, _, stored = line.partition("\t")
        if name_problem(name) or not _HASH_RE.match(stored):
            problems.append(Problem(shown, number, None, "expected a name, a tab and a scrypt hash; write the "
                                    "line again with `pipeline users add NAME`"))
            continue
        users[" ".join(name.split())] = stored
    if problems:
        raise ProblemsFound(problems)
    return users


def add_user(path: Path, name: str, password: str) -> bool:
    """Add `name` with the hash of `password` (replacing an earlier line of that name); True if it was new."""
    why = name_problem(name)
    if why:
        raise ProblemsFound([Problem("NAME", None, None, f"the name {why}")])
    if len(password) < MIN_PASSWORD:
        raise ProblemsFound([Problem("password", None, None, f"is shorter than {MIN_PASSWORD} characters; "
                                     "choose a longer one (a few words make a good one)")])
    name = " ".join(name.split())
    users = read_users(path) if path.exists() else {}
    new = name not in users
    users[name] = hash_password(password)
    _write_private(path, HEADER + "".join(f"{who}\t{stored}\n" for who, stored in sorted(users.items())))
    return new


def _write_private(path: Path, text: str) -> None:
    """Replace `path` with `text` through a temporary file that is 0600 from the start (a link at `path` is
    replaced, never written through)."""
    atomic.write_chunks(path, [text], mode=0o600, shown=str(path))
