"""The build state: what each output was made from, keyed on content.

In: the state folder of an output folder (`Config.state_dir`: under the publication root, never in
the deployed folder) with the `cache.json` and `manifest.json` the previous build wrote, and the
hashes of today's inputs.
Out: `BuildCache` (per article file: the key of everything its outputs were made from, each output's
hash, and the stamps of its input files as they were when that key was last confirmed) and the manifest
(per published edition: what its index entry shows). Whatever is read back is checked: an output path
that no format writes (`Output.parse`) or a malformed entry makes the whole state count as damaged, which
is said once and costs a full rebuild, never a wrong file or a write or delete outside the output folder.
Keys cover the article, its catalogs and approvals as read for the build, its images, the templates, CSS,
fonts, config, interface strings, the pipeline's code, the locked dependency versions and the libraries
that shape the output. A file time alone never stands for content: a stamp (`pipeline.runtime.stamps`:
inode, size, modification and change times, recorded only for files last changed before the build that
hashed them) stands for the hash recorded with it, and anything else is read and hashed again. State
files are rewritten only when what they hold changed.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.build.outputs import Output, names_edition
from pipeline.config import CONFIG_FILE, REPO_DIR, Config
from pipeline.errors import ProblemsFound
from pipeline.languages import LANGUAGES
from pipeline.runtime import atomic
from pipeline.runtime.hashing import digest, file_digest
from pipeline.sources.articles import SLUG_RE
from pipeline.sources.files import MB, read_optional

CACHE_FILE = "cache.json"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = "lock"
CACHE_VERSION = 2
MAX_STATE_BYTES = 500 * MB
LOCK_LIST = REPO_DIR / "requirements.lock"
SHAPING_PACKAGES = ("weasyprint", "markdown-it-py", "mdit-py-plugins", "babel", "jinja2", "pyyaml", "pydyf",
                    "fonttools", "pillow", "tinycss2", "cssselect2", "tinyhtml5")


def _tree_digest(folder: Path, patterns: tuple[str, ...]) -> list[str]:
    parts = []
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            parts.extend([path.relative_to(folder).as_posix(), file_digest(path)])
    return parts


def code_key() -> str:
    """The pipeline's own code, the locked dependency set and the installed versions of the libraries
    that shape its output: a new release of any of them rebuilds everything."""
    versions = []
    for package in SHAPING_PACKAGES:
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    return digest(__version__, file_digest(LOCK_LIST), *versions,
                  *_tree_digest(Path(__file__).resolve().parent.parent, ("**/*.py",)))


def assets_key(config: Config) -> str:
    """Everything a PDF depends on besides its HTML: stylesheets, fonts, the code and its libraries."""
    return digest(code_key(), *_tree_digest(config.templates, ("*.css",)), *_tree_digest(config.fonts, ("*.ttf",)))


def global_key(config: Config, assets: str, interface: list[str | bytes]) -> str:
    """Everything every page depends on: templates, assets, config, interface strings and their approvals
    as read (`interface`: their parts)."""
    messages = interface
    return digest(assets, *_tree_digest(config.templates, ("*.html",)), file_digest(config.root / CONFIG_FILE),
                  repr(config), *messages)


@dataclass(slots=True)
class ArticleEntry:
    """What the last build made of one article file."""

    key: str
    slug: str
    images: list[str] = field(default_factory=list)  # paths under the root
    langs: list[str] = field(default_factory=list)  # the article's languages
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # rel path -> {"sha", "source"}
    held: dict[str, dict[str, object]] = field(default_factory=dict)  # lang -> Hold fields
    seen: str = ""  # the stamps of its input files when `key` was last confirmed ("": read them again)
    tags: list[str] = field(default_factory=list)  # its (English) tags
    names: str = ""  # the key of the approved names its pages show for them (`pipeline.build.plan.tag_key`)

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "slug": self.slug, "images": self.images, "langs": self.langs,
                "outputs": self.outputs, "held": self.held, "seen": self.seen, "tags": self.tags,
                "names": self.names}

    @classmethod
    def from_json(cls, data: object) -> ArticleEntry:
        """An entry read back; ValueError when anything in it is not what a build writes."""
        if not isinstance(data, dict):
            raise ValueError("an entry is not a mapping")
        try:
            entry = cls(data["key"], data["slug"], data.get("images", []), data.get("langs", []),
                        {k: _record(v) for k, v in data.get("outputs", {}).items()},
                        {k: dict(v) for k, v in data.get("held", {}).items()}, data.get("seen", ""),
                        data.get("tags", []), data.get("names", ""))
        except (KeyError, TypeError, AttributeError, ValueError) as err:
            raise ValueError(f"a malformed entry ({type(err).__name__})") from None
        if not (type(entry.key) is type(entry.slug) is type(entry.seen) is type(entry.names) is str
                and _texts(entry.images) and _texts(entry.langs) and _texts(entry.tags)):
            raise ValueError("a malformed entry (a field that is not text)")
        bad = [rel for rel in entry.outputs if not names_edition(rel, entry.slug) and Output.parse(rel) is None]
        if bad or not SLUG_RE.match(entry.slug) or any(lang not in LANGUAGES for lang in (*entry.langs, *entry.held)):
            raise ValueError(f"an output path no build writes ({(bad or [entry.slug])[0][:80]!r})")
        return entry


def _texts(values: object) -> bool:
    return type(values) is list and all(type(value) is str for value in values)


def _record(data: dict[str, object]) -> dict[str, str]:
    """An output's record read back: its hash, what it was made from, and its stamp when one was taken."""
    record = {"sha": str(data["sha"]), "source": str(data.get("source", ""))}
    if isinstance(data.get("stamp"), str):
        record["stamp"] = str(data["stamp"])
    return record


@dataclass
class BuildCache:
    articles: dict[str, ArticleEntry] = field(default_factory=dict)  # article file -> entry
    pages: dict[str, dict[str, str]] = field(default_factory=dict)  # index pages: rel -> {"sha", "source"}
    loaded: object = None  # the file as read (parsed): it is written again only when something changed
    listings: str = ""  # the key of everything the listing, feed, sitemap and search files were made from
    listings_content: str = ""  # the part of it made from the manifest and the output hashes

    @classmethod
    def load(cls, state: Path, root: Path) -> tuple[BuildCache, str | None]:
        shown = (state / CACHE_FILE).relative_to(root).as_posix()
        """The cache, and a warning when it was damaged (then it is empty: everything is rebuilt)."""
        try:
            raw = read_optional(state / CACHE_FILE, root, CACHE_FILE, MAX_STATE_BYTES)
            data = json.loads(raw) if raw is not None else None
        except (ProblemsFound, ValueError) as err:
            return cls(), f"build cache {shown} is damaged ({_short(err)}); rebuilding everything"
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return cls(), None  # none yet, or written by another version: a full build, nothing to report
        try:
            articles = {str(k): ArticleEntry.from_json(v) for k, v in dict(data.get("articles", {})).items()}
            pages = {str(k): _record(v) for k, v in dict(data.get("pages", {})).items()}
            if any(Output.parse(rel) is None for rel in pages):
                raise ValueError("an index path no build writes")
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            return cls(), f"build cache {shown} is damaged ({_short(err)}); rebuilding everything"
        return cls(articles, pages, data, str(data.get("listings", "")), str(data.get("listings_content", ""))), None

    def save(self, state: Path) -> None:
        """Write the cache, unless it holds what was read; entry by entry, never whole in memory (at 100,000
        articles the whole text and its dicts would be several hundred megabytes)."""
        if self._as_loaded() and (state / CACHE_FILE).is_file():
            return
        atomic.write_chunks(state / CACHE_FILE, self._lines())

    def _scalars(self) -> dict[str, object]:
        return {"listings": self.listings, "listings_content": self.listings_content, "version": CACHE_VERSION}

    def _as_loaded(self) -> bool:
        loaded = self.loaded
        if not isinstance(loaded, dict) or any(loaded.get(k) != v for k, v in self._scalars().items()):
            return False
        before, pages = loaded.get("articles", {}), loaded.get("pages", {})
        return len(before) == len(self.articles) and pages == self.pages and all(
            before.get(rel) == entry.to_json() for rel, entry in self.articles.items())

    def _lines(self) -> Iterator[str]:
        """The JSON text, one line per article and per page."""
        yield "{\n"
        for name, table in (("articles", self.articles), ("pages", self.pages)):
            yield f"{json.dumps(name)}: {{"
            for number, rel in enumerate(sorted(table)):
                value = table[rel]
                item = value.to_json() if isinstance(value, ArticleEntry) else value
                yield f"{',' if number else ''}\n {json.dumps(rel)}: {json.dumps(item, sort_keys=True)}"
            yield "\n},\n"
        yield ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in self._scalars().items()) + "\n}\n"


Manifest = dict[str, dict[str, str]]  # "lang/slug" -> headline, dateline, date, summary
UNIQUE = frozenset({"headline", "summary", "sha", "source", "stamp"})  # values that seldom repeat


class Shared:
    """One copy of each repeated string in what a build keeps of every article: field names, bylines,
    datelines, dates, tags, languages. An outcome comes back from a worker as a fresh copy of each of them
    (unpickled), and at 100,000 articles the copies alone would be tens of megabytes."""

    def __init__(self) -> None:
        self.table: dict[str, str] = {}

    def texts(self, values: list[str]) -> list[str]:
        return [self.table.setdefault(v, v) for v in values]

    def mapping(self, data: dict[str, str]) -> dict[str, str]:
        """The same mapping with shared names and, for fields that repeat, shared values; a record's
        `source` that equals its `sha` is the same string."""
        table = self.table
        shared = {table.setdefault(k, k): v if k in UNIQUE else table.setdefault(v, v) for k, v in data.items()}
        if "sha" in shared and shared.get("source") == shared["sha"]:
            shared["source"] = shared["sha"]
        return shared


def load_manifest(state: Path, root: Path) -> tuple[Manifest, str | None]:
    """Every published edition with its index entry, and a warning when the file was damaged."""
    shown = (state / MANIFEST_FILE).relative_to(root).as_posix()
    try:
        raw = read_optional(state / MANIFEST_FILE, root, MANIFEST_FILE, MAX_STATE_BYTES)
        data = json.loads(raw) if raw is not None else {}
        if not isinstance(data, dict):
            raise ValueError("not a mapping")
        manifest = {str(k): {str(a): str(b) for a, b in dict(v).items()} for k, v in data.items()}
        for key in manifest:
            lang, _, slug = key.partition("/")
            if lang not in LANGUAGES or not SLUG_RE.match(slug):
                raise ValueError(f"an entry no build writes ({key[:80]!r})")
    except (ProblemsFound, ValueError, TypeError) as err:
        return {}, f"manifest {shown} is damaged ({_short(err)}); the indexes are rebuilt " \
                   "from what this build renders"
    return manifest, None


def save_manifest(state: Path, manifest: Manifest, changed: bool = True) -> None:
    """Write the manifest (one line per edition, never whole in memory), unless nothing `changed` in it since
    it was read and it is still there."""
    if not changed and (state / MANIFEST_FILE).is_file():
        return
    lines = (f"{',' if n else ''}\n {json.dumps(key, ensure_ascii=False)}: "
             f"{json.dumps(manifest[key], ensure_ascii=False, sort_keys=True)}"
             for n, key in enumerate(sorted(manifest)))
    atomic.write_chunks(state / MANIFEST_FILE, itertools.chain("{", lines, "\n}\n"))


def _short(err: Exception) -> str:
    text = err.problems[0].message if isinstance(err, ProblemsFound) else str(err)
    return text[:120]
