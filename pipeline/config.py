"""The publication's configuration.

In: the publication root folder and its optional `publication.yaml`.
Out: a frozen `Config` (paths, publication name, languages, page size, digit system),
or `ProblemsFound` naming the line of each bad key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import Problem, ProblemsFound

CONFIG_FILE = "publication.yaml"
REPO_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = REPO_DIR / "templates"
FONTS_DIR = REPO_DIR / "fonts"

#: Languages the pipeline can typeset, with their writing direction.
KNOWN_LANGUAGES = {"en": "ltr", "ur": "rtl"}
SOURCE_LANGUAGE = "en"
PAGE_SIZES = ("A4", "Letter")
DIGIT_SYSTEMS = ("latin", "urdu")

_DEFAULTS: dict[str, object] = {
    "name": "The Indus Ledger",
    "languages": ["en", "ur"],
    "page_size": "A4",
    "digits": "latin",
}


@dataclass(frozen=True)
class Config:
    """Everything about a publication that is not an article."""

    root: Path
    names: tuple[tuple[str, str], ...] = (("en", "The Indus Ledger"),)
    languages: tuple[str, ...] = ("en", "ur")
    page_size: str = "A4"
    digits: str = "latin"
    templates: Path = TEMPLATES_DIR  # the repository's; tests point these at copies
    fonts: Path = FONTS_DIR

    @property
    def name(self) -> str:
        return dict(self.names).get("en", "")

    def name_for(self, lang: str) -> str:
        """The publication's name in a language (the English name where none is configured)."""
        return dict(self.names).get(lang) or self.name

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def translations_dir(self) -> Path:
        return self.root / "translations"

    @property
    def default_out(self) -> Path:
        return self.root / "dist"

    def display(self, path: Path) -> str:
        """A path as a person reads it: relative to the publication root where possible."""
        for candidate in (path, path.resolve()):
            try:
                return candidate.relative_to(self.root).as_posix()
            except ValueError:
                continue
        return str(path)


def load_config(root: Path) -> Config:
    """Read `publication.yaml` under `root` if present; defaults otherwise."""
    root = root.resolve()
    path = root / CONFIG_FILE
    if not path.exists():
        return Config(root=root)
    problems: list[Problem] = []
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        line = getattr(getattr(err, "problem_mark", None), "line", None)
        raise ProblemsFound(
            [Problem(CONFIG_FILE, None if line is None else line + 1, None,
                     f"not valid YAML ({getattr(err, 'problem', err)}); fix the syntax")]
        ) from None
    values: dict[str, object] = dict(_DEFAULTS)
    if node is None:
        return Config(root=root)
    if not isinstance(node, yaml.MappingNode):
        raise ProblemsFound([Problem(CONFIG_FILE, 1, None, "expected key: value lines")])
    for key_node, value_node in node.value:
        key, line = key_node.value, key_node.start_mark.line + 1
        if key not in _DEFAULTS:
            hint = difflib.get_close_matches(key, list(_DEFAULTS), n=1)
            did = f'did you mean "{hint[0]}"? ' if hint else ""
            problems.append(Problem(CONFIG_FILE, line, key,
                                    f"unknown key; {did}known keys: {', '.join(_DEFAULTS)}"))
            continue
        if key == "languages":
            if not isinstance(value_node, yaml.SequenceNode) or not value_node.value:
                problems.append(Problem(CONFIG_FILE, line, key, "expected a list such as [en, ur]"))
                continue
            if not all(isinstance(item, yaml.ScalarNode) for item in value_node.value):
                problems.append(Problem(CONFIG_FILE, line, key, "expected a list of language codes such as [en, ur]"))
                continue
            langs = [item.value for item in value_node.value]
            bad = [lang for lang in langs if lang not in KNOWN_LANGUAGES]
            if bad or SOURCE_LANGUAGE not in langs:
                problems.append(Problem(CONFIG_FILE, line, key,
                                        f"languages must include en and be among {sorted(KNOWN_LANGUAGES)}"))
                continue
            values[key] = langs
        elif key == "name" and isinstance(value_node, yaml.MappingNode):
            names = {k.value: v.value for k, v in value_node.value if isinstance(v, yaml.ScalarNode)}
            if "en" not in names or not all(str(v).strip() for v in names.values()):
                problems.append(Problem(CONFIG_FILE, line, key, "give the name per language, e.g. en: ..., ur: ..."))
                continue
            values[key] = names
        elif not isinstance(value_node, yaml.ScalarNode) or not value_node.value.strip():
            problems.append(Problem(CONFIG_FILE, line, key, "expected a single value"))
        else:
            values[key] = value_node.value.strip()
    if values["page_size"] not in PAGE_SIZES:
        problems.append(Problem(CONFIG_FILE, None, "page_size", f"must be one of {', '.join(PAGE_SIZES)}"))
    if values["digits"] not in DIGIT_SYSTEMS:
        problems.append(Problem(CONFIG_FILE, None, "digits", f"must be one of {', '.join(DIGIT_SYSTEMS)}"))
    if problems:
        raise ProblemsFound(problems)
    return Config(
        root=root,
        names=tuple(sorted(names.items())) if isinstance(names := values["name"], dict) else (("en", str(names)),),
        languages=tuple(values["languages"]),  # type: ignore[arg-type]
        page_size=str(values["page_size"]),
        digits=str(values["digits"]),
    )
