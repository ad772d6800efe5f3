"""The routes that show the preview: its files, the list of every article, the build events, the server's
own static files.

In: requests (their decoded path), the `ServeContext`.
Out: a built file of the preview folder (HTML pages marked as a preview, see `pages.mark_page`), a held
edition made on demand as it would be published now (`Preview.draft`), an edition's PDF (made on demand), the
articles page, the server-sent events a page reloads on (one `data: <generation>` line when the preview is
rebuilt), `reload.js`, `review.js` and `serve.css`. A path that would leave the preview folder is 404. A
path is read as an edition's only when it has an edition's form (`edition_of`; other paths never reach the
build's memo of parsed paths, which would keep every address an attacker sends). Problems are shown with
their invisible and direction-changing characters made visible.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response, StreamingResponse

from pipeline.build.outputs import Output
from pipeline.errors import ProblemsFound
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.serve.context import ServeContext, readable
from pipeline.serve.pages import FRAMING, STATIC, banner, mark_page, page_policy, preview_policy
from pipeline.serve.preview import folder_problems
from pipeline.serve.security import file_under
from pipeline.sources.articles import SLUG_PATTERN, load_articles

STATIC_FILES = {"reload.js": "text/javascript", "review.js": "text/javascript", "serve.css": "text/css"}
KEEP_ALIVE = 15.0
MAX_SLUG = 250  # an edition's file, <slug>.html, must fit the 255 bytes of a file name
_EDITION_RE = re.compile("^/(?P<lang>" + "|".join(map(re.escape, LANGUAGES)) + ")/(?P<slug>" + SLUG_PATTERN
                         + r")\.(?P<format>html|pdf)\Z")


def edition_of(path: str) -> Output | None:
    """The edition page or PDF a decoded URL path names (`/ur/mango.pdf`), or None."""
    match = _EDITION_RE.match(path) if len(path) <= MAX_SLUG + 20 else None
    if match is None or len(match["slug"]) > MAX_SLUG:
        return None
    return Output(match["format"], match["lang"], match["slug"])


def static_file(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        return Response("not found", 404, media_type="text/plain")
    return FileResponse(STATIC / name, media_type=STATIC_FILES[name], headers={"Cache-Control": "no-cache"})


async def events(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx

    async def stream() -> AsyncIterator[str]:
        shown = -1
        while not ctx.notifier.closing:
            generation = ctx.preview.state.generation
            if generation != shown:
                shown = generation
                yield f"data: {generation}\n\n"
            else:
                yield ": still here\n\n"
            await ctx.notifier.wait(KEEP_ALIVE)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def html_response(ctx: ServeContext, html: str, hold: str | None, review_href: str | None,
                  status: int = 200) -> HTMLResponse:
    problems = [readable(str(p)) for p in ctx.preview.state.problems]
    marked = mark_page(html, banner(hold, problems, review_href), ctx.preview.state.generation)
    policy = preview_policy(page_policy(html) or "default-src 'none'; style-src 'self'")
    return HTMLResponse(marked, status, headers={"Content-Security-Policy": f"{policy}; {FRAMING}"})


def site_file(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    path = request.scope["path"]
    output = edition_of(path)
    if output is not None:
        edition = _edition(ctx, request, output)
        if edition is not None:
            return edition
    refused = folder_problems(ctx.preview.root)  # made a link while the server runs: serve nothing from it
    found = None if refused else file_under(ctx.preview.site, path)
    if found is None:
        return ctx.message(request, "Not in the preview", [f"{path}: no such page in the preview"], 404)
    if found.suffix == ".html":
        review = _review_href(output)
        return html_response(ctx, found.read_text(encoding="utf-8"), None, review)
    kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
    return FileResponse(found, media_type=kind, headers={"Cache-Control": "no-cache"})


def _review_href(output: Output | None) -> str | None:
    if output is None or output.format != "html" or not output.slug or output.lang == SOURCE_LANGUAGE:
        return None
    return f"/review/{output.slug}/{output.lang}"


def _edition(ctx: ServeContext, request: Request, output: Output) -> Response | None:
    """A held edition's page made now, or any edition's PDF; None: serve the built file."""
    hold = ctx.preview.state.hold(output.lang, output.slug)
    if output.format == "html" and hold is None:
        return None
    try:
        if output.format == "pdf":
            data = ctx.preview.pdf_of(output.slug, output.lang)
            return Response(data, media_type="application/pdf", headers={"Cache-Control": "no-store"})
        job = ctx.preview.draft(output.slug, output.lang)
    except ProblemsFound as found:
        lines = [str(p) for p in found.problems]
        return ctx.message(request, "This edition cannot be shown yet", lines, 200)
    return html_response(ctx, job.html, hold.reason if hold else None, _review_href(output))


def overview(request: Request) -> Response:
    ctx: ServeContext = request.app.state.ctx
    config = ctx.preview.config
    articles, _problems = load_articles(config)  # the build's problems are on the page already
    rows = []
    for article in sorted(articles, key=lambda a: (a.date, a.slug), reverse=True):
        for lang in (lang for lang in article.languages if lang in config.languages):
            page = Output("html", lang, article.slug)
            hold = ctx.preview.state.hold(lang, article.slug)
            built = (ctx.preview.site / page.rel).is_file()
            state = "held" if hold else ("built" if built else "failed")
            rows.append({"slug": article.slug, "lang": lang, "lang_name": LANGUAGES[lang].english_name,
                         "href": "/" + page.rel, "pdf": "/" + Output("pdf", lang, article.slug).rel,
                         "state": state, "reason": hold.reason if hold else "",
                         "review": _review_href(page)})
    return ctx.page(request, "overview.html", rows=rows, seconds=ctx.preview.state.seconds,
                    site=config.display(ctx.preview.site))


