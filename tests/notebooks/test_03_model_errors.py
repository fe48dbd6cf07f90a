"""Notebook 3's claims are shown by the numbers its solution prints (issue 13).

Uses the solution run once per session (`executed_solution`) and checks the printed summary
lines against the statements in the text.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.slow  # executes the notebook

NAME = "03_model_errors"
SUMMARY = re.compile(
    r"^\[(?P<label>[^\]]+)\] (?P<agent>.+?)\s+episode 1:\s+(?P<first>[\d.]+) steps\s+"
    r"last 5 episodes:\s+(?P<last>[\d.]+) steps$"
)
DEFAULT = "a door in the right wall (row 1)"
CORRECT = "the correct map"
PLANNER = "pure planner, trusts the believed map"
HANDED = "Dyna-Q, handed the believed map"
OWN = "Dyna-Q, learns its own model"
QLEARN = "Q-learning (model-free)"


@pytest.fixture(scope="module")
def printed(executed_solution) -> str:
    """Everything the executed solution printed (stream outputs of every code cell)."""
    nb = executed_solution(NAME)
    return "\n".join(
        out.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream"
    )


@pytest.fixture(scope="module")
def summary(printed: str) -> dict[str, dict[str, tuple[float, float]]]:
    """{belief label: {agent: (mean steps in episode 1, mean steps in the last 5 episodes)}}."""
    table: dict[str, dict[str, tuple[float, float]]] = {}
    for line in printed.splitlines():
        match = SUMMARY.match(line.strip())
        if match:
            row = table.setdefault(match["label"], {})
            row[match["agent"]] = (float(match["first"]), float(match["last"]))
    return table


def test_demo_prints_both_summaries(summary):
    """Demo 3 prints the four agents' numbers for the default wrong map and for the correct map."""
    for label in (DEFAULT, CORRECT):
        assert set(summary.get(label, {})) == {PLANNER, HANDED, OWN, QLEARN}, label


def test_wrong_map_pure_planner_never_improves(summary):
    """'bumps there until the episode is cut off ... its last episodes still take close to 300'."""
    first, last = summary[DEFAULT][PLANNER]
    assert first == 300.0 and last >= 250.0


def test_wrong_map_ranking_of_the_learners(summary):
    """Own model fastest; the handed wrong map about twice as slow; Q-learning far behind both."""
    row = summary[DEFAULT]
    own, handed, qlearn = row[OWN][1], row[HANDED][1], row[QLEARN][1]
    assert own < 25, "'its last episodes are close to the shortest path'"
    assert 1.5 * own < handed < 3 * own, "'its last episodes take about twice as many steps'"
    assert qlearn > 3 * handed, "'It still beats plain Q-learning by far'"


def test_correct_map_planner_is_best_from_the_first_episode(summary):
    """With the correct map the pure planner walks about 16 steps from episode 1 and nothing beats it."""
    row = summary[CORRECT]
    planner_first = row[PLANNER][0]
    assert 14 <= planner_first <= 20
    assert all(planner_first < other[0] for agent, other in row.items() if agent != PLANNER)


def test_correct_map_dyna_needs_about_a_hundred_steps_in_episode_one(summary):
    """The Dyna-Q agent handed the correct map needs about 110-120 steps in episode 1, less than
    half of the agent that learns its own model, and both Dyna-Q agents end near the shortest path."""
    row = summary[CORRECT]
    handed_first, handed_last = row[HANDED]
    assert 95 <= handed_first <= 135, "'it needs about 110-120 real steps'"
    assert handed_first < 0.5 * row[OWN][0], (
        "'less than half of what ... learns its own model needs'"
    )
    assert handed_last < 20 and row[OWN][1] < 25, "'from then on both Dyna-Q agents are close'"
