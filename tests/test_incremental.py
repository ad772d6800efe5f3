"""The build cache: each kind of input change rebuilds exactly what it should, and nothing wrong is kept."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.build import cache as cache_module
from pipeline.build.cache import CACHE_FILE
from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import FONTS_DIR, TEMPLATES_DIR, load_config
from pipeline.translation.interface import used_messages
from pipeline.translation.review import approve
from tests.urdu_fixture import fill_catalog, mango_and_rain

MANGO_PDFS = {"en/mango.pdf", "ur/mango.pdf"}


@pytest.fixture
def site(make_site, tmp_path):
    root = mango_and_rain(make_site)
    templates, fonts = tmp_path / "templates", tmp_path / "fonts"
    shutil.copytree(TEMPLATES_DIR, templates)
    shutil.copytree(FONTS_DIR, fonts)
    config = dataclasses.replace(load_config(root), templates=templates, fonts=fonts)
    first = build(config, jobs=1)
    assert first.rendered_pdfs == 3 and not first.problems
    return config


def rebuild(config, **options):
    report = build(config, jobs=1, **options)
    assert not report.problems, report.problems
    pages = {p for p in report.written if p.endswith((".html", ".pdf")) and not p.endswith("index.html")}
    return report, pages


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and ".pipeline" not in p.parts}


def test_no_change_renders_nothing(site):
    report, pages = rebuild(site)
    assert report.rendered_pdfs == 0 and pages == set() and report.kept == 6
    assert [h.slug for h in report.held] == ["rain"]  # held editions are still reported


def test_one_article_edit_rebuilds_only_its_editions_and_the_indexes(site):
    before = snapshot(site.default_out)
    path = site.articles_dir / "rain.md"
    path.write_text(path.read_text().replace("two weeks early", "a week early"))
    report, pages = rebuild(site)
    assert pages == {"en/rain.html", "en/rain.pdf"}
    assert report.rendered_pdfs == 1
    after = snapshot(site.default_out)
    changed = {name for name in after if after[name] != before.get(name)}
    index = {name for name in changed if name.startswith("en/search/pagefind/")}  # the words changed: search
    assert changed - index == {"en/rain.html", "en/rain.pdf"}  # the index text did not change: headline and date same
    assert index and not any(name.endswith(".js") for name in index)  # Pagefind's script stays as it was


def test_catalog_and_approval_changes_rebuild_that_article_only(site):
    fill_catalog(site.translations_dir / "ur" / "mango.po", {"Multan": "ملتان شہر"})
    report, pages = rebuild(site)
    assert pages == set() and report.rendered_pdfs == 0  # unapproved: held, nothing rewritten
    assert [(h.slug, h.lang) for h in report.held] == [("mango", "ur"), ("rain", "ur")]
    CliRunner().invoke(main, ["--root", str(site.root), "approve", "mango", "--reviewer", "R", "--all"])
    report, pages = rebuild(site)
    assert pages == {"ur/mango.html", "ur/mango.pdf"}


def test_template_change_rebuilds_every_page(site):
    article = site.templates / "article.html"
    article.write_text(article.read_text().replace('<p class="back">', '<p class="back" id="back">'))
    report, pages = rebuild(site)
    assert pages == {"en/mango.html", "en/mango.pdf", "ur/mango.html", "ur/mango.pdf", "en/rain.html",
                     "en/rain.pdf"}
    assert report.rendered_pdfs == 3


def test_css_font_config_and_version_changes_rerender_the_pdfs(site, monkeypatch):
    style = site.templates / "style.css"
    style.write_text(style.read_text() + "\n.story-body p { color: #111; }\n")
    assert rebuild(site)[0].rendered_pdfs == 3
    font = site.fonts / "NotoSerif-Regular.ttf"
    font.write_bytes(font.read_bytes() + b"\0")
    assert rebuild(site)[0].rendered_pdfs == 3
    (site.root / "publication.yaml").write_text("page_size: Letter\n")
    config = dataclasses.replace(load_config(site.root), templates=site.templates, fonts=site.fonts)
    assert rebuild(config)[0].rendered_pdfs == 3
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert rebuild(config)[0].rendered_pdfs == 3
    assert rebuild(config)[0].rendered_pdfs == 0


def test_interface_string_change_rebuilds_urdu_pdfs_only(site):
    po = site.translations_dir / "ur" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    source = Path(__file__).parent.parent / "translations" / "ur" / "LC_MESSAGES" / "messages.po"
    po.write_text(source.read_text().replace('msgstr "ادارتی نوٹ"', 'msgstr "اداریہ نوٹ"'))
    shutil.copy(source.with_suffix(".approvals"), po.with_suffix(".approvals"))
    before = (site.default_out / "ur" / "mango.html").read_bytes()
    report = build(site, jobs=1)  # the changed string is not approved: every Urdu edition waits
    required = len(used_messages(site))  # every string the templates and the code use
    assert report.rendered_pdfs == 0 and f"1 of {required} interface strings are not approved" in str(report.problems)
    assert (site.default_out / "ur" / "mango.html").read_bytes() == before
    approve(site, None, "ur", "R", None)
    report, pages = rebuild(site)
    assert report.rendered_pdfs == 1 and "ur/mango.pdf" in pages
    assert "اداریہ نوٹ" in (site.default_out / "ur" / "mango.html").read_text()


def test_corrupted_or_stale_cache_leads_to_a_rebuild_not_wrong_output(site):
    out = site.default_out
    good = snapshot(out)
    state = site.state_dir(out)
    (state / CACHE_FILE).write_text("{ this is not json")
    report, _ = rebuild(site)
    assert report.rendered_pdfs == 3 and snapshot(out) == good
    (state / CACHE_FILE).write_text('{"version": 2, "articles": {"articles/mango.md": {"key": 5}}}')
    report, _ = rebuild(site)
    assert report.rendered_pdfs == 3 and snapshot(out) == good
    (out / "en" / "mango.pdf").write_bytes(b"%PDF-1.7 truncated")  # an output damaged behind our back
    report, pages = rebuild(site)
    assert "en/mango.pdf" in pages and snapshot(out) == good
    report = build(site, jobs=1, force=True)
    assert report.rendered_pdfs == 3 and snapshot(out) == good


def test_jobs_1_and_jobs_2_give_byte_identical_outputs(site, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build(site, out=one, jobs=1, force=True)
    report = build(site, out=two, jobs=2, force=True)
    assert report.rendered_pdfs == 3
    assert snapshot(one) == snapshot(two)


def test_a_no_op_build_does_not_import_weasyprint(site):
    code = (
        "import sys, dataclasses, pathlib\n"
        "from pipeline.build.run import build\n"
        "from pipeline.config import load_config\n"
        f"config = dataclasses.replace(load_config(pathlib.Path({str(site.root)!r})),"
        f" templates=pathlib.Path({str(site.templates)!r}), fonts=pathlib.Path({str(site.fonts)!r}))\n"
        "report = build(config, jobs=1)\n"
        "assert report.rendered_pdfs == 0, report\n"
        "print('weasyprint' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_threaded_executor_gives_the_same_bytes(site, tmp_path):
    """Threads share the templates and the Markdown renderer (as in a threaded Dask worker)."""
    from concurrent.futures import ThreadPoolExecutor

    for i in range(6):  # more English and Urdu articles, rendered side by side
        shutil.copy(site.articles_dir / "mango.md", site.articles_dir / f"mango-{i}.md")
        for suffix in (".po", ".approvals"):
            shutil.copy(site.translations_dir / "ur" / f"mango{suffix}",
                        site.translations_dir / "ur" / f"mango-{i}{suffix}")
    build(site, out=tmp_path / "one", jobs=1, formats=("html",))
    with ThreadPoolExecutor(4) as threads:
        build(site, out=tmp_path / "threads", executor=threads, formats=("html",))
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "threads")
    assert "ادارتی نوٹ" in (tmp_path / "threads" / "ur" / "mango-3.html").read_text()
    assert "ادارتی نوٹ" not in (tmp_path / "threads" / "en" / "mango-3.html").read_text()


def test_an_article_changed_between_its_check_and_its_task_keeps_its_files_and_says_so(site, monkeypatch):
    from pipeline.build import task

    path = site.articles_dir / "rain.md"
    page = site.default_out / "en" / "rain.html"
    before = page.read_bytes()
    path.write_text(path.read_text().replace("two weeks early", "a week early"))
    real = task.read_article_bytes
    monkeypatch.setattr(task, "read_article_bytes",  # the editor saves again just as the task reads it
                        lambda p, config: real(p, config).replace(b"a week early", b"a day early!"))
    report = build(site, jobs=1)
    assert [p.message for p in report.problems] == [
        "changed while it was being published; its previous files are kept: publish again"]
    assert report.failed == ["articles/rain.md"] and page.read_bytes() == before
    monkeypatch.undo()
    report, pages = rebuild(site)
    assert pages == {"en/rain.html", "en/rain.pdf"}
