"""The Starlette application of `pipeline serve`, and the guard in front of it.

In: a `ServeContext`.
Out: an ASGI app. `Guard` answers first: a Host header that does not name this server (what DNS rebinding
sends) is 400; a request other than GET or HEAD whose Origin (or Referer) is not this server is 403 and
reaches no route; every answer carries nosniff, a same-origin referrer policy and no-store. On this machine,
the address the server printed carries a login token: opening it gives the browser a session for the `--reviewer`
(HttpOnly, SameSite=Strict cookie), then sends it on without the token in the address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.serve import reviewroutes, site
from pipeline.serve.context import ServeContext
from pipeline.serve.security import allowed_host, cookie_header, same_origin, token_matches

SAFE_METHODS = ("GET", "HEAD")
# same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on its own forms
HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]


class Guard:
    """Host and same-origin checks before any route; security headers on every answer."""

    def __init__(self, app: ASGIApp, ctx: ServeContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused: Response | None = None
        if not allowed_host(headers.get("host"), self.ctx.allowed_hosts):
            refused = PlainTextResponse("refused: this server does not answer to that host name", 400)
        elif scope["method"] not in SAFE_METHODS and not same_origin(headers, self.ctx.scheme):
            refused = PlainTextResponse("refused: this request does not come from a page of this server", 403)
        if refused is not None:
            await refused(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [h for h in HEADERS if h[0] not in names]
                if b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)
        await self.app(scope, receive, with_headers)


def token_login(request: Request) -> Response | None:
    """The printed address's `?token=`: a session for the local reviewer, and the same page without it."""
    ctx: ServeContext = request.app.state.ctx
    given = request.query_params.get("token")
    if given is None or ctx.local_reviewer is None:
        return None
    if not token_matches(ctx.login_token, given):
        return PlainTextResponse("refused: that is not the address pipeline serve printed", 403)
    sid = ctx.sessions.start(ctx.local_reviewer)
    response = RedirectResponse(request.url.path, 303)
    response.headers.append("Set-Cookie", cookie_header(sid, ctx.secure))
    return response


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
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.ctx = ctx
    return Guard(app, ctx)
