"""Sending a package to a partner over SFTP (asyncssh).

In: a `Package` (the files the partner does not have yet), the partner's address, our private key for it
and the known_hosts file that must hold the partner's host key (never trust on first use).
Out: the files on the partner's server under `<path>/<lang>/`, each uploaded to a temporary name and renamed
when complete (a partner never sees half a file), manifest.json last; or a `DeliveryFailed` saying in one
line what went wrong (refused key, unknown host key, lost connection, full disk), without any secret.
asyncssh is imported in one place, `_asyncssh()`, and only when something is delivered.
"""

from __future__ import annotations

import asyncio
import posixpath
import secrets
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

from pipeline.delivery.packages import Package

CONNECT_TIMEOUT = 30  # seconds
ATTEMPTS = 3
BACKOFF = 2.0  # seconds before the second attempt; doubled for each next one (tests set it to 0)


class DeliveryFailed(Exception):
    """One partner's delivery failed; the message is one line for the operator."""


def _asyncssh() -> ModuleType:
    with warnings.catch_warnings():  # asyncssh still names DSA, which cryptography deprecates
        warnings.simplefilter("ignore")
        import asyncssh
    return asyncssh


def explain(err: BaseException) -> str:
    """One line naming what went wrong, never a key or a password."""
    ssh = _asyncssh()
    if isinstance(err, ssh.HostKeyNotVerifiable):
        return "the partner's host key is not the one in known_hosts (or not there at all): check it with the partner"
    if isinstance(err, ssh.PermissionDenied):
        return "the partner's server refused our key: send them the public key of identity:"
    if isinstance(err, ssh.KeyImportError | ValueError | UnicodeError):
        return ("identity: or known_hosts: is not a file we can use (identity must be a private key without a "
                "passphrase; known_hosts a text file of host keys)")
    if isinstance(err, ssh.SFTPError):
        return f"the partner's server refused a file ({err.reason or type(err).__name__})"
    if isinstance(err, ssh.DisconnectError | ConnectionError | asyncio.IncompleteReadError):
        return f"the connection was lost ({type(err).__name__})"
    if isinstance(err, TimeoutError):
        return "no answer from the partner's server"
    if isinstance(err, OSError):
        return f"cannot reach the partner's server ({err.strerror or type(err).__name__})"
    return f"{type(err).__name__}"


async def _send(package: Package, identity: Path, known_hosts: Path) -> None:
    ssh = _asyncssh()
    partner = package.partner
    async with ssh.connect(partner.host, partner.port, username=partner.user, client_keys=[str(identity)],
                           known_hosts=str(known_hosts), agent_path=None, password=None,
                           connect_timeout=CONNECT_TIMEOUT) as conn, conn.start_sftp_client() as sftp:
        for item in package.changed:
            remote = posixpath.join(partner.path, item.rel)
            folder = posixpath.dirname(remote)
            await sftp.makedirs(folder, exist_ok=True)
            temp = posixpath.join(folder, f".{posixpath.basename(remote)}.part-{secrets.token_hex(4)}")
            try:
                if item.local is None:
                    async with sftp.open(temp, "wb") as handle:
                        await handle.write(package.manifest)
                else:
                    await sftp.put(str(item.local), temp)
                await _rename(sftp, temp, remote)
            except BaseException:
                await _forget(sftp, temp)
                raise


async def _rename(sftp: Any, temp: str, remote: str) -> None:
    """Replace `remote` by `temp` in one step where the server can (posix-rename), else remove and rename."""
    try:
        await sftp.posix_rename(temp, remote)
    except _asyncssh().SFTPOpUnsupported:
        if await sftp.exists(remote):
            await sftp.remove(remote)
        await sftp.rename(temp, remote)


async def _forget(sftp: Any, temp: str) -> None:
    """Remove our half-sent temporary file, if the connection still allows it."""
    try:
        await sftp.remove(temp)
    except Exception:
        pass


async def deliver(package: Package, identity: Path, known_hosts: Path) -> None:
    """Send the package, trying again with backoff; DeliveryFailed after the last attempt."""
    delay = BACKOFF
    for attempt in range(1, ATTEMPTS + 1):
        try:
            await _send(package, identity, known_hosts)
            return
        except (OSError, TimeoutError, asyncio.IncompleteReadError, _asyncssh().Error, _asyncssh().KeyImportError,
                ValueError, UnicodeError) as err:
            why = explain(err)
            ssh = _asyncssh()
            permanent = isinstance(err, ssh.HostKeyNotVerifiable | ssh.PermissionDenied | ssh.KeyImportError
                                   | ValueError | UnicodeError)
            if attempt == ATTEMPTS or permanent:
                raise DeliveryFailed(f"{why} (attempt {attempt} of {ATTEMPTS})") from None
        await asyncio.sleep(delay)
        delay *= 2
