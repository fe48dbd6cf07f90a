"""The gradebook database: schema and migrations, regrades keep manual scores, conflicts, atomicity."""

from __future__ import annotations

import sqlite3

import pytest

from mbrl_course.gradebook import db as G
from mbrl_course.gradebook.db import Conflict, GradebookDB
from mbrl_grader.results import Status, SubmissionResult, TestOutcome

A = "02_dyna"


def result(points: float = 1.0, status: Status = Status.GRADED) -> SubmissionResult:
    """A small result with two outcomes and an isolation report."""
    return SubmissionResult(
        status=status,
        reason="" if status == Status.GRADED else "stopped",
        outcomes=[
            TestOutcome("q1", "q1 - 1", False, points, 1.0, points == 1.0, "", "test_a"),
            TestOutcome("q2", "q2 - 1", True, 0.0, 2.0, False, "wrong sign", "test_b"),
        ],
        isolation={"level": "namespaces", "user": "nobody"},
        duration_s=3.5,
        timings={"execute_s": 2.0, "tests_s": 1.0},
    )


def record(db: GradebookDB, sid: str, *, sha: str = "s1", digest: str = "d1", **kw) -> None:
    """Store one submission with a written answer."""
    db.record_result(
        sid,
        A,
        content_sha256=sha,
        autograder_digest=digest,
        result=kw.pop("res", result()),
        written=kw.pop("written", {"q4": ("ok", "Because *planning* replays.")}),
        **kw,
    )


@pytest.fixture
def db(tmp_path):
    """A fresh gradebook file."""
    with GradebookDB.open(tmp_path / "gradebook.sqlite") as d:
        yield d


def test_round_trip_keeps_the_result_model(db):
    """What record_result stores comes back as the same SubmissionResult, isolation included."""
    record(db, "s1.ipynb", source="/x/s1.ipynb", seconds=4.0)
    [stored] = db.submissions()
    assert stored.result.to_dict() == result().to_dict()
    assert stored.result.isolation == {"level": "namespaces", "user": "nobody"}
    assert (stored.source, stored.seconds, stored.content_sha256) == ("/x/s1.ipynb", 4.0, "s1")
    assert db.written_of("s1.ipynb") == {"q4": ("ok", "Because *planning* replays.")}


def test_regrade_replaces_auto_part_and_keeps_manual_scores(db):
    """A regrade swaps outcomes and answers but never touches a human's score."""
    record(db, "s1.ipynb")
    score = db.set_manual_score(
        "s1.ipynb", A, "q4", items=("names replay",), points=1.5, comment="good", grader="ta",
        expected_version=0,
    )  # fmt: skip
    record(db, "s1.ipynb", sha="s2", res=result(0.0), written={"q4": ("empty", "")})
    [stored] = db.submissions()
    assert stored.content_sha256 == "s2" and stored.result.score == 0.0
    assert db.manual_scores(A) == {("s1.ipynb", "q4"): score}
    assert db.written_of("s1.ipynb") == {"q4": ("empty", "")}


def test_conflicting_saves_raise_with_the_stored_score(db):
    """Two graders who loaded version 0 cannot both save: the second gets Conflict.current."""
    record(db, "s1.ipynb")
    first = db.set_manual_score(
        "s1.ipynb", A, "q4", items=(), points=1, comment="", grader="ann", expected_version=0
    )
    with pytest.raises(Conflict) as info:
        db.set_manual_score(
            "s1.ipynb", A, "q4", items=(), points=2, comment="", grader="bob", expected_version=0
        )
    assert info.value.current == first and first.version == 1
    second = db.set_manual_score(
        "s1.ipynb", A, "q4", items=("a",), points=2, comment="", grader="bob", expected_version=1
    )
    assert second.version == 2 and db.manual_score("s1.ipynb", "q4") == second


def test_written_answers_list_every_submission_in_natural_order(db):
    """Empty answers are listed, ungradable files show as missing, s10 sorts after s9."""
    for sid in ("s10.ipynb", "s9.ipynb"):
        record(db, sid, written={"q4": ("empty", "")} if sid == "s9.ipynb" else {})
    rows = db.written_answers(A, "q4")
    assert [(r.submission_id, r.status) for r in rows] == [
        ("s9.ipynb", "empty"),
        ("s10.ipynb", "missing"),
    ]
    db.set_questions(A, {"q1": 1.0, "q2": 2.0}, {"q4": 2.0, "q5": 1.0})
    assert db.written_questions(A) == ["q4", "q5"]
    assert db.questions(A, "auto") == {"q1": 1.0, "q2": 2.0}


def test_is_current_needs_same_file_and_autograder_and_no_error(db):
    """--resume skips only rows graded from the same bytes and tests; errors are retried."""
    record(db, "s1.ipynb")
    assert db.is_current("s1.ipynb", "s1", "d1")
    assert not db.is_current("s1.ipynb", "other", "d1")
    assert not db.is_current("s1.ipynb", "s1", "other")
    assert not db.is_current("nope.ipynb", "s1", "d1")
    record(db, "s2.ipynb", res=result(status=Status.ERROR))
    assert not db.is_current("s2.ipynb", "s1", "d1")


def test_interrupted_write_leaves_previous_state(db, monkeypatch):
    """An exception (Ctrl-C) in the middle of record_result rolls the whole submission back."""
    record(db, "s1.ipynb")
    bad = result()
    bad.outcomes.append(TestOutcome("q3", "q3 - 1", False, 0.0, 1.0, False, "", "t"))
    bad.outcomes[-1].points = object()  # float() on it fails half-way through the inserts
    with pytest.raises(TypeError):
        record(db, "s1.ipynb", sha="new", res=bad)
    [stored] = db.submissions()
    assert stored.content_sha256 == "s1" and len(stored.result.outcomes) == 2


def test_unknown_written_status_is_refused(db):
    """A written status outside ok|empty|missing|malformed is a programming error."""
    with pytest.raises(ValueError, match="unknown status"):
        record(db, "s1.ipynb", written={"q4": ("blank", "")})


def test_upgrade_from_version_1_keeps_data(tmp_path):
    """A version-1 file (no isolation, no written answers) is migrated in place, data kept."""
    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    assert G.migrate(con, target=1) == 1
    con.execute(
        "INSERT INTO submissions (id, assignment, content_sha256, autograder_digest, status, "
        "graded_at) VALUES ('s1.ipynb', ?, 'sha', 'dig', 'graded', '2026-01-01T00:00:00+00:00')",
        (A,),
    )
    con.execute(
        "INSERT INTO manual_scores VALUES ('s1.ipynb', 'q4', ?, '[\"a\"]', 2, 'ok', 'ta', 't', 3)",
        (A,),
    )
    con.close()
    with GradebookDB.open(path) as db:
        assert db.schema_version() == G.SCHEMA_VERSION == 4
        [stored] = db.submissions()
        assert stored.result.isolation == {} and stored.result.status == Status.GRADED
        score = db.manual_score("s1.ipynb", "q4")
        assert score.version == 3 and score.answer_sha256 == G.answer_digest("")
        assert db.written_answers(A, "q4")[0].status == "missing"
        assert db.is_current("s1.ipynb", "sha", "dig")


def test_upgrade_from_version_2_stamps_scores_with_the_answer_stored_now(tmp_path):
    """A version-2 score gets the digest of its stored answer: quiet until the answer changes."""
    path = tmp_path / "v2.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    assert G.migrate(con, target=2) == 2
    con.execute(
        "INSERT INTO submissions (id, assignment, content_sha256, autograder_digest, status, "
        "graded_at) VALUES ('s1.ipynb', ?, 'sha', 'dig', 'graded', '2026-01-01T00:00:00+00:00')",
        (A,),
    )
    con.execute("INSERT INTO written_answers VALUES ('s1.ipynb', 'q4', 'ok', 'Old answer.')")
    con.execute(
        "INSERT INTO manual_scores VALUES ('s1.ipynb', 'q4', ?, '[\"a\"]', 2, 'ok', 'ta', 't', 1)",
        (A,),
    )
    con.close()
    with GradebookDB.open(path) as db:
        assert db.schema_version() == 4
        score = db.manual_score("s1.ipynb", "q4")
        assert score.answer_sha256 == G.answer_digest("Old answer.") and score.points == 2
        assert db.changed_answers(A) == set() and not db.written_answers(A, "q4")[0].needs_review
        record(db, "s1.ipynb", written={"q4": ("ok", "New answer.")})
        assert db.changed_answers(A) == {("s1.ipynb", "q4")}


def test_typed_failures_survive_the_round_trip(tmp_path):
    """A stored outcome keeps its failure kind (a timeout stays a timeout in the gradebook), and
    a version-3 file's outcomes read back with no kind."""
    path = tmp_path / "v3.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    assert G.migrate(con, target=3) == 3
    con.execute(
        "INSERT INTO submissions (id, assignment, content_sha256, autograder_digest, status, "
        "graded_at) VALUES ('old.ipynb', ?, 'sha', 'dig', 'graded', '2026-01-01T00:00:00+00:00')",
        (A,),
    )
    con.execute(
        "INSERT INTO outcomes VALUES ('old.ipynb', 0, 'q1', 'q1 - 1', 't', 0, 0, 1, 0, 'slow')"
    )
    con.close()
    res = result()
    res.outcomes.append(
        TestOutcome("q3", "q3 - 1", True, 0.0, 1.0, False, "ran out of time", "t3", "timeout")
    )
    with GradebookDB.open(path) as db:
        record(db, "new.ipynb", res=res)
        stored = {s.submission_id: s.result.outcomes for s in db.submissions()}
    assert [o.failure for o in stored["old.ipynb"]] == [""]
    assert stored["new.ipynb"][-1].failure == "timeout"
    assert stored["new.ipynb"][-1] == res.outcomes[-1]


def test_changed_answer_keeps_its_score_flagged_until_saved_again(db):
    """A regrade with a new answer flags the kept score; the same answer stays quiet; a save
    for the new answer clears the flag, a save for the answer the grader saw before does not."""
    record(db, "s1.ipynb", written={"q4": ("ok", "First.")})
    first = db.set_manual_score(
        "s1.ipynb", A, "q4", items=("a",), points=1, comment="", grader="ta", expected_version=0
    )
    assert first.answer_sha256 == G.answer_digest("First.")
    record(db, "s1.ipynb", sha="again", written={"q4": ("ok", "First.")})  # unchanged answer
    assert db.changed_answers(A) == set()
    record(db, "s1.ipynb", sha="new", written={"q4": ("ok", "Second.")})
    [row] = db.written_answers(A, "q4")
    assert row.score == first and row.answer_changed and row.needs_review
    assert db.changed_answers(A) == {("s1.ipynb", "q4")}
    stale = db.set_manual_score(
        "s1.ipynb", A, "q4", items=("a",), points=1, comment="", grader="ta", expected_version=1,
        answer_sha256=G.answer_digest("First."),  # a page still showing the old answer
    )  # fmt: skip
    assert db.changed_answers(A) == {("s1.ipynb", "q4")}
    db.set_manual_score(
        "s1.ipynb", A, "q4", items=("a",), points=1, comment="", grader="ta",
        expected_version=stale.version,
    )  # fmt: skip
    assert db.changed_answers(A) == set() and not db.written_answers(A, "q4")[0].needs_review


def test_statuses_map_every_stored_row(db):
    """statuses() is what --only-status selects from: every stored id with its status."""
    record(db, "s1.ipynb")
    record(db, "s2.ipynb", res=result(status=Status.TIMEOUT))
    assert db.statuses() == {"s1.ipynb": "graded", "s2.ipynb": "timeout"}


def test_newer_schema_is_refused(tmp_path):
    """A file from a newer mbrl-course is not silently downgraded."""
    path = tmp_path / "new.sqlite"
    GradebookDB.open(path).close()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("UPDATE schema_version SET version = 99")
    con.close()
    with pytest.raises(G.SchemaError, match="newer"):
        GradebookDB.open(path)


def test_not_a_database_is_a_clear_error(tmp_path):
    """A text file given as --db gives SchemaError, not a traceback from deep inside sqlite."""
    path = tmp_path / "notes.sqlite"
    path.write_text("hello, this is not sqlite" * 100)
    with pytest.raises(G.SchemaError, match="not a gradebook"):
        GradebookDB.open(path)
