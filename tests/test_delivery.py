"""`pipeline deliver` against a real SFTP server (asyncssh) started by the test on 127.0.0.1 with its own
host key and an authorized client key, all in a temporary folder. Faults are injected by the server at
named points (a connection dropped after the first bytes of a file, a full disk), never by timing."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.delivery import sftp as sftp_module
from tests.conftest import TEST_REVIEWERS, article_text
from tests.urdu_fixture import fill_catalog

BASE = "https://news.example/"


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


class Faulty(asyncssh.SFTPServer):
    """An SFTP server confined to one folder, which can fail on purpose: `fault` is "drop" (the connection
    closes after the first write of a file) or "full" (every write fails with ENOSPC)."""

    fault = ""
    writes = 0

    def __init__(self, chan: asyncssh.SSHServerChannel, root: str) -> None:
        super().__init__(chan, chroot=root.encode())
        self._chan = chan

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        Faulty.writes += 1
        if Faulty.fault == "full":
            raise asyncssh.SFTPFailure(f"write failed: {errno.errorcode[errno.ENOSPC]}")
        if Faulty.fault == "drop":
            self._chan.get_connection().abort()
            raise asyncssh.SFTPConnectionLost("dropped")
        return super().write(file_obj, offset, data)


class Server:
    def __init__(self, root: Path, keys: Path) -> None:
        self.root, self.keys = root, keys
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.host_key = asyncssh.generate_private_key("ssh-ed25519")
        self.client_key = asyncssh.generate_private_key("ssh-ed25519")
        (keys / "client").write_bytes(self.client_key.export_private_key())
        (keys / "authorized").write_bytes(self.client_key.export_public_key())
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()
        async def listen() -> asyncssh.SSHAcceptor:
            return await asyncssh.listen(
                "127.0.0.1", 0, server_host_keys=[self.host_key], authorized_client_keys=str(self.keys / "authorized"),
                sftp_factory=lambda chan: Faulty(chan, str(self.root)), allow_scp=False)

        server = asyncio.run_coroutine_threadsafe(listen(), self.loop).result(10)
        self.server = server
        self.port = server.sockets[0].getsockname()[1]
        public = self.host_key.export_public_key().decode().split()
        (self.keys / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {public[0]} {public[1]}\n")

    def stop(self) -> None:
        self.server.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def serving(tmp_path_factory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("sftp")
    (folder / "remote").mkdir()
    (folder / "keys").mkdir()
    started = Server(folder / "remote", folder / "keys")
    started.start()
    yield started
    started.stop()


@pytest.fixture
def server(serving: Server) -> Server:
    """The module's server, with an empty remote folder and no fault."""
    for path in serving.root.iterdir():
        shutil.rmtree(path)
    Faulty.fault, Faulty.writes = "", 0
    return serving


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(sftp_module, "BACKOFF", 0.0)


def partners_yaml(server: Server, *, known_hosts: Path | None = None, identity: Path | None = None) -> str:
    return ("partners:\n"
            f"  - name: gulf-daily\n    languages: [ur]\n"
            f"    deliver_to: sftp://ingest@127.0.0.1:{server.port}/incoming\n"
            f"    identity: {identity or server.keys / 'client'}\n"
            f"    known_hosts: {known_hosts or server.keys / 'known_hosts'}\n"
            f"  - name: valley-times\n    languages: [en]\n"
            f"    deliver_to: sftp://ingest@127.0.0.1:{server.port}/valley\n"
            f"    identity: {server.keys / 'client'}\n"
            f"    known_hosts: {server.keys / 'known_hosts'}\n")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, serving) -> Path:
    """A bilingual site with two partners, built once per module (tests work on copies)."""
    root = tmp_path_factory.mktemp("delivery") / "site"
    (root / "articles").mkdir(parents=True)
    (root / "translations").mkdir()
    (root / "articles" / "mango.md").write_text(article_text())
    config = root / "publication.yaml"
    config.write_text(f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\nbase_url: {BASE}\n" + partners_yaml(serving))
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    assert run(root, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    assert run(root, "publish").exit_code == 0
    return root


@pytest.fixture
def site(built_site, server, tmp_path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built_site, root, symlinks=True)
    return root


def remote_files(server: Server) -> dict[str, bytes]:
    return {p.relative_to(server.root).as_posix(): p.read_bytes() for p in sorted(server.root.rglob("*"))
            if p.is_file()}


def test_each_partner_gets_its_languages_and_a_manifest_with_checksums(site, server):
    result = run(site, "deliver")
    assert result.exit_code == 0, result.output
    files = remote_files(server)
    assert set(files) == {"incoming/ur/mango.pdf", "incoming/ur/mango.ninjs.json", "incoming/manifest.json",
                          "valley/en/mango.pdf", "valley/en/mango.ninjs.json", "valley/manifest.json"}
    assert files["incoming/ur/mango.pdf"] == (site / "dist" / "ur" / "mango.pdf").read_bytes()
    listing = json.loads(files["incoming/manifest.json"])
    for entry in listing["files"]:
        data = files["incoming/" + entry["path"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["size"] == len(data)
    assert "gulf-daily: sent 3 file(s)" in result.output
    assert not list((site / "dist").rglob("*deliver*"))  # the record is kept outside the deployed folder


def test_a_second_run_sends_nothing_and_a_changed_edition_only_its_files(site, server):
    assert run(site, "deliver").exit_code == 0
    before = Faulty.writes
    again = run(site, "deliver")
    assert "gulf-daily: nothing new" in again.output and Faulty.writes == before
    path = site / "articles" / "mango.md"
    path.write_text(path.read_text().replace("two weeks early", "three weeks early"))
    run(site, "publish")  # the English changed: the Urdu waits for its translator; the English is rebuilt
    changed = run(site, "deliver")
    assert "gulf-daily: nothing new" in changed.output
    assert "valley-times: sent 3 file(s)" in changed.output  # its PDF, its ninjs, the manifest
    assert remote_files(server)["valley/en/mango.pdf"] == (site / "dist" / "en" / "mango.pdf").read_bytes()


def test_dry_run_connects_to_nobody(site, server):
    result = run(site, "deliver", "--dry-run")
    assert result.exit_code == 0 and "gulf-daily: would send 3 file(s)" in result.output
    assert remote_files(server) == {}


def test_an_unknown_host_key_fails_that_partner_only_and_in_one_line(site, server, tmp_path):
    other = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode().split()
    wrong = tmp_path / "wrong_known_hosts"
    wrong.write_text(f"[127.0.0.1]:{server.port} {other[0]} {other[1]}\n")
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(str(server.keys / "known_hosts"), str(wrong), 1))
    result = run(site, "deliver")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if "failed" in line]
    assert len(failed) == 1 and "gulf-daily" in failed[0] and "host key" in failed[0]
    assert "valley-times: sent" in result.stdout
    assert not any(name.startswith("incoming/") for name in remote_files(server))


def test_a_refused_key_is_reported_without_any_secret(site, server, tmp_path):
    stranger = tmp_path / "stranger"
    stranger.write_bytes(asyncssh.generate_private_key("ssh-ed25519").export_private_key())
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(str(server.keys / "client"), str(stranger), 1))
    result = run(site, "deliver", "--partner", "gulf-daily")
    assert result.exit_code == 1 and "refused our key" in result.stderr
    assert "PRIVATE KEY" not in result.output and stranger.read_text().splitlines()[1] not in result.output


@pytest.mark.parametrize(("fault", "why"), [("drop", "connection was lost"), ("full", "refused a file")])
def test_a_failure_mid_delivery_leaves_no_half_file_and_is_sent_whole_next_time(site, server, fault, why):
    Faulty.fault = fault
    result = run(site, "deliver", "--partner", "gulf-daily")
    assert result.exit_code == 1 and why in result.stderr and "attempt 3 of 3" in result.stderr
    assert not [name for name in remote_files(server) if name.startswith("incoming/") and ".part-" not in name]
    Faulty.fault = ""
    assert run(site, "deliver", "--partner", "gulf-daily").exit_code == 0
    files = remote_files(server)
    assert files["incoming/ur/mango.pdf"] == (site / "dist" / "ur" / "mango.pdf").read_bytes()
    assert "incoming/manifest.json" in files


def test_an_identity_inside_the_publication_is_refused(site, server):
    inside = site / "deploy_key"
    inside.write_bytes((server.keys / "client").read_bytes())
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(str(server.keys / "client"), str(inside), 1))
    result = run(site, "deliver", "--partner", "gulf-daily")
    assert result.exit_code == 1 and "keep it outside the repository" in result.stderr


@pytest.mark.parametrize(("yaml_text", "message"), [
    ("partners:\n  - name: x\n", "missing"),
    ("partners:\n  - {name: x, languages: [ur], deliver_to: 'ftp://a@b/c', identity: k, known_hosts: h}\n",
     "sftp://"),
    ("partners:\n  - {name: x, languages: [ur], deliver_to: 'sftp://a:secret@b/c', identity: k, known_hosts: h}\n",
     "no password"),
])
def test_bad_partner_settings_name_the_line(make_site, yaml_text, message):
    root = make_site({"articles/mango.md": article_text()})
    (root / "publication.yaml").write_text(yaml_text)
    result = run(root, "check")
    assert result.exit_code == 1 and "publication.yaml:" in result.stderr and message in result.stderr
    assert "secret" not in result.stderr


@pytest.mark.parametrize("bad", ["not a key at all\n", "public"])
def test_an_unusable_identity_fails_that_partner_in_one_line_and_the_others_are_served(site, server, tmp_path, bad):
    key = tmp_path / "bad_key"
    key.write_text(server.client_key.export_public_key().decode() if bad == "public" else bad)
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(str(server.keys / "client"), str(key), 1))
    result = run(site, "deliver")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "gulf-daily: delivery" in result.stderr and "identity" in result.stderr
    assert "valley-times: sent 3 file(s)" in result.stdout


def test_an_identity_path_that_is_not_a_path_is_a_located_error(site, server):
    config = site / "publication.yaml"
    config.write_text(config.read_text().replace(str(server.keys / "client"), '"/tmp/\\0x"', 1))
    result = run(site, "deliver", "--partner", "gulf-daily")
    assert result.exit_code == 1 and "Traceback" not in result.output and "gulf-daily" in result.output
