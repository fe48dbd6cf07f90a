"""Tests for mbrl_course.validate.written_checks (the validate hook) and the rubric part of the build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_raw_cell

from mbrl_course import build
from mbrl_course.course import Layout, default_layout
from mbrl_course.validate.written_checks import check_master, check_written
from mbrl_course.written.rubrics import load_rubrics

REPO = Path(__file__).resolve().parents[3]
TINY = REPO / "tests" / "course" / "fixtures_build" / "solutions" / "00_tiny" / "00_tiny.ipynb"
RUBRIC_Q4 = "**Rubric** (2 points):\n\n- (1 pt) The trade.\n- (1 pt) An example."


def _written_master(q4_manual: bool) -> nbformat.NotebookNode:
    """The tiny fixture master with a rubric on q3 and a q5_3-like written question q4."""
    nb = nbformat.read(TINY, as_version=4)  # its q3 carries a 1-point rubric
    end = max(i for i, c in enumerate(nb.cells) if c.source.startswith("# END QUESTION"))
    nb.cells[end + 1 : end + 1] = [
        new_raw_cell(
            "# BEGIN QUESTION\nname: q4\npoints: 2" + ("\nmanual: true" if q4_manual else "")
        ),
        new_markdown_cell(
            "**Question 4.** Explain the trade.\n\n_Type your answer here, replacing this text._"
            if not q4_manual
            else "**Question 4.** Explain the trade."
        ),
        new_raw_cell("# BEGIN SOLUTION"),
        new_markdown_cell("**Model answer.** It trades samples for model error.\n\n" + RUBRIC_Q4),
        new_raw_cell("# END SOLUTION"),
        new_raw_cell("# END QUESTION"),
    ]
    return nb


def _build(tmp_path: Path, q4_manual: bool) -> Layout:
    """Build the written fixture master into a temporary course folder."""
    folder = tmp_path / "solutions" / "00_tiny"
    folder.mkdir(parents=True)
    nbformat.write(_written_master(q4_manual), folder / "00_tiny.ipynb")
    layout = Layout(root=tmp_path, src=default_layout(REPO).src)
    assert build.build(layout) == ["00_tiny"]
    return layout


def _check(layout: Layout) -> list[str]:
    return check_written(
        layout.solutions / "00_tiny" / "00_tiny.ipynb",
        layout.assignments / "00_tiny" / "00_tiny.ipynb",
    )


def test_missing_manual_flag_is_caught_on_a_built_fixture(tmp_path):
    """A written question without `manual: true` (notebook 04's q5_3 defect) fails the check."""
    problems = _check(_build(tmp_path, q4_manual=False))
    assert problems, "the q5_3-like defect was not reported"
    assert "q4" in problems[0] and "manual: true" in problems[0]
    assert all("q3" not in p for p in problems)
    assert any("locked cell" in p for p in problems)


def test_fixed_fixture_passes_and_rubrics_are_stored(tmp_path):
    """With `manual: true` every written question is answerable and its rubric lands in rubrics.json."""
    layout = _build(tmp_path, q4_manual=True)
    assert _check(layout) == []
    rubrics = load_rubrics(layout.autograder / "00_tiny")
    assert list(rubrics) == ["q3", "q4"]
    assert [i.points for i in rubrics["q4"].items] == [1.0, 1.0]
    assert rubrics["q4"].prompt_md == "**Question 4 (2 points).** Explain the trade."
    student = (layout.assignments / "00_tiny" / "00_tiny.ipynb").read_text()
    assert "Rubric" not in student and "An example." not in student
    data = json.loads((layout.autograder / "00_tiny" / "rubrics.json").read_text())
    assert data["assignment"] == "00_tiny"


def test_rubric_in_the_prompt_is_stripped_from_the_student_notebook(tmp_path):
    """A rubric written in the prompt cell is parsed by the build and never shipped to students."""
    folder = tmp_path / "solutions" / "00_tiny"
    folder.mkdir(parents=True)
    nb = _written_master(q4_manual=True)
    prompt = next(c for c in nb.cells if c.source.startswith("**Question 4.**"))
    prompt.source += (
        "\n\n**Rubric** (2 points):\n\n- (1.5 pts) Secret grading hint.\n- (0.5 pts) X."
    )
    model = next(c for c in nb.cells if c.source.startswith("**Model answer.** It trades"))
    model.source = "**Model answer.** It trades samples for model error."
    nbformat.write(nb, folder / "00_tiny.ipynb")
    layout = Layout(root=tmp_path, src=default_layout(REPO).src)
    build.build(layout)
    student = (layout.assignments / "00_tiny" / "00_tiny.ipynb").read_text()
    assert "Secret grading hint" not in student and "Explain the trade." in student
    assert load_rubrics(layout.autograder / "00_tiny")["q4"].items[0].points == 1.5


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        ("**Rubric** (2 points):\n\n- (1 pt) a\n- (0.5 pts) b", "add up to 1.5"),
        ("**Rubric** (3 points):\n\n- (2 pts) a\n- (1 pt) b", "header says 3"),
        ("**Rubric (2 points).** 1 point: prose. 1 point: prose.", "Markdown list"),
        ("No rubric at all.", "without a rubric"),
    ],
)
def test_check_master_reports_rubric_problems(rubric, message):
    """Rubrics that do not add up, do not match the points, are prose or are absent are reported."""
    nb = _written_master(q4_manual=True)
    model = next(c for c in nb.cells if c.source.startswith("**Model answer.** It trades"))
    model.source = "**Model answer.** Text.\n\n" + rubric
    problems = check_master(nb)
    assert len(problems) == 1 and "q4" in problems[0] and message in problems[0], problems


def test_committed_masters_pass():
    """Every committed master has well-formed rubrics and answer cells for every written question."""
    layout = default_layout(REPO)
    for name in ("01_model_learning", "02_dyna", "03_model_errors", "04_modern_methods"):
        assert _check_real(layout, name) == [], name


def _check_real(layout: Layout, name: str) -> list[str]:
    return check_written(
        layout.solutions / name / f"{name}.ipynb", layout.assignments / name / f"{name}.ipynb"
    )


def test_check_written_without_master_is_silent(tmp_path):
    """An assignment without a master folder (autograder only) has nothing to check."""
    shutil.rmtree(tmp_path)
    assert check_written(tmp_path / "x.ipynb", tmp_path / "y.ipynb") == []


def test_locked_answer_cell_is_reported(tmp_path):
    """An answer cell made read-only in the student notebook fails the check."""
    layout = _build(tmp_path, q4_manual=True)
    student_path = layout.assignments / "00_tiny" / "00_tiny.ipynb"
    student = nbformat.read(student_path, as_version=4)
    answer = next(c for c in student.cells if "otter_answer_cell" in c.metadata.get("tags", []))
    answer.metadata["editable"] = False
    nbformat.write(student, student_path)
    assert any("locked" in p for p in _check(layout))
