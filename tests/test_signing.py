"""Approvals that cannot be forged silently (issue: the review gate, section 5).

Keys are made in a temporary folder with ssh-keygen; a reviewer whose key publication.yaml holds signs each
approval; publish verifies every line of such a reviewer, and a line that was edited in any field, copied
from another reviewer, signed with another key or not signed at all approves nothing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.translation import signing
from pipeline.translation.approvals import parse_approvals
from tests.conftest import article_text
from tests.urdu_fixture import fill_catalog


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def make_key(folder: Path, name: str) -> Path:
    path = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(path)], check=True)
    return path


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: make_key(folder, name) for name in ("saima", "other")}


@pytest.fixture
def keyed(make_site, keys) -> Path:
    """A site where Saima Anwar signs with her key and R approves without one; the Urdu is translated."""
    root = make_site({"articles/mango.md": article_text()})
    public = keys["saima"].with_suffix(".pub").read_text().split()
    (root / "publication.yaml").write_text(
        "reviewers:\n  ur:\n    - name: Saima Anwar\n"
        f"      key: {public[0]} {public[1]}\n    - R\n")
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    assert run(root, "approve", "--interface", "--reviewer", "R", "--all").exit_code == 0
    return root


def approvals_file(root: Path) -> Path:
    return root / "translations" / "ur" / "mango.approvals"


def lines(root: Path) -> list[list[str]]:
    text = approvals_file(root).read_text() if approvals_file(root).exists() else ""
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def published(root: Path) -> bool:
    result = run(root, "publish")
    return result.exit_code == 0 and (root / "dist" / "ur" / "mango.html").exists()


def test_sign_and_verify_round_trip_and_refuse_other_data_keys_and_namespaces(keys, tmp_path):
    data = signing.message("1a2b3c4d", "sha256:" + "0" * 64, "Saima Anwar", "2026-12-06T10:00:00Z")
    signature = signing.sign(keys["saima"], data, "saima")
    public = " ".join(keys["saima"].with_suffix(".pub").read_text().split()[:2])
    other = " ".join(keys["other"].with_suffix(".pub").read_text().split()[:2])
    assert signature.startswith("sshsig:") and "\n" not in signature
    assert signing.verify(public, data, signature)
    assert not signing.verify(public, data.replace(b"Saima", b"Salma"), signature)
    assert not signing.verify(other, data, signature)
    assert not signing.verify(public, data, signature[:-8] + "AAAAAAA=")
    assert not signing.verify(public, data, "sshsig:not-base64!")
    # a signature made for another purpose (a git commit's namespace) does not approve anything here
    (tmp_path / "m").write_bytes(data)
    subprocess.run(["ssh-keygen", "-q", "-Y", "sign", "-f", str(keys["saima"]), "-n", "git", str(tmp_path / "m")],
                   check=True)
    armored = (tmp_path / "m.sig").read_text()
    body = "".join(armored.split("-----")[2].split())
    assert not signing.verify(public, data, "sshsig:" + body)


def test_a_keyed_reviewer_must_sign_with_their_own_key(keyed, keys):
    result = run(keyed, "approve", "mango", "--reviewer", "Saima Anwar", "--all")
    assert result.exit_code == 1 and "give --key PATH" in result.output and lines(keyed) == []
    result = run(keyed, "approve", "mango", "--reviewer", "Saima Anwar", "--all", "--key", str(keys["other"]))
    assert result.exit_code == 1 and "not the key publication.yaml holds for Saima Anwar" in result.output
    assert lines(keyed) == []
    result = run(keyed, "approve", "mango", "--reviewer", "R", "--all", "--key", str(keys["saima"]))
    assert result.exit_code == 1 and "holds no key for R" in result.output and lines(keyed) == []
    result = run(keyed, "approve", "mango", "--reviewer", "Saima Anwar", "--all", "--key", str(keys["saima"]))
    assert result.exit_code == 0, result.output
    rows = lines(keyed)
    assert rows and all(len(row) == 5 and row[4].startswith("sshsig:") for row in rows)
    assert all(len(row[1]) == len("sha256:") + 64 for row in rows)  # the full SHA-256
    assert published(keyed)


@pytest.mark.parametrize("field", [0, 1, 2, 3, 4])
def test_editing_any_field_of_a_signed_line_voids_it(keyed, keys, field):
    result = run(keyed, "approve", "mango", "--reviewer", "Saima Anwar", "--all", "--key", str(keys["saima"]))
    assert result.exit_code == 0
    text = approvals_file(keyed).read_text()
    row = lines(keyed)[0]
    changed = list(row)
    if field == 0:  # another segment's id: a signature moved to another segment
        changed[0] = lines(keyed)[1][0]
    elif field == 1:
        changed[1] = row[1][:-1] + ("0" if row[1][-1] != "0" else "1")
    elif field == 2:
        changed[2] = "saima anwar"  # the same person to the list, but not what was signed
    elif field == 3:
        changed[3] = "2026-01-01T00:00:00Z"
    else:
        changed[4] = lines(keyed)[1][4]  # the signature of another line
    approvals_file(keyed).write_text(text.replace("\t".join(row), "\t".join(changed), 1))
    result = run(keyed, "publish")
    assert "ur/mango: held" in result.stderr
    assert "does not match the approval or their key" in result.stderr or "unapproved" in result.stderr
    assert not (keyed / "dist" / "ur" / "mango.html").exists()


def test_an_unsigned_or_hand_written_line_of_a_keyed_reviewer_approves_nothing(keyed, keys):
    assert run(keyed, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    text = approvals_file(keyed).read_text()
    approvals_file(keyed).write_text(text.replace("\tR\t", "\tSaima Anwar\t"))  # forged: unsigned
    result = run(keyed, "publish")
    assert "without the signature of their key" in result.stderr
    assert not (keyed / "dist" / "ur" / "mango.html").exists()
    approvals_file(keyed).write_text(text)  # R's own lines: R has no key and is trusted
    assert published(keyed)


def test_legacy_lines_with_a_short_hash_still_approve_their_pair(keyed):
    assert run(keyed, "approve", "mango", "--reviewer", "R", "--all").exit_code == 0
    text = approvals_file(keyed).read_text()
    short = "\n".join("\t".join([row[0], row[1][:len("sha256:") + 16], *row[2:]]) for row in lines(keyed))
    approvals_file(keyed).write_text(text.split("\n")[0] + "\n" + short + "\n")
    approvals, problems = parse_approvals(approvals_file(keyed).read_bytes(), "x")
    assert problems == [] and approvals.by_segment
    assert published(keyed)
