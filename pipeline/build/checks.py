"""`pipeline check` over a large archive: what was found in unchanged inputs is reused, not found again.

In: the publication (articles, their catalogs and approvals, their images, the interface strings, the
config) and `check.json` in the default output folder's state folder (`Config.state_dir`), what the last
check found per article file.
Out: `CheckResult`: every problem, hold and Urdu lint warning, in the order `plan` gives them, and the
articles' summaries (path, slug, tags) for the checks across articles (duplicate slugs, tags sharing a page,
catalogs without an article), which are always made anew. An article is looked at again unless its file,
catalogs, approvals and images hash the same as when it was checked (their stamps, `pipeline.runtime.stamps`,
stand for the hashes), under the same code, config and interface strings, and no embargo it was held for
has ended; an article with problems is always looked at again, so a fix shows at once. Only what a check
found in a clean article is kept; `check.json` is rewritten only when it changed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.cache import code_key
from pipeline.build.plan import (
    ArticleInputs,
    Interface,
    image_digest,
    inputs_seen,
    plan_article,
    read_inputs,
    read_interface_files,
)
from pipeline.config import CONFIG_FILE, Config
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic, stamps
from pipeline.runtime.hashing import digest, file_digest
from pipeline.sources.articles import Article, article_files, duplicate_slugs, load_article, read_article_bytes
from pipeline.sources.files import MB, read_optional
from pipeline.text.urdu import lint_urdu
from pipeline.translation.approvals import trust_for
from pipeline.translation.catalogs import CatalogFiles, orphan_catalogs, segment_states
from pipeline.translation.compare import segment_findings

CHECK_FILE = "check.json"
CHECK_VERSION = 1
MAX_CHECK_BYTES = 500 * MB


@dataclass
class Checked:
    """What checking one article file found, and what it was found in."""

    path: str
    slug: str
    date: str
    languages: tuple[str, ...]
    tags: tuple[str, ...]
    tags_line: int | None
    withdrawn: bool
    held: list[str] = field(default_factory=list)  # each held edition, as `check` prints it
    until: str = ""  # the earliest embargo it is held for (ISO 8601, UTC)
    warnings: list[str] = field(default_factory=list)  # Urdu lint findings
    images: list[str] = field(default_factory=list)  # paths under the root
    key: str = ""  # of the inputs it was found in
    seen: str = ""  # the stamps of those inputs
    problems: list[Problem] = field(default_factory=list)  # never kept: an article with problems is read again


@dataclass
class CheckResult:
    checked: list[Checked]  # newest first, as `plan` orders them (duplicate slugs left out)
    problems: list[Problem]
    reused: int = 0  # articles whose earlier findings were reused

    @property
    def held(self) -> list[str]:
        return [line for c in self.checked for line in c.held]

    @property
    def warnings(self) -> list[str]:
        return [line for c in sorted(self.checked, key=lambda c: c.slug) for line in c.warnings]


def check_publication(config: Config, now: dt.datetime | None = None) -> CheckResult:
    """Check every article as a build would (reusing what is known of unchanged ones), and across them;
    `now` (default: the clock) decides which embargoes are over."""
    interface, problems = read_interface_files(config)
    translations, broken, found = interface.translations(config)
    problems.extend(found)
    state = config.state_dir(config.default_out)
    known, before = _load(state, config.root)
    context = _Context(config, _global_key(config, interface, broken), stamps.clock(),
                       (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).isoformat())
    records: dict[str, Checked] = {}
    for path in article_files(config):
        rel = f"{config.display(config.articles_dir)}/{path.name}"
        checked, found = context.check(path, rel, known.get(rel), translations, broken)
        problems.extend(found)
        if checked is not None:
            records[rel] = checked
    dupes = duplicate_slugs([(c.slug, c.path) for c in records.values()])
    problems.extend(dupes)
    clashing = {p.file for p in dupes}
    kept = sorted((c for c in records.values() if c.path not in clashing), key=lambda c: (c.date, c.slug),
                  reverse=True)
    problems.extend(orphan_catalogs(config, {c.slug for c in records.values()}))
    problems.extend(p for c in kept for p in c.problems)
    _save(state, before, {rel: c for rel, c in records.items() if not c.problems})
    return CheckResult(kept, problems, context.reused)


@dataclass
class _Context:
    config: Config
    gkey: str
    since: int
    now: str
    reused: int = 0

    def check(self, path: Path, rel: str, old: Checked | None, translations: dict, broken: set[str]
              ) -> tuple[Checked | None, list[Problem]]:
        """One article file: its earlier findings when its inputs are unchanged, else checked now."""
        usable = old is not None and (not old.until or old.until > self.now)  # no embargo it was held for ended
        if usable and old.seen and old.seen == self._seen(path, old):
            self.reused += 1
            return old, []
        try:
            data = read_article_bytes(path, self.config)
        except ProblemsFound as refused:
            return None, refused.problems
        if usable and old.key == self._key(read_inputs(self.config, path, data, old.slug), old):
            old.seen = self._seen(path, old) or ""
            self.reused += 1
            return old, []
        article, found = load_article(path, self.config, data)
        if article is None:
            return None, found
        checked = self._fresh(article, path, data, translations, broken)
        return checked, found

    def _fresh(self, article: Article, path: Path, data: bytes, translations: dict, broken: set[str]) -> Checked:
        config = self.config
        inputs = read_inputs(config, path, data, article.slug)
        the_plan = plan_article(article, inputs, config, broken, config.default_out,
                                now=dt.datetime.fromisoformat(self.now), interface=translations)
        images = sorted({name for edition in the_plan.editions.values() for name in edition.images})
        until = min((h.until for h in the_plan.held if h.until), default="")
        checked = Checked(article.path, article.slug, article.date.isoformat(), tuple(article.languages),
                          tuple(article.tags), article.tags_line, article.withdrawn, [str(h) for h in the_plan.held],
                          until, _lint(config, article, inputs.catalogs), images,
                          problems=[*the_plan.problems, *the_plan.translation_problems])
        checked.key = self._key(inputs, checked)
        checked.seen = self._seen(path, checked) or ""
        return checked

    def _key(self, inputs: ArticleInputs, checked: Checked) -> str:
        """The key of the inputs as read once (the catalogs are not read again for it)."""
        images = [(name, image_digest(self.config, name)) for name in checked.images]
        return inputs.key(self.gkey, checked.slug, images)

    def _seen(self, path: Path, checked: Checked) -> str | None:
        return inputs_seen(self.config, path, checked.slug, checked.images, self.since, self.gkey)


def _global_key(config: Config, interface: Interface, broken: set[str]) -> str:
    """What every article's findings depend on besides its own files."""
    return digest(str(CHECK_VERSION), code_key(), file_digest(config.root / CONFIG_FILE), repr(config),
                  *interface.key_parts(), *sorted(broken))


def _lint(config: Config, article: Article, catalogs: tuple[CatalogFiles, ...]) -> list[str]:
    """Urdu lint findings of every translated segment, as `catalog: segment id (field): message`."""
    if "ur" not in article.languages or "ur" not in config.languages:
        return []
    files = next(c for c in catalogs if c.lang == "ur")
    states, _problems = segment_states(article, files, trust_for(config, "ur"))  # the plan reports problems
    states = [s for s in states if s.segment.kind != "verbatim"]  # shown as the English has it: not Urdu
    found = []
    differences = segment_findings(article, ((s.segment, s.translation) for s in states if s.translated))
    for seg, lines in differences.items():
        found.extend(f"{files.po_where}: segment {seg.id}: {line}" for line in lines)
    for state in (s for s in states if s.translated):
        seg = state.segment
        for finding in lint_urdu(state.translation, field=seg.lint_field, source=seg.source):
            found.append(f"{files.po_where}: segment {seg.id} ({seg.context or 'body'}): "
                         f"{finding.message} [{finding.action}]")
    return found


def _load(state: Path, root: Path) -> tuple[dict[str, Checked], object]:
    """The last check's findings, and the file as read; nothing (everything checked again) when the file is
    missing or damaged."""
    try:
        raw = read_optional(state / CHECK_FILE, root, CHECK_FILE, MAX_CHECK_BYTES)
        data = json.loads(raw) if raw is not None else None
        if not isinstance(data, dict) or data.get("version") != CHECK_VERSION:
            return {}, None
        found = {}
        for rel, item in dict(data["articles"]).items():
            item = dict(item)
            found[str(rel)] = Checked(**{**item, "languages": tuple(item["languages"]), "tags": tuple(item["tags"]),
                                         "held": list(item["held"]), "warnings": list(item["warnings"]),
                                         "images": list(item["images"]), "problems": []})
        return found, data["articles"]
    except (ProblemsFound, ValueError, TypeError, KeyError, AttributeError):
        return {}, None


def _as_json(checked: Checked) -> dict[str, object]:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in vars(checked).items()
            if name != "problems"}


def _save(state: Path, before: object, now: dict[str, Checked]) -> None:
    """Write what was found, unless it is exactly what was read."""
    items = {rel: _as_json(c) for rel, c in sorted(now.items())}
    if items == before and (state / CHECK_FILE).is_file():
        return
    lines = ",\n".join(f" {json.dumps(rel)}: {json.dumps(item, sort_keys=True)}" for rel, item in items.items())
    try:
        state.mkdir(parents=True, exist_ok=True)
        atomic.write_text(state / CHECK_FILE, f'{{"version": {CHECK_VERSION}, "articles": {{\n{lines}\n}}}}\n')
    except OSError:
        pass  # a read-only checkout still checks; it only checks everything again next time
