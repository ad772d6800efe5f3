"""What partners receive (issue: syndication): ninjs 3.1 per edition, validated against the official schema
(a copy with its licence in tests/data/ninjs/), and read back for what a partner's system needs."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import feedparser
import jsonschema
import pypdf
import pytest
import rnc2rng
from click.testing import CliRunner
from lxml import etree
from PIL import Image

from pipeline.cli import main
from pipeline.formats.ninjs import absolute_links, edition_uri
from tests.conftest import TEST_REVIEWERS, article_text
from tests.urdu_fixture import fill_catalog

SCHEMA = json.loads((Path(__file__).parent / "data" / "ninjs" / "ninjs-schema_3.1.json").read_text())
BASE = "https://news.example/ledger/"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def validate(item: dict) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(item), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    """The bilingual site every test starts from, built once per module (tests work on copies)."""
    body = "Growers met the [district office](records.html) and showed ![a chart](chart.png).\n"
    root = tmp_path_factory.mktemp("syndication") / "site"
    (root / "articles").mkdir(parents=True)
    (root / "translations").mkdir()
    (root / "publication.yaml").write_text(f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\n")
    (root / "articles" / "mango.md").write_text(article_text(body=body))
    (root / "articles" / "chart.png").write_bytes(_png())
    (root / "publication.yaml").write_text((root / "publication.yaml").read_text() + f"base_url: {BASE}\n")
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {
        "Growers met the [district office](records.html) and showed ![a chart](chart.png).":
            "کاشتکار [ضلعی دفتر](records.html) سے ملے اور ![خاکہ](chart.png) دکھایا۔"})
    fill_catalog(root / "translations" / "ur" / "mango.po")
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    result = run(root, "publish")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def site(built_site, tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built_site, root, symlinks=True)
    return root


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def item(root: Path, lang: str) -> dict:
    return json.loads((root / "dist" / lang / "mango.ninjs.json").read_text(encoding="utf-8"))


def test_every_edition_has_a_valid_ninjs_3_1_object(site):
    for lang in ("en", "ur"):
        validate(item(site, lang))


def test_the_schema_copy_refuses_what_partners_systems_would(site):
    broken = {**item(site, "en"), "summary": "not a ninjs property"}
    with pytest.raises(AssertionError, match="Unevaluated properties"):
        validate(broken)
    with pytest.raises(AssertionError, match="pubStatus"):
        validate({**item(site, "en"), "pubStatus": "published"})


def test_ninjs_carries_what_a_partner_ingests(site):
    en, ur = item(site, "en"), item(site, "ur")
    assert en["uri"] == edition_uri(BASE, "en", "mango", en["firstCreated"][:10])
    assert en["uri"].startswith("tag:news.example,20") and en["uri"].endswith(":ledger/en/mango")
    assert (en["language"], ur["language"]) == ("en", "ur")
    assert en["type"] == "text" and en["pubStatus"] == "usable" and en["version"] == "1"
    assert ur["headlines"][0]["value"] != en["headlines"][0]["value"]
    assert ur["by"] and ur["located"] and ur["descriptions"][0]["role"] == "summary"
    assert en["subjects"] and "subjects" not in ur  # tags are English words: not on the Urdu edition yet
    # each edition points at the other, as a translation
    assert ur["associations"] == [{"name": "en edition", "uri": en["uri"], "rel": "translationOf", "type": "text",
                                   "language": "en"}]
    assert en["associations"][0]["uri"] == ur["uri"] and en["associations"][0]["rel"] == "translation"
    # renditions: the page and the PDF, at their public address, with their exact sizes
    for lang, obj in (("en", en), ("ur", ur)):
        sizes = {r["name"]: (r["href"], r["sizeInBytes"], r["contentType"]) for r in obj["renditions"]}
        assert sizes["html"] == (f"{BASE}{lang}/mango.html", (site / "dist" / lang / "mango.html").stat().st_size,
                                 "text/html")
        assert sizes["pdf"] == (f"{BASE}{lang}/mango.pdf", (site / "dist" / lang / "mango.pdf").stat().st_size,
                                "application/pdf")
    # the body is the page's HTML with every link and image made absolute
    body = ur["bodies"][0]["value"]
    assert f'href="{BASE}ur/records.html"' in body and f'src="{BASE}media/' in body
    assert 'href="records' not in body and 'src="../' not in body


def test_absolute_links_resolve_relative_paths_only():
    html = '<a href="../en/x.html">x</a><img src="../media/a.png"><a href="https://other.example/">o</a>'
    out = absolute_links(html, "https://news.example/ur/mango.html")
    assert out == ('<a href="https://news.example/en/x.html">x</a><img src="https://news.example/media/a.png">'
                   '<a href="https://other.example/">o</a>')


def test_without_base_url_no_ninjs_and_one_notice(make_site):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    result = run(root, "publish")
    assert result.exit_code == 0
    assert result.stderr.count("need base_url") == 1
    assert not list((root / "dist").rglob("*.ninjs.json"))
    assert run(root, "publish", "--strict").exit_code == 0  # a notice is not a warning


def test_ninjs_follows_the_edition_it_describes(site):
    before, urdu = item(site, "en"), item(site, "ur")
    path = site / "articles" / "mango.md"
    text = path.read_text()
    headline = next(line for line in text.splitlines() if line.startswith("headline:"))
    path.write_text(text.replace(headline, "headline: A new headline for the mango story"))
    result = run(site, "publish")
    assert "ur/mango: held" in result.stderr  # the Urdu headline waits for its translator
    after = item(site, "en")
    assert after["headlines"][0]["value"] == "A new headline for the mango story" != before["headlines"][0]["value"]
    assert item(site, "ur") == urdu  # the held edition's ninjs stays what partners already have
    for gone in (path, site / "translations" / "ur" / "mango.po", site / "translations" / "ur" / "mango.approvals"):
        gone.unlink()
    assert run(site, "publish").exit_code == 0
    assert not list((site / "dist").rglob("mango.ninjs.json"))  # unpublished with its page


# --- PDFs a partner can archive: PDF/A-3b and PDF/UA-1 (section 2) -------------------------------------

def pdf_facts(path: Path) -> dict[str, object]:
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    fonts_embedded = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for part in descendants:
                descriptor = part["/FontDescriptor"].get_object()
                fonts_embedded.append(any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")))
    intents = [i.get_object()["/S"] for i in root.get("/OutputIntents", [])]
    return {"xmp": xmp, "lang": root.get("/Lang"), "marked": bool(root.get("/MarkInfo", {}).get("/Marked")),
            "struct": "/StructTreeRoot" in root, "intents": intents, "fonts": fonts_embedded,
            "title_shown": bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"))}


def test_pdfs_are_pdf_a_3b_and_pdf_ua_1_by_default(site):
    for lang in ("en", "ur"):
        path = site / "dist" / lang / "mango.pdf"
        facts = pdf_facts(path)
        assert 'pdfaid:part="3"' in facts["xmp"] and 'pdfaid:conformance="B"' in facts["xmp"]
        assert "<pdfuaid:part>1</pdfuaid:part>" in facts["xmp"]
        assert "<pdfaSchema:prefix>newsroom</pdfaSchema:prefix>" in facts["xmp"]  # our properties are described
        assert facts["lang"] == lang and facts["marked"] is True and facts["struct"] is True
        assert facts["intents"] == ["/GTS_PDFA1"] and facts["title_shown"] is True
        assert facts["fonts"] and all(facts["fonts"])
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "No syntax or stream encoding errors found" in check.stdout


def test_plain_pdf_variant_writes_no_archival_claims(site):
    config = site / "publication.yaml"
    config.write_text(config.read_text() + "pdf_variant: plain\n")
    assert run(site, "publish").exit_code == 0
    facts = pdf_facts(site / "dist" / "ur" / "mango.pdf")
    assert "pdfaid" not in facts["xmp"] and "pdfuaid" not in facts["xmp"] and not facts["intents"]
    assert "<newsroom:sourceSha256>" in facts["xmp"]  # provenance stays
    bad = config.read_text().replace("pdf_variant: plain", "pdf_variant: pdfa")
    config.write_text(bad)
    assert "pdf_variant" in run(site, "check").stderr


def link_uris(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    return [str(a.get_object()["/A"].get("/URI")) for page in reader.pages for a in page.get("/Annots", [])
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]


def test_a_new_base_url_re_renders_the_pdfs_whose_links_it_makes(site):
    assert f"{BASE}en/records.html" in link_uris(site / "dist" / "en" / "mango.pdf")
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(BASE, "https://moved.example/"))
    assert run(site, "publish").exit_code == 0
    assert "https://moved.example/en/records.html" in link_uris(site / "dist" / "en" / "mango.pdf")


# --- feeds and discovery (section 3) -------------------------------------------------------------------

def atom_schema() -> etree.RelaxNG:
    """RFC 4287's schema (tests/data/atom, with its licence), compact syntax converted by rnc2rng."""
    rng = rnc2rng.dumps(rnc2rng.loads((Path(__file__).parent / "data" / "atom" / "atom.rnc").read_text()))
    return etree.RelaxNG(etree.fromstring(rng.replace('xmlns:local=""', "").encode()))  # an empty prefix is not XML


def test_each_language_has_an_atom_feed_valid_against_rfc_4287(site):
    schema = atom_schema()
    for lang in ("en", "ur"):
        document = etree.parse(str(site / "dist" / lang / "feed.xml"))
        assert schema.validate(document), schema.error_log
    broken = etree.fromstring(b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    assert not schema.validate(broken)  # the schema is doing its work: no id, no updated


def test_feed_entries_carry_what_a_partner_or_reader_needs(site):
    feed = feedparser.parse((site / "dist" / "ur" / "feed.xml").read_bytes())
    assert (not feed.bozo and feed.feed.language == "ur") or feed.feed.get("language") in (None, "ur")
    entry = feed.entries[0]
    assert entry.id == item(site, "ur")["uri"]
    assert entry.title == item(site, "ur")["headlines"][0]["value"]
    assert entry.summary == item(site, "ur")["descriptions"][0]["value"]
    links = {(link.rel, link.get("hreflang"), link.get("type")): link for link in entry.links}
    assert links[("alternate", "ur", "text/html")].href == f"{BASE}ur/mango.html"
    assert links[("alternate", "en", "text/html")].href == f"{BASE}en/mango.html"
    enclosure = links[("enclosure", None, "application/pdf")]
    assert enclosure.href == f"{BASE}ur/mango.pdf"
    assert int(enclosure.length) == (site / "dist" / "ur" / "mango.pdf").stat().st_size
    assert entry.published.startswith(item(site, "ur")["firstCreated"][:10])


def test_feeds_list_newest_first_and_follow_unpublishing(site):
    later = article_text(headline="A later story", date="2026-12-01", body="Rain came late.\n")
    (site / "articles" / "later.md").write_text(later)
    assert run(site, "publish").exit_code in (0, 1)  # its Urdu waits for a translator
    english = feedparser.parse((site / "dist" / "en" / "feed.xml").read_bytes())
    assert [e.title for e in english.entries][:2] == ["A later story", item(site, "en")["headlines"][0]["value"]]
    assert len(feedparser.parse((site / "dist" / "ur" / "feed.xml").read_bytes()).entries) == 1
    (site / "articles" / "later.md").unlink()
    run(site, "publish")
    assert "A later story" not in (site / "dist" / "en" / "feed.xml").read_text()
    assert "later.html" not in (site / "dist" / "sitemap.xml").read_text()


def test_the_sitemap_lists_every_page_with_its_language_alternates(site):
    root = etree.parse(str(site / "dist" / "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    locs = root.xpath("//s:url/s:loc/text()", namespaces=ns)
    assert {f"{BASE}en/mango.html", f"{BASE}ur/mango.html", f"{BASE}en/index.html", f"{BASE}ur/index.html"} <= set(locs)
    page = root.xpath(f"//s:url[s:loc='{BASE}ur/mango.html']", namespaces=ns)[0]
    alternates = {a.get("hreflang"): a.get("href") for a in page.xpath("x:link", namespaces=ns)}
    assert alternates == {"en": f"{BASE}en/mango.html", "ur": f"{BASE}ur/mango.html"}


def test_without_base_url_there_are_no_feeds_or_sitemap(make_site):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    assert not (root / "dist" / "sitemap.xml").exists() and not (root / "dist" / "en" / "feed.xml").exists()


class Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []
        self.meta: dict[str, str] = {}
        self.json_ld = ""
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link":
            self.links.append(found)
        elif tag == "meta" and found.get("property"):
            self.meta[found["property"] or ""] = found.get("content") or ""
        self._in_ld = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld += data


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_pages_carry_canonical_hreflang_opengraph_and_news_article_data(site):
    ur, en = head(site / "dist" / "ur" / "mango.html"), head(site / "dist" / "en" / "mango.html")
    canonical = [link["href"] for link in ur.links if link.get("rel") == "canonical"]
    assert canonical == [f"{BASE}ur/mango.html"]
    hreflang = {link["hreflang"]: link["href"] for link in ur.links if link.get("hreflang")}
    assert hreflang == {"ur": f"{BASE}ur/mango.html", "en": f"{BASE}en/mango.html", "x-default": f"{BASE}en/mango.html"}
    assert ur.meta["og:url"] == f"{BASE}ur/mango.html" and ur.meta["og:locale"] == "ur_PK"
    assert ur.meta["og:title"] == item(site, "ur")["headlines"][0]["value"] and ur.meta["og:type"] == "article"
    data_ur, data_en = json.loads(ur.json_ld), json.loads(en.json_ld)
    assert data_ur["url"] == f"{BASE}ur/mango.html" and data_ur["inLanguage"] == "ur" and data_ur["dateModified"]
    assert data_ur["translationOfWork"]["url"] == f"{BASE}en/mango.html"
    assert [w["url"] for w in data_en["workTranslation"]] == [f"{BASE}ur/mango.html"]
    assert "keywords" in data_en and "keywords" not in data_ur


def test_without_base_url_pages_keep_relative_alternates_and_claim_no_address(make_site):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    assert run(root, "publish").exit_code == 0
    page = head(root / "dist" / "en" / "mango.html")
    assert not [link for link in page.links if link.get("rel") == "canonical"] and "og:url" not in page.meta
    assert "url" not in json.loads(page.json_ld)


# --- corrections and withdrawals (section 4) -----------------------------------------------------------

CORRECTION = "An earlier version gave the wrong district."
CORRECTION_UR = "اس خبر کے پہلے نسخے میں ضلع کا نام غلط تھا۔"
WITHDRAWAL = "The figures could not be confirmed."
WITHDRAWAL_UR = "اعداد و شمار کی تصدیق نہیں ہو سکی۔"


def add_front_matter(site: Path, lines: str) -> None:
    path = site / "articles" / "mango.md"
    text = path.read_text()
    head, _, rest = text.partition("\n---\n")
    path.write_text(head + "\n" + lines.rstrip("\n") + "\n---\n" + rest)


def translate_and_approve(site: Path, table: dict[str, str]) -> None:
    assert run(site, "translate").exit_code == 0
    fill_catalog(site / "translations" / "ur" / "mango.po", table)
    assert run(site, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0


def test_a_correction_appears_in_both_editions_and_bumps_the_version_everywhere(site):
    add_front_matter(site, f"corrections:\n  - date: 2026-06-05\n    note: {CORRECTION}\n")
    held = run(site, "publish")
    assert "ur/mango: held, 1 of" in held.stderr  # the note waits for its translation
    assert CORRECTION in (site / "dist" / "en" / "mango.html").read_text()
    translate_and_approve(site, {CORRECTION: CORRECTION_UR})
    assert run(site, "publish").exit_code == 0
    urdu = (site / "dist" / "ur" / "mango.html").read_text()
    assert CORRECTION_UR in urdu and "تصحیحات" in urdu and CORRECTION not in urdu
    for lang in ("en", "ur"):
        obj = item(site, lang)
        validate(obj)
        assert obj["version"] == "2" and obj["versionCreated"] == "2026-06-05T00:00:00Z"
        entry = feedparser.parse((site / "dist" / lang / "feed.xml").read_bytes()).entries[0]
        assert entry.updated.startswith("2026-06-05") and entry.published.startswith(obj["firstCreated"][:10])
    assert "<lastmod>2026-06-05</lastmod>" in (site / "dist" / "sitemap.xml").read_text()
    pdf = subprocess.run(["pdftotext", str(site / "dist" / "en" / "mango.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "Corrections" in pdf and "wrong district" in pdf


def test_a_withdrawn_story_is_replaced_by_its_notice_and_leaves_every_list(site):
    body_word = "Growers around Multan"
    add_front_matter(site, f"status: withdrawn\nwithdrawal_note: {WITHDRAWAL}\n")
    translate_and_approve(site, {WITHDRAWAL: WITHDRAWAL_UR})
    assert run(site, "publish").exit_code == 0
    english, urdu = (site / "dist" / "en" / "mango.html").read_text(), (site / "dist" / "ur" / "mango.html").read_text()
    assert WITHDRAWAL in english and "This story has been withdrawn." in english and body_word not in english
    assert WITHDRAWAL_UR in urdu and "یہ خبر واپس لے لی گئی ہے۔" in urdu
    pdf = subprocess.run(["pdftotext", str(site / "dist" / "en" / "mango.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    assert "withdrawn" in pdf and body_word not in pdf
    for lang in ("en", "ur"):
        assert "mango" not in (site / "dist" / lang / "index.html").read_text()
        assert not feedparser.parse((site / "dist" / lang / "feed.xml").read_bytes()).entries
        obj = item(site, lang)
        validate(obj)
        assert obj["pubStatus"] == "canceled" and body_word not in json.dumps(obj)
    assert "mango.html" not in (site / "dist" / "sitemap.xml").read_text()


@pytest.mark.parametrize(("lines", "message"), [
    ("status: gone\n", '"gone" is not a status'),
    ("status: withdrawn\n", "needs withdrawal_note"),
    ("corrections: yesterday\n", "expected a list"),
    ("corrections:\n  - note: A fix.\n", "corrections.date: required"),
    ("corrections:\n  - date: 2026-06-05\n", "corrections.note: required"),
    ("embargo: 2026-12-03T06:00:00\n", "is not a moment with its time zone"),
])
def test_lifecycle_fields_are_checked_with_their_line(site, lines, message):
    add_front_matter(site, lines)
    result = run(site, "check")
    assert result.exit_code == 1 and message in result.stderr and "articles/mango.md:" in result.stderr


def test_an_embargoed_story_is_nowhere_public_until_its_moment_then_appears_without_an_edit(site):
    later = article_text(headline="Budget figures", date="2026-06-10", body="The budget rose.\n")
    later = later.replace("tags: [agriculture]\n", "tags: [agriculture]\nembargo: 2026-06-10T06:00:00+05:00\n")
    (site / "articles" / "budget.md").write_text(later)
    before = run(site, "publish", "--now", "2026-06-10T05:59:00+05:00")
    assert "en/budget: held" in before.stderr and "embargoed until 2026-06-10T06:00:00+05:00" in before.stderr
    assert not list((site / "dist").rglob("budget*"))
    public = [p.read_text() for p in (site / "dist").rglob("*") if p.suffix in (".html", ".xml", ".json")]
    assert not [text for text in public if "budget" in text.lower()]
    after = run(site, "publish", "--now", "2026-06-10T01:00:00Z")  # the same instant in UTC: 06:00 in Pakistan
    assert "en/budget: held" not in after.stderr
    assert (site / "dist" / "en" / "budget.html").exists()
    assert "Budget figures" in (site / "dist" / "en" / "feed.xml").read_text()
    assert "budget.html" in (site / "dist" / "en" / "index.html").read_text()


# --- holes found by a red-team pass over syndication ---------------------------------------------------

def test_a_withdrawal_replaces_the_urdu_edition_at_once_even_before_its_note_is_translated(site):
    add_front_matter(site, f"status: withdrawn\nwithdrawal_note: {WITHDRAWAL}\n")
    result = run(site, "publish")
    assert "ur/mango: held" not in result.stderr
    urdu = (site / "dist" / "ur" / "mango.html").read_text()
    assert "یہ خبر واپس لے لی گئی ہے۔" in urdu and WITHDRAWAL not in urdu  # the approved notice, no English
    assert "کاشتکار" not in urdu  # none of the story's Urdu text stays published
    obj = item(site, "ur")
    validate(obj)
    assert obj["pubStatus"] == "canceled" and "descriptions" not in obj and obj["version"] == "2"
    assert not feedparser.parse((site / "dist" / "ur" / "feed.xml").read_bytes()).entries
    assert "mango" not in (site / "dist" / "ur" / "index.html").read_text()
    english = head(site / "dist" / "en" / "mango.html")
    assert "og:description" in english.meta and "early harvest" not in english.meta["og:description"]


def test_an_embargo_set_after_publication_takes_the_story_out_of_every_public_file(site):
    add_front_matter(site, "embargo: 2026-07-01T06:00:00+05:00\n")
    result = run(site, "publish", "--now", "2026-06-20T00:00:00Z")
    assert "embargoed until" in result.stderr
    assert not list((site / "dist").rglob("mango*"))
    public = [p.read_text() for p in (site / "dist").rglob("*") if p.suffix in (".html", ".xml", ".json")]
    assert not [text for text in public if "mango.html" in text]
    assert run(site, "publish", "--now", "2026-07-01T01:00:00Z").exit_code == 0
    assert (site / "dist" / "ur" / "mango.pdf").exists() and "mango.html" in (site / "dist" / "sitemap.xml").read_text()


@pytest.mark.parametrize(("lines", "message"), [
    ('embargo: 9999-12-31T23:59:59-05:00\n', "is not a moment"),
    ('summary: "Bidi \\u202E text"\n', "U+202E"),
    ('withdrawal_note: "Note \\x01 here"\nstatus: withdrawn\n', "invisible character"),
    ('tags: ["a\\u200Bb"]\n', "U+200B"),
])
def test_values_written_as_escapes_or_at_the_calendar_limits_are_refused_with_their_line(site, lines, message):
    text = (site / "articles" / "mango.md").read_text()
    text = text.replace("summary: Mango growers in south Punjab report an early harvest.\n", "") if "summary" in lines \
        else text
    text = text.replace("tags: [agriculture]\n", "") if "tags" in lines else text
    (site / "articles" / "mango.md").write_text(text)
    add_front_matter(site, lines)
    result = run(site, "check")
    assert result.exit_code == 1 and message in result.stderr and "articles/mango.md:" in result.stderr
    assert "Traceback" not in result.output


def test_now_at_the_calendar_limits_is_an_error_not_a_traceback(site):
    result = run(site, "publish", "--now", "0001-01-01T00:00:00+05:00")
    assert result.exit_code != 0 and "--now" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("base_url", ["https://nëws.example/", "https://news.example:abc/", 'https://news.example/a"b/',
                                      "https://user:pw@news.example/", "https://:443/", "https://news.example:99999/"])
def test_base_urls_that_would_break_partner_files_are_refused(make_site, base_url):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    (root / "publication.yaml").write_text(f'base_url: "{base_url}"\n' if '"' not in base_url else
                                           f"base_url: '{base_url}'\n")
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:1: base_url" in result.stderr
    assert "pw" not in result.stderr


def test_a_publication_name_with_a_control_character_is_refused(make_site):
    root = make_site({"articles/mango.md": article_text()}, english_only=True)
    (root / "publication.yaml").write_text('name: {en: "The Indus \\x01 Ledger"}\n')
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:1: name" in result.stderr
