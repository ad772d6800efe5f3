"""Interface strings of the templates ("Editorial Note", "By", page labels) per language.

In: `translations/messages.pot` (extracted from the templates by `make messages`) and the bytes of
`translations/<lang>/LC_MESSAGES/messages.po`, from the publication root or, when it has none, from
the repository.
Out: gettext translations for rendering (a table in memory: no `.mo` file is written), or problems
naming each interface string that is missing or fuzzy: an edition is never rendered with English
labels silently.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from pipeline.config import REPO_DIR, Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.sources.files import MB, read_optional
from pipeline.text.characters import describe, invisible_re
from pipeline.translation import po

DOMAIN = "messages"


class TableTranslations(gettext.NullTranslations):
    """gettext over a plain table of msgid -> msgstr (what msgfmt would compile)."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def gettext(self, message: str) -> str:
        return self.table.get(message) or message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1) if n == 1 else self.gettext(msgid2)


def messages_po(config: Config, lang: str) -> Path:
    for base in (config.translations_dir, REPO_DIR / "translations"):
        path = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists() or path.is_symlink():
            return path
    return REPO_DIR / "translations" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_interface(config: Config, lang: str) -> tuple[bytes | None, bytes | None, list[Problem]]:
    """(messages.po bytes, messages.pot bytes, problems reading them) of a language."""
    path = messages_po(config, lang)
    folder = config.root if path.is_relative_to(config.root) else REPO_DIR
    try:
        data = read_optional(path, folder, config.display(path), 10 * MB)
        pot = read_optional(path.parent.parent.parent / f"{DOMAIN}.pot", folder, f"{DOMAIN}.pot", 10 * MB)
    except ProblemsFound as found:
        return None, None, found.problems
    return data, pot, []


def interface_translations(config: Config, lang: str, data: bytes | None,
                           pot: bytes | None) -> tuple[gettext.NullTranslations, list[Problem]]:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations(), []
    where = config.display(messages_po(config, lang))
    if data is None:
        return gettext.NullTranslations(), [Problem(where, None, None,
                                                    "interface strings are not translated; create it with "
                                                    "`make messages` and translate it")]
    try:
        catalog = po.parse(data, where)
        wanted = {e.msgid for e in po.parse(pot, f"translations/{DOMAIN}.pot").entries if e.msgid} if pot else set()
    except po.PoError as err:
        return gettext.NullTranslations(), err.problems
    have = {e.msgid: e for e in catalog.entries if e.msgid and not e.obsolete}
    problems = []
    for msgid in sorted(wanted or set(have)):
        entry = have.get(msgid)
        if entry is None or not entry.msgstr:
            problems.append(Problem(where, entry.line if entry else None, None,
                                    f"interface string {msgid!r} is not translated"))
        elif entry.fuzzy:
            problems.append(Problem(where, entry.line, None,
                                    f"interface string {msgid!r} is fuzzy; check and unmark it"))
        elif hidden := invisible_re.search(entry.msgstr):
            problems.append(Problem(where, entry.line, None, f"interface string {msgid!r}: the translation holds "
                                    f"the invisible character {describe(hidden.group())}; delete it"))
    return TableTranslations({k: e.msgstr for k, e in have.items()
                              if e.msgstr and not e.fuzzy and not invisible_re.search(e.msgstr)}), problems
