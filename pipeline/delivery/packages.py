"""What each partner receives: its selection of the published folder, and what changed since last time.

In: a partner (its languages), the published folder and its build manifest, and the record of what was
delivered to that partner before (kept under the build state, never in the deployed folder).
Out: a `Package`: every file of the partner's selection (for each published edition in its languages, the
PDF and the ninjs, under `<lang>/`) with its SHA-256 and size, the `manifest.json` listing them, and the
files that differ from what the partner already has. Reading only: nothing is sent or written here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build.cache import Manifest
from pipeline.build.outputs import Output
from pipeline.config import Partner
from pipeline.errors import Problem, ProblemsFound
from pipeline.sources.files import read_optional

MANIFEST_NAME = "manifest.json"
DELIVERED_FORMATS = ("pdf", "ninjs")
MAX_RECORD_BYTES = 20_000_000


@dataclass(frozen=True)
class Item:
    rel: str  # the path under the partner's folder (the same as under dist/)
    local: Path | None  # None for manifest.json, which is made here
    sha256: str
    size: int


@dataclass
class Package:
    partner: Partner
    items: list[Item] = field(default_factory=list)  # the whole selection, manifest.json last
    changed: list[Item] = field(default_factory=list)  # what the partner does not have yet
    manifest: bytes = b""

    @property
    def record(self) -> dict[str, str]:
        """What the partner has once this package is delivered: path -> SHA-256."""
        return {item.rel: item.sha256 for item in self.items}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def selection(partner: Partner, out: Path, manifest: Manifest) -> list[Item]:
    """The partner's files as they are on disk now, in path order."""
    items = []
    for key in sorted(manifest):
        lang, _, slug = key.partition("/")
        if lang not in partner.languages:
            continue
        for name in DELIVERED_FORMATS:
            path = out / Output(name, lang, slug).rel
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                items.append(Item(Output(name, lang, slug).rel, path, _sha(data), len(data)))
    return items


def manifest_bytes(partner: Partner, items: list[Item]) -> bytes:
    """manifest.json: every file of the selection with its SHA-256 and size (the same bytes for the same files)."""
    listing = {"partner": partner.name, "files": [{"path": i.rel, "sha256": i.sha256, "size": i.size} for i in items]}
    return (json.dumps(listing, indent=1, sort_keys=True) + "\n").encode("utf-8")


def package(partner: Partner, out: Path, manifest: Manifest, delivered: dict[str, str]) -> Package:
    """The partner's package and what of it is new or changed since `delivered`."""
    items = selection(partner, out, manifest)
    data = manifest_bytes(partner, items)
    listing = Item(MANIFEST_NAME, None, _sha(data), len(data))
    result = Package(partner, [*items, listing], manifest=data)
    result.changed = [i for i in items if delivered.get(i.rel) != i.sha256]
    if result.changed or delivered.get(MANIFEST_NAME) != listing.sha256:
        result.changed.append(listing)
    return result


def record_path(state: Path, partner: Partner) -> Path:
    return state / "deliveries" / f"{partner.name}.json"


def read_record(state: Path, root: Path, partner: Partner) -> dict[str, str]:
    """What was delivered to the partner (path -> SHA-256); a damaged record means: send everything again."""
    path = record_path(state, partner)
    try:
        raw = read_optional(path, root, path.name, MAX_RECORD_BYTES)
        data = json.loads(raw) if raw is not None else {}
    except (ProblemsFound, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def check_keys(partner: Partner, root: Path) -> tuple[Path, Path]:
    """The partner's identity and known_hosts files: they must exist, and the private key must live outside
    the publication (a key in the repository would be published with it)."""
    where = f"publication.yaml: partners: {partner.name}"
    try:  # a relative path is read from the publication root: inside it, and so refused
        identity = (root / Path(partner.identity).expanduser()).resolve()
        known_hosts = (root / Path(partner.known_hosts).expanduser()).resolve()
        found = identity.is_file() and known_hosts.is_file()
        # a hard link could be the same file as one inside the publication: refuse any key with a second name
        inside = identity.is_relative_to(root.resolve()) or (found and identity.stat().st_nlink > 1)
    except (OSError, ValueError):
        raise ProblemsFound([Problem(where, None, "identity", "identity: or known_hosts: is not a usable path")]
                            ) from None
    if inside:
        raise ProblemsFound([Problem(where, None, "identity", "the private key is inside the publication (or has a "
                                     "second name there); keep it outside the repository (e.g. ~/.ssh/) and point "
                                     "identity: at it")])
    if not found:
        missing = "identity" if not identity.is_file() else "known_hosts"
        shown = identity if missing == "identity" else known_hosts
        raise ProblemsFound([Problem(where, None, missing, f"no such file: {shown}")])
    return identity, known_hosts
