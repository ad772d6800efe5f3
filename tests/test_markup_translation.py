"""Every Markdown construct goes through translation (issue: the CommonMark spec as a round-trip test), and
what `approve --all` may not wave through (issue: the review gate, section 3).

The translator sees hard breaks as backslash breaks and reference links in full; normalising never changes
what the Markdown means; a translation that loses or adds a link, image, footnote mark, hard break, code
span, number or Latin name is reported by `check`, shown by `review` and skipped by `approve --all`.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline import cli
from pipeline.cli import main
from pipeline.text.markdown import blocks, inline_html
from pipeline.translation.compare import findings
from pipeline.translation.segments import normalize, segment_id
from tests.conftest import article_text
from tests.urdu_fixture import URDU, fill_catalog, read_catalog


def run(root: Path, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--root", str(root), *args], input=input, catch_exceptions=False)


def msgids(root: Path, slug: str = "story") -> list[str]:
    return [e.msgid for e in read_catalog(root / "translations" / "ur" / f"{slug}.po").entries if e.msgid]


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.breaks = 0
        self.titles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if dict(attrs).get("title"):
            self.titles.append(dict(attrs)["title"] or "")
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        elif tag == "br":
            self.breaks += 1


def page(root: Path, lang: str, slug: str = "story") -> Links:
    parser = Links()
    parser.feed((root / "dist" / lang / f"{slug}.html").read_text(encoding="utf-8"))
    return parser


# --- normalising: what the translator sees ---------------------------------------------------------------

def test_a_hard_break_of_two_spaces_reaches_the_catalog_as_a_backslash_break():
    text = "foo  \nbaz\nqux"
    _tokens, env = blocks(text)
    assert normalize(text, env) == "foo\\\nbaz qux"
    assert inline_html(normalize(text, env), env) == inline_html(text, env)


def test_normalising_never_turns_literal_text_into_a_link():
    text = "[link](<foo\nbar>)"  # CommonMark example 491: literal text, not a link
    _tokens, env = blocks(text)
    kept = normalize(text, env)
    assert "<a" not in inline_html(kept, env)
    assert inline_html(kept, env) == inline_html(text, env)


def test_shortcut_and_collapsed_references_are_written_in_full():
    text = "See [foo] and [Bar][] but not [nothing].\n\n[foo]: /a\n[bar]: /b\n"
    _tokens, env = blocks(text)
    first = normalize("See [foo] and [Bar][] but not [nothing].", env)
    assert first == "See [foo][foo] and [Bar][Bar] but not [nothing]."


# --- findings ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "translation", "expected"), [
    ("Read [the report](https://a.example/r).", "[رپورٹ](https://evil.example/r) پڑھیں۔",
     ["a link to https://a.example/r of the English is missing",
      "the translation has a link to https://evil.example/r"]),
    ("Plain words.", "سادہ ![x](https://t.example/p.png) الفاظ۔", ["the translation has an image"]),
    ("A claim.[^1]", "ایک دعویٰ۔", ["footnote mark [^1] of the English is missing"]),
    ("foo\\\nbaz", "فو باز", ["the English has 1 hard line break(s), the translation 0"]),
    ("Run `make test` now.", "ابھی `make publish` چلائیں۔", ["the code `make test` of the English is missing"]),
    ("It rose 12.5% to 1,200 tonnes.", "یہ ۱۳ فیصد بڑھ کر ۱۲۰۰ ٹن ہو گیا۔", ["the number 12.5 of the English"]),
    ("The IMF met WAPDA.", "آئی ایم ایف نے واپڈا سے ملاقات کی۔", ["Latin-script name(s) of the English missing"]),
])
def test_each_kind_of_difference_is_found(source: str, translation: str, expected: list[str]):
    env = blocks(source + "\n\n[^1]: A note.\n")[1]
    found = " | ".join(findings(source, translation, env))
    for part in expected:
        assert part in found


def test_a_faithful_translation_has_no_findings():
    source = "It rose 12.5% to 1,200 tonnes, the [IMF](https://imf.example) said.\\\nMore `code`."
    translation = "[IMF](https://imf.example) نے کہا کہ یہ ۱۲٫۵ فیصد بڑھ کر ۱٬۲۰۰ ٹن ہو گیا۔\\\nمزید `code`۔"
    assert findings(source, translation, {}) == []


# --- the pipeline end to end ---------------------------------------------------------------------------------

BODY = ("Growers [reported][r] an early harvest.  \nPicking began in May.\n\n"
        "The [district office] said yields were higher.\n\n"
        "[r]: https://records.example/mango\n[district office]: https://district.example/\n")
FIRST = "Growers [reported][r] an early harvest.\\\nPicking began in May."
SECOND = "The [district office][district office] said yields were higher."


@pytest.fixture
def story(make_site) -> Path:
    root = make_site({"articles/story.md": article_text(body=BODY)})
    assert run(root, "translate").exit_code == 0
    return root


def approved(root: Path) -> int:
    lines = (root / "translations" / "ur" / "story.approvals").read_text().splitlines()
    return sum(1 for line in lines if line and not line.startswith("#"))


def fill(root: Path, table: dict[str, str]) -> None:
    fill_catalog(root / "translations" / "ur" / "story.po", {**URDU, **table})


def test_the_catalog_shows_breaks_and_references_in_a_form_translators_keep(story):
    ids = msgids(story)
    assert FIRST in ids and SECOND in ids


def test_a_faithful_translation_keeps_links_and_the_break_on_the_urdu_page(story):
    fill(story, {FIRST: "کاشتکاروں نے جلد فصل کی [اطلاع دی][r]۔\\\nچنائی مئی میں شروع ہوئی۔",
                 SECOND: "[ضلعی دفتر][district office] نے کہا کہ پیداوار زیادہ رہی۔"})
    assert ": segment " not in run(story, "check").stderr
    assert run(story, "approve", "story", "--reviewer", "R", "--all").exit_code == 0
    assert run(story, "publish").exit_code == 0
    english, urdu = page(story, "en"), page(story, "ur")
    for href in ("https://records.example/mango", "https://district.example/"):
        assert href in english.hrefs and href in urdu.hrefs
    assert english.breaks == urdu.breaks == 1


def test_a_lost_reference_link_and_break_are_reported_and_not_approved_by_all(story):
    fill(story, {FIRST: "کاشتکاروں نے جلد فصل کی اطلاع دی۔ چنائی مئی میں شروع ہوئی۔",
                 SECOND: "[ضلعی دفتر] نے کہا کہ پیداوار زیادہ رہی۔"})  # a shortcut the Urdu cannot resolve
    check = run(story, "check")
    assert "a link to https://records.example/mango of the English is missing" in check.stderr
    assert "hard line break" in check.stderr
    assert "a link to https://district.example/ of the English is missing" in check.stderr
    assert run(story, "check", "--strict").exit_code == 1
    result = run(story, "approve", "story", "--reviewer", "R", "--all")
    assert "approve it by name with --segment" in result.output
    assert approved(story) == len(msgids(story)) + 1 - 2  # + the link addresses, - the two with findings
    held = run(story, "publish")
    assert "ur/story: held" in held.stderr and "2 unapproved (2 with findings: see pipeline check)" in held.stderr
    assert not (story / "dist" / "ur" / "story.html").exists()


def test_a_reviewer_may_approve_a_segment_with_findings_by_name(story, monkeypatch):
    fill(story, {FIRST: "کاشتکاروں نے جلد فصل کی اطلاع دی۔ چنائی مئی میں شروع ہوئی۔",
                 SECOND: "[ضلعی دفتر][district office] نے کہا کہ پیداوار زیادہ رہی۔"})
    monkeypatch.setattr(cli, "is_terminal", lambda: True)
    walk = run(story, "review", "story", "--reviewer", "R", input="s\n" * 20)
    assert "finding: a link to https://records.example/mango of the English is missing" in walk.output
    assert run(story, "approve", "story", "--reviewer", "R", "--all").exit_code == 0
    assert '"publishable": false' in run(story, "status", "--json").output
    assert approved(story) == len(msgids(story)) + 1 - 1
    result = run(story, "approve", "story", "--reviewer", "R", "--segment", segment_id(None, FIRST))
    assert result.exit_code == 0, result.output
    assert approved(story) == len(msgids(story)) + 1
    assert run(story, "publish").exit_code == 0
    assert (story / "dist" / "ur" / "story.html").exists()


def test_a_reference_title_is_a_catalog_entry_and_reaches_urdu_readers_only_translated(make_site):
    body = ("See the [records][r] and ![the chart][c].\n\n"
            "[r]: /records \"District records\"\n[c]: chart.png 'Yield chart'\n")
    root = make_site({"articles/story.md": article_text(body=body)})
    Image.new("RGB", (4, 4)).save(root / "articles" / "chart.png")
    assert run(root, "translate").exit_code == 0
    entries = read_catalog(root / "translations" / "ur" / "story.po").entries
    titles = {e.msgid for e in entries if e.msgctxt == "link-title"}
    assert titles == {"District records", "Yield chart"}
    fill(root, {"District records": "ضلعی ریکارڈ", "Yield chart": "پیداوار کا خاکہ",
                "See the [records][r] and ![the chart][c].": "[ریکارڈ][r] اور ![خاکہ][c] دیکھیے۔"})
    assert run(root, "approve", "story", "--reviewer", "R", "--all").exit_code == 0
    result = run(root, "publish")
    assert result.exit_code == 0, result.stderr
    assert sorted(page(root, "en").titles) == ["District records", "Yield chart"]
    assert sorted(page(root, "ur").titles) == ["ضلعی ریکارڈ", "پیداوار کا خاکہ"]


def test_an_urdu_edition_of_a_refused_english_article_waits_for_the_english_to_be_fixed(story):
    fill(story, {})
    assert run(story, "approve", "story", "--reviewer", "R", "--all").exit_code == 0
    path = story / "articles" / "story.md"
    path.write_text(path.read_text() + "\n```\nan unclosed fence\n", encoding="utf-8")
    result = run(story, "publish")
    assert "articles/story.md" in result.stderr
    assert "waits for the English article to be fixed" in result.stderr
    assert "translations/ur/story.po" not in result.stderr
