"""The publication's configuration: every setting declared once.

In: the publication root folder and its optional `publication.yaml`.
Out: a frozen `Config` (paths, names, languages, page size, digit system, public URL), or
`ProblemsFound` naming the line of each bad key. `SETTINGS` declares each setting once (name, kind,
default, one-line help): validation, "did you mean" and the README's configuration table
(`settings_table`) all come from it.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import LANGUAGES, SOURCE_LANGUAGE
from pipeline.sources.files import MB, read_optional
from pipeline.text.characters import HOUSE_DIGIT_SYSTEMS, describe, hidden_characters, invisible_re, name_problem
from pipeline.text.quotes import quote_style

CONFIG_FILE = "publication.yaml"
REPO_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO_DIR / "templates"
FONTS_DIR = REPO_DIR / "fonts"
STATE_DIR = ".pipeline"  # build state, under the publication root: never inside a deployed folder
PAGE_SIZES = ("A4", "Letter")

SSH_KEY_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
                 "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com")


@dataclass(frozen=True)
class Partner:
    """A syndication partner: which editions it takes, and where and how they are delivered."""

    name: str
    languages: tuple[str, ...]
    user: str
    host: str
    port: int
    path: str  # the folder on the partner's server
    identity: str  # our private key for this partner (a path outside the publication; ~ allowed)
    known_hosts: str  # the file holding the partner's host key (a path; ~ allowed)

    @property
    def address(self) -> str:
        """Where it goes, without any secret: sftp://user@host:port/path."""
        return f"sftp://{self.user}@{self.host}:{self.port}{self.path}"


@dataclass(frozen=True)
class Reviewer:
    """A person the publication trusts to approve translations into one language."""

    name: str
    key: str | None = None  # an SSH public key ("ssh-ed25519 AAAA..."): then every approval must be signed


Reviewers = tuple[tuple[str, tuple[Reviewer, ...]], ...]
Value = str | bool | tuple[str, ...] | tuple[tuple[str, str], ...] | Reviewers | tuple[Partner, ...] | None


@dataclass(frozen=True)
class Setting:
    """One key of publication.yaml."""

    name: str
    default: Value
    example: str  # how the value is written in publication.yaml
    help: str
    read: Callable[[yaml.Node], Value]  # a YAML node -> the value; ValueError(what to write) when wrong


def _scalar(node: yaml.Node) -> str:
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise ValueError("expected a single value")
    return str(node.value).strip()


def _choice(*choices: str) -> Callable[[yaml.Node], Value]:
    def read(node: yaml.Node) -> Value:
        value = _scalar(node)
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value
    return read


def _flag(node: yaml.Node) -> Value:
    value = _scalar(node)
    if value not in ("true", "false"):
        raise ValueError("must be true or false")
    return value == "true"


def _languages(node: yaml.Node) -> Value:
    if not isinstance(node, yaml.SequenceNode) or not node.value or \
            not all(isinstance(item, yaml.ScalarNode) for item in node.value):
        raise ValueError("expected a list of language codes such as [en, ur]")
    langs = tuple(dict.fromkeys(str(item.value) for item in node.value))
    if any(lang not in LANGUAGES for lang in langs) or SOURCE_LANGUAGE not in langs:
        raise ValueError(f"languages must include en and be among {sorted(LANGUAGES)}")
    return langs


def _names(node: yaml.Node) -> Value:
    if isinstance(node, yaml.ScalarNode):
        if invisible_re.search(_scalar(node)):
            raise ValueError("the name holds an invisible character; delete it")
        return ((SOURCE_LANGUAGE, _scalar(node)),)
    if not isinstance(node, yaml.MappingNode) or not all(
            isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in node.value):
        raise ValueError("give the name, or the name per language, e.g. en: ..., ur: ...")
    names = {str(k.value): str(v.value).strip() for k, v in node.value}
    if SOURCE_LANGUAGE not in names or not all(names.values()) or any(k not in LANGUAGES for k in names):
        raise ValueError("give the name per language, e.g. en: ..., ur: ...")
    hidden = next((m for v in names.values() if (m := invisible_re.search(v))), None)
    if hidden:
        raise ValueError(f"the name holds the invisible character {describe(hidden.group())}; delete it")
    return tuple(sorted(names.items()))


_PARTNER_FIELDS = ("name", "languages", "deliver_to", "identity", "known_hosts")
_PARTNER_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def _partner(node: yaml.Node) -> Partner:
    if not isinstance(node, yaml.MappingNode) or not all(isinstance(k, yaml.ScalarNode) for k, _ in node.value):
        raise ValueError("each partner is name:, languages:, deliver_to:, identity: and known_hosts:")
    fields = {str(k.value): v for k, v in node.value}
    missing = [f for f in _PARTNER_FIELDS if f not in fields]
    unknown = sorted(set(fields) - set(_PARTNER_FIELDS))
    if missing or unknown:
        raise ValueError(f"each partner has {', '.join(_PARTNER_FIELDS)}"
                         + (f" (missing: {', '.join(missing)})" if missing else "")
                         + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    name = _scalar(fields["name"])
    if not _PARTNER_NAME.match(name):
        raise ValueError(f'partner name "{name}": use lowercase a-z, 0-9 and single hyphens')
    langs = _languages_of(fields["languages"])
    target = urlsplit(_scalar(fields["deliver_to"]))
    if target.scheme != "sftp" or not target.hostname or not target.username or target.password \
            or not target.path.startswith("/") or target.query or target.fragment:
        raise ValueError("deliver_to: expected sftp://user@host:22/folder (no password: keys only)")
    return Partner(name, langs, target.username, target.hostname, target.port or 22, target.path.rstrip("/") or "/",
                   _scalar(fields["identity"]), _scalar(fields["known_hosts"]))


def _languages_of(node: yaml.Node) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode):
        langs: tuple[str, ...] = (_scalar(node),)
    elif isinstance(node, yaml.SequenceNode) and node.value and all(isinstance(i, yaml.ScalarNode) for i in node.value):
        langs = tuple(dict.fromkeys(str(i.value) for i in node.value))
    else:
        raise ValueError("languages: expected a list such as [ur]")
    if any(lang not in LANGUAGES for lang in langs):
        raise ValueError(f"languages must be among {sorted(LANGUAGES)}")
    return langs


def _partners(node: yaml.Node) -> Value:
    if not isinstance(node, yaml.SequenceNode):
        raise ValueError("expected a list of partners (- name: ...)")
    partners = tuple(_partner(item) for item in node.value)
    names = [p.name for p in partners]
    if len(set(names)) != len(names):
        raise ValueError("two partners have the same name")
    return partners


def _base_url(node: yaml.Node) -> Value:
    value = _scalar(node)
    parts = urlsplit(value)
    try:
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_ok = False
    if parts.scheme != "https" or not parts.hostname or not value.endswith("/") or parts.query or parts.fragment \
            or not value.isascii() or any(c.isspace() or c in '"<>\\^`{|}' for c in value) or not port_ok \
            or parts.username is not None or parts.password is not None:
        raise ValueError("must be the https:// URL where dist/ is served, ending in /, e.g. https://news.example/ "
                         "(ASCII only: write an international domain in its xn-- form; no user or password)")
    return value


def _ssh_key(node: yaml.Node) -> str:
    value = _scalar(node)
    parts = value.split()
    try:
        blob = base64.b64decode(parts[1], validate=True) if len(parts) >= 2 else b""
    except binascii.Error:
        blob = b""
    if len(parts) < 2 or parts[0] not in SSH_KEY_TYPES or parts[0].encode() not in blob[:64]:
        raise ValueError("key: expected an SSH public key line such as \"ssh-ed25519 AAAA...\" "
                         "(the contents of the reviewer's id_ed25519.pub)")
    return f"{parts[0]} {parts[1]}"


def _reviewer(node: yaml.Node) -> Reviewer:
    if isinstance(node, yaml.ScalarNode):
        fields = {"name": node}
    elif isinstance(node, yaml.MappingNode) and all(isinstance(k, yaml.ScalarNode) for k, _ in node.value):
        fields = {str(k.value): v for k, v in node.value}
    else:
        raise ValueError("each reviewer is a name, or name: and key:")
    unknown = sorted(set(fields) - {"name", "key"})
    if unknown or "name" not in fields:
        raise ValueError(f"each reviewer has name: and, optionally, key: (found {', '.join(fields) or 'nothing'})")
    name = _scalar(fields["name"])
    why = name_problem(name)
    if why:
        raise ValueError(f"reviewer name {why}")
    return Reviewer(" ".join(name.split()), _ssh_key(fields["key"]) if "key" in fields else None)


def _reviewers(node: yaml.Node) -> Value:
    if not isinstance(node, yaml.MappingNode) or not all(
            isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.SequenceNode) for k, v in node.value):
        raise ValueError("give a list of reviewers per language, e.g. ur: [{name: Saima Anwar}]")
    lists: dict[str, tuple[Reviewer, ...]] = {}
    for lang_node, people in node.value:
        lang = str(lang_node.value)
        if lang not in LANGUAGES or lang == SOURCE_LANGUAGE:
            raise ValueError(f"reviewers: {lang!r} is not a translation language")
        lists[lang] = tuple(_reviewer(person) for person in people.value)
        names = [r.name.casefold() for r in lists[lang]]
        if len(set(names)) != len(names):
            raise ValueError(f"reviewers: a name is listed twice for {lang}")
    return tuple(sorted(lists.items()))


def _self_review(node: yaml.Node) -> Value:
    """`allowed` (every language) or a mapping lang -> allowed/refused: the languages where it is allowed."""
    if isinstance(node, yaml.ScalarNode):
        if _scalar(node) not in ("allowed", "refused"):
            raise ValueError("must be allowed or refused, or one of them per language (ur: allowed)")
        return tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE) if node.value == "allowed" else ()
    if not isinstance(node, yaml.MappingNode) or not all(
            isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) for k, v in node.value):
        raise ValueError("must be allowed or refused, or one of them per language (ur: allowed)")
    chosen = {str(k.value): str(v.value) for k, v in node.value}
    if any(lang not in LANGUAGES for lang in chosen) or any(v not in ("allowed", "refused") for v in chosen.values()):
        raise ValueError("give allowed or refused per translation language, e.g. ur: allowed")
    return tuple(sorted(lang for lang, v in chosen.items() if v == "allowed"))


def _count(low: int, high: int) -> Callable[[yaml.Node], Value]:
    def read(node: yaml.Node) -> Value:
        value = _scalar(node)
        if not value.isdigit() or not low <= int(value) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value
    return read


def _quotes(node: yaml.Node) -> Value:
    value = _scalar(node)
    quote_style(value)  # ValueError says what to write
    return value


SETTINGS: tuple[Setting, ...] = (
    Setting("name", (("en", "The Indus Ledger"),), "{en: The Indus Ledger, ur: انڈس لیجر}",
            "the publication's name, per language (masthead, running header, metadata)", _names),
    Setting("languages", ("en", "ur"), "[en, ur]", "the editions to publish; en, the source, is always one",
            _languages),
    Setting("page_size", "A4", "A4", f"PDF page size: {' or '.join(PAGE_SIZES)}", _choice(*PAGE_SIZES)),
    Setting("digits", "latin", "latin", "digits of the Urdu edition: latin (0–9) or urdu (۰–۹)",
            _choice(*HOUSE_DIGIT_SYSTEMS)),
    Setting("base_url", None, "https://news.example/",
            "the public https URL where dist/ is served, ending in /: canonical links, links in PDFs, "
            "feeds and partner metadata need it", _base_url),
    Setting("urdu_dates", "cldr", "newspaper",
            "Urdu dates: cldr (14 اپریل، 2026) or newspaper, as Urdu papers print them (14 اپریل 2026ء)",
            _choice("cldr", "newspaper")),
    Setting("urdu_dateline", "header", "inline",
            "where the Urdu dateline stands: header (above the headline, as in English) or inline, the way Urdu "
            "papers print it, at the start of the first paragraph: کراچی (نادیہ بلوچ)", _choice("header", "inline")),
    Setting("quotes", "“”", "‘’",
            "quotation marks of translated editions as the reader sees them, left and right of a quotation: “” "
            "or ‘’ (the Pakistani newspaper habit), optionally followed by the inner pair; what a translator "
            "types (\" ' or marks typed the English way round) is set to it", _quotes),
    Setting("per_page", "30", "30", "stories on each archive page (index, month and tag pages)", _count(5, 500)),
    Setting("feed_entries", "50", "50", "the newest stories each Atom feed carries", _count(1, 1000)),
    Setting("partners", (), "[{name: gulf-daily, languages: [ur], deliver_to: sftp://ingest@partner.example:22/in, "
            "identity: ~/.ssh/pipeline_gulf_daily, known_hosts: ~/.ssh/known_hosts}]",
            "syndication partners `pipeline deliver` sends PDFs and ninjs to, over SFTP with a key kept outside "
            "the repository; the partner's host key must be in known_hosts", _partners),
    Setting("pdf_variant", "archival", "archival",
            "archival: PDF/A-3b and PDF/UA-1 (tagged, sRGB output intent), what partners archive; plain: a plain "
            "PDF 1.7", _choice("archival", "plain")),
    Setting("pdf_text_layer", True, "true",
            "Urdu PDFs carry an invisible copy of their text, so that copying, search and screen readers get "
            "the words (Nastaliq glyphs alone give about a third of them); false leaves it out", _flag),
    Setting("reviewers", None, "{ur: [{name: Saima Anwar, key: ssh-ed25519 AAAA...}]}",
            "who may approve translations, per language; a reviewer with a key must sign each approval. "
            "Not set: anyone may approve (publish warns)", _reviewers),
    Setting("self_review", (), "{ur: allowed}",
            "languages where a translator may approve their own work (the catalog's Last-Translator); "
            "refused by default", _self_review),
)
_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    """Everything about a publication that is not an article."""

    # Not in repr: the build keys outputs on repr(config), and where the publication lives, where the
    # templates and fonts are read from (their contents are keyed) and who the partners are change no output.
    root: Path = field(repr=False)
    names: tuple[tuple[str, str], ...] = (("en", "The Indus Ledger"),)
    languages: tuple[str, ...] = ("en", "ur")
    page_size: str = "A4"
    digits: str = "latin"
    base_url: str | None = None
    pdf_variant: str = "archival"
    pdf_text_layer: bool = True
    urdu_dates: str = "cldr"
    quotes: str = "“”"
    urdu_dateline: str = "header"
    per_page: str = "30"
    feed_entries: str = "50"
    partners: tuple[Partner, ...] = field(default=(), repr=False)
    reviewers: Reviewers | None = None  # None: not set, anyone may approve
    self_review: tuple[str, ...] = ()
    templates: Path = field(default=TEMPLATES_DIR, repr=False)  # the repository's; tests point these at copies
    fonts: Path = field(default=FONTS_DIR, repr=False)

    @property
    def name(self) -> str:
        return dict(self.names).get(SOURCE_LANGUAGE, "")

    def name_for(self, lang: str) -> str:
        """The publication's name in a language (the English name where none is configured)."""
        return dict(self.names).get(lang) or self.name

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @functools.cached_property  # asked for once an article by every build and check: made once
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def default_out(self) -> Path:
        return self.root / "dist"

    def state_dir(self, out: Path) -> Path:
        """Where a build into `out` keeps its cache, manifest and lock: under the root's `.pipeline/`,
        never inside `out`, which is deployed as it is."""
        out = out.resolve()
        try:
            name = out.relative_to(self.root).as_posix().replace("/", "--") or "root"
        except ValueError:
            name = "out-" + hashlib.sha256(str(out).encode()).hexdigest()[:16]
        return self.root / STATE_DIR / "builds" / name

    def reviewers_for(self, lang: str) -> tuple[Reviewer, ...] | None:
        """The reviewers trusted for `lang`; None when the publication keeps no list (anyone may approve)."""
        if self.reviewers is None:
            return None
        return dict(self.reviewers).get(lang, ())

    def display(self, path: Path) -> str:
        """A path as a person reads it: relative to the publication root where possible."""
        for candidate in (path, None):
            try:
                return (candidate or path.resolve()).relative_to(self.root).as_posix()
            except ValueError:
                continue
        return str(path)


def load_config(root: Path) -> Config:
    """Read `publication.yaml` under `root` if present; defaults otherwise."""
    root = root.resolve()
    data = read_optional(root / CONFIG_FILE, root, CONFIG_FILE, MB)
    if data is None:
        return Config(root=root)
    try:
        text = data.decode("utf-8-sig")
        hidden = hidden_characters(text, CONFIG_FILE)
        if hidden:
            raise ProblemsFound(hidden)
        node = yaml.compose(text)
    except UnicodeDecodeError:
        raise ProblemsFound([Problem(CONFIG_FILE, None, None, "not UTF-8; save it as UTF-8")]) from None
    except yaml.YAMLError as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise ProblemsFound([Problem(CONFIG_FILE, None if line is None else line + 1, None,
                                     f"not valid YAML ({getattr(err, 'problem', None) or 'syntax'}); fix the syntax")]
                            ) from None
    if node is None:
        return Config(root=root)
    if not isinstance(node, yaml.MappingNode):
        raise ProblemsFound([Problem(CONFIG_FILE, 1, None, "expected key: value lines")])
    values, problems = _read_settings(node)
    if problems:
        raise ProblemsFound(problems)
    if "name" in values:
        values["names"] = values.pop("name")
    return Config(root=root, **values)  # type: ignore[arg-type]


def _read_settings(node: yaml.MappingNode) -> tuple[dict[str, Value], list[Problem]]:
    values: dict[str, Value] = {}
    problems: list[Problem] = []
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
        setting = _BY_NAME.get(key) if key is not None else None
        if setting is None:
            hint = difflib.get_close_matches(key, list(_BY_NAME), n=1) if key else []
            did = f'did you mean "{hint[0]}"? ' if hint else ""
            shown = key if key is not None else "(a list or mapping)"
            problems.append(Problem(CONFIG_FILE, line, shown,
                                    f"unknown key; {did}known keys: {', '.join(_BY_NAME)}"))
        elif setting.name in values:
            problems.append(Problem(CONFIG_FILE, line, setting.name, "given twice; keep one"))
        else:
            try:
                values[setting.name] = setting.read(value_node)
            except ValueError as err:
                problems.append(Problem(CONFIG_FILE, line, setting.name, str(err)))
    return values, problems


def settings_table() -> str:
    """The README's configuration table, made from `SETTINGS`."""
    rows = ["| key | example | default | what it sets |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = _shown_default(s.default)
        rows.append(f"| `{s.name}` | `{s.example}` | {default} | {s.help} |")
    return "\n".join(rows)


def _shown_default(value: Value) -> str:
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if value is None:
        return "(none)"
    if value == ():
        return "(none)"
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return ", ".join(f"{k}: {v}" for k, v in value)  # type: ignore[misc]
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]"  # type: ignore[arg-type]
    return f"`{value}`"
