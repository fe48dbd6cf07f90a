"""Feedback a student can act on: tests by their purpose, rubric items by their text, hidden
tests' details shown only as the assignment's hidden_visibility allows."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mbrl_course.gradebook.assignment_info import AssignmentInfo, first_sentence, name_purpose
from mbrl_course.gradebook.db import ManualScore
from mbrl_course.gradebook.feedback import render
from mbrl_course.gradebook.rows import GradeRecord
from mbrl_course.written import rubrics as rubric_mod
from mbrl_grader.results import SubmissionResult, TestOutcome

REPO = Path(__file__).resolve().parents[3]

TEST_FILE = '''from otter.test_files import test_case

name = "q1_2"
points = 3

@test_case(points=1, hidden=False)
def test_shape(f):
    """Public: the result has one value per state. It is checked on a 5-state world."""
    assert f() == 1, "f() should return one value per state"

@test_case(points=2, hidden=True)
def test_matches_reference(f):
    """The values equal the reference values, e.g. after 3 sweeps."""
    assert f() == 2, "after 3 sweeps the value of state 2 should be 0.81, got 0.5"
'''


def _autograder(tmp_path: Path, visibility: str) -> Path:
    """A built-like autograder folder: tests/, rubrics.json and the zip's mbrl_grading.json."""
    ag = tmp_path / "ag" / "02_dyna"
    (ag / "tests").mkdir(parents=True)
    (ag / "tests" / "q1_2.py").write_text(TEST_FILE)
    items = (
        rubric_mod.RubricItem("1", "Names the *replay* of model transitions.", 1.0),
        rubric_mod.RubricItem("2", "Explains why more planning helps.", 1.0),
    )
    rubric = rubric_mod.Rubric("q3_4", 2.0, "Why plan?", items)
    (ag / rubric_mod.RUBRICS_FILE).write_text(rubric_mod.rubrics_json({"q3_4": rubric}, "02_dyna"))
    config = {"assignment_name": "02_dyna", "hidden_visibility": visibility}
    with zipfile.ZipFile(ag / "02_dyna-autograder.zip", "w") as zf:
        zf.writestr("mbrl_grading.json", json.dumps(config))
    return ag


def _record() -> GradeRecord:
    """A 02_dyna submission failing the hidden test, with a graded written answer."""
    tests = [
        TestOutcome("q1_2", "q1_2 - 1", False, 1.0, 1.0, True, "", "test_shape"),
        TestOutcome("q1_2", "q1_2 - 2", True, 0.0, 2.0, False,
                    "after 3 sweeps the value of state 2 should be 0.81, got 0.5",
                    "test_matches_reference"),
    ]  # fmt: skip
    return GradeRecord(
        id="s1.ipynb", source="", assignment="02_dyna",
        result=SubmissionResult("graded", "", tests), question_max={"q1_2": 3.0},
        written={"q3_4": ("ok", "Planning replays.")}, manual_max={"q3_4": 2.0},
        manual={"q3_4": ManualScore("s1.ipynb", "02_dyna", "q3_4", ("1",), 1.0,
                                    "Good start; say why more\nplanning helps.", "ta", "t", 1)},
    )  # fmt: skip


def test_tests_show_their_purpose_and_rubric_items_their_text(tmp_path):
    """Test lines carry the docstring's first sentence, not `q1_2 - 1`; rubric items show their
    text and points, earned or not, then the grader's comment."""
    info = AssignmentInfo.load(_autograder(tmp_path, "after_published"))
    md = render(_record(), info=info)
    assert "- **passed** The result has one value per state. (public test, 1/1 points)" in md
    assert (
        "- **FAILED** The values equal the reference values, e.g. after 3 sweeps. "
        "(hidden test, 0/2 points)" in md
    )
    assert "should be 0.81, got 0.5" in md  # after_published: the hidden message is shown
    assert "q1_2 - 1" not in md and "q1_2 - 2" not in md
    assert "  - [x] (1 pt) Names the *replay* of model transitions." in md
    assert "  - [ ] (1 pt) Explains why more planning helps." in md
    assert "  - Comment: Good start; say why more planning helps." in md
    assert "  - 1\n" not in md


def test_hidden_visibility_hidden_withholds_hidden_tests_details(tmp_path):
    """With hidden_visibility `hidden` the feedback counts hidden tests per question but shows
    neither their purpose nor their message; public tests stay listed."""
    info = AssignmentInfo.load(_autograder(tmp_path, "hidden"))
    assert info.hidden_visibility == "hidden"
    md = render(_record(), info=info)
    assert "The result has one value per state." in md
    assert "reference values" not in md and "0.81" not in md
    assert "- Hidden tests: **0 of 1 passed** (0/2 points)" in md


@pytest.mark.parametrize("visibility", ["after_due_date", "after_published"])
def test_visibility_is_read_from_the_autograder_zip(tmp_path, visibility):
    """The visibility is the build option shipped in the zip, not a constant."""
    assert AssignmentInfo.load(_autograder(tmp_path, visibility)).hidden_visibility == visibility


def test_every_test_of_the_built_assignments_has_a_purpose():
    """Each test of the committed autograders gets a purpose: its docstring's first sentence, or
    one read from its name (`test_q1_1_format` -> `Checks q1_1: format`), never otter's name."""
    from mbrl_grader.testfiles import load_tests

    for folder in sorted((REPO / "autograder").iterdir()):
        info = AssignmentInfo.load(folder)
        cases = load_tests(folder)
        assert {(c.question, c.func.__name__) for c in cases} == set(info.purposes), folder.name
        for c in cases:
            purpose = info.purposes[(c.question, c.func.__name__)]
            doc = first_sentence(c.func.__doc__)
            assert purpose == (doc or name_purpose(c.question, c.func.__name__))
            assert c.name not in purpose
    assert name_purpose("q1_1", "test_q1_1_format") == "Checks q1_1: format"


def test_first_sentence_keeps_abbreviations_and_drops_the_label():
    """The purpose ends at the first sentence end, not at `e.g.` or `Q[s, a].`-style text."""
    doc = """Public: with done=True the update uses r alone, e.g. at the goal.

    More detail that students need not see."""
    assert first_sentence(doc) == "With done=True the update uses r alone, e.g. at the goal."
    assert first_sentence("Checks Q[s, a]. Then more.") == "Checks Q[s, a]."
    assert first_sentence(None) == ""
    assert (
        first_sentence("Public: predict() returns (None, None).")
        == "predict() returns (None, None)."
    )
    assert (
        first_sentence("visit_counts[s, a] counts visits.") == "visit_counts[s, a] counts visits."
    )
