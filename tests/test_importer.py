"""Tests for pipeline.sources.importer: house-format stories in, article Markdown files out."""

from __future__ import annotations

import datetime
import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from pipeline.errors import Problem, ProblemsFound
from pipeline.sources.importer import (
    Story,
    decode_story,
    escape_markdown,
    import_stories,
    parse_story,
    slug_for,
    story_to_markdown,
)

FIXTURES = Path(__file__).parent / "fixtures" / "stories"
GOOD = ["lahore_water.txt", "karachi_port.txt", "quetta_schools.txt"]
HEADER = "(Publish from Houston Texas USA)\n(By: Jane Doe: Washington DC: December 31, 2025)\n"


def fixture_story(name: str) -> Story:
    return parse_story(
        decode_story((FIXTURES / name).read_bytes(), f"stories/{name}"),
        f"stories/{name}",
    )


def problems_of(text: str, source: str = "stories/x.txt") -> list[Problem]:
    with pytest.raises(ProblemsFound) as caught:
        parse_story(text, source)
    return caught.value.problems


def make_story(**changes: object) -> Story:
    fields: dict[str, object] = {
        "headline": "Headline",
        "dateline": "Houston Texas USA",
        "author": "Jane Doe",
        "location": "Washington DC",
        "date": datetime.date(2025, 12, 31),
        "body": ["Body paragraph one."],
        "editorial_note": [],
    }
    fields.update(changes)
    return Story(**fields)  # type: ignore[arg-type]


def split_article(text: str) -> tuple[dict, str]:
    assert text.startswith("---\n")
    front, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(front), body


# --------------------------------------------------------------------------- parsing fixtures


def test_parse_lahore_fixture_keeps_typography() -> None:
    story = fixture_story("lahore_water.txt")
    assert story.headline == "Lahore’s old city gets round-the-clock water — for now"
    assert story.dateline == "Houston Texas USA"
    assert story.author == "Ayesha Rauf"
    assert story.location == "Lahore"
    assert story.date == datetime.date(2026, 3, 4)
    assert len(story.body) == 5
    assert story.body[0].startswith(
        "Residents of three neighbourhoods inside the Walled City"
    )
    assert story.body[1].startswith("“We used to fill buckets at two in the morning,”")
    assert story.body[3].startswith("Hélène Moreau, a hydraulic engineer")
    assert story.body[-1].endswith("subject to funding in the next provincial budget.")
    assert story.editorial_note == []


def test_parse_karachi_fixture_with_two_paragraph_editorial_note() -> None:
    story = fixture_story("karachi_port.txt")
    assert (
        story.headline == 'Karachi port clears backlog: "Ships no longer wait a week"'
    )
    assert (story.author, story.location, story.date) == (
        "Imran Shaikh",
        "Karachi",
        datetime.date(2026, 1, 15),
    )
    assert len(story.body) == 4  # single newlines separate paragraphs
    assert story.body[3] == (
        "A spokesperson for the port authority said a new appointment system "
        "for trucks would be trialled from February 1."
    )
    assert len(story.editorial_note) == 2
    assert story.editorial_note[0].startswith("This report is based on interviews")
    assert story.editorial_note[1].startswith("An earlier version of this story")


def test_parse_quetta_fixture_tolerates_blank_lines_spaces_and_abbreviated_month() -> (
    None
):
    story = fixture_story("quetta_schools.txt")
    assert story.headline == "Quetta girls' schools add evening science classes"
    assert story.dateline == "Houston Texas USA"
    assert (story.author, story.location) == ("Bilal Kakar", "Quetta")
    assert story.date == datetime.date(2025, 12, 9)
    assert len(story.body) == 4
    assert story.editorial_note == []


def test_bom_crlf_and_cr_versions_parse_identically() -> None:
    raw = (FIXTURES / "quetta_schools.txt").read_bytes()
    expected = fixture_story("quetta_schools.txt")
    for data in (
        b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
        raw.replace(b"\n", b"\r"),
    ):
        text = decode_story(data, "stories/q.txt")
        assert "\r" not in text and not text.startswith("\ufeff")
        assert parse_story(text, "stories/q.txt") == expected
    # parse_story copes on its own too, when given undecoded-style text.
    assert parse_story("\ufeff" + raw.decode().replace("\n", "\r\n"), "q") == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("December 31, 2025", datetime.date(2025, 12, 31)),
        ("Dec 31 2025", datetime.date(2025, 12, 31)),
        ("dec. 31, 2025", datetime.date(2025, 12, 31)),
        ("Sept 3, 2025", datetime.date(2025, 9, 3)),
        ("February  29 ,2028", datetime.date(2028, 2, 29)),
        ("May 1st, 2026", datetime.date(2026, 5, 1)),
    ],
)
def test_date_variants(written: str, expected: datetime.date) -> None:
    text = f"(Publish from X)\n(By: A: B: {written})\nH\nBody."
    assert parse_story(text, "s").date == expected


def test_editorial_note_marker_variants() -> None:
    for marker in ("Editorial Note", "editorial note:", "  EDITORIAL  NOTE :  "):
        story = parse_story(HEADER + f"H\nBody.\n{marker}\nNote.\n", "s")
        assert story.body == ["Body."]
        assert story.editorial_note == ["Note."]


# --------------------------------------------------------------------------- error cases


def test_bad_byline_fixture_message() -> None:
    problems = problems_of(
        (FIXTURES / "broken_byline.txt").read_text(encoding="utf-8"),
        "stories/broken_byline.txt",
    )
    assert [str(p) for p in problems] == [
        'stories/broken_byline.txt:2: byline: expected "(By: NAME: PLACE: Month D, YYYY)", found "(By Jane)"'
    ]


def test_missing_body_fixture_message() -> None:
    problems = problems_of(
        (FIXTURES / "broken_no_body.txt").read_text(encoding="utf-8")
    )
    assert len(problems) == 1
    assert (problems[0].line, problems[0].field) == (4, "body")
    assert "at least one paragraph after the headline" in problems[0].message


@pytest.mark.parametrize(
    ("text", "line", "field", "fragment"),
    [
        (
            HEADER.replace("December 31", "February 30") + "H\nBody.",
            2,
            "date",
            "February 2025 has 28 days",
        ),
        (
            HEADER.replace("December 31", "February 29") + "H\nBody.",
            2,
            "date",
            "is not a real date",
        ),
        (
            HEADER.replace("December 31", "April 31") + "H\nBody.",
            2,
            "date",
            "April 2025 has 30 days",
        ),
        (
            HEADER.replace("December", "Decembr") + "H\nBody.",
            2,
            "date",
            'unknown month "Decembr"',
        ),
        (
            HEADER.replace("December 31, 2025", "31/12/2025") + "H\nBody.",
            2,
            "date",
            'found "31/12/2025"',
        ),
        (
            HEADER.replace("(By: Jane Doe:", "(By: Jane Doe") + "H\nBody.",
            2,
            "byline",
            "expected",
        ),
        (
            HEADER.replace("(Publish from Houston Texas USA)", "Houston") + "H\nBody.",
            1,
            "dateline",
            'found "Houston"',
        ),
        (
            HEADER.replace("(Publish from Houston Texas USA)", "(Publish from )")
            + "H\nB.",
            1,
            "dateline",
            "expected",
        ),
        (HEADER.split("\n", 1)[1] + "H\nBody.", 1, "dateline", "missing"),
        ("(Publish from X)\nHeadline\nBody.", 2, "byline", "missing"),
        (HEADER, 2, "headline", "file ends after the byline"),
        (HEADER + "\n\n", 2, "headline", "file ends after the byline"),
        (HEADER + "Editorial Note\nNote.", 3, "headline", "Editorial Note"),
        (HEADER + "Only a headline", 3, "body", "at least one paragraph"),
        (
            HEADER + "H\nBody.\nEditorial Note\n\n",
            5,
            "editorial_note",
            "no text after it",
        ),
        (
            HEADER + "H\nBody.\nEditorial Note\nA.\nEditorial Note\nB.",
            7,
            "editorial_note",
            "second",
        ),
        (HEADER + "H\nBody with a \x07 bell.", 4, None, "U+0007"),
        (HEADER + "H\nBody with a \u2028 separator.", 4, None, "U+2028"),
        ("\n\n(Publish from X)\n\n(By Jane)\n\nH\nBody.", 5, "byline", "(By Jane)"),
    ],
)
def test_each_error_gives_one_clear_problem(
    text: str, line: int, field: str | None, fragment: str
) -> None:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    problem = problems[0]
    assert (problem.file, problem.line, problem.field) == ("stories/x.txt", line, field)
    assert fragment in problem.message


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    problems = problems_of(text)
    assert len(problems) == 1
    assert problems[0].line is None
    assert "file is empty" in problems[0].message


def test_every_problem_in_a_file_is_reported() -> None:
    text = "(Publish from)\n(By: A: B: February 30, 2025)\nHeadline only\n"
    problems = problems_of(text)
    assert [(p.line, p.field) for p in problems] == [
        (1, "dateline"),
        (2, "date"),
        (3, "body"),
    ]


def test_long_found_text_is_shortened() -> None:
    problems = problems_of("(Publish from X)\n(" + "x" * 500 + ")\nH\nB.")
    assert len(str(problems[0])) < 200


# --------------------------------------------------------------------------- decoding


def test_decode_plain_utf8_and_bom() -> None:
    assert decode_story("a — é\r\nb\rc\n".encode(), "s") == "a — é\nb\nc\n"
    assert decode_story(b"\xef\xbb\xbfabc", "s") == "abc"
    assert decode_story(b"", "s") == ""


def test_decode_windows_1252() -> None:
    data = HEADER.encode() + "Headline\nHe said “hello”.\n".encode("cp1252")
    with pytest.raises(ProblemsFound) as caught:
        decode_story(data, "stories/w.txt")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (
        "stories/w.txt",
        4,
        "encoding",
    )
    assert "not valid UTF-8" in problem.message
    assert "Windows-1252" in problem.message
    assert "re-save the file as UTF-8" in problem.message


def test_decode_undefined_cp1252_byte_is_still_not_utf8() -> None:
    with pytest.raises(ProblemsFound) as caught:
        decode_story(b"abc\x81def", "s")
    [problem] = caught.value.problems
    assert problem.line == 1
    assert "not valid UTF-8" in problem.message
    assert "Windows-1252" not in problem.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_utf16(encoding: str) -> None:
    with pytest.raises(ProblemsFound) as caught:
        decode_story(HEADER.encode(encoding), "s")
    [problem] = caught.value.problems
    assert "UTF-16" in problem.message
    assert "re-save the file as UTF-8" in problem.message


# --------------------------------------------------------------------------- slugs


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        (
            "Lahore’s old city gets round-the-clock water — for now",
            "lahores-old-city-gets-round-the-clock-water",
        ),
        (
            'Karachi port clears backlog: "Ships no longer wait a week"',
            "karachi-port-clears-backlog-ships-no-longer-wait",
        ),
        ("Café Déjà Vu in Ürümqi", "cafe-deja-vu-in-urumqi"),
        ("  Rain,   rain -- go away!  ", "rain-rain-go-away"),
        ("2026 budget: Rs 9.5tr", "2026-budget-rs-9-5tr"),
        ("کراچی میں بارش", "story"),
        ("!!! ???", "story"),
        ("", "story"),
        ("x" * 75, "x" * 60),
    ],
)
def test_slug_examples(headline: str, slug: str) -> None:
    assert slug_for(make_story(headline=headline)) == slug


def test_slug_cut_at_word_boundary_within_60_chars() -> None:
    headline = "Extraordinarily comprehensive infrastructure rehabilitation programme announced today"
    slug = slug_for(make_story(headline=headline))
    assert (
        slug == "extraordinarily-comprehensive-infrastructure-rehabilitation"
    )  # 59 chars
    assert len(slug) <= 60
    for headline in (
        "a b c d e f g h i j k",
        "one two three four five six seven eight nine",
    ):
        slug = slug_for(make_story(headline=headline))
        assert len(slug.split("-")) == 8
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


# --------------------------------------------------------------------------- Markdown output


def test_story_to_markdown_exact_shape() -> None:
    story = make_story(
        headline="Headline line here",
        body=["Body paragraph one.", "Body paragraph two."],
        editorial_note=["para one", "para two"],
    )
    assert story_to_markdown(story) == (
        "---\n"
        'headline: "Headline line here"\n'
        "date: 2025-12-31\n"
        'dateline: "Houston Texas USA"\n'
        "byline:\n"
        '  author: "Jane Doe"\n'
        '  location: "Washington DC"\n'
        "editorial_note: |-\n"
        "  para one\n"
        "\n"
        "  para two\n"
        "---\n"
        "Body paragraph one.\n"
        "\n"
        "Body paragraph two.\n"
    )


def test_editorial_note_omitted_when_empty() -> None:
    text = story_to_markdown(make_story())
    assert "editorial_note" not in text
    front, _ = split_article(text)
    assert set(front) == {"headline", "date", "dateline", "byline"}


TRICKY_STORY = make_story(
    headline='Mayor: "No #1 priority" — it\'s [all] *urgent* & <b>now</b>\\',
    dateline="Houston: Texas # USA",
    author='O\'Brien "Bo" Née',
    location="- Lahore",
    body=["x"],
    editorial_note=[
        "# not a heading",
        "- not a list",
        "key: value",
        "---",
        "ends with colon:",
        "'quoted'",
    ],
)


@pytest.mark.parametrize("name", GOOD)
def test_front_matter_round_trip_fixtures(name: str) -> None:
    check_front_matter(fixture_story(name))


def test_front_matter_round_trip_tricky() -> None:
    check_front_matter(TRICKY_STORY)


def check_front_matter(story: Story) -> None:
    front, body = split_article(story_to_markdown(story))
    assert front["headline"] == story.headline
    assert front["date"] == story.date
    assert front["dateline"] == story.dateline
    assert front["byline"] == {"author": story.author, "location": story.location}
    if story.editorial_note:  # Markdown, escaped like the body so it reads back as the same text
        assert front["editorial_note"] == "\n\n".join(escape_markdown(p) for p in story.editorial_note)
    else:
        assert "editorial_note" not in front
    assert body.count("\n\n") == len(story.body) - 1


TRICKY_PARAGRAPHS = [
    "# Not a heading",
    "### Also not #",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "* not a list",
    "1. not a list",
    "2025) not a list either",
    "---",
    "***",
    "___",
    "===",
    "- - -",
    "-5 degrees overnight",
    "Prices rose 3.5 percent.",
    "<div>raw html</div> and <b>bold</b>",
    "<https://example.com>",
    "Use *stars* and _underscores_ and **strong**",
    "snake_case_name and 2*3*4",
    "A [link](https://example.com) and ![image](x.png)",
    "[ref]: https://example.com",
    "Code `x = 1` and ``double``",
    "Back\\slash at the end\\",
    "Entities: &amp; &copy; &#169; &#x27; AT&T & more",
    "Tilde ~~strike~~ and ~single~",
    "Table | like | this",
    "    indented stays as text",
    "Curly “quotes” — em dash, café, Lahore’s",
    "Trailing hash #",
    "Colon: value # comment",
    "= equals first",
    "10) ten",
]


def test_escape_keeps_typographic_characters() -> None:
    text = "Curly “quotes” — em dash, café, Lahore’s"
    assert escape_markdown(text) == text
    assert (
        escape_markdown("Plain sentence, with commas.")
        == "Plain sentence, with commas."
    )


@pytest.mark.parametrize("preset", ["commonmark", "default"])
def test_markdown_body_renders_as_literal_paragraphs(preset: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    paragraphs = [p.strip() for p in TRICKY_PARAGRAPHS]
    story = make_story(body=paragraphs, editorial_note=["note"])
    _, body = split_article(story_to_markdown(story))
    rendered = markdown_it.MarkdownIt(preset).render(body)
    found = re.findall(r"<p>(.*?)</p>\n", rendered, flags=re.DOTALL)
    assert (
        re.sub(r"<p>.*?</p>\n", "", rendered, flags=re.DOTALL) == ""
    )  # nothing but paragraphs
    assert all("<" not in inner for inner in found)  # no tags inside paragraphs either
    assert [html.unescape(inner) for inner in found] == paragraphs


@pytest.mark.parametrize("name", GOOD)
def test_fixture_bodies_render_unchanged(name: str) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    story = fixture_story(name)
    _, body = split_article(story_to_markdown(story))
    rendered = markdown_it.MarkdownIt("commonmark").render(body)
    found = re.findall(r"<p>(.*?)</p>\n", rendered, flags=re.DOTALL)
    assert [html.unescape(inner) for inner in found] == story.body


# --------------------------------------------------------------------------- import_stories


@pytest.fixture
def newsroom(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES, tmp_path / "stories")
    return tmp_path


def test_import_writes_every_article(newsroom: Path) -> None:
    paths = [newsroom / "stories" / name for name in GOOD]
    written = import_stories(paths, newsroom / "articles", display_root=newsroom)
    assert written == [
        newsroom / "articles" / "lahores-old-city-gets-round-the-clock-water.md",
        newsroom / "articles" / "karachi-port-clears-backlog-ships-no-longer-wait.md",
        newsroom / "articles" / "quetta-girls-schools-add-evening-science-classes.md",
    ]
    for path, name in zip(written, GOOD, strict=True):
        assert path.read_text(encoding="utf-8") == story_to_markdown(
            fixture_story(name)
        )
    assert sorted(p.name for p in (newsroom / "articles").iterdir()) == sorted(
        p.name for p in written
    )


def test_import_refuses_existing_article(newsroom: Path) -> None:
    articles = newsroom / "articles"
    articles.mkdir()
    existing = articles / "karachi-port-clears-backlog-ships-no-longer-wait.md"
    existing.write_text("keep me", encoding="utf-8")
    paths = [newsroom / "stories" / name for name in GOOD]
    with pytest.raises(ProblemsFound) as caught:
        import_stories(paths, articles, display_root=newsroom)
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.field) == (
        "stories/karachi_port.txt",
        3,
        "headline",
    )
    assert (
        "articles/karachi-port-clears-backlog-ships-no-longer-wait.md already exists"
        in problem.message
    )
    assert "remove it" in problem.message and "rename the story" in problem.message
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert [p.name for p in articles.iterdir()] == [
        existing.name
    ]  # nothing else written


def test_import_refuses_two_stories_with_one_slug(newsroom: Path) -> None:
    copy = newsroom / "stories" / "lahore_again.txt"
    copy.write_text(
        (newsroom / "stories" / "lahore_water.txt")
        .read_text(encoding="utf-8")
        .replace("— for now", "— for now!"),
        encoding="utf-8",
    )
    paths = [newsroom / "stories" / "lahore_water.txt", copy]
    with pytest.raises(ProblemsFound) as caught:
        import_stories(paths, newsroom / "articles", display_root=newsroom)
    [problem] = caught.value.problems
    assert problem.file == "stories/lahore_again.txt"
    assert "stories/lahore_water.txt" in problem.message
    assert not (newsroom / "articles").exists()


def test_import_collects_problems_from_every_file(
    newsroom: Path, tmp_path: Path
) -> None:
    stories = newsroom / "stories"
    (stories / "windows.txt").write_bytes(HEADER.encode() + "H\n“x”\n".encode("cp1252"))
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("", encoding="utf-8")
    try:
        paths = [
            stories / "lahore_water.txt",
            stories / "broken_byline.txt",
            stories / "broken_no_body.txt",
            stories / "windows.txt",
            stories / "missing.txt",
            outside,
        ]
        with pytest.raises(ProblemsFound) as caught:
            import_stories(paths, newsroom / "articles", display_root=newsroom)
    finally:
        outside.unlink()
    summary = {(p.file, p.line, p.field) for p in caught.value.problems}
    assert summary == {
        ("stories/broken_byline.txt", 2, "byline"),
        ("stories/broken_no_body.txt", 4, "body"),
        ("stories/windows.txt", 4, "encoding"),
        ("stories/missing.txt", None, None),
        (str(outside), None, None),
    }
    assert not (newsroom / "articles").exists()
    assert "5 problems found." in caught.value.report()


def test_import_nothing(tmp_path: Path) -> None:
    assert import_stories([], tmp_path / "articles", display_root=tmp_path) == []
