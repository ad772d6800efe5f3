"""Urdu translations of the test article in conftest.py (written for the tests, reviewed by eye)."""

from __future__ import annotations

from pathlib import Path

from pipeline.translation import po

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
