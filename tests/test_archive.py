"""The archive (issue 16): listing pages numbered from the oldest story that stay put, month and tag pages,
links that resolve, removals that leave no empty page, feeds that carry the newest stories only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.editions.listing import FRONT, paginate
from tests.conftest import article_text


@pytest.mark.parametrize("per_page", [1, 3, 7])
def test_pages_once_complete_never_change_and_every_story_is_listed(per_page):
    previous: dict[int, object] = {}
    for n in range(0, 40):
        sheets = paginate(list(range(n)), per_page)
        front, pages = sheets[0], sheets[1:]
        assert front.number == FRONT and [p.number for p in pages] == list(range(1, n // per_page + 1))
        listed = {item for sheet in sheets for item in sheet.items}
        assert listed == set(range(n))  # every story on some sheet
        assert all(len(p.items) == per_page for p in pages)
        assert n < per_page or per_page <= len(front.items) < 2 * per_page
        assert list(front.items) == sorted(front.items, reverse=True) and (not n or front.items[0] == n - 1)
        now = {p.number: p for p in pages}
        changed = [k for k in now if previous.get(k) != now[k]]
        assert len(changed) <= 2, (n, changed)  # + the front: at most three files for one new story
        assert all(k >= n // per_page - 1 for k in changed)  # only the newest pages
        previous = now


def test_neighbours_and_page_lists_never_name_the_moving_newest_page():
    sheets = paginate(list(range(100)), 10)
    front, pages = sheets[0], {s.number: s for s in sheets[1:]}
    assert front.older == 9 and front.pages == (9, 8, 7, 6, 5, 1)
    assert pages[10].newer == FRONT and pages[9].newer == 10 and pages[1].older is None
    assert pages[4].pages == (3, 2, 1) and all(max(s.pages, default=0) < s.number for s in pages.values())


ARTICLES = [  # (slug, date, tags)
    ("port-cranes", "2026-05-03", "[ports, trade]"), ("mango-harvest", "2026-05-09", "[agriculture]"),
    ("book-fair", "2026-05-20", "[culture]"), ("winter-schools", "2026-05-28", "[education]"),
    ("mangroves", "2026-06-01", "[climate, Climate Change]"), ("heat-wave", "2026-06-04", "[climate]"),
    ("cricket-final", "2026-06-09", "[sport]"), ("dock-strike", "2026-06-12", "[ports]"),
    ("rain-forecast", "2026-06-15", "[climate]"), ("tea-prices", "2026-06-21", "[trade]"),
    ("river-levels", "2026-06-26", "[climate]"),
]


def _article(slug: str, date: str, tags: str) -> str:
    text = article_text(headline=f"Story {slug}", date=date)
    return text.replace("tags: [agriculture]", f"tags: {tags}")


@pytest.fixture
def archive(make_site) -> Path:
    files = {f"articles/{slug}.md": _article(slug, date, tags) for slug, date, tags in ARTICLES}
    root = make_site(files, english_only=True)
    (root / "publication.yaml").write_text("name: Test Gazette\nlanguages: [en]\nper_page: 5\nfeed_entries: 3\n"
                                           "base_url: https://news.example/\n")
    return root


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (rel or "", href)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("a", "link") and a.get("href") and "://" not in a["href"]:
            self.links.append((a.get("rel") or "", a["href"]))


def links(page: Path) -> list[tuple[str, str]]:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.links


def slugs(page: Path) -> list[str]:
    return re.findall(r'<h2 class="story-link"><a href="[./]*([a-z-]+)\.html">', page.read_text(encoding="utf-8"))


def test_the_archive_pages_months_and_tags_of_a_language(archive):
    report = build(load_config(archive))
    assert not report.problems
    dist = archive / "dist" / "en"
    newest_first = [slug for slug, _d, _t in reversed(ARTICLES)]
    assert slugs(dist / "index.html") == newest_first[:6]  # page 2 (5 stories) and the one published since
    assert slugs(dist / "page" / "1" / "index.html") == newest_first[6:]  # the oldest five
    assert slugs(dist / "page" / "2" / "index.html") == newest_first[1:6]
    assert not (dist / "page" / "3").exists()
    assert ("next", "../1/index.html") in links(dist / "page" / "2" / "index.html")  # older
    assert ("prev", "../../index.html") in links(dist / "page" / "2" / "index.html")  # newer: the front
    assert ("next", "page/1/index.html") in links(dist / "index.html")
    assert slugs(dist / "2026" / "05" / "index.html") == ["winter-schools", "book-fair", "mango-harvest",
                                                         "port-cranes"]
    front = (dist / "index.html").read_text(encoding="utf-8")
    assert '<a href="2026/06/index.html">June 2026</a> <span class="count">(7)</span>' in front
    assert slugs(dist / "tags" / "climate" / "index.html") == ["river-levels", "rain-forecast", "heat-wave",
                                                              "mangroves"]
    tags = (dist / "tags" / "index.html").read_text(encoding="utf-8")
    assert '<a href="climate-change/index.html">Climate Change</a> <span class="count">(1)</span>' in tags
    assert '<a href="ports/index.html">ports</a> <span class="count">(2)</span>' in tags
    article = (dist / "mangroves.html").read_text(encoding="utf-8")
    assert '<a href="tags/climate-change/index.html" rel="tag">Climate Change</a>' in article
    climate = (dist / "tags" / "climate" / "index.html").read_text(encoding="utf-8")
    assert '<li><a href="../../index.html">Latest stories</a></li><li><a href="../index.html">Tags</a></li></ul>' \
        in climate  # two links in a list, never run together as one line of text
    for page in dist.rglob("*.html"):  # every link of every page resolves
        for _rel, href in links(page):
            if href.startswith("#"):
                continue
            assert (page.parent / href.split("#")[0]).resolve().is_file(), (page, href)


def test_one_new_story_rewrites_at_most_three_listing_pages_besides_its_month_and_tags(archive):
    config = load_config(archive)
    build(config)
    for n, date in enumerate(["2026-06-28", "2026-06-29", "2026-06-30", "2026-06-30", "2026-06-30"]):
        (archive / "articles" / f"late-{n}.md").write_text(_article(f"late-{n}", date, "[ports]"))
        report = build(config)
        listing = [rel for rel in report.written if rel.endswith("index.html") and rel.startswith("en/")]
        own = {"en/2026/06/index.html", "en/tags/ports/index.html", "en/tags/index.html"}
        others = [rel for rel in listing if rel not in own and "/2026/06/page/" not in rel
                  and "/tags/ports/page/" not in rel]
        assert len(others) <= 3, others
        assert report.listing_pages_written()["en"] == len(listing)
    result = CliRunner().invoke(main, ["--root", str(archive), "publish"])
    assert "listing pages" not in result.output  # nothing changed: none rewritten


def test_a_removed_story_leaves_every_listing_and_empty_months_and_tags_lose_their_page(archive):
    config = load_config(archive)
    build(config)
    dist = archive / "dist" / "en"
    assert (dist / "tags" / "sport" / "index.html").is_file()
    (archive / "articles" / "cricket-final.md").unlink()
    for slug in ("port-cranes", "mango-harvest", "book-fair", "winter-schools"):  # all of May
        (archive / "articles" / f"{slug}.md").unlink()
    build(config)
    assert not (dist / "tags" / "sport").exists() and not (dist / "2026" / "05").exists()
    assert not (dist / "page" / "2").exists() and (dist / "page" / "1" / "index.html").is_file()
    listed = [s for page in dist.rglob("index.html") for s in slugs(page)]
    assert "cricket-final" not in listed and "port-cranes" not in listed and "mangroves" in listed
    assert "sport" not in (dist / "tags" / "index.html").read_text(encoding="utf-8")


def test_feeds_carry_the_newest_stories_only(archive):
    build(load_config(archive))
    feed = (archive / "dist" / "en" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 3 and "river-levels" in feed and "cricket-final" not in feed


def test_urdu_tag_pages_exist_only_for_approved_tag_translations(make_site):
    from tests.urdu_fixture import fill_catalog

    root = make_site({"articles/mango.md": article_text()})
    run = CliRunner().invoke
    assert run(main, ["--root", str(root), "translate"]).exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    assert run(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"]).exit_code == 0
    assert run(main, ["--root", str(root), "publish"]).exit_code == 0
    dist = root / "dist" / "ur"
    assert (dist / "index.html").is_file() and not (dist / "tags").exists()  # "agriculture" waits for review
    assert "ur: tags waiting for translation: agriculture" in run(main, ["--root", str(root), "status"]).output
    fill_catalog(root / "translations" / "ur" / "tags.po", {"agriculture": "زراعت"})
    assert run(main, ["--root", str(root), "approve", "--tags", "--reviewer", "R", "--all"]).exit_code == 0
    assert run(main, ["--root", str(root), "publish"]).exit_code == 0
    page = (dist / "tags" / "agriculture" / "index.html").read_text(encoding="utf-8")
    assert "زراعت سے متعلق خبریں" in page and "mango.html" in page
    assert '<a href="agriculture/index.html">زراعت</a>' in (dist / "tags" / "index.html").read_text(encoding="utf-8")


def test_past_the_limit_the_sitemap_is_split_and_only_its_last_part_changes(archive, monkeypatch):
    from lxml import etree

    from pipeline.formats import feeds

    monkeypatch.setattr(feeds, "MAX_SITEMAP_URLS", 5)
    config = load_config(archive)
    build(config)
    dist = archive / "dist"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = etree.parse(str(dist / "sitemap.xml")).getroot()
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    parts = index.xpath("//s:loc/text()", namespaces=ns)
    assert parts == [f"https://news.example/sitemaps/{n}.xml" for n in (1, 2, 3)]  # 1 index + 11 stories
    urls = [u for n in (1, 2, 3) for u in etree.parse(str(dist / "sitemaps" / f"{n}.xml")).xpath(
        "/s:urlset/s:url/s:loc/text()", namespaces=ns)]
    assert len(urls) == 12 and urls[1].endswith("en/port-cranes.html")  # the oldest story first
    assert all(len(etree.parse(str(p)).getroot()) <= 5 for p in (dist / "sitemaps").glob("*.xml"))
    (archive / "articles" / "late.md").write_text(_article("late", "2026-06-30", "[ports]"))
    written = build(config).written
    assert "sitemaps/3.xml" in written and "sitemaps/1.xml" not in written and "sitemaps/2.xml" not in written
    for slug in ("port-cranes", "mango-harvest", "book-fair", "winter-schools", "mangroves", "late"):
        (archive / "articles" / f"{slug}.md").unlink()
    build(config)  # 1 index + 6 stories: two parts, the third removed
    assert sorted(p.name for p in (dist / "sitemaps").iterdir()) == ["1.xml", "2.xml"]
    assert build(config).written == []  # nothing changed: nothing written
