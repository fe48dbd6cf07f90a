"""End-to-end tests of the review page in a real browser (Debian's headless Chromium, playwright).

The tests start the review server themselves on 127.0.0.1 with a random port, over a synthetic
gradebook in a temporary folder, and drive /usr/bin/chromium through ``executable_path`` (no
``playwright install``; `.ci/run`/`make setup` install the Debian package).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, expect, sync_playwright

from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.report.synthetic import HOSTILE_MESSAGE, populate_class
from mbrl_course.review.cli import make_review_server
from mbrl_course.review.synthetic import ASSIGNMENT as A
from mbrl_course.review.synthetic import populate, synthetic_rubrics
from mbrl_course.written.rubrics import load_rubrics

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
REPO = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the module."""
    assert Path(CHROMIUM).is_file(), "install Debian's chromium (make setup does)"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _serve(db: GradebookDB, **kwargs) -> Iterator[str]:
    """Serve `db` on a free port in a thread; yield the base URL; shut down afterwards."""
    srv, url = make_review_server(db, token="tok", grader="alice", **kwargs)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield url.split("/?")[0]
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, GradebookDB]]:
    """The review server over 6 synthetic submissions, on a free port; yields (base URL, db)."""
    db = GradebookDB.open(tmp_path / "gradebook.sqlite")
    populate(db, 6)
    try:
        for base in _serve(db, rubrics={A: synthetic_rubrics()}):
            yield base, db
    finally:
        db.close()


@pytest.fixture
def blind_server(tmp_path) -> Iterator[tuple[str, GradebookDB]]:
    """As `server`, grading blind (what `mbrl-course review` does by default)."""
    db = GradebookDB.open(tmp_path / "gradebook.sqlite")
    populate(db, 6)
    try:
        for base in _serve(db, rubrics={A: synthetic_rubrics()}, blind=True):
            yield base, db
    finally:
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
    expect(notice).to_be_hidden()  # the successful retry clears the conflict notice
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


def _watch(page: Page) -> Callable[[], list[str]]:
    """Record the page's console errors, uncaught exceptions and HTTP errors; return a getter."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"HTTP {response.status}: {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"exception: {exc}"))
    page.on("response", on_response)
    return lambda: list(problems)


def test_no_credit_button_asks_for_a_comment_then_saves_a_zero(browser, server):
    """ "No credit" without a comment saves nothing and asks for one; with it, a graded zero."""
    base, db = server
    page = _open(browser, base, 1)
    page.locator("#zero").click()
    notice = page.locator("#notice")
    expect(notice).to_contain_text("A zero needs a comment")
    expect(page.locator("#comment")).to_be_focused()
    expect(page.locator("#saved")).to_have_text("not saved: a zero needs a comment")
    assert db.manual_scores(A) == {}
    page.keyboard.type("No reason given for planning helping.")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#saved")).to_contain_text("no credit (v1")
    expect(page.locator("#zero")).to_have_attribute("aria-pressed", "true")
    expect(notice).to_be_hidden()
    expect(page.locator("#progress")).to_have_text("1 of 12 graded")
    stored = db.manual_scores(A)[("student0001.ipynb", "q1_1")]
    assert (stored.items, stored.points, stored.version) == ((), 0.0, 1)
    page.locator('button.item[data-item="1"]').click()  # a zero is undone by ticking an item
    expect(page.locator("#zero")).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#saved")).to_contain_text("v2")
    page.keyboard.press("0")  # key 0 = no credit; the comment is there now, so it saves
    expect(page.locator("#saved")).to_contain_text("no credit (v3")
    page.close()


def test_next_ungraded_says_all_graded(browser, server):
    """With every answer graded, `u` stays on the answer and says so instead of jumping to 1."""
    base, db = server
    for k in range(1, 7):
        db.set_manual_score(f"student{k:04d}.ipynb", A, "q1_1", items=["1"], points=1.0,
                            comment="", grader="bob", expected_version=0)  # fmt: skip
    page = _open(browser, base, 4)
    page.keyboard.press("u")
    page.wait_for_url(f"**/review/{A}/q1_1/4?all_graded=1&token=tok")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#notice")).to_have_text(
        "All 6 answers to q1_1 are graded. Still ungraded: q2_1 (6)."
    )
    page.close()


def test_blind_grading_hides_names_until_the_toggle(browser, blind_server):
    """Blind: "Submission N", no id in the page or title; the toggle shows the same answer's id."""
    base, db = blind_server
    page = _open(browser, base, 2)
    expect(page.locator("#submission")).to_have_text("Submission 2")
    assert "student0" not in page.content() and "student0" not in page.title()
    page.locator('button.item[data-item="1"]').click()
    expect(page.locator("#saved")).to_contain_text("v1")
    ((graded, _),) = db.manual_scores(A)
    page.locator("#blind-toggle").click()
    expect(page.locator("#submission")).to_have_text(graded)  # the very answer just graded
    expect(page.locator('button.item[data-item="1"]')).to_have_attribute("aria-pressed", "true")
    page.locator("#blind-toggle").click()
    expect(page.locator("#submission")).to_have_text("Submission 2")
    page.close()


def test_pages_log_no_console_errors(browser, server):
    """Start page, answer pages (graded, moved through) and the report log no error at all."""
    base, _ = server
    page = browser.new_page()
    problems = _watch(page)
    page.goto(f"{base}/?token=tok")
    page.locator("a.question-link").first.click()
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.keyboard.press("1")
    expect(page.locator("#saved")).to_contain_text("v1")
    page.keyboard.press("j")
    page.wait_for_url(f"**/review/{A}/q1_1/2?token=tok")
    expect(page.locator("body")).to_have_attribute("data-ready", "1")
    page.locator("#report-link").click()
    expect(page.locator("h1")).to_have_text(f"Class report: {A}")
    assert page.request.get(f"{base}/favicon.ico").status == 204
    assert problems() == []
    page.close()


@pytest.fixture
def class_server(tmp_path) -> Iterator[str]:
    """The review server over a synthetic class of 60 built from samples/02_dyna."""
    db = GradebookDB.open(tmp_path / "gradebook.sqlite")
    populate_class(db, 60, root=REPO, rng=np.random.default_rng(20))
    rubrics = {"02_dyna": load_rubrics(REPO / "autograder" / "02_dyna")}
    try:
        yield from _serve(db, rubrics=rubrics, autograder_root=REPO / "autograder")
    finally:
        db.close()


def test_class_report_renders_with_figures_and_inert_messages(browser, class_server):
    """The report shows its figures and tables; a hostile test message stays text; no errors."""
    page = browser.new_page()
    problems = _watch(page)
    page.goto(f"{class_server}/report/02_dyna?token=tok")
    for figure in ("#question-histograms", "#total-histogram"):
        expect(page.locator(figure)).to_be_visible()
        assert page.locator(figure).evaluate("img => img.complete && img.naturalWidth > 100")
    expect(page.locator("#tests")).to_contain_text("Public:")  # tests named by their purpose
    expect(page.locator("#tests")).to_contain_text(HOSTILE_MESSAGE)
    assert page.evaluate("window.pwned") is None and page.locator("#tests b").count() == 0
    expect(page.locator("#worth")).to_contain_text("student00")
    page.locator("text=← review page").click()
    expect(page.locator("h1")).to_have_text("Written answers")
    assert problems() == []
    page.close()
