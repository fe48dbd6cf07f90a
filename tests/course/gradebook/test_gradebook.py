"""Gradebook files (grades.csv / grades.json), the printed table, and Markdown feedback."""

from __future__ import annotations

import csv
import dataclasses
import json

from mbrl_course.gradebook.assignment_info import AssignmentInfo
from mbrl_course.gradebook.db import ManualScore, answer_digest
from mbrl_course.gradebook.feedback import render
from mbrl_course.gradebook.rows import (
    GradeRecord,
    csv_text,
    format_table,
    natural_key,
    points_str,
    write_csv,
    write_json,
)
from mbrl_grader.results import SubmissionResult, TestOutcome
from mbrl_grader.scrub import CodeScrubber, code_lines


def rec(id_, status="graded", tests=(), assignment="02_dyna", reason="", qmax=None):
    """A record with the given tests and question table."""
    return GradeRecord(
        id=id_,
        source=f"/subs/{id_}",
        assignment=assignment,
        result=SubmissionResult(status, reason, list(tests)),
        question_max=qmax if qmax is not None else {"q1_2": 2.0, "q1_10": 1.0},
    )


def t(q, name, passed, pts, hidden=False, msg=""):
    """A test outcome."""
    return TestOutcome(q, name, hidden, pts if passed else 0.0, pts, passed, msg, name)


def sample_records():
    """A graded, an invalid and a timeout record of one assignment, plus one of another."""
    return [
        rec(
            "bob.ipynb",
            tests=[t("q1_2", "a", True, 2.0), t("q1_10", "b", False, 1.0, True, "wrong")],
        ),
        rec("alice.ipynb", status="invalid", reason="invalid notebook JSON\n(line 3)"),
        rec("carl.ipynb", status="timeout", reason="did not finish"),
        rec(
            "dora.ipynb",
            assignment="01_model_learning",
            qmax={"q1_2": 3.0, "q2": 1.0},
            tests=[t("q1_2", "x", True, 3.0), t("q2", "y", True, 1.0)],
        ),
    ]


def test_points_are_short_and_noise_free():
    """Points print as 2, 1.5, 0.3333 (no float noise)."""
    assert [points_str(x) for x in (2.0, 1.5, 1 / 3, 0.1 + 0.2, 0)] == [
        "2",
        "1.5",
        "0.3333",
        "0.3",
        "0",
    ]


def test_natural_order_of_questions():
    """q1_10 sorts after q1_2."""
    assert sorted(["q1_10", "q1_2", "q2_1"], key=natural_key) == ["q1_2", "q1_10", "q2_1"]


def test_csv_schema_and_rows(tmp_path):
    """grades.csv has the documented columns, one row per submission; with several assignments
    each question column is qualified by its assignment, blank in other assignments' rows."""
    path = write_csv(sample_records(), tmp_path / "grades.csv")
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "submission",
        "assignment",
        "01_model_learning:q1_2",
        "01_model_learning:q2",
        "02_dyna:q1_2",
        "02_dyna:q1_10",
        "auto",
        "manual",
        "total",
        "possible",
        "status",
        "reason",
    ]
    by = {r["submission"]: r for r in rows}
    assert [r["submission"] for r in rows] == [
        "alice.ipynb",
        "bob.ipynb",
        "carl.ipynb",
        "dora.ipynb",
    ]
    bob, dora = by["bob.ipynb"], by["dora.ipynb"]
    assert (bob["02_dyna:q1_2"], bob["02_dyna:q1_10"], bob["01_model_learning:q1_2"]) == (
        "2",
        "0",
        "",
    )
    assert (bob["total"], bob["possible"]) == ("2", "3")
    assert (
        by["alice.ipynb"]["total"],
        by["alice.ipynb"]["possible"],
        by["alice.ipynb"]["status"],
    ) == ("0", "3", "invalid")
    assert by["alice.ipynb"]["reason"] == "invalid notebook JSON (line 3)"  # one line
    assert (dora["01_model_learning:q2"], dora["02_dyna:q1_2"], dora["total"]) == ("1", "", "4")


def test_csv_column_names_are_unique_across_assignments(tmp_path):
    """An auto question of one assignment and a written one of another with the same name
    (02's q1_2, 03's written q1_2) get two distinct columns, readable by csv and by name."""
    dyna = rec("a.ipynb", tests=[t("q1_2", "a", True, 2.0)], qmax={"q1_2": 2.0})
    errors = rec("b.ipynb", assignment="03_model_errors", qmax={"q1_1": 1.0})
    errors.manual_max = {"q1_2": 2.0}
    errors.manual = {
        "q1_2": ManualScore("b.ipynb", "03_model_errors", "q1_2", ("1",), 2.0, "", "ta", "t", 1)
    }
    path = write_csv([dyna, errors], tmp_path / "grades.csv")
    header = next(csv.reader(path.open()))
    assert len(header) == len(set(header))
    assert {"02_dyna:q1_2", "03_model_errors:q1_1", "03_model_errors:q1_2"} <= set(header)
    rows = {r["submission"]: r for r in csv.DictReader(path.open())}
    assert (rows["a.ipynb"]["02_dyna:q1_2"], rows["a.ipynb"]["03_model_errors:q1_2"]) == ("2", "")
    assert (rows["b.ipynb"]["03_model_errors:q1_2"], rows["b.ipynb"]["02_dyna:q1_2"]) == ("2", "")


def test_json_holds_assignments_and_tests(tmp_path):
    """grades.json lists each assignment's question table and every test outcome."""
    doc = json.loads(write_json(sample_records(), tmp_path / "g.json").read_text())
    assert doc["format"] == "mbrl-course-grades/1"
    assert doc["assignments"]["02_dyna"] == {
        "questions": {"q1_2": 2.0, "q1_10": 1.0},
        "written": {},
        "possible": 3.0,
    }
    bob = next(s for s in doc["submissions"] if s["submission"] == "bob.ipynb")
    assert bob["questions"]["q1_10"] == {"points": 0.0, "max_points": 1.0}
    assert bob["tests"][1]["message"] == "wrong" and bob["tests"][1]["hidden"] is True


def test_table_groups_by_assignment_and_fits_width():
    """The printed table has one block per assignment, statuses, scores and reasons, within width."""
    text = format_table(sample_records(), width=100)
    assert "== 01_model_learning ==" in text and "== 02_dyna ==" in text
    assert "2/3" in text and "invalid" in text and "did not finish" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    narrow = format_table(sample_records(), width=60)
    assert "q1_10" not in narrow.splitlines()[1]  # question columns dropped when too wide


def test_code_lines_are_code_not_strings():
    """Only lines holding code count; message strings and comments do not."""
    src = 'def test_x(f):\n    """Docstring line here."""\n    assert f(1) == 2, (\n        "f(1) should be 2 here"\n    )\n'
    lines = code_lines(src)
    assert "assert f(1) == 2, (" in lines and "def test_x(f):" in lines
    assert '"f(1) should be 2 here"' not in lines and '"""Docstring line here."""' not in lines


def test_feedback_hides_test_code_but_keeps_messages(tmp_path):
    """Feedback shows failures with their messages; traceback frames and test source lines are removed."""
    tests = tmp_path / "ag" / "tests"
    tests.mkdir(parents=True)
    tests.joinpath("q1_10.py").write_text(
        "def test_b(f):\n    SECRET_EXPECTED = f(3) * 17 + 4\n    assert SECRET_EXPECTED == 55, 'f is wrong for 3'\n"
    )
    msg = (
        "f is wrong for 3\nTraceback (most recent call last):\n"
        '  File "/ag/tests/q1_10.py", line 2, in test_b\n    SECRET_EXPECTED = f(3) * 17 + 4\n'
        "SECRET_EXPECTED = f(3) * 17 + 4\nAssertionError: f is wrong for 3"
    )
    r = rec(
        "bob.ipynb", tests=[t("q1_2", "a", True, 2.0), t("q1_10", "test_b", False, 1.0, True, msg)]
    )
    md = render(
        r, CodeScrubber(tmp_path / "ag"), AssignmentInfo(hidden_visibility="after_published")
    )
    assert "SECRET_EXPECTED" not in md and "/ag/tests" not in md
    assert "f is wrong for 3" in md and "**FAILED** `test_b` (hidden test, 0/1 points)" in md
    assert "**passed** `a`" in md and "| q1_10 | 0 | 1 |" in md and "2 / 3" in md


def test_feedback_for_ungradable_submission_says_why():
    """An invalid submission's feedback gives the reason and zero points."""
    md = render(rec("alice.ipynb", status="invalid", reason="invalid notebook JSON (line 3)"))
    assert "**invalid**" in md and "invalid notebook JSON" in md and "0 / 3" in md


def test_feedback_messages_cannot_break_out_of_their_code_block():
    """Backticks in a message do not end its fenced block."""
    r = rec("x", tests=[t("q1_2", "a", False, 2.0, msg="```\n# Injected heading")])
    md = render(r)
    assert "````text\n```\n# Injected heading\n````" in md


def with_written(r: GradeRecord) -> GradeRecord:
    """`r` with two manual questions, one of them graded by a human."""
    r.manual_max = {"q4": 2.0, "q5": 1.0}
    r.written = {"q4": ("ok", "Planning replays *model* transitions."), "q5": ("empty", "")}
    r.manual = {
        "q4": ManualScore(r.id, "02_dyna", "q4", ("names replay",), 1.5, "close", "ta", "t", 1)
    }
    return r


def test_csv_has_written_columns_and_auto_plus_manual_total(tmp_path):
    """Written questions get their own columns; total = auto + manual, possible includes both."""
    bob = with_written(sample_records()[0])
    path = write_csv([bob], tmp_path / "grades.csv")
    with path.open() as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["q4"], row["q5"]) == ("1.5", "")  # q5 not graded yet: blank, not 0
    assert (row["auto"], row["manual"], row["total"], row["possible"]) == ("2", "1.5", "3.5", "6")


def test_feedback_shows_written_answers_scores_and_ungraded_items():
    """Feedback lists each written question with its status, points, rubric items and comment."""
    md = render(with_written(sample_records()[0]))
    assert "## Written answers" in md
    assert "- **q4** (answered): 1.5 / 2 points" in md and "  - names replay" in md
    assert "Comment: close" in md
    assert "- **q5** (left empty): not graded yet (1 points)" in md
    assert "Total: **3.5 / 6** points" in md


def test_json_rows_carry_isolation_and_written_details(tmp_path):
    """grades.json keeps the runner's isolation report and each written item's grading."""
    bob = with_written(sample_records()[0])
    bob.result.isolation = {"level": "namespaces", "user": "nobody"}
    doc = json.loads(write_json([bob], tmp_path / "g.json").read_text())
    [row] = doc["submissions"]
    assert row["isolation"] == {"level": "namespaces", "user": "nobody"}
    assert (
        row["written"]["q4"]["items"] == ["names replay"] and row["written"]["q5"]["points"] is None
    )
    assert doc["assignments"]["02_dyna"]["written"] == {"q4": 2.0, "q5": 1.0}


def test_table_shows_auto_score_and_written_progress():
    """The table's score is auto-graded; written points show '?' until every item is graded."""
    bob = with_written(sample_records()[0])
    text = format_table([bob], width=120)
    head, row = text.splitlines()[1], text.splitlines()[3]
    assert "written" in head
    assert " 2/3 " in row and " ?/3 " in row  # q5 not graded yet
    bob.manual["q5"] = ManualScore(bob.id, "02_dyna", "q5", (), 1.0, "", "ta", "t", 1)
    assert " 2.5/3 " in format_table([bob], width=120).splitlines()[3]


def test_changed_answer_is_marked_in_csv_json_and_feedback(tmp_path):
    """A score given for an earlier answer keeps its points and says "answer changed since
    graded" in grades.csv, grades.json and the feedback; a score for the stored answer is quiet."""
    bob = with_written(sample_records()[0])
    quiet_csv, quiet_md = csv_text([bob]), render(bob)
    assert "answer changed" not in quiet_csv + quiet_md  # a score without a digest: not flagged
    now = bob.written["q4"][1]
    bob.manual["q4"] = dataclasses.replace(bob.manual["q4"], answer_sha256=answer_digest(now))
    assert "answer changed" not in csv_text([bob]) + render(bob) and not bob.changed_answers
    bob.manual["q4"] = dataclasses.replace(bob.manual["q4"], answer_sha256=answer_digest("old"))
    with write_csv([bob], tmp_path / "grades.csv").open() as fh:
        [row] = list(csv.DictReader(fh))
    assert row["q4"] == "1.5" and row["reason"] == "q4: answer changed since graded"
    doc = json.loads(write_json([bob], tmp_path / "g.json").read_text())
    written = doc["submissions"][0]["written"]
    assert written["q4"]["answer_changed"] is True and written["q4"]["points"] == 1.5
    assert written["q5"]["answer_changed"] is False
    md = render(bob)
    assert "- **q4** (answered): 1.5 / 2 points\n  - Note: answer changed since graded" in md
    assert "q4: answer changed since graded" in format_table([bob], width=200)
