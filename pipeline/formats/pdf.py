"""The one place that drives WeasyPrint.

In: the HTML of one edition page, the file path the page is published at (for relative URLs),
and the page CSS of its language (size, running labels, digits).
Out: PDF bytes: fonts embedded and subset, metadata from the page's <meta> tags, `/Lang` from
<html lang>, identical bytes for identical input. Nothing outside the allowed folders is read and
nothing is fetched from the network.

WeasyPrint is imported lazily: a build with nothing to render must not pay for it.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import logging
import re
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_font_config: FontConfiguration | None = None
_counter_style: Any = None  # @counter-style rules (Urdu list and page digits) of the cached stylesheet
_assets: str | None = None  # the assets key the caches below were filled under
_stylesheets: dict[tuple[str, str], Any] = {}  # parsed once per process: (path or text, digest) -> CSS
_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet"[^>]*>')


RENDER_TIMEOUT = 300  # seconds for one PDF; a 200-page Urdu article takes about a minute


class RenderTimeout(BaseException):
    """One PDF took longer than RENDER_TIMEOUT: the build reports it and goes on with the others.

    A BaseException, so that WeasyPrint's own `except Exception` (around image and font loading)
    cannot swallow it when the alarm rings there."""


@contextlib.contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """SIGALRM-based limit; only the main thread of a process can have one (Dask threads go without).

    An exception raised by a signal handler can land where Python ignores it (a `__del__`, a gc
    callback), so the alarm rings again every half second until the work has stopped, and a
    finished-but-late render counts as late too."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    late = False

    def expired(_signum: int, _frame: object) -> None:
        nonlocal late
        late = True
        raise RenderTimeout(f"rendering took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, previous)
    if late:
        raise RenderTimeout(f"rendering took longer than {seconds} s")


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class RestrictedFetcher(URLFetcher):  # type: ignore[misc,valid-type]
        """Serves file:// URLs under the allowed folders only; refuses everything else.

        `aliases` map folders of the published site onto their sources (dist/assets -> templates,
        dist/fonts -> fonts, dist/media -> the publication root); anything else in the output folder
        is refused, so a PDF never reads what an earlier build (or anyone else) left there."""

        def __init__(self, allowed: tuple[Path, ...], aliases: tuple[tuple[Path, Path], ...]) -> None:
            super().__init__(allowed_protocols=("file",))
            self.allowed = tuple(p.resolve() for p in allowed)
            self.aliases = tuple((a.resolve(), b.resolve()) for a, b in aliases)
            self.denied = tuple({a.parent for a, _ in self.aliases})  # the output folder
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            aliased = False
            for published, source in self.aliases if path is not None else ():
                if path.is_relative_to(published):
                    path, aliased = (source / path.relative_to(published)).resolve(), True
                    break
            if path is None or parts.netloc not in ("", "localhost") or not any(
                    path.is_relative_to(folder) for folder in self.allowed) or (not aliased and any(
                    path.is_relative_to(folder) for folder in self.denied)):
                self.refused.append(url)
                raise ValueError(f"refused: {url}")
            return super().fetch(path.as_uri(), headers)

    return RestrictedFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _stylesheet(key: tuple[str, str], make: Any) -> Any:
    if key not in _stylesheets:
        _stylesheets[key] = make()
    return _stylesheets[key]


def layout(html: str, page_path: Path, page_css: str, allowed: tuple[Path, ...],
           aliases: tuple[tuple[Path, Path], ...] = (), stylesheet: Path | None = None,
           assets: str = "") -> tuple[Any, Any]:
    """Lay a page out: (WeasyPrint Document, the URL fetcher that served it).

    `page_path` is where the page will be published, for its relative URLs; `allowed` are the only
    folders files may come from, `aliases` map published folders onto their sources. `stylesheet`
    (the page's linked stylesheet, at its source) is parsed once per process and given to WeasyPrint
    in place of the page's <link> tags: parsing it again for every page is about a tenth of the time
    of a short page. Its @counter-style rules (Urdu list and page numbers) go with it."""
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.text.fonts import FontConfiguration

    global _font_config, _counter_style, _assets
    if assets != _assets:
        # Fonts or stylesheets changed since this (long-lived) process filled its caches: start over.
        _stylesheets.clear()
        _font_config = _counter_style = None
        _assets = assets
    if _font_config is None:
        _font_config = FontConfiguration()
    if _counter_style is None:
        _counter_style = CounterStyle()
    fetcher = _fetcher_class()(allowed, aliases)
    sheets = []
    if stylesheet is not None:
        html = _STYLESHEET_LINK.sub("", html)
        sheet_fetcher = _fetcher_class()(allowed, aliases)
        sheets.append(_stylesheet((str(stylesheet), hashlib.sha256(stylesheet.read_bytes()).hexdigest()),
                                  lambda: CSS(filename=str(stylesheet), url_fetcher=sheet_fetcher,
                                              font_config=_font_config, counter_style=_counter_style,
                                              media_type="print")))
    sheets.append(_stylesheet(("page", page_css), lambda: CSS(string=page_css, font_config=_font_config,
                                                              counter_style=_counter_style, media_type="print")))
    document = HTML(string=html, base_url=page_path.resolve().as_uri(), url_fetcher=fetcher).render(
        font_config=_font_config, counter_style=_counter_style, stylesheets=sheets)
    return document, fetcher


def render_pdf(html: str, page_path: Path, page_css: str, allowed: tuple[Path, ...],
               aliases: tuple[tuple[Path, Path], ...] = (), stylesheet: Path | None = None,
               timeout: int = RENDER_TIMEOUT, assets: str = "") -> tuple[bytes, list[str]]:
    """One HTML page to PDF bytes and WeasyPrint's warnings (missing glyphs, refused files), within
    `timeout` seconds. The same bytes for the same input: the PDF identifier is a hash of it."""
    logger = logging.getLogger("weasyprint")
    logger.propagate = False
    collect = _Collect()
    logger.addHandler(collect)
    identifier = hashlib.sha256(html.encode("utf-8") + page_css.encode("utf-8")).hexdigest()[:32]
    try:
        with _deadline(timeout):
            document, fetcher = layout(html, page_path, page_css, allowed, aliases, stylesheet, assets)
            pdf = document.write_pdf(pdf_identifier=identifier.encode("ascii"))
    finally:
        logger.removeHandler(collect)
    assert pdf is not None
    warnings = collect.messages + [f"refused to load {url}" for url in fetcher.refused]
    return bytes(pdf), warnings


def _release() -> None:
    """Drop WeasyPrint's objects before the interpreter tears its modules down: FontConfiguration's
    destructor needs them, and would otherwise print a traceback at exit."""
    global _font_config, _counter_style
    _stylesheets.clear()
    _font_config = _counter_style = None
    gc.collect()


atexit.register(_release)


def warm_up() -> None:
    """Make this process ready to render: WeasyPrint and its text stack imported."""
    import weasyprint.text.fonts  # noqa: F401 - importing is the slow part
