"""The review web app (Flask): rubric grading of written answers, one question across all students.

Why this shape: graders are fastest grading one question for every student in a row (the rubric
stays in their head), so a page shows one answer of one question with that question's rubric
next to it, and the keyboard moves on. Scores live in the gradebook database
(:class:`~mbrl_course.gradebook_db.GradebookDB`); every save carries the version the page loaded,
so two pages open at once never overwrite each other: the second save gets a conflict notice and
the stored score instead. A score given for an answer that a regrade has since replaced
("answer changed since graded") counts as not graded: ``u`` and the progress count it, the page
says so, and saving it again stamps the answer shown.

Security: the server binds 127.0.0.1 only (see :mod:`.cli`); every request except the vendored
static assets must carry the random token (``?token=`` or the ``X-Review-Token`` header, as in
Jupyter); answers are rendered by :mod:`.render` (student HTML escaped).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, jsonify, redirect, render_template, request, url_for

from ..gradebook_db import (
    ANSWER_CHANGED,
    Conflict,
    GradebookDB,
    ManualScore,
    WrittenAnswerRow,
    answer_digest,
)
from ..written import Rubric, status_message
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
    ) -> None:
        self.db = db
        self.rubrics = rubrics
        self.token = token
        self.grader = grader
        self._assignments = assignments

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
        if request.endpoint == "static":
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
        return render_template("index.html", overview=overview, token=reviewer.token)

    @app.get("/review/<assignment>/<question>")
    def first(assignment: str, question: str):
        rows = reviewer.db.written_answers(assignment, question)
        if not rows:
            abort(404, f"no submissions of {assignment} in the gradebook")
        after = request.args.get("after", default=len(rows), type=int)
        pos = _next_ungraded(rows, after) or 1
        return redirect(url_for("answer", assignment=assignment, question=question, pos=pos,
                                token=reviewer.token))  # fmt: skip

    @app.get("/review/<assignment>/<question>/<int:pos>")
    def answer(assignment: str, question: str, pos: int):
        if question not in reviewer.questions(assignment):
            abort(404, f"{assignment} has no written question {question}")
        rows = reviewer.db.written_answers(assignment, question)
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
            "submission_id": row.submission_id,
            "score": score_json(row.score),
            "answer_sha256": answer_digest(row.text),
            "answer_changed": row.answer_changed,
            "items": [{"id": i["id"], "points": i["points"]} for i in items],
            "progress": progress.to_json(),
            "urls": {
                "save": url_for("save", token=reviewer.token),
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
            submission_id = str(data["submission_id"])
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
        try:
            score = reviewer.db.set_manual_score(
                submission_id, assignment, question, items=items, points=points,
                comment=comment, grader=reviewer.grader, expected_version=expected,
                answer_sha256=seen,
            )  # fmt: skip
        except Conflict as conflict:
            current = conflict.current
            rows = reviewer.db.written_answers(assignment, question)
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
        rows = reviewer.db.written_answers(assignment, question)
        [row] = [r for r in rows if r.submission_id == submission_id]
        return jsonify(
            ok=True,
            score=score_json(score),
            answer_changed=row.answer_changed,
            progress=reviewer.progress(assignment, question, rows).to_json(),
        )

    return app
