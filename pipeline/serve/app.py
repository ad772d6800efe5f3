"""The Starlette application of `pipeline serve`, and the guard in front of it.

In: a `ServeContext`.
Out: an ASGI app. `Guard` answers first: a Host header that does not name this server (what DNS rebinding
sends) is 400; a request other than GET or HEAD whose Origin (or Referer) is not this server, at the scheme
the browser used (https behind a TLS proxy), is 403 and reaches no route, and so is a request another site's
page made the browser send (`from_this_site`: Sec-Fetch-Site, but for a plain visit following a link); with
`--users`, nothing but the login page and the server's own files is shown before a reviewer logs in (GET: a
redirect to /login; otherwise 403). Every answer, refusals and errors included, carries nosniff, a
same-origin referrer policy, a Content-Security-Policy (`default-src 'none'` unless the route set its own; a
PDF only `frame-ancestors`, since a policy on the PDF itself blanks Chromium's viewer) and no-store unless
the route said otherwise. An error in a route is a page saying so, never a traceback. On this machine, the
address the server printed carries a login token: opening it gives the browser a session for the
`--reviewer` (HttpOnly, SameSite=Strict cookie), then sends it on without the token in the address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.serve import reviewroutes, site
from pipeline.serve.context import ServeContext, with_session
from pipeline.serve.pages import FRAMING, SERVER_POLICY, render
from pipeline.serve.security import allowed_host, same_origin, token_matches

SAFE_METHODS = ("GET", "HEAD")
# same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on its own forms
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
DEFAULT_POLICY = f"default-src 'none'; {FRAMING}".encode()
PDF_POLICY = FRAMING.encode()  # a policy on a PDF applies to the browser's viewer and blanks it
# with --users, what is shown before logging in: the login page and the server's own files (fonts for them)
PUBLIC_PATHS = ("/login", *(f"/_serve/{name}" for name in site.STATIC_FILES))
PUBLIC_FOLDERS = ("/fonts/",)


def _with_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = message.get("headers", [])
            names = {k.lower() for k, _ in headers}
            extra = [h for h in HEADERS if h[0] not in names]
            if b"cache-control" not in names:
                extra.append((b"cache-control", b"no-store"))
            if b"content-security-policy" not in names:
                kind = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra.append((b"content-security-policy",
                              PDF_POLICY if kind.startswith(b"application/pdf") else DEFAULT_POLICY))
            message["headers"] = [*headers, *extra]
        await send(message)
    return sending


def from_this_site(headers: dict[str, str]) -> bool:
    """Whether the browser says (Sec-Fetch-Site) the request is its own: from this server's pages, typed, or a
    plain visit from a link elsewhere. Another site's <img>, <script>, frame or fetch is not: it could make the
    server render PDFs on end, or learn from how a load ends whether a draft exists. A client that sends no
    Sec-Fetch-Site (not a browser, or an old one) is judged by the other checks alone."""
    site = headers.get("sec-fetch-site")
    if site in (None, "same-origin", "none"):
        return True
    return headers.get("sec-fetch-mode") == "navigate" and headers.get("sec-fetch-dest") == "document"


class Guard:
    """Host, same-origin and login checks before any route; security headers on every answer."""

    def __init__(self, app: ASGIApp, ctx: ServeContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        refused = self.refusal(scope)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def refusal(self, scope: Scope) -> Response | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        safe = scope["method"] in SAFE_METHODS
        if not allowed_host(headers.get("host"), self.ctx.allowed_hosts):
            return PlainTextResponse("refused: this server does not answer to that host name", 400)
        if not safe and not same_origin(headers, scope.get("scheme", "http")):
            return PlainTextResponse("refused: this request does not come from a page of this server", 403)
        if not from_this_site(headers):
            return PlainTextResponse("refused: a page of another site asked for this; open it yourself", 403)
        path = scope["path"]
        if self.ctx.users is None or path in PUBLIC_PATHS or path.startswith(PUBLIC_FOLDERS):
            return None
        session = self.ctx.session(Request(scope))
        if session is not None and session.reviewer is not None:
            return None
        if safe:
            return RedirectResponse("/login", 303)
        return PlainTextResponse("refused: log in first", 403)


def server_error(request: Request, _error: Exception) -> Response:
    """What a browser is told when a route failed: a page, never a traceback (that goes to the terminal)."""
    lines = ["Something went wrong in pipeline serve while making this page; the terminal where it runs shows "
             "what. Reload the page to try again; if it happens again, report it as a bug with that output."]
    html = render("message.html", heading="The server could not make this page", lines=lines)
    return HTMLResponse(html, 500, headers={"Content-Security-Policy": f"{SERVER_POLICY}; {FRAMING}"})


def token_login(request: Request) -> Response | None:
    """The printed address's `?token=`: a session for the local reviewer, and the same page without it."""
    ctx: ServeContext = request.app.state.ctx
    given = request.query_params.get("token")
    if given is None or ctx.local_reviewer is None:
        return None
    if not token_matches(ctx.login_token, given):
        return PlainTextResponse("refused: that is not the address pipeline serve printed", 403)
    return with_session(RedirectResponse(request.url.path, 303), request, ctx.sessions.start(ctx.local_reviewer))


def _with_token_login(endpoint: object) -> object:
    def wrapped(request: Request) -> Response:
        return token_login(request) or endpoint(request)  # type: ignore[operator]
    return wrapped


def make_app(ctx: ServeContext) -> ASGIApp:
    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        ctx.notifier.attach()
        yield
        ctx.notifier.closing = True
        ctx.notifier.publish()

    routes = [
        Route("/_serve/events", site.events),
        Route("/_serve/{name}", site.static_file),
        Route("/", _with_token_login(site.overview)),
        Route("/login", reviewroutes.login_form, methods=["GET"]),
        Route("/login", reviewroutes.login, methods=["POST"]),
        Route("/logout", reviewroutes.logout, methods=["POST"]),
        Route("/review/", _with_token_login(reviewroutes.queue)),
        Route("/review/{unit}/{lang}", _with_token_login(reviewroutes.review_page), methods=["GET"]),
        Route("/review/{unit}/{lang}", reviewroutes.review_decide, methods=["POST"]),
        Route("/review/{unit}/{lang}/print", reviewroutes.print_page),
        Route("/review/{unit}/{lang}/print/{number:int}.png", reviewroutes.print_png),
        Route("/{path:path}", site.site_file),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={Exception: server_error})
    app.state.ctx = ctx
    return Guard(app, ctx)
