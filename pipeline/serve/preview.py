"""The preview folder of `pipeline serve`: the publication built as it stands, held editions included.

In: the publication root; each call to `rebuild` (after a save) reads everything again.
Out: the pages built by the incremental build (`pipeline.build.run.build`, HTML only) into
`.pipeline/preview/site/` under the root, never `dist/`; a `PreviewState` numbered by generation (the
problems found, located as `check` locates them; the editions held, with why; the time the build took);
and, on demand, an edition as it would be if it were published now (`draft`): a held translation with every
translated segment in it, approved or not (an untranslated one in English), with its PDF (`pdf_of`) and
the PDF's pages as PNG images (`print_pages`, pdftoppm). Nothing here writes outside the preview folder:
when `.pipeline`, `.pipeline/preview`, the folder itself or a folder in it is a link (to `dist/`, or out of
the publication), the preview is refused at start and not built while it stays so (`folder_problems`).
`fingerprint` reads only files of the publication: a folder that is a link out of it counts by where it
points.
"""

from __future__ import annotations

import dataclasses
import functools
import gettext
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.outputs import Output
from pipeline.build.run import build
from pipeline.config import CONFIG_FILE, STATE_DIR, Config, load_config
from pipeline.editions.edition import build_edition, identity
from pipeline.errors import Problem, ProblemsFound
from pipeline.formats import FORMATS, EditionJob
from pipeline.formats.html import render_article
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.runtime.atomic import TEMP_PREFIX
from pipeline.runtime.hashing import digest, file_digest
from pipeline.sources.files import read_bytes
from pipeline.text.markdown import MAX_IMAGE_BYTES
from pipeline.translation.approvals import trust_for
from pipeline.translation.catalogs import read_catalog_files, segment_states
from pipeline.translation.gate import Hold
from pipeline.translation.interface import TableTranslations, interface_states, read_interface
from pipeline.translation.review import find_article
from pipeline.translation.tags import tag_slug

PREVIEW_DIR = "preview"  # under the root's .pipeline/
FIRST_JOBS = None  # the first build may use every core; rebuilds run inline (a forked worker of a server is risky)


@dataclass(frozen=True)
class PreviewState:
    generation: int = 0
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = ()
    held: dict[tuple[str, str], Hold] = field(default_factory=dict)  # (lang, slug) -> why it is held
    seconds: float = 0.0
    finished: float = 0.0  # time.monotonic() when the build ended

    def hold(self, lang: str, slug: str) -> Hold | None:
        return self.held.get((lang, slug))


def preview_site(root: Path) -> Path:
    return root.resolve() / STATE_DIR / PREVIEW_DIR / "site"


def folder_problems(root: Path, inside: bool = False) -> list[Problem]:
    """Why the preview cannot be built into its folder: a part of its path is a link (the build would write
    where it leads, `dist/` or beyond the publication) or is not a folder; with `inside`, also a folder in
    it that is a link (the build would write, and remove its old pages, through it). Empty when it can."""
    root = root.resolve()
    path = root
    for part in (STATE_DIR, PREVIEW_DIR, "site"):
        path = path / part
        why = "is a link" if path.is_symlink() else ("is not a folder" if path.exists() and not path.is_dir()
                                                       else None)
        if why:
            return [_refused(root, path, why)]
    for folder, names, _files in os.walk(path) if inside else ():  # os.walk never follows links
        linked = next((Path(folder, name) for name in sorted(names) if Path(folder, name).is_symlink()), None)
        if linked is not None:
            return [_refused(root, linked, "is a link")]
    return []


def _refused(root: Path, path: Path, why: str) -> Problem:
    return Problem(path.relative_to(root).as_posix(), None, None, f"{why}: the preview is built only into "
                   f"folders of its own, in {STATE_DIR}/{PREVIEW_DIR}/site (never dist/ or a folder elsewhere); "
                   "delete it and start pipeline serve again, it makes the folders")


class Preview:
    """The preview folder and the state of its last build; one build at a time."""

    def __init__(self, root: Path) -> None:
        problems = folder_problems(root, inside=True)
        if problems:
            raise ProblemsFound(problems)
        self.root = root.resolve()
        self.site = preview_site(self.root)
        self.config = load_config(self.root)
        self.state = PreviewState()
        self._lock = threading.Lock()
        self._pdfs: dict[str, bytes] = {}
        self._pages: dict[str, list[bytes]] = {}
        self._stamp = ""

    def rebuild(self, jobs: int | None = 1) -> PreviewState:
        """Build what changed into the preview folder; a bad file is a problem in the state, never an error.
        When no file was saved since the last build (by name, size and time), nothing is built and the
        generation stays: open pages do not reload for nothing."""
        with self._lock:
            started = time.monotonic()
            stamp = fingerprint(self.config)
            if stamp == self._stamp:
                return self.state
            self._stamp = stamp
            problems: list[Problem] = []
            warnings: list[str] = []
            held: dict[tuple[str, str], Hold] = {}
            try:
                self.config = load_config(self.root)
                refused = folder_problems(self.root, inside=True)
                if refused:  # made a link while the server runs: build nothing there (and try again next time)
                    self._stamp = ""
                    raise ProblemsFound(refused)
                report = build(self.config, formats=("html",), out=self.site, jobs=jobs)
                problems.extend(report.problems)
                warnings.extend(report.warnings)
                held = {(h.lang, h.slug): h for h in report.held}
            except ProblemsFound as found:  # publication.yaml half-saved, a lock held: the last pages stay
                problems.extend(found.problems)
                held = dict(self.state.held)
            except Exception as err:  # reported in the page; the server keeps running
                problems.append(Problem("(preview)", None, None, f"the preview build stopped ({type(err).__name__}: "
                                        f"{err}); fix the file you last saved, or report this as a bug"))
                held = dict(self.state.held)
            self.state = PreviewState(self.state.generation + 1, tuple(problems), tuple(warnings), held,
                                      time.monotonic() - started, time.monotonic())
            return self.state

    def draft(self, slug: str, lang: str) -> EditionJob:
        """The edition as it would be published now (see the module doc); ProblemsFound when it cannot be made."""
        return draft_edition(self.config, slug, lang)

    def pdf_of(self, slug: str, lang: str) -> bytes:
        job = self.draft(slug, lang)
        key = digest(job.html, *(part for name, data in sorted(job.media.items()) for part in (name, digest(data))))
        if key not in self._pdfs:
            render = FORMATS["pdf"].render
            assert render is not None
            data, _warnings = render(job)
            self._pdfs = {key: data}  # the last one only: a reviewer looks at one edition at a time
        return self._pdfs[key]

    def print_pages(self, slug: str, lang: str) -> list[bytes]:
        """The edition's PDF pages as PNG images (empty when pdftoppm is not installed)."""
        pdf = self.pdf_of(slug, lang)
        key = digest(pdf)
        if key not in self._pages:
            self._pages = {key: png_pages(pdf)}
        return self._pages[key]


def fingerprint(config: Config) -> str:
    """The content of every file a preview is built from (what the watcher watches; a link counts by where it
    points, never by what is behind it)."""
    parts: list[str] = []
    root = config.root.resolve()
    folders = [f for f in (config.articles_dir, config.translations_dir, config.templates) if f.is_dir()]
    parts.extend(f"{f} -> {f.resolve()}" for f in folders if not f.resolve().is_relative_to(root))
    inside = [f for f in folders if f.resolve().is_relative_to(root)]
    for path in [p for folder in inside for p in sorted(folder.rglob("*"))] + [config.root / CONFIG_FILE]:
        if path.name.startswith(TEMP_PREFIX) or path.suffix == ".lock":
            continue  # our own writers' temporary files and locks are not the publication
        if path.is_symlink():
            parts.append(f"{path} -> {os.readlink(path)}")
        elif path.is_file():
            parts.append(f"{path}:{file_digest(path)}")
    return digest(*parts)


def png_pages(pdf: bytes, dpi: int = 60) -> list[bytes]:
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    with tempfile.TemporaryDirectory(prefix="pipeline-print-") as folder:
        source = Path(folder) / "edition.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")], check=True,
                       capture_output=True, timeout=120)
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.png"), key=_page_number)]


def _page_number(path: Path) -> int:
    return int(path.stem.rsplit("-", 1)[1])


def draft_interface(config: Config, lang: str) -> gettext.NullTranslations:
    """A language's interface strings with every translation in them, approved or not (a preview only)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    states, _problems = interface_states(config, read_interface(config, lang))
    return TableTranslations({s.segment.source: s.translation for s in states if s.translated})


def draft_edition(config: Config, slug: str, lang: str) -> EditionJob:
    article = find_article(config, slug)
    if lang not in article.languages or lang not in config.languages:
        raise ProblemsFound([Problem(article.path, None, "languages", f"the article has no {lang} edition")])
    translate = identity
    if lang != SOURCE_LANGUAGE:
        states, _problems = segment_states(article, read_catalog_files(config, lang, slug), trust_for(config, lang))
        table = {(s.segment.context, s.segment.source): s.translation for s in states if s.translated}
        translate = functools.partial(_draft_text, table)
    interface = draft_interface(config, lang)
    edition = build_edition(article, lang, config, translate, interface=interface)
    if edition.problems:
        raise ProblemsFound(edition.problems)
    page = Output("html", lang, slug)
    others = tuple((other, Output("html", other, slug).href_from(page)) for other in article.languages
                   if other != lang and other in config.languages)
    tags = tuple((tag, Output("tag", lang, name=name).href_from(page)) for tag in edition.page.tags
                 if (name := tag_slug(tag)))
    edition.page = dataclasses.replace(edition.page, alternates=others, tag_links=tags,
                                       index_href=Output("index", lang).href_from(page))
    media = {name: read_bytes(path, config.root, name, MAX_IMAGE_BYTES) for name, path in edition.images.items()}
    return EditionJob(edition.page, config, interface, render_article(edition.page, config, interface), media)


def _draft_text(table: dict[tuple[str | None, str], str], context: str | None, source: str) -> str:
    return table.get((context, source)) or source
