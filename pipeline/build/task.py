"""One article's task: plan its editions and write every output made from them.

In: the `BuildContext`, one changed article as the build found it (`Work`: its file, slug and the hash of
the bytes the build checked; the task reads the file and its catalogs again, once, and renders from those
bytes), or an `Article` with its `ArticleInputs`, and what the previous build recorded of its outputs.
Out: an `Outcome`: the outputs written (through one `Writer`, atomically, each path once) with their
hashes and the key of what they were made from, the editions held back and why, the problems. It runs
in a worker process (or inline, or on a Dask worker that sees the same filesystem); the build holds
the output folder's lock. Whatever goes wrong with one article is reported against it; the other
articles go on.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import os
import resource
from dataclasses import dataclass, field

from pipeline.build.context import BuildContext
from pipeline.build.outputs import Output, Writer
from pipeline.build.plan import ArticleInputs, plan_article, read_inputs
from pipeline.editions.edition import EditionResult
from pipeline.errors import Problem, ProblemsFound
from pipeline.formats import EDITION_FORMATS, FORMATS, EditionJob
from pipeline.formats.html import environment, render_article
from pipeline.formats.pdf import RenderTimeout, warm_up
from pipeline.runtime.hashing import digest
from pipeline.sources.articles import Article, load_article, read_article_bytes
from pipeline.sources.files import read_bytes
from pipeline.text.localize import format_date
from pipeline.text.markdown import MAX_IMAGE_BYTES
from pipeline.translation.gate import Hold


@dataclass
class Outcome:
    """What one article task made: the files written and what the cache should remember of them."""

    path: str
    slug: str
    langs: list[str]
    key: str = ""  # of the exact inputs the outputs were made from
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # rel path -> {"sha", "source"}
    images: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # the article's (English) tags
    held: list[Hold] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    translation_problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, dict[str, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    rendered_pdfs: int = 0
    peak_kb: int = 0


@functools.lru_cache(maxsize=4)
def interface_for(ctx: BuildContext) -> dict[str, gettext.NullTranslations]:
    """Interface strings per process, compiled from the bytes the build read (once per build)."""
    return ctx.interface.translations(ctx.config)[0]


def warm(ctx: BuildContext) -> None:
    """Make a worker ready before its first task: templates compiled, locale data loaded, WeasyPrint."""
    for lang, translations in interface_for(ctx).items():
        environment(ctx.config.templates, translations).get_template("article.html")
        format_date(dt.date(2026, 1, 1), lang, ctx.config.digits)
    if "pdf" in ctx.formats:
        warm_up()


IN_FLIGHT = 64  # tasks handed to an executor at a time (`pipeline.build.run`)


@dataclass(frozen=True)
class Work:
    """What a task needs to find a changed article again: the build read and checked it, and kept only this."""

    path: str  # under the root, as the cache names it
    slug: str
    languages: tuple[str, ...]
    sha: str  # of the bytes the build checked
    cost: int  # a guess at the task's length, for the order of the tasks


def process_file(ctx: BuildContext, work: Work, old_outputs: dict[str, dict[str, str]]) -> Outcome:
    """Read the article file again, check it is the one the build checked, and process it (its problems of
    reading were reported by the build). A file changed in between is this article's problem, never a
    render of bytes the build did not check."""
    config = ctx.config
    path = config.root / work.path
    try:
        data = read_article_bytes(path, config)
        article = load_article(path, config, data)[0] if digest(data) == work.sha else None
    except ProblemsFound as found:
        return Outcome(work.path, work.slug, list(work.languages), problems=found.problems)
    if article is None:
        return Outcome(work.path, work.slug, list(work.languages), problems=[Problem(
            work.path, None, None, "changed while it was being published; its previous files are kept: publish "
                                   "again")])
    return process_article(ctx, article, read_inputs(config, path, data, article.slug), old_outputs)


def process_article(ctx: BuildContext, article: Article, inputs: ArticleInputs,
                    old_outputs: dict[str, dict[str, str]]) -> Outcome:
    """See the module docstring. Never raises for one article's trouble: it is in the Outcome."""
    try:
        return _process(ctx, article, inputs, old_outputs)
    except ProblemsFound as found:  # a file that could not be read or written
        return Outcome(article.path, article.slug, list(article.languages), problems=found.problems)
    except (Exception, RenderTimeout) as err:  # reported, never swallowed: the other articles go on
        if os.environ.get("PIPELINE_DEBUG"):
            raise
        if isinstance(err, RenderTimeout):
            message = f"{err}; split the article or shorten its tables"
        else:
            message = (f"could not be rendered ({type(err).__name__}: {err}); this is a bug in the pipeline: "
                       "run again with PIPELINE_DEBUG=1 and report the traceback")
        return Outcome(article.path, article.slug, list(article.languages),
                       problems=[Problem(article.path, None, None, message)])


def _process(ctx: BuildContext, article: Article, inputs: ArticleInputs,
             old_outputs: dict[str, dict[str, str]]) -> Outcome:
    config = ctx.config
    now = dt.datetime.fromisoformat(ctx.now) if ctx.now else None
    the_plan = plan_article(article, inputs, config, set(ctx.broken_interface), ctx.out, ctx.langs, now,
                            interface_for(ctx), {lang: dict(pairs) for lang, pairs in ctx.tag_names})
    outcome = Outcome(article.path, article.slug, list(article.languages), held=the_plan.held,
                      problems=the_plan.problems, translation_problems=the_plan.translation_problems,
                      tags=list(article.tags))
    if the_plan.problems:
        return outcome
    embargoed = [hold.lang for hold in the_plan.held if hold.until]
    if embargoed:  # an embargo set after publication: the story leaves every public file until its moment
        writer = Writer(ctx.out, ctx.since)
        for lang in embargoed:
            for name in EDITION_FORMATS:
                writer.remove(Output(name, lang, article.slug))
        return outcome
    media = _read_media(ctx, the_plan.editions)
    outcome.images = sorted(media)
    outcome.key = inputs.key(ctx.base, article.slug, [(name, digest(data)) for name, data in media.items()])
    writer = Writer(ctx.out, ctx.since)
    for name, data in sorted(media.items()):
        outcome.outputs[Output("media", name=name).rel] = {"sha": writer.write(Output("media", name=name), data),
                                                          "source": ""}
    for lang, edition in sorted(the_plan.editions.items()):
        if lang in ctx.langs:
            _write_edition(ctx, edition, media, old_outputs, writer, outcome)
    for entry in outcome.manifest.values():  # the English tags, for the tag pages of every language
        entry["tags"] = "\n".join(article.tags)
    outcome.written, outcome.unchanged = writer.written, writer.unchanged
    outcome.peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return outcome


def _read_media(ctx: BuildContext, editions: dict[str, EditionResult]) -> dict[str, bytes]:
    """The images the editions use (path under the root -> bytes), each read once, for every format."""
    found = {name: path for edition in editions.values() for name, path in edition.images.items()}
    return {name: read_bytes(path, ctx.config.root, name, MAX_IMAGE_BYTES) for name, path in sorted(found.items())}


def _write_edition(ctx: BuildContext, edition: EditionResult, media: dict[str, bytes],
                   old_outputs: dict[str, dict[str, str]], writer: Writer, outcome: Outcome) -> None:
    page = edition.page
    translations = interface_for(ctx)[page.lang]
    job = EditionJob(page, ctx.config, translations, render_article(page, ctx.config, translations),
                     {name: media[name] for name in edition.images}, ctx.assets)
    for name in FORMATS:
        output = Output(name, page.lang, page.slug)
        previous = old_outputs.get(output.rel)
        if name not in ctx.formats and previous and writer.intact(output.rel, previous):
            job.made[name] = (output.rel, (ctx.out / output.rel).stat().st_size)  # on line from an earlier build
    for name in ctx.formats:
        fmt = FORMATS[name]
        if fmt.needs_base_url and ctx.config.base_url is None:
            continue
        output = Output(name, page.lang, page.slug)
        source = fmt.source(job) if fmt.source else ""
        previous = old_outputs.get(output.rel)
        if previous and previous.get("source") == source and writer.intact(output.rel, previous):
            writer.keep(output, previous["sha"])
            outcome.outputs[output.rel] = previous
            job.made[name] = (output.rel, (ctx.out / output.rel).stat().st_size)
            continue
        assert fmt.render is not None
        data, warnings = fmt.render(job)
        outcome.outputs[output.rel] = {"sha": writer.write(output, data), "source": source}
        job.made[name] = (output.rel, len(data))
        outcome.warnings.extend(f"{output.rel}: {w}" for w in warnings)
        outcome.rendered_pdfs += name == "pdf"
    outcome.manifest[f"{page.lang}/{page.slug}"] = {
        "headline": page.headline, "author": page.author, "dateline": page.dateline_html.striptags(),
        "version": str(page.version), "modified": page.modified_iso, "withdrawn": "yes" if page.withdrawn else "",
        "date": page.date_iso, "summary": page.summary,
    }
