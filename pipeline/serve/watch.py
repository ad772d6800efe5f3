"""Rebuild the preview when a file of the publication is saved.

In: the `Preview`, the folders and file to watch (`articles/`, `translations/`, the templates and
`publication.yaml`) and what to call after each build (the server tells the open pages).
Out: `Watcher`, three threads: two watch with watchfiles (inotify), one rebuilds. The folders are found by
`watched_folders`, walking them without following links, and each is watched on its own, never recursively
(inotify's recursive watch follows a link to a folder outside, or to /, and watches everything below it):
when a folder appears or goes, the watch starts again with the new list. `articles/` or `translations/`
leading out of the publication are not watched at all (the readers refuse what is there anyway). The root
alone is watched for `publication.yaml`, so that `.venv/` or `dist/` are never watched. Once a watch is up,
the preview is built once more (nothing is built when nothing changed): a save made while the watch was
being set up is not lost. Saves that come while a build runs are gathered into the next build; nothing is
ever built twice at once. Our own temporary files, the translations lock and editors' swap files are not
changes.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from pipeline.config import CONFIG_FILE, Config
from pipeline.runtime.atomic import TEMP_PREFIX
from pipeline.serve.preview import Preview, PreviewState

IGNORED_SUFFIXES = (".lock", ".swp", ".swx", "~")


def relevant(_change: watchfiles.Change, path: str) -> bool:
    name = Path(path).name
    return not name.startswith((TEMP_PREFIX, ".#", ".goutputstream")) and not name.endswith(IGNORED_SUFFIXES)


def watched_folders(config: Config) -> list[Path]:
    """Every folder of the articles, the translations and the templates, links to folders not followed."""
    root = config.root.resolve()
    found: list[Path] = []
    for top in (config.articles_dir, config.translations_dir, config.templates):
        inside = top.resolve().is_relative_to(root) or top == config.templates  # the templates may be ours
        if top.is_dir() and inside:
            found.extend(Path(folder) for folder, _dirs, _files in os.walk(top))  # os.walk never follows links
    return found


class Watcher:
    """Watch, and rebuild after each burst of saves (see the module doc)."""

    def __init__(self, preview: Preview, built: Callable[[PreviewState], None]) -> None:
        self.preview = preview
        self.built = built
        self.stop = threading.Event()
        self.dirty = threading.Event()
        self.saved_at = 0.0  # time.monotonic() of the first save not built yet
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        self.threads = [threading.Thread(target=self._watch_folders, name="watch-folders", daemon=True),
                        threading.Thread(target=self._watch_root, name="watch-root", daemon=True),
                        threading.Thread(target=self._build_loop, name="preview-build", daemon=True)]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        self.dirty.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def _follow(self, paths: list[Path], wanted: Callable[[watchfiles.Change, str], bool], relist: bool) -> None:
        """Call `changed` for each burst of saves, and once when the watch is up (a save made while it was being
        set up is built then; a build with nothing saved does nothing). With `relist`, return when the folders
        to watch are no longer `paths`."""
        up = False
        for changes in watchfiles.watch(*paths, watch_filter=wanted, recursive=False, debounce=400, step=30,
                                        stop_event=self.stop, rust_timeout=500, yield_on_timeout=True,
                                        raise_interrupt=False):
            if changes or not up:
                self.changed()
            up = True
            if changes and relist and watched_folders(self.preview.config) != paths:
                return

    def _watch_root(self) -> None:
        def wanted(change: watchfiles.Change, path: str) -> bool:
            return relevant(change, path) and Path(path).name == CONFIG_FILE
        self._follow([self.preview.root], wanted, relist=False)

    def _watch_folders(self) -> None:
        """Watch each folder; when a folder appears or goes, watch the new list."""
        while not self.stop.is_set():
            folders = watched_folders(self.preview.config)
            if not folders:
                self.stop.wait(1.0)
                continue
            try:
                self._follow(folders, relevant, relist=True)
            except OSError:  # a folder went away as the watch started: list them again
                self.stop.wait(0.1)

    def changed(self) -> None:
        if not self.dirty.is_set():
            self.saved_at = time.monotonic()
        self.dirty.set()

    def _build_loop(self) -> None:
        while not self.stop.is_set():
            self.dirty.wait()
            if self.stop.is_set():
                return
            self.dirty.clear()
            self.built(self.preview.rebuild())
