"""The build: read and check what changed, render it, write it.

In: a `Config` (the publication root), the languages and formats asked for, the output folder and
its build cache, and an executor (or a number of jobs) for the PDF rendering.
Out: in the output folder, per language `<lang>/<slug>.html`, `<lang>/<slug>.pdf` and
`<lang>/index.html`, plus `assets/`, `fonts/`, `media/` and a landing `index.html`; and a
`BuildReport` saying what was written, kept, held back (with the count of segments waiting) or
failed. Outputs whose inputs hash the same as last time are kept without rendering (and without
importing WeasyPrint). A bad article or a held edition never stops the others, and its previously
published files stay exactly as they were. Every file is written atomically.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.build.cache import (
    ArticleEntry,
    BuildCache,
    article_key,
    assets_key,
    digest,
    file_digest,
    global_key,
    output_intact,
)
from pipeline.config import SOURCE_LANGUAGE, Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.sources.articles import NO_ARTICLES, SLUG_RE, Article, duplicate_slugs, load_article, load_articles
from pipeline.text.localize import digit_system

if TYPE_CHECKING:
    from pipeline.editions.edition import EditionResult
    from pipeline.translation.gate import Hold

FORMATS = ("html", "pdf")
MANIFEST = ".pipeline/manifest.json"
LOCK = ".pipeline/lock"


@dataclass
class ArticlePlan:
    """One article read and checked: its ready editions, its held ones, its problems."""

    article: Article
    editions: dict[str, EditionResult] = field(default_factory=dict)
    held: list[Hold] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # in the English: the article publishes nowhere
    translation_problems: list[Problem] = field(default_factory=list)  # hold only that translation


def plan_article(article: Article, config: Config, broken_interface: set[str], out: Path,
                 wanted: tuple[str, ...] | None = None) -> ArticlePlan:
    """Decide every edition of one article: render its body, or say why it waits.

    A problem in the English stops every edition; a problem in a translation (a broken catalog, a
    dropped footnote) holds that translation only. Each edition links to the article's other editions
    that this build writes or that are still published in `out` (a held edition stays online)."""
    from pipeline.editions.edition import build_edition
    from pipeline.translation.gate import Hold, translator_for
    from pipeline.translation.segments import segments

    result = ArticlePlan(article)
    wanted = wanted or config.languages
    translators = {}
    for lang in article.languages:
        if lang not in config.languages:
            continue
        if lang == SOURCE_LANGUAGE:
            translators[lang] = None
        elif lang in broken_interface:
            total = len(segments(article))
            result.held.append(Hold(article.slug, lang, total, total, "interface strings not translated"))
        else:
            translate, hold, found = translator_for(article, lang, config)
            result.translation_problems.extend(found)
            if hold is not None:
                result.held.append(hold)
            else:
                translators[lang] = translate
    for lang, translate in translators.items():
        edition = build_edition(article, lang, config, translate) if translate else build_edition(article, lang, config)
        if not edition.problems:
            result.editions[lang] = edition
        elif lang == SOURCE_LANGUAGE:
            result.problems.extend(edition.problems)
        else:
            total = len(segments(article))
            result.translation_problems.extend(edition.problems)
            result.held.append(Hold(article.slug, lang, len(edition.problems), total,
                                    "the translation has problems: see above"))
    if result.problems:
        result.editions = {}  # the English is broken: no edition publishes
    online = [lang for lang in config.languages
              if (lang in result.editions and lang in wanted) or (out / lang / f"{article.slug}.html").exists()]
    for lang, edition in result.editions.items():
        others = tuple((other, f"../{other}/{article.slug}.html") for other in online if other != lang)
        edition.page = dataclasses.replace(edition.page, alternates=others)
    return result


def interface(config: Config) -> tuple[dict[str, gettext.NullTranslations], set[str], list[Problem]]:
    from pipeline.translation.interface import interface_translations

    translations: dict[str, gettext.NullTranslations] = {}
    broken: set[str] = set()
    problems: list[Problem] = []
    for lang in config.languages:
        translations[lang], found = interface_translations(config, lang)
        problems.extend(found)
        if found:
            broken.add(lang)
    return translations, broken, problems


@dataclass
class Plan:
    """Everything read and checked, nothing written: what `pipeline check` reports."""

    articles: list[Article]
    plans: list[ArticlePlan]
    held: list[Hold]
    problems: list[Problem]


def plan(config: Config) -> Plan:
    from pipeline.translation.catalogs import orphan_catalogs

    articles, problems = load_articles(config)
    _translations, broken, found = interface(config)
    problems.extend(found)
    plans = [plan_article(article, config, broken, config.default_out) for article in articles]
    problems.extend(orphan_catalogs(config, {a.slug for a in articles}))
    found = [x for p in plans for x in (*p.problems, *p.translation_problems)]
    return Plan(articles, plans, [h for p in plans for h in p.held], problems + found)


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: int = 0  # outputs of unchanged articles, not looked at beyond their hash
    rendered_pdfs: int = 0
    held: list[Hold] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)  # lang/slug of editions whose article is gone
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_worker_kb: int = 0


class Progress:
    """What the build tells as it renders; the CLI gives a bar or plain lines."""

    def start(self, total: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...


def build(config: Config, *, langs: tuple[str, ...] | None = None, formats: tuple[str, ...] = FORMATS,
          out: Path | None = None, jobs: int | None = None, executor: Executor | None = None,
          force: bool = False, progress: Progress | None = None) -> BuildReport:
    """Build into `out` while holding its lock: two builds never write the same folder at once."""
    from pipeline.runtime.locks import exclusive

    out = (out or config.default_out).resolve()
    if not config.articles_dir.is_dir():  # not a publication: write nothing at all
        raise ProblemsFound([NO_ARTICLES])
    with exclusive(out / LOCK, "pipeline build", config.display(out / LOCK)):
        atomic.remove_leftovers(out)
        return _build(config, langs, formats, out, jobs, executor, force, progress)


def _build(config: Config, langs: tuple[str, ...] | None, formats: tuple[str, ...], out: Path, jobs: int | None,
           executor: Executor | None, force: bool, progress: Progress | None) -> BuildReport:
    started = time.monotonic()
    progress = progress or Progress()
    wanted = tuple(lang for lang in (langs or config.languages) if lang in config.languages)
    report = BuildReport()
    cache = BuildCache() if force else BuildCache.load(out)
    manifest = _read_manifest(out)
    assets = assets_key(config)  # hashes the code, stylesheets and fonts once per build
    base = global_key(config, assets)
    translations, broken, problems = interface(config)
    report.problems.extend(problems)
    _copy_assets(config, out, report)

    # 1. Which articles changed? Unchanged ones keep their outputs without being parsed.
    files = sorted(config.articles_dir.glob("*.md"))
    kept: dict[str, ArticleEntry] = {}
    changed: list[tuple[Path, bytes]] = []
    for path in files:
        data = path.read_bytes()
        rel = config.display(path)
        entry = cache.articles.get(rel)
        if entry and entry.key == article_key(base, config, data, entry.slug, entry.images) \
                and _covers(entry, wanted, formats) and all(output_intact(out, r, rec)
                                                            for r, rec in entry.outputs.items()):
            kept[rel] = entry
        else:
            changed.append((path, data))

    # The workers start now and warm up (imports, templates, locale data) while this process reads
    # the changed articles.
    owned = None
    workers = jobs or os.cpu_count() or 1
    if executor is None and workers > 1 and len(changed) > 1:
        from pipeline.runtime.pool import make_pool

        owned = executor = make_pool(min(workers, len(changed)), pdf="pdf" in formats, config=config, base=base)
    try:
        return _build_changed(config, formats, out, executor, progress, started, wanted, report, cache,
                              manifest, base, assets, translations, broken, files, kept, changed)
    finally:
        if owned is not None:
            owned.shutdown(cancel_futures=True)


def _build_changed(config: Config, formats: tuple[str, ...], out: Path,
                   executor: Executor | None, progress: Progress, started: float, wanted: tuple[str, ...],
                   report: BuildReport, cache: BuildCache, manifest: dict[str, dict[str, str]], base: str,
                   assets: str, translations: dict[str, gettext.NullTranslations], broken: set[str], files: list[Path],
                   kept: dict[str, ArticleEntry], changed: list[tuple[Path, bytes]]) -> BuildReport:
    # 2. Read and check the changed ones; decide their editions.
    loaded: list[tuple[Article, bytes]] = []
    for path, data in changed:
        article, found = load_article(path, config, data)
        report.problems.extend(found)
        if article is not None:
            loaded.append((article, data))
    dupes = duplicate_slugs([(e.slug, rel) for rel, e in kept.items()] + [(a.slug, a.path) for a, _ in loaded])
    report.problems.extend(dupes)
    taken = {p.file for p in dupes}
    clashing = {e.slug for rel, e in kept.items() if rel in taken} | {a.slug for a, _ in loaded if a.path in taken}
    kept = {rel: e for rel, e in kept.items() if rel not in taken}
    loaded = [(a, d) for a, d in loaded if a.path not in taken]
    from pipeline.translation.catalogs import orphan_catalogs

    report.problems.extend(orphan_catalogs(config, {e.slug for e in kept.values()} | {a.slug for a, _ in loaded}))

    for entry in kept.values():
        report.kept += len(entry.outputs)
        report.held.extend(_hold_from(entry.slug, lang, info) for lang, info in sorted(entry.held.items())
                           if lang in wanted)

    # 3. Render the changed articles, one task each, in parallel; write what comes back.
    work = sorted(loaded, key=lambda item: -_cost(item[0], wanted, formats))
    new_entries: dict[str, ArticleEntry] = {}
    data_of = {article.path: data for article, data in work}
    for outcome in _run_tasks(config, out, work, wanted, formats, base, assets, broken, cache, executor, progress):
        report.held.extend(h for h in outcome.held if h.lang in wanted)
        report.problems.extend(outcome.translation_problems)
        report.warnings.extend(outcome.warnings)
        report.rendered_pdfs += outcome.rendered_pdfs
        report.peak_worker_kb = max(report.peak_worker_kb, outcome.peak_kb)
        if outcome.problems:
            report.problems.extend(outcome.problems)
            report.failed.append(outcome.path)
            continue
        report.written.extend(outcome.written)
        report.unchanged.extend(outcome.unchanged)
        manifest.update(outcome.manifest)
        key = article_key(base, config, data_of[outcome.path], outcome.slug, outcome.images)
        if outcome.translation_problems:
            key = "recheck:" + key  # never kept as it is: its problems must be reported on every build
        entry = ArticleEntry(key=key,
                             slug=outcome.slug, images=outcome.images, langs=outcome.langs,
                             outputs=outcome.outputs,
                             held={h.lang: {"waiting": h.waiting, "total": h.total, "reason": h.reason}
                                   for h in outcome.held})
        new_entries[outcome.path] = entry

    # 4. Editions whose article is gone (deleted, renamed, or the language dropped) are unpublished. An
    # article that cannot be read now keeps what it had: its slug is its file name until it reads again.
    current = {(lang, e.slug) for e in kept.values() for lang in e.langs}
    current |= {(lang, a.slug) for a, _ in loaded for lang in a.languages}
    unreadable = {path.stem for path in files} - {a.slug for a, _ in loaded} - {e.slug for e in kept.values()}
    unreadable |= clashing  # two articles claim the slug: a bad article keeps what it had
    for key in sorted(manifest):
        lang, _, slug = key.partition("/")
        if lang in wanted and (lang, slug) not in current and slug not in unreadable:
            for suffix in (".html", ".pdf"):
                (out / lang / f"{slug}{suffix}").unlink(missing_ok=True)
            del manifest[key]
            report.unpublished.append(key)

    # 5. Index pages, the landing page, the cache.
    if "html" in formats:
        from pipeline.formats.templates import render_index

        for lang in wanted:
            page = _index_html(config, out, lang, manifest, translations[lang], render_index)
            _record(report, out, out / lang / "index.html", page.encode("utf-8"))
        online = tuple(lang for lang in config.languages if (out / lang / "index.html").exists())
        _record(report, out, out / "index.html", _landing(config, online).encode("utf-8"))
    atomic.write_text(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    cache.articles = {rel: e for rel, e in cache.articles.items() if rel in kept}
    cache.articles.update(new_entries)
    cache.save(out)
    report.held.sort(key=lambda h: (h.slug, h.lang))
    report.written.sort()
    report.unchanged.sort()
    report.failed.sort()
    report.seconds = time.monotonic() - started
    return report


def _covers(entry: ArticleEntry, wanted: tuple[str, ...], formats: tuple[str, ...]) -> bool:
    """The entry recorded every output this build asks for (or why the edition is held)."""
    for lang in wanted:
        if lang not in entry.langs or lang in entry.held:
            continue
        if any(f"{lang}/{entry.slug}.{fmt}" not in entry.outputs for fmt in formats):
            return False
    return True


def _hold_from(slug: str, lang: str, info: dict[str, object]) -> Hold:
    from pipeline.translation.gate import Hold

    return Hold(slug, lang, int(str(info.get("waiting", 0))), int(str(info.get("total", 0))),
                str(info.get("reason", "")))


@dataclass
class Outcome:
    """What one article task made: the files to write and what the cache should remember of them."""

    path: str
    slug: str
    langs: list[str]
    written: list[str] = field(default_factory=list)  # output paths written (atomically, by the task)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # output path -> {"sha", "source"}
    unchanged: list[str] = field(default_factory=list)  # outputs already on disk with these bytes
    images: list[str] = field(default_factory=list)
    held: list[Hold] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    translation_problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rendered_pdfs: int = 0
    peak_kb: int = 0

    def write(self, out: Path, rel: str, data: bytes) -> None:
        (self.written if atomic.write_bytes(out / rel, data, durable=False) else self.unchanged).append(rel)


@functools.lru_cache(maxsize=4)
def interface_for(config: Config, base: str) -> dict[str, gettext.NullTranslations]:
    """Interface strings per process, read again whenever the global key (which hashes them) changes."""
    return interface(config)[0]


def process_article(config: Config, article: Article, out: Path, wanted: tuple[str, ...],
                    formats: tuple[str, ...], base: str, assets: str, broken: frozenset[str],
                    old_outputs: dict[str, dict[str, str]]) -> Outcome:
    """One article: plan its editions, render and write their pages and (where their content
    changed) PDFs, each file atomically. Runs in a worker process (or inline with --jobs 1, or on a
    Dask worker, which must see the same filesystem); the build holds the output folder's lock.
    Whatever goes wrong with one article is reported against it; the other articles go on."""
    from pipeline.formats.pdf import RenderTimeout

    try:
        return _process_article(config, article, out, wanted, formats, base, assets, broken, old_outputs)
    except (Exception, RenderTimeout) as err:  # reported, never swallowed: the other articles go on
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        if isinstance(err, RenderTimeout):
            message = f"{err}; split the article or shorten its tables"
        else:
            message = (f"could not be rendered ({type(err).__name__}: {err}); this is a bug in the pipeline: "
                       "run again with PIPELINE_DEBUG=1 and report the traceback")
        return Outcome(article.path, article.slug, list(article.languages),
                       problems=[Problem(article.path, None, None, message)])


def _process_article(config: Config, article: Article, out: Path, wanted: tuple[str, ...],
                     formats: tuple[str, ...], base: str, assets: str, broken: frozenset[str],
                     old_outputs: dict[str, dict[str, str]]) -> Outcome:
    import resource

    from pipeline.formats.templates import render_article

    translations = interface_for(config, base)
    the_plan = plan_article(article, config, set(broken), out, wanted)
    outcome = Outcome(article.path, article.slug, list(article.languages), held=the_plan.held,
                      problems=the_plan.problems, translation_problems=the_plan.translation_problems)
    if the_plan.problems:
        return outcome
    outcome.images = sorted({m for e in the_plan.editions.values() for m in e.images})
    for lang, edition in sorted(the_plan.editions.items()):
        if lang not in wanted:
            continue
        page_html = render_article(edition.page, config, translations[lang], config.name_for(lang))
        page_path = out / lang / f"{article.slug}.html"
        for media, source in sorted(edition.images.items()):
            data = source.read_bytes()
            outcome.write(out, f"media/{media}", data)
            outcome.outputs[f"media/{media}"] = {"sha": digest(data), "source": ""}
        if "html" in formats:
            data = page_html.encode("utf-8")
            outcome.write(out, f"{lang}/{article.slug}.html", data)
            outcome.outputs[f"{lang}/{article.slug}.html"] = {"sha": digest(data), "source": ""}
        if "pdf" in formats:
            rel = f"{lang}/{article.slug}.pdf"
            css = page_css(config, lang, translations[lang])
            source = digest(assets, page_html, css, *(file_digest(p) for _, p in sorted(edition.images.items())))
            previous = old_outputs.get(rel)
            if previous and previous.get("source") == source and output_intact(out, rel, previous):
                outcome.outputs[rel] = previous
                outcome.unchanged.append(rel)
            else:
                from pipeline.formats.pdf import render_pdf

                pdf, warnings = render_pdf(page_html, page_path, css,
                                           allowed=(config.root, config.templates, config.fonts),
                                           aliases=((out / "assets", config.templates), (out / "fonts", config.fonts),
                                                    (out / "media", config.root)),
                                           stylesheet=config.templates / "style.css", assets=assets)
                outcome.write(out, rel, pdf)
                outcome.outputs[rel] = {"sha": digest(pdf), "source": source}
                outcome.warnings.extend(f"{rel}: {w}" for w in warnings)
                outcome.rendered_pdfs += 1
        outcome.manifest[f"{lang}/{article.slug}"] = {
            "headline": edition.page.headline, "dateline": edition.page.dateline_html.striptags(),
            "date": edition.page.date_iso, "summary": edition.page.summary,
        }
    outcome.peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return outcome


def _cost(article: Article, wanted: tuple[str, ...], formats: tuple[str, ...]) -> int:
    """A guess at how long an article's task takes: Nastaliq PDFs cost about five English ones."""
    weight = sum(5 if lang == "ur" else 1 for lang in article.languages if lang in wanted)
    return len(article.body) * weight * (10 if "pdf" in formats else 1)


def _run_tasks(config: Config, out: Path, work: list[tuple[Article, bytes]], wanted: tuple[str, ...],
               formats: tuple[str, ...], base: str, assets: str, broken: set[str], cache: BuildCache,
               executor: Executor | None, progress: Progress) -> Iterator[Outcome]:
    """Every article's task, inline or on an executor; outcomes in the order they finish."""
    frozen = frozenset(broken)
    args = [(config, article, out, wanted, formats, base, assets, frozen,
             cache.articles[article.path].outputs if article.path in cache.articles else {})
            for article, _ in work]
    if not args:
        return
    progress.start(len(args))
    try:
        if executor is None:
            for arg in args:
                outcome = process_article(*arg)
                progress.advance(outcome.slug)
                yield outcome
        else:
            futures = [executor.submit(process_article, *arg) for arg in args]
            for future in as_completed(futures):
                outcome = future.result()
                progress.advance(outcome.slug)
                yield outcome
    finally:
        progress.finish()


def page_css(config: Config, lang: str, translations: gettext.NullTranslations) -> str:
    """The print rules that depend on the edition: page size, running header sides, page labels."""
    _ = translations.gettext
    label = _("Page {page} of {pages}")
    style = "urdu-digits" if digit_system(lang, config.digits) == "urdu" else "decimal"
    parts = []
    for i, piece in enumerate(label.replace("{pages}", "\x00P").replace("{page}", "\x00p").split("\x00")):
        if i and piece[:1] == "P":
            parts.append(f"counter(pages, {style})")
        elif i and piece[:1] == "p":
            parts.append(f"counter(page, {style})")
        piece = piece[1:] if i else piece
        if piece:
            parts.append(_css_string(piece))
    start, end = ("right", "left") if lang == "ur" else ("left", "right")
    return (
        f"@page {{ size: {config.page_size};"
        f" @top-{start} {{ content: string(publication); }}"
        f" @top-{end} {{ content: string(headline); }}"
        f" @bottom-center {{ content: {' '.join(parts)}; }} }}\n"
        f"@page :first {{ @top-{start} {{ content: none; }} @top-{end} {{ content: none; }} }}\n"
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _record(report: BuildReport, out: Path, path: Path, data: bytes) -> None:
    rel = path.relative_to(out).as_posix()
    (report.written if atomic.write_bytes(path, data, durable=False) else report.unchanged).append(rel)


def _copy_assets(config: Config, out: Path, report: BuildReport) -> None:
    for sheet in ("style.css", "mobile.css"):
        _record(report, out, out / "assets" / sheet, (config.templates / sheet).read_bytes())
    for font in sorted(config.fonts.iterdir()):
        if font.suffix in (".ttf", ".txt"):
            target = out / "fonts" / font.name
            if not (target.exists() and target.stat().st_size == font.stat().st_size
                    and file_digest(target) == file_digest(font)):
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{font.name}.tmp")
                shutil.copyfile(font, tmp)
                tmp.replace(target)
                report.written.append(f"fonts/{font.name}")


def _read_manifest(out: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _index_html(config: Config, out: Path, lang: str, manifest: dict[str, dict[str, str]],
                translations: gettext.NullTranslations, render_index: Callable[..., str]) -> str:
    """The index lists every edition of the language that is on disk: new ones and kept ones."""
    import datetime as dt

    from markupsafe import Markup

    from pipeline.editions.edition import text_html_for
    from pipeline.formats.templates import IndexEntry
    from pipeline.text.localize import format_date

    text_html = text_html_for(lang, config)  # the same escaping, bidi isolation and digits as the pages

    def as_html(text: str) -> Markup:
        return Markup(text_html(text))

    entries = []
    for key, info in manifest.items():
        entry_lang, _, slug = key.partition("/")
        if entry_lang != lang or not SLUG_RE.match(slug) or not (out / lang / f"{slug}.html").exists():
            continue
        try:
            date = dt.date.fromisoformat(str(info.get("date", "")))
        except ValueError:
            continue
        entries.append(IndexEntry(slug=slug, headline=as_html(str(info.get("headline", slug))),
                                  dateline=as_html(str(info.get("dateline", ""))), date_iso=date.isoformat(),
                                  date_display=format_date(date, lang, config.digits),
                                  summary=as_html(str(info.get("summary", "")))))
    entries.sort(key=lambda e: (e.date_iso, e.slug), reverse=True)
    others = [(other, f"../{other}/index.html") for other in config.languages if other != lang]
    return render_index(lang, entries, others, config, translations, config.name_for(lang))


def _landing(config: Config, langs: tuple[str, ...]) -> str:
    import html

    links = "".join(f'<li><a href="{lang}/index.html" hreflang="{lang}">{html.escape(config.name_for(lang))}'
                    f"</a></li>" for lang in langs)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(config.name)}</title>"
            "<link rel=\"stylesheet\" href=\"assets/style.css\"></head>"
            f"<body><main><h1 class=\"index-title\">{html.escape(config.name)}</h1>"
            f"<ul class=\"story-list\">{links}</ul></main></body></html>\n")
