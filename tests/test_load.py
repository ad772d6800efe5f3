"""Front-matter validation: every problem, with file, line and field, all at once."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import load_config
from pipeline.sources.articles import load_articles
from tests.conftest import article_text


def load(root: Path):
    return load_articles(load_config(root))


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_good_article_loads_with_every_field(make_site):
    root = make_site({"articles/mango-harvest.md": article_text()})
    articles, problems = load(root)
    assert problems == []
    (a,) = articles
    assert a.slug == "mango-harvest"
    assert a.headline == "Early Mango Harvest in Multan"
    assert str(a.date) == "2026-06-02"
    assert a.dateline == "Multan, Punjab, Pakistan"
    assert (a.author, a.location) == ("Nadia Baloch", "Multan")
    assert a.editorial_note.startswith("This report")
    assert a.tags == ("agriculture",)
    assert a.languages == ("en", "ur")
    assert a.body_line == 13


def test_bom_and_crlf_are_accepted(make_site):
    data = b"\xef\xbb\xbf" + article_text().replace("\n", "\r\n").encode()
    root = make_site({"articles/crlf.md": data})
    articles, problems = load(root)
    assert problems == [] and articles[0].headline == "Early Mango Harvest in Multan"
    assert "\r" not in articles[0].body


def test_every_problem_of_every_file_is_reported(make_site):
    bad_date = article_text(date="2026-02-30")
    unknown = article_text().replace("summary:", "sumary:")
    missing = article_text().replace("dateline: Multan, Punjab, Pakistan\n", "")
    root = make_site({
        "articles/a.md": bad_date,
        "articles/b.md": unknown,
        "articles/c.md": missing,
        "articles/good.md": article_text(),
    })
    articles, problems = load(root)
    assert [a.slug for a in articles] == ["good"]
    text = messages(problems)
    assert any(m.startswith("articles/a.md:3: date:") and "not a real calendar date" in m for m in text)
    assert any(m.startswith("articles/b.md:10: sumary:") and 'did you mean "summary"' in m for m in text)
    assert any(m.startswith("articles/c.md:2: dateline: required") for m in text)


def test_wrong_types_and_yaml_errors_name_the_line(make_site):
    root = make_site({
        "articles/list.md": article_text().replace("headline: Early Mango Harvest in Multan",
                                                   "headline: [a, b]"),
        "articles/yaml.md": article_text().replace("tags: [agriculture]", "tags: [agriculture"),
        "articles/byline.md": article_text().replace("  author: Nadia Baloch\n", ""),
    })
    _, problems = load(root)
    text = messages(problems)
    assert "articles/list.md:2: headline: expected text, found a list or mapping" in text
    assert any(m.startswith("articles/yaml.md:") and "not valid YAML" in m for m in text)
    assert any(m.startswith("articles/byline.md") and "byline.author: required" in m for m in text)


def test_empty_non_utf8_and_unclosed_files(make_site):
    root = make_site({
        "articles/empty.md": "",
        "articles/latin1.md": article_text(headline="Café Owners Protest").encode("cp1252"),
        "articles/open.md": "---\nheadline: x\n",
        "articles/utf16.md": article_text().encode("utf-16"),
    })
    _, problems = load(root)
    text = messages(problems)
    assert any("empty.md:1: file is empty" in m for m in text)
    assert any("latin1.md:2: encoding: file is not valid UTF-8 (byte 0xe9); it looks like Windows-1252" in m
               for m in text)
    assert any("open.md:1: front-matter is never closed" in m for m in text)
    assert any("utf16.md: encoding: file is UTF-16" in m for m in text)


def test_duplicate_slugs_are_refused_for_both(make_site):
    root = make_site({
        "articles/one.md": article_text().replace("tags:", "slug: same\ntags:"),
        "articles/two.md": article_text().replace("tags:", "slug: same\ntags:"),
        "articles/bad name.md": article_text(),
    })
    articles, problems = load(root)
    assert articles == []
    text = messages(problems)
    assert any("already used by articles/one.md" in m for m in text)
    assert any("bad name.md:1: slug:" in m for m in text)


def test_languages_and_empty_body(make_site):
    root = make_site({
        "articles/x.md": article_text(body="").replace("tags: [agriculture]", "languages: [en, fr]"),
    })
    _, problems = load(root)
    text = messages(problems)
    assert any('languages: unknown language "fr"' in m for m in text)
    assert any("x.md:13: body: the article has no body" in m for m in text)
