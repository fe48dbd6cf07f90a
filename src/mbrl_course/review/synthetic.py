"""A synthetic gradebook of written answers: for the review benchmark and the review tests.

Why: the page must be judged on many submissions and on hostile ones without grading real
notebooks. The answers cycle through ordinary Markdown with LaTeX, an empty answer, a missing
and a malformed answer cell, and an answer that tries to inject ``<script>``.
"""

from __future__ import annotations

from collections.abc import Mapping

from mbrl_grader.results import Status, SubmissionResult, TestOutcome

from ..gradebook.db import GradebookDB
from ..written.rubrics import Rubric, RubricItem

ASSIGNMENT = "99_synthetic"
SCRIPT_ANSWER = (
    'Planning helps. <script>document.title = "pwned"; window.pwned = 1;</script>'
    '<img src=x onerror="window.pwned = 2">'
)
ANSWERS: tuple[tuple[str, str], ...] = (
    (
        "ok",
        "Each real step is replayed $n$ times, so the value spreads with error "
        "$\\propto 1/\\sqrt{N(s,a)}$.\n\n* first point\n* **second** point",
    ),  # fmt: skip
    ("empty", ""),
    ("ok", SCRIPT_ANSWER),
    ("missing", ""),
    ("malformed", "Recovered text of a damaged answer."),
    ("ok", "A short answer: $$\\hat P(s' \\mid s, a) = \\frac{N(s,a,s')}{N(s,a)}$$"),
)


def synthetic_rubrics() -> dict[str, Rubric]:
    """Two written questions with rubrics (points 2 and 3)."""
    return {
        "q1_1": Rubric(
            question="q1_1",
            points=2.0,
            prompt_md="**Question 1.1.** Why does planning with $n$ steps help?",
            items=(
                RubricItem("1", "Replays each real transition $n$ times", 1.0),
                RubricItem("2", "Refers to *Demo 2*", 0.5),
                RubricItem("3", "Names the cost of a wrong model", 0.5),
            ),
            notes="Half points for partial answers.",
        ),
        "q2_1": Rubric(
            question="q2_1",
            points=3.0,
            prompt_md="**Question 2.1.** Count-based versus last-outcome models.",
            items=(
                RubricItem("1", "Counts converge", 1.0),
                RubricItem("2", "Last outcome does not", 1.0),
                RubricItem("3", "Trade-off in changing worlds", 1.0),
            ),
        ),
    }


def populate(
    db: GradebookDB,
    n: int,
    *,
    assignment: str = ASSIGNMENT,
    rubrics: Mapping[str, Rubric] | None = None,
) -> list[str]:
    """Store `n` synthetic submissions with written answers; return their ids in order."""
    rubrics = rubrics or synthetic_rubrics()
    db.set_questions(assignment, {"q0_1": 1.0}, {q: r.points for q, r in rubrics.items()})
    ids = []
    for k in range(n):
        sid = f"student{k + 1:04d}.ipynb"
        result = SubmissionResult(
            status=Status.GRADED,
            reason="",
            outcomes=[TestOutcome("q0_1", "q0_1 - 1", False, 1.0, 1.0, True, "", "test_q0")],
        )
        written = {
            q: ANSWERS[(k + j) % len(ANSWERS)] for j, q in enumerate(rubrics)
        }  # each question sees every kind of answer
        db.record_result(
            sid,
            assignment,
            content_sha256=f"sha{k}",
            autograder_digest="synthetic",
            result=result,
            written=written,
        )
        ids.append(sid)
    return ids
