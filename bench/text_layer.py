"""Measure how much of an edition's text survives in its PDF text layer, and what the layer costs.

In: a built output folder (`python bench/text_layer.py dist`), or nothing: then the sample publication and
a long synthetic corpus (bench/corpus.py) are built with `pdf_text_layer` on and off in a temporary folder.
Out: per extractor (pypdf, poppler's pdftotext with its bidi embedding marks read as spaces, PDFium through
pypdfium2), the share of the page's words (from the HTML, the canonical text) found in order: the longest
common subsequence of the source and extracted word sequences over the number of source words. With no
argument also: Urdu render CPU time (best of 3, one warm process) and size with the layer on and off,
pixel identity of every Urdu page (pdftoppm) and byte identity of every English PDF. Kozea/WeasyPrint#2841
is why the layer exists (pipeline/formats/textlayer.py).
"""

from __future__ import annotations

import gettext
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader

from pipeline.config import REPO_DIR, load_config
from pipeline.formats import page_rel
from pipeline.formats import pdf as pdf_format

WORD = re.compile(r"\w+", re.UNICODE)
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # pdftotext wraps RTL lines in these
EXTRACTORS = ("pypdf", "pdftotext", "pdfium")
CORPUS_ARTICLES = 20  # about 450 words each (1-2 pages), tables every fifth, footnotes every third


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
        if self.skip or {"footnotes", "back", "footnote-ref", "footnote-backref", "fn-print"} & set(classes):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        if self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skip:
            self.parts.append(data)


def source_words(html_path: Path) -> list[str]:
    parser = _Text()
    parser.feed(html_path.read_text(encoding="utf-8"))
    return WORD.findall(" ".join(parser.parts))


def extracted_text(pdf_path: Path, extractor: str) -> str:
    if extractor == "pypdf":
        return "\n".join(p.extract_text() or "" for p in PdfReader(pdf_path).pages)
    if extractor == "pdftotext":
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"], capture_output=True, check=True)
        return BIDI_MARKS.sub(" ", out.stdout.decode("utf-8"))
    import pypdfium2  # optional: the test extra installs it

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def lcs_length(a: list[str], b: list[str]) -> int:
    """Length of the longest common subsequence of two word lists (Hyyro's bit-vector algorithm)."""
    masks: dict[str, int] = {}
    for i, word in enumerate(a):
        masks[word] = masks.get(word, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for word in b:
        u = v & masks.get(word, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - bin(v).count("1")


def measure(out: Path, langs: tuple[str, ...] = ("en", "ur"), extractors: tuple[str, ...] = EXTRACTORS
            ) -> list[dict[str, object]]:
    """One row per PDF with an HTML page beside it: words, and words found in order per extractor."""
    rows: list[dict[str, object]] = []
    for pdf in sorted(out.glob("*/*.pdf")):
        html = pdf.with_suffix(".html")
        if not html.exists() or pdf.parent.name not in langs:
            continue
        words = source_words(html)
        row: dict[str, object] = {"file": f"{pdf.parent.name}/{pdf.name}", "words": len(words)}
        for extractor in extractors:
            row[extractor] = lcs_length(words, WORD.findall(extracted_text(pdf, extractor)))
        rows.append(row)
    return rows


def shares(rows: list[dict[str, object]], extractors: tuple[str, ...] = EXTRACTORS) -> dict[str, float]:
    total = sum(int(r["words"]) for r in rows)  # type: ignore[call-overload]
    return {e: round(sum(int(r[e]) for r in rows) / total, 4) if total else 0.0  # type: ignore[call-overload]
            for e in extractors}


def publication_copy(source: Path, work: Path, text_layer: bool) -> Path:
    """A copy of a publication (articles, translations, publication.yaml) with the layer on or off."""
    root = work / f"{source.name}-{'on' if text_layer else 'off'}"
    for part in ("articles", "translations"):
        shutil.copytree(source / part, root / part, ignore=shutil.ignore_patterns(".lock", "*.mo"))
    config = source / "publication.yaml"
    settings = config.read_text(encoding="utf-8") if config.exists() else ""
    (root / "publication.yaml").write_text(settings + f"\npdf_text_layer: {'true' if text_layer else 'false'}\n",
                                           encoding="utf-8")
    return root


def build(root: Path) -> Path:
    out = root / "dist"
    pipeline = str(Path(sys.executable).parent / "pipeline")
    subprocess.run([pipeline, "--root", str(root), "build", "-q", "--force", "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return out


def pixels(pdf: Path, work: Path) -> list[bytes]:
    """Every page rendered by poppler at 100 dpi (PPM bytes)."""
    prefix = work / f"px-{pdf.parent.parent.parent.name}-{pdf.stem}"
    subprocess.run(["pdftoppm", "-r", "100", str(pdf), str(prefix)], check=True)
    pages = sorted(prefix.parent.glob(prefix.name + "-*.ppm"))
    data = [p.read_bytes() for p in pages]
    for p in pages:
        p.unlink()
    return data


def render_seconds(roots: dict[bool, Path], outs: dict[bool, Path], repeat: int = 3) -> dict[bool, float]:
    """CPU seconds to render every Urdu PDF of a build again in this process, layer off and on taking turns,
    best of `repeat` each (CPU time: the machine is shared, and a render uses one core)."""
    best = {False: float("inf"), True: float("inf")}
    for _ in range(repeat):
        for on in (False, True):
            config = load_config(roots[on])
            css = pdf_format.page_css(config.page_size, "ur", config.digits, gettext.NullTranslations())
            sources = pdf_format.Sources(config.templates, config.fonts)
            pages = [p for p in sorted((outs[on] / "ur").glob("*.html")) if p.name != "index.html"]
            start = time.process_time()
            for page in pages:
                pdf_format.render_pdf(page.read_text(encoding="utf-8"), page_rel("ur", page.stem), css, sources,
                                      text_layer=on)
            best[on] = min(best[on], time.process_time() - start)
    return best


def compare(source: Path, work: Path) -> dict[str, object]:
    """The publication built with the layer off and on: extraction, identity, time and size."""
    roots = {on: publication_copy(source, work, on) for on in (False, True)}
    outs = {on: build(roots[on]) for on in (False, True)}
    result: dict[str, object] = {}
    for on, out in outs.items():
        result["on" if on else "off"] = shares(measure(out, ("ur",)))
    urdu = sorted(p.relative_to(outs[True]) for p in outs[True].glob("ur/*.pdf"))
    english = sorted(p.relative_to(outs[True]) for p in outs[True].glob("en/*.pdf"))
    result["urdu_pdfs"] = len(urdu)
    result["pixel_identical"] = all(pixels(outs[True] / p, work) == pixels(outs[False] / p, work) for p in urdu)
    result["english_byte_identical"] = all((outs[True] / p).read_bytes() == (outs[False] / p).read_bytes()
                                           for p in english)
    sizes = {on: sum((outs[on] / p).stat().st_size for p in urdu) for on in (False, True)}
    result.update(size_off=sizes[False], size_on=sizes[True], size_growth=round(sizes[True] / sizes[False] - 1, 4))
    pdf_format.render_pdf("<html lang=ur><body>warm</body></html>", "ur/x.html", "", pdf_format.Sources(
        REPO_DIR / "templates", REPO_DIR / "fonts"), text_layer=True)
    times = render_seconds(roots, outs)
    result.update(render_off_s=round(times[False], 3), render_on_s=round(times[True], 3),
                  render_growth=round(times[True] / times[False] - 1, 4))
    return result


def corpus(work: Path, n: int = CORPUS_ARTICLES) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from corpus import make_corpus  # bench/ is not a package

    root = work / "corpus"
    make_corpus(root, n)
    return root


def run_all() -> dict[str, object]:
    work = Path(tempfile.mkdtemp(prefix="text-layer-"))
    try:
        return {"sample": compare(REPO_DIR, work), "corpus": compare(corpus(work), work),
                "corpus_articles": CORPUS_ARTICLES}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def show(results: dict[str, object]) -> None:
    for name in ("sample", "corpus"):
        r = results[name]
        assert isinstance(r, dict)
        print(f"{name}: {r['urdu_pdfs']} Urdu PDFs")
        for extractor in EXTRACTORS:
            print(f"  {extractor:<10} words found in order: {r['off'][extractor]:.1%} without the layer, "
                  f"{r['on'][extractor]:.1%} with it")
        print(f"  render CPU time (best of 3): {r['render_off_s']:.2f} s off, {r['render_on_s']:.2f} s on "
              f"({r['render_growth']:+.1%}); size {r['size_off']:,} -> {r['size_on']:,} bytes "
              f"({r['size_growth']:+.1%})")
        print(f"  pages pixel-identical: {r['pixel_identical']}; English PDFs byte-identical: "
              f"{r['english_byte_identical']}")


def main() -> None:
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        rows = measure(Path(sys.argv[1]))
        for row in rows:
            print(f"{row['file']:<40} {row['words']:>5} words; found in order: "
                  + ", ".join(f"{e} {int(row[e]) / max(1, int(row['words'])):.1%}" for e in EXTRACTORS))  # type: ignore[call-overload]
        for lang in sorted({str(r["file"]).split("/")[0] for r in rows}):
            found = shares([r for r in rows if str(r["file"]).startswith(lang + "/")])
            print(f"{lang}: " + ", ".join(f"{e} {s:.1%}" for e, s in found.items()))
        return
    results = run_all()
    show(results)
    if "--json" in sys.argv:
        print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
