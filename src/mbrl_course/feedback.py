"""Per-submission feedback in Markdown: score, what passed and failed, the tests' messages.

Feedback is meant to be handed to students, so it must never reveal hidden test code. Test
messages are written by the tests (in student words, see docs/design.md rule 7), but a message
may still carry a traceback or a line of a test's source. :class:`CodeScrubber` removes such
lines: traceback frames, and any line identical to a code line of the autograder's test files.
Hidden tests are listed by name and outcome only when they pass; when they fail, their message
is shown (it names the defect), scrubbed.
"""

from __future__ import annotations

import re
from pathlib import Path

from mbrl_grader.results import Status, TestOutcome
from mbrl_grader.scrub import CodeScrubber

from .gradebook import GradeRecord, natural_key, points_str


def _fence(text: str) -> str:
    """`text` in a fenced block that its own backticks cannot close."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{text}\n{ticks}"


def _test_line(t: TestOutcome) -> str:
    """One Markdown bullet for a test outcome."""
    mark = "passed" if t.passed else "FAILED"
    kind = "hidden test" if t.hidden else "public test"
    pts = f"{points_str(t.points if t.passed else 0)}/{points_str(t.max_points)}"
    return f"- **{mark}** `{t.name}` ({kind}, {pts} points)"


def render(record: GradeRecord, scrub: CodeScrubber | None = None) -> str:
    """The Markdown feedback for one submission."""
    scrub = scrub or CodeScrubber()
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
            for t in by_q[q]:
                out.append(_test_line(t))
                if not t.passed and t.message:
                    msg = scrub(t.message)
                    if msg:
                        out += ["", _fence(msg), ""]
    out += _written_section(record)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _written_section(record: GradeRecord) -> list[str]:
    """The written (manual) answers: status, points and the grader's rubric items and comment."""
    if not record.manual_max:
        return ["", "Written (manual) questions are graded separately.", ""]
    out = ["", "## Written answers", ""]
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
        if score is not None:
            out += [f"  - {item}" for item in score.items]
            if score.comment:
                out.append(f"  - Comment: {' '.join(score.comment.split())}")
    out.append("")
    return out


def write_feedback(record: GradeRecord, path: Path, scrub: CodeScrubber | None = None) -> Path:
    """Write the feedback file of `record` to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(record, scrub), encoding="utf-8")
    return path
