"""The routes of review: the list of what waits, the review page and its decisions, the print preview, and
logging in and out.

In: requests, the `ServeContext` (who may approve: the one `--reviewer`, or the users of `--users`).
Out: HTML pages (`pages.render`), PNG pages of an edition's PDF, and on a decision the approvals and comments
written by `reviewing.decide`, then a redirect to the review page at the next segment waiting. A request that
changes anything needs the session's CSRF token (and passed the same-origin check of `app.Guard`); without
it the answer is 403 and nothing is written.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from pipeline.build.outputs import Output
from pipeline.errors import ProblemsFound
from pipeline.languages import direction
from pipeline.serve.context import ServeContext, first, with_session
from pipeline.serve.reviewing import Decision, checked_lang, decide, language_name, review_view, unit_slug
from pipeline.serve.security import COOKIE
from pipeline.serve.users import check_password
from pipeline.translation.review import status_rows


def queue(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    rows, _problems = status_rows(ctx.preview.config)
    shown = [{**row.as_dict(), "href": f"/review/{row.slug}/{row.lang}"} for row in rows]
    waiting = [f"{row.lang}: tags waiting for {why}: {', '.join(tags)}"
               for row in rows for why, tags in (row.waiting or {}).items() if tags]
    return ctx.page(request, "queue.html", rows=shown, waiting=waiting)


def _known(ctx: ServeContext, request: Request) -> tuple[str, str] | Response:
    name, lang = request.path_params["unit"], request.path_params["lang"]
    try:
        unit_slug(name)
        checked_lang(ctx.preview.config, lang)
    except ProblemsFound as found:
        return ctx.message(request, "Nothing to review here", [str(p) for p in found.problems], 404)
    return name, lang


def review_page(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    known = _known(ctx, request)
    if isinstance(known, Response):
        return known
    name, lang = known
    try:
        view = review_view(ctx.preview.config, name, lang)
    except ProblemsFound as found:
        return ctx.message(request, f"{lang}/{name} cannot be reviewed yet", [str(p) for p in found.problems], 200)
    session = ctx.session(request)
    return ctx.page(request, "review.html", view=view, lang_name=language_name(lang), direction=direction(lang),
                    can_approve=bool(session and session.reviewer), action=f"/review/{name}/{lang}",
                    page_href="/" + Output("html", lang, name).rel, pdf_href="/" + Output("pdf", lang, name).rel,
                    print_href=f"/review/{name}/{lang}/print")


async def review_decide(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    known = _known(ctx, request)
    if isinstance(known, Response):
        return known
    name, lang = known
    form, session = await ctx.posted(request)
    if session is None:
        return Response("refused: this form's session token is missing or wrong; reload the page", 403,
                        media_type="text/plain")
    if session.reviewer is None:
        return Response("refused: log in as a reviewer first", 403, media_type="text/plain")
    shown = dict(item.split(":", 1) for item in form.get("shown", []) if ":" in item)
    decision = Decision(first(form, "action"), first(form, "segment") or None, shown, first(form, "comment"))
    try:
        lines = await run_in_threadpool(decide, ctx.preview.config, name, lang, session.reviewer, decision,
                                        ctx.key if session.reviewer == ctx.local_reviewer else None)
    except ProblemsFound as found:
        lines = ["nothing was recorded:", *(str(p) for p in found.problems)]
    session.flash.extend(lines)
    await run_in_threadpool(_rebuilt, ctx)
    anchor = await run_in_threadpool(_next_anchor, ctx, name, lang, decision.segment)
    return RedirectResponse(f"/review/{name}/{lang}{anchor}", 303)


def _rebuilt(ctx: ServeContext) -> None:
    """Rebuild now, so that the page the reviewer is sent to is already of the new generation."""
    ctx.preview.rebuild()
    ctx.notifier.publish()


def _next_anchor(ctx: ServeContext, name: str, lang: str, segment: str | None) -> str:
    """`#s-<id>` of the first segment waiting after `segment` (or `segment` itself when none is left)."""
    if not segment:
        return ""
    try:
        segments = review_view(ctx.preview.config, name, lang).segments
    except ProblemsFound:
        return ""
    ids = [s.id for s in segments]
    after = segments[ids.index(segment) + 1:] if segment in ids else []
    following = next((s.id for s in after if s.approvable), None)
    return f"#s-{following or segment}"


def print_page(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    known = _known(ctx, request)
    if isinstance(known, Response):
        return known
    name, lang = known
    try:
        pages = ctx.preview.print_pages(name, lang)
    except ProblemsFound as found:
        return ctx.message(request, "No print preview yet", [str(p) for p in found.problems], 200)
    hrefs = [f"/review/{name}/{lang}/print/{n}.png" for n in range(1, len(pages) + 1)]
    return ctx.page(request, "print.html", pages=hrefs, lang=lang, slug=name,
                    pdf_href="/" + Output("pdf", lang, name).rel)


def print_png(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    known = _known(ctx, request)
    if isinstance(known, Response):
        return known
    name, lang = known
    number = int(request.path_params["number"])
    try:
        pages = ctx.preview.print_pages(name, lang)
    except ProblemsFound:
        pages = []
    if not 1 <= number <= len(pages):
        return Response("no such page", 404, media_type="text/plain")
    return Response(pages[number - 1], media_type="image/png", headers={"Cache-Control": "no-store"})


def login_form(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    if ctx.users is None:
        return ctx.message(request, "No login here", ["this server acts for the reviewer it was started for"], 404)
    session = ctx.session(request)
    if session is not None:
        return ctx.page(request, "login.html", login_csrf=session.csrf)
    sid = ctx.sessions.start(None)
    return with_session(ctx.page(request, "login.html", login_csrf=ctx.sessions.by_id[sid].csrf), request, sid)


async def login(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    form, session = await ctx.posted(request)
    if ctx.users is None or session is None:
        return Response("refused: open the login page again", 403, media_type="text/plain")
    name = " ".join(first(form, "name").split())
    address = f"address:{request.client.host if request.client else '-'}"
    wait, moment = ctx.throttle.attempt(f"name:{name.casefold()}", address)  # counted before it is checked
    if wait:
        return Response(f"too many failed logins: try again in {wait} s", 429, media_type="text/plain",
                        headers={"Retry-After": str(wait)})
    ok = await run_in_threadpool(check_password, first(form, "password"), ctx.users.get(name))
    if not ok:
        session.flash.append("wrong name or password")
        return RedirectResponse("/login", 303)
    ctx.throttle.succeeded(f"name:{name.casefold()}", moment, address)
    ctx.sessions.end(request.cookies.get(COOKIE))
    return with_session(RedirectResponse("/review/", 303), request, ctx.sessions.start(name))


async def logout(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    _form, session = await ctx.posted(request)
    if session is None:
        return Response("refused: reload the page and log out again", 403, media_type="text/plain")
    ctx.sessions.end(request.cookies.get(COOKIE))
    return with_session(RedirectResponse("/", 303), request, "", max_age=0)
