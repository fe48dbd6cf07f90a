"""Declared behaviours of tests, mutated behaviours of mutants, and self-contradicting messages."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mbrl_course.audit import behaviours
from mbrl_course.audit.notebook import AssignmentNotebook

REPO = Path(__file__).resolve().parents[3]
NAMES = sorted(p.name for p in (REPO / "autograder").iterdir() if (p / "tests").is_dir())

CELL = """class Agent:
    def update(self, s, r):
        # BEGIN SOLUTION
        # behaviour: direct
        x = s + r
        # behaviour: planning
        for _ in range(3):
            x += 1
        # END SOLUTION
        return x

    def other(self):
        return 0
"""


def test_declared_reads_the_checks_line_after_the_purpose() -> None:
    """`Checks:` lists comma-separated behaviours; a docstring without one declares nothing."""
    doc = "Planning moves the pair n times.\n\n    Checks: DynaQ.update/planning, run_episodes\n"
    assert behaviours.declared(doc) == ("DynaQ.update/planning", "run_episodes")
    assert behaviours.declared("Only a purpose.") is None
    assert behaviours.declared(None) is None


def test_mutated_behaviour_is_the_label_above_the_line() -> None:
    """A mutant's aspect is the nearest `# behaviour:` label above its line in its definition."""
    assert behaviours.mutated_behaviour(CELL, "Agent.update", 5) == "Agent.update/direct"
    assert behaviours.mutated_behaviour(CELL, "Agent.update", 8) == "Agent.update/planning"
    assert behaviours.mutated_behaviour(CELL, "Agent.update", 3) == "Agent.update"
    assert behaviours.mutated_behaviour(CELL, "Agent.other", 13) == "Agent.other"


def test_a_declaration_covers_its_definition_and_only_its_aspect() -> None:
    """`X.m` covers every aspect of X.m; `X.m/a` covers only aspect a (and X.m unlabelled)."""
    assert behaviours.covers("DynaQ.update", "DynaQ.update/planning")
    assert behaviours.covers("DynaQ.update/planning", "DynaQ.update/planning")
    assert not behaviours.covers("DynaQ.update/direct", "DynaQ.update/planning")
    assert behaviours.covers("DynaQ.update/direct", "DynaQ.update")
    assert not behaviours.covers("DynaQ.select_action", "DynaQ.update")
    assert behaviours.diagnosed(
        [None, ("DynaQ.update/model",), ("DynaQ.update",)], "DynaQ.update/x"
    )
    assert not behaviours.diagnosed([None, ("run_episodes",)], "DynaQ.update/planning")


@pytest.mark.parametrize(
    "message",
    [
        "With planning_steps=5 one real step should move it 1 times, to 2.0; yours is 1.9, "
        "as if it moved 1 times.",
        "so Q[5, 0] should be 0.4500; yours is 0.4500. Plan exactly n times.",
        "Q[0, 3], Q[1, 3] should be = [0.81, 0.9]; yours are [0.81, 0.9]",
        "expected 0.50, got 0.50",
    ],
)
def test_a_message_whose_expected_and_observed_read_the_same_contradicts_itself(
    message: str,
) -> None:
    """Expected and observed values that render identically are reported as a contradiction."""
    assert behaviours.contradiction(message)


@pytest.mark.parametrize(
    "message",
    [
        "With planning_steps=5 one real step should move it 5 times, to 2.0; yours is 1.9, "
        "as if it moved 4 times.",
        "so Q[5, 0] should be 0.4500; yours is 0.3500. Plan exactly n times.",
        "expected 0.50, got 0.25",
    ],
)
def test_a_consistent_message_is_not_flagged(message: str) -> None:
    """Different expected and observed values are no contradiction."""
    assert behaviours.contradiction(message) is None


def test_scrub_masks_temporary_paths_and_truncates() -> None:
    """Report messages are one line, without temporary paths, at most `limit` characters."""
    text = behaviours.scrub("File /tmp/mbrl-audit-x/nb/1/a.ipynb\nfailed " + "x" * 300, 80)
    assert "<tmp>" in text and "/tmp/" not in text and "\n" not in text and len(text) == 80


@pytest.mark.parametrize("name", NAMES)
def test_every_test_declares_known_behaviours(name: str) -> None:
    """Each public and hidden test of the built autograder declares behaviours the notebook has."""
    nb = AssignmentNotebook(
        REPO / "autograder" / name / f"{name}.ipynb",
        REPO / "autograder" / name,
        REPO / "solutions" / name / f"{name}.ipynb",
    )
    declarations = nb.declarations()
    undeclared = sorted(k for k, v in declarations.items() if v is None)
    assert not undeclared, f"{name}: add `Checks: <behaviour>` to the docstrings of {undeclared}"
    known = nb.known_behaviours()
    unknown = {k: b for k, v in declarations.items() for b in v if behaviours.unknown(b, known)}
    assert not unknown, f"{name}: declared behaviours the notebook does not have: {unknown}"


@pytest.mark.parametrize("name", NAMES)
def test_behaviour_labels_never_reach_students(name: str) -> None:
    """`# behaviour:` labels live in solution code only: the student notebook has none."""
    student = nbformat.read(REPO / "assignments" / name / f"{name}.ipynb", as_version=4)
    assert not any("# behaviour:" in c.source for c in student.cells)


def test_report_lists_misdiagnoses_stray_charges_contradictions_and_undeclared() -> None:
    """REPORT.md names each misdiagnosed mutant, each extra charge, contradiction and gap."""
    from mbrl_course.audit import report

    details = [
        {"id": "m1", "behaviour": "f/a", "diagnosed": False, "failed": ["q1:t2"], "stray": []},
        {"id": "m2", "behaviour": "f/a", "diagnosed": True, "failed": ["q1:t1", "q1:t2"],
         "stray": ["q1:t2"]},
    ]  # fmt: skip
    section = {
        "questions": [],
        "mutants": 2,
        "seconds": 1.0,
        "survivors": [],
        "errors": [],
        "killed_elsewhere": [],
        "equivalent": [],
        "stale_equivalents": [],
        "variants": [],
        "notes": [],
        "diagnosis": [
            {"question": "q1", "killed": 2, "diagnosed": 1, "accuracy": 0.5, "charged_once": 0}
        ],
        "details": details,
        "declarations": {"q1:t1": ["f/a"], "q1:t2": ["f/b"], "q1:t3": None},
        "undeclared": ["q1:t3"],
        "unknown_behaviours": {"q1:t2": ["g"]},
        "contradictions": [{"id": "m2", "test": "q1:t1", "phrase": "should be 1; yours is 1"}],
    }
    text = "\n".join(report.assignment_markdown("00_toy", section))
    assert "| q1 | 2 | 1 | 50.0% | 0 |" in text
    assert "`m1` breaks `f/a`; fails q1:t2 (f/b)" in text
    assert "`m2` breaks `f/a`; also fails q1:t2 (f/b)" in text
    assert '"should be 1; yours is 1"' in text and "- q1:t3" in text and "- q1:t2: g" in text
