"""`make run` (`mbrl-course run --quick`): a representative handful of samples per notebook."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from test_samples import make_repo  # the tiny fixture repository of the samples tests

from mbrl_course.cli import main as cli_main
from mbrl_course.corpus import samples
from mbrl_course.grading import batch

REPO = Path(__file__).resolve().parents[3]
COMMITTED = samples.load(REPO / "samples")


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_quick_selection_has_one_sample_of_each_kind(name: str) -> None:
    """Per notebook: one correct, one buggy, one malformed, one hostile sample, nothing that
    hangs (the endless loop and the bug_hang_* variants cost their time budgets)."""
    full = COMMITTED[name]
    picked = samples.quick_selection({name: full})[name]
    files = sorted(picked.expected)
    assert len(files) == 4, files
    correct = [f for f in files if f.startswith("correct_")]
    buggy = [f for f in files if f.startswith("bug_")]
    hostile = [f for f in files if f.startswith("attack_") or f == "os_exit.ipynb"]
    assert len(correct) == len(buggy) == len(hostile) == 1 and "invalid_json.ipynb" in files
    assert picked.expected["invalid_json.ipynb"]["status"] == "invalid"
    assert picked.expected[correct[0]]["fails"] == [] and picked.expected[buggy[0]]["fails"]
    assert "infinite_loop.ipynb" not in files
    assert all(picked.expected[f]["status"] != "timeout" for f in files)  # no hang variant
    assert all(picked.expected[f] == full.expected[f] for f in files)
    if any(f.startswith("attack_") for f in full.expected):
        assert hostile[0].startswith("attack_")


def test_run_quick_grades_only_the_handful(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --quick` grades the handful, says so, and writes a gradebook of just those rows."""
    root = make_repo(tmp_path)
    script = tmp_path / "runner.py"
    # a stand-in runner (everything 'graded', no tests): only the selection is checked here
    script.write_text(
        "import json, sys\nout = sys.argv[sys.argv.index('--json') + 1]\n"
        "json.dump({'status': 'graded', 'reason': '', 'outcomes': []}, open(out, 'w'))\n"
    )
    monkeypatch.setattr(batch, "DEFAULT_RUNNER_CMD", [sys.executable, str(script)])
    cli_main(["run", "--root", str(root), "--no-build", "--no-progress", "--jobs", "2", "--quick"])
    out = capsys.readouterr().out
    total = len(samples.load(root / "samples")["00_fixture"].expected)
    assert f"samples: 4 of {total} submissions" in out and "--quick" in out
    with (root / "build" / "grades" / "grades.csv").open() as fh:
        ids = sorted(row["submission"] for row in csv.DictReader(fh))
    assert ids == [
        "00_fixture/bug_minus.ipynb",
        "00_fixture/correct_plain.ipynb",
        "00_fixture/invalid_json.ipynb",
        "00_fixture/os_exit.ipynb",
    ]
