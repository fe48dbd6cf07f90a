"""Time budgets: the file format, the limits derived from it, and the committed measurements."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from mbrl_grader.budgets import (
    BUDGET_MARGIN,
    BUDGETS_FILE,
    FALLBACK_TEST_S,
    Budgets,
    load_budgets,
    quantise,
)
from mbrl_grader.sandbox.client import StackFrame, innermost_cell_frame
from mbrl_grader.testfiles import load_tests

ROOT = Path(__file__).resolve().parents[3]
BUILT = sorted(p.name for p in (ROOT / "autograder").iterdir() if (p / "tests").is_dir())


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.0, 0.01), (0.013, 0.015), (0.26, 0.3), (0.5, 0.5), (0.51, 0.6), (0.88, 1.0), (7, 8.0)],
)
def test_quantise_rounds_up_to_the_series(seconds: float, expected: float) -> None:
    """Measured times are rounded UP (never below the measurement) to a coarse series."""
    assert quantise(seconds) == pytest.approx(expected)
    assert quantise(seconds) >= seconds


def test_limits_are_the_margin_times_the_measurement_with_floors() -> None:
    """A test gets 20x its time (at least the floor); an unmeasured test the largest budget;
    every cell 20x the slowest cell, at least its floor and never above the cap."""
    b = Budgets(tests={"q1:a": 0.01, "q1:b": 0.5}, cells={"1": 0.05, "2": 1.0})
    assert BUDGET_MARGIN == 20.0
    assert b.test_limit("q1:a") == b.test_floor_s == 2.0
    assert b.test_limit("q1:b") == 10.0
    assert b.test_limit("q2:new") == 10.0
    assert b.cell_limit(cap=120.0) == 20.0 and b.cell_limit(cap=15.0) == 15.0
    assert Budgets(cells={"1": 0.01}).cell_limit(cap=120.0) == 10.0
    assert Budgets().test_limit("q1:a") == FALLBACK_TEST_S and Budgets().cell_limit(7.0) == 7.0


def test_file_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    """The file's text depends only on the (quantised) measurements; load reads it back; a
    missing or broken file means "no budgets", never a grading failure."""
    a = Budgets(tests={"q2:x": 0.26, "q1:y": 0.013}, cells={"10": 0.2, "2": 0.9})
    b = Budgets(tests={"q1:y": 0.014, "q2:x": 0.29}, cells={"2": 0.95, "10": 0.19})
    assert a.to_json() == b.to_json()
    (tmp_path / BUDGETS_FILE).write_text(a.to_json())
    loaded = load_budgets(tmp_path)
    assert loaded.tests == {"q1:y": 0.015, "q2:x": 0.3} and list(loaded.cells) == ["2", "10"]
    (tmp_path / BUDGETS_FILE).write_text("{not json")
    assert not load_budgets(tmp_path).measured
    assert not load_budgets(tmp_path / "missing").measured


@pytest.mark.parametrize("name", BUILT)
def test_committed_budgets_cover_exactly_the_autograders_tests(name: str) -> None:
    """Every built autograder ships the committed measurement (folder and Gradescope zip alike),
    naming exactly its test cases: a test added without re-measuring is caught here."""
    committed = (ROOT / "solutions" / name / BUDGETS_FILE).read_bytes()
    ag = ROOT / "autograder" / name
    assert (ag / BUDGETS_FILE).read_bytes() == committed
    with zipfile.ZipFile(ag / f"{name}-autograder.zip") as zf:
        assert zf.read(BUDGETS_FILE) == committed
    keys = {f"{c.question}:{c.func.__name__}" for c in load_tests(ag)}
    assert set(json.loads(committed)["tests"]) == keys, "re-measure: mbrl-course budgets " + name


def test_the_innermost_notebook_frame_of_a_stack_dump_is_found() -> None:
    """Of faulthandler's dump (innermost frame first), the first frame in a notebook cell counts;
    the worker's own frames and an earlier dump are ignored."""
    dump = (
        "Current thread 0x1 (most recent call first):\n"
        '  File "<cell 3>", line 2 in old\n'
        "Current thread 0x1 (most recent call first):\n"
        '  File "/usr/lib/python3/numpy/core.py", line 9 in choice\n'
        '  File "<cell 15>", line 7 in run_episodes\n'
        '  File "<cell 20>", line 1 in <module>\n'
        '  File "/x/mbrl_grader/sandbox/worker.py", line 400 in serve_one\n'
    )
    assert innermost_cell_frame(dump) == StackFrame(15, 7, "run_episodes")
    assert innermost_cell_frame("garbage") is None


def test_measuring_a_solution_times_every_test_and_graded_cell(tmp_path: Path) -> None:
    """`mbrl-course budgets` grades the solution and records a time for each test case and each
    executed code cell; a notebook that does not earn full marks is refused (wrong times)."""
    import shutil

    from mbrl_course.errors import BuildError
    from mbrl_course.build.measure import measure

    toy = Path(__file__).parents[1] / "fixtures" / "toy"
    ag = tmp_path / "toy"
    shutil.copytree(toy / "autograder", ag)
    shutil.copyfile(toy / "notebooks" / "solution.ipynb", ag / "toy.ipynb")
    budgets = measure(ag, runs=1)
    assert set(budgets.tests) == {f"{c.question}:{c.func.__name__}" for c in load_tests(ag)}
    assert set(budgets.cells) == {str(n) for n in range(1, 10)}
    assert all(s > 0 for s in [*budgets.tests.values(), *budgets.cells.values()])
    shutil.copyfile(toy / "notebooks" / "blank.ipynb", ag / "toy.ipynb")
    with pytest.raises(BuildError, match="must pass every test"):
        measure(ag, runs=1)
