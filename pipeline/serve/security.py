"""What keeps a server that writes approvals safe: sessions, CSRF tokens, the same-origin rule, login
throttling and paths that stay in their folder.

In: request headers (Host, Origin, Referer, Cookie), form fields, URL paths, and the server's policy (the
host names it answers to, whether it is reached over TLS).
Out: `Sessions` (random session ids kept in memory, each with the reviewer it acts for and its own CSRF
token; the cookie is HttpOnly and SameSite=Strict), `allowed_host` / `same_origin` (a request from another
site or through another host name, as DNS rebinding would send, is refused), `Throttle` (failed logins per
name and per address: after `LIMIT` failures in `WINDOW` seconds, further tries are refused until the
oldest failure is that old), and `file_under` (a URL path as a regular file inside one folder, or None:
no `..`, no absolute path, no backslash or NUL, no link that leads out).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

COOKIE = "pipeline_session"
SESSION_SECONDS = 12 * 3600
LIMIT, WINDOW = 5, 15 * 60


@dataclass
class Session:
    reviewer: str | None  # who the session acts for (None: may read, never approve)
    csrf: str
    started: float
    flash: list[str] = field(default_factory=list)  # what the next page tells the reviewer


@dataclass
class Sessions:
    """Sessions in memory: a restart logs everyone out, which is what a local tool should do."""

    clock: Callable[[], float] = time.monotonic
    by_id: dict[str, Session] = field(default_factory=dict)

    def start(self, reviewer: str | None) -> str:
        sid = secrets.token_urlsafe(32)
        self.by_id[sid] = Session(reviewer, secrets.token_urlsafe(32), self.clock())
        return sid

    def get(self, sid: str | None) -> Session | None:
        session = self.by_id.get(sid or "")
        if session is not None and self.clock() - session.started > SESSION_SECONDS:
            del self.by_id[sid or ""]
            return None
        return session

    def end(self, sid: str | None) -> None:
        self.by_id.pop(sid or "", None)


def cookie_header(sid: str, secure: bool, max_age: int = SESSION_SECONDS) -> str:
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{flags}"


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


def allowed_host(host: str | None, allowed: frozenset[str] | None) -> bool:
    """Whether the Host header names this server (`allowed` None: any name, for a server behind a login)."""
    if not host:
        return False
    return allowed is None or host.lower() in allowed


def same_origin(headers: dict[str, str], scheme: str) -> bool:
    """A state-changing request must come from a page of this server: its Origin (or, without one, its
    Referer) is this scheme and this Host."""
    host = headers.get("host", "").lower()
    origin = headers.get("origin")
    if origin is None or origin == "null":
        referer = headers.get("referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return bool(host) and origin.lower() == f"{scheme}://{host}"


@dataclass
class Throttle:
    """Failed logins, per key (a name, an address): at most LIMIT in WINDOW seconds."""

    clock: Callable[[], float] = time.monotonic
    failures: dict[str, deque[float]] = field(default_factory=dict)

    def wait(self, *keys: str) -> int:
        """Seconds until another try is allowed for every key (0: now)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            recent = self.failures.get(key)
            while recent and now - recent[0] > WINDOW:
                recent.popleft()
            if recent is not None and len(recent) >= LIMIT:
                longest = max(longest, WINDOW - (now - recent[0]))
        return int(longest) + (1 if longest else 0)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self.failures.setdefault(key, deque(maxlen=LIMIT)).append(self.clock())

    def succeeded(self, name: str) -> None:
        self.failures.pop(name, None)


def file_under(folder: Path, url_path: str) -> Path | None:
    """The regular file `url_path` (as the server received it, percent-decoded) names inside `folder`; None
    when it would leave the folder in any way or is not a regular file there."""
    if "\\" in url_path or "\x00" in url_path or not url_path.startswith("/"):
        return None
    parts = url_path[1:].split("/")
    if any(part in ("..", ".") or part.startswith("~") for part in parts) or url_path.startswith("//"):
        return None
    if url_path.endswith("/"):
        parts[-1] = "index.html"
    root = folder.resolve()
    try:
        resolved = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        return None
    return resolved
