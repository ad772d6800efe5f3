"""The publishing gate for translated editions.

In: an English `Article`, a target language, the config (catalogs and approvals on disk).
Out: a `Translate` function when every segment is translated, not fuzzy and approved; otherwise a
`Hold` saying how many segments are waiting, so the edition is held back and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.config import Config
from pipeline.errors import Problem
from pipeline.load import Article
from pipeline.segment import Translate, segments


@dataclass(frozen=True)
class Hold:
    slug: str
    lang: str
    waiting: int
    total: int
    reason: str

    def __str__(self) -> str:
        return f"{self.lang}/{self.slug}: held, {self.waiting} of {self.total} segments waiting ({self.reason})"


def translator_for(article: Article, lang: str, config: Config) -> tuple[Translate | None, Hold | None,
                                                                          list[Problem]]:
    total = len(segments(article))
    catalog = config.translations_dir / lang / f"{article.slug}.po"
    if not catalog.exists():
        return None, Hold(article.slug, lang, total, total,
                          f"no catalog yet; run: pipeline translate --lang {lang}"), []
    from pipeline.catalog import gate

    return gate(article, lang, config)
