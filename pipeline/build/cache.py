"""The build cache: what each output was made from, keyed on content, never on file times.

In: the output folder's `.pipeline/cache.json` (written by the previous build) and the hashes of
today's inputs.
Out: per article file, whether its outputs can be kept as they are: only when the article, its
catalogs and approvals, its images, the templates, CSS, fonts, config, interface strings and the
pipeline's version all hash the same, and every recorded output is on disk with the recorded hash.
A missing, unreadable or malformed cache is an empty cache: on doubt, rebuild.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from pipeline import __version__
from pipeline.config import CONFIG_FILE, REPO_DIR, Config
from pipeline.runtime import atomic

CACHE_FILE = ".pipeline/cache.json"
CACHE_VERSION = 1


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    try:
        return digest(path.read_bytes())
    except OSError:
        return "missing"


def _tree_digest(folder: Path, patterns: tuple[str, ...]) -> list[str]:
    parts = []
    for pattern in patterns:
        for path in sorted(folder.glob(pattern)):
            parts.extend([path.relative_to(folder).as_posix(), file_digest(path)])
    return parts


def code_key() -> str:
    """The pipeline's own code and the versions of the libraries that shape its output: a new release
    of either rebuilds everything, even if __version__ was not bumped."""
    versions = []
    for package in ("weasyprint", "markdown-it-py", "mdit-py-plugins", "babel", "jinja2", "pyyaml", "pydyf"):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    return digest(__version__, *versions, *_tree_digest(Path(__file__).parent.parent, ("**/*.py",)))


def assets_key(config: Config) -> str:
    """Everything a PDF depends on besides its HTML: stylesheets, fonts, the code and its libraries."""
    return digest(code_key(), *_tree_digest(config.templates, ("*.css",)), *_tree_digest(config.fonts, ("*.ttf",)))


def global_key(config: Config, assets: str | None = None) -> str:
    """Everything every page depends on: templates, assets, config, interface strings, versions."""
    messages = []
    for base in (config.translations_dir, REPO_DIR / "translations"):
        messages.extend(_tree_digest(base, ("messages.pot", "*/LC_MESSAGES/messages.po")))
    return digest(assets or assets_key(config), *_tree_digest(config.templates, ("*.html",)),
                  file_digest(config.root / CONFIG_FILE), repr(config), *messages)


def article_key(base: str, config: Config, article_bytes: bytes, slug: str, images: list[str]) -> str:
    """Everything one article's editions depend on: its text, every catalog and approval, images."""
    parts: list[str | bytes] = [base, article_bytes, slug]
    for lang in config.languages:
        folder = config.translations_dir / lang
        parts.extend([lang, file_digest(folder / f"{slug}.po"), file_digest(folder / f"{slug}.approvals")])
    for image in sorted(images):
        parts.extend([image, file_digest(config.root / image)])
    return digest(*parts)


@dataclass
class ArticleEntry:
    """What the last build made of one article file."""

    key: str
    slug: str
    images: list[str] = field(default_factory=list)
    langs: list[str] = field(default_factory=list)  # the article's languages
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # rel path -> {"sha", "source"}
    held: dict[str, dict[str, object]] = field(default_factory=dict)  # lang -> Hold fields

    def to_json(self) -> dict[str, object]:
        return {"key": self.key, "slug": self.slug, "images": self.images, "langs": self.langs,
                "outputs": self.outputs, "held": self.held}

    @classmethod
    def from_json(cls, data: object) -> ArticleEntry | None:
        if not isinstance(data, dict):
            return None
        try:
            entry = cls(str(data["key"]), str(data["slug"]), [str(i) for i in data.get("images", [])],
                        [str(lang) for lang in data.get("langs", [])],
                        {str(k): {"sha": str(v["sha"]), "source": str(v.get("source", ""))}
                         for k, v in data.get("outputs", {}).items()},
                        {str(k): dict(v) for k, v in data.get("held", {}).items()})
        except (KeyError, TypeError, AttributeError, ValueError):
            return None
        return entry


@dataclass
class BuildCache:
    articles: dict[str, ArticleEntry] = field(default_factory=dict)  # article file -> entry

    @classmethod
    def load(cls, out: Path) -> BuildCache:
        try:
            data = json.loads((out / CACHE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            return cls()
        cache = cls()
        articles = data.get("articles")
        if not isinstance(articles, dict):
            return cls()
        for name, raw in articles.items():
            entry = ArticleEntry.from_json(raw)
            if entry is None:
                continue  # a damaged entry only costs a rebuild of that article
            cache.articles[str(name)] = entry
        return cache

    def save(self, out: Path) -> None:
        data = {"version": CACHE_VERSION, "articles": {k: v.to_json() for k, v in sorted(self.articles.items())}}
        atomic.write_text(out / CACHE_FILE, json.dumps(data, indent=1, sort_keys=True))


def output_intact(out: Path, rel: str, record: dict[str, str] | None) -> bool:
    """The output is on disk with exactly the bytes the cache recorded."""
    return record is not None and file_digest(out / rel) == record.get("sha")
