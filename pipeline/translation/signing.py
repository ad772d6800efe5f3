"""Approvals signed with the reviewer's SSH key, through OpenSSH's `ssh-keygen -Y`.

In: the fields of one approval (segment id, hash of the exact pair, reviewer, time) and either the
reviewer's key file (a private key, or the public key of a key held by ssh-agent) or the reviewer's
public key from publication.yaml.
Out: `sign` gives the signature to keep on the approval line (`sshsig:` and the base64 of OpenSSH's
SSHSIG blob, one line); `verify` says whether such a signature was made by that public key, over exactly
those fields, in this project's namespace (a signature made for git commits or anything else does not
verify here). Nothing is written outside a temporary folder of our own.
"""

from __future__ import annotations

import base64
import binascii
import functools
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

from pipeline.errors import Problem, ProblemsFound

NAMESPACE = "approval@newsroom-pipeline"
PREFIX = "sshsig:"
_TIMEOUT = 60  # seconds: signing may wait for a passphrase or a hardware key touch
_PRINCIPAL = "reviewer"


def message(segment: str, pair: str, reviewer: str, when: str) -> bytes:
    """The bytes a reviewer signs: every field of the approval line, each named."""
    return (f"newsroom-pipeline approval v1\nsegment {segment}\npair {pair}\n"
            f"reviewer {reviewer}\napproved {when}\n").encode()


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found is None:
        raise ProblemsFound([Problem("ssh-keygen", None, None, "OpenSSH's ssh-keygen is needed to sign and check "
                                     "approvals; install it (e.g. apt-get install openssh-client)")])
    return found


def sign(key: Path, data: bytes, shown: str) -> str:
    """The signature of `data` with the key at `key` (or the agent's key for that public key file)."""
    if not key.is_file():
        raise ProblemsFound([Problem(shown, None, "--key", "no such key file; give the path of your private key "
                                     "(or of its .pub file when the key is in ssh-agent)")])
    result = subprocess.run([_ssh_keygen(), "-q", "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
                            input=data, capture_output=True, timeout=_TIMEOUT, check=False)
    out = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "-----BEGIN SSH SIGNATURE-----" not in out:
        why = " ".join(result.stderr.decode("utf-8", "replace").split()) or f"exit status {result.returncode}"
        raise ProblemsFound([Problem(shown, None, "--key", f"ssh-keygen could not sign with this key ({why})")])
    return PREFIX + _armor_body(out)


def _armor_body(armored: str) -> str:
    inside = armored.split("-----BEGIN SSH SIGNATURE-----", 1)[1].split("-----END SSH SIGNATURE-----", 1)[0]
    return "".join(inside.split())


def well_formed(signature: str) -> bool:
    if not signature.startswith(PREFIX):
        return False
    try:
        blob = base64.b64decode(signature[len(PREFIX):], validate=True)
    except binascii.Error:
        return False
    return blob.startswith(b"SSHSIG")


@functools.lru_cache(maxsize=65536)
def verify(public_key: str, data: bytes, signature: str) -> bool:
    """Whether `signature` is `public_key`'s signature of exactly `data` in this project's namespace."""
    if not well_formed(signature):
        return False
    armored = ("-----BEGIN SSH SIGNATURE-----\n" + "\n".join(textwrap.wrap(signature[len(PREFIX):], 70))
               + "\n-----END SSH SIGNATURE-----\n")
    with tempfile.TemporaryDirectory(prefix="pipeline-verify-") as folder:
        allowed, sig = Path(folder) / "allowed_signers", Path(folder) / "approval.sig"
        allowed.write_text(f'{_PRINCIPAL} namespaces="{NAMESPACE}" {public_key}\n', encoding="ascii")
        sig.write_text(armored, encoding="ascii")
        result = subprocess.run([_ssh_keygen(), "-Y", "verify", "-f", str(allowed), "-I", _PRINCIPAL,
                                 "-n", NAMESPACE, "-s", str(sig)], input=data, capture_output=True,
                                timeout=_TIMEOUT, check=False)
    return result.returncode == 0
