"""What every task of one build shares.

In: the choices of one build (output folder, languages, formats) and what it read once at the start
(the keys of the code, assets and templates; the interface strings).
Out: `BuildContext`, one small frozen value handed to every article task, in this process, in a
worker process or on a Dask worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.build.plan import Interface
from pipeline.config import Config


@dataclass(frozen=True)
class BuildContext:
    config: Config
    out: Path  # resolved
    langs: tuple[str, ...]  # the languages this build writes
    formats: tuple[str, ...]  # the edition formats this build writes ("html", "pdf")
    assets: str  # key of the stylesheets, fonts, code and libraries
    base: str  # key of everything every page depends on
    interface: Interface  # the interface strings, as read at the start of the build
    broken_interface: frozenset[str]  # languages whose interface strings are incomplete
    now: str = ""  # the build's "now" (ISO 8601, UTC), against which embargoes are judged
    tag_names: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (lang, ((tag, approved name), ...))
    since: int = 0  # when the build started (wall clock, ns): files changed before it can be vouched for by stamps
