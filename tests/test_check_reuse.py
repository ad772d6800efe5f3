"""`check` at scale: what it found in unchanged inputs is reused, every warning is printed again, and any
change (same size, same time), a problem, or an ended embargo makes it look again."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from click.testing import CliRunner

from pipeline.build import checks
from pipeline.build.checks import check_publication
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.runtime import stamps
from tests.test_stamps import HOUR, _in_place, _later
from tests.urdu_fixture import mango_and_rain

ARABIC_KAF = "ك"  # the Arabic letter where Urdu has ک: Urdu lint flags it


@pytest.fixture
def site(make_site, monkeypatch):
    root = mango_and_rain(make_site, {"Multan": f"ملتان {ARABIC_KAF}ا"}, approve=False)
    monkeypatch.setattr(stamps, "clock", lambda: time.time_ns() + HOUR)  # files just written vouch, as old ones do
    return root


def _counting(monkeypatch) -> list[str]:
    looked: list[str] = []
    real = checks.plan_article

    def counted(article, *args, **kwargs):
        looked.append(article.slug)
        return real(article, *args, **kwargs)

    monkeypatch.setattr(checks, "plan_article", counted)
    return looked


def check(root):
    return CliRunner().invoke(main, ["--root", str(root), "check"])


def test_nothing_changed_looks_at_no_article_and_prints_every_warning_again(site, monkeypatch):
    looked = _counting(monkeypatch)
    first = check(site)
    assert first.exit_code == 0 and sorted(looked) == ["mango", "rain"]
    assert "warning: translations/ur/mango.po: segment" in first.output and "ur/rain: held" in first.output
    second = check(site)
    assert second.exit_code == 0 and sorted(looked) == ["mango", "rain"]  # nothing looked at again
    assert second.output == first.output


def test_a_same_size_edit_of_a_catalog_is_checked_again(site, monkeypatch):
    looked = _counting(monkeypatch)
    assert "warning: translations/ur/mango.po" in check(site).output
    po = site / "translations" / "ur" / "mango.po"
    _later(po)
    _in_place(po, ARABIC_KAF, "ک")  # two bytes for two bytes: the Urdu letter
    result = check(site)
    assert sorted(looked) == ["mango", "mango", "rain"]
    assert "warning: translations/ur/mango.po" not in result.output


def test_an_article_with_a_problem_is_checked_every_time_so_a_fix_shows(site, monkeypatch):
    path = site / "articles" / "rain.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("date: 2026-07-01", "date: 2026-13-01"), encoding="utf-8")
    for _ in range(2):
        result = check(site)
        assert result.exit_code == 1 and "articles/rain.md" in result.output
    path.write_text(good, encoding="utf-8")
    assert check(site).exit_code == 0


def test_an_embargo_that_ended_is_checked_again(site):
    path = site / "articles" / "rain.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "tags: [agriculture]\n", "tags: [agriculture]\nembargo: 2030-01-01T00:00:00+00:00\n"), encoding="utf-8")
    config = load_config(site)
    before = check_publication(config, now=dt.datetime(2029, 12, 31, tzinfo=dt.UTC))
    assert any("en/rain: held" in line and "embargoed" in line for line in before.held)
    again = check_publication(config, now=dt.datetime(2029, 12, 31, 12, tzinfo=dt.UTC))
    assert again.reused == 2 and again.held == before.held
    after = check_publication(config, now=dt.datetime(2030, 1, 2, tzinfo=dt.UTC))
    assert after.reused == 1 and not any("en/rain" in line for line in after.held)


def test_a_damaged_check_file_costs_a_full_check_never_a_wrong_answer(site):
    config = load_config(site)
    first = check_publication(config)
    (config.state_dir(config.default_out) / checks.CHECK_FILE).write_text("{not json", encoding="utf-8")
    again = check_publication(config)
    assert again.reused == 0 and again.held == first.held and again.warnings == first.warnings
