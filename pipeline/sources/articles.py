"""Load and validate articles.

In: the Markdown files in `articles/` (UTF-8 with or without BOM, LF or CRLF), each with YAML
front-matter as the README shows it.
Out: frozen `Article`s for the good files and a list of `Problem`s for the bad ones, every problem
in every file at once, each naming the file, the line and the field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.config import Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.sources.files import read_bytes
from pipeline.sources.textfile import decode_text
from pipeline.text.characters import describe, hidden_characters, invisible_re

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(rf"^{SLUG_PATTERN}\Z")  # \Z: "$" would also match before a final newline
RESERVED_SLUGS = frozenset({"index", "tags"})  # names of the build's own pages and of the tags' catalog
DATE_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z")
FIELDS = ("headline", "date", "dateline", "byline", "editorial_note", "slug", "summary", "tags", "languages",
          "embargo", "corrections", "status", "withdrawal_note")
CORRECTION_FIELDS = ("date", "note")
STATUSES = ("published", "withdrawn")
BYLINE_FIELDS = ("author", "location")
MAX_ARTICLE_BYTES = 2_000_000
NO_ARTICLES = Problem("articles", None, None, "no articles/ folder here; is --root the publication root?")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when the wheel has it: ~10x faster


@dataclass(frozen=True)
class Article:
    """One English article as the editor wrote it."""

    slug: str
    path: str  # as shown to people: relative to the publication root
    headline: str
    date: dt.date
    dateline: str
    author: str
    location: str
    body: str  # Markdown
    body_line: int  # file line number of the body's first line
    editorial_note: str = ""  # Markdown
    note_line: int | None = None  # file line where the editorial note's text starts
    summary: str = ""
    tags: tuple[str, ...] = ()
    tags_line: int | None = None  # file line of the tags: field (where a problem with a tag is shown)
    languages: tuple[str, ...] = ("en",)
    embargo: dt.datetime | None = None  # not public before this instant (timezone-aware)
    corrections: tuple[Correction, ...] = ()  # oldest first
    withdrawn: bool = False
    withdrawal_note: str = ""  # why it was withdrawn: shown in place of the story

    @property
    def version(self) -> int:
        """1, and one more for each correction and for a withdrawal: what partners compare."""
        return 1 + len(self.corrections) + self.withdrawn

    @property
    def modified(self) -> dt.date:
        """The day of the last correction, or the story's date."""
        return max([self.date, *(c.date for c in self.corrections)])


@dataclass(frozen=True)
class Correction:
    """A correction printed at the foot of every edition."""

    date: dt.date
    note: str


def decode(data: bytes, where: str) -> tuple[str | None, Problem | None]:
    """UTF-8 (with or without BOM) to text with LF line ends, or a problem saying what it looks like."""
    try:
        return decode_text(data, where), None
    except ProblemsFound as found:
        return None, found.problems[0]


def split_front_matter(text: str, where: str) -> tuple[str | None, str, int, Problem | None]:
    """(front-matter YAML, body, body's first line number, problem)."""
    if not text.strip():
        return None, "", 1, Problem(where, 1, None, "file is empty; write front-matter and a body")
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return None, "", 1, Problem(where, 1, None,
                                    'expected "---" on the first line to open the front-matter')
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):  # at the start of the line: an indented one is YAML text
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2, None
    return None, "", 1, Problem(where, 1, None,
                                'front-matter is never closed: add a line "---" after the last field')


def load_article(path: Path, config: Config, data: bytes | None = None) -> tuple[Article | None, list[Problem]]:
    """One file (or its bytes, already read) to an Article, or None and every problem found in it."""
    where = config.display(path)
    if data is None:
        try:
            data = read_article_bytes(path, config)
        except ProblemsFound as found:
            return None, found.problems
    text, problem = decode(data, where)
    if text is None:
        return None, [problem] if problem else []
    hidden = hidden_characters(text, where)
    if hidden:
        return None, hidden
    front, body, body_line, problem = split_front_matter(text, where)
    if front is None:
        return None, [problem] if problem else []
    try:
        root = yaml.compose(front, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        what = getattr(err, "problem", None) or "invalid YAML"
        return None, [Problem(where, line, None,
                              f"front-matter is not valid YAML ({what}); check quotes and indentation")]
    reader = _FieldReader(where)
    fields = reader.mapping(root, 1, FIELDS, "front-matter")
    if fields is None:
        return None, reader.problems
    article = _article(reader, fields, path.stem, body, body_line, config)
    return (None, reader.problems) if article is None else (article, [])


def _article(reader: _FieldReader, fields: Fields, stem: str, body: str, body_line: int,
             config: Config) -> Article | None:
    """The Article the front-matter fields describe, or None (the problems are in `reader`)."""
    headline = reader.text(fields, "headline", required=True, one_line=True)
    date = reader.date(fields, "date")
    dateline = reader.text(fields, "dateline", required=True, one_line=True)
    author, location = reader.byline(fields)
    note = reader.text(fields, "editorial_note", required=False)
    note_line = None
    if "editorial_note" in fields:
        node, key_line = fields["editorial_note"]
        note_line = key_line + 1 if getattr(node, "style", None) in ("|", ">") else key_line
    summary = reader.text(fields, "summary", required=False)
    tags = reader.words(fields, "tags")
    langs = reader.languages(fields)
    slug = reader.slug(fields, stem)
    lifecycle = reader.lifecycle(fields)
    if not body.strip():
        reader.add(body_line, "body", "the article has no body; write it after the closing ---")
    if reader.problems or date is None:
        return None
    return Article(
        slug=slug, path=reader.where, headline=headline, date=date, dateline=dateline, author=author,
        location=location, body=body, body_line=body_line, editorial_note=note, note_line=note_line, summary=summary,
        tags=tuple(tags), tags_line=fields["tags"][1] if "tags" in fields else None,
        languages=tuple(langs) if langs else config.languages, **lifecycle,
    )


def read_article_bytes(path: Path, config: Config) -> bytes:
    """An article file's bytes: a regular file inside the root, at most MAX_ARTICLE_BYTES."""
    try:
        return read_bytes(path, config.root, config.display(path), MAX_ARTICLE_BYTES)
    except ProblemsFound as found:
        if "limit" in found.problems[0].message:
            raise ProblemsFound([Problem(config.display(path), None, None,
                                         f"file is too big; articles are limited to {MAX_ARTICLE_BYTES:,} bytes: "
                                         "split it into several articles")]) from None
        raise


def article_files(config: Config) -> list[Path]:
    """The article files, in name order (whatever they are: reading refuses what is not a file)."""
    return [config.articles_dir / name for name in article_names(config)]


def article_names(config: Config) -> list[str]:
    """The names of the article files (`*.md`, as glob finds them: not hidden ones), sorted; no Path made."""
    try:
        with os.scandir(config.articles_dir) as found:
            return sorted(e.name for e in found if e.name.endswith(".md") and not e.name.startswith("."))
    except OSError:  # no articles folder (or not a folder): none, as glob finds none
        return []


def load_articles(config: Config) -> tuple[list[Article], list[Problem]]:
    """Every article under `articles/`, newest first, and every problem of every file."""
    articles: list[Article] = []
    problems: list[Problem] = []
    if not config.articles_dir.is_dir():
        return [], [NO_ARTICLES]
    for path in article_files(config):
        article, found = load_article(path, config)
        problems.extend(found)
        if article is not None:
            articles.append(article)
    problems.extend(duplicate_slugs([(a.slug, a.path) for a in articles]))
    taken = {p.file for p in problems if p.field == "slug"}
    articles = [a for a in articles if a.path not in taken]
    articles.sort(key=lambda a: (a.date, a.slug), reverse=True)
    return articles, problems


def duplicate_slugs(slugs: list[tuple[str, str]]) -> list[Problem]:
    """(slug, file) pairs -> a problem for every file whose slug another file uses too."""
    by_slug: dict[str, list[str]] = {}
    for slug, where in slugs:
        by_slug.setdefault(slug, []).append(where)
    problems = []
    for slug, files in by_slug.items():
        for where in files if len(files) > 1 else ():
            others = ", ".join(f for f in files if f != where)
            problems.append(Problem(where, None, "slug",
                                    f'"{slug}" is already used by {others}; give one of them another slug'))
    return problems


Fields = dict[str, tuple[yaml.Node, int]]


class _FieldReader:
    """Reads typed values out of composed YAML nodes, recording problems with line numbers."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[Problem] = []

    def add(self, line: int | None, field: str, message: str) -> None:
        self.problems.append(Problem(self.where, line, field, message))

    def mapping(self, node: yaml.Node | None, line: int, allowed: tuple[str, ...],
                name: str) -> dict[str, tuple[yaml.Node, int]] | None:
        if node is None or not isinstance(node, yaml.MappingNode):
            self.add(line, name if name != "front-matter" else None,  # type: ignore[arg-type]
                     f"{name} must be key: value lines")
            return None
        prefix = "" if name == "front-matter" else f"{name}."
        out: dict[str, tuple[yaml.Node, int]] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 2  # +1 for 1-based, +1 for the opening ---
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                did = f'did you mean "{hint[0]}"? ' if hint else ""
                self.add(key_line, prefix + key, f"unknown field; {did}allowed: {', '.join(allowed)}")
            elif key in out:
                self.add(key_line, prefix + key, "given twice; keep one")
            else:
                out[key] = (value_node, key_line)
        return out

    def text(self, fields: dict[str, tuple[yaml.Node, int]], key: str, *, required: bool,
             one_line: bool = False, prefix: str = "") -> str:
        if key not in fields:
            if required:
                self.add(None if prefix else 2, prefix + key, f"required; add {key}: to the front-matter")
            return ""
        node, line = fields[key]
        if not isinstance(node, yaml.ScalarNode):
            self.add(line, prefix + key, "expected text, found a list or mapping")
            return ""
        value = str(node.value).strip()
        if node.tag.endswith(":null") and node.style is None and value in ("", "~", "null", "Null", "NULL"):
            value = ""
        if not value:
            if required:
                self.add(line, prefix + key, "is empty; write it after the colon")
            return ""
        if one_line and "\n" in value:
            self.add(line, prefix + key, "must be one line")
        hidden = invisible_re.search(value.replace("\n", " ").replace("\t", " "))
        if hidden:  # written as a YAML escape ("\u202E"): the raw-text check cannot see it
            self.add(line, prefix + key, f"holds the invisible character {describe(hidden.group())} (written as an "
                     "escape); delete it")
            return ""
        return value

    def date(self, fields: dict[str, tuple[yaml.Node, int]], key: str) -> dt.date | None:
        if key not in fields:
            self.add(2, key, "required; add date: YYYY-MM-DD")
            return None
        node, line = fields[key]
        value = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        match = DATE_RE.match(value)
        if not match:
            self.add(line, key, f'"{value}" is not a date; write it as YYYY-MM-DD, e.g. 2026-04-14')
            return None
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError as err:
            self.add(line, key, f'"{value}" is not a real calendar date ({err})')
            return None

    def lifecycle(self, fields: Fields) -> dict[str, object]:
        """embargo, corrections, and whether (and why) the story was withdrawn."""
        status = self.text(fields, "status", required=False, one_line=True) or "published"
        if status not in STATUSES:
            self.add(fields["status"][1], "status", f'"{status}" is not a status; use {" or ".join(STATUSES)}')
        note = self.text(fields, "withdrawal_note", required=False)
        if status == "withdrawn" and not note:
            self.add(fields["status"][1], "withdrawal_note", "a withdrawn story needs withdrawal_note: saying why "
                     "(readers and partners see it in place of the story)")
        return {"embargo": self.moment(fields, "embargo"), "corrections": self.corrections(fields),
                "withdrawn": status == "withdrawn", "withdrawal_note": note}

    def moment(self, fields: Fields, key: str) -> dt.datetime | None:
        if key not in fields:
            return None
        node, line = fields[key]
        value = str(node.value).strip() if isinstance(node, yaml.ScalarNode) else ""
        try:
            moment = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None or not 1970 <= moment.year <= 9998:
            self.add(line, key, f'"{value}" is not a moment with its time zone; write it as '
                     "2026-12-03T06:00:00+05:00")
            return None
        return moment

    def corrections(self, fields: Fields) -> tuple[Correction, ...]:
        if "corrections" not in fields:
            return ()
        node, line = fields["corrections"]
        if not isinstance(node, yaml.SequenceNode):
            self.add(line, "corrections", "expected a list of - date: YYYY-MM-DD / note: ... entries")
            return ()
        found = []
        for item in node.value:
            item_line = item.start_mark.line + 2
            entry = self.mapping(item, item_line, CORRECTION_FIELDS, "corrections")
            if entry is None:
                continue
            note = self.text(entry, "note", required=True, prefix="corrections.")
            date = self.date(entry, "date") if "date" in entry else None
            if "date" not in entry:
                self.add(item_line, "corrections.date", "required; add date: YYYY-MM-DD to each correction")
            if note and date:
                found.append(Correction(date, note))
        return tuple(sorted(found, key=lambda c: c.date))

    def byline(self, fields: Fields) -> tuple[str, str]:
        if "byline" not in fields:
            self.add(2, "byline", "required; add byline: with author: (and optional location:)")
            return "", ""
        node, line = fields["byline"]
        byline = self.mapping(node, line, BYLINE_FIELDS, "byline")
        if byline is None:
            return "", ""
        return (self.text(byline, "author", required=True, one_line=True, prefix="byline."),
                self.text(byline, "location", required=False, one_line=True, prefix="byline."))

    def languages(self, fields: Fields) -> list[str]:
        langs = self.words(fields, "languages")
        for lang in langs:
            if lang not in LANGUAGES:
                self.add(fields["languages"][1], "languages",
                         f'unknown language "{lang}"; use codes from {sorted(LANGUAGES)}')
        if langs and SOURCE_LANGUAGE not in langs:
            self.add(fields["languages"][1], "languages", "must include en, the source language")
        return langs

    def slug(self, fields: Fields, stem: str) -> str:
        slug = self.text(fields, "slug", required=False, one_line=True) or stem
        if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
            line = fields["slug"][1] if "slug" in fields else 1
            why = "is a name the pipeline keeps for its own pages and files" if slug in RESERVED_SLUGS else \
                "is not a valid slug: use lowercase a-z, 0-9 and single hyphens"
            self.add(line, "slug", f'"{slug}" {why} (rename the file or set slug:)')
        return slug

    def words(self, fields: dict[str, tuple[yaml.Node, int]], key: str) -> list[str]:
        if key not in fields:
            return []
        node, line = fields[key]
        if isinstance(node, yaml.ScalarNode) and node.value.strip():
            items = [node.value]  # a single word is a one-item list
        elif isinstance(node, yaml.SequenceNode) and all(isinstance(i, yaml.ScalarNode) for i in node.value):
            items = [i.value for i in node.value]
        else:
            self.add(line, key, "expected a list such as [energy, economy]")
            return []
        words = [str(i).strip() for i in items if str(i).strip()]
        hidden = next((m for w in words if (m := invisible_re.search(w))), None)
        if hidden:
            self.add(line, key, f"holds the invisible character {describe(hidden.group())} (written as an escape); "
                     "delete it")
            return []
        return list(dict.fromkeys(words))
