"""`pipeline deliver`: every partner gets what is new for it, and a record of what it has.

In: the publication's partners, the published folder `dist/` and its build manifest, and each partner's
delivery record (under the build state, outside the deployed folder).
Out: one `PartnerReport` per partner: what was sent (or would be, with `dry_run`), or why it failed. The
partners are served at the same time; one failing never stops another. A partner's record is written only
after its whole package arrived, so a failed or interrupted delivery is sent again, whole, next time.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

from pipeline.build.cache import LOCK_FILE, load_manifest
from pipeline.config import Config, Partner
from pipeline.delivery.packages import Package, check_keys, package, read_record, record_path
from pipeline.delivery.sftp import DeliveryFailed, deliver
from pipeline.errors import Problem, ProblemsFound
from pipeline.runtime import atomic
from pipeline.runtime.locks import exclusive


@dataclass
class PartnerReport:
    partner: Partner
    sent: list[str] = field(default_factory=list)  # paths, manifest.json last
    size: int = 0
    failed: str = ""  # why, in one line

    def line(self, dry_run: bool) -> str:
        where = self.partner.address
        if self.failed:
            return f"{self.partner.name}: delivery to {where} failed: {self.failed}"
        if not self.sent:
            return f"{self.partner.name}: nothing new for {where}"
        verb = "would send" if dry_run else "sent"
        return f"{self.partner.name}: {verb} {len(self.sent)} file(s), {self.size:,} bytes, to {where}"


def _partners(config: Config, only: str | None) -> list[Partner]:
    if not config.partners:
        raise ProblemsFound([Problem("publication.yaml", None, "partners", "no partners yet; add them under "
                                     "partners: (see the README, \"An operator's day\")")])
    chosen = [p for p in config.partners if only is None or p.name == only]
    if not chosen:
        names = ", ".join(p.name for p in config.partners)
        raise ProblemsFound([Problem("--partner", None, None, f"no partner {only}; partners: {names}")])
    if config.base_url is None:
        raise ProblemsFound([Problem("publication.yaml", None, "base_url", "partners receive ninjs, which needs "
                                     "base_url: set it to the https address where dist/ is served")])
    return chosen


async def _one(config: Config, pack: Package, dry_run: bool) -> PartnerReport:
    report = PartnerReport(pack.partner, [i.rel for i in pack.changed], sum(i.size for i in pack.changed))
    if dry_run or not pack.changed:
        return report
    state = config.state_dir(config.default_out)
    try:
        identity, known_hosts = check_keys(pack.partner, config.root)
        await deliver(pack, identity, known_hosts)
    except ProblemsFound as found:
        report.failed = found.problems[0].message
        return report
    except DeliveryFailed as err:
        report.failed = str(err)
        return report
    atomic.write_text(record_path(state, pack.partner), json.dumps(pack.record, indent=1, sort_keys=True))
    return report


def deliver_all(config: Config, only: str | None = None, dry_run: bool = False) -> list[PartnerReport]:
    """Deliver to every partner (or the one named), each what it does not have yet."""
    partners = _partners(config, only)
    out = config.default_out
    state = config.state_dir(out)
    # the build's own lock: a publish cannot change dist/ while its files are being sent
    with exclusive(state / LOCK_FILE, "pipeline deliver", config.display(state / LOCK_FILE)):
        manifest, _warning = load_manifest(state, config.root)
        packs = [package(p, out, manifest, read_record(state, config.root, p)) for p in partners]

        async def everyone() -> list[PartnerReport]:
            return list(await asyncio.gather(*(_one(config, pack, dry_run) for pack in packs)))

        return asyncio.run(everyone())
