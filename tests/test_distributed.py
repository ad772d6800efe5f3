"""The build on any executor: a Dask LocalCluster gives the same bytes as the local process pool."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.build.run import build
from pipeline.cli import main
from pipeline.config import load_config
from tests.conftest import article_text
from tests.test_incremental import snapshot

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  silence_logs=50) as local:
        yield local


def test_dask_executor_gives_identical_outputs(make_site, tmp_path, cluster):
    root = make_site({"articles/mango.md": article_text(),
                      "articles/rain.md": article_text(headline="Rain Expected in Lahore", date="2026-07-01")},
                     english_only=True)
    config = load_config(root)
    local = build(config, out=tmp_path / "local", jobs=1)
    with distributed.Client(cluster) as client:
        remote = build(config, out=tmp_path / "dask", executor=client.get_executor())
    assert local.rendered_pdfs == remote.rendered_pdfs == 2
    assert snapshot(tmp_path / "local") == snapshot(tmp_path / "dask")


def test_cli_scheduler_option(make_site, tmp_path, cluster):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--scheduler", cluster.scheduler_address,
                                       "--out", str(tmp_path / "out"), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "built 1 PDFs" in result.output
    assert (tmp_path / "out" / "en" / "mango.pdf").read_bytes().startswith(b"%PDF")


def test_a_dask_worker_with_two_threads_renders_pdfs_one_at_a_time(make_site, tmp_path):
    """Dask runs tasks in threads; WeasyPrint/GLib crashed when two PDFs rendered at once in one process."""
    files = {f"articles/story-{n}.md": article_text(headline=f"Story number {n}", date=f"2026-07-0{n}")
             for n in range(1, 5)}
    root = make_site(files, english_only=True)
    config = load_config(root)
    local = build(config, out=tmp_path / "local", jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True, dashboard_address=":0",
                                  silence_logs=50) as threaded, distributed.Client(threaded) as client:
        remote = build(config, out=tmp_path / "dask", executor=client.get_executor())
    assert local.rendered_pdfs == remote.rendered_pdfs == 4
    assert snapshot(tmp_path / "local") == snapshot(tmp_path / "dask")
