"""The one place that drives WeasyPrint.

In: the HTML of one edition page, the file path the page is published at (for relative URLs),
and the page CSS of its language (size, running labels, digits).
Out: PDF bytes: fonts embedded and subset, metadata from the page's <meta> tags, `/Lang` from
<html lang>, identical bytes for identical input. Nothing outside the allowed folders is read and
nothing is fetched from the network.

WeasyPrint is imported lazily: a build with nothing to render must not pay for it.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint.text.fonts import FontConfiguration

_font_config: FontConfiguration | None = None
_image_cache: dict[str, Any] = {}


class RefusedResource(Exception):
    """A page asked for a file outside the allowed folders, or for a network URL."""


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher

    class RestrictedFetcher(URLFetcher):  # type: ignore[misc,valid-type]
        """Serves file:// URLs under the allowed folders only; refuses everything else."""

        def __init__(self, allowed: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols=("file",))
            self.allowed = tuple(p.resolve() for p in allowed)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            from urllib.parse import unquote, urlsplit

            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
            if path is None or parts.netloc not in ("", "localhost") or not any(
                    path.is_relative_to(folder) for folder in self.allowed):
                self.refused.append(url)
                raise ValueError(f"refused: {url}")
            return super().fetch(url, headers)

    return RestrictedFetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, page_path: Path, page_css: str, allowed: tuple[Path, ...]) -> tuple[bytes, list[str]]:
    """One HTML page to PDF bytes and WeasyPrint's warnings (missing glyphs, refused files).

    `page_path` is where the page lives, for its relative URLs."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    logger = logging.getLogger("weasyprint")
    logger.propagate = False
    collect = _Collect()
    logger.addHandler(collect)
    fetcher = _fetcher_class()(allowed)
    base_url = page_path.resolve().as_uri()
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    extra = CSS(string=page_css, font_config=_font_config, url_fetcher=fetcher)
    identifier = hashlib.sha256(html.encode("utf-8") + page_css.encode("utf-8")).hexdigest()[:32]
    try:
        pdf = document.write_pdf(
            stylesheets=[extra],
            font_config=_font_config,
            pdf_identifier=identifier.encode("ascii"),
            cache=_image_cache,
        )
    finally:
        logger.removeHandler(collect)
    assert pdf is not None
    warnings = collect.messages + [f"refused to load {url}" for url in fetcher.refused]
    return bytes(pdf), warnings


def warm_up() -> None:
    """Make this process ready to render: WeasyPrint imported, one shared FontConfiguration."""
    global _font_config
    from weasyprint.text.fonts import FontConfiguration

    if _font_config is None:
        _font_config = FontConfiguration()
