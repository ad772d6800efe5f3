"""`pipeline serve` over HTTP (issue 14): the preview of every edition, held ones marked with why; approvals
written by the review page equal to those of `pipeline approve`; what the server refuses (no CSRF token,
another origin or host, paths out of the preview folder, another address without logins, a reviewer off the
list); logins with scrypt hashes, throttled. The browser half is test_serve_browser.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.serve import security
from pipeline.serve.users import check_password, read_users
from pipeline.translation.segments import segment_id
from tests.serving import (
    EDITED,
    REVIEWER,
    request,
    run,
    serving,
    session_of,
    until,
    waiting_publication,
)
from tests.test_signing import make_key

APPROVALS = Path("translations/ur/mango.approvals")
HEADLINE = "Early Mango Harvest in Multan"


def approve_form(token: str, page: str, segment: str, **extra: str) -> dict:
    pair = re.search(rf'name="shown" value="({segment}:sha256:[0-9a-f]+)"', page)
    assert pair, segment
    return {"csrf": token, "action": "approve", "segment": segment, "shown": pair.group(1), **extra}


def approval_lines(root: Path) -> list[str]:
    path = root / APPROVALS
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#")] \
        if path.exists() else []


def _time_free(text: str) -> str:
    return re.sub(r"\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "\tTIME", text)


def test_the_review_page_approves_exactly_as_pipeline_approve_does(tmp_path):
    web = waiting_publication(tmp_path / "web")
    cli = tmp_path / "cli"
    shutil.copytree(web, cli)
    segment = segment_id("headline", HEADLINE)
    with serving(web, "--reviewer", REVIEWER) as server:
        cookie, token = session_of(server)
        page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        answer = request(server, "POST", "/review/mango/ur", {"Cookie": cookie, "Origin": server.base},
                         approve_form(token, page, segment, comment="Checked against the print edition."))
        assert answer.status == 303 and answer.headers["location"].startswith("/review/mango/ur#s-"), answer
        after = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        assert f"Approved by {REVIEWER}" in after and "Checked against the print edition." in after
        assert "approved 1 segment(s) as Saima Anwar" in after  # told once, on the page it was sent to
    assert run(cli, "approve", "mango", "--reviewer", REVIEWER, "--segment", segment).exit_code == 0
    written, expected = ((root / APPROVALS).read_text(encoding="utf-8") for root in (web, cli))
    assert len(written.splitlines()) == 4 and written.splitlines()[-1].startswith(f"{segment}\tsha256:")
    assert _time_free(written) == _time_free(expected)  # the same file, line for line, but for the minute
    comments = (web / APPROVALS).with_suffix(".comments").read_text(encoding="utf-8").splitlines()
    assert comments[-1].startswith(f"{segment}\tsha256:") and comments[-1].endswith(
        f"\t{REVIEWER}\t" + comments[-1].split("\t")[3] + "\tChecked against the print edition.")


def test_the_review_page_shows_the_english_that_changed_findings_and_refuses_a_changed_pair(tmp_path):
    root = waiting_publication(tmp_path / "site")
    with serving(root, "--reviewer", REVIEWER) as server:
        cookie, token = session_of(server)
        page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        assert "<del>two</del>" in page and "<ins>three</ins>" in page  # the previous English, word by word
        assert 'lang="ur" dir="rtl"' in page and 'class="text-ur"' in page
        segment = segment_id(None, EDITED)
        form = approve_form(token, page, segment)
        po = root / "translations" / "ur" / "mango.po"
        po.write_text(po.read_text(encoding="utf-8").replace("تین ہفتے", "تین ہفتے بعد"), encoding="utf-8")
        request(server, "POST", "/review/mango/ur", {"Cookie": cookie, "Origin": server.base}, form)
        assert not approval_lines(root)  # the translation changed under the reviewer's eyes
        page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        assert "changed since it was shown to you" in page
        status = request(server, "GET", "/review/")
        assert status.status == 200 and "/review/mango/ur" in status.body and "(interface)" in status.body


def test_every_edition_is_previewed_and_a_held_one_says_why(tmp_path):
    root = waiting_publication(tmp_path / "site")
    with serving(root) as server:
        held = request(server, "GET", "/ur/mango.html")
        assert held.status == 200 and "Preview, not published." in held.body
        assert "This edition is held: " in held.body and "unapproved" in held.body
        assert "ملتان" in held.body and '<html lang="ur" dir="rtl">' in held.body
        assert not (root / "dist").exists()
        assert (root / ".pipeline" / "preview" / "site" / "en" / "mango.html").is_file()
        policy = held.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        assert "frame-ancestors 'self'" in policy
        assert '<script src="/_serve/reload.js" defer></script>' in held.body
        assert not re.search(r"<script>(?!</script>)", held.body)  # no inline script added
        english = request(server, "GET", "/en/mango.html")
        assert english.status == 200 and "Preview, not published." in english.body and "held" not in english.body
        pdf = request(server, "GET", "/ur/mango.pdf")
        assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
        overview = request(server, "GET", "/").body
        assert "/ur/mango.html" in overview and "held" in overview
        review = request(server, "GET", "/review/mango/ur").body
        assert "Read only" in review and 'name="csrf"' not in review  # no --reviewer: nothing to approve with


def test_a_broken_save_shows_located_errors_in_the_page_and_the_server_keeps_serving(tmp_path):
    root = waiting_publication(tmp_path / "site")
    article = root / "articles" / "mango.md"
    good = article.read_text(encoding="utf-8")
    with serving(root) as server:
        article.write_text(good.replace("date: 2026-06-02", "date: 2026-02-30"), encoding="utf-8")
        page = until(lambda: (b := request(server, "GET", "/en/mango.html").body) and "articles/mango.md:3: date:"
                     in b and b, what="the problem in the page")
        assert "is not a real calendar date" in page and "Preview, not published." in page
        article.write_text(good.replace(HEADLINE, "Mangoes Early Again"), encoding="utf-8")
        until(lambda: "Mangoes Early Again" in (b := request(server, "GET", "/en/mango.html").body)
              and "problem" not in b, what="the fixed page without the problem")
        assert server.process.poll() is None


def test_a_request_that_would_change_something_needs_the_token_and_this_origin(tmp_path):
    root = waiting_publication(tmp_path / "site")
    segment = segment_id("headline", HEADLINE)
    with serving(root, "--reviewer", REVIEWER) as server:
        cookie, token = session_of(server)
        page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        form = approve_form(token, page, segment)
        tries = [
            ({"Origin": server.base}, form),  # no session
            ({"Cookie": cookie, "Origin": server.base}, {**form, "csrf": "x" * 43}),  # a wrong token
            ({"Cookie": cookie, "Origin": server.base}, {k: v for k, v in form.items() if k != "csrf"}),
            ({"Cookie": cookie, "Origin": "http://evil.example"}, form),  # another site
            ({"Cookie": cookie}, form),  # neither Origin nor Referer
            ({"Cookie": cookie, "Origin": "null"}, form),
            ({"Cookie": cookie, "Referer": "http://evil.example/review/mango/ur"}, form),
        ]
        for headers, sent in tries:
            assert request(server, "POST", "/review/mango/ur", headers, sent).status == 403, headers
        rebinding = request(server, "POST", "/review/mango/ur",
                            {"Cookie": cookie, "Origin": "http://evil.example", "Host": "evil.example"}, form)
        assert rebinding.status == 400
        assert request(server, "GET", "/", {"Host": "attacker.example:80"}).status == 400
        assert request(server, "GET", "/?token=wrong").status == 403
        assert not (root / APPROVALS).exists()
        assert request(server, "POST", "/review/mango/ur", {"Cookie": cookie, "Origin": server.base},
                       form).status == 303
        assert [line.split("\t")[0] for line in approval_lines(root)] == [segment]


def test_paths_never_leave_the_preview_folder(tmp_path):
    root = waiting_publication(tmp_path / "site")
    outside = tmp_path / "secret.txt"
    outside.write_text("SECRET-CONTENT", encoding="utf-8")
    with serving(root) as server:
        site = root / ".pipeline" / "preview" / "site"
        (site / "en" / "leak.html").symlink_to(outside)
        (site / "en" / "folder").symlink_to(tmp_path)
        for path in ("/../publication.yaml", "/%2e%2e/%2e%2e/publication.yaml", "/%2E%2E/articles/mango.md",
                     "/en/..%2f..%2f..%2fpublication.yaml", "//etc/passwd", "/en/%2e%2e/%2e%2e/%2e%2e/secret.txt",
                     "/en/leak.html", "/en/folder/secret.txt", f"/{outside}", "/en/..\\..\\publication.yaml",
                     "/review/..%2f..%2fetc/ur", "/review/mango/..", "/_serve/..%2fpreview.py", "/en/mango.html%00",
                     "/review/%2e%2e/ur/print/1.png"):
            answer = request(server, "GET", path)
            assert answer.status in (400, 404), (path, answer.status)
            assert "SECRET-CONTENT" not in answer.body and "reviewers:" not in answer.body, path
            assert "root:" not in answer.body, path


def test_another_address_needs_logins_and_a_reviewer_must_be_on_the_list(tmp_path):
    root = waiting_publication(tmp_path / "site")
    refused = run(root, "serve", "--host", "0.0.0.0", "--port", "0")
    assert refused.exit_code == 2 and "needs --users FILE" in refused.output
    stranger = run(root, "serve", "--port", "0", "--reviewer", "Someone Else")
    assert stranger.exit_code == 1 and "is not a reviewer for ur" in stranger.output
    users = tmp_path / "users"
    added = run(root, "users", "add", REVIEWER, "--users", str(users), input="correct horse battery\n" * 2)
    assert added.exit_code == 0, added.output
    text = users.read_text(encoding="utf-8")
    assert "correct horse" not in text and re.search(r"^Saima Anwar\tscrypt\$16384\$8\$1\$\S+\$\S+$", text, re.M)
    assert users.stat().st_mode & 0o077 == 0
    stored = read_users(users)[REVIEWER]
    assert check_password("correct horse battery", stored) and not check_password("correct horse batterY", stored)
    assert not check_password("correct horse battery", None)
    assert run(root, "users", "add", "X", "--users", str(users), input="short\nshort\n").exit_code == 1


def test_logins_set_a_strict_http_only_session_and_failures_are_throttled(tmp_path):
    root = waiting_publication(tmp_path / "site")
    users = tmp_path / "users"
    added = run(root, "users", "add", REVIEWER, "--users", str(users), input="correct horse battery\n" * 2)
    assert added.exit_code == 0
    with serving(root, "--host", "0.0.0.0", "--users", str(users)) as server:
        form_page = request(server, "GET", "/login")
        cookie = form_page.headers["set-cookie"].split(";")[0]
        token = re.search(r'name="csrf" value="([^"]+)"', form_page.body).group(1)
        headers = {"Cookie": cookie, "Origin": server.base}
        assert request(server, "POST", "/login", {"Cookie": cookie, "Origin": server.base},
                       {"name": REVIEWER, "password": "correct horse battery"}).status == 403  # no token
        ok = request(server, "POST", "/login", headers, {"csrf": token, "name": REVIEWER,
                                                         "password": "correct horse battery"})
        assert ok.status == 303
        assert re.search(r"pipeline_session=\S+; Path=/; HttpOnly; SameSite=Strict; Max-Age=\d+$",
                         ok.headers["set-cookie"])
        reviewer_cookie = ok.headers["set-cookie"].split(";")[0]
        assert f"Reviewing as <strong>{REVIEWER}</strong>" in request(server, "GET", "/review/",
                                                                        {"Cookie": reviewer_cookie}).body
        again = request(server, "GET", "/login")
        cookie, token = again.headers["set-cookie"].split(";")[0], re.search(r'name="csrf" value="([^"]+)"',
                                                                              again.body).group(1)
        headers = {"Cookie": cookie, "Origin": server.base}
        for _ in range(security.LIMIT):
            assert request(server, "POST", "/login", headers, {"csrf": token, "name": REVIEWER,
                                                               "password": "wrong"}).status == 303
        throttled = request(server, "POST", "/login", headers, {"csrf": token, "name": REVIEWER,
                                                                "password": "correct horse battery"})
        assert throttled.status == 429 and int(throttled.headers["retry-after"]) > 0


def test_the_throttle_and_the_path_check_as_units(tmp_path):
    now = [0.0]
    throttle = security.Throttle(clock=lambda: now[0])
    for _ in range(security.LIMIT):
        assert throttle.wait("name:a", "address:1") == 0
        throttle.failed("name:a", "address:1")
    assert throttle.wait("name:a") > 0 and throttle.wait("address:1") > 0 and throttle.wait("name:b") == 0
    now[0] += security.WINDOW + 1
    assert throttle.wait("name:a", "address:1") == 0
    (tmp_path / "site" / "en").mkdir(parents=True)
    (tmp_path / "site" / "en" / "a.html").write_text("x")
    assert security.file_under(tmp_path / "site", "/en/a.html") == (tmp_path / "site" / "en" / "a.html").resolve()
    for bad in ("/en/../en/a.html", "en/a.html", "/en/a.html\x00", "/en\\a.html", "/~root/x"):
        assert security.file_under(tmp_path / "site", bad) is None, bad


@pytest.mark.parametrize("origin, referer, ok", [
    ("http://127.0.0.1:9", None, True), ("http://127.0.0.1:8", None, False), (None, "http://127.0.0.1:9/x", True),
    (None, "http://127.0.0.1:9.evil/x", False), (None, None, False), ("null", None, False),
])
def test_same_origin(origin, referer, ok):
    headers = {"host": "127.0.0.1:9", **({"origin": origin} if origin else {}),
               **({"referer": referer} if referer else {})}
    assert security.same_origin(headers, "http") is ok


def test_a_reviewer_with_a_key_signs_what_the_page_approves(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    key = make_key(keys, "saima")
    public = (keys / "saima.pub").read_text(encoding="utf-8").split()
    root = waiting_publication(tmp_path / "site", "reviewers:\n  ur:\n    - name: Saima Anwar\n"
                                                  f"      key: {public[0]} {public[1]}\n")
    unsigned = run(root, "serve", "--port", "0", "--reviewer", REVIEWER)
    assert unsigned.exit_code == 1 and "give --key PATH" in unsigned.output
    segment = segment_id("headline", HEADLINE)
    with serving(root, "--reviewer", REVIEWER, "--key", str(key)) as server:
        cookie, token = session_of(server)
        page = request(server, "GET", "/review/mango/ur", {"Cookie": cookie}).body
        assert request(server, "POST", "/review/mango/ur", {"Cookie": cookie, "Origin": server.base},
                       approve_form(token, page, segment)).status == 303
    line = approval_lines(root)[0].split("\t")
    assert line[0] == segment and line[2] == REVIEWER and line[4].startswith("sshsig:")
    status = run(root, "status", "--json")
    assert '"approved": 1' in status.output  # the signature verifies against publication.yaml's key
