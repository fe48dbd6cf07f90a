"""The trusted runner: honest scores, statuses, points rules, CLI, Gradescope entry, checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mbrl_grader import checks
from mbrl_grader.budgets import Budgets
from mbrl_grader.gradescope import main as gradescope_main
from mbrl_grader.results import Limits, SubmissionResult
from mbrl_grader.runner import (
    grade_notebook,
    load_tests,
    read_code_cells,
    resolve_points,
)

FIX = Path(__file__).parents[1] / "course" / "fixtures" / "toy"
AG = FIX / "autograder"
NB = FIX / "notebooks"
FAST = Limits(timeout_s=90.0, cell_timeout_s=30.0, memory_mb=1024)


@pytest.fixture(scope="module")
def solution() -> SubmissionResult:
    """The graded solution notebook (shared by several tests)."""
    return grade_notebook(NB / "solution.ipynb", AG, FAST)


@pytest.mark.slow
def test_solution_earns_full_marks(solution: SubmissionResult) -> None:
    """The correct notebook passes every test (magics, plots and grader.check are harmless)."""
    assert solution.status == "graded" and solution.reason == ""
    assert solution.score == solution.possible == 10.0
    assert solution.per_question() == {
        "q1": {"score": 3.0, "possible": 3.0},
        "q2": {"score": 3.0, "possible": 3.0},
        "q3": {"score": 2.0, "possible": 2.0},
        "q4": {"score": 2.0, "possible": 2.0},
    }
    assert solution.cell_errors == []


def test_result_json_schema(solution: SubmissionResult) -> None:
    """to_dict has the documented keys and round-trips through from_dict."""
    d = json.loads(json.dumps(solution.to_dict()))
    assert set(d) == {
        "format",
        "status",
        "reason",
        "score",
        "possible",
        "questions",
        "outcomes",
        "cell_errors",
        "isolation",
        "duration_s",
        "timings",
    }
    assert set(d["outcomes"][0]) == {
        "question",
        "name",
        "hidden",
        "points",
        "max_points",
        "passed",
        "message",
        "test",
        "failure",
    }
    assert SubmissionResult.from_dict(d).score == solution.score
    old_row = {k: v for k, v in d["outcomes"][0].items() if k != "failure"}
    assert SubmissionResult.from_dict({**d, "outcomes": [old_row]}).outcomes[0].failure == ""


def test_blank_earns_zero_with_clear_messages() -> None:
    """The untouched notebook earns nothing; messages name what is wrong, not test code."""
    res = grade_notebook(NB / "blank.ipynb", AG, FAST)
    assert res.status == "graded" and res.score == 0.0
    msgs = {o.name: o.message for o in res.outcomes}
    assert "your run_episode raised NotImplementedError" in msgs["q3 - 1"]
    assert "MARKER" not in json.dumps(res.to_dict())


def test_renamed_function_reports_missing_name() -> None:
    """A renamed function fails its tests with 'does not define' and nothing else is lost."""
    res = grade_notebook(NB / "renamed.ipynb", AG, FAST)
    assert res.score == 2.0
    assert "does not define `add`" in res.outcomes[0].message


@pytest.mark.parametrize(
    "content, why",
    [
        (b"{not json", "cannot read"),
        (b'{"cells": 3}', "not a Jupyter notebook"),
        (b"[]", "not a Jupyter notebook"),
    ],
)
def test_invalid_notebooks(tmp_path: Path, content: bytes, why: str) -> None:
    """Unreadable notebooks give status invalid with a reason, without starting a worker."""
    p = tmp_path / "bad.ipynb"
    p.write_bytes(content)
    res = grade_notebook(p, AG)
    assert res.status == "invalid" and why in res.reason and res.outcomes == []


def test_empty_notebook_is_graded_zero(tmp_path: Path) -> None:
    """A notebook without code cells is graded: every test fails on missing names."""
    p = tmp_path / "empty.ipynb"
    p.write_text(json.dumps({"cells": [], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    res = grade_notebook(p, AG, FAST)
    assert res.status == "graded" and res.score == 0.0 and res.possible == 10.0


@pytest.mark.slow
def test_overall_timeout_gives_timeout_status(tmp_path: Path) -> None:
    """When the whole budget runs out the status is timeout and unrun tests score zero."""
    nb = json.loads((NB / "attack_infinite_loop.ipynb").read_text())
    p = tmp_path / "slow.ipynb"
    p.write_text(json.dumps(nb))
    res = grade_notebook(p, AG, Limits(timeout_s=2.5, cell_timeout_s=30.0))
    assert res.status == "timeout" and res.score == 0.0
    assert all(not o.passed for o in res.outcomes)


def test_read_code_cells_joins_sources() -> None:
    """Code cells come back with their notebook index and joined source."""
    cells = read_code_cells(NB / "solution.ipynb")
    assert cells[0] == (1, 'import otter\ngrader = otter.Notebook("toy.ipynb")')


def test_load_tests_resolves_points_like_otter() -> None:
    """Per-case points, split question points and hidden flags follow otter 7's rules."""
    cases = load_tests(AG)
    got = [(c.question, c.name, c.hidden, c.max_points) for c in cases]
    assert got[:3] == [
        ("q1", "q1 - 1", False, 1.0),
        ("q1", "q1 - 2", True, 2.0),
        ("q2", "q2 - 1", False, 1.0),
    ]
    assert resolve_points(None, [None, None]) == [0.5, 0.5]
    assert resolve_points(None, [2, None]) == [2.0, 0.0]
    assert resolve_points(4, [1, None, None]) == [1.0, 1.5, 1.5]
    assert resolve_points([1, 3], [None, None]) == [1.0, 3.0]
    with pytest.raises(ValueError):
        resolve_points(1, [2, None])


def test_all_or_nothing(tmp_path: Path) -> None:
    """all_or_nothing questions give zero unless every case passes."""
    ag = tmp_path / "ag"
    shutil.copytree(AG, ag)
    q2 = ag / "tests" / "q2.py"
    q2.write_text(q2.read_text().replace("points = 3", "points = 3\nall_or_nothing = True"))
    res = grade_notebook(NB / "attack_base.ipynb", ag, FAST)
    assert res.per_question()["q2"] == {"score": 0.0, "possible": 3.0}


@pytest.mark.slow
def test_cli_writes_json(tmp_path: Path) -> None:
    """`python -m mbrl_grader.runner NB AG --json OUT` writes the result."""
    out = tmp_path / "r.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mbrl_grader.runner",
            str(NB / "renamed.ipynb"),
            str(AG),
            "--timeout",
            "60",
            "--json",
            str(out),
        ],
        check=True,
        timeout=120,
    )
    d = json.loads(out.read_text())
    assert d["status"] == "graded" and d["score"] == 2.0


def test_gradescope_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Gradescope layout gives results.json with hidden tests after_published (the default)."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    shutil.copytree(AG / "tests", root / "source" / "tests")
    shutil.copytree(AG / "mbrl_envs", root / "source" / "files" / "mbrl_envs")
    (root / "submission").mkdir()
    shutil.copy(NB / "attack_base.ipynb", root / "submission" / "toy.ipynb")
    monkeypatch.setenv("AUTOGRADER_ROOT", str(root))
    monkeypatch.setenv("MBRL_GRADING_TIMEOUT", "60")
    assert gradescope_main() == 0
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 5.0 and len(data["tests"]) == 8
    t = {x["name"]: x for x in data["tests"]}
    assert t["q1 - 2"]["visibility"] == "after_published" and t["q1 - 1"]["visibility"] == "visible"
    assert t["q3 - 1"]["score"] == 0 and "returned 0" in t["q3 - 1"]["output"]


# ---------------------------------------------------------------- checks helpers


def test_as_int_accepts_numpy_and_python_ints() -> None:
    """as_int accepts int, numpy integers and 0-d int arrays, and refuses bools and floats."""
    assert checks.as_int(3) == 3 and checks.as_int(np.int64(4)) == 4
    assert checks.as_int(np.array(5)) == 5
    for bad in (True, 2.0, "3", None):
        with pytest.raises(AssertionError, match="expected an integer"):
            checks.as_int(bad)


def test_assert_close_pinpoints_the_difference() -> None:
    """assert_close names the first differing index and the values."""
    checks.assert_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]), "Q")
    with pytest.raises(AssertionError, match=r"Q at index 1 is 3, expected 2"):
        checks.assert_close([1, 3], [1, 2], "Q")
    with pytest.raises(AssertionError, match="shape"):
        checks.assert_close([1, 2, 3], [1, 2], "Q")


def test_counts_match_probs_is_sound_and_sensitive() -> None:
    """A correct sampler passes (many seeds); a wrong one and impossible outcomes fail."""
    p = np.array([0.0, 0.75, 0.25])
    rng = np.random.default_rng(0)
    for _ in range(200):
        checks.assert_counts_match_probs(rng.multinomial(300, p), p, "predict(0, 0)")
    with pytest.raises(AssertionError, match="outcome 1 was drawn 50.0%"):
        checks.assert_counts_match_probs([0, 150, 150], p, "predict(0, 0)")
    with pytest.raises(AssertionError, match="should be impossible"):
        checks.assert_counts_match_probs([1, 200, 99], p, "predict(0, 0)")
    assert checks.hoeffding_tolerance(300, 2) < 0.17


def test_gradescope_results_scrub_test_code(tmp_path: Path) -> None:
    """Gradescope's results.json scrubs hidden-test code from messages, as local feedback does."""
    from mbrl_grader.gradescope import results_json
    from mbrl_grader.results import TestOutcome
    from mbrl_grader.scrub import CodeScrubber

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "q1.py").write_text(
        "def test_x(f):\n    assert f(41) == 42, 'f is off'\n"
    )
    leaked = "Traceback:\n  File \"q1.py\", line 2\n    assert f(41) == 42, 'f is off'\nf is off"
    outcome = TestOutcome("q1", "q1 - 1", True, 0.0, 1.0, False, leaked, "test_x")
    data = results_json(SubmissionResult("graded", "", [outcome]), scrub=CodeScrubber(tmp_path))
    shown = data["tests"][0]["output"]
    assert "assert f(41)" not in shown and "f is off" in shown


def test_cell_problems_are_named_as_the_student_sees_them() -> None:
    """A cell is named by its number among code cells and its first line, not a notebook index."""
    from mbrl_grader.runner import code_cell_label

    cells = [(1, "import numpy as np"), (3, "\n# fit the model\nmodel = fit()"), (6, "")]
    assert code_cell_label(cells, 3) == 'code cell 2 ("# fit the model")'
    assert code_cell_label(cells, 6) == "code cell 3 (empty)"


def test_limits_round_trip_and_refuse_typos() -> None:
    """Limits survive the CLI and JSON round trips; an unknown limit is an error, not ignored."""
    limits = Limits(timeout_s=30, cell_timeout_s=5, memory_mb=512, test_timeout_s=10)
    assert Limits.from_dict(limits.to_dict()) == limits
    assert "--test-timeout" in limits.cli_args()
    with pytest.raises(ValueError, match="unknown limit"):
        Limits.from_dict({"timeout": 3})


def _hanging_run_episode(tmp_path: Path) -> tuple[Path, Path]:
    """The toy solution whose run_episode never ends, called by a graded cell too; the toy
    autograder with measured budgets (floors of 1 s so the test stays short)."""
    nb = json.loads((NB / "solution.ipynb").read_text())
    for cell in nb["cells"]:
        if "".join(cell["source"]).startswith("def run_episode"):
            cell["source"] = (
                "def run_episode(env, max_steps=100):\n    done = False\n    while not done:\n        pass\n"
            )
            at = nb["cells"].index(cell)
    call = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None}
    nb["cells"].insert(at + 1, {**call, "source": "steps = run_episode(None)"})
    p = tmp_path / "hang.ipynb"
    p.write_text(json.dumps(nb))
    ag = tmp_path / "autograder"
    shutil.copytree(AG, ag)
    budgets = Budgets(
        tests={f"{c.question}:{c.func.__name__}": 0.01 for c in load_tests(AG)},
        cells={"1": 0.01},
        test_floor_s=1.0,
        cell_floor_s=1.0,
    )
    (ag / "budgets.json").write_text(budgets.to_json())
    return p, ag


def test_a_hang_costs_only_its_question_and_says_where(tmp_path: Path) -> None:
    """A function that never returns: its cell and its test are stopped by their budgets, the
    row names the question, the function and the code cell, every other question earns full
    marks, the status is timeout and the failure is typed."""
    nb, ag = _hanging_run_episode(tmp_path)
    res = grade_notebook(nb, ag, Limits(timeout_s=120.0))
    assert res.status == "timeout"
    assert res.per_question()["q3"]["score"] == 0.0
    assert res.score == res.possible - 2.0 == 8.0, res.reason
    (q3,) = [o for o in res.outcomes if o.question == "q3"]
    assert q3.failure == "timeout" and "`run_episode` (code cell 6, line " in q3.message
    assert all(o.passed and o.failure == "" for o in res.outcomes if o.question != "q3")
    assert "q3 timed out in `run_episode` (code cell 6) in 1 test" in res.reason
    assert "every other question was graded" in res.reason
    stopped_cell = 'code cell 7 ("steps = run_episode(None)") exceeded the per-cell time limit'
    assert f"{stopped_cell} in `run_episode`" in res.reason
    assert "Not run" not in " ".join(o.message for o in res.outcomes)


def test_failures_are_typed() -> None:
    """Assertion failures and errors raised by the student's code are told apart."""
    res = grade_notebook(NB / "blank.ipynb", AG, FAST)
    kinds = {o.failure for o in res.outcomes}
    assert kinds <= {"assertion", "error"} and "error" in kinds
    assert all(o.failure == "" for o in grade_notebook(NB / "solution.ipynb", AG, FAST).outcomes)


def test_code_that_swallows_the_interruption_is_killed_and_located(tmp_path: Path) -> None:
    """A loop that catches the budget's interruption is killed after the grace period; the
    grader reads the worker's stack first, so the row still names the function, and the
    notebook is re-run so the later questions are graded."""
    nb, ag = _hanging_run_episode(tmp_path)
    data = json.loads(nb.read_text())
    for cell in data["cells"]:
        if "".join(cell["source"]).startswith("def run_episode"):
            cell["source"] = (
                "def run_episode(env, max_steps=100):\n"
                "    while True:\n"
                "        try:\n"
                "            while True:\n"
                "                pass\n"
                "        except BaseException:\n"
                "            pass\n"
            )
    nb.write_text(json.dumps(data))
    res = grade_notebook(nb, ag, Limits(timeout_s=120.0))
    (q3,) = [o for o in res.outcomes if o.question == "q3"]
    assert q3.failure == "timeout" and "`run_episode` (code cell 6, line " in q3.message
    assert res.status == "timeout" and res.score == 8.0, res.reason
    assert "q3 timed out in `run_episode` (code cell 6) in 1 test" in res.reason
