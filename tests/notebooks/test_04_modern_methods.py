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


def _master(name: str) -> str:
    """All cells of a master notebook, joined."""
    from conftest import REPO

    nb = json.loads((REPO / "solutions" / name / f"{name}.ipynb").read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"])


def test_uncertainty_colours_are_as_described():
    """§1.1: 'rarely visited cells stay dark red (uncertain) and fade to pale yellow': the colour
    map draws high disagreement darker than low disagreement."""
    import matplotlib

    matplotlib.use("Agg")
    from mbrl_envs.demos import modern as demo
    from mbrl_ref.modern.ensemble import bootstrap_counts, ensemble_disagreement

    fig = demo.show_uncertainty(bootstrap_counts, ensemble_disagreement, 50)
    image = fig.axes[0].images[0]
    low, high = image.cmap(image.norm(0.0)), image.cmap(image.norm(1.0))

    def luminance(rgba):
        return 0.2126 * rgba[0] + 0.7152 * rgba[1] + 0.0722 * rgba[2]

    assert luminance(high) < 0.5 * luminance(low)
    assert "stay dark red (uncertain) and fade to pale yellow" in _master(NAME)


def test_never_visited_pairs_are_plotted_at_the_top(executed_solution):
    """'the never-visited pairs, drawn as red crosses at the left edge, sit at the top': they are
    plotted, and the lowest of them is above 90% of the visited pairs."""
    text = printed_text(executed_solution(NAME))
    m = re.search(
        r"visited pairs: \d+, median u ([\d.]+), 90th percentile ([\d.]+); never-visited pairs: "
        r"(\d+), lowest u ([\d.]+)",
        text,
    )
    assert m, "the scatter's summary line was not printed"
    assert int(m[3]) >= 1 and float(m[4]) > float(m[2])


CROSS_REF = re.compile(r"notebook (\d),\s+(section|Part) (\d+(?:\.\d+)?)")


def test_cross_references_point_at_the_right_place():
    """Every 'notebook N, section X' / 'Part X' in the masters names a heading of notebook N; the
    two fixed ones point at TV (notebook 1, section 3.1) and compounding errors (notebook 3, Part 4)."""
    from conftest import REPO

    names = {p.name[:2]: p.name for p in (REPO / "solutions").iterdir() if p.is_dir()}
    headings = {
        k: re.findall(r"^#{2,3} (\d+(?:\.\d+)?)\.? (.*)$", _master(n), re.M)
        for k, n in names.items()
    }
    found = []
    for name in names.values():
        for nb, _kind, number in CROSS_REF.findall(_master(name)):
            titles = dict(headings[f"0{nb}"])
            assert number in titles, f"{name}: notebook {nb} has no section/Part {number}"
            found.append((nb, number, titles[number]))
    assert ("1", "3.1", "Measuring model error") in found
    assert ("3", "4", "Model errors compound") in found
    assert "notebook 3, section 3" not in _master(NAME)
    assert "total variation" in _master("01_model_learning").split("### 3.1")[1][:1500]


def test_bonus_plans_do_what_section_1_2_says(executed_solution):
    """§1.2: 'the pessimistic plan follows the logged route to G. The mean model's plan does not
    ... The optimistic plan heads for the unexplored cells': it crosses more disagreement."""
    text = printed_text(executed_solution(NAME))
    rows = {
        m[1]: (m[2], float(m[3]))
        for m in re.finditer(
            r"bonus plan beta=[+-][\d.]+ \((\w[\w ]*)\): (reaches G|does not reach G); mean "
            r"disagreement along the plan ([\d.]+)",
            text,
        )
    }
    assert set(rows) == {"pessimistic", "mean model", "optimistic"}, rows
    assert rows["pessimistic"][0] == "reaches G" and rows["mean model"][0] == "does not reach G"
    assert rows["optimistic"][1] > rows["pessimistic"][1]
