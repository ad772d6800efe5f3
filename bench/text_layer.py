"""Measure how much of an edition's text survives in its PDF text layer.

In: a built output folder (default dist/).
Out: per PDF, the share of the page's words (from the HTML, the canonical text) that pypdf
extracts from the PDF. Nastaliq PDFs from WeasyPrint lose most words (URDU.md, last section;
Kozea/WeasyPrint#2841): this is a measurement, not a test that pretends extraction works.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

WORD = re.compile(r"\w+", re.UNICODE)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "main":
            self.in_main = True
        if self.skip or {"footnotes", "back", "footnote-ref", "footnote-backref"} & set(classes):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        if self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skip:
            self.parts.append(data)


def recovered(html_path: Path, pdf_path: Path) -> tuple[int, int]:
    parser = _Text()
    parser.feed(html_path.read_text(encoding="utf-8"))
    source = Counter(WORD.findall(" ".join(parser.parts)))
    extracted = Counter(WORD.findall(" ".join(p.extract_text() or "" for p in PdfReader(pdf_path).pages)))
    return sum((source & extracted).values()), sum(source.values())


def measure(out: Path) -> list[dict[str, object]]:
    rows = []
    for pdf in sorted(out.glob("*/*.pdf")):
        html = pdf.with_suffix(".html")
        if html.exists():
            found, total = recovered(html, pdf)
            rows.append({"file": f"{pdf.parent.name}/{pdf.name}", "words": total, "recovered": found,
                         "share": round(found / total, 3) if total else 0.0})
    return rows


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("dist")
    rows = measure(out)
    for row in rows:
        print(f"{row['file']:<40} {row['recovered']:>5} of {row['words']:>5} words  ({row['share']:.1%})")
    for lang in sorted({str(r["file"]).split("/")[0] for r in rows}):
        mine = [r for r in rows if str(r["file"]).startswith(lang + "/")]
        found, total = sum(int(r["recovered"]) for r in mine), sum(int(r["words"]) for r in mine)
        print(f"{lang}: {found} of {total} words recovered from the PDF text layer ({found / total:.1%})")
    if "--json" in sys.argv:
        print(json.dumps(rows, ensure_ascii=False))


if __name__ == "__main__":
    main()
