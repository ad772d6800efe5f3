"""`pipeline serve` attacked (issue 14, second look): each test here failed before the fix it names. Most run the
application in this process through a small ASGI driver (no port, no subprocess: fast), with exactly the scope
and headers a browser, a proxy or an attacker would send.

In: a publication with an Urdu translation waiting for review (tests/serving.py).
Out: assertions on what the server answers and on the files it leaves (approvals, comments, files outside the
publication)."""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlencode

import pytest

from pipeline.build import outputs
from pipeline.errors import ProblemsFound
from pipeline.serve import security
from pipeline.serve.app import make_app
from pipeline.serve.context import ServeContext
from pipeline.serve.preview import Preview
from pipeline.serve.users import hash_password, read_users
from pipeline.serve.watch import Watcher
from pipeline.translation.segments import segment_id
from tests.serving import REVIEWER, run, waiting_publication

PORT = 8123
LOCAL = f"127.0.0.1:{PORT}"
HEADLINE = "Early Mango Harvest in Multan"
PASSWORD = "correct horse battery"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    cookies: list[str]
    body: str


async def _call(app, method: str, path: str, headers: dict[str, str], body: bytes, scheme: str,
                client: str) -> Answer:
    raw, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": scheme, "path": unquote(raw), "raw_path": raw.encode(), "query_string": query.encode(),
             "root_path": "", "client": (client, 50000), "server": ("127.0.0.1", PORT),
             "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    try:
        await app(scope, receive, send)
    except Exception:  # Starlette sends its 500 answer, then raises for the server's log
        pass
    start = next(m for m in sent if m["type"] == "http.response.start")
    pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start["headers"]]
    data = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(start["status"], {k: v for k, v in pairs}, [v for k, v in pairs if k == "set-cookie"],
                  data.decode("utf-8", "replace"))


class Client:
    """One browser (or attacker) talking to the application; Host is this server's unless given."""

    def __init__(self, app, host: str = LOCAL, scheme: str = "http", client: str = "127.0.0.1") -> None:
        self.app, self.host, self.scheme, self.client = app, host, scheme, client

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                form: dict | None = None, body: bytes | None = None) -> Answer:
        return asyncio.run(self.call(method, path, headers, form, body))

    async def call(self, method: str, path: str, headers: dict[str, str] | None = None,
                   form: dict | None = None, body: bytes | None = None) -> Answer:
        sent = {"host": self.host, **(headers or {})}
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            sent.setdefault("content-type", "application/x-www-form-urlencoded")
        return await _call(self.app, method, path, sent, body or b"", self.scheme, self.client)

    def get(self, path: str, cookie: str | None = None) -> Answer:
        return self.request("GET", path, {"cookie": cookie} if cookie else None)

    def post(self, path: str, form: dict, cookie: str | None = None, **headers: str) -> Answer:
        sent = {"origin": self.origin, **({"cookie": cookie} if cookie else {}), **headers}
        return self.request("POST", path, sent, form)


def context(root: Path, reviewer: str | None = REVIEWER, users: dict[str, str] | None = None) -> ServeContext:
    preview = Preview(root)
    preview.rebuild(jobs=1)
    hosts = None if users is not None else frozenset({LOCAL, f"localhost:{PORT}"})
    return ServeContext(preview, reviewer if users is None else None, None, users, hosts)


def local_session(client: Client, ctx: ServeContext) -> tuple[str, str]:
    """The printed address opened: (cookie, CSRF token)."""
    opened = client.get(f"/?token={ctx.login_token}")
    cookie = opened.cookies[0].split(";")[0]
    page = client.get("/review/mango/ur", cookie)
    return cookie, re.search(r'name="csrf-token" content="([^"]+)"', page.body).group(1)


def login_form(client: Client) -> tuple[str, str]:
    page = client.get("/login")
    return page.cookies[0].split(";")[0], re.search(r'name="csrf" value="([^"]+)"', page.body).group(1)


def approve_form(page: str, token: str, segment: str) -> dict:
    shown = re.search(rf'name="shown" value="({segment}:sha256:[0-9a-f]+)"', page).group(1)
    return {"csrf": token, "action": "approve", "segment": segment, "shown": shown}


@pytest.fixture(scope="module")
def publication(tmp_path_factory) -> Path:
    return waiting_publication(tmp_path_factory.mktemp("attacks") / "site")


@pytest.fixture(scope="module")
def with_logins(publication) -> tuple[Client, ServeContext]:
    ctx = context(publication, users={REVIEWER: hash_password(PASSWORD)})
    return Client(make_app(ctx), host="news.example"), ctx


# --- who may read ---------------------------------------------------------------------------------------------
def test_with_logins_nothing_of_the_preview_is_shown_before_logging_in(with_logins):
    """Before: with --users, anyone who reached the address (or a rebinding site: any Host is answered) read
    every held and embargoed edition, its PDF and the review page without logging in."""
    client, _ctx = with_logins
    for path in ("/", "/ur/mango.html", "/ur/mango.pdf", "/en/mango.html", "/review/", "/review/mango/ur",
                 "/review/mango/ur/print", "/review/mango/ur/print/1.png", "/_serve/events", "/index.html"):
        answer = client.get(path)
        assert answer.status == 303 and answer.headers["location"] == "/login", (path, answer.status)
        assert "ملتان" not in answer.body and "Mango" not in answer.body, path
    assert client.request("POST", "/review/mango/ur", {"origin": client.origin}, {"csrf": "x"}).status == 403
    assert client.get("/login").status == 200 and client.get("/_serve/serve.css").status == 200
    cookie, token = login_form(client)
    anonymous = client.get("/ur/mango.html", cookie)  # a login form's session is not a login
    assert anonymous.status == 303
    ok = client.post("/login", {"csrf": token, "name": REVIEWER, "password": PASSWORD}, cookie)
    assert ok.status == 303, ok
    reviewer = ok.cookies[0].split(";")[0]
    assert "ملتان" in client.get("/ur/mango.html", reviewer).body


def test_with_logins_the_login_page_tells_nothing_of_the_publication(tmp_path):
    """Before: the login page (and any 404 under /fonts/, shown before logging in) listed the build's problems,
    with the files and slugs of drafts in them, to anyone who reached the address."""
    root = waiting_publication(tmp_path / "site")
    (root / "articles" / "secret-merger.md").write_text("---\nheadline: Merger\ndate: 2026-02-30\n---\nx\n",
                                                        encoding="utf-8")
    ctx = context(root, users={REVIEWER: hash_password(PASSWORD)})
    client = Client(make_app(ctx), host="news.example")
    for path in ("/login", "/fonts/missing.ttf"):
        assert "secret-merger" not in client.get(path).body, path
    cookie, token = login_form(client)
    reviewer = client.post("/login", {"csrf": token, "name": REVIEWER, "password": PASSWORD}, cookie).cookies[0]
    assert "secret-merger" in client.get("/review/", reviewer.split(";")[0]).body


def test_another_site_cannot_make_the_browser_fetch_from_the_server(publication):
    """Before: any page the reviewer visited could have their browser load the local server's pages and PDFs
    (an <img>, a <script>, a prefetch: Host is 127.0.0.1, so the host check passes): a PDF made on demand
    for each, and whether a draft exists read from how long, or how, the load ended. The browser's
    Sec-Fetch-Site says where a request comes from: from another site, only a plain visit is answered."""
    client = Client(make_app(context(publication)))
    for site in ("cross-site", "same-site"):  # same-site: another port of 127.0.0.1
        for dest, mode in (("image", "no-cors"), ("script", "no-cors"), ("empty", "cors"), ("iframe", "navigate")):
            answer = client.request("GET", "/ur/mango.pdf", {"sec-fetch-site": site, "sec-fetch-mode": mode,
                                                             "sec-fetch-dest": dest})
            assert answer.status == 403 and "%PDF" not in answer.body, (site, dest)
    visit = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document"}
    assert client.request("GET", "/ur/mango.html", visit).status == 200  # a link followed from elsewhere
    for site in ("same-origin", "none"):  # its own pages; the address typed or opened from the terminal
        assert client.request("GET", "/ur/mango.pdf", {"sec-fetch-site": site, "sec-fetch-mode": "no-cors",
                                                       "sec-fetch-dest": "embed"}).status == 200


def test_concurrent_failed_logins_are_throttled_as_if_one_after_another(publication):
    """Before: every guess sent at once passed the throttle (it counted failures only once checked): 12 guesses
    were checked where 5 are allowed."""
    ctx = context(publication, users={REVIEWER: hash_password(PASSWORD)})
    client = Client(make_app(ctx), host="news.example", client="203.0.113.7")
    cookie, token = login_form(client)

    async def guesses() -> list[int]:
        sent = [client.call("POST", "/login", {"cookie": cookie, "origin": client.origin},
                            {"csrf": token, "name": REVIEWER, "password": f"guess {n}"}) for n in range(12)]
        return [answer.status for answer in await asyncio.gather(*sent)]

    statuses = asyncio.run(guesses())
    assert statuses.count(303) == security.LIMIT and statuses.count(429) == 12 - security.LIMIT, statuses
    other = Client(client.app, host="news.example", client="198.51.100.1")
    cookie, token = login_form(other)
    assert other.post("/login", {"csrf": token, "name": REVIEWER, "password": PASSWORD}, cookie).status == 429


def test_behind_a_tls_proxy_logins_work_and_the_cookie_is_secure(publication):
    """Before: behind the TLS proxy the README suggests, the browser's Origin (https) never matched the
    server's fixed http scheme: every login was refused; and cookies were never marked Secure."""
    ctx = context(publication, users={REVIEWER: hash_password(PASSWORD)})
    client = Client(make_app(ctx), host="news.example", scheme="https")  # uvicorn: X-Forwarded-Proto
    cookie, token = login_form(client)
    assert client.get("/login").cookies[0].endswith("; Secure")
    downgraded = client.post("/login", {"csrf": token, "name": REVIEWER, "password": PASSWORD}, cookie,
                             origin="http://news.example")
    assert downgraded.status == 403
    ok = client.post("/login", {"csrf": token, "name": REVIEWER, "password": PASSWORD}, cookie)
    assert ok.status == 303 and ok.cookies[0].endswith("; Secure"), ok


# --- what is written, and where -------------------------------------------------------------------------------
def test_a_linked_translations_lock_is_refused_and_what_it_points_to_is_untouched(tmp_path):
    """Before: translations/.lock as a link (a hostile repository can hold one) made an approval truncate and
    overwrite the file it points to, outside the publication (the page and `pipeline approve` alike)."""
    root = waiting_publication(tmp_path / "site")
    victim = tmp_path / "precious.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (root / "translations" / ".lock").unlink(missing_ok=True)
    (root / "translations" / ".lock").symlink_to(victim)
    ctx = context(root)
    client = Client(make_app(ctx))
    cookie, token = local_session(client, ctx)
    page = client.get("/review/mango/ur", cookie).body
    answer = client.post("/review/mango/ur", approve_form(page, token, segment_id("headline", HEADLINE)), cookie)
    assert answer.status == 303
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not (root / "translations" / "ur" / "mango.approvals").exists()
    assert "is a link" in client.get("/review/mango/ur", cookie).body
    cli = run(root, "approve", "mango", "--reviewer", REVIEWER, "--all")
    assert cli.exit_code == 1 and "is a link" in cli.output and victim.read_text(encoding="utf-8") == "precious\n"


def test_a_preview_folder_that_is_a_link_is_refused(tmp_path):
    """Before: .pipeline/preview/site as a link to dist/ (or anywhere) made the preview build write its
    pages, held editions' drafts included, into it."""
    root = waiting_publication(tmp_path / "site")
    dist = root / "dist"
    (dist / "en").mkdir(parents=True)
    (dist / "en" / "mango.html").write_text("published\n", encoding="utf-8")
    (root / ".pipeline" / "preview").mkdir(parents=True)
    (root / ".pipeline" / "preview" / "site").symlink_to(dist, target_is_directory=True)
    with pytest.raises(ProblemsFound, match="is a link"):
        Preview(root)
    (root / ".pipeline" / "preview" / "site").unlink()
    preview = Preview(root)
    preview.rebuild(jobs=1)
    site = root / ".pipeline" / "preview" / "site"
    site.rename(tmp_path / "old-site")
    site.symlink_to(dist, target_is_directory=True)  # swapped while the server runs
    (root / "articles" / "mango.md").write_text((root / "articles" / "mango.md").read_text(encoding="utf-8")
                                                .replace(HEADLINE, "Changed"), encoding="utf-8")
    state = preview.rebuild(jobs=1)
    assert any("is a link" in str(p) for p in state.problems)
    shown = Client(make_app(ServeContext(preview, allowed_hosts=frozenset({LOCAL})))).get("/en/mango.html")
    assert shown.status == 404 and "published" not in shown.body
    assert sorted(p.name for p in dist.rglob("*")) == ["en", "mango.html"]
    assert (dist / "en" / "mango.html").read_text(encoding="utf-8") == "published\n"



def test_a_link_inside_the_preview_folder_is_never_written_through(tmp_path):
    """Before: a folder of the preview that is a link (a cloned repository can hold .pipeline/preview/site/en
    -> anywhere) had the English pages written where it led, outside the publication."""
    root = waiting_publication(tmp_path / "site")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "index.html").write_text("mine\n", encoding="utf-8")
    site = root / ".pipeline" / "preview" / "site"
    site.mkdir(parents=True)
    (site / "en").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ProblemsFound, match="site/en: is a link"):
        Preview(root)
    (site / "en").unlink()
    preview = Preview(root)
    preview.rebuild(jobs=1)
    (site / "ur").rename(tmp_path / "old-ur")
    (site / "ur").symlink_to(outside, target_is_directory=True)  # planted while the server runs
    (root / "articles" / "mango.md").touch()
    (root / "publication.yaml").write_text((root / "publication.yaml").read_text(encoding="utf-8") + "\n")
    state = preview.rebuild(jobs=1)
    assert any("site/ur: is a link" in str(p) for p in state.problems), state.problems
    assert sorted(p.name for p in outside.iterdir()) == ["index.html"]
    assert (outside / "index.html").read_text(encoding="utf-8") == "mine\n"


class CountingWatcher(Watcher):
    def __init__(self, preview: Preview) -> None:
        super().__init__(preview, lambda _state: None)
        self.changes: list[float] = []

    def changed(self) -> None:
        self.changes.append(time.monotonic())


def _after(watcher: CountingWatcher, action, seconds: float) -> bool:
    before = len(watcher.changes)
    action()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if len(watcher.changes) > before:
            return True
        time.sleep(0.05)
    return False


def test_the_watcher_never_follows_a_link_out_of_the_publication(tmp_path):
    """Before: a link in articles/ to a folder outside (or to /) was watched recursively, every folder below
    it: changes outside the publication rebuilt the preview, and a link to / exhausts inotify."""
    root = waiting_publication(tmp_path / "site")
    outside = tmp_path / "elsewhere"
    (outside / "deep").mkdir(parents=True)
    (root / "articles" / "linked").symlink_to(outside, target_is_directory=True)
    watcher = CountingWatcher(Preview(root))
    watcher.start()
    try:
        time.sleep(1.0)  # the watches are up (each builds once then, for saves made while it started)
        assert not _after(watcher, lambda: (outside / "deep" / "x.md").write_text("x"), 1.5)
        assert _after(watcher, lambda: (root / "articles" / "mango.md").touch(), 10)
        (root / "articles" / "2026").mkdir()
        time.sleep(0.8)  # the new folder is seen, then watched
        assert _after(watcher, lambda: (root / "articles" / "2026" / "new.md").write_text("x"), 10)
    finally:
        watcher.close()


# --- answers for people ---------------------------------------------------------------------------------------
def test_bad_input_is_answered_for_people_never_with_a_server_error(publication):
    """Before: a slug too long for a file name and a form with too many fields were 500 Internal Server Error
    (and `pipeline approve` with that slug a traceback)."""
    ctx = context(publication)
    client = Client(make_app(ctx))
    cookie, token = local_session(client, ctx)
    long = "a" * 300
    for path in (f"/review/{long}/ur", f"/ur/{long}.pdf", f"/review/{long}/ur/print", f"/review/{long}/ur/print/1.png"):
        answer = client.get(path, cookie)
        assert answer.status in (200, 404) and re.search("no article|no such page", answer.body), path
    many = f"csrf={token}&".encode() + b"&".join(b"a" for _ in range(20_000))
    form = {"cookie": cookie, "origin": client.origin, "content-type": "application/x-www-form-urlencoded"}
    crowded = client.request("POST", "/review/mango/ur", form, body=many)
    assert crowded.status == 413
    cli = run(publication, "approve", long, "--reviewer", REVIEWER, "--all")
    assert cli.exit_code == 1 and "no article with this slug" in cli.output, cli.output


def test_every_answer_carries_the_policy_nosniff_and_no_store(publication, monkeypatch):
    """Before: refusals (400, 403), 405, 413, 415, a server error, the server's scripts and the preview's
    assets went out without a Content-Security-Policy (the refusals without nosniff either), and an error
    was Starlette's bare text."""
    ctx = context(publication)
    client = Client(make_app(ctx))
    cookie, token = local_session(client, ctx)
    answers = {
        "wrong host": Client(client.app, host="evil.example").get("/"),
        "other origin": client.post("/review/mango/ur", {"csrf": token}, cookie, origin="http://evil.example"),
        "405": client.request("DELETE", "/review/mango/ur", {"origin": client.origin, "cookie": cookie}),
        "415": client.request("POST", "/review/mango/ur", {"origin": client.origin, "cookie": cookie,
                                                           "content-type": "text/plain"}, body=b"x"),
        "413": client.request("POST", "/review/mango/ur", {"origin": client.origin, "cookie": cookie,
                                                           "content-type": "application/x-www-form-urlencoded"},
                              body=b"a" * 1_100_000),
        "script": client.get("/_serve/reload.js"),
        "font": client.get("/fonts/NotoSerif-Regular.ttf"),
        "asset": client.get("/assets/style.css"),
    }

    def broken(*_args):
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(ctx.preview, "print_pages", broken)
    answers["500"] = client.get("/review/mango/ur/print", cookie)
    for what, answer in answers.items():
        policy = answer.headers.get("content-security-policy", "")
        assert "default-src 'none'" in policy and "frame-ancestors" in policy, (what, answer.status, policy)
        assert answer.headers.get("x-content-type-options") == "nosniff", what
        assert "cache-control" in answer.headers, what
    error = answers["500"]
    assert error.status == 500 and "secret detail" not in error.body and "Traceback" not in error.body
    assert "<h1>" in error.body and "the terminal" in error.body
    pdf = client.get("/en/mango.pdf")
    assert pdf.status == 200 and pdf.headers["content-security-policy"] == "frame-ancestors 'self'"  # a viewer's own


def test_text_that_steers_direction_is_shown_not_obeyed_on_the_servers_pages(tmp_path):
    """Before: a file name with U+202E RIGHT-TO-LEFT OVERRIDE reached the problems list of every page as it
    is, reordering what the editor reads."""
    root = waiting_publication(tmp_path / "site")
    (root / "articles" / "evil\u202elmth.md").write_text("---\nheadline: x\n---\nx\n", encoding="utf-8")
    ctx = context(root)
    client = Client(make_app(ctx))
    for path in ("/", "/en/mango.html", "/review/"):
        body = client.get(path).body
        assert "\u202e" not in body and "⟨U+202E⟩" in body, path


def test_paths_that_name_no_edition_are_not_remembered(publication):
    """Before: every path asked for was kept in the build's memo of parsed output paths (262,144 entries, up to
    16 KB each): any page the browser visited could send unique long paths to the local port and grow the
    server by gigabytes."""
    client = Client(make_app(context(publication)))
    before = outputs._parse.cache_info().currsize
    for n in range(20):
        assert client.get(f"/en/{n}{'a' * 4000}.html").status == 404
        assert client.get(f"/en/{n}{'a' * 4000}.pdf").status in (200, 404)
    assert outputs._parse.cache_info().currsize - before <= 1
    assert "ملتان" in client.get("/ur/mango.html").body  # editions are still made on demand


def test_sessions_in_memory_are_bounded():
    """Before: every visit to /login started a session that was never forgotten unless it was used again."""
    now = [0.0]
    sessions = security.Sessions(clock=lambda: now[0])
    reviewer = sessions.start(REVIEWER)
    for _ in range(security.MAX_SESSIONS + 50):
        sessions.start(None)
    assert len(sessions.by_id) <= security.MAX_SESSIONS and sessions.get(reviewer) is not None
    now[0] += security.SESSION_SECONDS + 1
    sessions.start(None)
    assert len(sessions.by_id) == 1


def test_the_users_file_is_never_readable_by_others_not_even_for_a_moment(tmp_path, monkeypatch):
    """Before: `pipeline users add` wrote the file readable by everyone (0644, the umask's) and narrowed it to
    0600 only after it was in place: a hash could be read in between, and it was, for the previous users too."""
    users = tmp_path / "users"
    modes: list[int] = []
    replace = os.replace

    def watched(source, target):
        modes.append(os.stat(source).st_mode & 0o777)
        return replace(source, target)

    monkeypatch.setattr(os, "replace", watched)
    for name in (REVIEWER, "R"):
        assert run(tmp_path, "users", "add", name, "--users", str(users), input=f"{PASSWORD}\n" * 2).exit_code == 0
    assert modes and all(mode & 0o077 == 0 for mode in modes), [oct(m) for m in modes]
    assert users.stat().st_mode & 0o077 == 0 and set(read_users(users)) == {REVIEWER, "R"}


def test_an_expired_session_asked_for_twice_at_once_is_no_server_error():
    """Before: two requests of one browser (a page and its frame) finding its session expired both deleted it:
    the second one's `del` was a KeyError, a 500. The clock here lets the other request in at that moment."""
    sessions = security.Sessions()
    sid = sessions.start(REVIEWER)

    def clock() -> float:
        sessions.by_id.pop(sid, None)  # the other request forgot it first
        return time.monotonic() + security.SESSION_SECONDS + 1

    sessions.clock = clock
    assert sessions.get(sid) is None


def test_a_comment_that_steers_direction_in_the_file_is_shown_not_obeyed(tmp_path):
    """Before: the page refused such characters when a comment was written, but showed them as they were when
    the .comments file (in the repository, anyone's to edit) held them: U+202E reordered the comment."""
    root = waiting_publication(tmp_path / "site")
    ctx = context(root)
    client = Client(make_app(ctx))
    cookie, _token = local_session(client, ctx)
    segment = segment_id("headline", HEADLINE)
    pair = re.search(rf'name="shown" value="{segment}:(sha256:[0-9a-f]+)"', client.get("/review/mango/ur", cookie).body)
    (root / "translations" / "ur" / "mango.comments").write_text(
        f"{segment}\t{pair.group(1)}\t{REVIEWER}\t2026-06-02T10:00:00Z\tfine, approve\u202eton od\\nline\\ttwo\n",
        encoding="utf-8")
    page = client.get("/review/mango/ur", cookie).body
    assert "\u202e" not in page and "approve⟨U+202E⟩ton od\nline\ttwo" in page
