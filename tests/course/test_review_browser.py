"""End-to-end tests of the review page in a real browser (Debian's headless Chromium, playwright).

The tests start the review server themselves on 127.0.0.1 with a random port, over a synthetic
gradebook in a temporary folder, and drive /usr/bin/chromium through ``executable_path`` (no
``playwright install``; `.ci/run`/`make setup` install the Debian package).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from mbrl_course.gradebook_db import GradebookDB
from mbrl_course.review.cli import make_review_server
from mbrl_course.review.synthetic import ASSIGNMENT as A
from mbrl_course.review.synthetic import populate, synthetic_rubrics

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    assert Path(CHROMIUM).is_file(), "install Debian's chromium (make setup does)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, GradebookDB]]:
    """The review server over 6 synthetic submissions, on a free port; yields (base URL, db)."""
    db = GradebookDB.open(tmp_path / "gradebook.sqlite")
    populate(db, 6)
    srv, url = make_review_server(db, {A: synthetic_rubrics()}, token="tok", grader="alice")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield url.split("/?")[0], db
    finally:
        srv.shutdown()
        srv.server_close()
        db.close()


def _open(browser: Browser, base: str, pos: int, question: str = "q1_1") -> Page:
    page = browser.new_page()
    page.goto(f"{base}/review/{A}/{question}/{pos}?token=tok")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    return page


def test_grade_by_click_and_keyboard_progress_and_db(browser, server):
    """Clicking and pressing keys ticks items, saves them, moves on and updates the progress."""
    base, db = server
    page = _open(browser, base, 1)
    expect(page.locator("#progress")).to_have_text("0 of 12 graded")
    page.locator('button.item[data-item="1"]').click()
    expect(page.locator('button.item[data-item="1"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#progress")).to_have_text("1 of 12 graded")
    expect(page.locator("#points")).to_have_text("1")
    page.keyboard.press("3")  # third item by keyboard
    expect(page.locator("#saved")).to_contain_text("v2")
    page.keyboard.press("c")
    page.keyboard.type("Nice use of Demo 2.")
    page.keyboard.press("Escape")  # leaving the comment saves it
    expect(page.locator("#saved")).to_contain_text("v3")
    page.keyboard.press("j")
    page.wait_for_url(f"**/review/{A}/q1_1/2?token=tok")
    expect(page.locator("#answer-status")).to_have_text("empty")
    expect(page.locator("#answer")).to_have_text("")
    page.keyboard.press("2")
    expect(page.locator("#progress")).to_have_text("2 of 12 graded")
    page.keyboard.press("k")
    page.wait_for_url(f"**/review/{A}/q1_1/1?token=tok")
    expect(page.locator('button.item[data-item="3"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#comment")).to_have_value("Nice use of Demo 2.")
    scores = db.manual_scores(A)
    first = scores[("student0001.ipynb", "q1_1")]
    assert (first.items, first.points, first.comment, first.grader) == (
        ("1", "3"),
        1.5,
        "Nice use of Demo 2.",
        "alice",
    )
    assert scores[("student0002.ipynb", "q1_1")].items == ("2",)
    page.keyboard.press("u")  # next ungraded after 1 is 3 (2 is graded now)
    page.wait_for_url(f"**/review/{A}/q1_1/3?token=tok")
    page.close()


def test_two_pages_conflict_notice_and_no_overwrite(browser, server):
    """A second page saving over a stale version shows a notice and keeps the first page's score."""
    base, db = server
    first, second = _open(browser, base, 1), _open(browser, base, 1)
    first.locator('button.item[data-item="1"]').click()
    expect(first.locator("#saved")).to_contain_text("v1")
    second.locator('button.item[data-item="2"]').click()
    notice = second.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Not saved")
    expect(second.locator('button.item[data-item="1"]')).to_have_attribute("aria-pressed", "true")
    expect(second.locator('button.item[data-item="2"]')).to_have_attribute("aria-pressed", "false")
    assert db.manual_scores(A)[("student0001.ipynb", "q1_1")].items == ("1",)
    second.locator('button.item[data-item="2"]').click()  # now on the current version: saves
    expect(second.locator("#saved")).to_contain_text("v2")
    assert db.manual_scores(A)[("student0001.ipynb", "q1_1")].items == ("1", "2")
    first.close()
    second.close()


def test_script_in_an_answer_is_inert_and_math_is_typeset(browser, server):
    """The injected <script>/onerror never runs (title and globals untouched); KaTeX typesets."""
    base, _ = server
    page = _open(browser, base, 3)
    expect(page.locator("#answer")).to_contain_text("<script>")
    assert page.evaluate("window.pwned") is None
    assert "pwned" not in page.title()
    page.close()
    page = _open(browser, base, 1)
    expect(page.locator("#answer .katex").first).to_be_visible()
    page.close()


def test_page_without_token_is_refused(browser, server):
    """The browser gets 403 and no page state without the token."""
    base, _ = server
    page = browser.new_page()
    response = page.goto(f"{base}/review/{A}/q1_1/1")
    assert response is not None and response.status == 403
    assert page.locator("#state").count() == 0
    page.close()


def test_changed_answer_notice_queue_and_keep_score(browser, server):
    """A graded answer replaced by a regrade is where `u` goes, says so, and "keep this score"
    re-stamps it: the notice goes and the progress counts it as graded again."""
    base, db = server
    for sid in db.submission_ids(A):
        db.set_manual_score(
            sid, A, "q1_1", items=("1",), points=1, comment="", grader="ta", expected_version=0
        )
    [stored] = [s for s in db.submissions(A) if s.submission_id == "student0003.ipynb"]
    db.record_result(
        stored.submission_id, A, content_sha256="regraded", autograder_digest="synthetic",
        result=stored.result,
        written=db.written_of(stored.submission_id) | {"q1_1": ("ok", "A new answer.")},
    )  # fmt: skip
    page = _open(browser, base, 1)
    expect(page.locator("#answer-changed")).to_have_count(0)
    expect(page.locator("#progress")).to_have_text("5 of 12 graded")
    page.keyboard.press("u")
    page.wait_for_url(f"**/review/{A}/q1_1/3?token=tok")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    notice = page.locator("#answer-changed")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Answer changed since graded")
    expect(page.locator("#question-progress")).to_have_text("this question: 5 of 6")
    page.locator("#keep-score").click()
    expect(notice).to_be_hidden()
    expect(page.locator("#question-progress")).to_have_text("this question: 6 of 6")
    expect(page.locator("#saved")).to_contain_text("v2")
    assert db.changed_answers(A) == set()
    assert db.manual_score("student0003.ipynb", "q1_1").items == ("1",)
    page.close()
