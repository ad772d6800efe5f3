"""Import newsroom stories from the plain-text house format into article files.

In: story files as bytes/text in the house format::

    (Publish from PLACE)
    (By: NAME: PLACE: Month D, YYYY)
    Headline
    Body paragraph (every non-empty line is one paragraph)
    ...
    Editorial Note
    Editorial note paragraph(s)   <- this section is optional

Out: a `Story` per file (`parse_story`), its URL slug (`slug_for`), the article
file text -- YAML front-matter plus Markdown-escaped body (`story_to_markdown`) --
and, for a batch, files written atomically to ``articles/<slug>.md``
(`import_stories`). Every mistake in the input is reported as a `Problem`;
all problems of a call are raised together in one `ProblemsFound`.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.sources.files import read_bytes
from pipeline.sources.textfile import decode_text as decode_story
from pipeline.text.characters import describe, invisible_re

__all__ = [
    "Story",
    "decode_story",
    "escape_markdown",
    "import_stories",
    "parse_story",
    "slug_for",
    "story_to_markdown",
]

DATELINE_SHAPE = "(Publish from PLACE)"
BYLINE_SHAPE = "(By: NAME: PLACE: Month D, YYYY)"
SLUG_MAX_WORDS = 8
SLUG_MAX_CHARS = 60
MAX_STORY_BYTES = 2_000_000

_DATELINE_RE = re.compile(
    r"^\(\s*publish(?:ed)?\s+from\s*:?\s*(?P<place>.*?)\s*\)$", re.IGNORECASE
)
_BYLINE_RE = re.compile(r"^\(\s*by\s*:(?P<inner>.*)\)$", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(?P<year>\d{4})$",
    re.IGNORECASE,
)
_EDITORIAL_NOTE_RE = re.compile(r"^editorial\s+note\s*:?$", re.IGNORECASE)

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9


@dataclass(frozen=True)
class Story:
    """One parsed story; paragraphs are single lines with surrounding space removed."""

    headline: str
    dateline: str
    author: str
    location: str
    date: datetime.date
    body: list[str]
    editorial_note: list[str]


# --------------------------------------------------------------------------- decoding


# --------------------------------------------------------------------------- parsing


def parse_story(text: str, source: str) -> Story:
    """Parse house-format story text; `source` names the file in any `Problem` raised."""
    story, _ = _parse(text, source)
    return story


def _shown(line: str, limit: int = 80) -> str:
    line = line.strip()
    return f'"{line}"' if len(line) <= limit else f'"{line[: limit - 1]}…"'


def _squash(value: str) -> str:
    return " ".join(value.split())


def _parse_date(
    raw: str, source: str, line: int
) -> tuple[datetime.date | None, Problem | None]:
    match = _DATE_RE.match(raw)
    if match is None:
        return None, Problem(
            source,
            line,
            "date",
            f'expected a date like "December 31, 2025" (Month D, YYYY), found "{raw}"',
        )
    month = _MONTHS.get(match["month"].lower())
    if month is None:
        return None, Problem(
            source,
            line,
            "date",
            f'unknown month "{match["month"]}" in "{raw}"; '
            'expected an English month name or its 3-letter abbreviation, e.g. "December" or "Dec"',
        )
    year, day = int(match["year"]), int(match["day"])
    if not 1900 <= year <= 2999:
        return None, Problem(source, line, "date", f'"{raw}": the year {year} is not plausible for a story')
    days_in_month = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days_in_month:
        return None, Problem(
            source,
            line,
            "date",
            f'"{raw}" is not a real date: {calendar.month_name[month]} {year} has {days_in_month} days; '
            "correct the day in the byline",
        )
    return datetime.date(year, month, day), None


def _parse(text: str, source: str) -> tuple[Story, int]:
    """Parse and also return the headline's line number (for later problems)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    # (line number, stripped text) of every non-empty line.
    content = [(number, line.strip()) for number, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if not content:
        raise ProblemsFound([Problem(source, None, None, f"file is empty; expected {DATELINE_SHAPE}, "
                                                         f"{BYLINE_SHAPE}, a headline and the body")])
    problems = _invisible(content, source)
    dateline, position = _dateline(content, source, problems)
    author, location, date, position = _byline(content, position, source, problems)
    rest = content[position:]
    marker = next((i for i, (_, line) in enumerate(rest) if _EDITORIAL_NOTE_RE.match(line)), None)
    main, note = (rest, []) if marker is None else (rest[:marker], rest[marker + 1:])
    headline, headline_line, body = _headline_and_body(content, rest, main, marker, source, problems)
    if marker is not None:
        _check_note(rest[marker][0], note, source, problems)
    if problems or date is None:
        raise ProblemsFound(problems)
    story = Story(headline=headline, dateline=dateline, author=author, location=location, date=date, body=body,
                  editorial_note=[line for _, line in note])
    return story, headline_line


Lines = list[tuple[int, str]]


def _invisible(content: Lines, source: str) -> list[Problem]:
    """Characters YAML cannot carry or that hide what a line says: reported, never guessed at."""
    problems = []
    for number, line in content:
        bad = invisible_re.search(line)
        if bad:
            problems.append(Problem(source, number, None, f"invisible character {describe(bad.group())} in the "
                                    "text; delete it (a line separator must be a normal line break)"))
    return problems


def _dateline(content: Lines, source: str, problems: list[Problem]) -> tuple[str, int]:
    """The place from `(Publish from PLACE)`, and the position of the next line."""
    number, line = content[0]
    match = _DATELINE_RE.match(line)
    if match and match["place"]:
        return _squash(match["place"]), 1
    if _BYLINE_RE.match(line):
        problems.append(Problem(source, number, "dateline",
                                f"missing; expected {DATELINE_SHAPE} as the first line, before the byline"))
        return "", 0
    problems.append(Problem(source, number, "dateline", f"expected {_shown(DATELINE_SHAPE)}, found {_shown(line)}"))
    return "", 1


def _byline(content: Lines, position: int, source: str,
            problems: list[Problem]) -> tuple[str, str, datetime.date | None, int]:
    """(author, location, date, position of the next line) from `(By: NAME: PLACE: DATE)`."""
    if position >= len(content):
        problems.append(Problem(source, content[-1][0], "byline",
                                f"missing; expected {BYLINE_SHAPE} after the dateline"))
        return "", "", None, position
    number, line = content[position]
    match = _BYLINE_RE.match(line)
    parts = [_squash(part) for part in match["inner"].split(":")] if match else []
    if len(parts) == 3 and all(parts):
        date, problem = _parse_date(parts[2], source, number)
        if problem:
            problems.append(problem)
        return parts[0], parts[1], date, position + 1
    if line.startswith("("):
        problems.append(Problem(source, number, "byline", f"expected {_shown(BYLINE_SHAPE)}, found {_shown(line)}"))
        return "", "", None, position + 1
    # The byline line is missing; this line is probably the headline.
    problems.append(Problem(source, number, "byline",
                            f"missing; expected {BYLINE_SHAPE} on the line after the dateline"))
    return "", "", None, position


def _headline_and_body(content: Lines, rest: Lines, main: Lines, marker: int | None, source: str,
                       problems: list[Problem]) -> tuple[str, int, list[str]]:
    if not rest:
        problems.append(Problem(source, content[-1][0], "headline", "missing; the file ends after the byline; "
                                "expected a headline line followed by the story paragraphs"))
        return "", 0, []
    if not main:
        problems.append(Problem(source, rest[0][0], "headline", 'missing; found "Editorial Note" where the headline '
                                "should be; expected a headline line and the story paragraphs before the editorial "
                                "note"))
        return "", 0, []
    headline_line, headline = main[0][0], _squash(main[0][1])
    body = [line for _, line in main[1:]]
    if not body:
        where = rest[marker][0] if marker is not None else headline_line
        problems.append(Problem(source, where, "body", f"missing; expected at least one paragraph after the headline "
                                f"{_shown(headline)}; add the story text below the headline"))
    return headline, headline_line, body


def _check_note(marker_line: int, note: Lines, source: str, problems: list[Problem]) -> None:
    if not note:
        problems.append(Problem(source, marker_line, "editorial_note",
                                'the "Editorial Note" heading has no text after it; '
                                "add the note or delete the heading"))
    for number, line in note:
        if _EDITORIAL_NOTE_RE.match(line):
            problems.append(Problem(source, number, "editorial_note", 'second "Editorial Note" heading; keep only one'))


# --------------------------------------------------------------------------- slug


def slug_for(story: Story) -> str:
    """Lowercase ASCII slug of the headline: at most 8 words / 60 chars, never empty."""
    folded = unicodedata.normalize("NFKD", story.headline)
    # Apostrophes join their word: "Karachi’s" -> "karachis", not "karachi-s".
    folded = re.sub("['\u2019\u02bc]", "", folded)
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)[:SLUG_MAX_WORDS]
    if not words:
        return "story"
    slug = words[0][:SLUG_MAX_CHARS]
    for word in words[1:]:
        if len(slug) + 1 + len(word) > SLUG_MAX_CHARS:
            break
        slug = f"{slug}-{word}"
    return slug


# --------------------------------------------------------------------------- Markdown output

# Markdown-significant ASCII punctuation that is escaped wherever it appears.
_ALWAYS_ESCAPE = frozenset("\\`*_[]<>#~")
_ENTITY_RE = re.compile(
    r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)"
)
_ORDERED_MARKER_RE = re.compile(r"^([0-9]{1,9})([.)])")


def escape_markdown(paragraph: str) -> str:
    """Backslash-escape a one-line paragraph so CommonMark renders it as literal text."""
    escaped = "".join(
        f"\\{char}" if char in _ALWAYS_ESCAPE else char for char in paragraph
    )
    escaped = _ENTITY_RE.sub(r"\\&", escaped)
    if escaped[:1] in ("-", "+", "="):  # list item, thematic break, setext underline
        escaped = "\\" + escaped
    return _ORDERED_MARKER_RE.sub(r"\1\\\2", escaped)  # "1." / "1)" would start a list


def _yaml_string(value: str) -> str:
    return yaml.safe_dump(
        value, allow_unicode=True, default_style='"', width=10**9
    ).rstrip("\n")


def story_to_markdown(story: Story) -> str:
    """Article file text: YAML front-matter (fields of `story`) then the escaped body."""
    lines = [
        "---",
        f"headline: {_yaml_string(story.headline)}",
        f"date: {story.date.isoformat()}",
        f"dateline: {_yaml_string(story.dateline)}",
        "byline:",
        f"  author: {_yaml_string(story.author)}",
        f"  location: {_yaml_string(story.location)}",
    ]
    if story.editorial_note:
        lines.append("editorial_note: |-")
        for index, paragraph in enumerate(story.editorial_note):
            if index:
                lines.append("")
            lines.append(f"  {escape_markdown(paragraph)}")  # the note is Markdown too
    lines.append("---")
    body = "\n\n".join(escape_markdown(paragraph) for paragraph in story.body)
    return "\n".join(lines) + "\n" + body + "\n"


# --------------------------------------------------------------------------- batch import


def _display(path: Path, display_root: Path) -> str:
    try:
        return path.resolve().relative_to(display_root.resolve()).as_posix()
    except ValueError:
        return str(path)


def import_stories(paths: list[Path], articles_dir: Path, *, display_root: Path) -> list[Path]:
    """Parse every story file, then write ``articles_dir/<slug>.md`` for each; return those paths.

    Nothing is written unless every file parses and every target is free.
    """
    problems: list[Problem] = []
    parsed: list[tuple[str, Story, int]] = []
    for path in paths:
        shown = _display(path, display_root)
        try:
            # A file named on the command line may be anywhere, but it must be a regular file of sane size.
            story, headline_line = _parse(decode_story(read_bytes(path, Path("/"), shown, MAX_STORY_BYTES), shown),
                                          shown)
        except ProblemsFound as found:
            problems.extend(found.problems)
            continue
        parsed.append((shown, story, headline_line))
    planned = _targets(parsed, articles_dir, display_root, problems)
    if problems:
        raise ProblemsFound(problems)
    articles_dir.mkdir(parents=True, exist_ok=True)
    for target, story in planned:
        atomic.write_text(target, story_to_markdown(story), shown=_display(target, display_root))
    return [target for target, _ in planned]


def _targets(parsed: list[tuple[str, Story, int]], articles_dir: Path, display_root: Path,
             problems: list[Problem]) -> list[tuple[Path, Story]]:
    """Where each story goes; two stories with one name, or a name already taken, are problems."""
    planned: list[tuple[Path, Story]] = []
    claimed: dict[str, str] = {}
    for shown, story, headline_line in parsed:
        slug = slug_for(story)
        target = articles_dir / f"{slug}.md"
        target_shown = _display(target, display_root)
        if slug in claimed:
            problems.append(Problem(shown, headline_line, "headline", f"gives the same article name {target_shown} "
                                    f"as {claimed[slug]}; change one of the headlines"))
            continue
        claimed[slug] = shown
        if target.exists() or target.is_symlink():
            problems.append(Problem(shown, headline_line, "headline", f"{target_shown} already exists; remove it if "
                                    "this story replaces it, or rename the story (change its headline)"))
            continue
        planned.append((target, story))
    return planned
