"""The one output-path model, and the one writer every output passes through.

In: an `Output` (a format from the formats table, with its language, slug or file name) and bytes.
Out: `Output.rel`, the only place an output path is formed (from the table's pattern), and
`Output.parse`, which accepts only paths of that shape, so a path read back from the build state
can never point outside the output folder. `Writer` writes each output atomically, records its
hash, and refuses a second write of the same path in one build.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound
from pipeline.formats import FORMATS
from pipeline.languages import LANGUAGES
from pipeline.runtime import atomic
from pipeline.runtime.hashing import digest
from pipeline.runtime.stamps import stamp
from pipeline.sources.articles import RESERVED_SLUGS, SLUG_PATTERN

_NAME = r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*"  # relative; "." and ".." parts are refused in parse()
_FIELDS = {"lang": "|".join(LANGUAGES), "slug": SLUG_PATTERN, "name": _NAME}  # what each field of a path matches


def _regex(path: str, name: str | None = None, tag: str = "", before_slug: str = "") -> str:
    """A format's path as a regular expression, its fields as groups named `tag` + field (`name`: the
    format's own pattern for its name; `before_slug`: a condition put before the slug)."""
    patterns = {**_FIELDS, "name": name} if name else _FIELDS
    fields = {field: f"(?P<{tag}{field}>{pattern})" for field, pattern in patterns.items()}
    fields["slug"] = before_slug + fields["slug"]
    return re.escape(path).replace(r"\{", "{").replace(r"\}", "}").format(**fields)


def _pattern(path: str, name: str | None = None) -> re.Pattern[str]:
    return re.compile("^" + _regex(path, name) + r"\Z")  # not "$": it allows a final newline


# Fixed names (index.html) before patterns that could also match them (the slug "index" is reserved).
_PATTERNS = [(name, _pattern(f.path, f.name_pattern))
             for name, f in sorted(FORMATS.items(), key=lambda i: i[1].made_from == "edition")]
_EDITIONS = [(name, pattern) for name, pattern in _PATTERNS if FORMATS[name].made_from == "edition"]
_LITERALS = {name: [part for part in re.split(r"\{[a-z]+\}", f.path) if part] for name, f in FORMATS.items()}
_NOT_RESERVED = "(?!(?:" + "|".join(sorted(RESERVED_SLUGS)) + ")(?![a-z0-9-]))"


def _one_pattern() -> tuple[re.Pattern[str], list[tuple[str, list[str]]]]:
    """Every format's path in one expression, in the order `_slow_parse` tries them (each alternative a group
    named f<number>, its fields f<number>_<field>), and per alternative its format and fields."""
    order = [*(name for name, _ in _EDITIONS), *(name for name, _ in _PATTERNS)]
    alternatives, formats = [], []
    for number, name in enumerate(order):
        tag, fmt = f"f{number}_", FORMATS[name]
        first_try = number < len(_EDITIONS)  # the first try of an edition's path: never for a reserved slug
        body = _regex(fmt.path, fmt.name_pattern, tag, _NOT_RESERVED if first_try else "")
        alternatives.append(f"(?P<f{number}>{body})")
        formats.append((name, [field for field in _FIELDS if "{" + field + "}" in fmt.path]))
    return re.compile("^(?:" + "|".join(alternatives) + r")\Z"), formats


_ANY, _ALTERNATIVES = _one_pattern()
_EDITION_ENDS = frozenset(FORMATS[name].path.removeprefix("{lang}/{slug}") for name, _ in _EDITIONS)
assert all(FORMATS[name].path == "{lang}/{slug}" + FORMATS[name].path.removeprefix("{lang}/{slug}")
           and "{" not in FORMATS[name].path.removeprefix("{lang}/{slug}") for name, _ in _EDITIONS)


def names_edition(rel: str, slug: str) -> bool:
    """Whether `rel` is the path of one of the editions of `slug` (a valid slug): the quick exact test for
    the most common path of the build state; any other path is for `Output.parse`."""
    lang, _, rest = rel.partition("/")
    return lang in LANGUAGES and rest.startswith(slug) and rest[len(slug):] in _EDITION_ENDS \
        and slug not in RESERVED_SLUGS


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
        return _parse(rel)


@functools.lru_cache(maxsize=1 << 18)  # an archive's paths are parsed several times a build: once is enough
def _parse(rel: str) -> Output | None:
    """One match against every format's path at once; a name with a "." or ".." part (never ours) is
    given to the format-by-format search, which refuses it."""
    match = _ANY.match(rel)
    if match is None or match.lastgroup is None:
        return None
    number = match.lastgroup[1:]
    name, fields = _ALTERNATIVES[int(number)]
    found = {field: match[f"f{number}_{field}"] for field in fields}
    if any(part in (".", "..") for part in found.get("name", "").split("/")):
        return _slow_parse(rel)
    return Output(name, **found)


def _slow_parse(rel: str) -> Output | None:
    for name, pattern in _EDITIONS:  # most paths of an archive: tried first, but never for a reserved slug
        match = pattern.match(rel)
        if match and match["slug"] not in RESERVED_SLUGS:
            return Output(name, **match.groupdict())
    for name, pattern in _PATTERNS:
        if not all(part in rel for part in _LITERALS[name]):
            continue  # a path without every literal part of the format's path cannot be one of its files
        match = pattern.match(rel)
        if match and not any(part in (".", "..") for part in (match.groupdict().get("name") or "").split("/")):
            return Output(name, **match.groupdict())
    return None


@dataclass
class Writer:
    """Writes outputs into one folder: atomically, hashed, each path once."""

    out: Path
    since: int = 0  # the build's start (wall clock, ns): stamps of files changed before it vouch for them
    written: list[str] = field(default_factory=list)  # files whose bytes changed
    unchanged: list[str] = field(default_factory=list)  # files that already held these bytes
    records: dict[str, str] = field(default_factory=dict)  # rel -> sha256 of what is there now
    checked: set[str] = field(default_factory=set)  # folders (relative) found to be no link

    def write(self, output: Output, data: bytes) -> str:
        rel = output.rel
        if rel in self.records:
            raise ProblemsFound([Problem(rel, None, None, "two outputs of this build would be written to this "
                                                          "path; this is a bug in the pipeline: report it")])
        linked = self._linked_folder(rel)
        if linked is not None:
            raise ProblemsFound([Problem(f"{self.out.name}/{linked}", None, None, "is a link: nothing is written "
                                         "through a link; remove it and publish again (the build makes the folder)")])
        changed = atomic.write_bytes(self.out / rel, data, durable=False, shown=f"{self.out.name}/{rel}")
        (self.written if changed else self.unchanged).append(rel)
        self.records[rel] = digest(data)
        return self.records[rel]

    def intact(self, rel: str, record: dict[str, str] | None) -> bool:
        return intact(self.out, rel, record, self.since)

    def _linked_folder(self, rel: str) -> str | None:
        """The folder of `rel`'s path inside the output folder that is a link (`dist/en -> elsewhere`), if
        any: nothing is written or deleted through it, so what a build touches stays in the output folder."""
        folder = rel.rpartition("/")[0]
        while folder and folder not in self.checked:
            if os.path.islink(self.out / folder):
                return folder
            self.checked.add(folder)
            folder = folder.rpartition("/")[0]
        return None

    def keep(self, output: Output, sha: str) -> None:
        """An output left as it is, already on disk with this hash."""
        self.keep_recorded(output.rel, sha)

    def keep_recorded(self, rel: str, sha: str) -> None:
        """Like `keep`, for a path read back from the build state (where `Output.parse` accepted it)."""
        self.records[rel] = sha
        self.unchanged.append(rel)

    def remove(self, output: Output) -> bool:
        """Delete an output this pipeline wrote (never a link or anything else), and the folders its path
        made that it leaves empty (a tag's folder; never one that still holds something)."""
        path = self.out / output.rel
        if self._linked_folder(output.rel) is not None or path.is_symlink() or not path.is_file():
            return False
        path.unlink()
        for depth in range(1, output.rel.count("/")):  # deepest first; the language's own folder stays
            folder = self.out / output.rel.rsplit("/", depth)[0]
            if folder.is_symlink() or not folder.is_dir() or any(folder.iterdir()):
                break
            folder.rmdir()
        return True


def intact(out: Path, rel: str, record: dict[str, str] | None, since: int = 0) -> bool:
    """The output is on disk, a regular file, with exactly the recorded bytes. A stamp recorded beside the
    hash (`pipeline.runtime.stamps`) that the file still shows stands for reading it; a file read and found
    intact gets its stamp recorded (when it can vouch: `since` is the build's start)."""
    sha = record.get("sha") if record else None
    if record is None or sha is None:
        return False
    now = stamp(f"{out}/{rel}", since)  # a string: no Path made for the common case
    if now is not None and record.get("stamp") == now:
        return True
    path = out / rel
    if path.is_symlink() or not path.is_file():
        return False
    try:
        same = hash_file(path) == sha
    except OSError:
        return False
    if same and now is not None:
        record["stamp"] = now
    else:
        record.pop("stamp", None)
    return same


def hash_file(path: Path) -> str:
    """Read an output back and hash it (what a stamp saves)."""
    return digest(path.read_bytes())


def keep_or_write(writer: Writer, output: Output, source: str, make: Callable[[], bytes],
                  old: dict[str, dict[str, str]]) -> dict[str, str]:
    """The record of an output: the old one when it was made from the same source and is intact on disk
    (then `make` is never called), else a new one for what `make` gives, written."""
    previous = old.get(output.rel)
    if previous and previous.get("source") == source and writer.intact(output.rel, previous):
        writer.keep(output, previous["sha"])
        return previous
    return {"sha": writer.write(output, make()), "source": source}
