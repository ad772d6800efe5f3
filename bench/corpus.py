"""A synthetic publication for benchmarks: N articles with approved Urdu catalogs.

In: a folder and N.
Out: `articles/*.md` (about 450 words each, with headings, a list, a table every fifth article and a
footnote every third), `translations/ur/*.po` filled with synthetic Urdu, and approvals for every
segment, so every article publishes in both languages. Deterministic for a given N.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.sources.articles import load_articles
from pipeline.translation import po
from pipeline.translation.catalogs import (
    catalog_path,
    sync_catalog,
    write_catalog,
)
from pipeline.translation.review import load_unit, record

EN_WORDS = ("the district council said water supply would improve after new pumps were installed along "
            "the canal while farmers asked for fair prices and traders reported higher demand in the city "
            "market as officials promised a review of the budget before the monsoon season").split()
UR_WORDS = ("ضلعی کونسل نے کہا کہ نہر کے ساتھ نئے پمپ لگنے کے بعد پانی کی فراہمی بہتر ہو جائے گی جبکہ "
            "کسانوں نے منصفانہ قیمتوں کا مطالبہ کیا اور تاجروں نے شہر کی منڈی میں زیادہ طلب کی اطلاع دی").split()
TOPICS = ("water", "council", "health", "schools", "roads", "markets", "weather")
PLACES = ("Lahore", "Karachi", "Multan", "Quetta", "Peshawar", "Hyderabad", "Sukkur", "Gilgit")


def _sentence(rng: random.Random, words: list[str], n: int, stop: str) -> str:
    text = " ".join(rng.choice(words) for _ in range(n))
    return text[0].upper() + text[1:] + stop if stop == "." else text + stop


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, EN_WORDS, rng.randint(12, 22), ".") for _ in range(rng.randint(3, 5)))


def article_text(i: int, archive: bool = False) -> str:
    """Article number i. `archive`: dated as a daily paper's archive grows (40 stories a day from 2016, the
    newest last) and tagged by place and topic, instead of 300 days of 2026 and two tags for all."""
    rng = random.Random(i)
    place = PLACES[i % len(PLACES)]
    days = i // 40 if archive else i % 300
    date = dt.date(2016 if archive else 2026, 1, 1) + dt.timedelta(days=days)
    tags = f"[{place}, {TOPICS[i % len(TOPICS)]}]" if archive else "[water, council]"
    body = [_paragraph(rng), _paragraph(rng), "## What officials said", _paragraph(rng),
            "- " + _sentence(rng, EN_WORDS, 8, ".") + "\n- " + _sentence(rng, EN_WORDS, 9, "."), _paragraph(rng)]
    if i % 5 == 0:
        body.append("| Year | Tonnes | Change |\n|---|---:|---:|\n" +
                    "\n".join(f"| {2020 + y} | {rng.randint(1000, 9000):,} | {rng.randint(1, 30)}% |"
                              for y in range(6)))
    if i % 3 == 0:
        body[0] += "[^1]"
        body.append("[^1]: " + _sentence(rng, EN_WORDS, 10, "."))
    body.append(_paragraph(rng))
    return (
        "---\n"
        f"headline: {place} Council Reviews Water Plan Number {i}\n"
        f"date: {date.isoformat()}\n"
        f"dateline: {place}, Pakistan\n"
        "byline:\n  author: Staff Reporter\n"
        f"  location: {place}\n"
        "editorial_note: Figures were provided by the district council.\n"
        f"summary: The {place} council reviews its water plan before the monsoon.\n"
        f"tags: {tags}\n"
        "---\n" + "\n\n".join(body) + "\n"
    )


def _urdu_for(msgid: str, rng: random.Random) -> str:
    if msgid.startswith("|") or msgid.replace(",", "").replace("%", "").isdigit():
        return msgid
    if "[^1]" in msgid:
        return _sentence(rng, UR_WORDS, 14, "۔") + "[^1]"
    n = max(3, min(40, len(msgid.split())))
    return " ".join(_sentence(rng, UR_WORDS, min(n, 18), "۔") for _ in range(max(1, n // 18)))


def make_corpus(root: Path, n: int, *, urdu: bool = True, archive: bool = False) -> Config:
    (root / "articles").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / "articles" / f"story-{i:04d}.md").write_text(article_text(i, archive), encoding="utf-8")
    (root / "publication.yaml").write_text("languages: [en, ur]\n" if urdu else "languages: [en]\n")
    config = load_config(root)
    if not urdu:
        return config
    articles, problems = load_articles(config)
    assert not problems, problems
    for article in articles:
        sync_catalog(article, "ur", config)
        path = catalog_path(config, "ur", article.slug)
        catalog = po.parse(path.read_bytes(), path.name)
        rng = random.Random(article.slug)
        for entry in catalog.entries:
            if entry.msgid:
                entry.msgstr = _urdu_for(entry.msgid, rng)
        write_catalog(path, catalog)
        unit = load_unit(config, article.slug, "ur")
        record(config, unit, unit.states, lambda approval: approval, "Benchmark reviewer", "2026-01-01T00:00:00Z")
    return config
