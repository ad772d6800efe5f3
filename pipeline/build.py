"""The build: read and check everything, then write what is publishable.

In: a `Config` (the publication root) and the languages and formats asked for.
Out: in the output folder, per language `<lang>/<slug>.html`, `<lang>/<slug>.pdf` and
`<lang>/index.html`, plus `assets/`, `fonts/`, `media/` and a landing `index.html`; and a
`BuildReport` saying what was written, held back (with the count of segments waiting) or failed.
A bad article or a held edition never stops the others, and its previously published files stay
exactly as they were. Every file is written atomically.
"""

from __future__ import annotations

import gettext
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import atomic
from pipeline.config import FONTS_DIR, SOURCE_LANGUAGE, TEMPLATES_DIR, Config
from pipeline.edition import EditionResult, build_edition
from pipeline.errors import Problem
from pipeline.load import Article, load_articles
from pipeline.localize import digit_system, format_date
from pipeline.messages import interface_translations
from pipeline.render import IndexEntry, render_article, render_index
from pipeline.segment import segments
from pipeline.translate_gate import Hold, translator_for

FORMATS = ("html", "pdf")
MANIFEST = ".pipeline/manifest.json"


@dataclass
class Plan:
    """Everything read and checked, nothing written yet."""

    articles: list[Article]
    editions: dict[tuple[str, str], EditionResult]  # (slug, lang) -> ready edition
    translations: dict[str, gettext.NullTranslations]  # interface strings per language
    held: list[Hold]
    problems: list[Problem]
    failed: set[str]  # slugs whose English could not be loaded or rendered


@dataclass
class BuildReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    held: list[Hold] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def plan(config: Config, langs: tuple[str, ...] | None = None) -> Plan:
    """Load every article and every translation; decide what each edition is, or why it waits."""
    articles, problems = load_articles(config)
    wanted = langs or config.languages
    editions: dict[tuple[str, str], EditionResult] = {}
    held: list[Hold] = []
    failed: set[str] = {p.file for p in problems}
    translators = {}
    interface: dict[str, gettext.NullTranslations] = {}
    broken_interface: set[str] = set()
    for lang in config.languages:
        interface[lang], found = interface_translations(config, lang)
        problems.extend(found)
        if found:
            broken_interface.add(lang)
    for article in articles:
        for lang in article.languages:
            if lang not in config.languages:
                continue
            if lang in broken_interface:
                total = len(segments(article))
                held.append(Hold(article.slug, lang, total, total, "interface strings not translated"))
                continue
            if lang == SOURCE_LANGUAGE:
                translators[(article.slug, lang)] = None
                continue
            translate, hold, found = translator_for(article, lang, config)
            problems.extend(found)
            if hold is not None:
                held.append(hold)
            else:
                translators[(article.slug, lang)] = translate
    ready_langs = {}
    for slug, lang in translators:
        ready_langs.setdefault(slug, []).append(lang)
    for article in articles:
        for lang in ready_langs.get(article.slug, []):
            if lang not in wanted:
                continue
            others = tuple((other, f"../{other}/{article.slug}.html")
                           for other in ready_langs[article.slug] if other != lang)
            translate = translators[(article.slug, lang)]
            result = build_edition(article, lang, config, translate, others) if translate else \
                build_edition(article, lang, config, alternates=others)
            if result.problems:
                problems.extend(result.problems)
                failed.add(article.path)
                continue
            editions[(article.slug, lang)] = result
    for lang in config.languages:
        if lang != SOURCE_LANGUAGE:
            from pipeline.catalog import orphan_catalogs

            problems.extend(orphan_catalogs(config, lang, articles))
    # an article whose English fails does not publish in any language
    bad_slugs = {a.slug for a in articles if a.path in failed}
    editions = {k: v for k, v in editions.items() if k[0] not in bad_slugs}
    return Plan(articles, editions, interface, held, problems, failed)


def build(config: Config, *, langs: tuple[str, ...] | None = None, formats: tuple[str, ...] = FORMATS,
          out: Path | None = None) -> BuildReport:
    started = time.monotonic()
    out = (out or config.default_out).resolve()
    the_plan = plan(config, langs)
    report = BuildReport(held=the_plan.held, problems=the_plan.problems,
                         failed=sorted(the_plan.failed))
    wanted = tuple(lang for lang in (langs or config.languages) if lang in config.languages)
    _copy_assets(out, report)
    manifest = _read_manifest(out)
    translations = the_plan.translations
    publication = {lang: config.name_for(lang) for lang in wanted}
    for (slug, lang), result in sorted(the_plan.editions.items()):
        page_html = render_article(result.page, config, translations[lang], publication[lang])
        page_path = out / lang / f"{slug}.html"
        for media, source in sorted(result.images.items()):
            _record(report, out, out / "media" / media, source.read_bytes())
        if "html" in formats:
            _record(report, out, page_path, page_html.encode("utf-8"))
        if "pdf" in formats:
            from pipeline.pdf import render_pdf

            pdf, warnings = render_pdf(page_html, page_path, page_css(config, lang, translations[lang]),
                                       allowed=(out, config.root, TEMPLATES_DIR, FONTS_DIR))
            report.warnings.extend(f"{lang}/{slug}.pdf: {w}" for w in warnings)
            _record(report, out, out / lang / f"{slug}.pdf", pdf)
        manifest[f"{lang}/{slug}"] = {
            "headline": result.page.headline, "dateline": result.page.dateline_html.striptags(),
            "date": result.page.date_iso, "summary": result.page.summary,
        }
    if "html" in formats:
        for lang in wanted:
            _write_index(config, out, lang, manifest, translations[lang], publication[lang], report)
        _record(report, out, out / "index.html", _landing(config, wanted).encode("utf-8"))
    atomic.write_text(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    report.seconds = time.monotonic() - started
    return report


def page_css(config: Config, lang: str, translations: gettext.NullTranslations) -> str:
    """The print rules that depend on the edition: page size, running header sides, page labels."""
    _ = translations.gettext
    label = _("Page {page} of {pages}")
    style = "urdu-digits" if digit_system(lang, config.digits) == "urdu" else "decimal"
    parts = []
    for i, piece in enumerate(label.replace("{pages}", "\x00P").replace("{page}", "\x00p").split("\x00")):
        if i and piece[:1] == "P":
            parts.append(f"counter(pages, {style})")
        elif i and piece[:1] == "p":
            parts.append(f"counter(page, {style})")
        piece = piece[1:] if i else piece
        if piece:
            parts.append(_css_string(piece))
    start, end = ("right", "left") if lang == "ur" else ("left", "right")
    return (
        f"@page {{ size: {config.page_size};"
        f" @top-{start} {{ content: string(publication); }}"
        f" @top-{end} {{ content: string(headline); }}"
        f" @bottom-center {{ content: {' '.join(parts)}; }} }}\n"
        f"@page :first {{ @top-{start} {{ content: none; }} @top-{end} {{ content: none; }} }}\n"
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _record(report: BuildReport, out: Path, path: Path, data: bytes) -> None:
    rel = path.relative_to(out).as_posix()
    (report.written if atomic.write_bytes(path, data) else report.unchanged).append(rel)


def _copy_assets(out: Path, report: BuildReport) -> None:
    for sheet in ("style.css", "mobile.css"):
        _record(report, out, out / "assets" / sheet, (TEMPLATES_DIR / sheet).read_bytes())
    for font in sorted(FONTS_DIR.iterdir()):
        if font.suffix in (".ttf", ".txt"):
            target = out / "fonts" / font.name
            if not (target.exists() and target.stat().st_size == font.stat().st_size
                    and target.read_bytes() == font.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{font.name}.tmp")
                shutil.copyfile(font, tmp)
                tmp.replace(target)
                report.written.append(f"fonts/{font.name}")


def _read_manifest(out: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_index(config: Config, out: Path, lang: str, manifest: dict[str, dict[str, str]],
                 translations: gettext.NullTranslations, publication: str, report: BuildReport) -> None:
    """The index lists every edition of the language that is on disk: new ones and kept ones."""
    import datetime as dt

    entries = []
    for key, info in manifest.items():
        entry_lang, slug = key.split("/", 1)
        if entry_lang != lang or not (out / lang / f"{slug}.html").exists():
            continue
        try:
            date = dt.date.fromisoformat(str(info.get("date", "")))
        except ValueError:
            continue
        entries.append(IndexEntry(slug=slug, headline=str(info.get("headline", slug)),
                                  dateline=str(info.get("dateline", "")), date_iso=date.isoformat(),
                                  date_display=format_date(date, lang, config.digits),
                                  summary=str(info.get("summary", ""))))
    entries.sort(key=lambda e: (e.date_iso, e.slug), reverse=True)
    others = [(other, f"../{other}/index.html") for other in config.languages if other != lang]
    page = render_index(lang, entries, others, config, translations, publication)
    _record(report, out, out / lang / "index.html", page.encode("utf-8"))


def _landing(config: Config, langs: tuple[str, ...]) -> str:
    links = "".join(f'<li><a href="{lang}/index.html" hreflang="{lang}">{name}</a></li>'
                    for lang, name in (("en", "English"), ("ur", "اردو")) if lang in langs)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{_html_escape(config.name)}</title>"
            "<link rel=\"stylesheet\" href=\"assets/style.css\"></head>"
            f"<body><main><h1 class=\"index-title\">{_html_escape(config.name)}</h1>"
            f"<ul class=\"story-list\">{links}</ul></main></body></html>\n")


def _html_escape(text: str) -> str:
    import html

    return html.escape(text)
