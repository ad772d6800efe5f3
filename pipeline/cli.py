"""The command line: a thin click layer over the stage functions.

In: arguments and the publication root (`--root`, default the current folder).
Out: the stage's work. stdout carries only what was asked for (the report, a table, `--json`);
problems, warnings, held editions and progress go to stderr. Exit status 0 when all is well, 1 when
problems were found (each reported as file:line: field: message; with --strict, warnings too), 2 for
usage errors. Library code raises only `PipelineError`s; this module alone turns them into messages
and exit codes.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from pipeline.build.checks import check_publication
from pipeline.build.progress import make_progress
from pipeline.build.run import BuildReport, build
from pipeline.config import Config, load_config
from pipeline.delivery.deliver import deliver_all
from pipeline.errors import PipelineError, Problem, ProblemsFound, UsageProblem
from pipeline.formats import EDITION_FORMATS
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.runtime.dask import connect
from pipeline.serve.users import add_user
from pipeline.sources.articles import load_articles
from pipeline.sources.importer import import_stories
from pipeline.text.urdu import lint_urdu
from pipeline.translation.approvals import open_gate_warning
from pipeline.translation.catalogs import (
    fix_catalog_letters,
    orphan_catalogs,
    sync_catalog,
)
from pipeline.translation.review import TAGS_ROW, StatusRow, status_rows, translations_lock
from pipeline.translation.review import approve as approve_segments
from pipeline.translation.review import review as review_segments
from pipeline.translation.tags import Tagged, read_tag_files, sync_tags, tag_slugs, tag_states

LANG_CHOICE = click.Choice(sorted(LANGUAGES))
INTERFACE_OPTION = click.option("--interface", is_flag=True,
                                help="The interface strings (page labels, \"By\", ...) instead of an article.")
TAGS_OPTION = click.option("--tags", is_flag=True, help="The articles' tags (translations/<lang>/tags.po) instead "
                                                         "of an article.")
KEY_OPTION = click.option("--key", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="Sign each approval with this SSH key (a private key, or the .pub file of a "
                               "key in ssh-agent); needed when publication.yaml holds your key.")
CONTEXT = {"help_option_names": ["-h", "--help"]}


class _Group(click.Group):
    """Turns the pipeline's errors into a message on stderr and an exit status, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PipelineError as err:
            click.echo(err.report(), err=True)
            ctx.exit(err.exit_code)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="The publication root (holds articles/ and translations/).")
@click.version_option(package_name="newsroom-pipeline", prog_name="pipeline")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """Bilingual newsroom publishing: Markdown articles in, English and Urdu HTML and PDF out."""
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a folder", param_hint="--root")
    ctx.obj = root


def _config(ctx: click.Context) -> Config:
    return load_config(ctx.obj)


def _warn(lines: list[str], strict: bool) -> None:
    for line in lines:
        click.echo(f"warning: {line}", err=True)
    if strict and lines:
        raise ProblemsFound([Problem("--strict", None, None, f"{len(lines)} warning(s) above count as problems")])


@main.command()
@click.option("--strict", is_flag=True, help="Warnings (Urdu lint) count as problems: exit 1.")
@click.option("--verbose", "-v", is_flag=True, help="Also list every article checked.")
@click.pass_context
def check(ctx: click.Context, strict: bool, verbose: bool) -> None:
    """Validate every article, catalog and approval; report all problems at once."""
    config = _config(ctx)
    result = check_publication(config)
    for hold in result.held:
        click.echo(hold, err=True)
    if verbose:
        for checked in result.checked:
            click.echo(f"checked {checked.path}", err=True)
    tag_problems, tag_warnings = check_tags(config, result.checked)
    warnings = [w for w in (open_gate_warning(config),) if w] + result.warnings + tag_warnings
    if result.problems or tag_problems:
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
        raise ProblemsFound(result.problems + tag_problems)
    _warn(warnings, strict)
    click.echo(f"{len(result.checked)} articles checked, no problems.")


def check_tags(config: Config, articles: Sequence[Tagged]) -> tuple[list[Problem], list[str]]:
    """Tags without a page address or sharing one, the problems of each language's tags.po and tags.approvals,
    and the Urdu lint findings of the tags' translations."""
    problems = tag_slugs(articles)[1]
    found = []
    for lang in (lang for lang in config.languages if lang != SOURCE_LANGUAGE):
        files = read_tag_files(config, lang)
        if files.po_data is None and files.approvals_data is None and not files.problems:
            continue
        states, tag_problems = tag_states(config, files)
        problems.extend(tag_problems)
        for state in (s for s in states if s.translated and lang == "ur"):
            seg = state.segment
            found.extend(f"{files.po_where}: tag {seg.source!r} (segment {seg.id}): {finding.message} "
                         f"[{finding.action}]" for finding in lint_urdu(state.translation, field=seg.lint_field,
                                                                       source=seg.source))
    return problems, found


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Turn plain-text house-format stories into articles/<slug>.md."""
    config = _config(ctx)
    for path in import_stories(list(files), config.articles_dir, display_root=config.root):
        click.echo(f"imported {config.display(path)}")


def _build_options(function: Any) -> Any:
    for option in reversed((
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Article tasks in parallel (default: the number of cores)."),
        click.option("--quiet", "-q", is_flag=True, help="No progress; only the summary and problems."),
        click.option("--verbose", "-v", is_flag=True, help="One line per article rendered (on stderr)."),
        click.option("--strict", is_flag=True, help="Warnings (missing glyphs, refused files) count as problems."),
        click.option("--now", type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]), default=None,
                     help="Judge embargoes as at this moment, e.g. 2026-12-03T06:00:00+05:00 (default: the clock)."),
    )):
        function = option(function)
    return function


@main.command(name="build")
@click.option("--lang", "langs", multiple=True, type=LANG_CHOICE, help="Only this language (repeatable).")
@click.option("--format", "formats", multiple=True, type=click.Choice(EDITION_FORMATS),
              help="Only this format (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/ under the root).")
@click.option("--force", is_flag=True, help="Rebuild everything, ignoring the build cache.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Render on a Dask distributed cluster (needs pipeline[distributed]).")
@click.option("--report-json", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the build report (what was written, kept, held; timings) as JSON.")
@_build_options
@click.pass_context
def build_command(ctx: click.Context, langs: tuple[str, ...], formats: tuple[str, ...], out: Path | None,
                  force: bool, scheduler: str | None, report_json: Path | None, jobs: int | None, quiet: bool,
                  verbose: bool, strict: bool, now: dt.datetime | None) -> None:
    """Build HTML and PDF for every publishable edition (only what changed since the last build)."""
    client = executor = None
    if scheduler:
        client, executor = connect(scheduler)
    try:
        report = build(_config(ctx), langs=langs or None, formats=formats or EDITION_FORMATS, out=out, jobs=jobs,
                       executor=executor, force=force, progress=make_progress(quiet, verbose), now=now)
    finally:
        if client is not None:
            client.close()
    if report_json is not None:
        report_json.write_text(json.dumps({
            "written": report.written, "unchanged": report.unchanged, "kept": report.kept,
            "rendered_pdfs": report.rendered_pdfs, "held": [str(h) for h in report.held], "failed": report.failed,
            "seconds": report.seconds, "peak_worker_kb": report.peak_worker_kb,
            "listing_pages_written": report.listing_pages_written(),
        }, indent=1))
    _show(report, strict)


@main.command()
@_build_options
@click.pass_context
def publish(ctx: click.Context, jobs: int | None, quiet: bool, verbose: bool, strict: bool,
            now: dt.datetime | None) -> None:
    """Check everything, then build what is publishable into dist/.

    Unchanged articles were checked when they were built and their inputs hash the same, so their
    result stands; everything that changed is checked again. Urdu lint warnings: `pipeline check`."""
    _show(build(_config(ctx), jobs=jobs, progress=make_progress(quiet, verbose), now=now), strict)


def _show(report: BuildReport, strict: bool) -> None:
    for hold in report.held:
        click.echo(str(hold), err=True)
    for key in report.unpublished:
        click.echo(f"{key}: unpublished (its article is gone)", err=True)
    for notice in report.notices:
        click.echo(f"notice: {notice}", err=True)
    skipped = report.kept + len(report.unchanged)
    listings = report.listing_pages_written()
    lists = f" ({', '.join(f'{n} {lang} listing pages' for lang, n in sorted(listings.items()))})" if listings else ""
    click.echo(f"built {report.rendered_pdfs} PDFs, wrote {len(report.written)} files{lists}, skipped {skipped} "
               f"unchanged; held {len(report.held)}, failed {len(report.failed)}; {report.seconds:.2f} s")
    if report.problems:
        _warn(report.warnings, strict=False)
        raise ProblemsFound(report.problems)
    _warn(report.warnings, strict)


@main.command()
@click.option("--lang", default="ur", type=LANG_CHOICE, show_default=True)
@click.option("--fix-letters", is_flag=True,
              help="Also apply the Urdu lint's safe fixes (look-alike letters, digits, spacing) to translations.")
@click.pass_context
def translate(ctx: click.Context, lang: str, fix_letters: bool) -> None:
    """Create or sync translations/<lang>/<slug>.po for every article, and translations/<lang>/tags.po."""
    config = _config(ctx)
    if lang == SOURCE_LANGUAGE:
        raise click.BadParameter("English is the source language; choose a translation language", param_hint="--lang")
    articles, problems = load_articles(config)
    with translations_lock(config, "pipeline translate"):
        for article in sorted(articles, key=lambda a: a.slug):
            if lang not in article.languages:
                continue
            try:
                report = sync_catalog(article, lang, config)
            except ProblemsFound as found:
                problems.extend(found.problems)
                continue
            verb = "created" if report.created else ("updated" if report.written else "unchanged")
            click.echo(f"{verb} {config.display(report.path)}: {report.new} untranslated, {report.fuzzy} fuzzy, "
                       f"{report.obsolete} obsolete")
        try:
            tags = sync_tags(config, lang, articles)
        except ProblemsFound as found:
            problems.extend(found.problems)
            tags = None
        if tags is not None:
            verb = "created" if tags.created else ("updated" if tags.written else "unchanged")
            click.echo(f"{verb} {config.display(tags.path)}: {tags.new} untranslated, {tags.fuzzy} fuzzy, "
                       f"{tags.obsolete} obsolete")
        for path, changes in fix_catalog_letters(config, lang, articles) if fix_letters else []:
            for change in changes:
                click.echo(f"fixed {config.display(path)}: {change}")
    problems.extend(orphan_catalogs(config, {a.slug for a in articles}))
    if problems:
        raise ProblemsFound(problems)


@main.command()
@click.option("--lang", "langs", multiple=True, type=LANG_CHOICE, help="Only this language (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.pass_context
def status(ctx: click.Context, langs: tuple[str, ...], as_json: bool) -> None:
    """Per article and language: segments, translated, fuzzy, approved, publishable."""
    rows, problems = status_rows(_config(ctx), langs or None)
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
    else:
        header = ("article", "lang", "segments", "translated", "fuzzy", "approved", "publishable")
        table = [header] + [(r.slug, r.lang, str(r.segments), str(r.translated), str(r.fuzzy), str(r.approved),
                             "yes" if r.publishable else "no") for r in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            click.echo("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w)
                                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip())
        for line in _waiting_tags(rows):
            click.echo(line)
    if problems:
        raise ProblemsFound(problems)


def _waiting_tags(rows: list[StatusRow]) -> list[str]:
    """`ur: tags waiting for review: climate, ports` (and for translation): what has no page yet."""
    lines = []
    for row in rows:
        for why, tags in (row.waiting or {}).items():
            if tags:
                lines.append(f"{row.lang}: tags waiting for {why}: {', '.join(tags)}")
    return lines


def _unit(slug: str | None, interface: bool, tags: bool, command: str) -> str | None:
    """The article's slug, None for the interface strings or TAGS_ROW for the tags; exactly one must be given."""
    if bool(slug) + interface + tags != 1:
        raise click.UsageError(f"give an article's SLUG, --interface (the interface strings) or --tags (the "
                               f"articles' tags): pipeline {command} SLUG ..., pipeline {command} --interface ... "
                               f"or pipeline {command} --tags ...")
    return TAGS_ROW if tags else slug


@main.command()
@click.argument("slug", required=False)
@INTERFACE_OPTION
@TAGS_OPTION
@click.option("--reviewer", required=True, help="Your name, recorded with each approval.")
@click.option("--lang", default="ur", type=LANG_CHOICE, show_default=True)
@click.option("--all", "approve_all", is_flag=True, help="Approve every translated, non-fuzzy segment.")
@click.option("--segment", "segment_ids", multiple=True, help="Approve this segment id (repeatable).")
@KEY_OPTION
@click.pass_context
def approve(ctx: click.Context, slug: str | None, interface: bool, tags: bool, reviewer: str, lang: str,
            approve_all: bool, segment_ids: tuple[str, ...], key: Path | None) -> None:
    """Record a reviewer's approval of exact (English, translation) pairs of an article (SLUG), of the
    interface strings (--interface) or of the tags (--tags)."""
    slug = _unit(slug, interface, tags, "approve")
    if approve_all == bool(segment_ids):
        raise click.UsageError("give either --all or one or more --segment ID")
    config = _config(ctx)
    with translations_lock(config, "pipeline approve"):
        report = approve_segments(config, slug, lang, reviewer, None if approve_all else list(segment_ids), key=key)
    what = "tags" if tags else slug or "interface strings"
    click.echo(f"approved {len(report.approved)} segment(s) of {lang}/{what} as {reviewer}")
    for seg_id, why in report.refused:
        click.echo(f"not approved {seg_id}: {why}", err=True)
    if report.refused and segment_ids:
        sys.exit(1)


@main.command()
@click.argument("slug", required=False)
@INTERFACE_OPTION
@TAGS_OPTION
@click.option("--lang", default="ur", type=LANG_CHOICE, show_default=True)
@click.option("--reviewer", help="Your name, recorded with each approval (asked when not given).")
@KEY_OPTION
@click.pass_context
def review(ctx: click.Context, slug: str | None, interface: bool, tags: bool, lang: str, reviewer: str | None,
           key: Path | None) -> None:
    """Walk the segments awaiting approval (of SLUG, of the interface strings with --interface, of the tags
    with --tags): source, translation, findings, lint, what changed."""
    slug = _unit(slug, interface, tags, "review")
    def ask(question: str) -> str:
        return str(click.prompt(question, default="s", show_default=False))

    if not is_terminal():
        raise UsageProblem("review asks questions and needs a terminal; in a script, approve named segments "
                           "with `pipeline approve SLUG --reviewer NAME --segment ID`")
    reviewer = reviewer or str(click.prompt("Reviewer name"))
    config = _config(ctx)
    with translations_lock(config, "pipeline review"):
        review_segments(config, slug, lang, reviewer, ask, click.echo, key=key)


@main.command(name="serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on (0: any free one; the address is printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; any but this machine's needs --users.")
@click.option("--reviewer", default=None, help="Approve in the browser as this reviewer (on publication.yaml's "
                                               "list); without it the review page is read-only.")
@KEY_OPTION
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Reviewers log in with a password from this file (`pipeline users add`).")
@click.pass_context
def serve_command(ctx: click.Context, port: int, host: str, reviewer: str | None, key: Path | None,
                  users_file: Path | None) -> None:
    """Build a preview (held editions included) into .pipeline/preview/, serve it with a review page, and
    rebuild it whenever an article, translation, template or publication.yaml is saved; open pages reload."""
    from pipeline.serve import server  # the server stack (Starlette, uvicorn, watchfiles) only for this command

    options = server.ServeOptions(host, port, reviewer, key, users_file)
    server.serve(ctx.obj, options, click.echo, lambda line: click.echo(line, err=True))


@main.group(name="users")
def users_group() -> None:
    """The reviewers who log in to `pipeline serve --users FILE`."""


@users_group.command(name="add")
@click.argument("name")
@click.option("--users", "users_file", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The users file (keep it outside the repository).")
@click.password_option("--password", help="The password (asked twice, hidden, when not given).")
def users_add(name: str, users_file: Path, password: str) -> None:
    """Add a reviewer (or set their password): only its scrypt hash is written."""
    new = add_user(users_file, name, password)
    click.echo(f"{'added' if new else 'changed the password of'} {name} in {users_file}")


@main.command(name="deliver")
@click.option("--partner", default=None, help="Only this partner (its name in publication.yaml).")
@click.option("--dry-run", is_flag=True, help="Say what would be sent; connect to nobody.")
@click.pass_context
def deliver_command(ctx: click.Context, partner: str | None, dry_run: bool) -> None:
    """Send each partner the PDFs and ninjs of its languages that it does not have yet, and a manifest.json
    with every file's SHA-256 and size (SFTP; exit 1 when a partner failed)."""
    reports = deliver_all(_config(ctx), partner, dry_run)
    for report in reports:
        click.echo(report.line(dry_run), err=bool(report.failed))
    if any(r.failed for r in reports):
        sys.exit(1)


def is_terminal() -> bool:
    """Whether a person is at the keyboard (stdin and stdout are a terminal)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def run() -> None:
    """Entry point that turns Ctrl-C into a quiet exit, never a traceback."""
    # A command makes a few hundred thousand small objects that live to its end (the state of a large
    # archive): the collector's default thresholds would scan them again and again. About 10% of a no-op
    # build of 10,000 articles; the objects hold no cycles that could pile up in the meantime.
    gc.set_threshold(100_000, 50, 100)
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    run()
