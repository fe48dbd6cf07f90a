"""Tests for the build's points check (question points == sum of its tests' points) and README."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from mbrl_course import build
from mbrl_course.build import points
from mbrl_course.course import Layout, default_layout

REPO = Path(__file__).resolve().parents[3]
FIXTURE = Path(__file__).parents[1] / "fixtures_build" / "solutions" / "00_tiny"


def _fixture_with_q1_points(tmp_path: Path, value: int) -> Path:
    """Copy the fixture master with question q1 worth `value` points (its tests give 1 + 2)."""
    shutil.copytree(FIXTURE, tmp_path / "solutions" / "00_tiny")
    master = tmp_path / "solutions" / "00_tiny" / "00_tiny.ipynb"
    nb = nbformat.read(master, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION\nname: q1\n"):
            cell.source = re.sub(r"points: \d+", f"points: {value}", cell.source)
    nbformat.write(nb, master)
    return master


def test_fixture_points_match() -> None:
    """The unchanged fixture master has no points problem and 5 auto + 1 manual points."""
    master = FIXTURE / "00_tiny.ipynb"
    assert points.point_problems(master) == []
    assert points.auto_and_manual_points(master) == (5.0, 1.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (2, "q1: the question is worth 2 points but its tests sum to 3 (1 + 2)"),
        (4, "q1: the question is worth 4 points but its tests sum to 3 (1 + 2)"),
    ],
)
def test_build_names_question_numbers_and_fix(tmp_path: Path, value: int, expected: str) -> None:
    """Both directions of a mismatch stop the build with the question, both numbers and the fix."""
    _fixture_with_q1_points(tmp_path, value)
    layout = Layout(root=tmp_path, src=default_layout(REPO).src)
    with pytest.raises(build.BuildError) as info:
        build.build(layout)
    message = str(info.value)
    assert expected in message
    assert "set the question's points: to 3" in message
    assert not (tmp_path / "autograder").exists()  # the check runs before otter


def test_question_without_tests_or_manual_is_a_warning(tmp_path: Path) -> None:
    """A question worth points with no tests and not manual is named by point_warnings."""
    master = _fixture_with_q1_points(tmp_path, 3)
    nb = nbformat.read(master, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "raw" and "name: q3" in cell.source:
            cell.source = cell.source.replace("manual: true\n", "")
    nbformat.write(nb, master)
    (warning,) = points.point_warnings(master)
    assert "q3" in warning and "manual: true" in warning


def _edit_cell(master: Path, old: str, new: str) -> None:
    """Replace `old` by `new` in the one cell of `master` that contains it."""
    nb = nbformat.read(master, as_version=4)
    (cell,) = [c for c in nb.cells if old in c.source]
    cell.source = cell.source.replace(old, new)
    nbformat.write(nb, master)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "- (0.5 pts) One sentence.",
            "- (1 pt) One sentence.",
            "q3: the question is worth 1 points (points: in its # BEGIN QUESTION cell) but its "
            "rubric header says 1 and its items add up to 1.5 (0.5 + 1)",
        ),
        (
            "**Rubric** (1 point):",
            "**Rubric** (2 points):",
            "but its rubric header says 2 and its items add up to 1",
        ),
        (
            "**Question 3.**",
            "**Question 3 (2 points).**",
            "q3: the prompt says 2 points but the question is worth 1",
        ),
    ],
)
def test_build_refuses_a_written_question_disagreeing_with_its_points(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    """A rubric header, rubric items or prompt that disagree with points: stop the build with
    the question, the numbers and the fix (before otter runs)."""
    master = _fixture_with_q1_points(tmp_path, 3)
    _edit_cell(master, old, new)
    layout = Layout(root=tmp_path, src=default_layout(REPO).src)
    with pytest.raises(build.BuildError) as info:
        build.build(layout)
    assert expected in str(info.value)
    assert "00_tiny q3" in str(info.value)
    assert "remove the points" in str(info.value) or "add up to 1, or change points:" in str(
        info.value
    )
    assert not (tmp_path / "autograder").exists()


def test_build_writes_the_points_into_written_prompts(tmp_path: Path) -> None:
    """The prompt's points come from points:, inside its bold lead-in, in every lead-in style."""
    master = _fixture_with_q1_points(tmp_path, 3)
    assert points.stamp_written_points(master) == 1
    nb = nbformat.read(master, as_version=4)
    assert any(c.source.startswith("**Question 3 (1 point).** In one sentence") for c in nb.cells)
    assert points.stamp_written_points(master) == 0  # stated and equal: left alone
    current = "**Question 3 (1 point).** In one sentence: why do we double things?"
    for lead, stamped in [
        ("**Question 2.5 (written).** Why?", "**Question 2.5 (written, 1 point).** Why?"),
        ("Why? Explain.", "**(1 point)** Why? Explain."),
    ]:
        _edit_cell(master, current, lead)
        assert points.stamp_written_points(master) == 1
        nb = nbformat.read(master, as_version=4)
        assert any(c.source == stamped for c in nb.cells)
        current = stamped


def test_built_prompts_and_rubrics_json_carry_the_points(real_layout: Layout) -> None:
    """Every written question of the committed build states its points:, in the student
    notebook and in rubrics.json's prompt (what the review page and PDFs show)."""
    from mbrl_course.written.rubrics import load_rubrics

    for name in build.discover_masters(real_layout.solutions):
        student = nbformat.read(real_layout.assignments / name / f"{name}.ipynb", as_version=4)
        for q, rubric in load_rubrics(real_layout.autograder / name).items():
            lead = rubric.prompt_md.split("**")[1]
            assert points.points_text(rubric.points) in lead, (name, q, lead)
            assert any(f"**{lead}**" in c.source for c in student.cells), (name, q)


README_TABLE = """# Course

| Notebook | Topic | Auto points | Written (manual) |
|---|---|---|---|
| `00_tiny` | Doubling things | 99 | 7 |

The end.
"""


def test_build_generates_the_readme_points_table(tmp_path: Path) -> None:
    """README's Auto points and Written columns are written from the masters by the build (and
    `build --check` calls a stale table out); the hand-written columns are kept."""
    _fixture_with_q1_points(tmp_path, 3)
    (tmp_path / "README.md").write_text(README_TABLE)
    layout = Layout(root=tmp_path, src=default_layout(REPO).src)
    assert build.readme_problem(layout) == "out of date: README.md (the assignment table's points)"
    assert build.sync_readme(layout) is True
    text = (tmp_path / "README.md").read_text()
    assert "| `00_tiny` | Doubling things | 5 | 1 |" in text
    assert text.startswith("# Course\n") and text.endswith("\nThe end.\n")
    assert build.readme_problem(layout) is None and build.sync_readme(layout) is False


def test_readme_assignment_table_is_generated_from_the_masters() -> None:
    """The committed README's points table is what the build writes from the masters."""
    masters = build.discover_masters(REPO / "solutions")
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if re.match(r"\| `\d\d_\w+` \|", line)]
    assert len(rows) == len(masters)
    assert points.sync_readme_table(text, masters) == text, "run `mbrl-course build`"
