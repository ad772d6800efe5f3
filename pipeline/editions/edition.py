"""One article in one language, ready for the templates.

In: an `Article`, a language, the config, a `Translate` function (identity for English; the
approved catalog for a translation) and the language's interface strings (footnote labels).
Out: an `EditionResult`: the `EditionPage` with the body, editorial note and fields as HTML in that
language, the problems found on the way (unsafe links, missing images, broken footnotes) and the
images the page needs.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from pipeline.config import Config
from pipeline.editions.pages import NO_PROVENANCE, NO_TEXT, EditionPage, Provenance
from pipeline.errors import Problem
from pipeline.languages import SOURCE_LANGUAGE, direction
from pipeline.sources.articles import Article
from pipeline.text import markdown as markup
from pipeline.text.characters import convert_digits
from pipeline.text.fonts import coverage, missing_problem_text
from pipeline.text.localize import digit_system, format_date
from pipeline.text.quotes import quote_style, set_quotes, set_quotes_in_tokens
from pipeline.text.runts import tie_last_words, tie_text
from pipeline.text.urdu import urdu_text_html
from pipeline.translation.segments import (
    CORRECTION_CONTEXT,
    NOTE_CONTEXT,
    TITLE_CONTEXT,
    WITHDRAWAL_CONTEXT,
    Translate,
    field_values,
    normalize,
    segment_id,
)

TextHtml = Callable[[str], str]


@dataclass
class EditionResult:
    page: EditionPage
    problems: list[Problem] = field(default_factory=list)
    images: dict[str, Path] = field(default_factory=dict)


def identity(_context: str | None, source: str) -> str:
    return source


def text_html_for(lang: str, config: Config) -> TextHtml:
    """How a run of text becomes HTML in this language (escaping; for Urdu also digits and bidi)."""
    if lang == "ur":
        system = digit_system(lang, config.digits)
        return lambda text: urdu_text_html(text, system)
    return lambda text: markup.render_inline_text(text)


def _lifecycle(article: Article, lang: str, config: Config, translate: Translate,
               text_html: TextHtml) -> dict[str, object]:
    """The page's corrections, withdrawal notice, version and last change, in the edition's language."""
    return {
        "corrections": tuple((c.date.isoformat(), format_date(c.date, lang, config.digits, config.urdu_dates),
                              Markup(text_html(translate(CORRECTION_CONTEXT, normalize(c.note)))))
                             for c in article.corrections),
        "withdrawn": article.withdrawn,
        "withdrawal_html": Markup(text_html(translate(WITHDRAWAL_CONTEXT, normalize(article.withdrawal_note))))
        if article.withdrawn else NO_TEXT,
        "version": article.version,
        "modified_iso": article.modified.isoformat(),
    }


def _drawable(translate: Translate, covered: frozenset[int], where: str, problems: list[Problem]) -> Translate:
    """`translate`, reporting (once per segment) a translation with a character no bundled font has: the PDF
    would take it from whatever font the machine has, or print a box."""
    seen: set[str] = set()

    def checked(context: str | None, source: str) -> str:
        text = translate(context, source)
        why = missing_problem_text(text, covered)
        seg = segment_id(context, source)
        if why and seg not in seen:
            seen.add(seg)
            problems.append(Problem(where, None, None, f"the translation of segment {seg}: {why}"))
        return text
    return checked


def _house_quotes(translate: Translate, lang: str, config: Config) -> Translate:
    """`translate` for plain-text fields (headline, byline, corrections...), with the house quotation marks."""
    style, rtl = quote_style(config.quotes), direction(lang) == "rtl"

    def quoted(context: str | None, source: str) -> str:
        return set_quotes([translate(context, source)], style, rtl)[0] or ""
    return quoted


def _inline_dateline(body_html: str, place: str, author: str, text_html: TextHtml) -> str | None:
    """The body with the dateline the way Urdu papers print it, "کراچی (نادیہ بلوچ)" at the start of the first
    paragraph; None when the body does not start with a paragraph (the dateline then stays in the header)."""
    if not body_html.startswith("<p>"):
        return None
    city = re.split("[،,]", place, maxsplit=1)[0].strip()  # "کراچی، سندھ، پاکستان": the city
    credit = f"{city} ({author})" if author else city
    return f'<p><span class="dateline-inline">{text_html(credit)}</span> {body_html[3:]}'


def footnote_labels(interface: gettext.NullTranslations) -> markup.FootnoteLabels:
    """The footnote heading and back-link label in the edition's language (listed in interface.CODE_MESSAGES)."""
    return markup.FootnoteLabels(heading=interface.gettext("Notes"),
                                 backlink=interface.gettext("Back to reference {number}"))


def _head(fields: dict[str, str], text_html: TextHtml, translated: bool) -> dict[str, object]:
    """The headline and byline of the page, as text and as HTML (a translated headline never ends on a lone
    word)."""
    return {
        "headline": fields["headline"],
        "headline_html": Markup(text_html(tie_text(fields["headline"]) if translated else fields["headline"])),
        "dateline_html": Markup(text_html(fields["dateline"])),
        "author": fields["byline.author"],
        "author_html": Markup(text_html(fields["byline.author"])),
        "location_html": Markup(text_html(fields["byline.location"])) if fields["byline.location"] else Markup(""),
    }


def build_edition(article: Article, lang: str, config: Config, translate: Translate = identity,
                  alternates: tuple[tuple[str, str], ...] = (),
                  provenance: Provenance = NO_PROVENANCE,
                  interface: gettext.NullTranslations | None = None) -> EditionResult:
    text_html = text_html_for(lang, config)
    labels = footnote_labels(interface or gettext.NullTranslations())
    system = digit_system(lang, config.digits)
    problems: list[Problem] = []
    images: dict[str, Path] = {}
    if translate is not identity:
        translate = _drawable(translate, coverage(config.fonts), f"translations/{lang}/{article.slug}.po", problems)

    def render_markdown(text: str, context: str | None, line_offset: int | None, field_name: str) -> str:
        translated = translate is not identity
        tokens, env = markup.parse(text, (lambda source, env: translate(context, normalize(source, env)))
                                   if translated else None,
                                   title=lambda title: translate(TITLE_CONTEXT, normalize(title)))
        if translated:
            set_quotes_in_tokens(tokens, quote_style(config.quotes), direction(lang) == "rtl")
            tie_last_words(tokens)
        res = markup.Resources(root=config.root, base_dir=config.articles_dir,
                               where=f"translations/{lang}/{article.slug}.po" if translated else article.path,
                               line_offset=None if translated else line_offset, field=field_name)
        markup.check_structure(tokens, env, text, res, translated)
        markup.check_links(tokens, res)
        problems.extend(res.problems)
        images.update(res.images)
        return markup.render(tokens, env, text_html, lambda n: convert_digits(str(n), system), labels)

    # a withdrawn story shows only its notice: its body is neither rendered nor published
    body_html = render_markdown(article.body, None, article.body_line, "body") if not article.withdrawn else ""
    note_html = render_markdown(article.editorial_note, NOTE_CONTEXT, article.note_line, "editorial_note") \
        if article.editorial_note and not article.withdrawn else ""

    if translate is not identity:
        translate = _house_quotes(translate, lang, config)
    fields = {ctx: translate(ctx, normalize(value)) if value else "" for ctx, value in field_values(article).items()}
    translated = translate is not identity
    inline = _inline_dateline(body_html, fields["dateline"], fields["byline.author"], text_html) \
        if lang == "ur" and config.urdu_dateline == "inline" else None
    page = EditionPage(
        slug=article.slug,
        lang=lang,
        **_head(fields, text_html, translated),
        dateline_inline=inline is not None,
        date_iso=article.date.isoformat(),
        date_display=format_date(article.date, lang, config.digits, config.urdu_dates),
        body_html=Markup(body_html if inline is None else inline),
        note_html=Markup(note_html),
        summary=fields["summary"] if not article.withdrawn else "",
        # tags are English words: never on a page in another language around the catalog
        tags=article.tags if lang == SOURCE_LANGUAGE and not article.withdrawn else (),
        alternates=alternates,
        provenance=provenance,
        **_lifecycle(article, lang, config, translate, text_html),
    )
    return EditionResult(page, problems, images)
