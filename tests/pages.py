"""Reading built pages back: HTML through the standard parser, PDFs through pypdf."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader


class Page(HTMLParser):
    """Collects the text of elements by class, attributes of interesting tags, and links."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str]]] = []
        self.by_class: dict[str, list[str]] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_parts: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("meta", "link", "br", "img", "hr", "input"):
            return
        classes = set((attributes.get("class") or "").split())
        self.stack.append((tag, classes))
        for cls in classes:
            self.by_class.setdefault(cls, []).append("")

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        seen: set[str] = set()
        for _, classes in self.stack:
            for cls in classes - seen:
                self.by_class[cls][-1] += data
            seen |= classes

    def text(self, cls: str) -> str:
        return " ".join(" ".join(t.split()) for t in self.by_class.get(cls, []))

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def pdf_text(path: Path) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(path).pages)


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Embedded font base names -> whether a font file is embedded."""
    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts") or [font]:
                desc = desc.get_object()
                descriptor = desc.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor else {}
                fonts[str(desc.get("/BaseFont"))] = any(k in descriptor for k in ("/FontFile2", "/FontFile3"))
    return fonts
