"""One public test case per question (issue 21): otter must never print "passed" beside a failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from mbrl_course import build
from mbrl_course.course import Layout, default_layout
from mbrl_course.build.public_tests import public_cases_per_question, public_test_problems

REPO = Path(__file__).resolve().parents[3]
REAL = default_layout(REPO)
REAL_MASTERS = build.discover_masters(REAL.solutions)
FIXTURE_SOLUTIONS = Path(__file__).parents[1] / "fixtures_build" / "solutions"


@pytest.mark.parametrize("name", sorted(REAL_MASTERS))
def test_every_built_question_has_at_most_one_public_case(name: str) -> None:
    """Each question of the committed student folder declares at most one public test case."""
    assert public_test_problems(REAL_MASTERS[name]) == []
    counts = public_cases_per_question(REAL.assignments / name / "tests")
    assert counts, f"no built tests found in assignments/{name}/tests"
    assert {q: n for q, n in counts.items() if n > 1} == {}


def test_a_master_with_two_public_tests_in_a_question_is_refused(tmp_path: Path) -> None:
    """The build names the question and its public tests, and writes nothing for that master."""
    shutil.copytree(FIXTURE_SOLUTIONS, tmp_path / "solutions")
    layout = Layout(root=tmp_path, src=REAL.src)
    path = layout.solutions / "00_tiny" / "00_tiny.ipynb"
    nb = nbformat.read(path, as_version=4)
    hidden = [c for c in nb.cells if "def test_double_matches_reference_secretly" in c.source]
    hidden[0].source = hidden[0].source.replace("hidden: true\n", "")
    nbformat.write(nb, path)
    with pytest.raises(build.BuildError, match="00_tiny q1: 2 public tests") as raised:
        build.build(layout)
    assert "test_double_returns_a_number, test_double_matches_reference_secretly" in str(
        raised.value
    )
    assert not (layout.assignments / "00_tiny").exists()


class _NoTieBreakDynaQ:
    """select_action with two mistakes that fail different former cases of 02 q1_1."""

    def __init__(self, n_states, n_actions, epsilon=0.1, initial_q=None, **_):
        import numpy as np

        self.Q = np.zeros((n_states, n_actions)) if initial_q is None else np.array(initial_q)
        self.epsilon, self.n_actions = epsilon, n_actions

    def select_action(self, s):
        import numpy as np

        if np.random.rand() < self.epsilon:
            return int(np.random.randint(self.n_actions - 1))  # never the last action
        return int(np.argmax(self.Q[s]))  # the first maximum: no tie-break


def test_otter_shows_no_passed_line_beside_a_failing_case() -> None:
    """otter's own summary of the built 02 q1_1 check: one failed result, every case's message."""
    from otter.test_files.exception_test import ExceptionTestFile

    test_file = ExceptionTestFile.from_file(str(REAL.assignments / "02_dyna" / "tests" / "q1_1.py"))
    test_file.run({"DynaQ": _NoTieBreakDynaQ})
    summary = test_file.summary()
    assert "passed" not in summary.lower() and "1 result" in summary
    assert "break ties at random" in summary and "with epsilon=1 every call explores" in summary
