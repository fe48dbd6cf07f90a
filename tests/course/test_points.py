"""Tests for the build's points check (question points == sum of its tests' points) and README."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from mbrl_course import build, points
from mbrl_course.layout import Layout, default_layout

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures_build" / "solutions" / "00_tiny"


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


def _readme_table() -> dict[str, tuple[float, float]]:
    rows = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`\d\d_\w+`", cells[0]):
            rows[cells[0].strip("`")] = (float(cells[3]), float(cells[4]))
    return rows


def test_readme_assignment_table_matches_the_masters() -> None:
    """README's 'Auto points' and 'Written (manual)' columns equal the masters' question points."""
    masters = build.discover_masters(REPO / "solutions")
    table = _readme_table()
    assert set(table) == set(masters)
    stated = {name: table[name] for name in masters}
    actual = {name: points.auto_and_manual_points(path) for name, path in masters.items()}
    assert stated == actual, "update README.md's assignment table (Auto points, Written)"
