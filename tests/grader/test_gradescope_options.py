"""Gradescope entry point: which notebook it grades, unclear uploads, hidden-result visibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mbrl_course.build import grading_options
from mbrl_grader.gradescope import find_notebook, hidden_visibility, results_json
from mbrl_grader.results import SubmissionResult, TestOutcome


def write_nb(path: Path, assignment: str | None, text: str = "x = 1") -> Path:
    """Write a small notebook whose otter metadata names `assignment` (None: no otter metadata)."""
    meta = {"otter": {"assignment_name": assignment}} if assignment is not None else {}
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": text}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [cell], "metadata": meta, "nbformat": 4}))
    return path


def test_picks_the_notebook_of_this_assignment_not_the_first_by_name(tmp_path: Path) -> None:
    """Among notebooks of several assignments, the one whose otter metadata matches is graded."""
    write_nb(tmp_path / "01_model_learning.ipynb", "01_model_learning")
    mine = write_nb(tmp_path / "work" / "my copy (2).ipynb", "02_dyna")
    write_nb(tmp_path / ".ipynb_checkpoints" / "02_dyna-checkpoint.ipynb", "02_dyna", "old")
    write_nb(tmp_path / "__MACOSX" / "._02_dyna.ipynb", "02_dyna", "debris")
    assert find_notebook(tmp_path, "02_dyna") == (mine, "")


def test_two_different_notebooks_of_the_assignment_are_ambiguous(tmp_path: Path) -> None:
    """Two different notebooks for the assignment are refused, naming both files."""
    write_nb(tmp_path / "02_dyna.ipynb", "02_dyna", "x = 1")
    write_nb(tmp_path / "02_dyna_final.ipynb", "02_dyna", "x = 2")
    path, why = find_notebook(tmp_path, "02_dyna")
    assert path is None
    assert why.startswith("ambiguous upload: several notebooks belong to assignment 02_dyna")
    assert "02_dyna.ipynb, 02_dyna_final.ipynb" in why


def test_identical_copies_are_not_ambiguous(tmp_path: Path) -> None:
    """Byte-identical copies of the notebook are graded once, with a note."""
    first = write_nb(tmp_path / "a" / "02_dyna.ipynb", "02_dyna")
    write_nb(tmp_path / "b" / "02_dyna.ipynb", "02_dyna")
    assert find_notebook(tmp_path, "02_dyna") == (
        first,
        "graded a/02_dyna.ipynb (the other copies are identical)",
    )


def test_no_notebook_of_this_assignment_names_what_was_found(tmp_path: Path) -> None:
    """An upload without this assignment's notebook lists the other notebooks and bad files."""
    write_nb(tmp_path / "01_model_learning.ipynb", "01_model_learning")
    (tmp_path / "broken.ipynb").write_text("{not json")
    path, why = find_notebook(tmp_path, "02_dyna")
    assert path is None
    assert "no notebook of assignment 02_dyna" in why
    assert "01_model_learning.ipynb (01_model_learning)" in why
    assert "not readable as a notebook: broken.ipynb" in why


def test_lone_notebook_without_metadata_is_graded_with_a_note(tmp_path: Path) -> None:
    """A single notebook that lost its otter metadata is graded rather than refused."""
    nb = write_nb(tmp_path / "homework.ipynb", None)
    path, note = find_notebook(tmp_path, "02_dyna")
    assert path == nb and "no otter assignment metadata" in note


def test_empty_upload_says_what_to_do(tmp_path: Path) -> None:
    """An upload without any notebook gets a clear reason."""
    (tmp_path / "answers.pdf").write_bytes(b"%PDF")
    assert find_notebook(tmp_path, "02_dyna") == (
        None,
        "no .ipynb notebook found in the submission; upload your notebook file",
    )


HIDDEN_FAILED = TestOutcome("q1", "q1 - 2", True, 0.0, 2.0, False, "wrong", "test_b")


def test_results_json_lists_every_test_completely() -> None:
    """Each test has a unique name and number, its status, plain-text output and its key; the
    score is the tests' sum and the run's time and status are recorded."""
    outcomes = [
        TestOutcome("q1_2", "q1_2 - 1", False, 1.0, 1.0, True, "", "test_a"),
        TestOutcome("q1_2", "q1_2 - 1", True, 0.0, 2.0, False, "off by one", "test_b"),
        TestOutcome("q10", "q10 - 1", False, 0.0, 0.0, True, "", "test_c"),
    ]
    data = results_json(SubmissionResult("graded", "", outcomes), execution_time=12.6)
    tests = data["tests"]
    assert [t["name"] for t in tests] == ["q1_2 - 1", "q1_2 - 1 (2)", "q10 - 1"]
    assert [t["number"] for t in tests] == ["1.2.1", "1.2.2", "10.1"]
    assert [t["status"] for t in tests] == ["passed", "failed", "passed"]
    assert [t["output"] for t in tests] == ["Passed.", "off by one", "Passed."]
    assert {t["output_format"] for t in tests} == {"text"}
    assert tests[1]["extra_data"] == {"test": "q1_2:test_b"} and tests[1]["tags"] == ["q1_2"]
    assert (data["score"], data["execution_time"], data["output_format"]) == (1.0, 13, "text")
    assert data["extra_data"] == {"status": "graded", "possible": 3.0}


def test_results_json_numbers_by_position_when_question_digits_coincide() -> None:
    """Questions whose digits read alike (q1a, q1b) still get unique test numbers."""
    outcomes = [TestOutcome(q, f"{q} - 1", False, 1.0, 1.0, True, "", "t") for q in ("q1a", "q1b")]
    numbers = [t["number"] for t in results_json(SubmissionResult("graded", "", outcomes))["tests"]]
    assert numbers == ["1", "2"]


@pytest.mark.parametrize("visibility", ["hidden", "after_due_date", "after_published"])
def test_hidden_tests_get_the_configured_visibility(visibility: str) -> None:
    """Hidden tests carry the build option's visibility; public tests stay visible."""
    outcomes = [
        TestOutcome("q1", "q1 - 1", False, 1.0, 1.0, True, "", "test_a"),
        TestOutcome("q1", "q1 - 2", True, 0.0, 2.0, False, "wrong", "test_b"),
    ]
    data = results_json(SubmissionResult("graded", "", outcomes), hidden_visibility=visibility)
    assert [t["visibility"] for t in data["tests"]] == ["visible", visibility]


def test_visibility_option_env_override_and_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """Default after_published; the zip's option applies; MBRL_HIDDEN_VISIBILITY overrides it;
    nonsense falls back to hidden."""
    monkeypatch.delenv("MBRL_HIDDEN_VISIBILITY", raising=False)
    assert hidden_visibility({}) == "after_published"
    assert results_json(SubmissionResult("graded", "", [HIDDEN_FAILED]))["tests"][0][
        "visibility"
    ] == ("after_published")
    assert hidden_visibility({"hidden_visibility": "after_due_date"}) == "after_due_date"
    assert hidden_visibility({"hidden_visibility": "always"}) == "hidden"
    monkeypatch.setenv("MBRL_HIDDEN_VISIBILITY", "after_published")
    assert hidden_visibility({"hidden_visibility": "after_due_date"}) == "after_published"


def test_master_option_is_checked_and_written_for_the_zip() -> None:
    """The build refuses unknown options or values and writes the name and options as JSON."""
    config = {"name": "02_dyna", "mbrl": {"hidden_visibility": "after_due_date"}}
    assert grading_options.problems(config) == []
    assert json.loads(grading_options.zip_config(config)) == {
        "assignment_name": "02_dyna",
        "hidden_visibility": "after_due_date",
    }
    default = json.loads(grading_options.zip_config({"name": "01_x"}))["hidden_visibility"]
    assert default == "after_published"
    bad = {"name": "x", "mbrl": {"hidden_visibility": "soon", "colour": "red"}}
    assert grading_options.problems(bad) == [
        "mbrl: unknown option 'colour'",
        "mbrl.hidden_visibility must be one of hidden, after_due_date, after_published, got 'soon'",
    ]
