"""Search without a server (issue 16 §2): each language's Pagefind index, built at publish time from what
is published and nothing else, and a search page that works under its Content-Security-Policy.

Without a browser: what the index holds (a held Urdu edition never; a withdrawn, embargoed or deleted
story leaves it, its old files removed), that a build with nothing to do writes nothing, and a missing
Pagefind as one line. In headless Chromium (`make browser-deps`; skipped naming it otherwise): typing an
Urdu word on the Urdu search page finds its story, shown right to left in Nastaliq; an English word on the
English page; words beside ۔ ، ؟ and joined by a ZWNJ; no console message at all.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from pipeline.build import search
from pipeline.cli import main
from pipeline.config import REPO_DIR
from tests import browser
from tests.conftest import TEST_REVIEWERS, article_text
from tests.helpers import state_dir
from tests.urdu_fixture import URDU, fill_catalog

# The test article's Urdu, with a ZWNJ inside a word pair, and words before ۔ ، and ؟.
MANGO_UR = {**URDU, "Early Mango Harvest in Multan": "ملتان میں آم کی جلد\u200cفصل",
            "Growers around Multan began picking mangoes two weeks early this year.":
                "کیا ملتان کے کاشتکاروں نے اس سال دو ہفتے پہلے آم توڑنا شروع کر دیے؟ ہاں، انگوروں کے بعد۔"}
SEARCH_POLICY = ("default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; script-src 'self' "
                 "'wasm-unsafe-eval'; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'")
HELD_UR = {**URDU, "Early Mango Harvest in Multan": "بہاولپور میں کھجور کی فصل"}


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def build(root: Path, out: Path):
    result = run(root, "build", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    return result


def indexed(out: Path, lang: str) -> dict[str, str]:
    """What the language's index holds: page address -> its text, read from Pagefind's fragments."""
    pages = {}
    for fragment in sorted((out / lang / "search" / "pagefind").glob("*/fragment/*.pf_fragment")):
        data = gzip.decompress(fragment.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        record = json.loads(data[len(b"pagefind_dcd"):])
        pages[record["url"]] = record["content"]
    return pages


def make_bilingual(root: Path) -> Path:
    """Two stories: mango, translated and approved; dates, translated and not approved (held)."""
    (root / "articles").mkdir(parents=True)
    (root / "publication.yaml").write_text(f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\n")
    (root / "articles" / "mango.md").write_text(article_text(), encoding="utf-8")
    (root / "articles" / "dates.md").write_text(article_text(headline="Date Harvest in Bahawalpur",
                                                             date="2026-06-03"), encoding="utf-8")
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", MANGO_UR)
    fill_catalog(root / "translations" / "ur" / "dates.po", HELD_UR)
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    return root


@pytest.fixture
def bilingual(tmp_path):
    return make_bilingual(tmp_path / "site"), tmp_path / "out"


def test_the_index_holds_what_is_published_and_a_held_edition_never(bilingual, monkeypatch):
    root, out = bilingual
    build(root, out)
    assert (out / "ur" / "mango.html").is_file() and not (out / "ur" / "dates.html").exists()
    urdu, english = indexed(out, "ur"), indexed(out, "en")
    assert set(urdu) == {"/mango.html"} and set(english) == {"/mango.html", "/dates.html"}
    assert "بہاولپور" not in "".join(urdu.values()) and "Bahawalpur" in english["/dates.html"]
    assert "جلد\u200cفصل" in urdu["/mango.html"]  # the ZWNJ reaches the index as the reviewer approved it
    assert "Skip to content" not in english["/mango.html"]  # only the story, not the page around it
    entry = json.loads((out / "ur" / "search" / "pagefind" / "1" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["ur"]
    assert not list((out / "ur" / "search" / "pagefind").rglob("pagefind-ui*"))  # no interface we do not serve
    policies = {rel: (out / rel).read_text().split('Content-Security-Policy" content="')[1].split('"')[0]
                for rel in ("en/mango.html", "ur/index.html", "ur/search/index.html")}
    assert policies["ur/search/index.html"] == SEARCH_POLICY
    assert "script" not in policies["en/mango.html"] + policies["ur/index.html"]  # only the search page runs any
    monkeypatch.setattr(search, "_executable", lambda: None)  # were Pagefind asked now, the build would fail
    again = build(root, out)
    assert "wrote 0 files" in again.output  # nothing changed: Pagefind does not even run


def test_a_story_that_leaves_leaves_the_index_and_its_old_files_go(bilingual, monkeypatch):
    root, out = bilingual
    build(root, out)
    before = {p for p in (out / "en" / "search").rglob("*") if p.is_file()}
    mango = root / "articles" / "mango.md"
    head, _, body = mango.read_text().partition("\n---\n")
    mango.write_text(f"{head}\nstatus: withdrawn\nwithdrawal_note: Not confirmed.\n---\n{body}")
    build(root, out)
    assert set(indexed(out, "en")) == {"/dates.html"} and indexed(out, "ur") == {}
    after = {p for p in (out / "en" / "search").rglob("*") if p.is_file()}
    assert before - after and all(p.exists() for p in after)  # the old index's own files were removed
    for gone in (root / "articles" / "dates.md", *(root / "translations" / "ur").glob("dates.*")):
        gone.unlink()
    build(root, out)
    assert indexed(out, "en") == {} and (out / "en" / "search" / "index.html").is_file()


def test_an_embargoed_story_is_not_in_the_index_before_its_moment(make_site, tmp_path):
    head, _, body = article_text().partition("\n---\n")
    root = make_site({"articles/mango.md": f"{head}\nembargo: 2026-12-03T06:00:00+05:00\n---\n{body}"},
                     english_only=True)
    out = tmp_path / "out"
    for moment, found in (("2026-12-01T00:00:00+00:00", set()), ("2026-12-04T00:00:00+00:00", {"/mango.html"})):
        assert run(root, "build", "--format", "html", "--out", str(out), "--now", moment).exit_code == 0
        assert set(indexed(out, "en")) == found


def test_a_missing_pagefind_is_one_line_and_the_pages_are_published(make_site, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "_executable", lambda: None)
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    result = run(root, "build", "--format", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "the search index was not built: the Pagefind program is missing" in result.output
    assert (tmp_path / "out" / "en" / "mango.html").is_file() and (tmp_path / "out" / "en" / "search").is_dir()


# --- in the browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    """The sample publication's pages, and one headless Chromium with them served on 127.0.0.1."""
    browser.require("chromium")
    out = tmp_path_factory.mktemp("search")
    build(REPO_DIR, out / "sample")
    build(make_bilingual(tmp_path_factory.mktemp("mango")), out / "mango")
    saved, search.PART_STORIES = search.PART_STORIES, 1  # one story a part: the page merges two parts
    try:
        build(make_bilingual(tmp_path_factory.mktemp("parts")), out / "parts")
    finally:
        search.PART_STORIES = saved
    session = browser.Browser()
    try:
        with browser.serve(out) as base:
            yield session, base
    finally:
        session.close()


def console(session: browser.Browser) -> list[str]:
    """Every console message but the browser's own request for a favicon (the publication has none)."""
    return [f"{m['level']}: {m['message']}" for m in session.console() if "/favicon.ico" not in m["message"]]


def ask(session: browser.Browser, url: str, query: str) -> list[dict]:
    """Open a search page, type the query, and return the results as the reader sees them."""
    session.open(url)
    field = session.driver.find_element(By.ID, "search-query")
    field.send_keys(query)
    try:
        WebDriverWait(session.driver, 15).until(lambda d: d.execute_script(  # the results of the whole query
            "return document.querySelector('.search-results').dataset.query === arguments[0]", query))
    except TimeoutException:
        status = session.script("return document.querySelector('.search-status').textContent")
        raise AssertionError(f"no results for {query!r}: status {status!r}, console {console(session)}") from None
    return session.script("""return [...document.querySelectorAll('.search-results li')].map(li => {
        const a = li.querySelector('a'), s = getComputedStyle(li);
        return {href: a.getAttribute('href'), title: a.textContent, direction: s.direction, font: s.fontFamily,
                marks: [...li.querySelectorAll('mark')].map(m => m.textContent)}; });""")


@pytest.mark.parametrize(("lang", "query", "story", "mark"), [
    ("ur", "جنگلات", "indus-delta-mangroves", "جنگلات"),  # forests: only in the mangrove story
    ("ur", "رہیں", "quetta-winter-schools", "رہیں"),  # in that story only before ۔
    ("ur", "عباسی", "indus-delta-mangroves", "عباسی"),  # only before ،
    ("en", "mangroves", "indus-delta-mangroves", None),
])
def test_typing_a_word_shows_its_story(chromium, lang, query, story, mark):
    session, base = chromium
    results = ask(session, f"{base}sample/{lang}/search/index.html", query)
    assert [r["href"] for r in results] == [f"../{story}.html"], results
    if mark:  # Pagefind marks the word as written, with the ۔ or ، after it
        assert mark in "".join(results[0]["marks"])
    if lang == "ur":
        assert all(r["direction"] == "rtl" and r["font"].startswith('"Noto Nastaliq Urdu"') for r in results)
    assert console(session) == []  # no CSP violation, no error, not even a warning
    session.driver.find_element(By.CSS_SELECTOR, ".search-results a").click()
    assert session.driver.current_url == f"{base}sample/{lang}/{story}.html"


def test_without_a_worker_pagefind_runs_in_the_page_under_its_policy(chromium):
    """Where a browser cannot start Pagefind's worker, Pagefind fetches the index and compiles its WebAssembly
    in the page itself: what 'wasm-unsafe-eval' and connect-src 'self' are there for."""
    session, base = chromium
    hook = session.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.Worker;"})
    try:
        results = ask(session, f"{base}sample/ur/search/index.html", "جنگلات")
        assert session.script("return typeof Worker") == "undefined"
    finally:
        session.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": hook["identifier"]})
    assert [r["href"] for r in results] == ["../indus-delta-mangroves.html"]
    assert console(session) == []


@pytest.mark.parametrize(("query", "mark"), [
    ("جلد\u200cفصل", "جلد\u200cفصل"),  # as typed with the ZWNJ the translator used
    ("جلد", "جلد\u200cفصل"),  # its first half (a ZWNJ joins one word: its second half alone finds nothing)
    ("دیے", "دیے"),  # before ؟
    ("ہاں", "ہاں"),  # before ،
    ("بعد", "بعد"),  # before ۔
])
def test_urdu_words_are_split_at_urdu_punctuation_and_zwnj(chromium, query, mark):
    session, base = chromium
    results = ask(session, f"{base}mango/ur/search/index.html", query)
    assert [r["href"] for r in results] == ["../mango.html"], results
    assert mark in "".join(results[0]["marks"]), results
    assert console(session) == []


def test_a_word_of_another_language_or_a_held_story_finds_nothing(chromium):
    session, base = chromium
    assert ask(session, f"{base}sample/ur/search/index.html", "mangroves") == []
    assert ask(session, f"{base}sample/en/search/index.html", "جنگلات") == []
    assert ask(session, f"{base}mango/ur/search/index.html", "بہاولپور") == []  # the held edition's word
    assert [r["href"] for r in ask(session, f"{base}mango/en/search/index.html", "Bahawalpur")] == ["../dates.html"]
    assert console(session) == []


def test_one_search_finds_stories_in_every_part_of_the_index(chromium):
    session, base = chromium
    url = f"{base}parts/en/search/index.html"
    assert {r["href"] for r in ask(session, url, "mangoes")} == {"../mango.html", "../dates.html"}
    assert [r["href"] for r in ask(session, url, "Bahawalpur")] == ["../dates.html"]  # only in the newer part
    assert console(session) == []


def test_a_part_ends_at_its_story_count_or_before_its_bytes(monkeypatch):
    monkeypatch.setattr(search, "PART_STORIES", 3)
    monkeypatch.setattr(search, "PART_BYTES", 30)
    stories = [("a", 10), ("b", 10), ("c", 11), ("d", 5), ("e", 1), ("f", 1), ("g", 1), ("h", 40), ("i", 1)]
    assert search.parts_of(stories) == [["a", "b"], ["c", "d", "e"], ["f", "g"], ["h"], ["i"]]
    assert search.parts_of([]) == []
    longer = [*stories[:-1], ("i", 1), ("j", 1)]  # a new story joins or follows the newest part only
    assert search.parts_of(longer)[:-1] == search.parts_of(stories)[:-1]


@pytest.mark.parametrize("bound", [("PART_STORIES", 1), ("PART_BYTES", 100)], ids=["stories", "bytes"])
def test_a_new_story_changes_only_the_newest_part_of_the_index(bilingual, monkeypatch, bound):
    root, out = bilingual
    monkeypatch.setattr(search, *bound)
    build(root, out)
    folder = out / "en" / "search" / "pagefind"
    assert sorted(p.name for p in folder.iterdir()) == ["1", "2"]  # mango (oldest), then dates
    assert set(indexed(out, "en")) == {"/mango.html", "/dates.html"}
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    (root / "articles" / "figs.md").write_text(article_text(headline="Fig Growers Meet", date="2026-06-04"),
                                               encoding="utf-8")
    build(root, out)
    after = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    changed = {p.relative_to(folder).parts[0] for p in after if before.get(p) != after[p]}
    assert changed == {"3"} and all(p in after for p in before)  # parts 1 and 2 untouched
    page = (out / "en" / "search" / "index.html").read_text(encoding="utf-8")
    assert 'data-bundles="pagefind/1/ pagefind/2/ pagefind/3/"' in page


def test_a_killed_build_leaves_no_staging_folder_behind(make_site, tmp_path):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    out = tmp_path / "out"
    build(root, out)
    leftover = state_dir(root, out) / f"{search.STAGING_PREFIX}abc123" / "site"
    leftover.mkdir(parents=True)
    (leftover / "mango.html").write_text("<p>a copy</p>")
    build(root, out)
    assert not leftover.parent.exists() and not list(state_dir(root, out).glob(f"{search.STAGING_PREFIX}*"))


@pytest.mark.parametrize("size", [browser.DESKTOP, browser.PHONE], ids=["desktop", "phone"])
def test_the_search_page_with_its_results_passes_axe(chromium, size):
    browser.require("axe")
    session, base = chromium
    for lang, query in (("ur", "کراچی"), ("en", "port")):
        session.open(f"{base}sample/{lang}/search/index.html?q={query}", size)
        WebDriverWait(session.driver, 15).until(lambda d, query=query: d.execute_script(
            "return document.querySelector('.search-results').dataset.query === arguments[0]", query))
        serious = [v for v in session.axe() if v["impact"] in ("serious", "critical")]
        assert serious == [], browser.summary(serious)
        assert console(session) == []
