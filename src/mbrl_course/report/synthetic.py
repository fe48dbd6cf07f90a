"""A synthetic class of any size from the sample corpus: for the report's tests and benchmark.

Why: the report must be judged on a class-sized gradebook (300 submissions) in seconds, without
grading 300 notebooks. Each synthetic student copies one sample of ``samples/NN/expected.json``
(its status and the tests it fails, against the real test list and points of
``autograder/NN/tests``), gets written answers from :mod:`mbrl_course.review.synthetic` and, for
about two thirds of them, rubric scores. Failure messages name the sample's mistake, so the
most frequent messages are meaningful; one of them is hostile HTML (it must stay text).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np

from mbrl_grader.results import Status, SubmissionResult, TestOutcome

from ..gradebook.db import GradebookDB
from ..review.synthetic import ANSWERS
from ..validate.leaks import parse_test_file
from ..written.rubrics import load_rubrics

HOSTILE_EVERY = 7
"""Submissions 8, 58, 108, ... copy a buggy sample and fail with :data:`HOSTILE_MESSAGE`."""
HOSTILE_MESSAGE = "expected <script>window.pwned = 1</script> & <b>bold</b> to be inert"


def _points(node: ast.FunctionDef) -> float:
    for deco in node.decorator_list:
        if isinstance(deco, ast.Call):
            for kw in deco.keywords:
                if kw.arg == "points" and isinstance(kw.value, ast.Constant):
                    return float(kw.value.value)
    return 1.0


def test_table(autograder_dir: Path) -> list[tuple[str, str, bool, float]]:
    """``(question, test function, hidden, points)`` of every test case, in file order."""
    table = []
    for path in sorted((autograder_dir / "tests").glob("*.py")):
        for case in parse_test_file(path):
            table.append((path.stem, case.name, case.hidden, _points(case.node)))
    return table


def _result(entry: dict, variant: str, tests: list, k: int) -> SubmissionResult:
    status = Status(entry.get("status", "graded"))
    if status is Status.INVALID:
        return SubmissionResult(status, f"{variant}: not a notebook of this assignment")
    fails = set(entry.get("fails", []))
    everything = bool(entry.get("earns_nothing"))
    outcomes = []
    for question, test, hidden, points in tests:
        failed = everything or f"{question}:{test}" in fails
        if status is Status.TIMEOUT:  # its listed tests (every one, when it earns nothing) hung
            message = "this test ran out of its time budget (an infinite loop, or much too slow)"
        elif entry.get("earns_nothing"):
            message = "the function still raises NotImplementedError"
        else:
            message = f"{test.removeprefix('test_').replace('_', ' ')}: wrong ({variant})"
            if k % 50 == HOSTILE_EVERY:
                message = HOSTILE_MESSAGE
        outcomes.append(
            TestOutcome(
                question,
                f"{question} - {test}",
                hidden,
                0.0 if failed else points,
                points,
                not failed,
                message if failed else "",
                test,
            )  # fmt: skip
        )
    reason = "wall-clock limit reached" if status is Status.TIMEOUT else ""
    return SubmissionResult(status, reason, outcomes, duration_s=5.0)


def populate_class(
    db: GradebookDB,
    n: int,
    *,
    root: Path,
    assignment: str = "02_dyna",
    rng: np.random.Generator,
) -> list[str]:
    """Store `n` synthetic submissions of `assignment` (course folder `root`); return their ids."""
    expected = json.loads((root / "samples" / assignment / "expected.json").read_text("utf-8"))
    samples = sorted(expected["samples"].items())
    autograder = root / "autograder" / assignment
    buggy = [(v, e) for v, e in samples if e.get("fails")]
    tests = test_table(autograder)
    rubrics = load_rubrics(autograder)
    auto: dict[str, float] = {}
    for question, _, _, points in tests:
        auto[question] = auto.get(question, 0.0) + points
    db.set_questions(assignment, auto, {q: r.points for q, r in rubrics.items()})
    ids = []
    for k in range(n):
        pool = buggy[:1] if k % 50 == HOSTILE_EVERY else samples  # hostile: one buggy sample
        variant, entry = pool[int(rng.integers(len(pool)))]
        sid = f"student{k + 1:04d}_{variant}"
        written = {q: ANSWERS[(k + j) % len(ANSWERS)] for j, q in enumerate(rubrics)}
        db.record_result(
            sid,
            assignment,
            content_sha256=f"synthetic{k}",
            autograder_digest="synthetic",
            result=_result(entry, variant, tests, k),
            written=written,
        )
        for q, rubric in rubrics.items():
            if rng.random() < 2 / 3:
                items = [i.id for i in rubric.items if rng.random() < 0.6]
                points = sum(i.points for i in rubric.items if i.id in items)
                db.set_manual_score(sid, assignment, q, items=items, points=points,
                                    comment="" if points else "Nothing on the model's errors.",
                                    grader="synthetic", expected_version=0)  # fmt: skip
        ids.append(sid)
    return ids
