"""Urdu text runs to bidi-safe HTML, and the Unicode hygiene checklist (docs URDU.md)."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.urdu import Finding, fix_letters, lint_urdu, urdu_text_html

LTR = '<span dir="ltr" lang="en">'
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
LATIN_LETTER = re.compile("[A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")


def ltr(s: str) -> str:
    return f"{LTR}{s}</span>"


class Runs(HTMLParser):
    """Text outside and inside dir="ltr" spans; fails on any other markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.outside: list[str] = []
        self.inside: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert (tag, sorted(attrs)) == ("span", [("dir", "ltr"), ("lang", "en")])
        assert self.depth == 0, "nested ltr spans"
        self.depth += 1
        self.inside.append("")

    def handle_endtag(self, tag):
        assert tag == "span"
        self.depth -= 1

    def handle_data(self, data):
        self.text.append(data)
        if self.depth:
            self.inside[-1] += data
        else:
            self.outside.append(data)


def parse(out: str) -> Runs:
    p = Runs()
    p.feed(out)
    p.close()
    assert p.depth == 0
    return p


def codes(text: str, field: str | None = None) -> dict[str, str]:
    return {f.code: f.action for f in lint_urdu(text, field=field)}


# --- urdu_text_html: what is wrapped ----------------------------------------------------------------------------
def test_brief_sample_wraps_acronym_in_parentheses_and_phone():
    text = "کراچی پورٹ ٹرسٹ (KPT) کے ترجمان نے +92-21-111-222-333 پر رابطے کی ہدایت کی۔"
    assert urdu_text_html(text, "latin") == (
        f"کراچی پورٹ ٹرسٹ {ltr('(KPT)')} کے ترجمان نے {ltr('+92-21-111-222-333')} پر رابطے کی ہدایت کی۔")


def test_consecutive_latin_words_form_one_run_with_their_parenthesis():
    out = urdu_text_html("ترجمان Karachi Port Trust (KPT) نے کہا", "latin")
    assert out == f"ترجمان {ltr('Karachi Port Trust (KPT)')} نے کہا"


@pytest.mark.parametrize("piece", [
    "Dr. Ayesha Khan", "U.S.", "O'Brien", "AT&amp;T", "km/h", "A320", "Boeing 737 Max", "Jean-Luc Zoë",
    "https://www.dawn.com/news/1234?ref=home&amp;x=1", "www.kpt.gov.pk", "news-desk@dawn.com", "@DawnNews",
])
def test_latin_pieces_are_wrapped_whole(piece):
    text = html.unescape(piece)
    assert urdu_text_html(f"خبر {text} کے مطابق", "latin") == f"خبر {ltr(piece)} کے مطابق"


@pytest.mark.parametrize("number", [
    "+92-300-1234567", "021-111-222-333", "(021) 3456789", "+92 21 3456789", "12/34", "10:30", "2020-2025",
    "2020–2025", "-5",
])
def test_numbers_with_punctuation_are_wrapped(number):
    assert urdu_text_html(f"نمبر {number} ہے", "latin") == f"نمبر {ltr(number)} ہے"


@pytest.mark.parametrize("number", ["2026", "12,400", "3.5", "68%", "(2026)"])
def test_plain_numbers_are_left_to_bidi(number):
    assert urdu_text_html(f"سال {number} میں", "latin") == f"سال {number} میں"


def test_url_and_punctuation_after_it_stay_apart():
    out = urdu_text_html("تفصیل www.dawn.com/news/1 پر دیکھیں، یا https://ur.wikipedia.org/wiki/کراچی۔", "urdu")
    assert out == (f"تفصیل {ltr('www.dawn.com/news/1')} پر دیکھیں، یا "
                   f"{ltr('https://ur.wikipedia.org/wiki/کراچی')}۔")


def test_email_is_one_run_not_split_at_the_at_sign():
    out = urdu_text_html("رابطہ: ali.khan+desk@dawn.com۔", "latin")
    assert out == f"رابطہ: {ltr('ali.khan+desk@dawn.com')}۔"


def test_escapes_markup_characters_inside_and_outside_runs():
    out = urdu_text_html("اگر x < 5 & y > 2 تو Q&A دیکھیں <script>", "latin")
    assert "<script>" not in out
    assert "&lt;" in out and "&gt;" in out
    assert ltr("Q&amp;A") in out
    assert urdu_text_html('وہ "کہتا" ہے', "latin") == 'وہ "کہتا" ہے'


def test_empty_text():
    assert urdu_text_html("", "urdu") == ""


def test_unknown_digit_system_is_an_error():
    with pytest.raises(ValueError, match="digits"):
        urdu_text_html("ہے", "persian")
    with pytest.raises(ValueError, match="digits"):
        fix_letters("ہے", "arabic")


# --- urdu_text_html: digits ----------------------------------------------------------------------------------
def test_urdu_digits_everywhere_except_latin_runs_urls_and_email():
    text = ("PIA کی پرواز PK 301 (A320) نے 2026 میں 12,400 مسافر، 3.5 فیصد، 0300-1234567 اور "
            "www.pia.com.pk/2026 ali2@pia.com")
    out = urdu_text_html(text, "urdu")
    assert "۲۰۲۶ میں ۱۲,۴۰۰ مسافر، ۳.۵ فیصد" in out
    assert ltr("۰۳۰۰-۱۲۳۴۵۶۷") in out  # phone numbers take house digits but stay left to right
    assert ltr("PK 301 (A320)") in out
    assert ltr("www.pia.com.pk/2026 ali2@pia.com") in out


def test_latin_digits_stay_ascii():
    out = urdu_text_html("سال 2026 میں 0300-1234567 اور A320", "latin")
    assert out == f"سال 2026 میں {ltr('0300-1234567')} اور {ltr('A320')}"


@pytest.mark.parametrize(("digits", "expected"), [("latin", "2026"), ("urdu", "۲۰۲۶")])
def test_arabic_indic_digits_become_house_digits(digits, expected):
    assert urdu_text_html("سال ٢٠٢٦ میں", digits) == f"سال {expected} میں"


def test_no_bidi_controls_in_output():
    out = urdu_text_html("\u202bکراچی\u202c \u2067KPT\u2069 \u200f+92-300-1234567\u200e\u061c", "urdu")
    assert not set(out) & set(BIDI_CONTROLS)
    assert ltr("KPT") in out and ltr("+۹۲-۳۰۰-۱۲۳۴۵۶۷") in out


# --- urdu_text_html: properties ------------------------------------------------------------------------------
SAMPLES = [
    "کراچی پورٹ ٹرسٹ (KPT) کے ترجمان نے +92-21-111-222-333 پر رابطے کی ہدایت کی۔",
    "وزیر اعظم نے Dr. Ayesha Khan اور U.S. ambassador سے ملاقات کی، تفصیل: https://dawn.com/a?b=1.",
    "café, naïve, Ægir, Łódź, Straße, Nguyễn — سب نام ہیں؛ x<y & z>w؟",
    "e-mail: news.desk@dawn.com, فون: (021) 3456789, 10:30 بجے، 2020-2025 تک، کوڈ 12/34 اور A-1/B",
    "KPT'sکے ساتھ O’Neill اور AT&T اور km/h، 5G اور #PSL2026 @DawnNews",
]


@pytest.mark.parametrize("digits", ["latin", "urdu"])
@pytest.mark.parametrize("text", SAMPLES)
def test_every_latin_letter_is_inside_an_ltr_span(text, digits):
    runs = parse(urdu_text_html(text, digits))
    assert not LATIN_LETTER.search("".join(runs.outside))
    assert all(LATIN_LETTER.search(run) or re.search(r"[0-9۰-۹]", run) for run in runs.inside)


ALPHABET = st.sampled_from([
    *"کراچیہےنمںؤئ ۔،؟؛ abcXYZéñ 0123456789 ٠٣٩ ۰۵ .,:;?!-/+()@&<>'\"%_#\n", *BIDI_CONTROLS[:4],
    "www.", "http://", "KPT ", "@x.pk", "+92-", "ﷲ", "\u064e",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join), st.sampled_from(["latin", "urdu"]))
def test_html_keeps_the_text_and_wraps_every_latin_letter(text, digits):
    out = urdu_text_html(text, digits)
    assert not set(out) & set(BIDI_CONTROLS)
    runs = parse(out)
    assert not LATIN_LETTER.search("".join(runs.outside))
    to_ascii = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
    expected = "".join(ch for ch in text if ch not in BIDI_CONTROLS)
    # lists of numbers typed with ASCII commas ("12,15") are set with the Urdu comma ("12، 15"); nothing else changes
    assert "".join(runs.text).translate(to_ascii).replace("، ", ",") == \
        expected.translate(to_ascii).replace("، ", ",")
    if digits == "latin":
        assert not re.search("[٠-٩]", out)


# --- lint_urdu: each row, positive and negative --------------------------------------------------------------
def test_finding_is_a_frozen_record():
    (f,) = lint_urdu("كتاب۔")
    assert f == Finding("arabic-kaf", "Arabic kaf ك (U+0643): use Urdu keheh ک (U+06A9)", "fix")
    with pytest.raises(AttributeError):
        f.action = "flag"  # type: ignore[misc]


def test_clean_urdu_has_no_findings():
    text = "کراچی پورٹ ٹرسٹ (KPT) نے 3.5 فیصد اضافہ بتایا، تفصیل www.kpt.gov.pk پر ہے۔ کیا یہ درست ہے؟"
    assert lint_urdu(text) == []


@pytest.mark.parametrize(("text", "code", "action"), [
    ("كتاب ہے۔", "arabic-kaf", "fix"),
    ("کتابي ہے۔", "arabic-yeh", "fix"),
    ("موسى ہے۔", "arabic-yeh", "fix"),
    ("ﻛﺘﺎﺏ ہے۔", "presentation-form", "fix"),
    ("سال ٢٠٢٦ ہے۔", "arabic-indic-digit", "fix"),
    ("یہ کتاب ہے ۔", "space-before-punctuation", "fix"),
    ("کیا\u00a0؟", "space-before-punctuation", "fix"),
    ("کراـــچی ہے۔", "tatweel", "fix"),
    ("مکه ہے۔", "arabic-heh", "flag"),
    ("صلوة ہے۔", "teh-marbuta", "flag"),
    ("گا\u06cc\u0654ے ہے۔", "yeh-hamza", "flag"),
    ("ﷲ کا شکر ہے۔", "ligature", "flag"),
    ("نبی ﷺ نے فرمایا۔", "ligature", "flag"),
    ("یہ \u202bکتاب\u202c ہے۔", "bidi-control", "flag"),
    ("یہ \u2067کتاب\u2069 ہے۔", "bidi-control", "flag"),
    ("یہ \u200fکتاب ہے۔", "bidi-control", "flag"),
    ("یہ کتاب ہے.", "ascii-punctuation", "flag"),
    ("کراچی, لاہور اور ملتان۔", "ascii-punctuation", "flag"),
    ("کیا یہ درست ہے?", "ascii-punctuation", "flag"),
    ("کراچی; لاہور۔", "ascii-punctuation", "flag"),
    ("یہ کتاب ہے .", "ascii-punctuation", "flag"),
    ("گا\u064a\u0654ے ہے۔", "not-nfc", "fix"),
    ("یہ کتاب ہے", "missing-full-stop", "flag"),
])
def test_each_row_is_found(text, code, action):
    assert codes(text).get(code) == action


@pytest.mark.parametrize(("text", "code"), [
    ("کتاب ہے۔", "arabic-kaf"),
    ("ﷲ کا شکر ﷺ ہے۔", "presentation-form"),  # ligatures are flagged only, never "fixed"
    ("سال ۲۰۲۶ اور 2026 ہے۔", "arabic-indic-digit"),
    ("یہ کتاب ہے۔ کیا؟", "space-before-punctuation"),
    ("مکہ اور تھر ہے۔", "arabic-heh"),
    ("صلوٰۃ ہے۔", "teh-marbuta"),
    ("گائے ہے۔", "yeh-hamza"),
    ("شرح 3.5 فیصد اور 12,400 روپے ہے۔", "ascii-punctuation"),
    ("تفصیل www.dawn.com/a.b?c=1;d پر ہے۔", "ascii-punctuation"),
    ("رابطہ news.desk@dawn.com پر کریں۔", "ascii-punctuation"),
    ("ترجمان Dr. Ayesha Khan, U.S. ambassador; who? نے کہا۔", "ascii-punctuation"),
    ("یہ کتاب ہے۔", "missing-full-stop"),
    ("کیا یہ کتاب ہے؟", "missing-full-stop"),
    ("اس نے کہا: ”یہ کتاب ہے“", "missing-full-stop"),
    ("خبر KPT", "missing-full-stop"),
    ("Karachi Port Trust", "missing-full-stop"),
])
def test_each_row_is_not_found_where_it_does_not_apply(text, code):
    assert code not in codes(text)


def test_ligature_is_not_reported_as_presentation_form():
    assert codes("ﷲ ﷺ ﷽ ہے۔") == {"ligature": "flag"}


@pytest.mark.parametrize("field", ["headline", "heading", "dateline", "byline.author", "byline.location"])
def test_headlines_and_labels_need_no_full_stop(field):
    assert "missing-full-stop" not in codes("کراچی میں بارش", field)
    assert "missing-full-stop" in codes("کراچی میں بارش", None)
    assert "missing-full-stop" in codes("کراچی میں بارش", "summary")


def test_tatweel_is_fixed_in_body_and_flagged_in_headline():
    assert codes("کراـــچی ہے۔")["tatweel"] == "fix"
    assert codes("کراـــچی", "headline")["tatweel"] == "flag"


def test_one_finding_per_kind_with_the_count():
    findings = lint_urdu("كك ك ہے۔")
    assert [f.code for f in findings] == ["arabic-kaf"]
    assert "3 times" in findings[0].message and "U+0643" in findings[0].message and "U+06A9" in findings[0].message
    (single,) = lint_urdu("كتاب ہے۔")
    assert "times" not in single.message


def test_missing_full_stop_counts_paragraphs():
    (f,) = lint_urdu("پہلا پیراگراف\n\nدوسرا پیراگراف\n\nتیسرا ہے۔")
    assert f.code == "missing-full-stop" and "2 paragraphs" in f.message


def test_messages_name_the_character_and_its_code():
    for f in lint_urdu("ك ي ى ﻙ ٣ ہے ۔ ـ ه ة \u06cc\u0654 ﷲ \u202b ہے. \u064a\u0654ہے"):
        assert re.search(r"U\+[0-9A-F]{4}", f.message) or f.code == "not-nfc", f
        assert f.action in ("fix", "flag")
        assert not set(f.message) & set(BIDI_CONTROLS)


# --- fix_letters ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "digits", "expected", "change"), [
    ("كتاب", "latin", "کتاب", "1 × Arabic kaf ك → ک"),
    ("كك", "latin", "کک", "2 × Arabic kaf ك → ک"),
    ("کتابي", "latin", "کتابی", "1 × Arabic yeh ي → ی"),
    ("موسى", "latin", "موسی", "1 × alef maksura ى → ی"),
    ("ﻛﺘﺎﺏ", "latin", "کتاب", "4 × presentation form → ordinary letters"),
    ("ﮐﺮﺍﭼﯽ", "latin", "کراچی", "5 × presentation form → ordinary letters"),
    ("سال ٢٠٢٦", "urdu", "سال ۲۰۲۶", "4 × Arabic-Indic digit ٠–٩ → ۰–۹"),
    ("سال ٢٠٢٦", "latin", "سال 2026", "4 × Arabic-Indic digit ٠–٩ → 0–9"),
    ("ہے ۔ کیا\u00a0؟ اور  ، پھر ؛", "latin", "ہے۔ کیا؟ اور، پھر؛", "4 × space before ۔ ، ؟ ؛ removed"),
    ("کراـــچی", "latin", "کراچی", "3 × tatweel ـ removed"),
    ("گا\u064a\u0654ے", "latin", "گائے", "normalised to Unicode NFC"),
])
def test_each_fix_row(text, digits, expected, change):
    fixed, changes = fix_letters(text, digits)
    assert fixed == expected
    assert change in changes


def test_presentation_kaf_goes_all_the_way_to_keheh():
    fixed, changes = fix_letters("ﻙ", "latin")
    assert fixed == "ک"
    assert changes == ["1 × presentation form → ordinary letters", "1 × Arabic kaf ك → ک"]


def test_tatweel_stays_in_headlines():
    assert fix_letters("کراـــچی", "latin", field="headline") == ("کراـــچی", [])


def test_flag_rows_are_left_alone():
    text = "مکه صلوة گا\u06cc\u0654ے \u202bکتاب\u202c ہے. کراچی, لاہور"
    assert fix_letters(text, "urdu") == (text, [])


def test_ligatures_and_diacritics_survive():
    text = "ﷲ ﷺ ﷽ بِسْمِ اللّٰہِ الرَّحْمٰنِ الرَّحِیْمِ مُحَمَّدٌ ﴿آیت﴾"
    fixed, changes = fix_letters(text, "urdu")
    assert (fixed, changes) == (text, [])
    marks = [ch for ch in text if "\u064b" <= ch <= "\u065f" or ch == "\u0670"]
    assert [ch for ch in fixed if "\u064b" <= ch <= "\u065f" or ch == "\u0670"] == marks


def test_diacritics_survive_next_to_fixed_letters():
    fixed, _ = fix_letters("كِتَابٌ ﻛِ", "latin")
    assert fixed == "کِتَابٌ کِ"


def test_clean_text_is_unchanged():
    text = "کراچی پورٹ ٹرسٹ (KPT) نے 3.5 فیصد اضافہ بتایا۔"
    assert fix_letters(text, "latin") == (text, [])


def test_decomposed_yeh_hamza_is_composed_not_turned_into_urdu_yeh():
    assert fix_letters("\u064a\u0654", "latin")[0] == "\u0626"


def test_space_hidden_by_tatweel_is_removed_too():
    assert fix_letters("ہے ـ۔", "latin")[0] == "ہے۔"


FIX_SAMPLES = [
    "ﻛﺘﺎﺏ كي موسى ٢٠٢٦ ہے ۔ کراـــچی ؟ ﷲ ﷺ مُحَمَّدٌ",
    "گا\u064a\u0654ے ﹰ ﹱ ہے ـ۔ \u00a0، ٣.٥",
    "",
]


@pytest.mark.parametrize("field", [None, "headline"])
@pytest.mark.parametrize("digits", ["latin", "urdu"])
@pytest.mark.parametrize("text", FIX_SAMPLES)
def test_fix_letters_is_idempotent_and_leaves_nothing_to_fix(text, digits, field):
    once, _ = fix_letters(text, digits, field=field)
    assert fix_letters(once, digits, field=field) == (once, [])
    assert [f for f in lint_urdu(once, field=field) if f.action == "fix"] == []
    assert unicodedata.is_normalized("NFC", once)


FIX_ALPHABET = "كيىکیہےا ۔،؟؛ـ٠٣ \u00a0\u064b\u0650\u0654\u0670ﻙﻛﺎﹰﹱﷲﷺ.a1"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list(FIX_ALPHABET)), max_size=30).map("".join))
def test_fix_letters_properties(text):
    once, changes = fix_letters(text, "urdu")
    assert fix_letters(once, "urdu") == (once, [])
    assert (changes == []) == (once == text)
    assert [f.code for f in lint_urdu(once) if f.action == "fix"] == []
    assert once.count("ﷲ") == text.count("ﷲ") and once.count("ﷺ") == text.count("ﷺ")


# --- rules for agency copy (issue: Urdu typesetting, section 4): each fires where it should, and not elsewhere

COPY_RULES = {
    "barree-in-word": (["اسکولےکھلے۔", "بچےکی کتاب۔"], ["بچے کی کتاب۔", "وہ آئے۔"]),
    "ascii-quote": (['اس نے "ہاں" کہا۔', "اس نے 'نہیں' کہا۔", 'اس نے " ہاں " کہا۔', 'کہا "Yes" اور چلے گئے۔'],
                    ["اس نے “ہاں” کہا۔", 'He said "yes" (KPT).', "O'Brien نے کہا۔", "don't کا مطلب۔"]),
    "hyphen-full-stop": (["یہ خبر ہے -", "یہ خبر ہے-\nدوسری سطر۔"], ["کراچی-لاہور موٹروے۔", "صفحہ 3-4 دیکھیں۔"]),
    "punctuation-touching": (["خبر۔اگلی خبر۔", "کراچی،لاہور اور پشاور۔"], ["خبر۔ اگلی خبر۔", "کراچی، لاہور۔"]),
    "ascii-comma-list": (["نمبر 2, 3 اور 4 ہیں۔", "نمبر 12,15,20 ہیں۔", "نمبر ۱۲,۱۵ ہیں۔"],
                         ["سال 2,000 روپے۔", "Price 2, 3", "نمبر 2، 3 اور 4 ہیں۔", "قیمت 1,50,000 روپے۔",
                          "آبادی 12,345,678 ہے۔"]),
    "replacement-character": (["کراچی میں \ufffdارش ہوئی۔"], ["کراچی میں بارش ہوئی۔", "نشان ￼ نہیں۔"]),
    "mojibake": (["ال".encode().decode("cp1252") + " خبر۔", "ملک".encode().decode("latin-1") + " ہے۔"],
                 ["Ørsted اور Ümit آئے۔", "Øresund پل۔", "کراچی۔"]),
}
# Letter names joined by ۔ are an abbreviation (PTI, SHO), not a full stop touching the next word.
COPY_RULES["punctuation-touching"][1].extend(["پی۔ٹی۔آئی نے اعلان کیا۔", "ایس۔ایچ۔او موقع پر پہنچے۔"])
COPY_RULES["punctuation-touching"][0].append("اعلان کیا۔پی ٹی آئی آئی۔")


@pytest.mark.parametrize("code", sorted(COPY_RULES))
def test_each_copy_rule_fires_on_its_examples_and_stays_quiet_on_clean_copy(code):
    fire, quiet = COPY_RULES[code]
    for text in fire:
        assert code in {f.code for f in lint_urdu(text)}, text
    for text in quiet:
        assert code not in {f.code for f in lint_urdu(text)}, text


def test_missing_full_stop_stays_quiet_on_fields_that_take_none():
    for field in ("headline", "heading", "dateline", "link-title"):
        assert "missing-full-stop" not in {f.code for f in lint_urdu("ضلعی ریکارڈ", field=field)}
    assert "missing-full-stop" in {f.code for f in lint_urdu("یہ ایک جملہ ہے", field=None)}


@pytest.mark.parametrize(("english", "urdu"), [
    ("Photo: Akhtar Soomro", "تصویر: اختر سومرو"),  # a credit
    ("A fisherman mends his net at Keti Bandar", "کیٹی بندر میں ایک ماہی گیر جال کی مرمت کر رہا ہے"),  # a caption
    ("Mangrove saplings", "تمر کے پودے"),  # a list fragment
    ("Key figures:", "اہم اعداد و شمار:"),
])
def test_missing_full_stop_stays_quiet_where_the_english_has_none(english, urdu):
    assert "missing-full-stop" not in {f.code for f in lint_urdu(urdu, source=english)}


@pytest.mark.parametrize("english", ["The port reopened on Monday.", "Will it rain?", 'He said: "We are ready."',
                                     "Yields rose sharply (officials said).", "Prices rose.[^1]", "*It rained.*"])
def test_missing_full_stop_fires_where_the_english_ends_a_sentence(english):
    assert "missing-full-stop" in {f.code for f in lint_urdu("بندرگاہ پیر کو دوبارہ کھل گئی", source=english)}


def test_fix_letters_moves_the_space_after_punctuation_when_the_next_word_touches():
    fixed, changes = fix_letters("اس نے کہا ،وہ آئیں گے ۔پھر گئے ؟ہاں 5 ،6 اور 7 ۔", "latin")
    assert fixed == "اس نے کہا، وہ آئیں گے۔ پھر گئے؟ ہاں 5، 6 اور 7۔"
    assert any("moved after it" in c and c.startswith("4 ×") for c in changes)
    assert any("removed" in c and c.startswith("1 ×") for c in changes)
    assert "punctuation-touching" not in {f.code for f in lint_urdu(fixed)}
    assert fix_letters("کہا، وہ آئے۔", "latin") == ("کہا، وہ آئے۔", [])


def test_a_comma_joined_list_of_numbers_reads_right_to_left_and_grouped_numbers_stay_whole():
    assert urdu_text_html("نمبر 12,15,20 ہیں۔", "latin") == "نمبر 12، 15، 20 ہیں۔"
    assert urdu_text_html("نمبر 12,15,20 ہیں۔", "urdu") == "نمبر ۱۲، ۱۵، ۲۰ ہیں۔"
    for number in ("1,250", "1,50,000", "12,345,678", "2018"):
        assert urdu_text_html(f"قیمت {number} روپے۔", "latin") == f"قیمت {number} روپے۔"
    assert ltr("https://x.example/a?ids=1,2,3") in urdu_text_html("دیکھیں https://x.example/a?ids=1,2,3 ۔", "latin")


# --- Lint on whole copy: every defect agency copy brings is found, clean copy gives no finding ---------------------
CLEAN_COPY = (
    "شہر کی بندرگاہ پر نئی کرینیں نصب ہونے کے بعد جہازوں سے سامان اتارنے کا وقت کم ہو گیا ہے۔",
    "مقامی تاجروں کا کہنا ہے کہ برآمدات میں اضافہ متوقع ہے، تاہم چھوٹے کاروباری ابھی تک محتاط ہیں۔",
    "محکمۂ موسمیات نے آئندہ ہفتے ساحلی علاقوں میں تیز ہواؤں اور ہلکی بارش کی پیش گوئی کی ہے۔",
    "وزیر نے کہا “ہم اس منصوبے کو 2027ء تک مکمل کر لیں گے” اور صحافیوں کے سوالات کے جواب دیے۔",
    "Karachi Port Trust کے ترجمان نے بتایا کہ برتھ نمبر 12، 15 اور 20 دوبارہ کھول دی گئی ہیں۔",
    "پی۔ٹی۔آئی کے رہنما نے پریس کانفرنس میں کہا کہ قیمتیں 1,250 روپے تک پہنچ گئی ہیں۔",
    "اسٹاک ایکسچینج میں کاروبار کے اختتام پر انڈیکس میں معمولی اضافہ دیکھا گیا؟",
)
# (code the lint must report, how agency copy damages a clean sentence)
DEFECTS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("arabic-kaf", lambda s: s.replace("ک", "ك", 1)),
    ("arabic-yeh", lambda s: s.replace("ی", "ي", 1)),
    ("presentation-form", lambda s: s.replace("ن", "ﻥ", 1)),
    ("not-nfc", lambda s: s.replace("ہ", "ہ", 1) + " آ".replace("آ", "ا\u0653") + "۔"),
    ("barree-in-word", lambda s: re.sub("ی(?=[\u0621-\u064a\u0671-\u06d3])", "ے", s, count=1)),
    ("replacement-character", lambda s: s.replace("ر", "\ufffd", 1)),
    ("ascii-quote", lambda s: '"' + s[:-1] + '"' + s[-1]),
    ("hyphen-full-stop", lambda s: s[:-1] + " -"),
    ("punctuation-touching", lambda s: s[:-1] + "۔پھر بات ختم ہوئی۔"),
    ("space-before-punctuation", lambda s: s[:-1] + " " + s[-1]),
    ("ascii-comma-list", lambda s: s[:-1] + " نمبر 3, 4 اور 5۔"),
    ("ascii-punctuation", lambda s: s[:-1] + "."),
    ("arabic-heh", lambda s: s.replace("ہ", "ه", 1)),
    ("tatweel", lambda s: s.replace("ک", "کـ", 1)),
    ("bidi-control", lambda s: "\u202b" + s),
    ("mojibake", lambda s: s[:20] + "خبر".encode().decode("cp1252") + s[20:]),
)


def test_clean_copy_gives_no_finding():
    for sentence in CLEAN_COPY:
        assert lint_urdu(sentence, source="An English sentence.") == [], sentence


@pytest.mark.parametrize(("code", "damage"), DEFECTS, ids=[code for code, _d in DEFECTS])
def test_lint_finds_every_defect_agency_copy_brings_in_every_sentence(code, damage):
    for sentence in CLEAN_COPY:
        dirty = damage(sentence)
        assert dirty != sentence
        assert code in {f.code for f in lint_urdu(dirty, source="An English sentence.")}, dirty


def test_fix_letters_never_makes_more_touching_punctuation_than_it_found():
    touching = re.compile("[۔،؟؛](?=[\u0621-\u06ff])")
    for code, damage in DEFECTS:
        for sentence in CLEAN_COPY:
            dirty = damage(sentence)
            fixed, _changes = fix_letters(dirty, "latin")
            assert len(touching.findall(fixed)) <= len(touching.findall(dirty)), (code, dirty, fixed)
