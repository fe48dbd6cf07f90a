"""Notebook 04: what its text claims is what its solution prints, and every question can be answered."""

from __future__ import annotations

import json
import math
import re

import pytest
from conftest import printed_text

NAME = "04_modern_methods"
SHORTEST_PATH = 14  # S to G in the Dyna maze
ROW = re.compile(
    r"^(?P<label>MPC H=\d+(?: \+ value)?|Dyna-Q planning)\s+(?P<mean>[\d.]+) \+-\s+(?P<se>[\d.]+)"
    r"\s+(?P<reached>\d+)%\s+(?P<per_step>\d+)\s+(?P<total>\d+)\s*$",
    re.M,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mpc_table(executed_solution) -> dict[str, dict[str, float]]:
    """The rows of section 2.1's MPC table, by agent label."""
    text = printed_text(executed_solution(NAME))
    rows = {
        m["label"]: {k: float(m[k]) for k in ("mean", "se", "reached", "per_step", "total")}
        for m in ROW.finditer(text)
    }
    assert {"MPC H=5", "MPC H=20", "MPC H=40", "MPC H=3 + value", "Dyna-Q planning"} <= set(rows), (
        f"the MPC table was not printed as expected; found rows {sorted(rows)}"
    )
    return rows


def test_short_horizon_mpc_is_myopic(mpc_table):
    """'A random sequence of 5 moves almost never gets there': H = 5 rarely reaches G in 100 steps."""
    h5 = mpc_table["MPC H=5"]
    assert h5["reached"] <= 30 and h5["mean"] > 5 * SHORTEST_PATH


def test_longer_horizon_helps_significantly(mpc_table):
    """'A longer horizon helps': H = 20 and H = 40 are faster than H = 5 by more than 2 standard errors."""
    h5 = mpc_table["MPC H=5"]
    for label in ("MPC H=20", "MPC H=40"):
        row = mpc_table[label]
        gap = h5["mean"] - row["mean"]
        assert gap > 2 * math.hypot(h5["se"], row["se"]), (label, row, h5)
        assert row["reached"] > h5["reached"], (label, row, h5)


def test_longer_horizon_does_not_fix_it(mpc_table):
    """'... but does not fix this': several times the shortest path, and some runs miss the cap."""
    for label in ("MPC H=20", "MPC H=40"):
        row = mpc_table[label]
        assert row["mean"] - 2 * row["se"] > 2.5 * SHORTEST_PATH, (label, row)
        assert row["reached"] < 100, (label, row)


def test_longer_horizon_costs_four_to_eight_times_more(mpc_table):
    """'Each real step now costs 4 to 8 times as many model calls' (H = 20 and H = 40 vs H = 5)."""
    base = mpc_table["MPC H=5"]["per_step"]
    assert mpc_table["MPC H=20"]["per_step"] == 4 * base
    assert mpc_table["MPC H=40"]["per_step"] == 8 * base


def test_value_at_the_horizon_fixes_it(mpc_table):
    """A short search plus a learned value reaches G every time, near the shortest path, far faster."""
    value = mpc_table["MPC H=3 + value"]
    assert value["reached"] == 100
    assert value["mean"] < 2 * SHORTEST_PATH
    best_plain = min(mpc_table[k]["mean"] for k in ("MPC H=5", "MPC H=20", "MPC H=40"))
    assert value["mean"] < best_plain / 2
    assert value["per_step"] < mpc_table["MPC H=5"]["per_step"]


def _cells(nb: dict) -> list[tuple[str, str, dict]]:
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {})) for c in nb["cells"]]


def test_q5_3_has_an_editable_answer_cell(real_layout):
    """The written question q5_3 is followed by an answer cell the student can edit (issue 12)."""
    nb = json.loads((real_layout.assignments / NAME / f"{NAME}.ipynb").read_text())
    cells = _cells(nb)
    i = next(
        i for i, (_, src, _) in enumerate(cells) if "**Question 5.3 (written, 2 points).**" in src
    )
    kind, src, meta = cells[i + 1]
    assert kind == "markdown" and "otter_answer_cell" in meta.get("tags", [])
    assert meta.get("editable", True) is not False
    assert "_Type your answer here" not in cells[i][1]


def test_every_manual_question_has_a_rubric_adding_up(real_layout):
    """Each manual question of the master carries a rubric whose items add up to its points."""
    master = json.loads((real_layout.root / "solutions" / NAME / f"{NAME}.ipynb").read_text())
    cells = _cells(master)
    starts = [
        i for i, (k, s, _) in enumerate(cells) if k == "raw" and s.startswith("# BEGIN QUESTION")
    ]
    manual = 0
    for i in starts:
        header = cells[i][1]
        if "manual: true" not in header:
            continue
        manual += 1
        points = float(re.search(r"points:\s*([\d.]+)", header)[1])
        end = next(j for j in range(i, len(cells)) if cells[j][1].strip() == "# END QUESTION")
        body = "\n".join(s for _, s, _ in cells[i:end])
        m = re.search(
            r"\*\*Rubric\*\* \(([\d.]+) points?\):\n((?:\s*- \([\d.]+ pts?\).*\n?(?:  .*\n?)*)+)",
            body,
        )
        assert m, f"no '**Rubric** (N points):' list in {header.splitlines()[1]}"
        items = [float(x) for x in re.findall(r"^- \(([\d.]+) pts?\)", m[2], re.M)]
        assert float(m[1]) == points == pytest.approx(sum(items)), (header, items)
    assert manual >= 1
