"""LMS export: Canvas's grade-import layout, roster matching, and nothing dropped silently."""

from __future__ import annotations

import csv
import io

import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook import export
from mbrl_course.gradebook.db import GradebookDB
from mbrl_grader.results import Status, SubmissionResult, TestOutcome

ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section
    Points Possible,,,,
"Doe, Jane",5501,u1,jdoe,Section 1
"Roe, Rick",5502,u2,rroe,Section 1
"Poe, Paula",5503,u3,ppoe,Section 2
"Moe, Max",5504,u4,mmoe,Section 2
"""


def _result(points: int, status: Status = Status.GRADED) -> SubmissionResult:
    """A result passing `points` of three 1-point tests."""
    outcomes = [
        TestOutcome("q1", f"q1 - {k}", False, float(k < points), 1.0, k < points, "", f"t{k}")
        for k in range(3)
    ]
    reason = "" if status == Status.GRADED else "the grading process failed"
    return SubmissionResult(status, reason, outcomes)


@pytest.fixture
def gradebook(tmp_path):
    """A gradebook with two assignments, a manual score, a failed row and a stranger."""
    path = tmp_path / "gradebook.sqlite"
    with GradebookDB.open(path) as db:
        db.set_questions("02_dyna", {"q1": 3.0}, {"q9": 2.0})
        db.set_questions("03_model_errors", {"q1": 3.0}, {})
        rows = {
            "jdoe/02_dyna.ipynb": ("02_dyna", _result(3)),
            "rroe/02_dyna.ipynb": ("02_dyna", _result(1)),
            "ppoe/02_dyna.ipynb": ("02_dyna", _result(0, Status.ERROR)),
            "stranger/02_dyna.ipynb": ("02_dyna", _result(3)),
            "jdoe.ipynb": ("03_model_errors", _result(3)),
        }
        for sid, (assignment, res) in rows.items():
            db.record_result(
                sid, assignment, content_sha256="x", autograder_digest="d", result=res,
                written={"q9": ("ok", "text")} if assignment == "02_dyna" else {},
            )  # fmt: skip
        db.set_manual_score(
            "jdoe/02_dyna.ipynb", "02_dyna", "q9", items=("a",), points=1.5, comment="",
            grader="ta", expected_version=0,
        )  # fmt: skip
    (tmp_path / "roster.csv").write_text(ROSTER)
    return tmp_path


def test_canvas_layout_header_points_possible_and_scores(gradebook, capsys):
    """Five student columns, one per assignment, Points Possible second, totals auto + manual."""
    out = gradebook / "canvas.csv"
    argv = ["--format", "canvas", "--db", str(gradebook / "gradebook.sqlite")]
    argv += ["--roster", str(gradebook / "roster.csv"), "--out", str(out)]
    assert cli_main(["export", *argv, "--canvas-id", "02_dyna=1234", "--allow-incomplete"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0] == [*export.STUDENT_COLUMNS, "02_dyna (1234)", "03_model_errors"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "5", "3"]
    by_login = {r[3]: r for r in rows[2:]}
    assert by_login["jdoe"][:5] == ["Doe, Jane", "5501", "u1", "jdoe", "Section 1"]
    assert by_login["jdoe"][5:] == ["4.5", "3"]  # 3 auto + 1.5 manual; matched by file stem too
    assert by_login["rroe"][5:] == ["1", ""]
    assert by_login["ppoe"][5:] == ["", ""]  # grading failed: left empty, reported
    assert by_login["mmoe"][5:] == ["", ""]  # no submission: kept, reported
    assert len(rows) == 2 + 4
    notes = capsys.readouterr().err
    assert "Moe, Max: no submission for 02_dyna, 03_model_errors" in notes
    assert "Roe, Rick: no submission for 03_model_errors" in notes
    assert "stranger/02_dyna.ipynb (02_dyna): no roster entry" in notes
    assert "Poe, Paula: grading of ppoe/02_dyna.ipynb failed" in notes


def test_csv_with_roster_keeps_unmatched_submissions_as_rows(gradebook, capsys):
    """The plain CSV lists every roster student and every stray submission."""
    argv = ["--format", "csv", "--db", str(gradebook / "gradebook.sqlite"), "--allow-incomplete"]
    assert cli_main(["export", *argv, "--roster", str(gradebook / "roster.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["Student"] for r in rows] == ["Doe, Jane", "Roe, Rick", "Poe, Paula", "Moe, Max", ""]
    assert rows[-1]["Submissions"] == "stranger/02_dyna.ipynb" and rows[-1]["02_dyna"] == "3"
    assert rows[0]["Submissions"] == "jdoe.ipynb jdoe/02_dyna.ipynb"


def test_csv_without_roster_is_the_gradebook(gradebook, capsys):
    """Without a roster the export is grades.csv, with written columns and the total."""
    assert (
        cli_main(["export", "--db", str(gradebook / "gradebook.sqlite"), "--allow-incomplete"]) == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    jdoe = next(r for r in rows if r["submission"] == "jdoe/02_dyna.ipynb")
    assert (jdoe["02_dyna:q9"], jdoe["total"], jdoe["possible"]) == ("1.5", "4.5", "5")


def test_two_submissions_of_one_student_are_reported_not_guessed(gradebook, capsys):
    """Two files of one student for one assignment leave the cell empty and say so."""
    with GradebookDB.open(gradebook / "gradebook.sqlite") as db:
        db.record_result(
            "late/jdoe.ipynb", "02_dyna", content_sha256="y", autograder_digest="d",
            result=_result(0), written={},
        )  # fmt: skip
    roster = export.Roster.read(gradebook / "roster.csv")
    with GradebookDB.open(gradebook / "gradebook.sqlite") as db:
        records = export.records_from_db(db)
    text, notes = export.render(records, roster, "canvas")
    jdoe = next(r for r in csv.reader(io.StringIO(text)) if r[3] == "jdoe")
    assert jdoe[5] == ""
    assert any("several submissions for 02_dyna" in n for n in notes)


def test_canvas_needs_a_roster_and_a_readable_one(gradebook, capsys):
    """Canvas without --roster, or a roster without id columns, is a clear error (exit 2)."""
    db = ["--db", str(gradebook / "gradebook.sqlite")]
    assert cli_main(["export", "--format", "canvas", *db]) == 2
    assert "needs --roster" in capsys.readouterr().err
    bad = gradebook / "bad.csv"
    bad.write_text("name,email\nJane,j@x\n")
    assert cli_main(["export", "--format", "canvas", "--roster", str(bad), *db]) == 2
    assert "needs a Student column" in capsys.readouterr().err
    assert cli_main(["export", "--db", str(gradebook / "missing.sqlite")]) == 2
    assert "run `mbrl-course grade` first" in capsys.readouterr().err


def test_changed_answer_keeps_its_canvas_score_and_is_reported(gradebook, capsys):
    """A regrade that replaces a graded written answer keeps the Canvas cell and reports it."""
    db_path = gradebook / "gradebook.sqlite"
    with GradebookDB.open(db_path) as db:
        db.record_result(
            "jdoe/02_dyna.ipynb", "02_dyna", content_sha256="y", autograder_digest="d",
            result=_result(3), written={"q9": ("ok", "a rewritten answer")},
        )  # fmt: skip
    out = gradebook / "canvas.csv"
    argv = ["--format", "canvas", "--db", str(db_path), "--roster", str(gradebook / "roster.csv")]
    assert cli_main(["export", *argv, "--out", str(out), "--allow-incomplete"]) == 0
    by_login = {r[3]: r for r in csv.reader(io.StringIO(out.read_text()))}
    assert by_login["jdoe"][5] == "4.5"  # the manual 1.5 is kept
    notes = capsys.readouterr().err
    assert "Doe, Jane: jdoe/02_dyna.ipynb q9: answer changed since graded" in notes
    assert notes.count("answer changed") == 1  # unchanged answers stay quiet


def test_ungraded_written_answers_warn_and_exit_1_unless_allowed(gradebook, capsys):
    """Ungraded written answers count as 0, so the export is written but warns how many, which
    questions and submissions, and exits 1; --allow-incomplete accepts it (exit 0, still listed)."""
    out = gradebook / "canvas.csv"
    argv = ["--format", "canvas", "--db", str(gradebook / "gradebook.sqlite")]
    argv += ["--roster", str(gradebook / "roster.csv"), "--out", str(out)]
    assert cli_main(["export", *argv]) == 1
    err = capsys.readouterr().err
    assert out.is_file()  # done: the file is there, the exit status says it is incomplete
    assert "warning: 2 written answer(s) not graded yet" in err  # ppoe's grading failed: empty
    assert "02_dyna q9: 2 ungraded (rroe/02_dyna.ipynb, stranger/02_dyna.ipynb)" in err
    assert "--allow-incomplete" in err
    assert cli_main(["export", *argv, "--allow-incomplete"]) == 0
    assert "note: 2 written answer(s) not graded yet" in capsys.readouterr().err
    with GradebookDB.open(gradebook / "gradebook.sqlite") as db:
        for sid in ("rroe/02_dyna.ipynb", "stranger/02_dyna.ipynb"):
            db.set_manual_score(sid, "02_dyna", "q9", items=(), points=0.0, comment="",
                                grader="ta", expected_version=0)  # fmt: skip
    assert cli_main(["export", *argv]) == 0
    assert "not graded yet" not in capsys.readouterr().err


def test_ungraded_list_names_the_first_few_and_counts_the_rest():
    """Per question the warning names MAX_LISTED submissions and counts the others."""
    ungraded = {("02_dyna", "q3_4"): [f"s{k}.ipynb" for k in range(8)]}
    lines = export.incomplete_report(ungraded)
    assert lines[0].startswith("8 written answer(s) not graded yet")
    assert (
        lines[1]
        == "  02_dyna q3_4: 8 ungraded (s0.ipynb, s1.ipynb, s2.ipynb, s3.ipynb, s4.ipynb and 3 more)"
    )


CANVAS_ROSTER = """Student,ID,SIS User ID,SIS Login ID,Section
"Smith, Alice",5500,s1,asmith,A
"Jones, Bob",5600,s2,bjones,A
"Lee, Chen",5700,s3,clee,A
"Kim, Dana",5800,s4,dkim,A
"""


def test_canvas_download_and_otter_export_names_match_the_roster(tmp_path, capsys):
    """Canvas bulk-download names (late or not) match by Canvas user id, then by name; an otter
    export zip by login with its time stamp dropped; strays on both sides are listed."""
    names = {
        "smithalice_5500_123456_02_dyna.ipynb": 3,  # Canvas, by user id
        "jonesbob_late_9999_123457_02_dyna.ipynb": 2,  # late, wrong id: by name
        "clee_2026_12_01T10_00_00_123456.zip": 1,  # otter export of clee.ipynb
        "nobody_LATE_4242_123458_02_dyna.ipynb": 3,  # Canvas, not in the roster
        "anon_x7Yz2_123459_02_dyna.ipynb": 3,  # anonymous grading: listed with a hint
    }
    with GradebookDB.open(tmp_path / "g.sqlite") as db:
        db.set_questions("02_dyna", {"q1": 3.0}, {})
        for sid, pts in names.items():
            db.record_result(sid, "02_dyna", content_sha256="x", autograder_digest="d",
                             result=_result(pts), written={})  # fmt: skip
        records = export.records_from_db(db)
    (tmp_path / "r.csv").write_text(CANVAS_ROSTER)
    text, notes = export.render(records, export.Roster.read(tmp_path / "r.csv"), "canvas")
    rows = {r[0]: r[5] for r in csv.reader(io.StringIO(text))}
    assert rows["Smith, Alice"] == "3" and rows["Jones, Bob"] == "2" and rows["Lee, Chen"] == "1"
    assert rows["Kim, Dana"] == ""
    assert "Kim, Dana: no submission for 02_dyna" in notes
    stray = [n for n in notes if "no roster entry" in n]
    assert any(
        "nobody_LATE_4242" in n and "Canvas user id 4242, name nobody, late" in n for n in stray
    )
    assert any("anon_x7Yz2" in n and "anonymous Canvas download" in n for n in stray)
    assert len(stray) == 2
