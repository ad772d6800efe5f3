"""Search without a server: each language's search page and its static Pagefind index.

In: the output folder after the build wrote the article pages, the manifest (which editions are published
and not withdrawn), the hash of each page as the build recorded it, the interface strings, and what the
previous build recorded of the search files.
Out: through the build's `Writer`, `<lang>/search/index.html` and `<lang>/search/pagefind/<part>/...` (the
index, Pagefind's script and WebAssembly), and the records the cache keeps of them. A language's published
story pages (a held, embargoed, withdrawn or deleted edition is not among them), oldest first, are indexed
in parts of at most `PART_STORIES` stories and `PART_BYTES` of story pages, which the search page merges
into one search: Pagefind holds a whole run in memory (measured with pagefind-bin 1.5: about 47 KB a page
plus 15 bytes per byte of indexed text, some 15 to 19 times the pages' bytes), so the bytes bound its memory
whatever the length of the stories, and a new story changes only the newest part. Pagefind (the
`pagefind-bin` package) runs over a staging copy of exactly a part's pages, with the language forced
(`--force-language`), indexing only the story itself (`article.story`); it runs only for a part whose pages
changed, so a build with nothing to do writes nothing. Files of an older index that the new one does not
have are removed. A missing or failing Pagefind is one problem line naming what to do; the pages are
published all the same, and the part keeps what it had.
"""

from __future__ import annotations

import gettext
import importlib.util
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

from pipeline.build.cache import Manifest
from pipeline.build.outputs import Output, Writer, keep_or_write
from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.formats.html import render_search
from pipeline.runtime.hashing import digest, file_digest
from pipeline.sources.files import MB

Records = dict[str, dict[str, str]]  # rel -> {"sha", "source"}
SEARCH_FORMATS = ("search", "search-index")
ROOT_SELECTOR = "article.story"  # what a result is made of: the story, not the masthead or the links around it
PAGEFIND_SECONDS = 300
PART_STORIES = 5000  # stories per part of an index at most
PART_BYTES = 24 * MB  # story page bytes per part at most: Pagefind then needs under about 460 MB
STAGING_PREFIX = ".pipeline-search-"  # Pagefind's working folders, in the state folder
INSTALL = "run `make publish` (it installs requirements.lock) or `.venv/bin/pip install pagefind-bin`"


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:
        return "none"


def _executable() -> Path | None:
    """The Pagefind program the `pagefind-bin` package ships for this platform (not imported: only found)."""
    spec = importlib.util.find_spec("pagefind_bin")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        for name in ("pagefind_extended", "pagefind"):
            if (Path(folder) / name).is_file():
                return Path(folder) / name
    return None


def remove_staging(state: Path) -> None:
    """Pagefind's working folders a killed build left in the state folder (ours by their prefix; never a link)."""
    for folder in state.glob(f"{STAGING_PREFIX}*") if state.is_dir() else []:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)


def _published(out: Path, manifest: Manifest, lang: str, page_shas: dict[str, str]) -> list[tuple[str, int]]:
    """The slugs of the language's editions that are published now (page on disk: recorded by this build, or
    found there) and not withdrawn, oldest first, each with its page's size."""
    found = []
    for key, info in manifest.items():
        edition_lang, _, slug = key.partition("/")
        if edition_lang != lang or info.get("withdrawn") == "yes":
            continue
        page = Output("html", lang, slug).rel
        try:
            size = (out / page).stat().st_size
        except OSError:
            if page not in page_shas:
                continue  # not on disk and not written by this build: not published
            size = 0
        found.append((str(info.get("date", "")), slug, size))
    return [(slug, size) for _date, slug, size in sorted(found)]


def parts_of(stories: list[tuple[str, int]]) -> list[list[str]]:
    """The slugs of each part of an index, oldest first (`stories`: slug and page size): a part ends at
    `PART_STORIES` stories or before `PART_BYTES`, so a new story changes the newest part only."""
    parts: list[list[str]] = []
    total = 0
    for slug, size in stories:
        if not parts or len(parts[-1]) >= PART_STORIES or total + size > PART_BYTES:
            parts.append([])
            total = 0
        parts[-1].append(slug)
        total += size
    return parts


def _part(rel: str) -> int:
    """Which part of an index a file belongs to (0: a file of the layout before parts)."""
    output = Output.parse(rel)
    head = output.name.split("/", 1)[0] if output is not None else ""
    return int(head) if head.isdigit() else 0


def write_search(config: Config, out: Path, langs: tuple[str, ...], base: str, manifest: Manifest,
                 translations: dict[str, gettext.NullTranslations], writer: Writer, old: Records,
                 page_shas: dict[str, str], held: frozenset[str] = frozenset()) -> tuple[Records, list[Problem]]:
    """Each language's search page and index; the records to keep and the problems met. A language in
    `held` (its interface strings wait) keeps what it had."""
    records: Records = {}
    problems: list[Problem] = []
    for lang in langs:
        mine = {rel: r for rel, r in old.items() if _search_lang(rel) == lang}
        if lang in held:
            records.update(mine)
            continue
        alternates = [(other, Output("search", other).href_from(Output("search", lang)))
                      for other in config.languages if other != lang]
        parts = parts_of(_published(out, manifest, lang, page_shas))
        page = Output("search", lang)
        count = len(parts)
        records[page.rel] = keep_or_write(writer, page, digest(base, lang, repr(alternates), str(count)),
                                          lambda lang=lang, alternates=alternates, n=count: render_search(
            lang, alternates, config, translations[lang], n).encode("utf-8"), old)
        index = {rel: r for rel, r in mine.items() if rel != page.rel}
        for number, slugs in enumerate(parts, start=1):
            shas = [page_shas.get(Output("html", lang, s).rel) or file_digest(out / Output("html", lang, s).rel)
                    for s in slugs]
            source = digest(base, pagefind_version(), ROOT_SELECTOR, lang, str(number), *slugs, *shas)
            made, problem = _write_part(config, out, lang, number, slugs, writer, source,
                                        {rel: r for rel, r in index.items() if _part(rel) == number})
            records.update(made)
            problems.extend([problem] if problem else [])
        for rel in sorted(rel for rel in index if not 1 <= _part(rel) <= len(parts)):  # parts no longer made
            writer.remove(Output.parse(rel) or page)
    return records, problems


def _write_part(config: Config, out: Path, lang: str, number: int, slugs: list[str], writer: Writer, source: str,
                before: Records) -> tuple[Records, Problem | None]:
    """One part of a language's index: kept when made from the same pages and intact, else made again (its
    files the new one does not have removed); when Pagefind fails, the part stays as it was."""
    if before and all(r.get("source") == source and writer.intact(rel, r) for rel, r in before.items()):
        for rel, record in before.items():
            writer.keep_recorded(rel, record["sha"])
        return before, None
    made, problem = _index(config, out, lang, number, slugs, writer, source)
    if problem is not None:
        return before, problem
    for rel in sorted(set(before) - set(made)):
        writer.remove(Output.parse(rel) or Output("search", lang))
    return made, None


def _index(config: Config, out: Path, lang: str, number: int, slugs: list[str], writer: Writer,
           source: str) -> tuple[Records, Problem | None]:
    """Run Pagefind over a copy of the part's story pages and write what it made."""
    binary = _executable()
    shown = config.display(out / Output("search", lang).rel)
    if binary is None:
        return {}, Problem(shown, None, None, f"the search index was not built: the Pagefind program is missing; "
                                              f"{INSTALL}, then publish again")
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=config.state_dir(out)) as staging:
        site, bundle = Path(staging) / "site", Path(staging) / "bundle"
        site.mkdir()
        for slug in slugs:
            shutil.copyfile(out / Output("html", lang, slug).rel, site / Output("html", lang, slug).rel.rsplit("/")[-1])
        try:
            run = subprocess.run([str(binary), "--site", str(site), "--output-path", str(bundle), "--force-language",
                                  lang, "--root-selector", ROOT_SELECTOR, "--quiet"], capture_output=True,
                                 text=True, timeout=PAGEFIND_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            return {}, Problem(shown, None, None, f"the search index was not built: Pagefind did not run "
                                                  f"({type(err).__name__}); {INSTALL}, then publish again")
        if run.returncode != 0:
            said = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no message"]
            return {}, Problem(shown, None, None, f"the search index was not built: Pagefind stopped with "
                                                  f"{said[0][:200]!r}; the previous index is kept: publish again")
        return _copy_bundle(bundle, lang, number, writer, source), None


def _copy_bundle(bundle: Path, lang: str, number: int, writer: Writer, source: str) -> Records:
    """The files of Pagefind's bundle the search page uses (not its ready-made interfaces), written as ours."""
    records: Records = {}
    for path in sorted(bundle.rglob("*")):
        name = f"{number}/{path.relative_to(bundle).as_posix()}"
        output = Output.parse(Output("search-index", lang, name=name).rel)
        if path.is_file() and output is not None and output.format == "search-index" and output.lang == lang:
            records[output.rel] = {"sha": writer.write(output, path.read_bytes()), "source": source}
    return records


def _search_lang(rel: str) -> str | None:
    output = Output.parse(rel)
    return output.lang if output is not None and output.format in SEARCH_FORMATS else None
