"""Urdu translations of the test article in conftest.py (written for the tests, reviewed by eye)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.translation import po
from tests.conftest import article_text

URDU = {
    "Early Mango Harvest in Multan": "ملتان میں آم کی جلد فصل",
    "Multan, Punjab, Pakistan": "ملتان، پنجاب، پاکستان",
    "Nadia Baloch": "نادیہ بلوچ",
    "Multan": "ملتان",
    "Mango growers in south Punjab report an early harvest.":
        "جنوبی پنجاب کے آم کے کاشتکاروں نے جلد فصل کی اطلاع دی ہے۔",
    "Growers around Multan began picking mangoes two weeks early this year.":
        "ملتان کے گرد و نواح کے کاشتکاروں نے اس سال دو ہفتے پہلے آم توڑنا شروع کر دیے۔",
    "The district agriculture office said yields were **higher** than last season.":
        "ضلعی محکمۂ زراعت کے مطابق پیداوار پچھلے سیزن سے **زیادہ** رہی۔",
    "This report was checked against the district's published records.":
        "اس رپورٹ کی ضلع کے شائع شدہ ریکارڈ سے تصدیق کی گئی۔",
}


def read_catalog(path: Path) -> po.Catalog:
    return po.parse(path.read_bytes(), path.name)


def fill_catalog(path: Path, table: dict[str, str] | None = None, *, unfuzzy: bool = True) -> None:
    """Play the translator: fill every msgstr we know, as a PO editor would save it."""
    table = URDU if table is None else table
    catalog = read_catalog(path)
    for entry in catalog.entries:
        if entry.msgid and not entry.obsolete and entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if unfuzzy:
                entry.set_fuzzy(False)
                entry.previous_msgid = None
    path.write_bytes(po.dumps(catalog))


def mango_and_rain(make_site: Callable[..., Path], table: dict[str, str] | None = None, approve: bool = True) -> Path:
    """A publication of two stories, mango and rain, with their catalogs made by `translate`: mango's Urdu
    filled from `table` (the translations above by default) and, when `approve`, approved by reviewer R;
    rain's Urdu waits for its translator."""
    root = make_site({"articles/mango.md": article_text(),
                      "articles/rain.md": article_text(headline="Rain Expected in Lahore", date="2026-07-01")})
    runner = CliRunner()
    runner.invoke(main, ["--root", str(root), "translate"], catch_exceptions=False)
    fill_catalog(root / "translations" / "ur" / "mango.po", table)
    if approve:
        runner.invoke(main, ["--root", str(root), "approve", "mango", "--reviewer", "R", "--all"],
                      catch_exceptions=False)
    return root
