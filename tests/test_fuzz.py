"""Property tests: no input produces a traceback, unsafe HTML, or a file outside the output folder."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.build.run import build
from pipeline.config import Config, load_config
from pipeline.editions.edition import build_edition
from pipeline.errors import ProblemsFound
from pipeline.sources.articles import load_article
from pipeline.sources.importer import decode_story, parse_story
from pipeline.text.markdown import link_problem
from tests.conftest import article_text

MARKDOWN_ALPHABET = st.sampled_from([*"abc xyz 019\n\n#*_`[]()<>!:/\\|-^=~\"'&;.",
                                     "javascript:", "data:", "<script>", "](", "[^1]", "http://", "ک", "é",
                                     "\u202e", "\x00", "```", "| a |", "---", "<!--"])
TEXT = st.lists(MARKDOWN_ALPHABET, max_size=80).map("".join)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

_root = Path(tempfile.mkdtemp(prefix="fuzz-site-"))
(_root / "articles").mkdir()
CONFIG: Config = load_config(_root)


@SETTINGS
@given(front=st.text(max_size=300), body=TEXT)
def test_any_front_matter_gives_an_article_or_problems(front, body):
    path = _root / "articles" / "fuzz.md"
    data = f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass")
    try:
        article, problems = load_article(path, CONFIG, data)
    except UnicodeEncodeError:
        return
    assert (article is None) == bool(problems)
    for problem in problems:
        assert problem.file == "articles/fuzz.md" and problem.message


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_bytes_give_an_article_or_problems(raw):
    article, problems = load_article(_root / "articles" / "fuzz.md", CONFIG, raw)
    assert (article is None) == bool(problems)


@SETTINGS
@given(body=TEXT, headline=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\n" not in s))
def test_any_markdown_renders_safe_html(body, headline):
    text = article_text(body=body or "x").replace("headline: Early Mango Harvest in Multan",
                                                  "headline: " + '"' + headline.replace("\\", "\\\\")
                                                  .replace('"', '\\"') + '"')
    article, problems = load_article(_root / "articles" / "fuzz.md", CONFIG, text.encode("utf-8", "replace"))
    if article is None:
        assert problems
        return
    result = build_edition(article, "en", CONFIG)
    html = str(result.page.body_html) + str(result.page.note_html)
    assert "<script" not in html.lower()
    assert not re.search(r"<(?!/?(p|a|em|strong|code|pre|h[1-6]|ul|ol|li|blockquote|table|thead|tbody|tr|th|td|"
                         r"hr|br|img|sup|span|section)\b)", html)
    for href in re.findall(r'href="([^"]*)"', html):
        if not href.startswith("#"):
            assert link_problem(href) is None, href
    assert "\u202e" not in html + str(result.page.headline_html)  # refused when the article is loaded


@SETTINGS
@given(text=st.text(max_size=500))
def test_importer_never_crashes(text):
    try:
        parse_story(text, "story.txt")
    except ProblemsFound as found:
        assert all(p.file == "story.txt" for p in found.problems)


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_importer_decoding_never_crashes(raw):
    try:
        decode_story(raw, "story.txt")
    except ProblemsFound as found:
        assert found.problems


PO_LINES = st.sampled_from(['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', "",
                            'msgid "Early Mango Harvest in Multan"', 'msgstr "ملتان"', 'msgctxt "headline"',
                            "#, fuzzy", '#| msgid "x"', '#~ msgid "old"', 'msgstr[0] "x"', 'msgid_plural "p"',
                            '"unterminated', "garbage line", 'msgid "\\"', "#. segment 1234abcd (body)"])


@SETTINGS
@given(lines=st.lists(PO_LINES, max_size=25), approvals=st.text(max_size=200))
def test_any_catalog_and_approvals_give_states_or_problems(tmp_path_factory, lines, approvals):
    from pipeline.translation.catalogs import read_catalog_files, segment_states
    from pipeline.translation.gate import translator_for

    root = tmp_path_factory.mktemp("po")
    (root / "articles").mkdir()
    (root / "translations" / "ur").mkdir(parents=True)
    (root / "articles" / "mango.md").write_text(article_text())
    (root / "translations" / "ur" / "mango.po").write_text("\n".join(lines))
    (root / "translations" / "ur" / "mango.approvals").write_text(approvals)
    config = load_config(root)
    article, _ = load_article(root / "articles" / "mango.md", config)
    states, _problems = segment_states(article, read_catalog_files(config, "ur", article.slug))
    assert len(states) == 8
    approved, hold, _ = translator_for(article, read_catalog_files(config, "ur", article.slug))
    assert (approved is None) == (hold is not None)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slug=st.text(max_size=30), name=st.text(min_size=1, max_size=20), body=TEXT)
def test_no_build_writes_outside_its_output_folder(tmp_path_factory, slug, name, body):
    base = tmp_path_factory.mktemp("escape")
    root = base / "site"
    (root / "articles").mkdir(parents=True)
    safe_name = re.sub(r"[/\x00]", "_", name)
    text = article_text(body=body or "x").replace("tags:", "slug: " + '"' + slug.replace("\\", "\\\\")
                                                  .replace('"', '\\"') + '"\ntags:')
    try:
        (root / "articles" / f"{safe_name}.md").write_text(text, encoding="utf-8", errors="replace")
    except OSError:
        return
    (root / "publication.yaml").write_text("languages: [en]\n")
    before = {p for p in base.rglob("*")}
    build(load_config(root), formats=("html",), jobs=1)
    after = {p for p in base.rglob("*")} - before
    out, state = (root / "dist").resolve(), (root / ".pipeline").resolve()
    assert all(p.resolve().is_relative_to(out) or p.resolve().is_relative_to(state) for p in after), after
    shutil.rmtree(base)
