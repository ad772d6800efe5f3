"""Rebuild the preview when a file of the publication is saved.

In: the `Preview`, the folders and file to watch (`articles/`, `translations/`, the templates and
`publication.yaml`) and what to call after each build (the server tells the open pages).
Out: `Watcher`, three threads: two watch with watchfiles (inotify; the folders recursively, the root alone
for `publication.yaml`, so that `.venv/` or `dist/` are never watched), one rebuilds. Saves that come
while a build runs are gathered into the next build; nothing is ever built twice at once. Our own
temporary files, the translations lock and editors' swap files are not changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import watchfiles

from pipeline.config import CONFIG_FILE
from pipeline.runtime.atomic import TEMP_PREFIX
from pipeline.serve.preview import Preview, PreviewState

IGNORED_SUFFIXES = (".lock", ".swp", ".swx", "~")


def relevant(_change: watchfiles.Change, path: str) -> bool:
    name = Path(path).name
    return not name.startswith((TEMP_PREFIX, ".#", ".goutputstream")) and not name.endswith(IGNORED_SUFFIXES)


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
        config = self.preview.config
        folders = [p for p in (config.articles_dir, config.translations_dir, config.templates) if p.is_dir()]
        self.threads = [threading.Thread(target=self._watch, args=(folders, True), name="watch-folders", daemon=True),
                        threading.Thread(target=self._watch, args=([config.root], False), name="watch-root",
                                         daemon=True),
                        threading.Thread(target=self._build_loop, name="preview-build", daemon=True)]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        self.stop.set()
        self.dirty.set()
        for thread in self.threads:
            thread.join(timeout=10)

    def _watch(self, paths: list[Path], recursive: bool) -> None:
        def wanted(change: watchfiles.Change, path: str) -> bool:
            return relevant(change, path) and (recursive or Path(path).name == CONFIG_FILE)
        if not paths:
            return
        for _changes in watchfiles.watch(*paths, watch_filter=wanted, recursive=recursive, debounce=400, step=30,
                                         stop_event=self.stop, rust_timeout=500, yield_on_timeout=False,
                                         raise_interrupt=False):
            self.changed()

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
