"""`pipeline serve`: build the preview, watch the files, serve the pages and the review page.

In: the publication root, the address to listen on, and who may approve: one `--reviewer` (on this
machine only; with `--key` when publication.yaml holds their key) or the reviewers of a `--users` file
(needed to listen on any other address).
Out: the preview built into `.pipeline/preview/site/`, then one line on stdout, the address to open (on this
machine with the reviewer's login token), and the server (uvicorn) until Ctrl-C; the preview is rebuilt
after every save. Refusals (an address beyond this machine without `--users`, a reviewer not on the list,
a key missing, a port in use) are `UsageProblem`s or `ProblemsFound`, before anything listens.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from pipeline.errors import Problem, ProblemsFound, UsageProblem
from pipeline.languages import SOURCE_LANGUAGE
from pipeline.serve.app import make_app
from pipeline.serve.context import ServeContext
from pipeline.serve.preview import Preview
from pipeline.serve.users import read_users
from pipeline.serve.watch import Watcher
from pipeline.translation.approvals import check_reviewer, trust_for
from pipeline.translation.review import signer

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    reviewer: str | None = None
    key: Path | None = None
    users: Path | None = None


def checked_reviewer(preview: Preview, name: str, key: Path | None) -> str:
    """The reviewer's name as the list spells it; ProblemsFound when they may approve no language here (or
    sign with a key they did not give)."""
    config = preview.config
    langs = [lang for lang in config.languages if lang != SOURCE_LANGUAGE]
    found: list[Problem] = []
    for lang in langs:
        try:
            recorded = check_reviewer(name, trust_for(config, lang))
            signer(config, lang, recorded, key)
            return recorded
        except ProblemsFound as refused:
            found.extend(refused.problems)
    raise ProblemsFound(found or [Problem("--reviewer", None, None, "the publication has no translation language")])


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise UsageProblem(f"--port: cannot listen on {host}:{port} ({err.strerror or err}); give another "
                           "--port, or --port 0 for any free one") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def context_for(options: ServeOptions, preview: Preview, port: int) -> ServeContext:
    local = options.host in LOCAL_HOSTS
    if not local and options.users is None:
        raise UsageProblem(f"--host {options.host}: listening beyond this machine needs --users FILE (reviewers "
                           "log in with a password; make it with `pipeline users add NAME --users FILE`)")
    if options.users is not None and options.reviewer is not None:
        raise UsageProblem("give --reviewer (one reviewer, on this machine) or --users FILE (reviewers log in), "
                           "not both")
    reviewer = checked_reviewer(preview, options.reviewer, options.key) if options.reviewer else None
    users = read_users(options.users) if options.users is not None else None
    hosts = frozenset(f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")) if local else None
    return ServeContext(preview, reviewer, options.key, users, hosts)


def address(options: ServeOptions, port: int, ctx: ServeContext) -> str:
    host = f"[{options.host}]" if ":" in options.host else options.host
    token = f"?token={ctx.login_token}" if ctx.local_reviewer else ""
    return f"http://{host}:{port}/{token}"


def serve(root: Path, options: ServeOptions, say: Callable[[str], None], tell: Callable[[str], None]) -> None:
    """Run until interrupted (see the module doc); `say` prints the address, `tell` the build's news."""
    preview = Preview(root)
    sock = _listen(options.host, options.port)
    try:
        ctx = context_for(options, preview, sock.getsockname()[1])
        state = preview.rebuild(jobs=None)
        tell(f"preview built into {preview.config.display(preview.site)} in {state.seconds:.2f} s: "
             f"{len(state.held)} edition(s) held, {len(state.problems)} problem(s)")
        watcher = Watcher(preview, lambda _state: ctx.notifier.publish())
        watcher.start()
        config = uvicorn.Config(make_app(ctx), log_level="warning", access_log=False, lifespan="on",
                                timeout_graceful_shutdown=1, server_header=False)
        say(f"serving {address(options, sock.getsockname()[1], ctx)}")
        sys.stdout.flush()
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            watcher.close()
    finally:
        sock.close()
