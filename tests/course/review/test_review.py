"""Tests for the review app (Flask test client): token, escaping, statuses, saving, conflicts."""

from __future__ import annotations

import json
import re

import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.review.app import Reviewer, create_app
from mbrl_course.review.blind import SECRET_KEY, BlindOrder
from mbrl_course.review.render import inline_html, markdown_html
from mbrl_course.review.synthetic import ASSIGNMENT as A
from mbrl_course.review.synthetic import populate, synthetic_rubrics

TOKEN = "test-token-123"
BLIND_SECRET = "0f" * 16


@pytest.fixture
def db(tmp_path):
    """A gradebook with 12 synthetic submissions (every kind of answer twice)."""
    with GradebookDB.open(tmp_path / "gradebook.sqlite") as d:
        populate(d, 12)
        yield d


@pytest.fixture
def client(db):
    """A test client of the review app over `db`."""
    reviewer = Reviewer(db, {A: synthetic_rubrics()}, token=TOKEN, grader="alice")
    return create_app(reviewer).test_client()


def _state(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="state">(.*?)</script>', html, re.S)
    assert match, "no state JSON on the page"
    return json.loads(match.group(1))


def _save(client, sid, items, version, comment="", question="q1_1"):
    return client.post(
        "/api/score",
        json={
            "assignment": A,
            "question": question,
            "submission_id": sid,
            "items": items,
            "comment": comment,
            "expected_version": version,
        },
        headers={"X-Review-Token": TOKEN},
    )


def test_requests_without_the_token_are_refused(client):
    """Pages and the save API answer 403 without the token or with a wrong one."""
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get(f"/review/{A}/q1_1/1").status_code == 403
    assert client.post("/api/score", json={}).status_code == 403
    assert client.get(f"/?token={TOKEN}").status_code == 200
    assert client.get("/static/review.js").status_code == 200  # public vendored asset


def test_index_lists_questions_with_progress(client):
    """The start page links every written question with its count of graded answers."""
    html = client.get(f"/?token={TOKEN}").get_data(as_text=True)
    assert "q1_1" in html and "q2_1" in html and "0 of 12 graded" in html


def test_student_html_is_escaped(client):
    """An answer's <script> and onerror attributes reach the page as text, never as markup."""
    html = client.get(f"/review/{A}/q1_1/3?token={TOKEN}").get_data(as_text=True)
    assert "&lt;script&gt;" in html
    assert "<script>document" not in html and "<img" not in html
    assert "Content-Security-Policy" in client.get(f"/?token={TOKEN}").headers


@pytest.mark.parametrize(
    ("pos", "status", "message"),
    [(2, "empty", "No answer"), (4, "missing", "No answer cell"), (5, "malformed", "damaged")],
)
def test_empty_missing_and_malformed_answers_are_shown_with_status(client, pos, status, message):
    """Non-ok answers are shown (not skipped) with their status and an explanation."""
    html = client.get(f"/review/{A}/q1_1/{pos}?token={TOKEN}").get_data(as_text=True)
    assert f'class="status status-{status}"' in html and message in html
    assert _state(html)["submission_id"] == f"student{pos:04d}.ipynb"


def test_markdown_and_math_are_rendered_for_katex(client):
    """Answers are Markdown-rendered; $...$ becomes a math span for the vendored KaTeX."""
    html = client.get(f"/review/{A}/q1_1/1?token={TOKEN}").get_data(as_text=True)
    assert "<strong>second</strong>" in html
    assert '<span class="math inline">' in html and "katex.min.js" in html
    assert "cdn" not in html.lower()


def test_render_blocks_links_and_images():
    """javascript: links are not linked and images become text, so nothing is fetched."""
    html = markdown_html("[x](javascript:alert(1)) ![cat](http://example.com/c.png) <b>b</b>")
    assert 'href="javascript' not in html and "<img" not in html and "&lt;b&gt;" in html
    assert inline_html("*a* $x$") == '<em>a</em> <span class="math inline">x</span>'


def test_save_stores_points_from_the_rubric_and_progress(client, db):
    """A save stores the ticked items with points computed from the rubric; progress moves."""
    response = _save(client, "student0001.ipynb", ["1", "3"], 0, comment="Good.")
    assert response.status_code == 200, response.get_json()
    data = response.get_json()
    assert data["score"]["points"] == 1.5 and data["score"]["version"] == 1
    assert data["progress"]["text"] == "1 of 24 graded"
    stored = db.manual_scores(A)[("student0001.ipynb", "q1_1")]
    assert (stored.items, stored.points, stored.comment, stored.grader) == (
        ("1", "3"),
        1.5,
        "Good.",
        "alice",
    )


def test_second_page_with_stale_version_gets_a_conflict(client, db):
    """Two pages that loaded version 0: the second save is refused with 409 and the stored score."""
    assert _save(client, "student0001.ipynb", ["1"], 0).status_code == 200
    response = _save(client, "student0001.ipynb", ["2"], 0)
    assert response.status_code == 409
    data = response.get_json()
    assert data["conflict"] and "alice" in data["message"]
    assert data["score"]["items"] == ["1"] and data["score"]["version"] == 1
    assert db.manual_scores(A)[("student0001.ipynb", "q1_1")].items == ("1",)


@pytest.mark.parametrize(
    "body",
    [
        {"items": ["9"]},
        {"submission_id": "nobody.ipynb"},
        {"question": "q7_7"},
        {"answer_sha256": "not a digest"},
    ],
)
def test_bad_saves_are_rejected_without_writing(client, db, body):
    """Unknown rubric items, submissions or questions are refused and nothing is stored."""
    payload = {
        "assignment": A,
        "question": "q1_1",
        "submission_id": "student0001.ipynb",
        "items": ["1"],
        "comment": "",
        "expected_version": 0,
        **body,
    }
    response = client.post("/api/score", json=payload, headers={"X-Review-Token": TOKEN})
    assert response.status_code in (400, 404)
    assert db.manual_scores(A) == {}


def test_first_ungraded_redirect_skips_graded_answers(client):
    """`/review/A/Q` opens the first ungraded answer; `after=` continues after a position."""
    _save(client, "student0001.ipynb", ["1"], 0)
    response = client.get(f"/review/{A}/q1_1?token={TOKEN}")
    assert response.status_code == 302 and "/q1_1/2?" in response.headers["Location"]
    response = client.get(f"/review/{A}/q1_1?after=5&token={TOKEN}")
    assert "/q1_1/6?" in response.headers["Location"]


def test_cli_refuses_a_missing_database(tmp_path, capsys):
    """`mbrl-course review` without a gradebook says what to run first."""
    assert cli_main(["review", "--root", str(tmp_path), "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "mbrl-course grade" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_serves_on_localhost_with_a_token(tmp_path):
    """`mbrl-course review` prints a 127.0.0.1 URL with a token; the page loads, 403 without it."""
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    with GradebookDB.open(tmp_path / "gb.sqlite") as d:
        populate(d, 2)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mbrl_course.cli", "--root", str(tmp_path), "review",
         "--db", str(tmp_path / "gb.sqlite"), "--grader", "bob"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
        assert url, line
        with urllib.request.urlopen(url.group(0), timeout=30) as response:
            assert response.status == 200 and A in response.read().decode()
        with pytest.raises(urllib.error.HTTPError, match="403"):
            urllib.request.urlopen(url.group(0).split("?")[0], timeout=30)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _regrade_with_answer(db, sid: str, question: str, text: str) -> None:
    """Store `sid` again as a regrade would, its answer to `question` replaced by `text`."""
    [stored] = [s for s in db.submissions(A) if s.submission_id == sid]
    written = db.written_of(sid) | {question: ("ok", text)}
    db.record_result(
        sid, A, content_sha256="regraded", autograder_digest=stored.autograder_digest,
        result=stored.result, written=written,
    )  # fmt: skip


def test_changed_answer_goes_back_to_the_queue_until_saved(client, db):
    """A graded answer that a regrade replaced is shown with a notice, counted as needing
    review and reached by `u`; saving it for the answer shown clears all three."""
    for sid in db.submission_ids(A):
        _save(client, sid, ["1"], 0)
    _regrade_with_answer(db, "student0005.ipynb", "q1_1", "A *rewritten* answer.")
    assert "answer changed" not in client.get(f"/review/{A}/q1_1/4?token={TOKEN}").get_data(
        as_text=True
    )  # unchanged answers stay quiet
    response = client.get(f"/review/{A}/q1_1?after=1&token={TOKEN}")
    assert response.status_code == 302 and "/q1_1/5?" in response.headers["Location"]
    html = client.get(f"/review/{A}/q1_1/5?token={TOKEN}").get_data(as_text=True)
    assert 'id="answer-changed"' in html and "Answer changed since graded" in html
    state = _state(html)
    assert state["answer_changed"] and state["score"]["version"] == 1
    assert state["progress"]["question_text"] == "this question: 11 of 12"
    assert state["progress"]["text"] == "11 of 24 graded"
    assert "11 of 12" in client.get(f"/?token={TOKEN}").get_data(as_text=True)
    response = client.post(
        "/api/score",
        json={"assignment": A, "question": "q1_1", "submission_id": "student0005.ipynb",
              "items": ["1"], "comment": "", "expected_version": 1,
              "answer_sha256": state["answer_sha256"]},
        headers={"X-Review-Token": TOKEN},
    )  # fmt: skip
    data = response.get_json()
    assert response.status_code == 200 and data["answer_changed"] is False
    assert data["progress"]["question_text"] == "this question: 12 of 12"
    html = client.get(f"/review/{A}/q1_1/5?token={TOKEN}").get_data(as_text=True)
    assert 'id="answer-changed"' not in html
    assert db.changed_answers(A) == set()


@pytest.fixture
def blind_client(db):
    """A test client of the review app grading blind (the command line's default), fixed secret."""
    db.set_meta(SECRET_KEY, BLIND_SECRET)
    reviewer = Reviewer(db, {A: synthetic_rubrics()}, token=TOKEN, grader="alice", blind=True)
    return create_app(reviewer).test_client()


def test_blind_pages_title_and_api_carry_no_submission_id(blind_client, db):
    """Grading blind: the page, its title, its state and the save API name no submission."""
    pages = [blind_client.get(f"/review/{A}/{q}/{pos}?token={TOKEN}") for q in ("q1_1", "q2_1")
             for pos in (1, 7)]  # fmt: skip
    for response in pages:
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "student0" not in html
        state = _state(html)
        assert state["submission_id"] is None and state["blind"] is True
    html = pages[1].get_data(as_text=True)
    assert re.search(r"<title>q1_1 7/12", html) and '"submission">Submission 7<' in html
    key = _state(html)["answer_key"]
    response = blind_client.post(
        "/api/score",
        json={"assignment": A, "question": "q1_1", "answer_key": key, "items": ["1"],
              "comment": "", "expected_version": 0},
        headers={"X-Review-Token": TOKEN},
    )  # fmt: skip
    assert response.status_code == 200 and "student0" not in response.get_data(as_text=True)
    ((sid, question),) = db.manual_scores(A)
    order = BlindOrder(bytes.fromhex(BLIND_SECRET)).shuffled_ids(db.submission_ids(A))
    assert question == "q1_1" and sid == order[6]
    assert order != db.submission_ids(A)  # shuffled, not by name
    q2 = _state(pages[3].get_data(as_text=True))  # answer 7 of q2_1: the same submission
    assert q2["answer_key"] == key


def test_blind_toggle_unblinds_and_keeps_the_answer(blind_client):
    """`POST /api/blind` shows names and returns the URL of the same answer in name order."""
    state = _state(blind_client.get(f"/review/{A}/q1_1/4?token={TOKEN}").get_data(as_text=True))
    response = blind_client.post(
        "/api/blind",
        json={"blind": False, "assignment": A, "question": "q1_1", "answer_key": state["answer_key"]},
        headers={"X-Review-Token": TOKEN},
    )  # fmt: skip
    data = response.get_json()
    assert data["blind"] is False
    shown = _state(blind_client.get(data["url"]).get_data(as_text=True))
    assert shown["answer_key"] == state["answer_key"] and shown["submission_id"].startswith(
        "student"
    )
    assert blind_client.post("/api/blind", json={"blind": "no"},
                             headers={"X-Review-Token": TOKEN}).status_code == 400  # fmt: skip


def test_zero_needs_a_comment_and_is_a_real_score(client, db):
    """No item ticked and no comment is refused; with a comment it is a stored, graded zero."""
    response = _save(client, "student0001.ipynb", [], 0)
    assert response.status_code == 400 and response.get_json()["needs_comment"]
    assert db.manual_scores(A) == {}
    response = _save(client, "student0001.ipynb", [], 0, comment="No argument given.")
    assert response.status_code == 200
    data = response.get_json()
    assert data["score"]["points"] == 0 and data["score"]["version"] == 1
    assert data["progress"]["text"] == "1 of 24 graded"
    stored = db.manual_scores(A)[("student0001.ipynb", "q1_1")]
    assert (stored.items, stored.points, stored.comment) == ((), 0.0, "No argument given.")


def test_next_ungraded_says_when_all_are_graded(client):
    """When nothing is left, `u` stays on the current answer and says all are graded."""
    for k in range(1, 13):
        assert _save(client, f"student{k:04d}.ipynb", ["1"], 0).status_code == 200
    response = client.get(f"/review/{A}/q1_1?after=5&token={TOKEN}")
    assert response.status_code == 302 and "/q1_1/5?" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "All 12 answers to q1_1 are graded. Still ungraded: q2_1 (12)." in html


def test_favicon_is_answered_without_the_token(client):
    """Browsers' /favicon.ico request is answered (204), not refused with a logged 403."""
    assert client.get("/favicon.ico").status_code == 204
    assert '<link rel="icon" href="data:,">' in client.get(f"/?token={TOKEN}").get_data(
        as_text=True
    )


def test_class_report_is_served_and_linked(client):
    """The start page links the class report; it needs the token and carries no script."""
    index = client.get(f"/?token={TOKEN}").get_data(as_text=True)
    assert f"/report/{A}?token={TOKEN}" in index
    assert _save(client, "student0001.ipynb", ["1"], 0).status_code == 200  # the others are lowest
    assert client.get(f"/report/{A}").status_code == 403
    response = client.get(f"/report/{A}?token={TOKEN}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Class report" in html and "<script" not in html
    assert "data:image/png;base64," in html and "student0002.ipynb" in html
    assert client.get(f"/report/nothing?token={TOKEN}").status_code == 404


@pytest.mark.slow
def test_class_report_is_blind_when_grading_is(blind_client):
    """Grading blind, the served report names submissions only as "Submission N"."""
    state = _state(blind_client.get(f"/review/{A}/q1_1/1?token={TOKEN}").get_data(as_text=True))
    blind_client.post(
        "/api/score",
        json={"assignment": A, "question": "q1_1", "answer_key": state["answer_key"],
              "items": ["1"], "comment": "", "expected_version": 0},
        headers={"X-Review-Token": TOKEN},
    )  # fmt: skip
    html = blind_client.get(f"/report/{A}?token={TOKEN}").get_data(as_text=True)
    assert "student0" not in html and "Submission " in html
