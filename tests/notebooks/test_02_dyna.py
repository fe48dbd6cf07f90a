"""Notebook 02 (Dyna-Q): the claims in its text hold for the numbers the solution prints, and its
demos report a stuck agent as what it is."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mbrl_envs import GridWorld
from mbrl_envs.demos import dyna as demos
from mbrl_envs.widgets import run_when_ready

pytestmark = pytest.mark.slow  # executes the notebook

NAME = "02_dyna"


def printed_lines(nb) -> list[str]:
    """Every line the executed notebook printed (stream outputs of all code cells)."""
    lines: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                lines += str(out.get("text", "")).splitlines()
    return lines


@pytest.fixture(scope="module")
def lines(executed_solution) -> list[str]:
    """The printed lines of the executed 02 solution."""
    return printed_lines(executed_solution(NAME))


DEMO1 = re.compile(
    r"^Demo 1 \| (?P<label>.+?): (?P<episodes>[\d.]+) episodes in (?P<budget>\d+) real steps "
    r"\(runs: \[(?P<runs>[\d, ]+)\]\); first episode of at most 30 steps after [\d.inf]+ real "
    r"steps \(runs: (?P<learn>[\d., inf]+)\)$"
)
COST = re.compile(
    r"^cost \| n = +(?P<n>\d+): +(?P<real>\d+) real steps +(?P<updates>\d+) Q-updates$"
)
TABLE = re.compile(
    r"^ ?(?P<n>\d+) +(?P<ep2>[\d.]+) +(?P<ep3>[\d.]+) +(?P<ep5>[\d.]+) +(?P<ep10>[\d.]+) +\|"
)


def demo1_rows(lines: list[str]) -> dict[str, dict]:
    """Demo 1's printed summary per agent: episodes per run and real steps until learned."""
    rows = {}
    for line in lines:
        m = DEMO1.match(line.strip())
        if m:
            rows["dyna" if m["label"].startswith("Dyna") else "q"] = {
                "budget": int(m["budget"]),
                "episodes": [int(x) for x in m["runs"].split(",")],
                "to_learn": [float(x) for x in m["learn"].split(",")],
            }
    return rows


def test_demo1_both_agents_learn_within_the_budget(lines):
    """Demo 1's budget lets Q-learning learn too (its curve is not flat): every run learns."""
    rows = demo1_rows(lines)
    assert set(rows) == {"q", "dyna"}, f"Demo 1 summary lines not found in {lines[:20]}"
    for key in ("q", "dyna"):
        assert all(t < rows[key]["budget"] for t in rows[key]["to_learn"]), rows[key]
        assert min(rows[key]["episodes"]) >= 20, rows[key]


def test_demo1_claims_about_the_gap(lines):
    """'Dyna-Q learns after well under a thousand real steps, Q-learning after several thousand,
    and Dyna-Q completes about twice as many episodes' (What to notice, Demo 1)."""
    rows = demo1_rows(lines)
    dyna, q = rows["dyna"], rows["q"]
    assert np.mean(dyna["to_learn"]) < 1000 and max(dyna["to_learn"]) < 1000, dyna
    assert min(q["to_learn"]) >= 2000, q
    ratio = np.mean(dyna["episodes"]) / np.mean(q["episodes"])
    assert 1.6 <= ratio <= 2.6, ratio


def cost_rows(lines: list[str]) -> dict[int, tuple[int, int]]:
    """Exercise 2's printed cost lines: n -> (real steps, Q-updates)."""
    rows = {}
    for line in lines:
        m = COST.match(line.strip())
        if m:
            rows[int(m["n"])] = (int(m["real"]), int(m["updates"]))
    return rows


def test_exercise2_cost_explanation(lines):
    """'n = 1 needs less than half of Q-learning's real steps, so its 2x cost is smaller; for
    larger n real steps stop shrinking while the compute cost rises again' (Exercise 2)."""
    rows = cost_rows(lines)
    assert sorted(rows) == [0, 1, 5, 20, 50], rows
    for n, (real, updates) in rows.items():
        assert abs(updates - (n + 1) * real) <= n + 1, (n, real, updates)
    assert rows[1][0] < rows[0][0] / 2 and rows[1][1] < rows[0][1]
    ns = [1, 5, 20, 50]
    assert all(rows[a][1] < rows[b][1] for a, b in zip(ns[:-1], ns[1:], strict=True))
    assert all(rows[a][0] >= rows[b][0] for a, b in zip(ns[:-1], ns[1:], strict=True))
    assert rows[20][0] - rows[50][0] < rows[0][0] - rows[1][0]


def test_summary_claim_planning_learns_in_a_couple_of_episodes(lines):
    """'n = 50 learns in a couple of episodes what Q-learning needs dozens for' (Summary)."""
    table = {}
    for line in lines:
        m = TABLE.match(line)
        if m and "book" not in line:
            table[int(m["n"])] = {k: float(m[k]) for k in ("ep2", "ep3", "ep5", "ep10")}
    assert {0, 50} <= set(table), table
    assert table[50]["ep3"] < 30 and table[0]["ep10"] > 100, table


class _StuckDynaQ:
    """A DynaQ look-alike that always walks UP (into the wall from S)."""

    def __init__(self, n_states, n_actions, **kwargs):
        self.Q = np.zeros((n_states, n_actions))
        self.planning_steps = kwargs.get("planning_steps", 0)

    def select_action(self, state):
        return 0

    def update(self, s, a, r, s_prime, done):
        pass


def _run_episodes(agent, env, n_episodes, max_steps=10_000):
    lengths = []
    for _ in range(n_episodes):
        s, _ = env.reset()
        steps = 0
        while steps < max_steps:
            s2, r, terminated, truncated, _ = env.step(agent.select_action(s))
            agent.update(s, 0, r, s2, terminated)
            steps, s = steps + 1, s2
            if terminated or truncated:
                break
        lengths.append(steps)
    return np.array(lengths)


def test_stuck_agent_is_reported_as_stuck_not_as_unfinished(capsys):
    """A demo whose agent never reaches the goal says so (it used to say 'Not ready yet')."""
    result = run_when_ready(demos.first_look, _StuckDynaQ, _run_episodes, episodes=1)
    out = capsys.readouterr().out
    assert result is None
    assert "did not reach the goal within the step cap" in out, out
    assert "Not ready yet" not in out, out


def test_play_raises_agent_stuck_which_is_not_not_implemented():
    """play() raises AgentStuck (a RuntimeError), so 'not written yet' handlers do not catch it."""
    with pytest.raises(demos.AgentStuck, match="episode 1 ended after 50 real steps"):
        demos.play(_run_episodes, _StuckDynaQ(8, 4), GridWorld(), 1, 50)
    assert not issubclass(demos.AgentStuck, NotImplementedError)


def test_unwritten_code_still_reads_not_ready():
    """Code that is not written yet (NotImplementedError) still prints the friendly message."""

    def unwritten(*args, **kwargs):
        raise NotImplementedError("run_episodes (question q1_3)")

    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert run_when_ready(demos.first_look, _StuckDynaQ, unwritten) is None
    assert "Not ready yet" in buf.getvalue()


def test_first_look_prints_the_episode_lengths_once(executed_solution):
    """The first-look cell shows its episode lengths once (it printed them and returned them)."""
    nb = executed_solution(NAME)
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "demos.first_look" in c.source]
    shown = "".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs
    )
    assert shown.count("real steps per episode") == 1, shown
    assert not [o for o in cell.outputs if o.get("output_type") == "execute_result"], shown


def test_cells_after_a_failed_maze_experiment_say_not_ready(capsys):
    """A maze experiment that stopped leaves maze_results None; the later cells say 'Not ready'
    (they raised NameError or printed nothing before)."""

    def broken_run_episodes(agent, env, n_episodes, max_steps=10_000):
        raise IndexError("index 54 is out of bounds for axis 0 with size 54")

    maze_results = run_when_ready(
        demos.maze_experiment, _StuckDynaQ, broken_run_episodes, [0, 5], 1, 2
    )
    first = capsys.readouterr().out
    assert maze_results is None
    assert first.startswith("Demo stopped: your test_cells_after_a_failed_maze_experiment_say")
    assert "raised IndexError: index 54 is out of bounds" in first and first.count("\n") == 1
    for show in (demos.show_exercise_1, demos.show_exercise_2):
        assert run_when_ready(show, maze_results) is None
        assert "Not ready yet: finish the maze experiment" in capsys.readouterr().out
