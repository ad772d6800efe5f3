"""Small helpers the tests share: where a build keeps its state, interface strings as a build reads them."""

from __future__ import annotations

import gettext
from pathlib import Path

from pipeline.config import Config, load_config
from pipeline.translation.interface import interface_translations, read_interface


def state_dir(root: Path, out: Path | None = None) -> Path:
    config = load_config(root)
    return config.state_dir(out or config.default_out)


def interface(config: Config, lang: str) -> tuple[gettext.NullTranslations, list]:
    files = read_interface(config, lang)
    translations, found = interface_translations(config, files)
    return translations, list(files.files.problems) + found
