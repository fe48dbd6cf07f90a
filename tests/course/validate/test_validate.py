"""Tests for `mbrl-course validate`: full marks for solutions, zero for blanks, no leaks."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest

from mbrl_course import build, validate
from mbrl_course.course import Layout, default_layout
from mbrl_course.validate import leaks

REPO = Path(__file__).resolve().parents[3]
FIXTURE_SOLUTIONS = Path(__file__).parents[1] / "fixtures_build" / "solutions"
FIXTURE = "00_tiny"
REAL = default_layout(REPO)
REAL_MASTERS = list(build.discover_masters(REAL.solutions))


@pytest.fixture
def built(tiny_build: Layout) -> Layout:
    """The tiny fixture master, built once per session (tests/conftest.py); read-only."""
    return tiny_build


def _append_code_cell(folder: Path, source: str) -> None:
    path = folder / f"{FIXTURE}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def _append_to(relpath: str, text: str) -> Callable[[Path], None]:
    def plant(folder: Path) -> None:
        path = folder / relpath
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    return plant


def _copy_hidden_test(folder: Path, ag_folder: Path) -> None:
    (folder / "tests" / "q1.py").write_text((ag_folder / "tests" / "q1.py").read_text())


PLANTS: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "solution line in notebook": (
        lambda s, a: _append_code_cell(s, "doubled_value_for_the_fixture = np.multiply(x, 2)"),
        "solution line",
    ),
    "written answer in notebook": (
        lambda s, a: _append_code_cell(
            s, "# **SOLUTION:** Because the fixture needs a written question."
        ),
        "solution",
    ),
    "solution marker in support file": (
        lambda s, a: _append_to("mbrl_envs/__init__.py", "\n# BEGIN SOLUTION\n")(s),
        "solution marker",
    ),
    "hidden test in public tests": (_copy_hidden_test, "hidden test"),
    "hidden test line renamed": (
        lambda s, a: _append_code_cell(
            s, "def check():\n    np.testing.assert_allclose(double(np.arange(3)), [0, 2, 4])"
        ),
        "line of hidden test",
    ),
    "hidden MC answer in stub": (
        lambda s, a: _append_code_cell(s, 'q2_answer = "b"'),
        "hidden answer",
    ),
    "reference import": (
        lambda s, a: _append_to("mbrl_envs/__init__.py", "\nfrom mbrl_ref.models import X\n")(s),
        "mbrl_ref",
    ),
    "reference package shipped": (
        lambda s, a: shutil.copytree(REAL.package("mbrl_grader"), s / "mbrl_ref"),
        "reference package",
    ),
    "graded function in support module": (
        lambda s, a: _append_to("mbrl_envs/__init__.py", "\ndef double(x):\n    return 2 * x\n")(s),
        "graded name",
    ),
}


def test_leak_scan_passes_the_clean_fixture(built: Layout) -> None:
    """The freshly built fixture assignment leaks nothing."""
    master = built.solutions / FIXTURE / f"{FIXTURE}.ipynb"
    assert leaks.scan_leaks(built.assignments / FIXTURE, built.autograder / FIXTURE, master) == []


@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_leak_scan_catches_a_planted_leak(kind: str, built: Layout, tmp_path: Path) -> None:
    """Each kind of leak planted in a copy of the student folder is reported."""
    plant, expected = PLANTS[kind]
    student = tmp_path / FIXTURE
    shutil.copytree(built.assignments / FIXTURE, student)
    plant(student, built.autograder / FIXTURE)
    master = built.solutions / FIXTURE / f"{FIXTURE}.ipynb"
    found = leaks.scan_leaks(student, built.autograder / FIXTURE, master)
    assert found, f"planted leak ({kind}) was not found"
    assert any(expected in leak for leak in found), found


@pytest.mark.slow
def test_fixture_solution_full_marks_and_blank_zero(built: Layout) -> None:
    """On the fixture, the solution earns every point, the blank runs cleanly and earns zero."""
    report = validate.validate_assignment(FIXTURE, built)
    assert report.expected_possible == 5
    assert report.problems == [] and report.leaks == []
    assert report.solution is not None and report.solution.score == 5
    assert report.blank is not None and report.blank.score == 0
    assert report.solution_exec_s is not None and report.blank_exec_s is not None
    assert "00_tiny" in validate.format_reports([report])


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_MASTERS or [None])
def test_real_assignment_validates(name: str | None, execute_once: Callable[..., float]) -> None:
    """Each committed assignment: solution 100 %, blank runs and earns 0, nothing leaks.

    The solution's full run is shared with the notebook-claims tests (``execute_once``).
    """
    if name is None:  # no masters yet
        assert validate.validate_all(REAL) == []
        return
    report = validate.validate_assignment(name, REAL, execute=execute_once)
    print(validate.format_reports([report]))
    assert report.problems == []
    assert report.leaks == []


def _run(status: str, points: list[float]) -> validate.GradingRun:
    """A grading run with one test outcome per entry of `points` (0 = failed)."""
    from mbrl_grader.results import SubmissionResult, TestOutcome

    outcomes = [
        TestOutcome("q1", f"q1 - {i}", False, p, 1.0, p > 0, "", f"test_{i}")
        for i, p in enumerate(points)
    ]
    return validate.GradingRun(SubmissionResult(status, "why", outcomes), "trusted", 0.1)


def test_a_blank_whose_grading_errored_is_a_problem_not_a_zero() -> None:
    """A blank notebook counts as a clean zero only when it was graded and tests ran."""
    assert validate.blank_problems(_run("graded", [0.0, 0.0])) == []
    assert validate.blank_problems(_run("error", [])) == [
        "the blank notebook was not graded: error why"
    ]
    assert validate.blank_problems(_run("timeout", [0.0])) != []
    assert validate.blank_problems(_run("graded", [])) != []
    assert validate.blank_problems(_run("graded", [1.0, 0.0])) == [
        "the blank notebook earns 1 points, not 0"
    ]


def test_solution_problems_name_the_failed_tests() -> None:
    """A solution below full marks is reported with the keys of the tests it failed."""
    assert validate.solution_problems(_run("graded", [1.0, 1.0]), 2.0) == []
    (problem,) = validate.solution_problems(_run("graded", [1.0, 0.0]), 2.0)
    assert "earns 1/2" in problem and "q1:test_1" in problem


def test_a_solution_whose_cells_raise_while_graded_is_a_problem() -> None:
    """Full marks do not hide a solution cell that raises under the grader (e.g. a setup check)."""
    run = _run("graded", [1.0])
    run.result.cell_errors.append(
        {"cell": 0, "label": 'code cell 1 ("# Setup")', "type": "SystemExit"}
    )
    (problem,) = validate.solution_problems(run, 1.0)
    assert 'code cell 1 ("# Setup"): SystemExit' in problem
