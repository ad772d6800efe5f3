"""pipeline.translation.po: the reading rules, and byte identity with GNU gettext's msgcat.

The differential tests generate seeded random catalogs (Urdu with its punctuation and combining marks,
English, long URLs and words, digits, dashes, curly quotes, quotes, backslashes, tabs, newlines,
contexts, plurals, previous msgids, flags, references, obsolete entries) and check that
`dumps(parse(x))` is byte-identical to `msgcat x`, that msgcat leaves our output unchanged, that
`msgfmt --check` accepts it and that polib reads the same fields back.

Not matched (msgcat 0.21 with libunistring 1.0 is the oracle):
- Breaks inside format directives of formats other than python-format and python-brace-format:
  msgcat never breaks inside a c-format (or other) directive, `dumps` knows only the two Python
  syntaxes. It matters only for a directive that contains a break opportunity, e.g. "% d" or
  "%.*s" in a c-format string (a Python project's catalogs have none). msgcat 0.21's misplacing of
  python-brace-format directives (at the start of the string, in bytes) is reproduced, not fixed.
- What `dumps` writes in its own form on purpose: the header entry always first (msgcat keeps it
  where the file had it), the charset always UTF-8, header fields as "Name: value\\n" (a field
  written "Name:value" or a last line without "\\n" comes back normalized), comments of a CRLF
  file without their "\\r", and an extracted comment containing a newline split into two lines.
- An obsolete entry with the same msgctxt and msgid as a live one: msgcat refuses the file, `parse`
  reads it (only live duplicates are problems).
- Babel's prose-wrapped `#| msgid` lines are rejoined with one space where Babel cut them: exact
  unless Babel cut at a run of several spaces or next to a "--".
Every Unicode line breaking class and column width is matched: the classes are compared with
libunistring's own table, and the engine with the installed libunistring on random text drawn from
all of Unicode (rare classes included: regional indicators, emoji modifiers and ZWJ, Hebrew + hyphen,
Hangul jamo, SA scripts, U+2028), and whole catalogs with msgcat at several page widths.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import dataclasses
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.translation import po
from pipeline.translation.po import Catalog, Entry, PoError, dumps, parse

REPO = Path(__file__).resolve().parent.parent
MSGCAT = shutil.which("msgcat")
MSGFMT = shutil.which("msgfmt")
needs_gettext = pytest.mark.skipif(not (MSGCAT and MSGFMT), reason="GNU gettext (msgcat, msgfmt) is not installed")

HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: test 1\\n"\n"PO-Revision-Date: 2026-11-03 00:00+0000\\n"\n'
    '"Last-Translator: Urdu desk\\n"\n"Language-Team: Urdu desk\\n"\n"Language: ur\\n"\n"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
)


def msgcat(path: Path, *options: str) -> bytes:
    done = subprocess.run([str(MSGCAT), *options, str(path)], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def problems_of(data: bytes, where: str = "ur/x.po") -> list[po.Problem]:
    with pytest.raises(PoError) as caught:
        parse(data, where)
    return caught.value.problems


def po_file(body: str, header: str = HEADER) -> bytes:
    return (header + "\n" + body).encode("utf-8")


# ----------------------------------------------------------------------------------------------
# Reading rules
# ----------------------------------------------------------------------------------------------

def test_bom_and_crlf_are_accepted():
    data = b"\xef\xbb\xbf" + po_file('# note\nmsgctxt "c"\nmsgid "a"\nmsgstr "b"\n').replace(b"\n", b"\r\n")
    catalog = parse(data, "x.po")
    assert catalog.header("Language") == "ur"
    [entry] = catalog.entries
    assert (entry.msgctxt, entry.msgid, entry.msgstr, entry.translator_comments) == ("c", "a", "b", ["note"])
    assert entry.line == 15
    assert dumps(catalog) == dumps(parse(data.replace(b"\r\n", b"\n")[3:], "x.po"))


@needs_gettext
@pytest.mark.parametrize("charset, text", [("ISO-8859-1", "café naïve"), ("CP1252", "“quoted” — €5")])
def test_a_legacy_charset_is_decoded(tmp_path, charset, text):
    header = HEADER.replace("charset=UTF-8", f"charset={charset}")
    path = tmp_path / "legacy.po"
    path.write_bytes(f'{header}\n# {text}\nmsgid "ascii"\nmsgstr "{text}!"\n'.encode(charset))
    catalog = parse(path.read_bytes(), "legacy.po")
    assert catalog.entries[0].translator_comments == [text]
    assert catalog.entries[0].msgstr == text + "!"
    assert catalog.header("Content-Type") == f"text/plain; charset={charset}"
    assert dumps(catalog) == msgcat(path, "--to-code=UTF-8")


def test_an_unknown_charset_is_one_problem():
    [problem] = problems_of(po_file('msgid "a"\nmsgstr "b"\n', HEADER.replace("charset=UTF-8", "charset=foo")))
    assert problem.file == "ur/x.po"
    assert problem.line == 1
    assert "'foo'" in problem.message and "save the file as UTF-8 and set charset=UTF-8" in problem.message


def test_bytes_that_do_not_decode_are_one_problem_with_their_line():
    data = po_file('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d\xe9"\n').replace("\xe9".encode(), b"\xe9")
    [problem] = problems_of(data)
    assert problem.line == 17
    assert "not UTF-8 text" in problem.message and "save the file as UTF-8" in problem.message
    latin1 = data.replace(b"charset=UTF-8", b"charset=ISO-8859-1")
    assert parse(latin1, "x.po").entries[1].msgstr == "dé"


def test_the_charset_placeholder_counts_as_utf8():
    header = HEADER.replace("charset=UTF-8", "charset=CHARSET")
    assert parse(po_file('msgid "شہر"\nmsgstr ""\n', header), "x.pot").entries[0].msgid == "شہر"
    assert b"charset=UTF-8" in dumps(parse(po_file('msgid "a"\nmsgstr ""\n', header), "x.pot"))
    [problem] = problems_of(po_file('msgid "a"\nmsgstr "\xff"\n', header).replace("\xff".encode(), b"\xff"))
    assert problem.line == 14 and "not UTF-8" in problem.message


def test_a_duplicate_names_both_lines():
    body = ('msgid "a"\nmsgstr "1"\n\nmsgctxt "k"\nmsgid "a"\nmsgstr "2"\n\n'
            'msgid "a"\nmsgstr "3"\n\n#~ msgid "a"\n#~ msgstr "4"\n')
    [problem] = problems_of(po_file(body))
    assert problem.line == 20
    assert problem.message == "duplicate entry for msgid 'a' (also on line 13); delete one"


def test_syntax_errors_are_all_reported_with_their_lines():
    body = (
        'msgid "ok"\nmsgstr "fine"\n\n'  # 13-14
        'msgid "a"\nmsgfoo "b"\n\n'  # 16-17: unknown keyword
        'msgid "open\nmsgstr ""\n\n'  # 19: unterminated string
        'msgid "bad \\q escape"\nmsgstr ""\n\n'  # 22: invalid escape
        'msgstr "orphan"\n\n'  # 25: msgstr without msgid
        'msgid "no translation"\n\n'  # 27: msgid without msgstr (reported where the next entry starts)
        'msgid "p"\nmsgid_plural "ps"\nmsgstr[1] "x"\n\n'  # 29-31: first plural form is not 0
        'msgid "x"\n# comment\nmsgstr "y"\n\n'  # 33-35: comment inside an entry
        'msgid "z"\n#~ msgstr "y"\n\n'  # 37-38: #~ on some lines only
        'msgid "nul \\0"\nmsgstr ""\n\n'  # 40: NUL character
        'msgid "last"\nmsgstr "fine"\n'
    )
    problems = problems_of(po_file(body))
    assert [p.line for p in problems] == [17, 19, 22, 25, 27, 31, 34, 38, 40]
    assert all(p.field is None and p.file == "ur/x.po" for p in problems)
    assert all(p.message.startswith("PO syntax error: ") and p.message.endswith("; fix it in a PO editor")
               for p in problems)
    messages = [p.message for p in problems]
    assert "unknown keyword 'msgfoo'" in messages[0]
    assert "closing quote" in messages[1]
    assert "\\q" in messages[2]
    assert "msgstr without msgid" in messages[3]
    assert "line 27 has no msgstr" in messages[4]
    assert "msgstr[1] where msgstr[0] should come" in messages[5]
    assert "comment line inside the entry" in messages[6]
    assert "#~ on some lines" in messages[7]
    assert "NUL" in messages[8]


def test_an_entry_cut_off_at_the_end_of_the_file():
    [problem] = problems_of(po_file('msgctxt "c"\nmsgid "a"\n'))
    assert problem.line == 13 and "has no msgstr" in problem.message


@needs_gettext
def test_every_gnu_escape_is_read(tmp_path):
    body = ('msgid "\\n \\t \\r \\" \\\\ \\a \\b \\f \\v \\101\\102 \\x43\\x44 \\7 \\x7e \\303\\251 \\xd8\\xb4"\n'
            'msgstr "x"\n')
    entry = parse(po_file(body), "x.po").entries[0]
    assert entry.msgid == '\n \t \r " \\ \a \b \f \v AB CD \a ~ é ش'
    path = tmp_path / "escapes.po"
    path.write_bytes(po_file(body))
    assert dumps(parse(path.read_bytes(), "x.po")) == msgcat(path)
    for bad in ("\\x", "\\u0627", "\\8", "\\xff"):
        [problem] = problems_of(po_file(f'msgid "{bad}"\nmsgstr ""\n'))
        assert problem.line == 13, bad


@needs_gettext
def test_babel_previous_msgid_with_bare_continuation_lines_is_repaired(tmp_path):
    body = ('#, fuzzy\n#| msgctxt ""\n"body"\n#| msgid ""\n'
            '"The cranes are controlled from an operations building about 300 "\n'
            '"metres from the quay."\nmsgctxt "body"\nmsgid "The cranes are run from a building 300 metres away."\n'
            'msgstr "کرینیں چلائی جاتی ہیں۔"\n')
    entry = parse(po_file(body), "x.po").entries[0]
    assert entry.previous_msgctxt == "body"
    previous = "The cranes are controlled from an operations building about 300 metres from the quay."
    assert entry.previous_msgid == previous
    assert entry.fuzzy and entry.msgid.startswith("The cranes are run")
    path = tmp_path / "repaired.po"
    path.write_bytes(dumps(parse(po_file(body), "x.po")))
    assert msgcat(path) == path.read_bytes()
    wrapped = b'#| msgid ""\n#| "The cranes are controlled from an operations building about 300 metres "\n'
    assert wrapped in path.read_bytes()


@needs_gettext
def test_babel_textwrapped_previous_msgid_is_repaired(tmp_path):
    babel = pytest.importorskip("babel.messages.pofile")
    from babel.messages.catalog import Catalog as BabelCatalog

    previous = ("The Karachi Port Trust has brought six remotely operated ship-to-shore gantry cranes into "
                "service at its East Wharf, the latest stage in a plan to modernise the country's \"oldest\" port.")
    source = BabelCatalog(locale="ur")
    source.add("The Karachi Port Trust has brought six cranes into service.", "کراچی", context="body",
               flags=["fuzzy"], previous_id=previous)
    source.add("Short.", "مختصر", flags=["fuzzy"], previous_id="Brief.")
    written = tmp_path / "babel.po"
    with written.open("wb") as out:
        babel.write_po(out, source, width=79, include_previous=True)
    assert subprocess.run([str(MSGCAT), str(written)], capture_output=True, check=False).returncode != 0
    catalog = parse(written.read_bytes(), "babel.po")
    assert [e.previous_msgid for e in catalog.entries] == [previous, "Brief."]
    fixed = tmp_path / "fixed.po"
    fixed.write_bytes(dumps(catalog))
    assert msgcat(fixed) == fixed.read_bytes()


@needs_gettext
def test_obsolete_entries_are_kept_and_written_last(tmp_path):
    body = ('#~ msgid "gone"\n#~ msgstr "گیا"\n\n'
            '#, fuzzy\n#~| msgid "older"\n#~ msgctxt "c"\n#~ msgid "old"\n#~ msgstr "پرانا"\n\n'
            '#~ msgid "never translated"\n#~ msgstr ""\n\n'
            'msgid "live"\nmsgstr "زندہ"\n')
    path = tmp_path / "obsolete.po"
    path.write_bytes(po_file(body))
    catalog = parse(path.read_bytes(), "x.po")
    assert [(e.msgid, e.obsolete) for e in catalog.entries] == [
        ("gone", True), ("old", True), ("never translated", True), ("live", False)]
    old = catalog.entries[1]
    assert (old.msgctxt, old.previous_msgid, old.fuzzy) == ("c", "older", True)
    assert catalog.find("old", "c") is None and catalog.find("live", None) is catalog.entries[3]
    written = dumps(catalog)
    assert written == msgcat(path)
    assert written.index(b'msgid "live"') < written.index(b'#~ msgid "gone"')
    assert b"never translated" not in written


@needs_gettext
def test_flags_read_as_gettext_reads_them(tmp_path):
    body = ('#, fuzzy\n#, python-format\nmsgid "%d a"\nmsgstr "%d b"\n\n'
            '#, banana, fuzzy, python-brace-format,python-format range: 1..3, no-wrap\nmsgid "c"\nmsgstr "d"\n\n'
            '#, fuzzy\nmsgid "untranslated"\nmsgstr ""\n')
    path = tmp_path / "flags.po"
    path.write_bytes(po_file(body))
    catalog = parse(path.read_bytes(), "x.po")
    first, second, third = catalog.entries
    assert first.flags == ["python-format"] and not first.fuzzy  # the last #, line counts, as in msgfmt
    assert second.flags == ["banana", "fuzzy", "python-brace-format", "python-format", "range: 1..3", "no-wrap"]
    assert third.fuzzy
    written = dumps(catalog)
    assert written == msgcat(path)
    assert b"#, fuzzy, python-format, python-brace-format, range: 1..3, no-wrap\n" in written
    third.set_fuzzy(False)
    assert third.flags == [] and not third.fuzzy
    third.set_fuzzy(True)
    third.set_fuzzy(True)
    assert third.flags == ["fuzzy"]


def test_catalog_api():
    catalog = parse(po_file('# head\n#. auto\nmsgid "a"\nmsgstr "b"\n', "# Urdu\n#, fuzzy\n" + HEADER), "x.po")
    assert catalog.header_comments == ["Urdu"] and catalog.header_flags == ["fuzzy"]
    assert catalog.headers[0] == ("Project-Id-Version", "test 1")
    assert catalog.header("content-type") == "text/plain; charset=UTF-8"
    catalog.set_header("Language", "ur_PK")
    catalog.set_header("X-Desk", "Urdu")
    assert catalog.header("Language") == "ur_PK" and catalog.headers[-1] == ("X-Desk", "Urdu")
    assert catalog.find("a", None).extracted_comments == ["auto"]
    assert catalog.find("a", "ctx") is None
    again = parse(dumps(catalog), "x.po")
    assert again.headers == catalog.headers and again.entries[0].translator_comments == ["head"]


def test_dumps_declares_utf8():
    catalog = Catalog(headers=[("Content-Type", "text/plain; charset=ISO-8859-1")], entries=[Entry("é", "ش")])
    assert b'"Content-Type: text/plain; charset=UTF-8\\n"' in dumps(catalog)
    assert b"charset=UTF-8" in dumps(Catalog(entries=[Entry("a")]))
    assert parse(dumps(Catalog(entries=[Entry("é", "ش")])), "x.po").entries[0].msgstr == "ش"


# ----------------------------------------------------------------------------------------------
# Writing: identity with msgcat
# ----------------------------------------------------------------------------------------------

@needs_gettext
@pytest.mark.parametrize("path", sorted((REPO / "translations").rglob("*.po*")), ids=lambda p: p.name)
def test_the_repository_catalogs_are_written_as_msgcat_writes_them(path):
    assert dumps(parse(path.read_bytes(), path.name)) == msgcat(path)


WRAPPING_CASES = [
    "کراچی پورٹ ٹرسٹ نے ایسٹ وارف پر ریموٹ کنٹرول سے چلنے والی چھ گینٹری کرینیں فعال کر دی ہیں، اور ادارے کا"
    " کہنا ہے کہ اس اقدام سے جہازوں کے انتظار کا وقت کم ہوگا۔ کیا یہ درست ہے؟ جی ہاں!",
    "تقریباً اِس زکوٰۃ یٰسین اُن ہوں\u200cگے نےکہا" * 4 + " \u064b \u0670 stray marks after spaces",
    "See https://www.example.com/news/2026/11/karachi-port-cranes-automation-east-wharf?utm_source=newsletter"
    "&utm_medium=email for the figures — 31 moves an hour, up 29% – said “KPT” in its ‘report’…",
    "Supercalifragilisticexpialidocious" * 5 + " then short words follow it here and there and everywhere.",
    "Line one\nLine two is much longer than the first and it goes on past the page width, to be wrapped\n\n",
    'Tabs\tand "quotes" and back\\slashes\\ and a path C:\\Users\\desk\\Documents\\reports\\2026\\november.docx',
    "۲۰۲۶ میں ۳۱ فی گھنٹہ، یعنی ۲۹٪ اضافہ (KPT کے مطابق) — 1,234.56 روپے / $4.99 [ref. 12]" * 2,
    "x" * 300,
    "a\u00a0b\u200bc\u2060d " * 20 + "日本語のテキストも少し " * 5 + "\U0001F1F5\U0001F1F0 \U0001F44D\U0001F3FD",
]


@needs_gettext
def test_wrapping_matches_msgcat_for_newsroom_text(tmp_path):
    body = ""
    for i, text in enumerate(WRAPPING_CASES):
        quoted, context = simple_quote(text), simple_quote(f"case {i} {text[:100]}")
        body += f'#| msgid {quoted}\nmsgctxt {context}\nmsgid {quoted}\nmsgstr {quoted}\n\n'
        body += f'#~ msgid {simple_quote(f"obsolete {i} {text}")}\n#~ msgstr {quoted}\n\n'
    path = tmp_path / "wrapping.po"
    path.write_bytes(po_file(body))
    assert dumps(parse(path.read_bytes(), "wrapping.po")) == msgcat(path)


def simple_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


@needs_gettext
def test_references_comments_and_directives_match_msgcat(tmp_path):
    body = (
        "#: ./articles/a.md:12 articles/b.md:3 articles/a.md:12 b.md: 4 c.md :5 d.md : 6 nolines x:y:7\n"
        "#: articles/b.md:3 " + " ".join(f"articles/very-long-article-name-{i}.md:{i}" for i in range(9)) + "\n"
        "# File: solaris.c, line:42\n#translator without space\n#\n#.extracted\n#. \n"
        'msgid "%(desk name)s said % d people saw %(a/b)s and %.*s and {value.attribute} {items[0]} {x: >10} '
        'and then many more words to make the line wrap right around the directives %(desk name)s"\n'
        'msgstr "%(desk name)s %(a/b)s"\n\n'
        "#, python-brace-format\n"
        'msgid "Some text that is long enough to need wrapping at the page width and {value.attribute} here"\n'
        'msgstr "کچھ متن {value.attribute}"\n\n'
        "#, python-format, no-wrap\n"
        'msgid "A no-wrap entry whose text goes well beyond the page width of seventy-nine columns %(x)s"\n'
        'msgstr "A no-wrap entry\\nwith two lines %(x)s"\n'
    )
    path = tmp_path / "refs.po"
    for flags in ("", "#, python-format\n", "#, python-brace-format\n"):
        text = po_file(body.replace("#. \n", "#. \n" + flags, 1))
        path.write_bytes(text)
        assert dumps(parse(text, "refs.po")) == msgcat(path), flags


@needs_gettext
def test_a_backslash_before_the_newline_continues_the_line_as_in_gettext(tmp_path):
    body = '# path C:\\\n# more\nmsgid "a \\\nb"\nmsgstr "x"\n\n# last \\\nmsgid "c"\nmsgstr "d"\n'
    path = tmp_path / "continued.po"
    path.write_bytes(po_file(body.replace("# last \\\n", "# last \\\n# joined\n")))
    catalog = parse(path.read_bytes(), "x.po")
    assert catalog.entries[0].translator_comments == ["path C:# more"]
    assert catalog.entries[0].msgid == "a b"
    assert catalog.entries[1].translator_comments == ["last # joined"]
    assert dumps(catalog) == msgcat(path)
    [problem] = problems_of(po_file(body))  # the comment swallowed `msgid "c"`, as it does for msgcat
    assert problem.line == 21 and "msgstr without msgid" in problem.message


LONG_DIRECTIVE = "{" + ".".join("abcdefghijklmnopqrstuvwxyz") + "}"


@needs_gettext
def test_python_brace_directives_are_placed_as_gettext_0_21_places_them(tmp_path):
    """gettext 0.21 records a python-brace-format directive's extent from the start of the string, in
    bytes: here the bytes of "موسم" up to the 7th, not the "{{" after it, are kept from breaking."""
    rows = ["موسم {{ waitingcamera ہوں‌گے ماہی {0:{w}} ٹرسٹ گیر }}", "Some text that is long enough to need "
            "wrapping at the page width, and {value.attribute} here", "{x: >10} " + "کراچی بندرگاہ " * 8,
            "word " * 20 + LONG_DIRECTIVE, "کراچی " * 20 + LONG_DIRECTIVE]
    body = "".join(f'#, python-brace-format\nmsgid "{row}"\nmsgstr ""\n\n' for row in rows)
    path = tmp_path / "brace.po"
    path.write_bytes(po_file(body))
    for width in (25, 30, 79):
        assert dumps(parse(path.read_bytes(), "x.po"), width) == msgcat(path, f"--width={width}")


# ----------------------------------------------------------------------------------------------
# The differential test: seeded random catalogs
# ----------------------------------------------------------------------------------------------

URDU = ("کراچی بندرگاہ پر نئی خودکار کرینیں فعال کر دی گئیں پاکستان حکومت کا کہنا ہے کہ اسکولوں میں موسم سرما کی "
        "تعطیلات ٹرسٹ ریموٹ کنٹرول سے چلنے والی تقریباً بلکہ مؤقف ضرورت اِس اُن یٰسین زکوٰۃ ہوں\u200cگے "
        "کتابیں میلہ لاہور کوئٹہ مینگرووز کیٹی بندر ماہی گیر غلام رسول پودے کراچیؔ عِلم قُرآن").split()
ENGLISH = ("the port said cranes were commissioned at its East Wharf a step it says will cut vessel waiting "
           "times operators work at consoles with camera feeds and sensor data instead of sitting in cabins "
           "Karachi Lahore Quetta Balochistan mangroves ship-to-shore well-known twenty-nine KPT's").split()
URLS = ["https://www.example.com/news/2026/11/karachi-port-cranes?utm_source=newsletter&utm_medium=email",
        "http://dawn.com/news/1234567/a-very-long-slug-with-many-words-in-it-that-goes-on-and-on-and-on",
        "https://ur.wikipedia.org/wiki/%DA%A9%D8%B1%D8%A7%DA%86%DB%8C", "www.kpt.gov.pk/", "ftp://x.org/a_b"]
PUNCT = [*",.;:!?—–“”‘’…()[]/-%$#&*'«»،۔؟؛٪", '"', "\\", "\t", "\n", "  ", "\u064b", "\u0670", "\u200c"]
RARE = [*"日本\u00a0\u200b\u2060\u05d0\u05be\u0e01\uac00\u1100\u1160\u11a8\u2028\r\a\b\f\v",
        "\U0001F1F5\U0001F1F0", "\U0001F44D\U0001F3FD", "\u261d\u200d", "¼", "½"]
DIRECTIVES = {"python-format": [["%(name)s", "%(count)d", "%(desk name)s", "%(a/b)s", "%%"],
                                ["%s", "%d", "% d", "%5.2f", "%-10s", "%.*s", "%%"]],
              "python-brace-format": [["{count}", "{0}", "{value.attribute}", "{items[0]}", "{x: >10}", "{0:{w}}",
                                       "{{", "}}"]]}


def random_text(rng: random.Random, size: int) -> str:
    if rng.random() < 0.05:
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz-_/") for _ in range(rng.randrange(60, 400)))
    words = []
    for _ in range(size):
        roll = rng.random()
        pool = URDU if roll < 0.45 else ENGLISH if roll < 0.8 else PUNCT if roll < 0.93 else URLS if roll < 0.96 else (
            [str(rng.randrange(10**6)), "۲۰۲۶", "۳۱"] if roll < 0.99 else RARE)
        words.append(rng.choice(pool))
    glue = [" " if rng.random() < 0.85 else rng.choice(["", "", "  ", "\n", "\t"]) for _ in words]
    return "".join(word + space for word, space in zip(words, glue, strict=True)).strip(" ")


def random_size(rng: random.Random) -> int:
    roll = rng.random()
    return rng.randrange(0, 3) if roll < 0.2 else rng.randrange(3, 20) if roll < 0.6 else rng.randrange(20, 120)


def with_directives(rng: random.Random, text: str, directives: list[str]) -> str:
    pieces = text.split(" ")
    slots = sorted(rng.randrange(len(pieces) + 1) for _ in directives)
    for offset, (slot, directive) in enumerate(zip(slots, directives, strict=True)):
        pieces.insert(slot + offset, directive)  # in order: unnamed directives must come alike in msgstr
    return " ".join(pieces)


def matching_newlines(source: str, text: str) -> str:
    """msgfmt --check wants msgid and msgstr to begin and end with a newline alike."""
    text = text.strip("\n") or "x"
    return ("\n" if source.startswith("\n") else "") + text + ("\n" if source.endswith("\n") else "")


def random_entry(rng: random.Random, used: set[tuple[str | None, str]], obsolete: bool) -> Entry:
    fmt = rng.choice([None] * 6 + ["python-format", "python-brace-format"])
    directives = rng.sample(rng.choice(DIRECTIVES[fmt]), rng.randrange(1, 4)) if fmt else []
    def text(size: int) -> str:  # with the directives, and no stray "%" in a python-format string
        plain = random_text(rng, size)
        return with_directives(rng, plain.replace("%", "٪") if fmt == "python-format" else plain, directives)

    entry = Entry(msgid="")
    while (entry.msgctxt, entry.msgid) in used or not entry.msgid:
        entry.msgctxt = random_text(rng, rng.randrange(1, 12)) if rng.random() < 0.3 else None
        entry.msgid = text(random_size(rng)) or "x"
    used.add((entry.msgctxt, entry.msgid))
    translated = rng.random() < 0.75
    if rng.random() < 0.15:
        entry.msgid_plural = matching_newlines(entry.msgid, text(5))
        entry.msgstr_plural = {i: matching_newlines(entry.msgid, text(9)) if translated else "" for i in range(2)}
    elif translated:
        entry.msgstr = matching_newlines(entry.msgid, text(random_size(rng)))
    flags = [f for f in ("fuzzy", "banana", "no-wrap", "range: 2..9") if rng.random() < (0.3, 0.05, 0.05, 0.05)[
        ("fuzzy", "banana", "no-wrap", "range: 2..9").index(f)]]
    entry.flags = rng.sample(flags + ([fmt] if fmt else []), len(flags) + bool(fmt))
    if rng.random() < 0.3:
        entry.previous_msgid = random_text(rng, random_size(rng)) or "p"
        entry.previous_msgctxt = random_text(rng, 3) if rng.random() < 0.2 else None
        entry.previous_msgid_plural = random_text(rng, 4) if entry.msgid_plural and rng.random() < 0.5 else None
    entry.translator_comments = [comment_text(rng, 30) for _ in range(rng.randrange(3))]
    entry.extracted_comments = [comment_text(rng, 8) for _ in range(rng.randrange(3))]
    names = [f"{rng.choice(['', './'])}articles/{rng.choice(ENGLISH)}-{i}.md" for i in range(rng.randrange(6))]
    positions = [f"{name}:{rng.randrange(1, 999)}" if rng.random() < 0.9 else name for name in names]
    entry.references = [" ".join(positions)] if positions else []
    entry.obsolete = obsolete
    return entry


def comment_text(rng: random.Random, size: int) -> str:
    return random_text(rng, rng.randrange(0, size)).replace("\n", " ").replace("\r", " ").rstrip("\\")


def quote(rng: random.Random, value: str) -> str:
    """A string literal, with some ASCII letters as octal or hex escapes and some tabs left raw."""
    out = []
    for i, char in enumerate(value):
        if char == "\t" and rng.random() < 0.2:
            out.append(char)  # a raw tab inside quotes is fine for gettext
        elif char in "\a\b\f\n\r\t\v\\\"":
            out.append("\\" + "abfnrtv\\\""["\a\b\f\n\r\t\v\\\"".index(char)])
        elif char.isascii() and char.isalpha() and rng.random() < 0.02:
            hex_ok = value[i + 1:i + 2] not in set("0123456789abcdefABCDEF") - {""}
            out.append(f"\\x{ord(char):x}" if hex_ok and rng.random() < 0.5 else f"\\{ord(char):03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def written_field(rng: random.Random, prefix: str, keyword: str, value: str) -> list[str]:
    """A keyword and its string cut into random pieces, as a careless tool might write them."""
    cuts = sorted(rng.sample(range(1, len(value)), min(len(value) - 1, rng.randrange(4)))) if len(value) > 1 else []
    pieces = [value[a:b] for a, b in zip([0, *cuts], [*cuts, len(value)], strict=True)]
    if rng.random() < 0.3:
        pieces.insert(0, "")
    return [f"{prefix}{keyword} {quote(rng, pieces[0])}"] + [f"{prefix}{quote(rng, piece)}" for piece in pieces[1:]]


def written_entry(rng: random.Random, entry: Entry) -> str:
    lines = [f"# {c}" if c else "#" for c in entry.translator_comments]
    lines += [f"#. {c}" if c else "#." for c in entry.extracted_comments]
    lines += [f"#: {r}" for r in entry.references]
    lines += [f"#, {', '.join(entry.flags)}"] if entry.flags else []
    old, key = ("#~| ", "#~ ") if entry.obsolete else ("#| ", "")
    for keyword, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                           ("msgid_plural", entry.previous_msgid_plural)):
        lines += written_field(rng, old, keyword, value) if value is not None else []
    lines += written_field(rng, key, "msgctxt", entry.msgctxt) if entry.msgctxt is not None else []
    lines += written_field(rng, key, "msgid", entry.msgid)
    if entry.msgid_plural is None:
        lines += written_field(rng, key, "msgstr", entry.msgstr)
    else:
        lines += written_field(rng, key, "msgid_plural", entry.msgid_plural)
        for index, form in entry.msgstr_plural.items():
            lines += written_field(rng, key, f"msgstr[{index}]", form)
    return "\n".join(lines) + "\n"


def random_catalog_file(seed: int, size: int) -> tuple[bytes, list[Entry]]:
    rng = random.Random(seed)
    used: set[tuple[str | None, str]] = set()
    entries = [random_entry(rng, used, obsolete=rng.random() < 0.12) for _ in range(size)]
    comments = "".join(f"# {comment_text(rng, 8)}\n" for _ in range(rng.randrange(3)))
    header = comments + ("#, fuzzy\n" * (seed % 2)) + HEADER
    return (header + "\n" + "\n".join(written_entry(rng, e) for e in entries)).encode("utf-8"), entries


SEEDS = range(20)
ENTRIES_PER_CATALOG = 150


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Random catalogs, our output for each, and msgcat's output for each input."""
    folder = tmp_path_factory.mktemp("generated")
    results = []
    for seed in SEEDS:
        data, entries = random_catalog_file(seed, ENTRIES_PER_CATALOG)
        source = folder / f"in{seed}.po"
        source.write_bytes(data)
        results.append((source, entries, dumps(parse(data, source.name))))
    return results


@needs_gettext
def test_differential_dumps_equals_msgcat(generated):
    for source, _, ours in generated:
        assert ours == msgcat(source), f"{source}: run msgcat on it and diff against dumps(parse(...))"


@needs_gettext
def test_differential_output_is_a_msgcat_fixpoint_and_msgfmt_accepts_it(generated):
    for source, _, ours in generated:
        path = source.with_suffix(".out.po")
        path.write_bytes(ours)
        assert msgcat(path) == ours
        done = subprocess.run([str(MSGFMT), "--check", "-o", "/dev/null", str(path)], capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()


def test_differential_polib_reads_the_same_fields(generated):
    polib = pytest.importorskip("polib", reason="polib is not installed (pip install polib)")
    for source, _, ours in generated:
        path = source.with_suffix(".polib.po")
        path.write_bytes(ours)
        theirs = polib.pofile(str(path), wrapwidth=79)
        mine = parse(ours, path.name).entries
        assert [(e.msgid, e.msgstr, e.msgctxt, e.previous_msgid, e.flags, e.obsolete) for e in theirs] == [
            (polib_view(e.msgid), polib_view(e.msgstr), polib_view(e.msgctxt),
             None if e.obsolete else polib_view(e.previous_msgid), e.flags, e.obsolete)  # polib skips "#~|" lines
            for e in mine]
        plurals = [{i: polib_view(form) for i, form in e.msgstr_plural.items()} for e in mine]
        assert [e.msgstr_plural for e in theirs] == plurals


def polib_view(text: str | None) -> str | None:
    """polib leaves the escape \\a as it is written."""
    return text and text.replace("\a", "\\a")


@needs_gettext
@pytest.mark.parametrize("width", [0, 10, 33, 120])
def test_differential_other_page_widths(generated, width):
    """dumps(c, width) equals msgcat --width (0: no wrapping; under 20 counts as 20)."""
    for source, _, _ in generated[:3]:
        assert dumps(parse(source.read_bytes(), source.name), width) == msgcat(source, f"--width={width}")


def comparable(entry: Entry) -> Entry:
    return dataclasses.replace(entry, line=None)


def test_differential_parse_reads_back_every_field(generated):
    """parse(dumps(c)) gives back every field of the entries generated (flags and references in the
    form gettext normalizes them to), and dumps(parse(dumps(c))) == dumps(c)."""
    for source, entries, ours in generated:
        again = parse(ours, source.name)
        assert dumps(again) == ours
        live = [e for e in entries if not e.obsolete] + [e for e in entries if e.obsolete and po._first_msgstr(e)]
        assert len(again.entries) == len(live)
        for wrote, read in zip(live, again.entries, strict=True):
            expected = dataclasses.replace(wrote, flags=normal_flags(wrote), references=read.references, line=None)
            assert comparable(read) == expected
            assert dict.fromkeys(po._file_positions(" ".join(read.references))) == dict.fromkeys(
                (name.removeprefix("./"), line) for name, line in po._file_positions(" ".join(wrote.references)))


def normal_flags(entry: Entry) -> list[str]:
    line = po._flag_line(po._read_flags(entry.flags), po._first_msgstr(entry) != "", entry.obsolete)
    return po._split_flags(line[0][2:]) if line else []


def test_a_catalog_built_in_code_round_trips():
    entries = [
        Entry("a", "ب", msgctxt="ctx", translator_comments=["one", ""], extracted_comments=["auto"],
              references=["articles/x.md:3 articles/y.md"], flags=["fuzzy", "python-format"],
              previous_msgctxt="old ctx", previous_msgid="old %s"),
        Entry("%d file", msgid_plural="%d files", msgstr_plural={0: "%d فائل", 1: "%d فائلیں"}, flags=["python-format"],
              previous_msgid="%d doc", previous_msgid_plural="%d docs"),
        Entry("gone", "گیا", obsolete=True, flags=["fuzzy"], previous_msgid="went"),
    ]
    catalog = Catalog(["Urdu"], [("Language", "ur"), ("Content-Type", "text/plain; charset=UTF-8")], ["fuzzy"], entries)
    again = parse(dumps(catalog), "x.po")
    assert [comparable(e) for e in again.entries] == entries
    assert (again.header_comments, again.headers, again.header_flags) == (
        catalog.header_comments, catalog.headers, catalog.header_flags)


# ----------------------------------------------------------------------------------------------
# Linear time, and the line breaking engine against libunistring itself
# ----------------------------------------------------------------------------------------------

def test_a_200000_character_string_is_written_in_linear_work(monkeypatch):
    text = (" ".join(URDU + ENGLISH) + " https://example.com/" + "x" * 500 + ' "q" \\ \t\n') * 200
    text = text[:200_000]
    work = {"characters": 0, "calls": 0}
    breaks = po._line_breaks

    def counting(text: str, overrides: bytearray, width: int, column: int) -> list[int]:
        work["characters"] += len(text)
        work["calls"] += 1
        return breaks(text, overrides, width, column)

    monkeypatch.setattr(po, "_line_breaks", counting)
    written = dumps(Catalog(entries=[Entry("long", text, flags=["python-format"])]))
    escaped = len(text) + sum(text.count(c) for c in '"\\\t\n')
    assert work["characters"] <= escaped + 2 * len(text.split("\n")[0]) + 200
    assert parse(written, "long.po").entries[0].msgstr == text


def libunistring() -> ctypes.CDLL:
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.skip("libunistring is not installed")
    lib = ctypes.CDLL(name)
    if ctypes.c_int.in_dll(lib, "_libunistring_version").value >> 8 != 0x100:
        pytest.skip("the tables are libunistring 1.0's (the version msgcat 0.21 uses here)")
    return lib


def test_line_breaking_matches_libunistring_on_random_unicode():
    lib = libunistring()
    width_linebreaks = lib.u8_width_linebreaks
    width_linebreaks.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                 ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    rng = random.Random(14)
    pool = [*"abc ,.-%$()'\"/:;!?\t", *PUNCT, *RARE, *"".join(URDU)]
    for _ in range(4000):
        text = "".join(rng.choice(pool) if rng.random() < 0.6 else chr(rng.choice(
            [rng.randrange(1, 0xD800), rng.randrange(0xE000, 0x110000)])) for _ in range(rng.randrange(1, 50)))
        width, column = rng.randrange(1, 40), rng.randrange(0, 10)
        data = text.encode("utf-8")
        out = ctypes.create_string_buffer(len(data))
        width_linebreaks(data, len(data), width, column, 0, None, b"UTF-8", out)
        starts = [len(text[:i].encode("utf-8")) for i in range(len(text))]
        expected = [i for i, start in enumerate(starts) if out.raw[start] == 2]  # UC_BREAK_POSSIBLE
        assert po._line_breaks(text, bytearray([po._UNDEF]) * len(text), width, column) == expected, repr(text)


def test_column_widths_match_libunistring():
    lib = libunistring()
    uc_width = lib.uc_width
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    _, widths, _ = po._tables()
    for code in [*range(0, 0x3400), *range(0xA000, 0x10000, 3), *range(0x10000, 0x110000, 97)]:
        assert widths[code] == max(uc_width(code, b"UTF-8"), 0), hex(code)


def test_line_breaking_classes_match_libunistring_table():
    """Every code point's class, read from libunistring 1.0's own three-level table (lbrkprop1.h)."""
    lib = libunistring()

    class Table(ctypes.Structure):
        _fields_ = [("level1", ctypes.c_int * 15), ("level2", ctypes.c_int * (4 << 9)),
                    ("level3", ctypes.c_ubyte * (246 << 7))]

    table = Table.in_dll(lib, "libunistring_unilbrkprop")
    level1, level2, level3 = list(table.level1), list(table.level2), bytes(table.level3)
    resolved = {40: 20, 39: 23, 41: 20, 42: 20}  # AI, SA, XX -> AL and CB -> ID, as for UTF-8
    classes, _, _ = po._tables()
    for block in range(0x110000 >> 7):
        first = level1[block >> 9] if block >> 9 < 15 else -1
        second = level2[first + (block & 511)] if first >= 0 else -1
        expected = bytes(resolved.get(c, c) for c in level3[second:second + 128]) if second >= 0 else bytes([20]) * 128
        assert classes[block << 7:(block + 1) << 7] == expected, hex(block << 7)
