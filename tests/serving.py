"""`pipeline serve` for tests: a publication with an Urdu translation waiting for review, the server run as
the command line runs it (a subprocess on a free port, its address read from what it prints), and plain HTTP
requests with headers chosen by the test (http.client: no cookie jar, no redirects followed)."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import TEST_REVIEWERS, article_text
from tests.urdu_fixture import URDU, fill_catalog

PARA = "Growers around Multan began picking mangoes two weeks early this year."
EDITED = PARA.replace("two weeks", "three weeks")
REVIEWER = "Saima Anwar"


def run(root: Path, *args: str, **kwargs):
    return CliRunner().invoke(main, ["--root", str(root), *args], **kwargs)


def waiting_publication(root: Path, reviewers: str | None = None) -> Path:
    """articles/mango.md with its Urdu translated and not approved; one paragraph's English changed after it
    was translated (the translator updated it: the previous English is kept for the reviewer)."""
    (root / "articles").mkdir(parents=True)
    (root / "publication.yaml").write_text(reviewers or f"reviewers:\n  ur: [{', '.join(TEST_REVIEWERS)}]\n",
                                           encoding="utf-8")
    (root / "articles" / "mango.md").write_text(article_text(), encoding="utf-8")
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po")
    (root / "articles" / "mango.md").write_text(article_text().replace(PARA, EDITED), encoding="utf-8")
    assert run(root, "translate").exit_code == 0
    fill_catalog(root / "translations" / "ur" / "mango.po", {**URDU, EDITED: URDU[PARA].replace("دو", "تین")})
    return root


@dataclass
class Server:
    process: subprocess.Popen
    url: str  # the printed address (with the login token when it has one)
    errors: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc


@contextmanager
def serving(root: Path, *args: str) -> Iterator[Server]:
    """`pipeline serve --port 0 ARGS` in `root` until the block ends."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "--root", str(root), "serve", "--port", "0",
                                *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline() if process.stdout else ""  # blocks until the address, or the end
        match = re.search(r"serving (http://\S+)", line)
        assert match, f"no address printed: {line!r} {process.stderr.read() if process.stderr else ''}"
        yield Server(process, match.group(1))
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def request(server: Server, method: str, path: str, headers: dict[str, str] | None = None,
            form: dict[str, str | list[str]] | None = None) -> Answer:
    """One request with exactly these headers (Host is the server's unless given)."""
    connection = http.client.HTTPConnection(server.netloc, timeout=60)
    body = urlencode(form, doseq=True) if form is not None else None
    sent = {"Host": server.netloc, **(headers or {})}
    if body is not None:
        sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        sent["Content-Length"] = str(len(body.encode()))
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in sent.items():
        connection.putheader(name, value)
    connection.endheaders(body.encode() if body is not None else None)
    response = connection.getresponse()
    answer = Answer(response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read().decode("utf-8", "replace"))
    connection.close()
    return answer


def session_of(server: Server) -> tuple[str, str]:
    """Open the printed address: (the session cookie, a CSRF token of that session)."""
    login = request(server, "GET", server.url.removeprefix(server.base))
    assert login.status == 303, login
    cookie = login.headers["set-cookie"].split(";")[0]
    page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie})
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.body)
    assert token, page.body[:2000]
    return cookie, token.group(1)


def until(check: Callable[[], object], seconds: float = 30, what: str = "") -> object:
    """Poll `check` until it gives something true; fail after `seconds` (never a fixed wait)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)
