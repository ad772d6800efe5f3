"""Deciding what an article publishes: read and check everything, write nothing.

In: an article file's bytes and the bytes of its catalogs and approvals, read once (`ArticleInputs`);
the interface strings of each language; the output folder (to see which editions are online).
Out: an `ArticlePlan` per article (its ready editions, its held ones with the count of segments
waiting, its problems), for a build and for `pipeline check` (`pipeline.build.checks`). A problem in the
English stops every edition of the article; a problem in a translation holds that translation only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gettext
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.outputs import Output
from pipeline.config import Config
from pipeline.editions.edition import EditionResult, build_edition
from pipeline.editions.pages import Provenance
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.runtime.hashing import digest
from pipeline.runtime.stamps import stamp, stamp_or_absent
from pipeline.sources.articles import Article
from pipeline.sources.files import read_bytes
from pipeline.text.markdown import MAX_IMAGE_BYTES
from pipeline.translation.approvals import trust_for
from pipeline.translation.catalogs import CatalogFiles, read_catalog_files
from pipeline.translation.gate import Hold, translator_for, withdrawal_translator
from pipeline.translation.interface import InterfaceFiles, interface_translations, read_interface
from pipeline.translation.segments import segments
from pipeline.translation.tags import tag_slug


@dataclass(frozen=True)
class ArticleInputs:
    """An article file and its translation files, as read once: a build renders from exactly these
    bytes and keys its cache on them, so an approval written during a build is never lost."""

    path: Path
    data: bytes
    catalogs: tuple[CatalogFiles, ...] = ()

    def files_for(self, lang: str) -> CatalogFiles:
        return next(c for c in self.catalogs if c.lang == lang)

    def key(self, base: str, slug: str, images: list[tuple[str, str]]) -> str:
        """Everything the article's editions depend on: its text, every catalog and approvals file,
        the digests of its images (path, digest), and the global key."""
        parts: list[str | bytes] = [base, self.data, slug]
        for files in self.catalogs:
            parts.extend([files.lang, files.po_data or b"-", files.approvals_data or b"-",
                          "refused" if files.problems else ""])
        for name, sha in sorted(images):
            parts.extend([name, sha])
        return digest(*parts)


def image_digest(config: Config, name: str) -> str:
    """An image's digest as an article's key covers it (path under the root); "missing" when it cannot be read."""
    try:
        return digest(read_bytes(config.root / name, config.root, name, MAX_IMAGE_BYTES))
    except ProblemsFound:
        return "missing"


def inputs_seen(config: Config, path: Path | str, slug: str, images: list[str], since: int, base: str) -> str | None:
    """The stamps (`pipeline.runtime.stamps`) of every file an article's key covers: the article, its
    catalogs and approvals (`catalog_path`, `approvals_path`, spelled here as strings: this runs for every
    article of every build), its images; None when one of them cannot vouch for its content."""
    folder = str(config.translations_dir)
    parts = [stamp(path, since)]
    for lang in config.languages:
        if lang != SOURCE_LANGUAGE:
            parts.append(stamp_or_absent(f"{folder}/{lang}/{slug}.po", since))
            parts.append(stamp_or_absent(f"{folder}/{lang}/{slug}.approvals", since))
    parts.extend(stamp(f"{config.root}/{name}", since) for name in images)
    if any(part is None for part in parts):
        return None
    return digest(base, slug, *(part or "" for part in parts))


def read_inputs(config: Config, path: Path, data: bytes, slug: str) -> ArticleInputs:
    langs = [lang for lang in config.languages if lang != SOURCE_LANGUAGE]
    return ArticleInputs(path, data, tuple(read_catalog_files(config, lang, slug) for lang in langs))


@dataclass(frozen=True)
class Interface:
    """The interface strings of every language, read once per build."""

    files: tuple[InterfaceFiles, ...]

    def translations(self, config: Config) -> tuple[dict[str, gettext.NullTranslations], set[str], list[Problem]]:
        """Each language's approved strings, the languages to hold (anything missing, fuzzy or not approved)
        and why."""
        table: dict[str, gettext.NullTranslations] = {}
        broken: set[str] = set()
        problems: list[Problem] = []
        for interface in self.files:
            table[interface.lang], found = interface_translations(config, interface)
            problems.extend(found)
            if found:
                broken.add(interface.lang)
        return table, broken, problems

    def key_parts(self) -> list[str | bytes]:
        return [part for i in self.files for part in (i.lang, i.files.po_data or b"-", i.pot or b"-",
                                                      i.files.approvals_data or b"-")]


def _tag_names(article: Article, lang: str, tag_names: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The article's tags as a language shows them: English as they are; elsewhere only the approved ones."""
    if article.withdrawn:
        return {}
    if lang == SOURCE_LANGUAGE:
        return {tag: tag for tag in article.tags}
    approved = tag_names.get(lang, {})
    return {tag: approved[tag] for tag in article.tags if tag in approved}


def tag_key(tag_names: Mapping[str, Mapping[str, str]], tags: Iterable[str]) -> str:
    """The key of the approved names an article's pages show for its tags ("" when there are none)."""
    parts = [f"{lang}\t{tag}\t{names[tag]}" for lang, names in sorted(tag_names.items()) for tag in tags
             if tag in names]
    return digest(*parts) if parts else ""


def read_interface_files(config: Config) -> tuple[Interface, list[Problem]]:
    files = tuple(read_interface(config, lang) for lang in config.languages)
    return Interface(files), []  # a file that cannot be read is reported with the language's other problems


@dataclass
class ArticlePlan:
    """One article read and checked: its ready editions, its held ones, its problems."""

    article: Article
    editions: dict[str, EditionResult] = field(default_factory=dict)
    held: list[Hold] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # in the English: the article publishes nowhere
    translation_problems: list[Problem] = field(default_factory=list)  # hold only that translation


def plan_article(article: Article, inputs: ArticleInputs, config: Config, broken_interface: set[str], out: Path,
                 wanted: tuple[str, ...] | None = None, now: dt.datetime | None = None,
                 interface: Mapping[str, gettext.NullTranslations] | None = None,
                 tag_names: Mapping[str, Mapping[str, str]] | None = None) -> ArticlePlan:
    """Decide every edition of one article: render its body, or say why it waits (an embargo not yet
    over at `now` holds them all). Each edition links to the article's other editions that this build
    writes or that are still published in `out`, and to the pages of its tags: every tag in English, in
    another language the tags whose translation is approved (`tag_names`: lang -> English tag -> name)."""
    result = ArticlePlan(article)
    if article.embargo and (now or dt.datetime.now(dt.UTC)) < article.embargo:
        until = article.embargo.astimezone(dt.UTC).isoformat()
        total = len(segments(article))
        result.held.extend(Hold(article.slug, lang, total, total, f"embargoed until {article.embargo.isoformat()}",
                                until) for lang in article.languages if lang in config.languages)
        return result
    wanted = wanted or config.languages
    source = Provenance(source_sha256=hashlib.sha256(inputs.data).hexdigest())
    interface = interface or {}
    english = build_edition(article, SOURCE_LANGUAGE, config, provenance=source,
                            interface=interface.get(SOURCE_LANGUAGE))
    if english.problems:
        result.problems.extend(english.problems)
        for lang in _translations_of(article, config):
            total = len(segments(article))
            result.held.append(Hold(article.slug, lang, total, total,
                                    f"waits for the English article to be fixed ({article.path})"))
        return result
    result.editions[SOURCE_LANGUAGE] = english
    for lang in _translations_of(article, config):
        _plan_translation(result, article, inputs.files_for(lang), config, broken_interface, source,
                          interface.get(lang))
    online = [lang for lang in config.languages if (lang in result.editions and lang in wanted)
              or (out / Output("html", lang, article.slug).rel).is_file()]
    for lang, edition in result.editions.items():
        page = Output("html", lang, article.slug)
        others = tuple((other, Output("html", other, article.slug).href_from(page))
                       for other in online if other != lang)
        names = _tag_names(article, lang, tag_names or {})
        tags = tuple((names[tag], Output("tag", lang, name=slug).href_from(page))
                     for tag in names if (slug := tag_slug(tag)))
        edition.page = dataclasses.replace(edition.page, alternates=others, tag_links=tags,
                                           tags=edition.page.tags if lang == SOURCE_LANGUAGE else tuple(names.values()),
                                           index_href=Output("index", lang).href_from(page))
    return result


def _translations_of(article: Article, config: Config) -> list[str]:
    return [lang for lang in article.languages if lang in config.languages and lang != SOURCE_LANGUAGE]


def _plan_translation(result: ArticlePlan, article: Article, files: CatalogFiles, config: Config,
                      broken_interface: set[str], source: Provenance,
                      interface: gettext.NullTranslations | None) -> None:
    lang = files.lang
    total = len(segments(article))
    if lang in broken_interface:
        result.held.append(Hold(article.slug, lang, total, total,
                                f"the {lang} interface strings wait for a translator or reviewer: see pipeline check"))
        return
    approved, hold, found = translator_for(article, files, trust_for(config, lang))
    result.translation_problems.extend(found)
    if article.withdrawn and approved is None:
        approved, hold = withdrawal_translator(article, files, trust_for(config, lang)), None
    if hold is not None or approved is None:
        result.held.append(hold or Hold(article.slug, lang, total, total, "no translation"))
        return
    provenance = dataclasses.replace(source, reviewers=approved.reviewers, approved_at=approved.approved_at)
    edition = build_edition(article, lang, config, approved.translate, provenance=provenance, interface=interface)
    if edition.problems:
        result.translation_problems.extend(edition.problems)
        result.held.append(Hold(article.slug, lang, len(edition.problems), total,
                                "the translation has problems: see above"))
    else:
        result.editions[lang] = edition
