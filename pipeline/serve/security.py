"""What keeps a server that writes approvals safe: sessions, CSRF tokens, the same-origin rule, login
throttling and paths that stay in their folder.

In: request headers (Host, Origin, Referer, Cookie), form fields, URL paths, and the server's policy (the
host names it answers to, whether it is reached over TLS).
Out: `Sessions` (random session ids kept in memory, each with the reviewer it acts for and its own CSRF
token; the cookie is HttpOnly and SameSite=Strict, and Secure over https; at most `MAX_SESSIONS`, expired
ones and then the oldest without a reviewer forgotten first), `allowed_host` / `same_origin` (a request from
another site or through another host name, as DNS rebinding would send, is refused), `Throttle` (logins per
name and per address: a try counts as a failure from the moment it starts, so that tries sent at once are
counted as if one after another; after `LIMIT` failures in `WINDOW` seconds, further tries are refused until
the oldest failure is that old), and `file_under` (a URL path as a regular file inside one folder, or None:
no `..`, no absolute path, no backslash or NUL, no link that leads out).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

COOKIE = "pipeline_session"
SESSION_SECONDS = 12 * 3600
LIMIT, WINDOW = 5, 15 * 60
MAX_SESSIONS = 10_000  # a login form starts a session for anyone who opens it: memory must not grow for ever
MAX_THROTTLED = 100_000  # names and addresses remembered by the throttle


@dataclass
class Session:
    reviewer: str | None  # who the session acts for (None: may read, never approve)
    csrf: str
    started: float
    flash: list[str] = field(default_factory=list)  # what the next page tells the reviewer


@dataclass
class Sessions:
    """Sessions in memory: a restart logs everyone out, which is what a local tool should do. Routes run in
    several threads at once (a page, its frame and its images), so every change is made under a lock."""

    clock: Callable[[], float] = time.monotonic
    by_id: dict[str, Session] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def start(self, reviewer: str | None) -> str:
        with self.lock:
            if len(self.by_id) >= MAX_SESSIONS:
                self._forget()
            sid = secrets.token_urlsafe(32)
            self.by_id[sid] = Session(reviewer, secrets.token_urlsafe(32), self.clock())
            return sid

    def _forget(self) -> None:
        """Expired sessions, then (still too many) the oldest that act for no reviewer, then the oldest."""
        now = self.clock()
        self.by_id = {sid: s for sid, s in self.by_id.items() if now - s.started <= SESSION_SECONDS}
        for anonymous_only in (True, False):
            excess = len(self.by_id) - MAX_SESSIONS + 1
            if excess > 0:
                oldest = sorted((s.started, sid) for sid, s in self.by_id.items()
                                if s.reviewer is None or not anonymous_only)[:excess]
                for _started, sid in oldest:
                    del self.by_id[sid]

    def get(self, sid: str | None) -> Session | None:
        with self.lock:
            session = self.by_id.get(sid or "")
            if session is not None and self.clock() - session.started > SESSION_SECONDS:
                self.by_id.pop(sid or "", None)  # another request of the same browser may have forgotten it
                return None
            return session

    def end(self, sid: str | None) -> None:
        with self.lock:
            self.by_id.pop(sid or "", None)


def cookie_header(sid: str, secure: bool, max_age: int = SESSION_SECONDS) -> str:
    """The session cookie (`secure`: the browser reached this server over https, through a proxy)."""
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

    def failed(self, *keys: str) -> float:
        """Count a failure for every key now; its time (what `succeeded` takes back)."""
        if len(self.failures) >= MAX_THROTTLED:
            now = self.clock()
            self.failures = {k: q for k, q in self.failures.items() if q and now - q[-1] <= WINDOW}
        moment = self.clock()
        for key in keys:
            self.failures.setdefault(key, deque(maxlen=LIMIT)).append(moment)
        return moment

    def attempt(self, *keys: str) -> tuple[int, float]:
        """Before a password is checked: (seconds to wait, 0.0) when a key is spent; else (0, the moment)
        with the try already counted as a failure for every key, until `succeeded` takes it back. Tries sent
        at once are thus counted as if one after another."""
        wait = self.wait(*keys)
        return (wait, 0.0) if wait else (0, self.failed(*keys))

    def succeeded(self, name: str, moment: float, *others: str) -> None:
        """The password was right: the name's failures are forgotten, the others' count of this try taken back."""
        self.failures.pop(name, None)
        for key in others:
            recent = self.failures.get(key)
            if recent is not None and moment in recent:
                recent.remove(moment)


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
