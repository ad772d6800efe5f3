"""`pipeline serve` in headless Chromium (issue 14): the review page and a held edition's preview load with no
console message (no CSP violation among them) and pass axe-core; a click on approve records the approval;
the keyboard alone (j/k, s, a) approves the segment it reached; an article saved on disk reloads the open page
by itself. Needs `make browser-deps` (else skipped, naming it)."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

from pipeline.translation.segments import segment_id
from tests import browser
from tests.serving import EDITED, REVIEWER, run, serving, until, waiting_publication

SERIOUS = ("serious", "critical")
HEADLINE = "Early Mango Harvest in Multan"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    browser.require("chromium", "axe")
    root = waiting_publication(tmp_path_factory.mktemp("serve") / "site")
    session = browser.Browser()
    try:
        with serving(root, "--reviewer", REVIEWER) as server:
            session.open(server.url)  # the printed address: the session of the reviewer
            yield session, server, root
    finally:
        session.close()


def approvals(root) -> list[str]:
    path = root / "translations" / "ur" / "mango.approvals"
    return [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")] if path.exists() else []


def quiet(session) -> list[str]:
    return [f"{m['level']}: {m['message']}" for m in session.console() if "/favicon.ico" not in m["message"]]


def test_the_review_page_and_a_held_preview_load_cleanly_and_pass_axe(served):
    session, server, _root = served
    problems: list[str] = []
    for path in ("/review/mango/ur", "/ur/mango.html", "/review/", "/"):
        for size_name, size in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
            session.open(server.base + path, size)
            problems += [f"{path} ({size_name}): {line}" for line in browser.summary(
                [v for v in session.axe() if v["impact"] in SERIOUS])]
            problems += [f"{path} ({size_name}): console {line}" for line in quiet(session)]
    assert problems == [], "\n".join(problems)
    session.open(server.base + "/review/mango/ur")
    urdu = session.script("const e = document.querySelector('.translation .text-ur');"
                          "const s = getComputedStyle(e); return [s.direction, s.fontFamily];")
    assert urdu[0] == "rtl" and urdu[1].startswith('"Noto Nastaliq Urdu"'), urdu
    assert session.script("return document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'ملتان')")
    frame = session.driver.find_element(By.CSS_SELECTOR, ".print iframe")
    session.driver.switch_to.frame(frame)
    until(lambda: session.driver.find_elements(By.CSS_SELECTOR, ".print-pages img"), 60, "the printed pages")
    until(lambda: session.script("return [...document.images].every(i => i.complete && i.naturalWidth > 0)"), 30)
    session.driver.switch_to.default_content()
    assert quiet(session) == []


def test_a_click_on_approve_records_the_approval(served):
    session, server, root = served
    session.open(server.base + "/review/mango/ur")
    segment = segment_id("headline", HEADLINE)
    session.driver.find_element(By.CSS_SELECTOR, f"#s-{segment} button.approve").click()
    until(lambda: segment in approvals(root), 30, "the approval line")
    until(lambda: session.driver.find_elements(By.CSS_SELECTOR, f"#s-{segment}.state-approved"), 30)
    assert f"Approved by {REVIEWER}" in session.driver.find_element(By.ID, f"s-{segment}").text
    assert quiet(session) == []


def test_the_keyboard_alone_reaches_skips_and_approves_a_segment(served):
    session, server, root = served
    session.open(server.base + "/review/mango/ur")
    order = session.script("return [...document.querySelectorAll('.segment.state-waiting')]"
                           ".map(s => s.dataset.segment)")
    assert len(order) >= 3, order
    before = set(approvals(root))
    keys = ActionChains(session.driver)
    keys.send_keys("n").perform()  # the first segment waiting
    assert session.script("return document.activeElement.dataset.segment") == order[0]
    keys.send_keys("s").perform()  # skip it
    assert session.script("return document.activeElement.dataset.segment") == order[1]
    keys.send_keys("j").send_keys("k").perform()  # next and back
    assert session.script("return document.activeElement.dataset.segment") == order[1]
    keys.send_keys("a").perform()
    until(lambda: order[1] in approvals(root), 30, "the approval made with the keyboard")
    assert set(approvals(root)) - before == {order[1]}  # the skipped one stays unapproved
    until(lambda: session.script("return location.hash") == f"#s-{order[2]}", 30,
          f"the next segment waiting: {order} {session.script('return location.href')}")
    until(lambda: session.script("return document.activeElement.dataset.segment") == order[2], 30)
    assert segment_id(None, EDITED) in order


def test_a_saved_article_reloads_the_open_page_by_itself(served):
    session, server, root = served
    session.open(server.base + "/en/mango.html")
    article = root / "articles" / "mango.md"
    text = article.read_text(encoding="utf-8")
    started = time.monotonic()
    article.write_text(text.replace(HEADLINE, "Mangoes Ripen Early Again"), encoding="utf-8")
    until(lambda: "Mangoes Ripen Early Again" in session.driver.title, 30, "the page to reload itself")
    latency = time.monotonic() - started
    print(f"reload latency: {latency:.2f} s")  # the issue asks for 2 s; left as a figure, not a timed assertion
    assert quiet(session) == []


def test_with_logins_the_login_page_is_clean_and_logging_in_opens_the_review_list(tmp_path):
    """`--users`: before logging in, every page leads to the login page, which loads with no console message
    (no build events to listen to, its fonts and styles allowed) and passes axe; the form logs the reviewer in
    and the preview opens."""
    browser.require("chromium", "axe")
    root = waiting_publication(tmp_path / "site")
    users = tmp_path / "users"
    added = run(root, "users", "add", REVIEWER, "--users", str(users), input="correct horse battery\n" * 2)
    assert added.exit_code == 0, added.output
    session = browser.Browser()
    try:
        with serving(root, "--host", "0.0.0.0", "--users", str(users)) as server:
            base = server.base.replace("0.0.0.0", "127.0.0.1")
            session.open(base + "/ur/mango.html")
            assert session.driver.current_url == base + "/login"
            assert browser.summary([v for v in session.axe() if v["impact"] in SERIOUS]) == []
            assert quiet(session) == []
            session.driver.find_element(By.ID, "name").send_keys(REVIEWER)
            session.driver.find_element(By.ID, "password").send_keys("correct horse battery")
            session.driver.find_element(By.CSS_SELECTOR, "form.login button").click()
            until(lambda: session.driver.current_url == base + "/review/", 30, "the review list")
            assert f"Reviewing as {REVIEWER}" in session.driver.find_element(By.CSS_SELECTOR, ".serve-who").text
            session.open(base + "/ur/mango.html")
            assert "Preview, not published." in session.driver.page_source and quiet(session) == []
    finally:
        session.close()
