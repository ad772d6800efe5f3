"""The text layer of Nastaliq PDFs: Urdu words that can be copied, searched and read aloud.

In: WeasyPrint's module object (from `pdf.weasyprint_module()`: nothing is imported here) and, per
render, whether the document gets the layer (`pdf_text_layer` on, a language set in Nastaliq).
Out: `layer(wp, enabled)`, the context a document is written in. With the layer, every line that has a
Nastaliq run is drawn as WeasyPrint draws it, but through a twin of each of the line's font resources
(same program and glyph ids, a ToUnicode mapping every glyph to a space), and then its logical text is
drawn again, invisible (text rendering mode 3), on the baseline, one glyph per character in a small
embedded glyphless font whose ToUnicode maps each code to one character, each word stretched (Tz)
over its visible counterpart. Characters of a run go in visual order, runs of one direction in visual
order, direction segments in logical order: what position-based (poppler, PDFium) and stream-based
(pypdf) extractors turn back into logical text. Without the layer nothing changes: the hooks call
WeasyPrint's own functions untouched.

Why: WeasyPrint writes one ToUnicode entry per glyph, filled the first time the glyph is drawn
(Kozea/WeasyPrint#2841), while Nastaliq reuses one glyph for several letters, draws nuqtas as separate
glyphs and moves glyphs up to about 0.8 em off the line, so extractors map and split words wrongly.

The hooks reach into WeasyPrint's internals (the first-line drawing, the font dictionary), so they are
installed only when WeasyPrint's version and the source of every function they rely on are the ones
audited here; otherwise an Urdu PDF is refused with a message naming `pdf_text_layer`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import io
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import ceil, inf
from types import ModuleType
from typing import Any

import pydyf

from pipeline.errors import Problem, ProblemsFound

AUDITED_VERSION = "70.0"
# sha256 of the source of every WeasyPrint function the hooks wrap or rely on, as audited.
AUDITED_SOURCES = {
    "draw.text.draw_text":
        "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "draw.text.draw_first_line":
        "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "pdf.generate_pdf":
        "626343ef25c396e8521948cadbe2b7544331c161040da80ed4e338fadac3efa9",
    "pdf.fonts.build_fonts_dictionary":
        "fc551bef35d0d6c3d288f686fd21b5ea8c1efadb8f2f3b4d379cfa6045c02230",
    "pdf.fonts.Font.__init__":
        "1f281166b10302a4278a04384970b91496a19b071e071a4087f77a49bc1487fe",
    "pdf.stream.Stream.begin_text":
        "bf5f18b4689d451230f1bfec6978d80588774ca78fe9fdc6db370f2b872e2497",
    "pdf.stream.Stream.set_font_size":
        "34b9096d1555895d16257f7eb953bc4e971a021f1112abe63a922eec289fdb36",
}
LAYER_FONT = "TextLayer"  # the resource name of the glyphless font (WeasyPrint's are six capitals)
TWIN_SUFFIX = "Glyphs"  # a twin's resource name: the font's name and this
ADVANCE = 500  # the glyphless font's one advance, in thousandths of the font size
ASCENT, DESCENT = 800, -200  # its metrics (poppler's word boxes), in the same units
BOX_TOP = 200  # its glyph is a box from the baseline to this: taller boxes make PDFium join tight lines
MIN_WIDTH = 0.01  # in font sizes: a word whose glyphs have no width still gets a sliver
_TOKEN = re.compile(r"\s+|\S+")


@dataclass
class _Document:
    """What the layer of one document has used, for its font dictionary."""

    codes: dict[str, int] = field(default_factory=dict)  # character -> code in the glyphless font
    twins: set[str] = field(default_factory=set)  # WeasyPrint font names drawn through a twin

    def code(self, char: str) -> int:
        return self.codes.setdefault(char, len(self.codes) + 1)  # code 0 stays .notdef


_current: _Document | None = None
_originals: dict[str, Callable[..., Any]] = {}
_audited: dict[tuple[object, ...], str | None] = {}


def _target(wp: ModuleType, dotted: str) -> Any:
    obj: Any = wp
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return inspect.unwrap(obj)


def source_digest(function: Callable[..., Any]) -> str:
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()


def audit(wp: ModuleType) -> str | None:
    """None when this WeasyPrint is the audited one; otherwise what differs. The sources are read once per
    set of function objects (reading them takes 14 ms), so a function replaced at run time is audited again."""
    version = getattr(wp, "__version__", "?")
    if version != AUDITED_VERSION:
        return f"WeasyPrint {version} is installed; the layer was written for {AUDITED_VERSION}"
    try:
        targets = tuple(_target(wp, dotted) for dotted in AUDITED_SOURCES)
    except AttributeError:
        return "WeasyPrint lacks a function the layer relies on (" + ", ".join(AUDITED_SOURCES) + ")"
    key = (version, tuple(AUDITED_SOURCES.items()), targets)
    if key not in _audited:
        _audited.clear()
        _audited[key] = _sources_differ(targets)
    reason = _audited[key]
    if reason is None and _originals.get("build_fonts_dictionary", wp.pdf.build_fonts_dictionary) is not \
            wp.pdf.fonts.build_fonts_dictionary:
        return "weasyprint.pdf no longer takes build_fonts_dictionary from weasyprint.pdf.fonts"
    return reason


def _sources_differ(targets: tuple[Any, ...]) -> str | None:
    for (dotted, expected), target in zip(AUDITED_SOURCES.items(), targets, strict=True):
        try:
            found = source_digest(target)
        except (OSError, TypeError):
            return f"the source of weasyprint.{dotted} cannot be read"
        if found != expected:
            return f"weasyprint.{dotted} is not the audited code"
    return None


def refusal(reason: str) -> ProblemsFound:
    return ProblemsFound([Problem("publication.yaml", None, "pdf_text_layer", (
        f"cannot make the Urdu PDF text layer: {reason}. Set `pdf_text_layer: false` in publication.yaml "
        "to publish Urdu PDFs without it (copied or searched Urdu text will be wrong), or install the "
        "WeasyPrint version in requirements.lock"))])


@contextlib.contextmanager
def layer(wp: ModuleType, enabled: bool) -> Iterator[None]:
    """Write one document inside this: with `enabled`, Nastaliq lines get the text layer. Raises
    ProblemsFound (naming `pdf_text_layer`) when this WeasyPrint is not the audited one."""
    global _current
    if not enabled:
        yield
        return
    reason = audit(wp)
    if reason:
        raise refusal(reason)
    _install(wp)
    _current = _Document()
    try:
        yield
    finally:
        _current = None


def _install(wp: ModuleType) -> None:
    if _originals:
        return
    _originals["draw_first_line"] = wp.draw.text.draw_first_line
    _originals["build_fonts_dictionary"] = wp.pdf.build_fonts_dictionary
    text_ffi = wp.text.ffi  # Pango through cffi: FROM_UNITS, ffi.NULL

    @functools.wraps(_originals["draw_first_line"])
    def draw_first_line(stream: Any, textbox: Any, *args: Any) -> Any:
        document = _current
        if document is None:
            return _originals["draw_first_line"](stream, textbox, *args)
        stream._current_font = None  # every line names its fonts, so that a twin can replace them
        start = len(stream.stream)
        emojis = _originals["draw_first_line"](stream, textbox, *args)
        fonts = {font.hash: font for font in stream._fonts.values()}
        used = _fonts_named(stream.stream, start)
        if any("Nastaliq" in fonts[name].family for name in used if name in fonts):
            twins = {name for name in used if name in fonts and not fonts[name].bitmap}
            _to_twins(stream.stream, start, twins)
            document.twins |= twins
            _draw_layer(stream, textbox, args[-1], document, text_ffi)
        return emojis

    @functools.wraps(_originals["build_fonts_dictionary"])
    def build_fonts_dictionary(pdf: Any, fonts: Any, compress: bool, *args: Any) -> Any:
        pdf_fonts = _originals["build_fonts_dictionary"](pdf, fonts, compress, *args)
        if _current is not None and _current.codes:
            _add_fonts(pdf, pdf_fonts, fonts, _current, compress)
        return pdf_fonts

    wp.draw.text.draw_first_line = draw_first_line
    wp.pdf.build_fonts_dictionary = build_fonts_dictionary


_TF = re.compile(rb"^/(\S+) (\S+) Tf$")


def _fonts_named(items: list[Any], start: int) -> set[str]:
    return {m.group(1).decode() for item in items[start:] if isinstance(item, bytes) and (m := _TF.match(item))}


def _to_twins(items: list[Any], start: int, twins: set[str]) -> None:
    for i in range(start, len(items)):
        match = _TF.match(items[i]) if isinstance(items[i], bytes) else None
        if match and match.group(1).decode() in twins:
            items[i] = b"/" + match.group(1) + TWIN_SUFFIX.encode() + b" " + match.group(2) + b" Tf"


@dataclass
class _Token:
    text: str  # logical order
    rtl: bool
    left: float  # extent of its visible glyphs, from the line's start
    right: float


def _runs(first_line: Any, text: bytes, text_ffi: Any) -> list[tuple[bool, int, list[_Token]]]:
    """The line's runs in visual order: (right to left, logical start, tokens in visual order). A token's
    extent is the union of its glyphs' advances (Pango's widths: what WeasyPrint's TJ moves by)."""
    runs = []
    x = 0.0
    run = first_line.runs[0]
    while run != text_ffi.ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        texts, starts = _split(text[item.offset:item.offset + item.length])
        spans = [[inf, -inf] for _ in texts]
        infos, clusters = glyphs.glyphs, glyphs.log_clusters
        for i in range(glyphs.num_glyphs):
            width = infos[i].geometry.width * text_ffi.FROM_UNITS
            span = spans[bisect_right(starts, clusters[i]) - 1]
            span[0], span[1] = min(span[0], x, x + width), max(span[1], x, x + width)
            x += width
        rtl = bool(item.analysis.level % 2)
        tokens = [_Token(t, rtl, left, right) for t, (left, right) in zip(texts, spans, strict=True) if left <= right]
        runs.append((rtl, item.offset, sorted(tokens, key=lambda t: t.left)))
        run = run.next
    return runs


def _split(run_text: bytes) -> tuple[list[str], list[int]]:
    """A run's words and spaces (every space run as one space), and where each starts (bytes)."""
    texts, starts, position = [], [], 0
    for piece in _TOKEN.findall(run_text.decode("utf-8")):
        texts.append(" " if piece.isspace() else piece)
        starts.append(position)
        position += len(piece.encode("utf-8"))
    return texts, starts


def _visual_order(runs: list[tuple[bool, int, list[_Token]]]) -> list[_Token]:
    """Direction segments (neighbouring runs of one direction) in logical order, each in visual order."""
    segments: list[tuple[int, list[_Token]]] = []
    previous = None
    for rtl, start, tokens in runs:
        if segments and rtl == previous:
            segments[-1] = (min(segments[-1][0], start), segments[-1][1] + tokens)
        else:
            segments.append((start, list(tokens)))
        previous = rtl
    return [token for _, tokens in sorted(segments, key=lambda s: s[0]) for token in _glued(tokens)]


def _glued(tokens: list[_Token]) -> list[_Token]:
    """Each space drawn with the word beside it, in one string: PDFium drops many spaces drawn alone (and
    then joins the words). A space goes with the word on its left, or, at a segment's left end, on its right."""
    out: list[_Token] = []
    pending: _Token | None = None
    for token in tokens:
        if not token.text.strip():
            if out and abs(token.left - out[-1].right) < 1:
                out[-1] = _joined(out[-1], token)
            else:
                pending = token
            continue
        if pending is not None and abs(pending.right - token.left) < 1:
            token = _joined(pending, token)
        elif pending is not None:
            out.append(pending)
        pending = None
        out.append(token)
    return out + ([pending] if pending is not None else [])


def _joined(left: _Token, right: _Token) -> _Token:
    """Two neighbouring tokens (left and right on the page) as one: the text in logical order."""
    text = right.text + left.text if left.rtl else left.text + right.text
    return _Token(text, left.rtl, left.left, right.right)


def _draw_layer(stream: Any, textbox: Any, matrix: Any, document: _Document, text_ffi: Any) -> None:
    """The line's logical text, invisible, on the baseline, each word over its visible glyphs."""
    first_line, _ = textbox.pango_layout.get_first_line()
    tokens = _visual_order(_runs(first_line, textbox.pango_layout.text.encode("utf-8"), text_ffi))
    tokens = [t for t in tokens if t.text.strip() or t.right - t.left > 0]
    if not tokens:
        return
    size = textbox.style["font_size"]
    a, b, c, d, e, f = matrix.values
    stream.set_font_size(LAYER_FONT, size)
    stream.set_text_rendering(3)
    for token in tokens:
        chars = token.text[::-1] if token.rtl else token.text
        width = max(token.right - token.left, MIN_WIDTH * size)
        stream.stream.append(pydyf._to_bytes(round(100 * width / (len(chars) * ADVANCE / 1000 * size), 2)) + b" Tz")
        stream.set_text_matrix(a, b, c, d, round(e + a * token.left, 2), round(f + b * token.left, 2))  # 1/100 px
        stream.show_text("<" + "".join(f"{document.code(char):04x}" for char in chars) + ">")
    stream.stream.append(b"100 Tz")
    stream.set_text_rendering(0)


def _cmap(entries: list[tuple[int, str]], compress: bool) -> pydyf.Stream:
    """A ToUnicode CMap: 2-byte codes to text."""
    cmap = pydyf.Stream([
        b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
        b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"], compress=compress)
    for i in range(ceil(len(entries) / 100)):
        batch = entries[i * 100:(i + 1) * 100]
        cmap.stream.append(f"{len(batch)} beginbfchar".encode())
        cmap.stream.extend(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode() for code, text in batch)
        cmap.stream.append(b"endbfchar")
    cmap.stream.extend([b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"])
    return cmap


def _add_fonts(pdf: Any, pdf_fonts: Any, fonts: Any, document: _Document, compress: bool) -> None:
    """The twins (WeasyPrint's dictionary with a ToUnicode of spaces) and the glyphless font."""
    for name in sorted(document.twins):
        if name not in pdf_fonts:
            continue
        glyphs = sorted({gid for font in fonts.values() if font.hash == name for gid in font.to_unicode})
        spaces = _cmap([(gid, " ") for gid in glyphs], compress)
        pdf.add_object(spaces)
        original = pdf.objects[int(pdf_fonts[name].split()[0])]
        twin = pydyf.Dictionary({**original, "ToUnicode": spaces.reference})
        pdf.add_object(twin)
        pdf_fonts[name + TWIN_SUFFIX] = twin.reference
    pdf_fonts[LAYER_FONT] = _glyphless_font(pdf, document, compress).reference


def _glyphless_font(pdf: Any, document: _Document, compress: bool) -> pydyf.Dictionary:
    """A Type 0 font over one empty TrueType glyph: every code is drawn with glyph 1 (CIDToGIDMap)."""
    program = pydyf.Stream([glyphless_program()], pydyf.Dictionary({"Length1": len(glyphless_program())}),
                           compress=compress)
    pdf.add_object(program)
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor", "FontName": "/" + LAYER_FONT, "Flags": 4,
        "FontBBox": pydyf.Array([0, DESCENT, ADVANCE, ASCENT]), "ItalicAngle": 0, "Ascent": ASCENT,
        "Descent": DESCENT,
        "CapHeight": 700, "StemV": 80, "FontFile2": program.reference})
    pdf.add_object(descriptor)
    top = max(document.codes.values())
    to_gid = pydyf.Stream([b"\x00\x00" + b"\x00\x01" * top], compress=compress)
    pdf.add_object(to_gid)
    cid_font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/CIDFontType2", "BaseFont": "/" + LAYER_FONT,
        "CIDSystemInfo": pydyf.Dictionary({"Registry": pydyf.String("Adobe"),
                                           "Ordering": pydyf.String("Identity"), "Supplement": 0}),
        "FontDescriptor": descriptor.reference, "DW": ADVANCE, "CIDToGIDMap": to_gid.reference})
    pdf.add_object(cid_font)
    to_unicode = _cmap(sorted((code, char) for char, code in document.codes.items()), compress)
    pdf.add_object(to_unicode)
    font = pydyf.Dictionary({
        "Type": "/Font", "Subtype": "/Type0", "BaseFont": "/" + LAYER_FONT, "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid_font.reference]), "ToUnicode": to_unicode.reference})
    pdf.add_object(font)
    return font


@functools.cache
def glyphless_program() -> bytes:
    """A TrueType program of an empty .notdef and the one glyph every code draws: ADVANCE wide on a
    1000-unit em, its outline a low box on the baseline. The box is never painted (the layer is drawn in
    text rendering mode 3), but PDFium skips a text object whose glyph boxes have no width (a one-letter
    word, a lone digit: core/fpdftext/cpdf_textpage.cpp, ProcessTextObject). Made with fontTools at first
    use; the same bytes every time (fixed timestamps)."""
    from fontTools.fontBuilder import FontBuilder  # fontTools comes with WeasyPrint; lazy, like it
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    box = TTGlyphPen(None)
    box.moveTo((0, 0))
    box.lineTo((0, BOX_TOP))
    box.lineTo((ADVANCE, BOX_TOP))
    box.lineTo((ADVANCE, 0))
    box.closePath()
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap({})
    builder.setupGlyf({".notdef": TTGlyphPen(None).glyph(), "box": box.glyph()})
    builder.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "box": (ADVANCE, 0)})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": LAYER_FONT, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    builder.setupPost()
    builder.font["head"].created = builder.font["head"].modified = 3_000_000_000  # 1999: any fixed time
    builder.font.recalcTimestamp = False
    out = io.BytesIO()
    builder.font.save(out)
    return out.getvalue()
