"""The gradebook database: one SQLite file per course folder that holds every grade that must last.

Why a database: auto-graded results are cheap to recompute, a human's rubric scores are not. The
batch grader, the review page and the exports all read and write this one file, so a regrade
replaces only the auto-graded part of a submission, a crash or Ctrl-C mid-batch leaves every
finished submission stored (one transaction per submission) and the batch resumable, and two
review pages saving the same item see a :class:`Conflict` instead of overwriting each other.

Where it lives: :func:`.layout.gradebook_path` (``--db``, ``MBRL_GRADEBOOK``, ``MBRL_COURSE_DIR``,
``course.toml``, else a course folder outside the code checkout); :func:`backup` copies it.

Longer than 400 lines on purpose: every SQL statement run against the file lives in this one
class, so its transactions and its locking can be reviewed in one place (the schema itself is in
:mod:`.gradebook_schema`).

Tables (schema version :data:`SCHEMA_VERSION`, upgraded in place by the migrations in
:mod:`.gradebook_schema`):

* ``schema_version(version)``: one row, the version the file is at;
* ``submissions``: one row per submission id: assignment, source path, content sha256,
  autograder digest, status, reason, isolation (JSON), cell errors (JSON), duration, timings
  (JSON), batch wall time, when graded;
* ``outcomes``: the auto-graded test outcomes of each submission, in test order;
* ``questions``: per assignment, each question's kind (``auto``/``manual``), points, order;
* ``written_answers``: per submission and manual question: status ``ok|empty|missing|malformed``
  and the Markdown text;
* ``meta``: key/value facts about the file (e.g. the shard it holds, see :mod:`.shards`);
* ``manual_scores``: per submission and manual question: rubric items (JSON list), points,
  comment, grader, time, a version number that grows by one per save, and the sha256 of the
  answer text the score was given for (``answer_sha256``); never touched by a regrade, so a
  regrade that stores a different answer leaves a score whose digest no longer matches: it is
  shown as "answer changed since graded" until a human saves it again.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mbrl_grader.results import Status, SubmissionResult, TestOutcome

from .schema import SCHEMA_VERSION, SchemaError, answer_digest, migrate

__all__ = [
    "SCHEMA_VERSION",
    "Conflict",
    "GradebookDB",
    "ManualScore",
    "SchemaError",
    "StoredSubmission",
    "WrittenAnswerRow",
    "answer_digest",
    "migrate",
]

DEFAULT_DB_NAME = "gradebook.sqlite"
#: What exports, feedback and the review page say of a score whose answer has changed.
ANSWER_CHANGED = "answer changed since graded"
WRITTEN_STATUSES = ("ok", "empty", "missing", "malformed")


class Conflict(Exception):
    """Someone saved this item since you loaded it (.current holds the stored ManualScore)."""

    def __init__(self, current: ManualScore) -> None:
        super().__init__(
            f"{current.submission_id} {current.question}: saved by {current.grader or 'someone'} "
            f"at {current.updated_at} (version {current.version}) since you loaded it"
        )
        self.current = current


@dataclass(frozen=True)
class ManualScore:
    """A human's score for one written answer."""

    submission_id: str
    assignment: str
    question: str
    items: tuple[str, ...]
    """The rubric items the grader ticked (their text or id, as the review page stores them)."""
    points: float
    comment: str
    grader: str
    updated_at: str
    """ISO 8601 UTC time of the save."""
    version: int
    """1 after the first save, +1 per save; 0 means "not graded yet" to :meth:`set_manual_score`."""
    answer_sha256: str = ""
    """:func:`answer_digest` of the answer text this score was given for ("" = not recorded)."""

    def answer_changed(self, text: str) -> bool:
        """Whether `text` (the answer stored now) differs from the answer this score was given
        for; a score that recorded no digest is never flagged."""
        return bool(self.answer_sha256) and self.answer_sha256 != answer_digest(text)


@dataclass(frozen=True)
class WrittenAnswerRow:
    """One submission's answer to one manual question, with its score when graded."""

    submission_id: str
    assignment: str
    question: str
    status: str
    text: str
    score: ManualScore | None

    @property
    def answer_changed(self) -> bool:
        """Graded, but the answer stored now is not the one the score was given for."""
        return self.score is not None and self.score.answer_changed(self.text)

    @property
    def needs_review(self) -> bool:
        """Not graded yet, or graded for an answer that has changed since."""
        return self.score is None or self.answer_changed


@dataclass(frozen=True)
class StoredSubmission:
    """A submission row with its auto-graded result (what the exports read)."""

    submission_id: str
    assignment: str
    source: str
    content_sha256: str
    autograder_digest: str
    result: SubmissionResult
    seconds: float
    graded_at: str


def natural_key(text: str) -> list[object]:
    """Sort key that orders ``q2_10`` after ``q2_9`` and ``s10`` after ``s9``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def now_utc() -> str:
    """The current time, ISO 8601 UTC, seconds resolution."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, foreign keys on."""
    con = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
    try:
        con.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as exc:
        con.close()
        raise SchemaError(f"{path} is not a gradebook database ({exc})") from None
    # WAL + NORMAL: a commit survives a crash or kill of this process (what Ctrl-C and a
    # killed batch need); only a power cut may drop the last commits, never corrupt the file
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=30000")
    return con


def _score_from_row(row: sqlite3.Row | tuple) -> ManualScore:
    """A ManualScore from a row selected with :data:`_SCORE_COLS`."""
    sid, question, assignment, items, points, comment, grader, updated_at, version, sha = row
    return ManualScore(
        submission_id=sid,
        assignment=assignment,
        question=question,
        items=tuple(json.loads(items)),
        points=float(points),
        comment=comment,
        grader=grader,
        updated_at=updated_at,
        version=int(version),
        answer_sha256=sha,
    )


_SCORE_COLS = (
    "submission_id, question, assignment, items, points, comment, grader, updated_at, version, "
    "answer_sha256"
)


def _write_score(con: sqlite3.Connection, score: ManualScore) -> None:
    """Insert or replace one manual score row (inside the caller's transaction)."""
    con.execute(
        f"INSERT OR REPLACE INTO manual_scores ({_SCORE_COLS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            score.submission_id,
            score.question,
            score.assignment,
            json.dumps(list(score.items)),
            score.points,
            score.comment,
            score.grader,
            score.updated_at,
            score.version,
            score.answer_sha256,
        ),
    )


class GradebookDB:
    """The gradebook file. Safe to share between threads of one process (one lock) and between
    processes (SQLite locking, WAL). Every write method is one transaction."""

    def __init__(self, con: sqlite3.Connection, path: Path) -> None:
        self._con = con
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> GradebookDB:
        """Open the gradebook at `path`, creating it or migrating it to the current schema."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(path)
        try:
            migrate(con)
        except BaseException:
            con.close()
            raise
        return cls(con, path)

    def close(self) -> None:
        """Close the file (idempotent)."""
        with self._lock:
            self._con.close()

    def __enter__(self) -> GradebookDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (KeyboardInterrupt too)."""
        with self._lock:
            self._con.execute("BEGIN IMMEDIATE")
            try:
                yield self._con
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    def schema_version(self) -> int:
        """The version the file is at."""
        with self._lock:
            return int(self._con.execute("SELECT version FROM schema_version").fetchone()[0])

    def get_meta(self, key: str) -> str | None:
        """A stored metadata value, or None."""
        with self._lock:
            row = self._con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        """Store a metadata value."""
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # ---- the auto-graded part

    def set_questions(
        self, assignment: str, auto: Mapping[str, float], manual: Mapping[str, float]
    ) -> None:
        """Record the questions of `assignment` (auto-graded and manual) and their points."""
        with self._transaction() as con:
            con.execute("DELETE FROM questions WHERE assignment = ?", (assignment,))
            rows = [(assignment, q, "auto", float(p), k) for k, (q, p) in enumerate(auto.items())]
            rows += [
                (assignment, q, "manual", float(p), len(auto) + k)
                for k, (q, p) in enumerate(manual.items())
            ]
            con.executemany("INSERT INTO questions VALUES (?, ?, ?, ?, ?)", rows)

    def questions(self, assignment: str, kind: str | None = None) -> dict[str, float]:
        """``{question: points}`` of `assignment` in order (`kind` ``auto``/``manual`` filters)."""
        sql = "SELECT question, points FROM questions WHERE assignment = ?"
        args: list[Any] = [assignment]
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        with self._lock:
            rows = self._con.execute(sql + " ORDER BY position", args).fetchall()
        return {q: float(p) for q, p in rows}

    def assignments(self) -> list[str]:
        """Assignments that have submissions or questions, in natural order."""
        with self._lock:
            rows = self._con.execute(
                "SELECT assignment FROM submissions UNION SELECT assignment FROM questions"
            ).fetchall()
        return sorted((r[0] for r in rows), key=natural_key)

    def record_result(
        self,
        submission_id: str,
        assignment: str,
        *,
        content_sha256: str,
        autograder_digest: str,
        result: SubmissionResult,
        written: Mapping[str, tuple[str, str]],
        source: str = "",
        seconds: float = 0.0,
        graded_at: str | None = None,
    ) -> None:
        """Store (or replace) the auto-graded part of one submission, in one transaction.

        Replaces its row, its test outcomes and its written answers; its manual scores stay.
        `written` maps each manual question to ``(status, markdown text)``.
        """
        for q, (status, _) in written.items():
            if status not in WRITTEN_STATUSES:
                raise ValueError(f"written answer {q}: unknown status {status!r}")
        with self._transaction() as con:
            con.execute("DELETE FROM submissions WHERE id = ?", (submission_id,))
            con.execute(
                "INSERT INTO submissions (id, assignment, source, content_sha256, "
                "autograder_digest, status, reason, cell_errors, duration_s, timings, seconds, "
                "graded_at, isolation) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    submission_id,
                    assignment,
                    source,
                    content_sha256,
                    autograder_digest,
                    result.status.value,
                    result.reason,
                    json.dumps(result.cell_errors),
                    float(result.duration_s),
                    json.dumps(result.timings),
                    float(seconds),
                    graded_at or now_utc(),
                    json.dumps(result.isolation),
                ),
            )
            con.executemany(
                "INSERT INTO outcomes (submission_id, seq, question, name, test, hidden, points, "
                "max_points, passed, message, failure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        submission_id,
                        k,
                        o.question,
                        o.name,
                        o.test,
                        int(o.hidden),
                        float(o.points),
                        float(o.max_points),
                        int(o.passed),
                        o.message,
                        o.failure,
                    )
                    for k, o in enumerate(result.outcomes)
                ],
            )
            con.executemany(
                "INSERT INTO written_answers VALUES (?, ?, ?, ?)",
                [(submission_id, q, st, text) for q, (st, text) in written.items()],
            )

    def is_current(self, submission_id: str, content_sha256: str, autograder_digest: str) -> bool:
        """Whether `submission_id` is stored, graded from this exact file and autograder (--resume).

        A row whose grading itself failed (status ``error``) is never current: it is retried.
        """
        with self._lock:
            row = self._con.execute(
                "SELECT content_sha256, autograder_digest, status FROM submissions WHERE id = ?",
                (submission_id,),
            ).fetchone()
        return (
            row is not None
            and row[0] == content_sha256
            and row[1] == autograder_digest
            and row[2] != Status.ERROR.value
        )

    def statuses(self) -> dict[str, str]:
        """``{submission_id: status}`` of every stored submission (what ``--only-status`` picks)."""
        with self._lock:
            rows = self._con.execute("SELECT id, status FROM submissions").fetchall()
        return {sid: status for sid, status in rows}

    def submission_ids(self, assignment: str | None = None) -> list[str]:
        """Stored submission ids (of `assignment`), in natural order."""
        with self._lock:
            if assignment is None:
                rows = self._con.execute("SELECT id FROM submissions").fetchall()
            else:
                rows = self._con.execute(
                    "SELECT id FROM submissions WHERE assignment = ?", (assignment,)
                ).fetchall()
        return sorted((r[0] for r in rows), key=natural_key)

    def submissions(self, assignment: str | None = None) -> list[StoredSubmission]:
        """Every stored submission (of `assignment`) with its result, in natural id order."""
        with self._lock:
            sql = (
                "SELECT id, assignment, source, content_sha256, autograder_digest, status, "
                "reason, cell_errors, duration_s, timings, seconds, graded_at, isolation "
                "FROM submissions"
            )
            rows = (
                self._con.execute(sql).fetchall()
                if assignment is None
                else self._con.execute(sql + " WHERE assignment = ?", (assignment,)).fetchall()
            )
            outcomes: dict[str, list[TestOutcome]] = {}
            for sid, q, name, test, hidden, pts, mx, passed, msg, failure in self._con.execute(
                "SELECT submission_id, question, name, test, hidden, points, max_points, passed, "
                "message, failure FROM outcomes ORDER BY submission_id, seq"
            ):
                outcomes.setdefault(sid, []).append(
                    TestOutcome(q, name, bool(hidden), pts, mx, bool(passed), msg, test, failure)
                )
        out = []
        for sid, asg, src, sha, digest, st, reason, cells, dur, tim, secs, when, iso in rows:
            result = SubmissionResult(
                status=Status(st),
                reason=reason,
                outcomes=outcomes.get(sid, []),
                cell_errors=json.loads(cells),
                isolation=json.loads(iso),
                duration_s=float(dur),
                timings=json.loads(tim),
            )
            out.append(StoredSubmission(sid, asg, src, sha, digest, result, float(secs), when))
        return sorted(out, key=lambda s: natural_key(s.submission_id))

    # ---- written answers and manual scores

    def written_questions(self, assignment: str) -> list[str]:
        """The manual questions of `assignment`: from its question table, else from the answers."""
        manual = list(self.questions(assignment, "manual"))
        if manual:
            return manual
        with self._lock:
            rows = self._con.execute(
                "SELECT DISTINCT w.question FROM written_answers w JOIN submissions s "
                "ON s.id = w.submission_id WHERE s.assignment = ?",
                (assignment,),
            ).fetchall()
        return sorted((r[0] for r in rows), key=natural_key)

    def written_answers(self, assignment: str, question: str) -> list[WrittenAnswerRow]:
        """Every submission of `assignment` with its answer to `question` (natural id order).

        Empty answers are included; a submission without a stored answer (ungradable file)
        shows as status ``missing`` with empty text.
        """
        with self._lock:
            rows = self._con.execute(
                "SELECT s.id, w.status, w.text FROM submissions s LEFT JOIN written_answers w "
                "ON w.submission_id = s.id AND w.question = ? WHERE s.assignment = ?",
                (question, assignment),
            ).fetchall()
        scores = self.manual_scores(assignment)
        out = [
            WrittenAnswerRow(
                submission_id=sid,
                assignment=assignment,
                question=question,
                status=status or "missing",
                text=text or "",
                score=scores.get((sid, question)),
            )
            for sid, status, text in rows
        ]
        return sorted(out, key=lambda r: natural_key(r.submission_id))

    def written_of(self, submission_id: str) -> dict[str, tuple[str, str]]:
        """``{question: (status, text)}`` of one submission."""
        with self._lock:
            rows = self._con.execute(
                "SELECT question, status, text FROM written_answers WHERE submission_id = ?",
                (submission_id,),
            ).fetchall()
        return {q: (st, text) for q, st, text in sorted(rows, key=lambda r: natural_key(r[0]))}

    def manual_score(self, submission_id: str, question: str) -> ManualScore | None:
        """The stored score of one item, or None."""
        with self._lock:
            row = self._con.execute(
                f"SELECT {_SCORE_COLS} FROM manual_scores WHERE submission_id = ? AND question = ?",
                (submission_id, question),
            ).fetchone()
        return None if row is None else _score_from_row(row)

    def set_manual_score(
        self,
        submission_id: str,
        assignment: str,
        question: str,
        *,
        items: Sequence[str],
        points: float,
        comment: str,
        grader: str,
        expected_version: int,
        answer_sha256: str | None = None,
    ) -> ManualScore:
        """Save a human's score; raise :class:`Conflict` when the stored version is not
        `expected_version` (0 = not graded yet), so a concurrent save is never overwritten.

        The score records `answer_sha256`, the digest of the answer the grader saw (the review
        page sends it); None stamps the answer stored now. Either way the "answer changed"
        flag is cleared when the grader saw the current answer.
        """
        with self._transaction() as con:
            if answer_sha256 is None:
                answer = con.execute(
                    "SELECT text FROM written_answers WHERE submission_id = ? AND question = ?",
                    (submission_id, question),
                ).fetchone()
                answer_sha256 = answer_digest("" if answer is None else answer[0])
            row = con.execute(
                f"SELECT {_SCORE_COLS} FROM manual_scores WHERE submission_id = ? AND question = ?",
                (submission_id, question),
            ).fetchone()
            stored = 0 if row is None else int(row[8])
            if stored != int(expected_version):
                current = (
                    _score_from_row(row)
                    if row is not None
                    else ManualScore(submission_id, assignment, question, (), 0.0, "", "", "", 0)
                )
                raise Conflict(current)
            score = ManualScore(
                submission_id=submission_id,
                assignment=assignment,
                question=question,
                items=tuple(str(i) for i in items),
                points=float(points),
                comment=str(comment),
                grader=str(grader),
                updated_at=now_utc(),
                version=stored + 1,
                answer_sha256=str(answer_sha256),
            )
            _write_score(con, score)
        return score

    def manual_scores(self, assignment: str) -> dict[tuple[str, str], ManualScore]:
        """``{(submission_id, question): score}`` of every graded item of `assignment`."""
        with self._lock:
            rows = self._con.execute(
                f"SELECT {_SCORE_COLS} FROM manual_scores WHERE assignment = ?", (assignment,)
            ).fetchall()
        return {(r[0], r[1]): _score_from_row(r) for r in rows}

    def changed_answers(self, assignment: str) -> set[tuple[str, str]]:
        """``{(submission_id, question)}`` of `assignment` whose score was given for an answer
        other than the one stored now (regraded since: "answer changed since graded")."""
        with self._lock:
            rows = self._con.execute(
                "SELECT m.submission_id, m.question, m.answer_sha256, w.text FROM manual_scores m "
                "LEFT JOIN written_answers w ON w.submission_id = m.submission_id "
                "AND w.question = m.question WHERE m.assignment = ? AND m.answer_sha256 != ''",
                (assignment,),
            ).fetchall()
        return {(sid, q) for sid, q, sha, text in rows if sha != answer_digest(text or "")}

    def import_manual_score(self, score: ManualScore) -> None:
        """Store `score` exactly as given (its version and time kept): used by ``merge``."""
        with self._transaction() as con:
            _write_score(con, score)
