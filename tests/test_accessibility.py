"""Pages every reader can use: the repository's own publication checked by the Nu HTML checker and, in
headless Chromium, by axe-core, at desktop and phone width, in both languages; the keyboard path (skip
link, visible focus); footnotes with a heading and back-links labelled in the page's language.

The browser checks need `make browser-deps` (see tests/browser/__init__.py); without it they are skipped
with that command named. The page-level facts below them run everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import REPO_DIR
from tests import browser
from tests.conftest import article_text
from tests.pages import Page

# Each kind of page a reader meets: the repository's publication (the mangrove story has footnotes in both
# languages) and a small English one with a corrected and a withdrawn story.
PAGES = {
    "landing": "sample/index.html",
    "English index": "sample/en/index.html",
    "Urdu index": "sample/ur/index.html",
    "English article with footnotes": "sample/en/indus-delta-mangroves.html",
    "Urdu article with footnotes": "sample/ur/indus-delta-mangroves.html",
    "corrected article": "lifecycle/en/corrected.html",
    "withdrawn article": "lifecycle/en/withdrawn.html",
    "English page of all tags": "sample/en/tags/index.html",
    "Urdu page of all tags": "sample/ur/tags/index.html",
    "Urdu tag page": "sample/ur/tags/climate/index.html",
    "English month page": "sample/en/2026/10/index.html",
    "Urdu month page": "sample/ur/2026/10/index.html",
    "front page with a page list": "lifecycle/en/index.html",
    "an older archive page": "lifecycle/en/page/1/index.html",
}
LIFECYCLE = {
    "corrected": "corrections:\n  - date: 2026-06-05\n    note: An earlier version named the wrong district.\n",
    "withdrawn": "status: withdrawn\nwithdrawal_note: The figures in this report could not be verified.\n",
}
SERIOUS = ("serious", "critical")


def publish_html(root: Path, out: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--format", "html", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The pages of PAGES, HTML only, built once into a temporary folder."""
    out = tmp_path_factory.mktemp("pages")
    publish_html(REPO_DIR, out / "sample")
    root = tmp_path_factory.mktemp("lifecycle")
    (root / "articles").mkdir()
    (root / "publication.yaml").write_text("name: Test Gazette\nlanguages: [en]\nper_page: 5\n")
    for slug, lines in LIFECYCLE.items():
        head, _, body = article_text(headline=f"A {slug} story").partition("\n---\n")
        (root / "articles" / f"{slug}.md").write_text(f"{head}\n{lines}---\n{body}", encoding="utf-8")
    for number in range(5):  # with the two above: a front page and one older page of the archive
        text = article_text(headline=f"Story number {number}", date=f"2026-05-{number + 10}")
        (root / "articles" / f"story-{number}.md").write_text(text, encoding="utf-8")
    publish_html(root, out / "lifecycle")
    assert 'class="corrections"' in (out / PAGES["corrected article"]).read_text(encoding="utf-8")
    assert 'class="withdrawn"' in (out / PAGES["withdrawn article"]).read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def chromium(site):
    """One headless Chromium for the module, and the site served on 127.0.0.1."""
    browser.require("chromium", "axe")
    session = browser.Browser()
    try:
        with browser.serve(site) as base:
            yield session, base
    finally:
        session.close()


def test_every_page_passes_the_nu_html_checker(site):
    browser.require("vnu")
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(PAGES)
    messages = browser.vnu(pages)
    # vnu judges CSP against the file: URLs it reads (no origin, so 'self' matches nothing) and counts the
    # JSON-LD data block as a script; neither is what a reader's browser does (the Chromium test checks that).
    found = [f"{m['url'].split(site.name + '/', 1)[-1]}:{m.get('lastLine')}: {m['type']} {m.get('subType', '')}: "
             f"{m['message']}"
             for m in messages if "Content Security Policy" not in m["message"]]
    assert found == [], "\n".join(found)


def test_every_kind_of_page_passes_axe_in_chromium_at_desktop_and_phone_width(chromium):
    session, base = chromium
    problems: list[str] = []
    for kind, rel in PAGES.items():
        for size_name, size in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
            session.open(base + rel, size)
            where = f"{kind} ({rel}, {size_name})"
            problems += [f"{where}: {line}" for line in browser.summary(
                [v for v in session.axe() if v["impact"] in SERIOUS])]
            problems += [f"{where}: console {m['level']}: {m['message']}" for m in session.console()
                         if m["level"] in ("SEVERE", "WARNING") and "/favicon.ico" not in m["message"]]
    assert problems == [], "\n".join(problems)


def test_the_first_tab_reaches_a_visible_skip_link_and_focus_is_outlined(chromium):
    session, base = chromium
    for kind, rel in PAGES.items():
        session.open(base + rel, browser.PHONE if "Urdu" in kind else browser.DESKTOP)
        skip = session.press_tab()
        assert skip["cls"] == "skip-link", (kind, skip)
        assert skip["top"] >= 0 and skip["bottom"] <= skip["height"], (kind, "skip link off screen", skip)
        assert skip["left"] >= 0 and skip["right"] <= skip["width"], (kind, "skip link off screen", skip)
        assert skip["outline"] != "none" and skip["outlineWidth"] >= 2, (kind, skip)
        after = session.press_tab()
        assert after["tag"] == "a" and after["outline"] != "none" and after["outlineWidth"] >= 2, (kind, after)


def test_links_have_the_text_contrast_and_footnote_back_links_are_underlined(chromium):
    session, base = chromium
    for kind in ("English article with footnotes", "Urdu article with footnotes"):
        session.open(base + PAGES[kind])
        links = session.links()
        assert links, kind
        for link in links:
            ratio = browser.contrast(link["color"], link["background"])
            assert ratio >= 4.5, (kind, f"contrast {ratio:.2f}:1", link)
        back = session.links(".footnote-backref")
        assert len(back) == 3 and all("underline" in link["line"] for link in back), (kind, back)


class Footnotes(Page):
    """The footnotes section's heading text and the back-links' labels."""

    def __init__(self, html: str) -> None:
        self.in_section = False
        self.heading_open = False
        self.heading = ""
        self.backlinks: list[dict[str, str | None]] = []
        super().__init__(html)

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "footnotes":
            self.in_section = True
        elif self.in_section and tag == "h2" and not self.heading:
            self.heading_open = True
        elif tag == "a" and attrs.get("class") == "footnote-backref":
            self.backlinks.append(attrs)

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        self.heading_open = self.heading_open and tag != "h2"
        self.in_section = self.in_section and tag != "section"

    def handle_data(self, data):
        super().handle_data(data)
        if self.heading_open:
            self.heading += data


def test_footnotes_have_a_heading_and_back_links_labelled_in_the_page_language(site):
    english = Footnotes((site / PAGES["English article with footnotes"]).read_text(encoding="utf-8"))
    urdu = Footnotes((site / PAGES["Urdu article with footnotes"]).read_text(encoding="utf-8"))
    assert english.heading.strip() == "Notes"
    assert urdu.heading.strip() and not any("a" <= c.lower() <= "z" for c in urdu.heading), urdu.heading
    assert urdu.heading.strip() == "حواشی"
    assert len(english.backlinks) == len(urdu.backlinks) == 3
    assert [a["aria-label"] for a in english.backlinks] == [f"Back to reference {n}" for n in (1, 2, 3)]
    for n, link in enumerate(urdu.backlinks, 1):
        label = link["aria-label"] or ""
        assert label and not any("a" <= c.lower() <= "z" for c in label), label  # Urdu, not English
        assert str(n) in label or "۰۱۲۳۴۵۶۷۸۹"[n] in label, label  # names its reference, as the page writes it


def test_the_landing_page_says_its_language_and_direction(site):
    html = (site / PAGES["landing"]).read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in html
    for lang, direction in (("en", "ltr"), ("ur", "rtl")):
        assert f'hreflang="{lang}" lang="{lang}" dir="{direction}"' in html
