"""Interface strings of the templates ("Editorial Note", "By", page labels) per language.

In: `translations/messages.pot` (extracted from the templates and code by `make messages`) and
`translations/<lang>/LC_MESSAGES/messages.po`, from the publication root or, when it has none,
from the repository.
Out: gettext translations for rendering (compiled to `.mo` form in memory by every build, never
written or committed), or problems naming each interface string that is missing or fuzzy: an edition is never
rendered with English labels silently.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.support import Translations

from pipeline.config import REPO_DIR, SOURCE_LANGUAGE, Config
from pipeline.errors import Problem, ProblemsFound

DOMAIN = "messages"


def messages_po(config: Config, lang: str) -> Path:
    for base in (config.translations_dir, REPO_DIR / "translations"):
        path = base / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            return path
    return REPO_DIR / "translations" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def interface_translations(config: Config, lang: str) -> tuple[gettext.NullTranslations, list[Problem]]:
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations(), []
    from pipeline.translation.catalogs import read_catalog

    po = messages_po(config, lang)
    where = config.display(po)
    if not po.exists():
        return gettext.NullTranslations(), [Problem(where, None, None,
                                                    "interface strings are not translated; create it with "
                                                    "`make messages` and translate it")]
    try:
        catalog = read_catalog(po, where, lang)
    except ProblemsFound as found:
        return gettext.NullTranslations(), found.problems
    wanted = _template_ids(po.parent.parent.parent / f"{DOMAIN}.pot") or {str(m.id) for m in catalog if m.id}
    have = {str(m.id): m for m in catalog if m.id}
    problems = []
    for msgid in sorted(wanted):
        message = have.get(msgid)
        if message is None or not message.string:
            problems.append(Problem(where, None, None, f"interface string {msgid!r} is not translated"))
        elif message.fuzzy:
            problems.append(Problem(where, None, None, f"interface string {msgid!r} is fuzzy; check and unmark it"))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # compiled in memory for every build: no .mo file to go stale or commit
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN), problems


def _template_ids(pot: Path) -> set[str]:
    if not pot.exists():
        return set()
    from babel.messages.pofile import read_po

    with pot.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}
