"""The whole cheating corpus, graded as one batch by `mbrl-course grade`, the instructor's command.

Issue 5's proof: every attack in ``fixtures/toy/notebooks`` earns exactly its honest score when
graded the way an instructor grades (the batch CLI, two jobs, per-cell and per-submission limits),
no hidden test code or marker string reaches the gradebook or the feedback, and the batch
completes with exit status 0 whatever the submissions did.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import zipfile
from pathlib import Path

import pytest

import mbrl_ref
from mbrl_course.cli import main as cli_main
from mbrl_grader.sandbox.isolation import find_repo_root

FIX = Path(__file__).parents[1] / "course" / "fixtures" / "toy"
EXPECTED: dict[str, float] = json.loads((FIX / "notebooks" / "expected.json").read_text())
MARKER = "MARKER-HIDDEN-TESTS-7f3a"


class _Payload:
    """Unpickling this creates a directory: proof that the grader loaded a submitted pickle."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (os.mkdir, (str(self.target),))


@pytest.mark.slow
def test_attack_corpus_graded_by_the_batch_command(tmp_path: Path) -> None:
    """`mbrl-course grade` gives every attack its honest score and leaks no hidden test code."""
    ag_root = tmp_path / "autograders"
    shutil.copytree(FIX / "autograder", ag_root / "toy")
    subs = tmp_path / "submissions"
    subs.mkdir()
    pkg = Path(mbrl_ref.__file__).resolve().parent
    repo = find_repo_root(pkg.parent) or pkg
    for name in EXPECTED:
        text = (FIX / "notebooks" / f"{name}.ipynb").read_text()
        for key, value in {
            "@@AUTOGRADER@@": ag_root / "toy",
            "@@REPO@@": repo,
            "@@PKG@@": pkg,
            "@@SUBMISSIONS@@": subs,
        }.items():
            text = text.replace(key, str(value))
        (subs / f"{name}.ipynb").write_text(text)
    # an otter export zip whose .OTTER_LOG and results pickle would run code if unpickled
    with zipfile.ZipFile(subs / "attack_otter_log_zip.zip", "w") as zf:
        zf.writestr("solution.ipynb", (subs / "solution.ipynb").read_text())
        zf.writestr(".OTTER_LOG", pickle.dumps(_Payload(tmp_path / "pwned")))
        zf.writestr("results.pkl", pickle.dumps(_Payload(tmp_path / "pwned2")))
    expected = {**EXPECTED, "attack_otter_log_zip": EXPECTED["solution"]}
    before = {p.name: p.read_bytes() for p in subs.iterdir()}

    out = tmp_path / "grades"
    rc = cli_main(
        [
            "grade",
            str(subs),
            "--assignment",
            "toy",
            "--autograders",
            str(ag_root),
            "--out",
            str(out),
            "--db",
            str(tmp_path / "gradebook.sqlite"),
            "--jobs",
            "2",
            "--timeout",
            "120",
            "--cell-timeout",
            "2",
            "--memory-mb",
            "1024",
            "--no-progress",
        ]
    )
    assert rc == 0, "the batch must complete with exit status 0"

    book = json.loads((out / "grades.json").read_text())
    totals = {Path(row["submission"]).stem: row["total"] for row in book["submissions"]}
    assert set(totals) == set(expected), "every submission gets exactly one gradebook row"
    wrong = {
        n: (totals[n], expected[n]) for n in expected if totals[n] != pytest.approx(expected[n])
    }
    assert not wrong, f"(earned, honest) scores differ: {wrong}"
    statuses = {Path(r["submission"]).stem: r["status"] for r in book["submissions"]}
    assert all(s in {"graded", "timeout"} for s in statuses.values()), statuses

    published = (out / "grades.csv").read_text() + (out / "grades.json").read_text()
    published += "".join(p.read_text() for p in (out / "feedback").glob("*.md"))
    assert MARKER not in published, "hidden test content reached the gradebook or feedback"
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists(), (
        "a pickle from a submission was loaded"
    )
    assert {p.name: p.read_bytes() for p in subs.iterdir()} == before, "inputs must not change"
