"""Per-submission feedback in Markdown: score, what passed and failed, the tests' messages.

Feedback is meant to be handed to students, so it must teach and never reveal hidden test code.
Each test is listed by its purpose (the first sentence of its docstring, read from the
autograder by :mod:`.assignment_info`; the test's name when it has none), with its outcome and
points; a failed test's message follows (written in student words, see docs/design.md rule 7).
A message may still carry a traceback or a line of a test's source: :class:`CodeScrubber`
removes such lines (traceback frames, and any line identical to a code line of the autograder's
test files). Hidden tests follow the assignment's ``mbrl: hidden_visibility``: with ``hidden``
only a per-question count of hidden tests passed and their points is shown; with
``after_due_date`` or ``after_published`` (the feedback is handed out after grading) they are
listed like public tests, scrubbed message included. Written answers list every rubric item by
its text and points, marked earned or not, then the grader's comment.
"""

from __future__ import annotations

import re
from pathlib import Path

from mbrl_grader.results import Status, TestOutcome
from mbrl_grader.scrub import CodeScrubber

from ..written.rubrics import Rubric
from .assignment_info import AssignmentInfo
from .db import ANSWER_CHANGED
from .rows import GradeRecord, natural_key, points_str


def _fence(text: str) -> str:
    """`text` in a fenced block that its own backticks cannot close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _test_line(t: TestOutcome, purpose: str) -> str:
    """One Markdown bullet for a test outcome: outcome, what the test checks, kind and points."""
    mark = "passed" if t.passed else "FAILED"
    kind = "hidden test" if t.hidden else "public test"
    pts = f"{points_str(t.points if t.passed else 0)}/{points_str(t.max_points)}"
    what = purpose or f"`{t.name}`"
    return f"- **{mark}** {what} ({kind}, {pts} points)"


def _hidden_summary(tests: list[TestOutcome]) -> str:
    """One bullet counting a question's hidden tests when their details are not shown."""
    passed = sum(t.passed for t in tests)
    got = points_str(sum(t.points for t in tests if t.passed))
    out_of = points_str(sum(t.max_points for t in tests))
    return (
        f"- Hidden tests: **{passed} of {len(tests)} passed** ({got}/{out_of} points); "
        "what they check is not shown for this assignment."
    )


def render(
    record: GradeRecord, scrub: CodeScrubber | None = None, info: AssignmentInfo | None = None
) -> str:
    """The Markdown feedback for one submission (`info`: its assignment's test purposes,
    rubrics and hidden-test visibility; the defaults when None)."""
    scrub = scrub or CodeScrubber()
    info = info or AssignmentInfo.load(None)
    out = [
        f"# Feedback: {record.id}",
        "",
        f"- Assignment: {record.assignment or 'unknown'}",
        f"- Status: **{record.status}**",
        f"- Auto-graded: **{points_str(record.auto_total)} / {points_str(record.auto_possible)}**"
        " points",
    ]
    if record.manual_max:
        graded = len(record.manual)
        out.append(
            f"- Written answers: **{points_str(record.manual_total)} / "
            f"{points_str(record.manual_possible)}** points ({graded} of "
            f"{len(record.manual_max)} graded so far)"
        )
        out.append(
            f"- Total: **{points_str(record.total)} / {points_str(record.possible)}** points"
        )
    if record.reason:
        out.append(f"- Note: {scrub(record.reason)}")
    if record.status != Status.GRADED:
        out += [
            "",
            {
                "invalid": "Your submission could not be graded as handed in (see the note above).",
                "timeout": "Some of your code was stopped by a time limit (an infinite loop, or "
                "much too slow; the note above says where). Everything that ran is graded.",
                "error": "Grading failed for a reason outside your code's tests; ask your instructor.",
            }.get(record.status, ""),
        ]
    if record.tests or record.possible_per_question:
        out += ["", "## Questions", "", "| question | points | out of |", "|---|---:|---:|"]
        earned = record.questions
        for q, m in record.possible_per_question.items():
            out.append(f"| {q} | {points_str(earned.get(q, 0.0))} | {points_str(m)} |")
    if record.tests:
        by_q: dict[str, list[TestOutcome]] = {}
        for t in record.tests:
            by_q.setdefault(t.question, []).append(t)
        out += ["", "## Tests"]
        for q in sorted(by_q, key=natural_key):
            out += ["", f"### {q}", ""]
            shown = [t for t in by_q[q] if info.show_hidden_details or not t.hidden]
            for t in shown:
                out.append(_test_line(t, info.purposes.get((t.question, t.test), "")))
                if not t.passed and t.message:
                    msg = scrub(t.message)
                    if msg:
                        out += ["", _fence(msg), ""]
            withheld = [t for t in by_q[q] if t not in shown]
            if withheld:
                out.append(_hidden_summary(withheld))
    out += _written_section(record, info)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _rubric_lines(ticked: tuple[str, ...], rubric: Rubric | None) -> list[str]:
    """Every rubric item by its text and points, marked earned or not; items the rubric no
    longer has (or any item when the rubric is unknown) are shown as stored."""
    if rubric is None:
        return [f"  - {item}" for item in ticked]
    lines = [
        f"  - [{'x' if item.id in ticked else ' '}] ({points_str(item.points)} pt"
        f"{'' if item.points == 1 else 's'}) {' '.join(item.label.split())}"
        for item in rubric.items
    ]
    known = {item.id for item in rubric.items}
    lines += [f"  - {item}" for item in ticked if item not in known]
    return lines


def _written_section(record: GradeRecord, info: AssignmentInfo) -> list[str]:
    """The written (manual) answers: status, points, the rubric items earned and the comment."""
    if not record.manual_max:
        return ["", "Written (manual) questions are graded separately.", ""]
    out = ["", "## Written answers", ""]
    changed = set(record.changed_answers)
    labels = {
        "ok": "answered",
        "empty": "left empty",
        "missing": "answer cell not found",
        "malformed": "answer cell could not be read",
    }
    for q, possible in sorted(record.manual_max.items(), key=lambda kv: natural_key(kv[0])):
        status = record.written.get(q, ("missing", ""))[0]
        score = record.manual.get(q)
        pts = (
            f"not graded yet ({points_str(possible)} points)"
            if score is None
            else f"{points_str(score.points)} / {points_str(possible)} points"
        )
        out.append(f"- **{q}** ({labels.get(status, status)}): {pts}")
        if q in changed:
            out.append(
                f"  - Note: {ANSWER_CHANGED}: this score was given for an earlier version of "
                "your answer; it will be reviewed again"
            )
        if score is not None:
            out += _rubric_lines(score.items, info.rubrics.get(q))
            if score.comment:
                out.append(f"  - Comment: {' '.join(score.comment.split())}")
    out.append("")
    return out


def write_feedback(
    record: GradeRecord,
    path: Path,
    scrub: CodeScrubber | None = None,
    info: AssignmentInfo | None = None,
) -> Path:
    """Write the feedback file of `record` to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(record, scrub, info), encoding="utf-8")
    return path
