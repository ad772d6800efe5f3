"""The build: read what changed, render it in article tasks, write the outputs and the indexes.

In: a `Config` (the publication root), the languages and formats asked for, the output folder, and
an executor (or a number of jobs) for the article tasks.
Out: in the output folder, every edition's outputs as the formats table names them
(`<lang>/<slug>.html`, `<lang>/<slug>.pdf`), `<lang>/index.html`, `assets/`, `fonts/`, `media/`,
a landing `index.html` and each language's search page and index (`pipeline.build.search`); in the
state folder (under the root, never in the output folder) the cache, the manifest and the lock; and a
`BuildReport` of what was written, kept, held back (with the count of segments waiting) or failed.
Articles whose inputs hash the same as last time keep their outputs without being parsed (and without
importing WeasyPrint). A bad article or a held edition never stops the others, and its previously
published files stay exactly as they were.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.cache import (
    CACHE_FILE,
    LOCK_FILE,
    MANIFEST_FILE,
    ArticleEntry,
    BuildCache,
    Manifest,
    Shared,
    assets_key,
    global_key,
    load_manifest,
    save_manifest,
)
from pipeline.build.context import BuildContext
from pipeline.build.indexes import LISTING_FORMATS, write_indexes
from pipeline.build.outputs import Output, Writer
from pipeline.build.plan import image_digest, inputs_seen, read_inputs, read_interface_files, tag_key
from pipeline.build.search import pagefind_version, remove_staging, write_search
from pipeline.build.task import IN_FLIGHT, Outcome, Work, process_file, warm
from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.formats import EDITION_FORMATS, FORMATS
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.runtime import atomic, stamps
from pipeline.runtime.hashing import digest
from pipeline.runtime.locks import exclusive
from pipeline.runtime.pool import make_pool
from pipeline.runtime.stamps import ABSENT, stamp_or_absent
from pipeline.sources.articles import (
    NO_ARTICLES,
    Article,
    article_names,
    duplicate_slugs,
    load_article,
    read_article_bytes,
)
from pipeline.translation.approvals import approvals_path, open_gate_warning
from pipeline.translation.catalogs import catalog_path, orphan_catalogs
from pipeline.translation.gate import Hold
from pipeline.translation.tags import TAGS_CATALOG, approved_tags


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
    notices: list[str] = field(default_factory=list)  # said once, never a problem (not even with --strict)
    seconds: float = 0.0
    peak_worker_kb: int = 0

    def listing_pages_written(self) -> dict[str, int]:
        """lang -> how many of its listing pages (index, archive, month, tag pages) this build wrote anew."""
        counts: dict[str, int] = {}
        for rel in self.written:
            output = Output.parse(rel)
            if output is not None and output.format in LISTING_FORMATS:
                counts[output.lang] = counts.get(output.lang, 0) + 1
        return counts


class Progress:
    """What the build tells as it renders; the command line shows a bar on a terminal."""

    def start(self, total: int) -> None: ...
    def advance(self, label: str) -> None: ...
    def finish(self) -> None: ...


def build(config: Config, *, langs: tuple[str, ...] | None = None, formats: tuple[str, ...] = EDITION_FORMATS,
          out: Path | None = None, jobs: int | None = None, executor: Executor | None = None,
          force: bool = False, progress: Progress | None = None, now: dt.datetime | None = None) -> BuildReport:
    """Build into `out` while holding its lock: two builds never write the same folder at once. `now`
    (default: the clock) decides which embargoes are over."""
    out = (out or config.default_out).resolve()
    if not config.articles_dir.is_dir():  # not a publication: write nothing at all
        raise ProblemsFound([NO_ARTICLES])
    if out == config.root or config.root.is_relative_to(out) or out.is_relative_to(config.articles_dir) \
            or out.is_relative_to(config.translations_dir):
        raise ProblemsFound([Problem(str(out), None, "--out", "the output folder must not hold the publication's "
                                                              "own files; choose an empty folder such as dist/")])
    state = config.state_dir(out)
    with exclusive(state / LOCK_FILE, "pipeline build", config.display(state / LOCK_FILE)):
        try:
            moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        except OverflowError:
            raise ProblemsFound([Problem("--now", None, None, "is too close to the limits of the calendar; give a "
                                         "moment such as 2026-12-03T06:00:00+05:00")]) from None
        runner = _Build(config, out, state, tuple(langs or config.languages), formats, force, progress or Progress(),
                        moment)
        runner.clean_up()
        return runner.run(jobs, executor)


class _Build:
    """One build's state, step by step (each step a method)."""

    def __init__(self, config: Config, out: Path, state: Path, langs: tuple[str, ...], formats: tuple[str, ...],
                 force: bool, progress: Progress, now: dt.datetime) -> None:
        self.started = time.monotonic()
        self.since = stamps.clock()  # files changed before this moment can be vouched for by their stamps
        self.now = now
        self.config, self.out, self.state, self.force, self.progress = config, out, state, force, progress
        self.langs = tuple(lang for lang in langs if lang in config.languages)
        self.formats = tuple(f for f in EDITION_FORMATS if f in formats)
        self.report = BuildReport()
        self.writer = Writer(out, self.since)
        self.claimed: set[str] = set()

    def clean_up(self) -> None:
        """Temporary files a killed build of ours left (our prefix, our folders only), and the state an
        older version kept inside the output folder."""
        folders = [self.out, self.state, self.out / "assets", self.out / "fonts",
                   *(self.out / lang for lang in self.config.languages)]
        searches = [(self.out / Output("search", lang).rel).parent for lang in self.config.languages]
        atomic.remove_leftovers(folders, trees=[self.out / "media", *searches])
        remove_staging(self.state)
        old = self.out / ".pipeline"
        for name in (CACHE_FILE, MANIFEST_FILE, LOCK_FILE):
            if (old / name).is_file() and not (old / name).is_symlink():
                (old / name).unlink()
        if old.is_dir() and not old.is_symlink() and not any(old.iterdir()):
            old.rmdir()

    def run(self, jobs: int | None, executor: Executor | None) -> BuildReport:
        self._prepare()
        self._copy_files()
        kept, changed, unreadable = self._classify()
        loaded = self._load(changed, kept, unreadable)
        del changed  # only what the tasks need is kept: an archive's worth of articles never sits in memory
        owned = None
        workers = jobs or os.cpu_count() or 1
        if executor is None and workers > 1 and len(loaded) > 1:
            owned = executor = make_pool(min(workers, len(loaded)), warm, (self.ctx,), ("pipeline.build.task",))
        try:
            self._render(loaded, kept, executor)
        finally:
            if owned is not None:
                owned.shutdown(cancel_futures=True)
        self._unpublish(kept, loaded, unreadable)
        self._finish()
        return self.report

    def _prepare(self) -> None:
        config = self.config
        self.cache, warning = (BuildCache(), None) if self.force else BuildCache.load(self.state, config.root)
        self.manifest, manifest_warning = load_manifest(self.state, config.root)
        self.manifest_changed = False  # set where an entry is added, changed or removed
        self.loaded_articles = len(self.cache.articles)
        self.report.warnings.extend(w for w in (warning, manifest_warning, open_gate_warning(config)) if w)
        skipped = [name for name in self.formats if FORMATS[name].needs_base_url]
        if skipped and config.base_url is None:
            self.formats = tuple(name for name in self.formats if name not in skipped)
            self.report.notices.append(f"no {', '.join(skipped)} written: they need base_url in publication.yaml "
                                       "(the https:// address where dist/ is served)")
        interface, problems = read_interface_files(config)
        self.translations, broken, found = interface.translations(config)
        self.report.problems.extend([*problems, *found])
        assets = assets_key(config)
        base = global_key(config, assets, interface.key_parts())
        self.tag_names = {lang: approved_tags(config, lang) for lang in config.languages if lang != SOURCE_LANGUAGE}
        self.ctx = BuildContext(config, self.out, self.langs, self.formats, assets, base, interface, frozenset(broken),
                                self.now.isoformat(),
                                tuple((lang, tuple(sorted(names.items()))) for lang, names in self.tag_names.items()),
                                self.since)
        self.new_entries: dict[str, ArticleEntry] = {}
        self.shared = Shared()

    def _copy_files(self) -> None:
        for sheet in ("style.css", "mobile.css", "search.js"):
            self._claim(self.writer, Output("asset", name=sheet), (self.config.templates / sheet).read_bytes())
        for font in sorted(self.config.fonts.iterdir()):
            if font.suffix in (".ttf", ".txt") and font.is_file():
                self._claim(self.writer, Output("font", name=font.name), font.read_bytes())

    def _claim(self, writer: Writer, output: Output, data: bytes) -> None:
        self.claimed.add(output.rel)
        writer.write(output, data)

    def _classify(self) -> tuple[dict[str, ArticleEntry], list[Path], set[str]]:
        """Which articles changed? Unchanged ones keep their outputs without being parsed."""
        kept: dict[str, ArticleEntry] = {}
        changed: list[Path] = []
        unreadable: set[str] = set()
        folder, where = self.config.display(self.config.articles_dir), str(self.config.articles_dir)
        for name in article_names(self.config):
            rel = f"{folder}/{name}"
            entry = self.cache.articles.get(rel)
            if entry and entry.seen and entry.seen == self._seen(f"{where}/{name}", entry) and self._current(entry):
                kept[rel] = entry  # every input file shows the stamp it had when its key was confirmed
                continue
            path = self.config.articles_dir / name
            if entry is None:
                changed.append(path)  # new: read once, when it is loaded
                continue
            data = self._read(path, unreadable)
            if data is None:
                continue
            if self._unchanged(entry, path, data):
                entry.seen = self._seen(path, entry) or ""
                kept[rel] = entry
            else:
                changed.append(path)
        return kept, changed, unreadable

    def _read(self, path: Path, unreadable: set[str]) -> bytes | None:
        """An article file's bytes; None when it cannot be read (said, and it keeps what it had)."""
        try:
            return read_article_bytes(path, self.config)
        except ProblemsFound as refused:
            self.report.problems.extend(refused.problems)
            unreadable.add(path.stem)
            return None

    def _seen(self, path: Path | str, entry: ArticleEntry) -> str | None:
        return inputs_seen(self.config, path, entry.slug, entry.images, self.since, self.ctx.base)

    def _unchanged(self, entry: ArticleEntry, path: Path, data: bytes) -> bool:
        inputs = read_inputs(self.config, path, data, entry.slug)
        images = [(name, image_digest(self.config, name)) for name in entry.images]
        return inputs.key(self.ctx.base, entry.slug, images) == entry.key and self._current(entry)

    def _current(self, entry: ArticleEntry) -> bool:
        """An unchanged article's outputs stand: no embargo ended, no format asked anew, every output intact."""
        if entry.key.startswith("recheck:"):
            return False  # its translation problems are reported again
        if entry.names != tag_key(self.tag_names, entry.tags):
            return False  # a tag's translation was approved (or no longer is): its pages link it differently
        if any(info.get("until") and str(info["until"]) <= self.ctx.now for info in entry.held.values()):
            return False  # an embargo is over: publish it now
        for lang in self.langs:
            if lang in entry.langs and lang not in entry.held and any(
                    Output(f, lang, entry.slug).rel not in entry.outputs for f in self.formats):
                return False  # this build asks for an output the last one did not make
        return all(self.writer.intact(rel, record) for rel, record in entry.outputs.items())

    def _load(self, changed: list[Path], kept: dict[str, ArticleEntry], unreadable: set[str]) -> list[Work]:
        """Read and check the changed articles; two articles claiming one slug both keep what they had. What
        is kept of each is what its task needs to find it again (`Work`), not the article."""
        loaded: list[Work] = []
        for path in changed:
            data = self._read(path, unreadable)
            if data is None:
                continue
            article, found = load_article(path, self.config, data)
            self.report.problems.extend(found)
            if article is not None:
                loaded.append(Work(article.path, article.slug, tuple(article.languages), digest(data),
                                   _cost(article, self.langs, self.formats)))
            else:
                unreadable.add(path.stem)  # it keeps what it had: its slug is its file name until it reads
        dupes = duplicate_slugs([(e.slug, rel) for rel, e in kept.items()] + [(a.slug, a.path) for a in loaded])
        self.report.problems.extend(dupes)
        taken = {p.file for p in dupes}
        unreadable |= {e.slug for rel, e in kept.items() if rel in taken}  # a clash keeps what each had
        unreadable |= {a.slug for a in loaded if a.path in taken}
        for rel in taken & set(kept):
            del kept[rel]
        loaded = [a for a in loaded if a.path not in taken]
        slugs = {e.slug for e in kept.values()} | {a.slug for a in loaded}
        self.report.problems.extend(orphan_catalogs(self.config, slugs))
        for entry in kept.values():
            self.report.kept += len(entry.outputs)
            self.claimed.update(entry.outputs)
            if entry.held:
                self.report.held.extend(_hold_from(entry.slug, lang, info)
                                        for lang, info in sorted(entry.held.items()) if lang in self.langs)
        return sorted(loaded, key=lambda work: -work.cost)

    def _render(self, work: list[Work], kept: dict[str, ArticleEntry], executor: Executor | None) -> None:
        old = {a.path: (self.cache.articles[a.path].outputs if a.path in self.cache.articles else {}) for a in work}
        self.cache.articles = {rel: e for rel, e in self.cache.articles.items() if rel in kept}
        for outcome in self._tasks([(self.ctx, a, old.pop(a.path)) for a in work], executor):
            self._merge(outcome)

    def _tasks(self, args: list[tuple[BuildContext, Work, dict[str, dict[str, str]]]],
               executor: Executor | None) -> Iterator[Outcome]:
        """Every article's task, inline or on an executor; outcomes in the order they finish. At most
        `IN_FLIGHT` tasks are handed to the executor at a time, so that waiting tasks and finished outcomes
        never pile up in memory however large the archive."""
        if not args:
            return
        self.progress.start(len(args))
        try:
            if executor is None:
                for arg in args:
                    outcome = process_file(*arg)
                    self.progress.advance(outcome.slug)
                    yield outcome
            else:
                waiting = iter(args)
                futures = {executor.submit(process_file, *arg): arg[1] for arg in itertools.islice(waiting, IN_FLIGHT)}
                while futures:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        outcome = _result(future, futures.pop(future))
                        self.progress.advance(outcome.slug)
                        yield outcome
                        for arg in itertools.islice(waiting, 1):
                            futures[executor.submit(process_file, *arg)] = arg[1]
        finally:
            self.progress.finish()

    def _merge(self, outcome: Outcome) -> None:
        report = self.report
        report.held.extend(h for h in outcome.held if h.lang in self.langs)
        for hold in outcome.held:
            if hold.until:  # embargoed: in no index, feed or sitemap until its moment
                if self.manifest.pop(f"{hold.lang}/{hold.slug}", None) is not None:
                    self.manifest_changed = True
        report.problems.extend(outcome.translation_problems)
        report.warnings.extend(outcome.warnings)
        report.rendered_pdfs += outcome.rendered_pdfs
        report.peak_worker_kb = max(report.peak_worker_kb, outcome.peak_kb)
        twice = [rel for rel in outcome.outputs if rel in self.claimed and not rel.startswith("media/")]
        if outcome.problems or twice:
            report.problems.extend(outcome.problems or [Problem(outcome.path, None, None, f"{twice[0]} is also "
                                                                "written by another article; give it another slug")])
            report.failed.append(outcome.path)
            return
        self.claimed.update(outcome.outputs)
        report.written.extend(outcome.written)
        report.unchanged.extend(outcome.unchanged)
        shared = self.shared
        for key, entry in outcome.manifest.items():
            if self.manifest.get(key) != entry:
                self.manifest[key] = shared.mapping(entry)
                self.manifest_changed = True
        key = ("recheck:" if outcome.translation_problems else "") + outcome.key  # problems are reported again
        entry = ArticleEntry(
            key=key, slug=outcome.slug, images=outcome.images, langs=shared.texts(outcome.langs),
            outputs={rel: shared.mapping(record) for rel, record in outcome.outputs.items()},
            tags=shared.texts(outcome.tags), names=tag_key(self.tag_names, outcome.tags),
            held={h.lang: {"waiting": h.waiting, "total": h.total, "reason": h.reason, "until": h.until}
                  for h in outcome.held})
        entry.seen = self._seen(self.config.root / outcome.path, entry) or ""
        self.new_entries[outcome.path] = entry

    def _unpublish(self, kept: dict[str, ArticleEntry], loaded: list[Work], unreadable: set[str]) -> None:
        """Editions whose article is gone (deleted, renamed, or the language dropped) are unpublished."""
        current = {(lang, e.slug) for e in kept.values() for lang in e.langs}
        current |= {(lang, a.slug) for a in loaded for lang in a.languages}
        for key in sorted(self.manifest):
            lang, _, slug = key.partition("/")
            if lang in self.langs and (lang, slug) not in current and slug not in unreadable:
                for name in EDITION_FORMATS:
                    self.writer.remove(Output(name, lang, slug))
                del self.manifest[key]
                self.manifest_changed = True
                self.report.unpublished.append(key)

    def _write_listings(self) -> None:
        """The listing pages, feeds, sitemap and search files: kept as they are, without being made again,
        when everything they are made from is what the last build made them from."""
        old = self.cache.pages
        shas = {rel: record["sha"] for entry in (*self.cache.articles.values(), *self.new_entries.values())
                for rel, record in entry.outputs.items()}
        same = not self.new_entries and not self.report.unpublished and not self.manifest_changed \
            and len(self.cache.articles) == self.loaded_articles  # the same editions, pages and hashes as before
        before = self.cache.listings_content if same else ""
        key, self.cache.listings_content = listings_key(self.config, self.out, self.since, self.langs, self.ctx.base,
                                                        self.manifest, shas, before)
        if key and key == self.cache.listings and all(self.writer.intact(rel, r) for rel, r in old.items()):
            for rel, record in old.items():
                self.writer.keep_recorded(rel, record["sha"])
            return
        self.cache.pages = write_indexes(self.config, self.out, self.langs, self.ctx.base, self.manifest,
                                         self.translations, self.writer, old, self.ctx.broken_interface, shas)
        found, problems = write_search(self.config, self.out, self.langs, self.ctx.base, self.manifest,
                                       self.translations, self.writer, old, shas, self.ctx.broken_interface)
        self.cache.pages.update(found)
        self.report.problems.extend(problems)
        self.cache.listings = "" if problems else key  # a failed search index is tried again next time

    def _finish(self) -> None:
        if "html" in self.formats:
            self._write_listings()
        save_manifest(self.state, self.manifest, self.manifest_changed)
        self.cache.articles.update(self.new_entries)
        self.cache.save(self.state)
        report = self.report
        report.written.extend(self.writer.written)
        report.unchanged.extend(self.writer.unchanged)
        report.held.sort(key=lambda h: (h.slug, h.lang))
        for items in (report.written, report.unchanged, report.failed):
            items.sort()
        report.seconds = time.monotonic() - self.started


def listings_key(config: Config, out: Path, since: int, langs: tuple[str, ...], base: str, manifest: Manifest,
                 shas: dict[str, str], content: str = "") -> tuple[str, str]:
    """The key of everything the listing, feed, sitemap and search files are made from: the base key, the
    languages built, the manifest, every recorded output's hash, the PDFs on disk the feeds give sizes of,
    the tags' catalogs and Pagefind's version; "" when a file on disk cannot be vouched for without reading.
    Also the key of the manifest and hashes alone, to give back as `content` when neither changed since it
    was made (then they are not hashed again); "" when unrecorded PDFs on disk make it depend on the disk."""
    tags = [stamp_or_absent(path, since) for lang in config.languages if lang != SOURCE_LANGUAGE
            for path in (catalog_path(config, lang, TAGS_CATALOG), approvals_path(config.translations_dir, lang,
                                                                                 TAGS_CATALOG))]
    if any(found is None for found in tags):
        return "", content
    frame = [base, repr(langs), pagefind_version(), *(found or "" for found in tags)]
    if content:
        return digest(*frame, content), content
    extra = _unrecorded_pdfs(out, since, manifest, shas)
    if extra is None:
        return "", ""
    content = digest(json.dumps(manifest, sort_keys=True), json.dumps(sorted(shas.items())), *extra)
    return digest(*frame, content), "" if extra else content


def _unrecorded_pdfs(out: Path, since: int, manifest: Manifest, shas: dict[str, str]) -> list[str] | None:
    """The stamps of listed editions' PDFs on disk that no output record vouches for (their sizes are in the
    feeds); None when a page or such a PDF cannot be vouched for without reading it."""
    extra: list[str] = []
    for edition, info in sorted(manifest.items()):
        lang, _, slug = edition.partition("/")
        if info.get("withdrawn") == "yes":
            continue
        if Output("html", lang, slug).rel not in shas:
            return None  # a page the build did not record (a failed article's earlier page): look at the disk
        pdf = Output("pdf", lang, slug).rel
        if pdf not in shas:
            found = stamp_or_absent(out / pdf, since)
            if found is None:
                return None
            if found != ABSENT:
                extra.append(f"{pdf}:{found}")
    return extra


def _result(future: Future[Outcome], article: Work) -> Outcome:
    """A task's outcome; a worker that died (killed, out of memory) is reported against its article."""
    try:
        return future.result()
    except (BrokenExecutor, OSError, EOFError) as err:
        return Outcome(article.path, article.slug, list(article.languages), problems=[Problem(
            article.path, None, None, f"the worker process rendering it stopped ({type(err).__name__}); "
                                      "its previous files are kept: publish again")])


def _hold_from(slug: str, lang: str, info: dict[str, object]) -> Hold:
    return Hold(slug, lang, int(str(info.get("waiting", 0))), int(str(info.get("total", 0))),
                str(info.get("reason", "")), str(info.get("until", "")))


def _cost(article: Article, wanted: tuple[str, ...], formats: tuple[str, ...]) -> int:
    """A guess at how long an article's task takes: Nastaliq PDFs cost about five English ones."""
    weight = sum(5 if lang == "ur" else 1 for lang in article.languages if lang in wanted)
    return len(article.body) * weight * (10 if "pdf" in formats else 1)
