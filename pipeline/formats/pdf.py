"""PDF: the one place that drives WeasyPrint.

In: the HTML of one edition page, where it is published (`<lang>/<slug>.html`), the page CSS of its
language (size, running labels, digits), the folders and image bytes the page may use, and the
publication's public URL (or none).
Out: PDF bytes: fonts embedded and subset, metadata from the page's <meta> tags (the provenance ones,
who reviewed the edition and from which source, also in the XMP), `/Lang` from
<html lang>, identical bytes for identical input in any folder on any machine. The page is laid out
under a virtual address (`VIRTUAL_ROOT`), so no path of the build machine reaches the PDF; links
between pages become absolute links under `base_url`, or plain text when there is none. Nothing is
read but the stylesheets and fonts of the repository and the edition's own images, and nothing is
fetched from the network. One PDF renders at a time in a process (WeasyPrint's text stack is not
thread-safe: a Dask worker runs tasks in threads).

WeasyPrint is imported in one place, `weasyprint_module()`, and only when a PDF is rendered.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import gettext
import hashlib
import io
import logging
import mimetypes
import re
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit
from xml.etree import ElementTree

import pydyf

from pipeline.formats.textlayer import layer as text_layer_for
from pipeline.languages import direction
from pipeline.text.localize import digit_system

# The page's provenance <meta> names and the XMP properties that carry them in the PDF.
PROVENANCE_NS = "urn:x-newsroom-pipeline:provenance:1/"
PROVENANCE_META = {"source-sha256": "sourceSha256", "reviewed-by": "reviewedBy", "reviewed": "reviewed"}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ElementTree.register_namespace("newsroom", PROVENANCE_NS)
ElementTree.register_namespace("pdfuaid", "http://www.aiim.org/pdfua/ns/id/")
# PDF/A-3b with tags (PDF/UA-1 asks for a structure tree) and the sRGB output intent PDF/A asks for.
ARCHIVAL = {"pdf_variant": "pdf/a-3b", "pdf_tags": True, "output_intent": "srgb"}
VIRTUAL_ROOT = "https://publication.invalid/"  # .invalid never resolves (RFC 2606): nothing is fetched
RENDER_TIMEOUT = 300  # seconds for one PDF; a 200-page Urdu article takes about a minute
_STYLESHEET_LINK = re.compile(r'<link rel="stylesheet"[^>]*>')
_ANCHOR = re.compile(r'<a ([^>]*?)href="([^"]*)"')
_render_lock = threading.Lock()
_import_lock = threading.Lock()


class RenderTimeout(BaseException):
    """One PDF took longer than its limit: the build reports it and goes on with the others.

    A BaseException, so that WeasyPrint's own `except Exception` (around image and font loading)
    cannot swallow it when the alarm rings there."""


@dataclass(frozen=True)
class Sources:
    """What a page may load: the published site's assets/ and fonts/ come from these folders, media/
    from the images read for this edition (path under the root -> bytes)."""

    templates: Path
    fonts: Path
    media: dict[str, bytes] = field(default_factory=dict)


def _no_library_search(_name: str) -> None:
    return None


def weasyprint_module() -> ModuleType:
    """The one import of WeasyPrint, only when a PDF is to be made.

    WeasyPrint hands cffi several names per native library; cffi sends each name without a full
    soname to `ctypes.util.find_library`, which on Linux runs ldconfig, gcc and ld: 86 processes and
    about 0.2-0.3 s on every import (measured here). Every candidate list also holds the real soname
    (`libpango-1.0.so.0`), which the dynamic loader opens directly, so during the import the search
    answers "not found" at once. If that import fails, or HarfBuzz's subsetter is missing (PDFs would
    be about 5x slower), it is discarded and WeasyPrint is imported the ordinary way."""
    with _import_lock:
        if "weasyprint.text.ffi" not in sys.modules and sys.platform.startswith("linux"):
            import ctypes.util  # only on this path: 12 ms that `check` need not pay
            original = ctypes.util.find_library
            ctypes.util.find_library = _no_library_search
            try:
                with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints install hints on failure
                    import weasyprint.text.ffi  # the one lazy import of WeasyPrint (fast path)
                if weasyprint.text.ffi.harfbuzz_subset is None:
                    raise OSError("no HarfBuzz subsetter by soname")
            except Exception:  # an OSError from dlopen or anything else: take the ordinary path
                for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
                    del sys.modules[name]
            finally:
                ctypes.util.find_library = original
        import weasyprint  # the one lazy import of WeasyPrint (ordinary path, or already imported)
        import weasyprint.css.counters
        import weasyprint.text.fonts  # the submodules the renderer uses

        return weasyprint


def links_for_print(html: str, page_rel: str, base_url: str | None) -> str:
    """Links between pages are relative in the HTML; in a PDF they would point into the build machine.
    Make them absolute under `base_url`, or plain text (an <a> without href) when there is none."""
    page_url = urljoin(base_url or VIRTUAL_ROOT, page_rel)

    def fix(match: re.Match[str]) -> str:
        attributes, href = match.group(1), match.group(2)
        if href.startswith("#") or re.match(r"^(https?|mailto):", href, re.I):
            return match.group(0)
        if base_url is None:
            return f"<a {attributes}".rstrip() + " data-href-removed=\"\""
        return f'<a {attributes}href="{urljoin(page_url, href)}"'

    return _ANCHOR.sub(fix, html)


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


def resolve_virtual(url: str, sources: Sources) -> bytes | None:
    """The bytes behind a virtual URL of the published site, or None when it is not one we serve."""
    parts = urlsplit(url)
    if not url.startswith(VIRTUAL_ROOT) or parts.query:
        return None
    path = PurePosixPath(unquote(parts.path).lstrip("/"))
    if ".." in path.parts or len(path.parts) < 2:
        return None
    top, rest = path.parts[0], PurePosixPath(*path.parts[1:]).as_posix()
    if top == "media":
        return sources.media.get(rest)
    folder = {"assets": sources.templates, "fonts": sources.fonts}.get(top)
    if folder is None or len(path.parts) != 2:
        return None
    candidate = folder / rest
    if not candidate.is_file() or not candidate.resolve().is_relative_to(folder.resolve()):
        return None
    return candidate.read_bytes()


def _fetcher(wp: ModuleType, sources: Sources) -> Any:
    class VirtualFetcher(wp.urls.URLFetcher):  # type: ignore[misc,name-defined]
        """Serves the virtual site only; every other URL (file:, http:, data:) is refused and noted."""

        refused: list[str]

        def fetch(self, url: str, headers: Any = None) -> Any:
            data = resolve_virtual(url, sources)
            if data is None:
                self.refused.append(url)
                raise ValueError(f"refused: {url}")
            mime = mimetypes.guess_type(urlsplit(url).path)[0] or "application/octet-stream"
            return wp.urls.URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    fetcher = VirtualFetcher(allowed_protocols=("https",))
    fetcher.refused = []
    return fetcher


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _Renderer:
    """WeasyPrint's per-process state: one font configuration, stylesheets parsed once."""

    def __init__(self) -> None:
        self.assets: str | None = None
        self.font_config: Any = None
        self.counter_style: Any = None
        self.sheets: dict[tuple[str, str], Any] = {}

    def reset_for(self, assets: str, wp: ModuleType) -> None:
        if assets != self.assets or self.font_config is None:
            # Fonts or stylesheets changed since this (long-lived) process filled its caches: start over.
            self.sheets.clear()
            self.font_config = wp.text.fonts.FontConfiguration()
            self.counter_style = wp.css.counters.CounterStyle()
            self.assets = assets

    def sheet(self, wp: ModuleType, name: str, text: str, base: str, fetcher: Any) -> Any:
        key = (name, hashlib.sha256(text.encode("utf-8")).hexdigest())
        if key not in self.sheets:
            self.sheets[key] = wp.CSS(string=text, base_url=base, url_fetcher=fetcher, font_config=self.font_config,
                                      counter_style=self.counter_style, media_type="print")
        return self.sheets[key]


_renderer = _Renderer()


def layout(html: str, page_rel: str, page_css: str, sources: Sources, assets: str = "") -> tuple[Any, Any]:
    """Lay a page out: (WeasyPrint Document, the URL fetcher that served it).

    The page's linked stylesheet (`assets/style.css`, from `sources.templates`) is parsed once per
    process and given to WeasyPrint in place of the page's <link> tags, with its @counter-style rules
    (Urdu list and page numbers)."""
    wp = weasyprint_module()
    _renderer.reset_for(assets, wp)
    fetcher = _fetcher(wp, sources)
    style = (sources.templates / "style.css").read_text(encoding="utf-8")
    sheets = [_renderer.sheet(wp, "style.css", style, VIRTUAL_ROOT + "assets/style.css", fetcher),
              _renderer.sheet(wp, "page", page_css, VIRTUAL_ROOT, fetcher)]
    document = wp.HTML(string=_STYLESHEET_LINK.sub("", html), base_url=VIRTUAL_ROOT + page_rel,
                       url_fetcher=fetcher).render(font_config=_renderer.font_config,
                                                   counter_style=_renderer.counter_style, stylesheets=sheets)
    return document, fetcher


def render_pdf(html: str, page_rel: str, page_css: str, sources: Sources, *, base_url: str | None = None,
               timeout: int = RENDER_TIMEOUT, assets: str = "", archival: bool = True,
               text_layer: bool = False) -> tuple[bytes, list[str]]:
    """One HTML page to PDF bytes and WeasyPrint's warnings (missing glyphs, refused files), within
    `timeout` seconds. The same bytes for the same input: the PDF identifier is a hash of it. `archival`:
    PDF/A-3b and PDF/UA-1 (tagged structure, sRGB output intent, both identifications in the XMP, the title
    shown by viewers); no attachments (WeasyPrint writes a duplicate /AF for them, Kozea/WeasyPrint#2917).
    `text_layer`: Nastaliq lines get the invisible text layer (`textlayer`); raises ProblemsFound when this
    WeasyPrint is not the one the layer was audited for."""
    html = links_for_print(html, page_rel, base_url)
    identifier = hashlib.sha256(html.encode("utf-8") + page_css.encode("utf-8")).hexdigest()[:32]
    with _render_lock:  # one PDF at a time in this process, whatever thread asks
        logger = logging.getLogger("weasyprint")
        logger.propagate = False
        collect = _Collect()
        logger.addHandler(collect)
        try:
            with _deadline(timeout):
                document, fetcher = layout(html, page_rel, page_css, sources, assets)
                extra = _provenance(document.metadata.custom)
                if archival:
                    extra["{http://www.aiim.org/pdfua/ns/id/}part"] = "1"
                _with_xmp(document.metadata, extra)
                options = ARCHIVAL if archival else {}
                with text_layer_for(weasyprint_module(), text_layer):
                    pdf = document.write_pdf(pdf_identifier=identifier.encode("ascii"), finisher=_finisher,
                                             **options)
        finally:
            logger.removeHandler(collect)
    warnings = collect.messages + [f"refused to load {url}" for url in fetcher.refused]
    return bytes(pdf), warnings


def _provenance(custom: dict[str, str]) -> dict[str, str]:
    """The page's provenance meta as XMP properties (qualified names)."""
    return {f"{{{PROVENANCE_NS}}}{prop}": custom[name] for name, prop in PROVENANCE_META.items() if custom.get(name)}


def _with_xmp(metadata: Any, extra: dict[str, str]) -> None:
    """Make WeasyPrint's XMP carry `extra` properties in the one rdf:RDF it writes."""
    if not extra:
        return
    original = metadata.generate_rdf_metadata

    def generate(variant: str | None, version: int | None, conformance: str | None) -> bytes:
        rdf = ElementTree.fromstring(original(variant, version, conformance))
        description = ElementTree.SubElement(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
        for name, value in extra.items():
            ElementTree.SubElement(description, name).text = value
        if variant == "a":
            _extension_schemas(rdf, {name.split("}")[0][1:] for name in extra})
        return ElementTree.tostring(rdf, encoding="utf-8")

    metadata.generate_rdf_metadata = generate


# PDF/A admits XMP properties outside its predefined schemas only when the packet describes them.
_PDFA_EXT, _PDFA_SCHEMA, _PDFA_PROP = ("http://www.aiim.org/pdfa/ns/extension/", "http://www.aiim.org/pdfa/ns/schema#",
                                       "http://www.aiim.org/pdfa/ns/property#")
_SCHEMAS = {
    PROVENANCE_NS: ("newsroom", "Newsroom pipeline provenance", [
        ("sourceSha256", "Text", "SHA-256 of the English article the edition was made from"),
        ("reviewedBy", "Text", "the reviewers who approved the translation"),
        ("reviewed", "Text", "when the last segment of the translation was approved (UTC)")]),
    "http://www.aiim.org/pdfua/ns/id/": ("pdfuaid", "PDF/UA identification", [
        ("part", "Integer", "the part of PDF/UA the document conforms to")]),
}
for _prefix, _uri in (("pdfaExtension", _PDFA_EXT), ("pdfaSchema", _PDFA_SCHEMA), ("pdfaProperty", _PDFA_PROP)):
    ElementTree.register_namespace(_prefix, _uri)


def _extension_schemas(rdf: ElementTree.Element, namespaces: set[str]) -> None:
    """Describe the schemas of our own XMP properties, as PDF/A asks (ISO 19005-1, 6.7.8)."""
    sub = ElementTree.SubElement
    resource = {f"{{{_RDF}}}parseType": "Resource"}
    holder = sub(rdf, f"{{{_RDF}}}Description", {f"{{{_RDF}}}about": ""})
    bag = sub(sub(holder, f"{{{_PDFA_EXT}}}schemas"), f"{{{_RDF}}}Bag")
    for uri in sorted(namespaces & set(_SCHEMAS)):
        prefix, title, properties = _SCHEMAS[uri]
        schema = sub(bag, f"{{{_RDF}}}li", resource)
        for field_name, value in (("schema", title), ("namespaceURI", uri), ("prefix", prefix)):
            sub(schema, f"{{{_PDFA_SCHEMA}}}{field_name}").text = value
        seq = sub(sub(schema, f"{{{_PDFA_SCHEMA}}}property"), f"{{{_RDF}}}Seq")
        for name, kind, description in properties:
            item = sub(seq, f"{{{_RDF}}}li", resource)
            for field_name, value in (("name", name), ("valueType", kind), ("category", "internal"),
                                      ("description", description)):
                sub(item, f"{{{_PDFA_PROP}}}{field_name}").text = value


def _finisher(document: Any, pdf: Any) -> None:
    """A plain PDF gets no XMP from WeasyPrint (only PDF/A, /UA and /X do): add it. Viewers show the
    document's title rather than its file name (PDF/UA asks for it)."""
    if "Metadata" not in pdf.catalog:
        document.metadata.include_in_pdf(pdf, None, None, None, compress=True)
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def release() -> None:
    """Drop WeasyPrint's objects before the interpreter tears its modules down: FontConfiguration's
    destructor needs them, and would otherwise print a traceback at exit."""
    _renderer.sheets.clear()
    _renderer.font_config = _renderer.counter_style = None
    gc.collect()


atexit.register(release)


def warm_up() -> None:
    """Make this process ready to render: WeasyPrint and its text stack imported."""
    weasyprint_module()


def page_css(page_size: str, lang: str, digits: str, translations: gettext.NullTranslations) -> str:
    """The print rules that depend on the edition: page size, running header sides, page labels."""
    label = translations.gettext("Page {page} of {pages}")  # listed in interface.CODE_MESSAGES
    style = "urdu-digits" if digit_system(lang, digits) == "urdu" else "decimal"
    parts = []
    for i, piece in enumerate(label.replace("{pages}", "\x00P").replace("{page}", "\x00p").split("\x00")):
        if i and piece[:1] == "P":
            parts.append(f"counter(pages, {style})")
        elif i and piece[:1] == "p":
            parts.append(f"counter(page, {style})")
        piece = piece[1:] if i else piece
        if piece:
            parts.append(css_string(piece))
    start, end = ("right", "left") if direction(lang) == "rtl" else ("left", "right")
    return (
        f"@page {{ size: {page_size};"
        f" @top-{start} {{ content: string(publication); }}"
        f" @top-{end} {{ content: string(headline); }}"
        f" @bottom-center {{ content: {' '.join(parts)}; }} }}\n"
        f"@page :first {{ @top-{start} {{ content: none; }} @top-{end} {{ content: none; }} }}\n"
    )


def css_string(text: str) -> str:
    """Text as a CSS string: quotes and backslashes escaped, and every control character (a line break
    would end the declaration and let the text write CSS) as a hexadecimal escape."""
    out = []
    for char in text:
        if char in '"\\' or ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 or char in "\u2028\u2029":
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
