"""Demo cells: skipped when grading, checked by validate; slow correct solutions keep full marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.validate.demo_cells import demo_problems
from mbrl_grader.results import Limits, SubmissionResult
from mbrl_grader.runner import demo_cells, grade_notebook, read_code_cells_with_tags

FIX = Path(__file__).parents[1] / "fixtures" / "toy"
AG = FIX / "autograder"
NB = FIX / "notebooks"
# a short cell limit so that a demo cell that is run (and hangs) costs a second, not minutes (the
# toy notebooks import only numpy, well within it)
SHORT_CELLS = Limits(timeout_s=90.0, cell_timeout_s=1.5, memory_mb=1024)


@pytest.fixture(scope="module")
def skipped() -> SubmissionResult:
    """The toy solution with a hanging demo cell, graded with demos skipped (the default)."""
    return grade_notebook(NB / "demo_solution.ipynb", AG, SHORT_CELLS)


def test_demo_tags_are_read_from_cell_metadata(tmp_path: Path) -> None:
    """Cells tagged demo are found by their notebook index; malformed tags count as none."""
    assert demo_cells(NB / "demo_solution.ipynb") == {7, 8}
    assert demo_cells(NB / "demo_untagged.ipynb") == set()
    nb = json.loads((NB / "demo_solution.ipynb").read_text())
    nb["cells"][7]["metadata"] = {"tags": "demo"}  # a string, not a list
    nb["cells"][8]["metadata"] = ["demo"]  # not a dict
    p = tmp_path / "odd.ipynb"
    p.write_text(json.dumps(nb))
    assert demo_cells(p) == set()
    assert [tags for _i, _s, tags in read_code_cells_with_tags(p)][:2] == [frozenset()] * 2


def test_demo_cells_are_skipped_when_grading(skipped: SubmissionResult) -> None:
    """With its hanging demo skipped, the solution earns full marks with nothing to report."""
    assert skipped.status == "graded" and skipped.score == skipped.possible == 10.0
    assert skipped.reason == "" and skipped.cell_errors == []
    assert skipped.timings["demo_cells_skipped"] == 2.0


@pytest.mark.slow
def test_untagged_demo_runs_under_the_normal_cell_limit() -> None:
    """A student who removed the tag gets the cell run: it is stopped at the cell limit, no loss
    of points; the status says something was stopped by a time limit."""
    res = grade_notebook(NB / "demo_untagged.ipynb", AG, SHORT_CELLS)
    assert res.status == "timeout" and res.score == 10.0
    assert "exceeded the per-cell time limit" in res.reason and "while True" not in res.reason
    assert res.timings["demo_cells_skipped"] == 0.0


@pytest.mark.slow
def test_run_demos_runs_the_tagged_cells() -> None:
    """`run_demos=True` (validate, `--run-demos`) runs demo cells like any other."""
    res = grade_notebook(NB / "demo_solution.ipynb", AG, SHORT_CELLS, run_demos=True)
    assert res.score == 10.0 and "exceeded the per-cell time limit" in res.reason


@pytest.mark.slow
def test_demo_check_passes_a_solution_independent_of_its_demos() -> None:
    """validate's demo check finds nothing when the score is the same either way."""
    assert demo_problems(NB / "demo_solution.ipynb", AG, SHORT_CELLS) == []
    assert demo_problems(NB / "solution.ipynb", AG, SHORT_CELLS) == []  # no demos: no grading


def test_demo_check_catches_a_graded_answer_set_in_a_demo() -> None:
    """A master whose graded answer is set only in a demo cell is reported, naming the tests."""
    problems = demo_problems(NB / "demo_dependency.ipynb", AG, SHORT_CELLS)
    assert len(problems) == 1, problems
    assert "8/10 with demo cells skipped and 10/10 with them run" in problems[0]
    assert "q4:test_answer_format" in problems[0] and "q4:test_answer_value" in problems[0]


@pytest.mark.slow
def test_slow_correct_solution_keeps_full_marks_under_default_limits() -> None:
    """A correct but slow solution (sleeps in every graded call and a slow cell) earns 10/10."""
    res = grade_notebook(NB / "slow_solution.ipynb", AG, Limits())
    assert res.status == "graded" and res.reason == ""
    assert res.score == res.possible == 10.0
    assert res.timings["execute_s"] >= 3.0  # the slow setup cell really ran


@pytest.mark.slow
def test_demo_check_reuses_a_grading_it_is_given() -> None:
    """validate hands over its own grading (demos skipped); the check grades only with demos run."""
    given = grade_notebook(NB / "demo_dependency.ipynb", AG, SHORT_CELLS)
    problems = demo_problems(NB / "demo_solution.ipynb", AG, SHORT_CELLS, skipped=given)
    assert len(problems) == 1 and "8/10 with demo cells skipped and 10/10" in problems[0]


def test_batch_reader_keeps_the_demo_tag_only() -> None:
    """`mbrl-course grade` rebuilds each notebook: the demo tag survives, other metadata does not."""
    from mbrl_course.grading.submissions import parse_notebook

    nb = json.loads((NB / "demo_solution.ipynb").read_text())
    nb["cells"][7]["metadata"]["tags"] = ["demo", "student-note"]
    nb["cells"][8]["metadata"]["collapsed"] = True
    clean = parse_notebook(json.dumps(nb).encode()).notebook
    assert clean.cells[7].metadata == {"tags": ["demo"]}
    assert clean.cells[8].metadata == {"tags": ["demo"]}
    assert all(not c.metadata for i, c in enumerate(clean.cells) if i not in (7, 8))


def test_batch_grading_skips_demo_cells(tmp_path: Path) -> None:
    """Through `mbrl-course grade`, the hanging demo is skipped: full marks, nothing to report."""
    import csv

    (tmp_path / "ag").mkdir()
    (tmp_path / "ag" / "toy").symlink_to(AG)
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "s.ipynb").write_text((NB / "demo_solution.ipynb").read_text())
    out = tmp_path / "out"
    args = [str(subs), "--assignment", "toy", "--autograders", str(tmp_path / "ag")]
    rc = cli_main(["grade", *args, "--out", str(out), "--cell-timeout", "3", "--no-progress"])
    assert rc == 0
    with (out / "grades.csv").open() as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["status"] == "graded" and float(row["auto"]) == 10.0, row
    assert "time limit" not in row["reason"], row["reason"]
