"""The review web app (Flask): rubric grading of written answers, one question across all students.

Why this shape: graders are fastest grading one question for every student in a row (the rubric
stays in their head), so a page shows one answer of one question with that question's rubric
next to it, and the keyboard moves on. Scores live in the gradebook database
(:class:`~mbrl_course.gradebook.db.GradebookDB`); every save carries the version the page loaded,
so two pages open at once never overwrite each other: the second save gets a conflict notice and
the stored score instead. A score given for an answer that a regrade has since replaced
("answer changed since graded") counts as not graded: ``u`` and the progress count it, the page
says so, and saving it again stamps the answer shown.

Security: the server binds 127.0.0.1 only (see :mod:`.cli`); every request except the vendored
static assets must carry the random token (``?token=`` or the ``X-Review-Token`` header, as in
Jupyter); answers are rendered by :mod:`.render` (student HTML escaped).

Blind grading (:mod:`.blind`): when the reviewer is blind (the CLI's default), answers come in a
shuffled order that is the same for every question, are called "Submission N", and neither the
page, its JSON state, the save API nor the title carries a submission id; the page addresses an
answer by an opaque key. ``POST /api/blind`` (the page's "Show names" toggle) un-blinds the
running server until it is blinded again.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for

from ..gradebook.db import (
    ANSWER_CHANGED,
    Conflict,
    GradebookDB,
    ManualScore,
    WrittenAnswerRow,
    answer_digest,
)
from ..written.answers import status_message
from ..written.rubrics import Rubric
from .blind import BlindOrder
from .render import inline_html, markdown_html

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Progress:
    """How much of one question and of its assignment has a stored score."""

    question_graded: int
    question_total: int
    assignment_graded: int
    assignment_total: int

    def to_json(self) -> dict:
        """The JSON the page shows ("17 of 140 graded")."""
        return {
            "question_graded": self.question_graded,
            "question_total": self.question_total,
            "assignment_graded": self.assignment_graded,
            "assignment_total": self.assignment_total,
            "text": f"{self.assignment_graded} of {self.assignment_total} graded",
            "question_text": f"this question: {self.question_graded} of {self.question_total}",
        }


def score_json(score: ManualScore | None) -> dict:
    """A stored score as the page's JSON state (version 0: not graded yet)."""
    if score is None:
        return {"items": [], "points": 0.0, "comment": "", "grader": "", "updated_at": "",
                "version": 0}  # fmt: skip
    return {
        "items": list(score.items),
        "points": score.points,
        "comment": score.comment,
        "grader": score.grader,
        "updated_at": score.updated_at,
        "version": score.version,
    }


class Reviewer:
    """What the routes need: the database, the rubrics, the grader's name and the token."""

    def __init__(
        self,
        db: GradebookDB,
        rubrics: Mapping[str, Mapping[str, Rubric]],
        *,
        token: str,
        grader: str,
        assignments: list[str] | None = None,
        blind: bool = False,
        autograder_root: Path | None = None,
    ) -> None:
        self.db = db
        self.rubrics = rubrics
        self.token = token
        self.grader = grader
        self._assignments = assignments
        self.blind = blind
        self.autograder_root = autograder_root
        self.order = BlindOrder.for_db(db)

    def rows(self, assignment: str, question: str) -> list[WrittenAnswerRow]:
        """The answers to `question` in review order: shuffled when blind, else by name."""
        rows = self.db.written_answers(assignment, question)
        return self.order.shuffled(rows) if self.blind else rows

    def label(self, submission_id: str, pos: int) -> str:
        """How the page names the answer at `pos`: "Submission N" when blind, else its id."""
        return f"Submission {pos}" if self.blind else submission_id

    def labeller(self, assignment: str) -> Callable[[str], str]:
        """``submission id -> label`` for every submission of `assignment` (for the report)."""
        ids = self.db.submission_ids(assignment)
        if not self.blind:
            return lambda sid: sid
        numbers = {sid: k for k, sid in enumerate(self.order.shuffled_ids(ids), start=1)}
        return lambda sid: f"Submission {numbers.get(sid, '?')}"

    def assignments(self) -> list[str]:
        """The assignments this session reviews."""
        if self._assignments is not None:
            return list(self._assignments)
        return [a for a in self.db.assignments() if self.questions(a) and self.db.submission_ids(a)]

    def questions(self, assignment: str) -> list[str]:
        """Written questions of `assignment`: the database's list, else the rubrics'."""
        return self.db.written_questions(assignment) or list(self.rubrics.get(assignment, {}))

    def rubric(self, assignment: str, question: str) -> Rubric | None:
        """The question's rubric from rubrics.json, if the build stored one."""
        return self.rubrics.get(assignment, {}).get(question)

    def progress(self, assignment: str, question: str, rows: list[WrittenAnswerRow]) -> Progress:
        """Progress of `question` (its rows given) and of the whole assignment; a score whose
        answer changed since it was given does not count as graded."""
        questions = set(self.questions(assignment))
        scores = set(self.db.manual_scores(assignment)) - self.db.changed_answers(assignment)
        submissions = {row.submission_id for row in rows}
        graded = sum(1 for sid, q in scores if q in questions and sid in submissions)
        return Progress(
            question_graded=sum(1 for row in rows if not row.needs_review),
            question_total=len(rows),
            assignment_graded=graded,
            assignment_total=len(rows) * len(questions),
        )


def _next_ungraded(rows: list[WrittenAnswerRow], after: int) -> int | None:
    """1-based position of the first row needing review (ungraded, or its answer changed since
    graded) after `after` (wrapping), or None."""
    n = len(rows)
    for step in range(1, n + 1):
        index = (after - 1 + step) % n
        if rows[index].needs_review:
            return index + 1
    return None


def create_app(reviewer: Reviewer) -> Flask:
    """Return the Flask app serving `reviewer`'s database."""
    app = Flask(
        __name__,
        template_folder=str(HERE / "templates"),
        static_folder=str(HERE / "static"),
    )
    app.config["JSON_SORT_KEYS"] = False

    @app.before_request
    def require_token():
        if request.endpoint in ("static", "favicon"):
            return None  # vendored public assets (KaTeX, CSS, JS): no data in them
        given = request.args.get("token") or request.headers.get("X-Review-Token") or ""
        if not hmac.compare_digest(given.encode(), reviewer.token.encode()):
            return (
                "Forbidden: missing or wrong token. Open the URL that `mbrl-course review` "
                "printed (it contains ?token=...).",
                403,
                {"Content-Type": "text/plain; charset=utf-8"},
            )
        return None

    @app.after_request
    def security_headers(response):
        # Nothing on the page may come from elsewhere; inline scripts are not allowed either
        # (the page state is JSON read by static/review.js).
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "font-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = (
            "no-store" if request.endpoint != "static" else ("max-age=3600")
        )
        return response

    @app.get("/favicon.ico")
    def favicon():
        # Pages declare an empty icon; this answers browsers that ask anyway (no 403 logged).
        return "", 204

    @app.get("/")
    def index():
        overview = []
        for assignment in reviewer.assignments():
            questions = []
            for question in reviewer.questions(assignment):
                rows = reviewer.db.written_answers(assignment, question)
                done = sum(1 for row in rows if not row.needs_review)
                questions.append({"name": question, "graded": done, "total": len(rows)})
            overview.append({"name": assignment, "questions": questions})
        return render_template(
            "index.html", overview=overview, token=reviewer.token, blind=reviewer.blind
        )

    @app.get("/review/<assignment>/<question>")
    def first(assignment: str, question: str):
        rows = reviewer.rows(assignment, question)
        if not rows:
            abort(404, f"no submissions of {assignment} in the gradebook")
        after = request.args.get("after", default=len(rows), type=int)
        pos = _next_ungraded(rows, after)
        if pos is None:  # nothing left: stay where the grader is and say so
            return redirect(url_for("answer", assignment=assignment, question=question,
                                    pos=min(max(after, 1), len(rows)), all_graded=1,
                                    token=reviewer.token))  # fmt: skip
        return redirect(url_for("answer", assignment=assignment, question=question, pos=pos,
                                token=reviewer.token))  # fmt: skip

    @app.get("/review/<assignment>/<question>/<int:pos>")
    def answer(assignment: str, question: str, pos: int):
        if question not in reviewer.questions(assignment):
            abort(404, f"{assignment} has no written question {question}")
        rows = reviewer.rows(assignment, question)
        if not 1 <= pos <= len(rows):
            abort(404, f"no answer number {pos} (there are {len(rows)})")
        row = rows[pos - 1]
        rubric = reviewer.rubric(assignment, question)
        progress = reviewer.progress(assignment, question, rows)
        questions = reviewer.questions(assignment)
        items = [
            {"id": i.id, "points": i.points, "html": inline_html(i.label)}
            for i in (rubric.items if rubric else ())
        ]
        state = {
            "token": reviewer.token,
            "assignment": assignment,
            "question": question,
            "answer_key": reviewer.order.key(row.submission_id),
            "submission_id": None if reviewer.blind else row.submission_id,
            "blind": reviewer.blind,
            "score": score_json(row.score),
            "answer_sha256": answer_digest(row.text),
            "answer_changed": row.answer_changed,
            "items": [{"id": i["id"], "points": i["points"]} for i in items],
            "progress": progress.to_json(),
            "urls": {
                "save": url_for("save", token=reviewer.token),
                "blind": url_for("set_blind", token=reviewer.token),
                "prev": url_for("answer", assignment=assignment, question=question,
                                pos=pos - 1, token=reviewer.token) if pos > 1 else None,
                "next": url_for("answer", assignment=assignment, question=question,
                                pos=pos + 1, token=reviewer.token) if pos < len(rows) else None,
                "ungraded": url_for("first", assignment=assignment, question=question,
                                    after=pos, token=reviewer.token),
            },
        }  # fmt: skip
        return render_template(
            "question.html",
            state=state,
            assignment=assignment,
            question=question,
            questions=questions,
            pos=pos,
            total=len(rows),
            row=row,
            label=reviewer.label(row.submission_id, pos),
            blind=reviewer.blind,
            all_graded=_all_graded_notice(reviewer, assignment, question, len(rows))
            if request.args.get("all_graded")
            else "",
            status_message=status_message(row.status),
            answer_changed=ANSWER_CHANGED if row.answer_changed else "",
            answer_html=markdown_html(row.text) if row.text.strip() else "",
            prompt_html=markdown_html(rubric.prompt_md) if rubric else "",
            notes_html=markdown_html(rubric.notes) if rubric and rubric.notes else "",
            rubric=rubric,
            items=items,
            progress=progress.to_json(),
            token=reviewer.token,
        )

    @app.post("/api/score")
    def save():
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            return jsonify(error="expected a JSON object"), 400
        try:
            assignment = str(data["assignment"])
            question = str(data["question"])
            submission_id = _submission_of(reviewer, assignment, data)
            items = [str(i) for i in data.get("items", [])]
            comment = str(data.get("comment", ""))
            expected = int(data["expected_version"])
            seen = data.get("answer_sha256")
            if seen is not None and not re.fullmatch(r"[0-9a-f]{64}", str(seen)):
                raise ValueError("answer_sha256 must be 64 hex digits")
        except (KeyError, TypeError, ValueError) as exc:
            return jsonify(error=f"bad request: {exc}"), 400
        if question not in reviewer.questions(assignment):
            return jsonify(error=f"{assignment} has no written question {question}"), 404
        if submission_id not in set(reviewer.db.submission_ids(assignment)):
            return jsonify(error=f"no submission {submission_id} of {assignment}"), 404
        rubric = reviewer.rubric(assignment, question)
        by_id = {i.id: i for i in (rubric.items if rubric else ())}
        unknown = [i for i in items if i not in by_id]
        if unknown:
            return jsonify(error=f"unknown rubric item(s) {unknown}"), 400
        items = [i.id for i in by_id.values() if i.id in set(items)]  # rubric order, no repeats
        points = round(sum(by_id[i].points for i in items), 6)
        if points == 0 and not comment.strip():
            return jsonify(
                error="A zero needs a comment: tell the student what is missing, then save.",
                needs_comment=True,
            ), 400
        try:
            score = reviewer.db.set_manual_score(
                submission_id, assignment, question, items=items, points=points,
                comment=comment, grader=reviewer.grader, expected_version=expected,
                answer_sha256=seen,
            )  # fmt: skip
        except Conflict as conflict:
            current = conflict.current
            rows = reviewer.rows(assignment, question)
            return jsonify(
                conflict=True,
                message=(
                    f"Not saved: {current.grader or 'another grader'} saved this answer at "
                    f"{current.updated_at or 'an earlier time'} (version {current.version}) "
                    "after you opened it. Their score is shown now; apply your change again if "
                    "it is still right."
                ),
                score=score_json(current if current.version else None),
                progress=reviewer.progress(assignment, question, rows).to_json(),
            ), 409
        rows = reviewer.rows(assignment, question)
        [row] = [r for r in rows if r.submission_id == submission_id]
        return jsonify(
            ok=True,
            score=score_json(score),
            answer_changed=row.answer_changed,
            progress=reviewer.progress(assignment, question, rows).to_json(),
        )

    @app.get("/report/<assignment>")
    def report(assignment: str):
        from ..report.collect import collect
        from ..report.html import report_html

        if assignment not in reviewer.db.assignments():
            abort(404, f"no assignment {assignment} in the gradebook")
        data = collect(
            reviewer.db,
            assignment,
            rubrics=reviewer.rubrics.get(assignment, {}),
            autograder_dir=reviewer.autograder_root / assignment
            if reviewer.autograder_root
            else None,
            label=reviewer.labeller(assignment),
        )
        back = url_for("index", token=reviewer.token)
        return report_html(data, back_url=back)

    @app.post("/api/blind")
    def set_blind():
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("blind"), bool):
            return jsonify(error='expected {"blind": true|false}'), 400
        reviewer.blind = data["blind"]
        url = url_for("index", token=reviewer.token)
        assignment, question = str(data.get("assignment", "")), str(data.get("question", ""))
        key = str(data.get("answer_key", ""))
        if question in reviewer.questions(assignment):  # the same answer, at its new position
            rows = reviewer.rows(assignment, question)
            keys = [reviewer.order.key(row.submission_id) for row in rows]
            if key in keys:
                url = url_for("answer", assignment=assignment, question=question,
                              pos=keys.index(key) + 1, token=reviewer.token)  # fmt: skip
        return jsonify(blind=reviewer.blind, url=url)

    return app


def _submission_of(reviewer: Reviewer, assignment: str, data: dict) -> str:
    """The submission a save is for: by the page's opaque ``answer_key`` (blind or not) or, for
    scripts and un-blinded pages, by ``submission_id``. Raises KeyError when neither is given."""
    if "answer_key" in data:
        ids = reviewer.db.submission_ids(assignment)
        return reviewer.order.find(str(data["answer_key"]), ids) or "(unknown answer key)"
    return str(data["submission_id"])


def _all_graded_notice(reviewer: Reviewer, assignment: str, question: str, total: int) -> str:
    """The plain sentence shown when "next ungraded" finds nothing left in `question`."""
    left = []
    for other in reviewer.questions(assignment):
        if other != question:
            missing = sum(
                1 for r in reviewer.db.written_answers(assignment, other) if r.needs_review
            )
            if missing:
                left.append(f"{other} ({missing})")
    rest = f" Still ungraded: {', '.join(left)}." if left else " The whole assignment is graded."
    return f"All {total} answers to {question} are graded.{rest}"
