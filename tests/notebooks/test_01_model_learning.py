"""Notebook 01's claims hold in the numbers the executed solution prints (issue 13)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from mbrl_envs.demos.model_learning import CHECKPOINTS, corridor_demo, corridor_values

pytestmark = pytest.mark.slow  # executes the notebook

NAME = "01_model_learning"


@pytest.fixture(scope="module")
def printed(executed_solution) -> str:
    """Everything the executed solution notebook printed to stdout, in cell order."""
    nb = executed_solution(NAME)
    chunks = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                chunks.append(out["text"] if isinstance(out["text"], str) else "".join(out["text"]))
    return "".join(chunks)


def _propagation(printed: str) -> dict[tuple[float, int], tuple[float, float, float]]:
    rows = re.findall(
        r"propagation gamma=([\d.]+) visits=(\d+): eps=([\d.]+) value_error=([\d.]+) lost=([\d.]+)%",
        printed,
    )
    return {(float(g), int(n)): (float(e), float(v), float(p)) for g, n, e, v, p in rows}


def test_q1_2_answer_is_the_corridor_count():
    """The accepted q1_2 answer (1600) is what the section 1.3 demo's episodes add up to for L = 40."""
    model_free, _ = corridor_values(40)
    assert len(model_free) * 40 == 1600


def test_last_outcome_belief_flips(printed):
    """Section 2.1: the last-outcome model's belief changes at slips (to 0, to 8, back to 1)."""
    beliefs = re.search(r"belief after each visit: \[([\d, ]+)\]", printed)
    flips = re.search(r"belief flips: (\d+) times in (\d+) visits", printed)
    assert beliefs and flips
    seq = [int(x) for x in beliefs.group(1).split(",")]
    assert int(flips.group(1)) == sum(a != b for a, b in zip(seq, seq[1:], strict=False))
    assert int(flips.group(1)) >= 2
    assert {0, 1, 8} <= set(seq) and seq[-1] == 1


def test_count_model_sees_every_successor_by_default(printed):
    """Section 2.4's default figure (50 visits): the count model has seen all three successors."""
    m = re.search(r"after 50 visits: counts (.*?); true successors \[([\d, ]+)\]", printed)
    assert m, "the section 2.4 demo did not print its counts for 50 visits"
    counts = {int(s): int(c) for s, c in re.findall(r"s'=(\d+): (\d+)", m.group(1))}
    successors = [int(x) for x in m.group(2).split(",")]
    assert successors == [0, 1, 8]
    assert all(counts.get(s, 0) > 0 for s in successors)


def test_propagation_values_are_bounded_and_consistent(printed):
    """Section 3.4: value errors stay below 1 (values lie in [0, 1]) and far below the bound."""
    rows = _propagation(printed)
    assert len(rows) == 16
    for (gamma, _), (eps, value_error, _) in rows.items():
        assert value_error <= 1.0
        assert value_error <= 0.1 * gamma * eps / (1 - gamma) ** 2  # "very pessimistic"
    assert round(0.9 / 0.1**2) == 90 and 0.97 / 0.03**2 > 1000  # the factors the text quotes


def test_propagation_few_visits_plan_well(printed):
    """Section 3.4: from about 5 visits (eps ~ 0.5) both discounts lose < 1%; 1-2 visits lose a lot."""
    rows = _propagation(printed)
    for gamma in (0.9, 0.97):
        assert 0.35 <= rows[(gamma, 5)][0] <= 0.65
        for n in (5, 10, 20, 50, 100):
            assert rows[(gamma, n)][2] < 1.0
        assert rows[(gamma, 1)][2] > 50 and rows[(gamma, 2)][2] > 20


def test_longer_horizon_needs_no_more_data_here(printed):
    """Section 3.4: gamma = 0.97 loses no more than gamma = 0.9 once models have 3+ visits."""
    rows = _propagation(printed)
    for n in (3, 5, 10, 20, 50, 100):
        assert rows[(0.97, n)][2] <= rows[(0.9, n)][2] + 0.5


def _demo4(printed: str) -> dict[tuple[str, int], tuple[float, float]]:
    rows = re.findall(r"demo4 (\w+): steps=(\d+) mean_error=([\d.]+) coverage=([\d.]+)", printed)
    return {(name, int(n)): (float(e), float(c)) for name, n, e, c in rows}


def test_demo4_uniform_error_falls_like_one_over_sqrt_steps(printed):
    """Section 3.3: once most pairs are covered, the uniform explorer's error ~ 1/sqrt(steps)."""
    rows = _demo4(printed)
    (e1, c1), (e2, _) = rows[("uniform", 1000)], rows[("uniform", 3000)]
    assert c1 > 0.8
    ratio, predicted = e1 / e2, (3000 / 1000) ** 0.5
    assert 0.75 * predicted <= ratio <= 1.35 * predicted


def test_demo4_narrow_explorer_covers_less_and_errs_more(printed):
    """Section 3.3: the narrow explorer's coverage grows slowly and its error stays higher."""
    rows = _demo4(printed)
    for steps in (300, 1000, 3000):
        assert rows[("narrow", steps)][1] < rows[("uniform", steps)][1]
    for steps in (1000, 3000):
        assert rows[("narrow", steps)][0] > 1.2 * rows[("uniform", steps)][0]


def _master_text() -> str:
    """All cells of notebook 01's master, joined."""
    from conftest import REPO

    nb = json.loads((REPO / "solutions" / NAME / f"{NAME}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def test_corridor_figure_shows_where_value_arrived_as_the_text_says():
    """Section 1.3: the panels show zero vs non-zero Q (two colours), which the text now says,
    not 'darker = larger'."""
    import matplotlib

    matplotlib.use("Agg")
    fig = corridor_demo(12)
    for ax in fig.axes:
        for image in ax.images:
            assert set(np.unique(np.asarray(image.get_array()))) <= {0, 1}
    text = _master_text()
    assert "darker = larger" not in text
    assert "non-zero $Q(s, \\text{RIGHT})$ (coloured) and which are still at zero (white)" in text


def test_demo4_default_moment_is_shown_as_itself(printed):
    """Demo 4's slider default (1000 steps) is a saved moment, so the figure says 'after 1000
    steps' (it said 857), and the printed numbers are for 300, 1000 and 3000 steps."""
    default = int(re.search(r'defaults=\{"steps": (\d+)\}', _master_text())[1])
    assert default == 1000 and default in CHECKPOINTS
    assert {n for _, n in _demo4(printed)} == {300, 1000, 3000}
