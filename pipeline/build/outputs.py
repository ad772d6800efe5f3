"""The one output-path model, and the one writer every output passes through.

In: an `Output` (a format from the formats table, with its language, slug or file name) and bytes.
Out: `Output.rel`, the only place an output path is formed (from the table's pattern), and
`Output.parse`, which accepts only paths of that shape, so a path read back from the build state
can never point outside the output folder. `Writer` writes each output atomically, records its
hash, and refuses a second write of the same path in one build.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound
from pipeline.formats import FORMATS
from pipeline.languages import LANGUAGES
from pipeline.runtime import atomic
from pipeline.runtime.hashing import digest
from pipeline.sources.articles import SLUG_RE

_NAME = r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*"  # relative; "." and ".." parts are refused in parse()
_FIELDS = {"lang": "(?P<lang>" + "|".join(LANGUAGES) + ")", "slug": f"(?P<slug>{SLUG_RE.pattern[1:-1]})",
           "name": f"(?P<name>{_NAME})"}


def _pattern(path: str, name: str | None = None) -> re.Pattern[str]:
    fields = {**_FIELDS, "name": f"(?P<name>{name})"} if name else _FIELDS
    return re.compile("^" + re.escape(path).replace(r"\{", "{").replace(r"\}", "}").format(**fields) + "$")


# Fixed names (index.html) before patterns that could also match them (the slug "index" is reserved).
_PATTERNS = [(name, _pattern(f.path, f.name_pattern))
             for name, f in sorted(FORMATS.items(), key=lambda i: i[1].made_from == "edition")]


@dataclass(frozen=True, order=True)
class Output:
    """One file of the published folder."""

    format: str
    lang: str = ""
    slug: str = ""
    name: str = ""

    @property
    def rel(self) -> str:
        return FORMATS[self.format].path.format(lang=self.lang, slug=self.slug, name=self.name)

    def href_from(self, page: Output) -> str:
        """The relative link from the page `page` to this output."""
        return posixpath.relpath(self.rel, posixpath.dirname(page.rel) or ".")

    @classmethod
    def parse(cls, rel: str) -> Output | None:
        """The output a relative path names, or None when no format writes such a path."""
        for name, pattern in _PATTERNS:
            match = pattern.match(rel)
            if match and not any(part in (".", "..") for part in (match.groupdict().get("name") or "").split("/")):
                return cls(name, **match.groupdict())
        return None


@dataclass
class Writer:
    """Writes outputs into one folder: atomically, hashed, each path once."""

    out: Path
    written: list[str] = field(default_factory=list)  # files whose bytes changed
    unchanged: list[str] = field(default_factory=list)  # files that already held these bytes
    records: dict[str, str] = field(default_factory=dict)  # rel -> sha256 of what is there now

    def write(self, output: Output, data: bytes) -> str:
        rel = output.rel
        if rel in self.records:
            raise ProblemsFound([Problem(rel, None, None, "two outputs of this build would be written to this "
                                                          "path; this is a bug in the pipeline: report it")])
        changed = atomic.write_bytes(self.out / rel, data, durable=False, shown=f"{self.out.name}/{rel}")
        (self.written if changed else self.unchanged).append(rel)
        self.records[rel] = digest(data)
        return self.records[rel]

    def keep(self, output: Output, sha: str) -> None:
        """An output left as it is, already on disk with this hash."""
        self.records[output.rel] = sha
        self.unchanged.append(output.rel)

    def remove(self, output: Output) -> bool:
        """Delete an output this pipeline wrote (never a link or anything else), and the folders its path
        made that it leaves empty (a tag's folder; never one that still holds something)."""
        path = self.out / output.rel
        if path.is_symlink() or not path.is_file():
            return False
        path.unlink()
        for depth in range(1, output.rel.count("/")):  # deepest first; the language's own folder stays
            folder = self.out / output.rel.rsplit("/", depth)[0]
            if folder.is_symlink() or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
        return True


def intact(out: Path, rel: str, sha: str | None) -> bool:
    """The output is on disk, a regular file, with exactly the recorded bytes."""
    path = out / rel
    if sha is None or path.is_symlink() or not path.is_file():
        return False
    try:
        return digest(path.read_bytes()) == sha
    except OSError:
        return False
