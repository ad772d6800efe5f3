"""What every request of `pipeline serve` shares.

In: the choices made at start (the preview, the reviewer or the users file, the host names served, TLS).
Out: `ServeContext` (one per server; sessions and the login throttle live in it), `Notifier` (the build
thread tells the event loop that a new generation of the preview is ready; open pages wait on it), and
the small request helpers every route uses: the session of a request, its form (size-limited, and in the
number of its fields), whether it came over https, a page with the server's security headers (its problems,
messages and lines with invisible and direction-changing characters made visible).
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pipeline.serve.pages import FRAMING, SERVER_POLICY, render
from pipeline.serve.preview import Preview
from pipeline.serve.security import (
    COOKIE,
    SESSION_SECONDS,
    Session,
    Sessions,
    Throttle,
    cookie_header,
    token_matches,
)
from pipeline.text.characters import visible

MAX_FORM_BYTES = 1_000_000
MAX_FORM_FIELDS = 10_000


class Notifier:
    """The current generation, and an event set each time it changes (threads publish, the loop waits)."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.event: asyncio.Event | None = None
        self.closing = False

    def attach(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()

    def publish(self) -> None:
        """From any thread: a new generation is ready."""
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self.event is not None:
            self.event.set()
        self.event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Until the next publish, or `seconds`."""
        event = self.event
        if event is None:
            await asyncio.sleep(seconds)
            return
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            pass


@dataclass
class ServeContext:
    preview: Preview
    local_reviewer: str | None = None  # --reviewer: who approves, on this machine
    key: Path | None = None  # --key: how that reviewer signs
    users: dict[str, str] | None = None  # --users: name -> scrypt hash
    allowed_hosts: frozenset[str] | None = None  # Host headers answered (None: any, behind a login)
    sessions: Sessions = field(default_factory=Sessions)
    throttle: Throttle = field(default_factory=Throttle)
    notifier: Notifier = field(default_factory=Notifier)
    login_token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    async def posted(self, request: Request) -> tuple[dict[str, list[str]], Session | None]:
        """A posted form and its session: None unless the form carries that session's token (CSRF)."""
        form = await form_of(request)
        session = self.session(request)
        return form, session if session is not None and token_matches(session.csrf, first(form, "csrf")) else None

    def page(self, request: Request, template: str, status: int = 200, **values: object) -> HTMLResponse:
        """One of the server's pages, with who is reviewing, the problems of the last build and its policy
        (with `--users`, the problems only for a reviewer who logged in: they name the drafts' files)."""
        session = self.session(request)
        flash = session.flash if session else []
        shown = self.users is None or (session is not None and session.reviewer is not None)
        html = render(template, reviewer=session.reviewer if session else None, csrf=session.csrf if session else "",
                      users=self.users is not None, local_reviewer=self.local_reviewer,
                      flash=[readable(line) for line in flash],
                      problems=[readable(str(p)) for p in self.preview.state.problems] if shown else [],
                      generation=self.preview.state.generation,
                      publication=self.preview.config.name, **values)
        flash.clear()
        return HTMLResponse(html, status, headers={"Content-Security-Policy": f"{SERVER_POLICY}; {FRAMING}"})

    def message(self, request: Request, heading: str, lines: list[str], status: int) -> HTMLResponse:
        return self.page(request, "message.html", status, heading=heading, lines=[readable(line) for line in lines])


def readable(text: str) -> str:
    """`text` with every invisible, control or direction-changing character shown as ⟨U+XXXX⟩ (line breaks
    kept): a file name or a message cannot reorder what the page shows."""
    return "\n".join(visible(line) for line in text.split("\n"))


def is_https(request: Request) -> bool:
    """Whether the browser reached the server over https (uvicorn reads X-Forwarded-Proto from a proxy on this
    machine): the scheme its Origin has, and whether cookies are Secure."""
    return request.url.scheme == "https"


def with_session(response: Response, request: Request, sid: str, max_age: int = SESSION_SECONDS) -> Response:
    """`response`, setting the session cookie to `sid` ("" with `max_age` 0: ending it)."""
    response.headers.append("Set-Cookie", cookie_header(sid, is_https(request), max_age))
    return response


async def form_of(request: Request) -> dict[str, list[str]]:
    """The request's urlencoded form, at most MAX_FORM_BYTES (413 past it, 415 for another encoding)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    if kind != "application/x-www-form-urlencoded":
        raise HTTPException(415, "send the page's form")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "the form is too large")
    try:
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:  # more fields than any page of this server sends
        raise HTTPException(413, "the form has too many fields") from None


def first(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0]
