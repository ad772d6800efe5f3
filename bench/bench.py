"""`make bench`: how fast the pipeline publishes, beside raw WeasyPrint and Pandoc, in one run.

In: --articles N (default 200) for the synthetic corpus (English + approved Urdu), --noop-articles M
(default 1000; 0 skips) for the no-op measurement, --pandoc-pdf K articles for Pandoc's PDF rate.
Out: a table on stdout and the same figures as JSON (bench/results.json): full build jobs=1 and
jobs=2, raw WeasyPrint on the very same HTML in one warm process (the floor), overhead ratio, no-op
rebuild, one-article edit, HTML-only rate, peak memory per worker, Pandoc HTML and PDF, the Urdu
PDF text layer (bench/text_layer.py: words found in order per extractor, render time and size, layer
on and off), and the archive at scale (bench/archive.py: --archive-sizes, --archive-big, --archive-dask;
the 100,000-article rows take most of the run: pass 0 to skip them).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.urdu_corpus and tests.ink
import archive
from corpus import make_corpus
from startup import ENV, cold_start, long_text
from text_layer import run_all as text_layer_figures
from text_layer import show as show_text_layer

from pipeline.build.run import build as build_in_process
from pipeline.config import FONTS_DIR, TEMPLATES_DIR, load_config
from pipeline.formats.pdf import Sources, page_css, render_pdf
from pipeline.translation.interface import interface_translations, read_interface
from tests.ink import OLD_URDU_LINE_HEIGHTS, collisions, laid_out
from tests.urdu_corpus import make_urdu_corpus

VENV_BIN = Path(sys.executable).parent
PIPELINE = [str(VENV_BIN / "pipeline")]

FLOOR = r"""
import json, sys, time
from pathlib import Path
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
pages = json.loads(Path(sys.argv[1]).read_text())
fonts = FontConfiguration()
def render(path, css):
    HTML(filename=path).write_pdf(stylesheets=[CSS(string=css, font_config=fonts)], font_config=fonts)
render(*pages[0])  # warm up: fonts loaded, caches filled
start = time.perf_counter()
for path, css in pages:
    render(path, css)
print(time.perf_counter() - start)
"""


def timed(cmd: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    kwargs.setdefault("env", ENV)
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def build(root: Path, out: Path, *extra: str) -> tuple[float, dict]:
    report = out.parent / f"{out.name}-report.json"
    seconds = timed([*PIPELINE, "--root", str(root), "build", "-q", "--out", str(out), "--report-json",
                     str(report), *extra])
    return seconds, json.loads(report.read_text())


def page_css_for(root: Path) -> dict[str, str]:
    config = load_config(root)
    css = {}
    for lang in config.languages:
        translations = interface_translations(config, read_interface(config, lang))[0]
        css[lang] = page_css(config.page_size, lang, config.digits, translations)
    return css


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu or platform.machine()}, Python {platform.python_version()}"


def measure_builds(root: Path, work: Path, n: int) -> dict[str, object]:
    """Full builds at jobs 1 and 2, the raw WeasyPrint floor, a no-op, one edit, HTML only."""
    t1, r1 = build(root, work / "out1", "--force", "--jobs", "1")
    t2, r2 = build(root, work / "out2", "--force", "--jobs", "2")
    results: dict[str, object] = dict(full_jobs1_s=t1, full_jobs2_s=t2, speedup_jobs2=t1 / t2, pdfs=r1["rendered_pdfs"],
                                      peak_worker_mb=round(r2["peak_worker_kb"] / 1024, 1))
    css = page_css_for(root)
    listing = [(str(p), css[p.parent.name]) for p in sorted((work / "out1").glob("*/*.html"))
               if p.name != "index.html"]
    (work / "pages.json").write_text(json.dumps(listing))
    floor = float(subprocess.run([sys.executable, "-c", FLOOR, str(work / "pages.json")], check=True,
                                 capture_output=True, text=True, env=ENV).stdout.strip())
    results.update(raw_weasyprint_s=floor, overhead_jobs1=t1 / floor)
    noop, rn = build(root, work / "out1")
    results.update(noop_s=noop, noop_rendered=rn["rendered_pdfs"])
    story = root / "articles" / "story-0007.md"
    story.write_text(story.read_text().replace("Figures were provided", "Figures were supplied"))
    edit, re_ = build(root, work / "out1")
    results.update(edit_s=edit, edit_written=sorted(p for p in re_["written"] if p.endswith((".html", ".pdf"))))
    html_s, _ = build(root, work / "out3", "--force", "--format", "html")
    results.update(html_only_s=html_s, html_pages_per_s=2 * n / html_s)
    return results


def measure_pandoc(root: Path, work: Path, html_rate: float, pdf_sample: int) -> dict[str, object]:
    """Pandoc on the same Markdown: one process per article, as a newsroom script would run it."""
    if not shutil.which("pandoc"):
        return {"pandoc": "not installed (apt-get install pandoc)"}
    articles = sorted((root / "articles").glob("*.md"))
    start = time.perf_counter()
    for md in articles:
        subprocess.run(["pandoc", "-f", "markdown", "-t", "html5", "-s", "--metadata", "title=x", str(md),
                        "-o", str(work / "p.html")], check=True, capture_output=True)
    per = (time.perf_counter() - start) / len(articles)
    env = {**ENV, "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    sample = articles[:pdf_sample]
    start = time.perf_counter()
    for md in sample:
        subprocess.run(["pandoc", str(md), "-o", str(work / "p.pdf"), "--pdf-engine=weasyprint",
                        "--metadata", "title=x"], check=True, capture_output=True, env=env)
    return dict(pandoc_html_ms=per * 1000, pandoc_html_pages_per_s=1 / per, html_rate_vs_pandoc=html_rate * per,
                pandoc_pdf_s_per_article=(time.perf_counter() - start) / len(sample))


def measure_urdu_ink(work: Path, repeats: int = 5) -> dict[str, object]:
    """The Urdu corpus (tests/urdu_corpus.py) rendered to PDF with the Urdu line heights before issue 11 and
    with the house ones: render time (in this process, warm; the two take turns, best of `repeats` each, as
    the machine is shared), pages, ink collisions."""
    config = make_urdu_corpus(work / "urdu-corpus")
    report = build_in_process(config, jobs=1, formats=("html",))
    assert not report.problems and not report.held, (report.problems, report.held)
    css = page_css_for(config.root)["ur"]
    pages = [(p.read_text(encoding="utf-8"), f"ur/{p.name}") for p in sorted((config.default_out / "ur").glob("*.html"))
             if p.name != "index.html"]
    sources = Sources(TEMPLATES_DIR, FONTS_DIR)
    variants = {"old": OLD_URDU_LINE_HEIGHTS, "new": ""}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for extra in variants.values():
        render_pdf(pages[0][0], pages[0][1], css + extra, sources)  # warm: fonts and style sheets loaded
    for _ in range(repeats):
        for name, extra in variants.items():
            start = time.perf_counter()
            for html, rel in pages:
                render_pdf(html, rel, css + extra, sources)
            times[name].append(time.perf_counter() - start)
    results: dict[str, object] = {"ink_articles": len(pages)}
    for name, extra in variants.items():
        documents = [laid_out(html, rel, css, extra) for html, rel in pages]
        results.update({f"ink_{name}_pdf_s": min(times[name]),
                        f"ink_{name}_pages": sum(len(d.pages) for d in documents),
                        f"ink_{name}_collisions": sum(len(collisions(d)) for d in documents)})
    return results


def measure_noop_big(work: Path, n: int) -> dict[str, object]:
    print(f"no-op corpus: {n} articles (full build first) ...", flush=True)
    big = work / "big"
    make_corpus(big, n)
    full_big, _ = build(big, work / "outbig", "--jobs", "2")
    time.sleep(2.1)  # file stamps vouch only for files changed 2 s before a build starts
    first, _ = build(big, work / "outbig")  # reads and hashes what the full build wrote, records the stamps
    runs = [build(big, work / "outbig") for _ in range(3)]
    noop_big, rb = min(runs, key=lambda run: run[0])
    return dict(noop_articles=n, noop_big_s=noop_big, noop_big_first_s=first, full_big_s=full_big,
                noop_big_rendered=rb["rendered_pdfs"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--noop-articles", type=int, default=1000)
    parser.add_argument("--pandoc-pdf", type=int, default=10)
    parser.add_argument("--json", type=Path, default=Path(__file__).resolve().parent / "results.json")
    parser.add_argument("--ink-only", action="store_true", help="measure only the Urdu corpus row and update --json")
    parser.add_argument("--archive-sizes", default="100,1000,10000", help="archive sizes for the no-op rows")
    parser.add_argument("--archive-big", type=int, default=100_000, help="the full-build row (0 skips it)")
    parser.add_argument("--archive-dask", type=int, default=100_000, help="the Dask row (0 skips it)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    if args.ink_only:
        try:
            results = json.loads(args.json.read_text()) if args.json.exists() else {}
            results.update(measure_urdu_ink(work))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        show_ink(results)
        return
    results: dict[str, object] = {"machine": machine(), "articles": args.articles}
    try:
        print("cold start and long translations ...", flush=True)
        results.update(cold_start(work))
        results.update(long_text(work))
        print(f"corpus: {args.articles} articles with approved Urdu catalogs ...", flush=True)
        root = work / "corpus"
        make_corpus(root, args.articles)
        results.update(measure_builds(root, work, args.articles))
        results.update(measure_pandoc(root, work, float(results["html_pages_per_s"]), args.pandoc_pdf))
        if args.noop_articles:
            results.update(measure_noop_big(work, args.noop_articles))
        print("Urdu corpus, old and new line heights ...", flush=True)
        results.update(measure_urdu_ink(work))
        print("Urdu PDF text layer: sample publication and corpus, layer on and off ...", flush=True)
        results["text_layer"] = text_layer_figures()
        if args.archive_sizes:
            results.update(archive.measure(work / "archive", [int(n) for n in args.archive_sizes.split(",")],
                                           args.archive_big, args.archive_dask))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    show(results)
    show_text_layer(results["text_layer"])
    if "archive" in results:
        for name, value, note in archive.rows(results):
            print(f"{name:<48} {value:<22} {note}")


def show(r: dict) -> None:
    rows = [
        ("machine", r["machine"], ""),
        ("corpus", f"{r['articles']} articles, {r['pdfs']} PDFs (en + ur)", ""),
        ("full build, jobs=1", f"{r['full_jobs1_s']:.1f} s", ""),
        ("full build, jobs=2", f"{r['full_jobs2_s']:.1f} s", f"speed-up {r['speedup_jobs2']:.2f}x (target >= 1.8x)"),
        ("raw WeasyPrint, same HTML, one warm process", f"{r['raw_weasyprint_s']:.1f} s", "the floor"),
        ("overhead, jobs=1 over raw", f"{r['overhead_jobs1']:.3f}x", "target <= 1.10x"),
        ("no-op rebuild (incl. process start)", f"{r['noop_s']:.2f} s", f"{r['noop_rendered']} PDFs rendered"),
        ("one article edited", f"{r['edit_s']:.2f} s", "rewrote " + ", ".join(r["edit_written"])),
        ("HTML only (incl. process start)", f"{r['html_pages_per_s']:.0f} pages/s", "target >= 500"),
        ("peak memory per worker", f"{r['peak_worker_mb']:.0f} MB", "target < 250 MB"),
    ]
    if "pandoc_html_ms" in r:
        rows += [
            ("Pandoc HTML (process per article)", f"{r['pandoc_html_ms']:.1f} ms/article",
             f"ours {r['html_rate_vs_pandoc']:.0f}x faster (target >= 20x)"),
            ("Pandoc PDF, --pdf-engine=weasyprint", f"{r['pandoc_pdf_s_per_article']:.2f} s/article",
             f"ours {r['full_jobs1_s'] / r['articles']:.2f} s/article (en + ur, jobs=1)"),
        ]
    if "noop_big_s" in r:
        rows.append((f"no-op rebuild, {r['noop_articles']} articles", f"{r['noop_big_s']:.2f} s",
                     f"target < 1 s; {r['noop_big_rendered']} PDFs rendered; the first after a full build "
                     f"{r.get('noop_big_first_s', 0):.2f} s (it hashes what was just written)"))
    rows += [
        ("bare Python start", f"{r['python_start_s'] * 1000:.0f} ms", "the floor for any command"),
        ("`check`, 3 articles", f"{r['check_small_s'] * 1000:.0f} ms",
         f"{r['check_small_s'] / r['python_start_s']:.1f}x a bare Python start"),
        ("no-op `publish`, 3 articles", f"{r['noop_small_s'] * 1000:.0f} ms",
         f"{r['noop_small_s'] / r['python_start_s']:.1f}x a bare Python start"),
        ("import weasyprint (over Python): ordinary / ours", f"{r['import_weasyprint_plain_s'] * 1000:.0f} / "
         f"{r['import_weasyprint_ours_s'] * 1000:.0f} ms", "ours skips cffi's compiler/ldconfig library search"),
    ]
    for chars in (10_000, 39_000, 400_000):
        note = "refused on read (limit 40,000)" if chars > 40_000 else "grows linearly with length"
        rows.append((f"check / translate, one {chars:,}-char translation",
                     f"{r[f'check_{chars}_s']:.2f} / {r[f'translate_{chars}_s']:.2f} s", note))
    rows += ink_rows(r)
    width = max(len(a) for a, _, _ in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<22} {note}")


def ink_rows(r: dict) -> list[tuple[str, str, str]]:
    if "ink_new_pdf_s" not in r:
        return []
    return [(f"Urdu corpus PDFs ({r['ink_articles']}), line heights before / after",
             f"{r['ink_old_pdf_s']:.2f} / {r['ink_new_pdf_s']:.2f} s",
             f"{r['ink_old_pages']} / {r['ink_new_pages']} pages; ink collisions {r['ink_old_collisions']} / "
             f"{r['ink_new_collisions']} (target 0)")]


def show_ink(r: dict) -> None:
    for name, value, note in ink_rows(r):
        print(f"{name}  {value}  {note}")


if __name__ == "__main__":
    main()
