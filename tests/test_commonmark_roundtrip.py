"""The CommonMark spec as a round-trip test of translation (issue: every Markdown construct goes through
translation).

Each of the 652 examples of the CommonMark 0.31.2 spec (tests/data/commonmark, CC BY-SA 4.0) becomes the
body of an article. A translator who keeps the markup exactly fills in every catalog entry: each English
word is replaced by an Urdu one where that leaves the Markdown meaning the same (a careful translator never
translates a URL, a code span or a reference label). A reviewer approves every segment by id, and both
editions are built. Then, for every example:

- one the pipeline refuses is refused with a message naming the article file and line;
- the English page has every element markdown-it-py makes of the example with the same options;
- the Urdu page has every link (same targets), image, emphasis, code span, list item, line break and block
  of the English page;
- no English word of the page reaches the Urdu page outside code, URLs shown as their own link text, and
  nothing of the source passes around the catalog (link titles and alt text included).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.text.markdown import blocks, make_parser, parse_inline
from pipeline.translation import po
from pipeline.translation.review import approve
from pipeline.translation.segments import FIELD_CONTEXTS, TITLE_CONTEXT

SPEC = Path(__file__).parent / "data" / "commonmark" / "spec-0.31.2.json"
URDU_WORD = "لفظ"
WORD_RE = re.compile(r"[A-Za-z]+")
COUNTED = ("a", "img", "em", "strong", "code", "li", "br", "p", "h1", "h2", "h3", "h4", "h5", "h6",
           "blockquote", "pre", "ul", "ol", "hr", "table", "th", "td", "sup")


# The extensions the project turns on (tables, footnotes), with examples of our own, numbered after the spec's.
EXTENSIONS = [
    "| Crop | Tonnes |\n| :--- | ---: |\n| Mango | 1,200 |\n| *Citrus* [sold](https://m.example/c) | 800 |\n",
    "| a | b |\n|---|---|\n| `code` stays | line  \n|\n",
    "The office said so.[^1] Growers agreed.[^grow]\n\n[^1]: Statement of 2 June.\n"
    "[^grow]: Two growers, **by phone**.\n",
    "A note inside a list:\n\n- first[^a]\n- second\n\n[^a]: See the [records][r].\n\n"
    "[r]: /records \"District records\"\n",
    "> Quoted with a note.[^q]\n\n[^q]: From the minutes.\n",
    "Table after a break  \nthen text.\n\n| Head |\n|------|\n| ![chart](moon.jpg \"Chart title\") |\n",
]


def examples() -> list[dict]:
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    own = [{"markdown": text, "example": 1001 + i, "section": "Extensions"} for i, text in enumerate(EXTENSIONS)]
    return spec + own


def article(example: dict) -> str:
    return (f"---\nheadline: Example {example['example']}\ndate: 2026-06-02\ndateline: Lahore\n"
            f"byline:\n  author: Spec Writer\nsummary: Section {example['section']}\n---\n{example['markdown']}")


def shape(text: str, env: dict) -> list[tuple]:
    """What a segment means besides its words: every inline token but text, with its targets and code."""
    out: list[tuple] = []
    stack = list(reversed(parse_inline(text, env)))
    while stack:
        tok = stack.pop()
        if tok.type == "text":
            continue
        out.append((tok.type, tok.attrGet("href"), tok.attrGet("src"),
                    tok.content if tok.type == "code_inline" else None, str(tok.meta.get("label", ""))))
        if tok.children and tok.type != "image":
            stack.extend(reversed(tok.children))
    return out


def careful_translation(msgid: str, env: dict) -> str:
    """Replace each English word by an Urdu one wherever the Markdown still means the same."""
    meaning = shape(msgid, env)
    text = msgid
    start = 0
    while match := WORD_RE.search(text, start):
        candidate = text[:match.start()] + URDU_WORD + text[match.end():]
        if shape(candidate, env) == meaning:
            text, start = candidate, match.start() + len(URDU_WORD)
        else:
            start = match.end()
    return text


def fill(path: Path, env: dict) -> None:
    catalog = po.parse(path.read_bytes(), path.name)
    for entry in catalog.entries:
        if not entry.msgid or entry.obsolete:
            continue
        if entry.msgctxt in FIELD_CONTEXTS:
            entry.msgstr = re.sub(r"[A-Za-z]+", "مثال", entry.msgid)
        elif entry.msgctxt == TITLE_CONTEXT:
            entry.msgstr = "عنوان"
        else:
            entry.msgstr = careful_translation(entry.msgid, env)
        entry.set_fuzzy(False)
        entry.previous_msgid = None
    path.write_bytes(po.dumps(catalog))


class Page(HTMLParser):
    """The story body of a page: element counts, link targets, and the words a reader sees or hears."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside the story body
        self.verbatim = 0  # inside code or pre
        self.counts: Counter[str] = Counter()
        self.targets: Counter[str] = Counter()
        self.words: list[str] = []
        self.link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == "story-body":
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "div":
            self.depth += 1
        if tag in COUNTED:  # not span: the Urdu page isolates Latin runs in spans of their own direction
            self.counts[tag] += 1
        if tag in ("code", "pre"):
            self.verbatim += 1
        if tag == "a":
            href = found.get("href") or ""
            if not href.startswith("#"):
                self.targets[href] += 1
            self.link = (href, [])
        if tag == "img":
            self.targets[found.get("src") or ""] += 1
        for name in ("title", "alt"):
            self.words.extend(WORD_RE.findall(found.get(name) or ""))

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "div":
            self.depth -= 1
        if tag in ("code", "pre"):
            self.verbatim -= 1
        if tag == "a" and self.link:
            href, text = self.link
            shown = "".join(text)
            url = unquote(href)
            if shown not in (url, url.removeprefix("mailto:")):  # an autolink shows its URL verbatim
                self.words.extend(WORD_RE.findall(shown))
            self.link = None

    def handle_data(self, data: str) -> None:
        if not self.depth or self.verbatim:
            return
        if self.link is not None:
            self.link[1].append(data)
        else:
            self.words.extend(WORD_RE.findall(data))


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def reference_counts(markdown: str) -> Counter[str]:
    counter = Page()
    reference = make_parser().render(markdown)
    # the house footnote block has no rule above it (the page's CSS draws one): not a loss
    reference = reference.replace('<hr class="footnotes-sep" />', "")
    counter.feed('<div class="story-body">' + reference + "</div>")
    return counter.counts


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("commonmark")
    (root / "articles").mkdir()
    (root / "publication.yaml").write_text("name: Spec Gazette\nreviewers:\n"
                                           "  ur: [R, Sample reviewer (pipeline team)]\n")
    for example in examples():
        (root / "articles" / f"ex{example['example']:04}.md").write_text(article(example), encoding="utf-8")
    for image in ("articles/moon.jpg", "articles/train.jpg", "path/to/train.jpg"):  # the spec's image files
        (root / image).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (4, 3), "white").save(root / image, format="PNG")
    runner = CliRunner()
    runner.invoke(main, ["--root", str(root), "translate"], catch_exceptions=False)
    config = load_config(root)
    for example in examples():
        slug = f"ex{example['example']:04}"
        path = root / "translations" / "ur" / f"{slug}.po"
        if path.exists():
            fill(path, blocks(example["markdown"])[1])
            report = approve(config, slug, "ur", "R", None)
            with_findings = [seg_id for seg_id, why in report.refused if why.startswith("findings")]
            if with_findings:  # the reviewer read them: the markup is the English's, by construction
                approve(config, slug, "ur", "R", with_findings)
    result = runner.invoke(main, ["--root", str(root), "build", "--format", "html"], catch_exceptions=False)
    return root, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_every_example_round_trips(built):
    root, report = built
    failures: dict[int, str] = {}
    compared = Counter[str]()
    for example in examples():
        number = example["example"]
        slug = f"ex{number:04}"
        english, urdu = root / "dist" / "en" / f"{slug}.html", root / "dist" / "ur" / f"{slug}.html"
        if not english.exists():
            if not re.search(rf"articles/{slug}\.md:\d+: ", report):
                failures[number] = "refused without a located message"
            continue
        en = read_page(english)
        missing = reference_counts(example["markdown"]) - en.counts
        if missing:
            failures[number] = f"the English page lost {dict(missing)}"
        elif not urdu.exists():
            failures[number] = "no Urdu page"
        else:
            ur = read_page(urdu)
            compared.update(en.counts)
            compared["examples"] += 1
            if ur.counts != en.counts or ur.targets != en.targets:
                failures[number] = f"Urdu elements {dict(ur.counts - en.counts)} / {dict(en.counts - ur.counts)}"
            elif leaked := sorted(set(ur.words) & set(en.words)):
                failures[number] = f"English words on the Urdu page: {leaked}"
    assert not failures, "\n".join(f"example {n}: {why}" for n, why in sorted(failures.items())[:30])
    # what was compared: nearly every example, and every kind of element in numbers
    assert compared["examples"] >= 620 and compared["img"] >= 7 and compared["a"] >= 100, compared
    assert compared["br"] >= 10 and compared["li"] >= 100 and compared["em"] >= 100, compared
