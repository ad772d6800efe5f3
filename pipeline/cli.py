"""The command line: a thin click layer over the stage functions.

In: arguments and the publication root (`--root`, default the current folder).
Out: the stage's work and a report on stdout/stderr. Exit status 0 when all is well, 1 when
problems were found (each reported as file:line: field: message), 2 for usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.config import KNOWN_LANGUAGES, Config, load_config
from pipeline.errors import ProblemsFound

LANG_CHOICE = click.Choice(sorted(KNOWN_LANGUAGES))


@click.group()
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


@main.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate every article, catalog and approval; report all problems at once."""
    from pipeline.build import plan

    config = _config(ctx)
    the_plan = plan(config)
    for hold in the_plan.held:
        click.echo(str(hold))
    if the_plan.problems:
        raise ProblemsFound(the_plan.problems)
    click.echo(f"{len(the_plan.articles)} articles checked, no problems.")


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def import_(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Turn plain-text house-format stories into articles/<slug>.md."""
    from pipeline.importer import import_stories

    config = _config(ctx)
    written = import_stories(list(files), config.articles_dir, display_root=config.root)
    for path in written:
        click.echo(f"imported {config.display(path)}")


@main.command()
@click.option("--lang", "langs", multiple=True, type=LANG_CHOICE, help="Only this language (repeatable).")
@click.option("--format", "formats", multiple=True, type=click.Choice(["html", "pdf"]),
              help="Only this format (repeatable).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder (default: dist/ under the root).")
@click.pass_context
def build(ctx: click.Context, langs: tuple[str, ...], formats: tuple[str, ...], out: Path | None) -> None:
    """Build HTML and PDF for every publishable edition."""
    _run_build(_config(ctx), langs, formats, out)


@main.command()
@click.pass_context
def publish(ctx: click.Context) -> None:
    """Check everything, then build what is publishable into dist/."""
    _run_build(_config(ctx), (), (), None)


def _run_build(config: Config, langs: tuple[str, ...], formats: tuple[str, ...], out: Path | None) -> None:
    from pipeline.build import FORMATS, build

    report = build(config, langs=langs or None, formats=formats or FORMATS, out=out)
    for hold in report.held:
        click.echo(str(hold))
    click.echo(f"written {len(report.written)}, unchanged {len(report.unchanged)}, "
               f"held {len(report.held)}, failed {len(report.failed)} "
               f"in {report.seconds:.1f} s")
    if report.problems:
        raise ProblemsFound(report.problems)


def run() -> None:
    """Entry point that turns a broken pipe or Ctrl-C into a quiet exit, never a traceback."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    run()
