"""Issue 9, part B: every defect found by trying the pipeline as a translator, an operator and an attacker
would, each held by a test that failed on the code before the fix."""

from __future__ import annotations

import ast
import errno
import getpass
import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from pipeline.build.outputs import Output, names_edition
from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import REPO_DIR, load_config, settings_table
from pipeline.runtime import atomic
from tests.conftest import article_text
from tests.helpers import state_dir
from tests.urdu_fixture import URDU, fill_catalog, read_catalog

PARA = "Growers around Multan began picking mangoes two weeks early this year."
needs_gettext = pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext (msgcat) is not installed")


def run(root: Path, *args: str, **kwargs):
    return CliRunner().invoke(main, ["--root", str(root), *args], **kwargs)


# --- A. the layout ---------------------------------------------------------------------------------

PACKAGE = REPO_DIR / "pipeline"


def modules() -> dict[str, Path]:
    return {".".join(p.relative_to(REPO_DIR).with_suffix("").parts).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def test_the_package_has_no_import_cycles_and_imports_at_the_top():
    mods = modules()
    graph: dict[str, set[str]] = {}
    late = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                deps |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names}
        graph[name] = {d for d in deps if d in mods and d != name}
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in top:
                modname = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                weasyprint_path = name == "pipeline.formats.pdf" and modname == "ctypes.util"  # its library search
                # the server stack (Starlette, uvicorn, watchfiles: ~100 ms) is imported by `pipeline serve` alone
                server_stack = name == "pipeline.cli" and modname == "pipeline.serve"
                if not str(modname).startswith(("weasyprint", "distributed", "asyncssh", "fontTools")) \
                        and not weasyprint_path and not server_stack:
                    late.append(f"{path.name}:{node.lineno} {modname}")
    assert late == [], "imports inside functions (only WeasyPrint, Dask, asyncssh, fontTools, the server are lazy)"
    lazy = {name for name, path in mods.items() for line in path.read_text().splitlines()
            if re.match(r"\s+import weasyprint|\s+from distributed", line)}
    assert lazy == {"pipeline.formats.pdf", "pipeline.runtime.dask"}
    seen: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        assert node not in stack, " -> ".join([*stack, node])
        if node in seen:
            return
        seen.add(node)
        for dep in sorted(graph[node]):
            visit(dep, [*stack, node])

    for name in sorted(graph):
        visit(name, [])


def test_no_function_is_longer_than_60_lines_and_every_module_says_what_comes_in_and_out():
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        doc = ast.get_docstring(tree) or ""
        if not name.endswith(("__init__",)) and path.name != "__init__.py":
            assert "In:" in doc and "Out:" in doc, f"{name}: docstring without In:/Out:"
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno - node.lineno + 1 <= 60, f"{path.name}:{node.lineno} {node.name}"


def test_output_paths_are_formed_only_by_the_formats_table():
    for path in PACKAGE.rglob("*.py"):
        if path == PACKAGE / "formats" / "__init__.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
                assert not re.search(r"\.(html|pdf)\b", text), f"{path.name}:{node.lineno} forms an output path"


def test_readme_configuration_table_is_generated_from_the_settings():
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    assert settings_table() in readme, "paste pipeline.config.settings_table() into the README"


def test_base_url_is_a_setting_and_bad_values_are_refused(make_site):
    root = make_site({"articles/x.md": article_text(), "publication.yaml": "base_url: https://news.example/\n"})
    assert load_config(root).base_url == "https://news.example/"
    for bad in ("http://news.example/", "https://news.example", "ftp://x/", "[a]"):
        (root / "publication.yaml").write_text(f"base_url: {bad}\n")
        result = run(root, "check")
        assert result.exit_code == 1 and "publication.yaml:1: base_url:" in result.output, bad


# --- B1, B2. the translator's PO file ----------------------------------------------------------------

@needs_gettext
def test_an_english_edit_gives_a_catalog_gnu_gettext_and_polib_read(make_site):
    root = make_site({"articles/mango.md": article_text()})
    po = root / "translations" / "ur" / "mango.po"
    assert run(root, "translate").exit_code == 0
    fill_catalog(po)
    for step, english in enumerate([PARA.replace("two weeks", "three weeks"),  # edited
                                    PARA.replace("two weeks", "three full weeks"),  # re-edited before review
                                    PARA]):  # reverted
        (root / "articles" / "mango.md").write_text(article_text().replace(PARA, english))
        assert run(root, "translate").exit_code == 0
        check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        assert subprocess.run(["msgcat", str(po)], capture_output=True).stdout == po.read_bytes()
        entry = next(e for e in polib.pofile(str(po)) if e.msgid == english)
        if step < 2:
            assert entry.fuzzy and entry.previous_msgid == PARA and entry.msgstr == URDU[PARA]
        else:
            assert not entry.fuzzy and entry.msgstr == URDU[PARA]  # the old pair is back, approved as it was
        # an editor's round trip (msgcat rewraps at its own width) loses nothing
        subprocess.run(["msgcat", "-w", "60", "-o", str(po), str(po)], check=True)
        assert run(root, "translate").exit_code == 0
        again = next(e for e in read_catalog(po).entries if e.msgid == english)
        assert again.previous_msgid == (PARA if step < 2 else None)
        assert subprocess.run(["msgcat", str(po)], capture_output=True).stdout == po.read_bytes()


def test_a_sync_that_changes_nothing_leaves_every_catalog_byte_identical(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    po = root / "translations" / "ur" / "mango.po"
    before, stamp = po.read_bytes(), po.stat().st_mtime_ns
    result = run(root, "translate")
    assert "unchanged translations/ur/mango.po" in result.output
    assert po.read_bytes() == before and po.stat().st_mtime_ns == stamp


# --- B3. reads follow nothing ------------------------------------------------------------------------

def test_reads_refuse_links_out_devices_fifos_and_broken_links(make_site, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(article_text(headline="Secret Outside Story"))
    root = make_site({"articles/good.md": article_text()})
    (root / "articles" / "escape.md").symlink_to(outside)
    (root / "articles" / "zero.md").symlink_to("/dev/zero")
    (root / "articles" / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(root / "articles" / "pipe.md")
    (root / "translations" / "ur").mkdir(parents=True)
    (root / "translations" / "ur" / "good.po").symlink_to("/proc/self/environ")
    os.environ["PIPELINE_TEST_SECRET"] = "hunter2-secret-value"
    try:
        result = subprocess.run([str(REPO_DIR / ".venv" / "bin" / "pipeline"), "--root", str(root), "check"],
                                capture_output=True, text=True, timeout=60)
    finally:
        del os.environ["PIPELINE_TEST_SECRET"]
    out = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in out
    assert "articles/escape.md: is a link to a file outside the publication" in out
    assert "articles/zero.md: is a link to a file outside the publication" in out
    assert "articles/dangling.md: is a link to a file that does not exist" in out
    assert "articles/pipe.md: is not a regular file" in out
    assert "translations/ur/good.po: is a link to a file outside the publication" in out
    assert "hunter2" not in out and "PATH=" not in out
    publish = run(root, "publish")
    assert "Secret Outside Story" not in "".join(p.read_text() for p in (root / "dist").rglob("*.html"))
    assert publish.exit_code == 1


def test_an_image_link_out_of_the_root_is_never_read(make_site, tmp_path):
    (tmp_path / "photo.png").write_bytes(b"not read")
    root = make_site({"articles/x.md": article_text(body="![p](img/photo.png)\n")}, english_only=True)
    (root / "articles" / "img").mkdir()
    (root / "articles" / "img" / "photo.png").symlink_to(tmp_path / "photo.png")
    result = run(root, "check")
    assert result.exit_code == 1 and "outside the publication root" in result.output


# --- B4, B5. clean-up and the build state ------------------------------------------------------------

def test_clean_up_removes_only_our_own_temporary_files(make_site):
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    theirs = [root / "dist" / ".git" / ".index.tmp", root / "dist" / ".notes.tmp", root / "dist" / "en" / ".x.tmp",
              root / "translations" / ".draft.tmp"]
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("someone else's")
    ours = [root / "dist" / "en" / f"{atomic.TEMP_PREFIX}x.html.1a2b3c4d.tmp",
            root / "dist" / "media" / "a" / f"{atomic.TEMP_PREFIX}p.png.1a2b3c4d.tmp"]
    for path in ours:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("half")
    assert run(root, "publish").exit_code == 0
    assert run(root, "translate").exit_code == 0
    assert all(p.exists() for p in theirs) and not any(p.exists() for p in ours)


def test_paths_in_a_tampered_build_state_never_reach_outside_the_output_folder(make_site, tmp_path):
    victim = tmp_path / "victim.html"
    victim.write_text("keep me")
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    state = state_dir(root)
    cache = json.loads((state / "cache.json").read_text())
    entry = cache["articles"]["articles/x.md"]
    entry["outputs"]["../../victim.html"] = {"sha": "0", "source": ""}
    entry["images"] = ["../../victim.html"]
    (state / "cache.json").write_text(json.dumps(cache))
    manifest = json.loads((state / "manifest.json").read_text())
    manifest["en/../../../victim"] = manifest["en/x"]
    (state / "manifest.json").write_text(json.dumps(manifest))
    result = run(root, "publish")
    assert result.exit_code == 0, result.output
    assert "build cache .pipeline/builds/dist/cache.json is damaged" in result.output
    assert "manifest .pipeline/builds/dist/manifest.json is damaged" in result.output
    assert victim.read_text() == "keep me"
    assert (root / "dist" / "en" / "x.html").exists()


@pytest.mark.parametrize("tamper", [
    lambda e: e.update(tags=["a tag", 7]), lambda e: e.update(key=5), lambda e: e.update(langs="en"),
    lambda e: e["outputs"].update({"en/x.html/../../../victim.html": {"sha": "0"}}),
    lambda e: e["outputs"].update({"en/x.html\n": {"sha": "0"}}), lambda e: e.update(slug="../x"),
], ids=["tag-number", "key-number", "langs-text", "dot-dot", "newline", "slug"])
def test_a_build_state_entry_that_is_not_what_a_build_writes_is_damage(make_site, tamper):
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    state = state_dir(root)
    cache = json.loads((state / "cache.json").read_text())
    tamper(cache["articles"]["articles/x.md"])
    (state / "cache.json").write_text(json.dumps(cache))
    result = run(root, "publish")
    assert result.exit_code == 0, result.output
    assert "build cache .pipeline/builds/dist/cache.json is damaged" in result.output


def test_the_quick_test_for_edition_paths_agrees_with_the_output_model():
    slugs = ["x", "story-1", "x-y"]  # an article's slug: valid, never reserved
    rels = [f"{lang}/{slug}{end}" for lang in ("en", "ur", "xx", "") for slug in [*slugs, "index", "x/y", ".."]
            for end in (".html", ".pdf", ".ninjs.json", ".json", "", "/index.html", ".html/../a", ".html\n")]
    for rel in rels:
        for slug in slugs:
            output = Output.parse(rel)
            expected = output is not None and output.format in ("html", "pdf", "ninjs") and output.slug == slug
            assert names_edition(rel, slug) == expected, (rel, slug)


# --- B6. tracebacks become one clear line ------------------------------------------------------------

def test_config_with_a_key_that_is_a_list_is_one_line(make_site):
    root = make_site({"articles/x.md": article_text(), "publication.yaml": "? [a]\n: b\n"})
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:1: (a list or mapping): unknown key" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_one_line(make_site):  # pragma: no cover - CI runs as root
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    (root / "dist").mkdir()
    (root / "dist").chmod(0o500)
    result = run(root, "publish")
    assert result.exit_code == 1 and "cannot write: permission denied" in result.output


def test_a_full_disk_or_a_folder_in_the_way_is_one_line_and_leaves_no_temp_file(make_site, monkeypatch):
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    (root / "dist" / "en" / "x.html").mkdir(parents=True)
    result = run(root, "publish")
    assert result.exit_code == 1 and "dist/en/x.html: cannot write: a folder is in the way" in result.output
    (root / "dist" / "en" / "x.html").rmdir()
    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "write", full)
    result = run(root, "publish", "--jobs", "1")
    monkeypatch.setattr(atomic.os, "write", real_write)
    assert result.exit_code == 1 and "cannot write: the disk is full" in result.output
    assert "Traceback" not in result.output
    assert not [p for p in root.rglob("*") if p.name.startswith(atomic.TEMP_PREFIX)]


def test_catalog_charsets_bom_and_duplicates(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    po = root / "translations" / "ur" / "mango.po"
    text = po.read_text(encoding="utf-8")
    po.write_bytes(text.replace("charset=UTF-8", "charset=foo").encode())
    result = run(root, "check")
    assert result.exit_code == 1 and "Traceback" not in result.output and "foo" in result.output
    latin = text.replace("charset=UTF-8", "charset=ISO-8859-1").replace(
        'msgid "Multan"\nmsgstr ""', 'msgid "Multan"\nmsgstr "Multân"')
    po.write_bytes(latin.encode("latin-1", errors="replace") if latin.isascii() else latin.encode("utf-8"))
    english_only = "\n".join(line for line in latin.splitlines()) + "\n"
    po.write_bytes(english_only.encode("latin-1", errors="ignore"))
    states = run(root, "status", "--json")
    assert "Traceback" not in states.output
    assert read_catalog(po).find("Multan", "byline.location").msgstr == "Multân"  # decoded, not mojibake
    po.write_bytes(b"\xef\xbb\xbf" + text.encode())
    approvals = root / "translations" / "ur" / "mango.approvals"
    approvals.write_bytes(b"\xef\xbb\xbf# approvals\n")
    assert run(root, "check").exit_code == 0  # a BOM is accepted on both
    duplicate = text + '\nmsgctxt "headline"\nmsgid "Early Mango Harvest in Multan"\nmsgstr "x"\n'
    po.write_text(duplicate)
    result = run(root, "check")
    lines = [n for n, line in enumerate(duplicate.splitlines(), 1) if line == 'msgid "Early Mango Harvest in Multan"']
    assert result.exit_code == 1 and "duplicate" in result.output
    assert f"mango.po:{lines[1]}" in result.output and str(lines[0]) in result.output


# --- B7. nothing the parser drops is lost silently ----------------------------------------------------

def test_deeply_nested_quotes_are_published_whole_or_refused_with_the_line(make_site):
    deep = "> " * 25 + "deep words\n\nThe paragraph after the quote.\n"
    root = make_site({"articles/x.md": article_text(body=deep)}, english_only=True)
    assert run(root, "publish").exit_code == 0
    html = (root / "dist" / "en" / "x.html").read_text()
    assert "deep words" in html and "The paragraph after the quote." in html
    (root / "articles" / "x.md").write_text(article_text(body="Intro.\n\n" + "> " * 60 + "lost?\n"))
    result = run(root, "check")
    assert result.exit_code == 1 and re.search(r"articles/x\.md:15: body: quotes and lists are nested too deep",
                                               result.output), result.output


# --- B8. PDFs do not depend on the folder they were built in --------------------------------------------

def test_links_in_pdfs_use_base_url_or_are_text_and_two_folders_give_the_same_bytes(make_site, tmp_path):
    body = "See [the other story](other.html) and [the index](index.html), or [Dawn](https://dawn.com/).\n"
    root = make_site({"articles/x.md": article_text(body=body), "articles/other.md": article_text(headline="O")},
                     english_only=True)
    assert run(root, "publish").exit_code == 0
    pdf = (root / "dist" / "en" / "x.pdf").read_bytes()
    assert str(root).encode() not in pdf and b"file:" not in pdf
    uris = [a["/A"].get("/URI") for page in PdfReader(root / "dist" / "en" / "x.pdf").pages
            for a in (o.get_object() for o in page.get("/Annots") or []) if "/A" in a]
    assert "https://dawn.com/" in uris and not [u for u in uris if u and "other" in u]
    copy = tmp_path / "elsewhere" / "checkout"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("dist", ".pipeline"))
    assert run(copy, "publish").exit_code == 0
    assert (copy / "dist" / "en" / "x.pdf").read_bytes() == pdf
    (root / "publication.yaml").write_text("languages: [en]\nbase_url: https://news.example/\n")
    assert run(root, "publish").exit_code == 0
    uris = [a["/A"].get("/URI") for page in PdfReader(root / "dist" / "en" / "x.pdf").pages
            for a in (o.get_object() for o in page.get("/Annots") or []) if "/A" in a]
    assert "https://news.example/en/other.html" in uris and "https://news.example/en/index.html" in uris


# --- B9, B10. streams, and nothing about the build machine in what is deployed -------------------------

def test_help_strict_and_streams(make_site):
    root = make_site({"articles/x.md": article_text()})
    assert run(root, "-h").exit_code == 0 and run(root, "check", "-h").exit_code == 0
    result = run(root, "publish")
    assert result.exit_code == 0
    assert "ur/x: held" in result.stderr and "held" not in result.stdout.replace("held 1", "")
    assert result.stdout.count("\n") == 1
    check = run(root, "check", "--strict")
    assert check.exit_code == 0  # holds are not warnings
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "x.po", {**URDU, "Multan": "ملتان."})  # lint flags the ASCII dot
    lax, strict = run(root, "check"), run(root, "check", "--strict")
    assert "warning:" in lax.stderr and lax.exit_code == 0
    assert strict.exit_code == 1 and "--strict" in strict.output


def test_nothing_in_the_deployed_folder_names_the_build_machine(make_site):
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    assert not (root / "dist" / ".pipeline").exists()
    needles = [re.escape(str(root).encode()), rb"pid \d+"]
    if len(socket.gethostname()) >= 5:  # a two-letter host name ("vm") occurs by chance in compressed streams
        needles.append(rb"\b" + re.escape(socket.gethostname().encode()) + rb"\b")
    try:
        needles.append(re.escape(f"{getpass.getuser()}@".encode()))
    except OSError:
        pass
    for path in (root / "dist").rglob("*"):
        if path.is_file() and path.parent.name != "fonts":  # font files are copies of the repository's
            data = path.read_bytes()
            assert not [n for n in needles if re.search(n, data)], path


# --- B12, B15. the cache is keyed on what was rendered; tests that hold what they claim ------------------

def test_an_approval_made_during_a_publish_is_published_by_the_next(make_site, monkeypatch):
    from pipeline.build import task

    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    real = task.plan_article

    def reviewer_approves_meanwhile(*args, **kwargs):
        plan = real(*args, **kwargs)  # the build has read the catalog and approvals: now the reviewer acts
        run(root, "approve", "mango", "--reviewer", "R", "--all")
        return plan

    monkeypatch.setattr(task, "plan_article", reviewer_approves_meanwhile)
    first = build(load_config(root), jobs=1)
    assert [h.lang for h in first.held] == ["ur"]
    monkeypatch.setattr(task, "plan_article", real)
    second = build(load_config(root), jobs=1)
    assert second.held == [] and (root / "dist" / "ur" / "mango.pdf").exists()


def test_an_approved_segment_that_turns_fuzzy_is_held(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    po = root / "translations" / "ur" / "mango.po"
    fill_catalog(po)
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    catalog = read_catalog(po)
    catalog.find("Multan", "byline.location").set_fuzzy(True)  # a translator's doubt, the text unchanged
    from pipeline.translation import po as po_module

    po.write_bytes(po_module.dumps(catalog))
    result = run(root, "publish")
    assert "ur/mango: held, 1 of 8 segments waiting (1 fuzzy)" in result.output
    assert not (root / "dist" / "ur" / "mango.html").exists()


def test_the_urdu_headline_and_index_entries_are_isolated_for_bidi(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po",
                 {**URDU, "Early Mango Harvest in Multan": "ملتان میں NDMA کی رپورٹ"})
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(root, "publish").exit_code == 0
    span = '<span dir="ltr" lang="en">NDMA</span>'
    assert span in (root / "dist" / "ur" / "mango.html").read_text().split('class="headline"')[1].split("</h1>")[0]
    assert span in (root / "dist" / "ur" / "index.html").read_text()


def test_a_replaced_photo_is_republished(make_site):
    from tests.test_hostile import png

    root = make_site({"articles/x.md": article_text(body="![p](p.png)\n"), "articles/p.png": png(4, 4)},
                     english_only=True)
    assert run(root, "publish").exit_code == 0
    pdf = (root / "dist" / "en" / "x.pdf").read_bytes()
    (root / "articles" / "p.png").write_bytes(png(6, 3))
    assert run(root, "publish").exit_code == 0
    assert (root / "dist" / "media" / "articles" / "p.png").read_bytes() == png(6, 3)
    assert (root / "dist" / "en" / "x.pdf").read_bytes() != pdf


def test_an_unsafe_link_never_reaches_the_page_even_when_reported(make_site):
    from pipeline.editions.edition import build_edition
    from pipeline.sources.articles import load_article

    root = make_site({"articles/x.md": article_text(body="[a](javascript:alert(1)) and [b](data:x)\n")},
                     english_only=True)
    config = load_config(root)
    article, _ = load_article(root / "articles" / "x.md", config)
    edition = build_edition(article, "en", config)
    assert len(edition.problems) == 2
    assert "javascript" not in edition.page.body_html and "data:" not in edition.page.body_html


def test_the_pdf_renderer_cannot_read_the_output_folder(make_site):
    from pipeline.formats.pdf import Sources, render_pdf

    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    html = f'<html><body><img src="{(root / "dist" / "en" / "x.pdf").as_uri()}"><img src="../en/x.pdf"></body></html>'
    _pdf, warnings = render_pdf(html, "en/y.html", "", Sources(REPO_DIR / "templates", REPO_DIR / "fonts"))
    assert len([w for w in warnings if w.startswith("refused to load")]) == 2


# --- B13, B14, B16, B17 --------------------------------------------------------------------------------

def test_an_oversized_translation_is_refused_quickly_with_the_segment(make_site):
    root = make_site({"articles/mango.md": article_text()})
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {**URDU, PARA: "ب " * 200_000})
    result = run(root, "check")
    assert result.exit_code == 1 and "has 400,000 characters; the limit is 40,000" in result.output


def test_the_landing_page_is_a_template_with_the_policy_language_and_direction(make_site):
    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    landing = (root / "dist" / "index.html").read_text()
    assert 'http-equiv="Content-Security-Policy"' in landing
    assert '<html lang="en" dir="ltr">' in landing and 'href="en/index.html"' in landing


def test_installs_are_locked_with_hashes_and_the_lock_is_in_the_cache_key(monkeypatch, tmp_path):
    from pipeline.build import cache

    lock = (REPO_DIR / "requirements.lock").read_text()
    pins = re.findall(r"^([a-z0-9._-]+)==([^ \\]+)", lock, re.M | re.I)
    assert ("weasyprint", "70.0") in [(n.lower(), v) for n, v in pins]
    assert lock.count("--hash=sha256:") >= len(pins)
    assert "--require-hashes -r requirements.lock" in (REPO_DIR / "Makefile").read_text()
    before = cache.code_key()
    other = tmp_path / "requirements.lock"
    other.write_text(lock.replace("weasyprint==70.0", "weasyprint==70.1"))
    monkeypatch.setattr(cache, "LOCK_LIST", other)
    assert cache.code_key() != before


def test_a_no_op_publish_renders_no_index_page(make_site, monkeypatch):
    from pipeline.build import indexes, listings

    root = make_site({"articles/x.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0

    def fail(*args, **kwargs):
        raise AssertionError("an index was rendered again")

    monkeypatch.setattr(listings, "render_listing", fail)
    monkeypatch.setattr(indexes, "render_landing", fail)
    result = run(root, "publish")
    assert result.exit_code == 0 and "wrote 0 files" in result.output
