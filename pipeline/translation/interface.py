"""Interface strings of the templates ("Editorial Note", "By", page labels) per language, and their gate.

In: `translations/messages.pot` (extracted from the templates by `make messages`), the bytes of
`translations/<lang>/LC_MESSAGES/messages.po` (from the publication root or, when it has none, from the
repository) and of `messages.approvals` beside it (a reviewer's approvals, the same lines as an article's).
Out: gettext translations for rendering (a table in memory: no `.mo` file is written) holding only
approved strings, and problems: each string missing or fuzzy named, and one line when strings wait for a
reviewer. A language with any problem is held in every edition: never English labels, never an
unreviewed word. `interface_unit` gives review and approve what they need (`approve --interface`).
"""

from __future__ import annotations

import functools
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import REPO_DIR, Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.sources.files import MB, read_optional
from pipeline.translation import po
from pipeline.translation.approvals import trust_for
from pipeline.translation.catalogs import CatalogFiles, SegmentState, states_of
from pipeline.translation.segments import Segment

DOMAIN = "messages"
INTERFACE = "interface"  # how status, review and approve name a language's interface strings


class TableTranslations(gettext.NullTranslations):
    """gettext over a plain table of msgid -> msgstr (what msgfmt would compile)."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def gettext(self, message: str) -> str:
        return self.table.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1) if n == 1 else self.gettext(msgid2)


@dataclass(frozen=True)
class InterfaceFiles:
    """A language's interface catalog and approvals (as `CatalogFiles`) and the template, read once."""

    files: CatalogFiles
    pot: bytes | None

    @property
    def lang(self) -> str:
        return self.files.lang


def messages_po(config: Config, lang: str) -> Path:
    for base in (config.translations_dir, REPO_DIR / "translations"):
        path = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists() or path.is_symlink():
            return path
    return REPO_DIR / "translations" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def approvals_file(config: Config, lang: str) -> Path:
    """Where approvals of interface strings are written: always inside the publication."""
    return config.translations_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.approvals"


def read_interface(config: Config, lang: str) -> InterfaceFiles:
    """A language's messages.po, its approvals and messages.pot, as read now (unreadable: problems)."""
    path = messages_po(config, lang)
    folder = config.root if path.is_relative_to(config.root) else REPO_DIR
    approvals = approvals_file(config, lang)
    if not (approvals.exists() or approvals.is_symlink()) and folder == REPO_DIR:
        approvals = path.with_suffix(".approvals")  # the repository's strings come with their approvals
    data: list[bytes | None] = []
    problems: list[Problem] = []
    for file, shown in ((path, config.display(path)), (approvals, config.display(approvals)),
                        (path.parent.parent.parent / f"{DOMAIN}.pot", f"translations/{DOMAIN}.pot")):
        try:
            data.append(read_optional(file, config.root if file.is_relative_to(config.root) else REPO_DIR,
                                      shown, 10 * MB))
        except ProblemsFound as found:
            data.append(None)
            problems.extend(found.problems)
    files = CatalogFiles(lang, config.display(path), data[0], config.display(approvals), data[1], tuple(problems))
    return InterfaceFiles(files, data[2])


# Interface strings the code itself translates (pdf.page_css, edition.footnote_labels); the templates' are found
# by `used_messages`.
CODE_MESSAGES = ("Page {page} of {pages}", "Notes", "Back to reference {number}")
# _("...") or _("...", name=value): the message is the first argument, whatever follows it
_TEMPLATE_MESSAGE = re.compile(r"""\b_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")


@functools.lru_cache(maxsize=8)
def _template_messages(templates: Path, stamp: tuple[tuple[str, int], ...]) -> frozenset[str]:
    found: set[str] = set()
    for path in sorted(templates.glob("*.html")):
        for match in _TEMPLATE_MESSAGE.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) if match.group(1) is not None else match.group(2))
    return frozenset(found)


def used_messages(config: Config) -> frozenset[str]:
    """Every interface string the templates and the code use: each must be translated and approved, whatever
    messages.pot (which a translator can edit) lists."""
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in sorted(config.templates.glob("*.html")))
    return _template_messages(config.templates, stamp) | frozenset(CODE_MESSAGES)


def interface_segments(interface: InterfaceFiles, used: frozenset[str]) -> tuple[list[Segment], list[Problem]]:
    """One segment per string the templates and code use or messages.pot lists."""
    try:
        wanted = {e.msgid for e in po.parse(interface.pot, f"translations/{DOMAIN}.pot").entries if e.msgid} \
            if interface.pot else set()
        have = po.parse(interface.files.po_data, interface.files.po_where) if interface.files.po_data else None
    except po.PoError as err:
        return [], err.problems
    lines = {e.msgid: e.line for e in have.entries if e.msgid and not e.obsolete} if have else {}
    return [Segment(None, msgid, lines.get(msgid), "interface") for msgid in sorted(wanted | used)], []


def interface_states(config: Config, interface: InterfaceFiles) -> tuple[list[SegmentState], list[Problem]]:
    segs, problems = interface_segments(interface, used_messages(config))
    if problems:
        return [], problems
    return states_of(segs, interface.files, trust_for(config, interface.lang))


def interface_translations(config: Config, interface: InterfaceFiles) -> tuple[gettext.NullTranslations,
                                                                             list[Problem]]:
    """The approved interface strings of a language, and every reason the language must be held."""
    lang, files = interface.lang, interface.files
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations(), []
    if files.po_data is None and not files.problems:
        return gettext.NullTranslations(), [Problem(files.po_where, None, None,
                                                    "interface strings are not translated; create it with "
                                                    "`make messages` and translate it")]
    states, problems = interface_states(config, interface)
    for state in states:
        if not state.translated:
            problems.append(Problem(files.po_where, state.segment.line, None,
                                    f"interface string {state.segment.source!r} is not translated"))
        elif state.fuzzy:
            problems.append(Problem(files.po_where, state.segment.line, None,
                                    f"interface string {state.segment.source!r} is fuzzy; check and unmark it"))
    waiting = [s for s in states if s.translated and not s.fuzzy and s.approval is None]
    if waiting:
        why = "; ".join(dict.fromkeys(s.distrusted for s in waiting if s.distrusted))
        problems.append(Problem(files.po_where, None, None,
                                f"{len(waiting)} of {len(states)} interface strings are not approved"
                                + (f" ({why})" if why else "") + f"; every {lang} edition waits until a reviewer "
                                f"approves them: pipeline review --interface --lang {lang}"))
    return TableTranslations({s.segment.source: s.translation for s in states if s.publishable}), problems
