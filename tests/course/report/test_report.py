"""Tests of `mbrl-course report` on a synthetic class of 300 built from samples/02_dyna."""

from __future__ import annotations

import contextlib
import io
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.report.collect import collect
from mbrl_course.report.synthetic import HOSTILE_MESSAGE, populate_class
from mbrl_course.report.terminal import summary
from mbrl_course.review.synthetic import populate
from mbrl_course.similarity import PairScore
from mbrl_course.similarity.report import write_csv
from mbrl_course.written.rubrics import load_rubrics

pytestmark = pytest.mark.slow  # a 300-submission gradebook per worker

REPO = Path(__file__).resolve().parents[3]
ASSIGNMENT = "02_dyna"
N = 300


@pytest.fixture(scope="module")
def class_db(tmp_path_factory) -> GradebookDB:
    """A gradebook of 300 synthetic submissions of 02_dyna (samples' outcomes, some rubric scores)."""
    path = tmp_path_factory.mktemp("class") / "gradebook.sqlite"
    with GradebookDB.open(path) as db:
        populate_class(db, N, root=REPO, assignment=ASSIGNMENT, rng=np.random.default_rng(3))
    db = GradebookDB.open(path)
    yield db
    db.close()


def _report(db: GradebookDB, **kwargs):
    return collect(
        db,
        ASSIGNMENT,
        rubrics=load_rubrics(REPO / "autograder" / ASSIGNMENT),
        autograder_dir=REPO / "autograder" / ASSIGNMENT,
        **kwargs,
    )


def _variant(sid: str) -> str:
    return sid.split("_", 1)[1]


def test_failure_shares_match_the_samples_each_student_copied(class_db):
    """Each test's failure count is the number of students whose sample fails it."""
    expected = json.loads((REPO / "samples" / ASSIGNMENT / "expected.json").read_text())["samples"]
    report = _report(class_db)
    assert report.submissions == N and sum(report.statuses.values()) == N
    copied = Counter(_variant(sid) for sid in class_db.submission_ids(ASSIGNMENT))
    by_key = {t.key: t for t in report.tests}
    for key in ("q1_2:test_update_one_real_step", "q1_1:test_select_action_breaks_ties_uniformly"):
        failing = sum(
            n
            for variant, n in copied.items()
            if expected[variant]["status"] != "invalid"  # never ran a test
            and (
                key in expected[variant].get("fails", []) or expected[variant].get("earns_nothing")
            )
        )
        assert by_key[key].failed == failing and failing > 0
        assert by_key[key].ran == N - report.statuses.get("invalid", 0)
    shares = [t.share for t in report.tests]
    assert shares == sorted(shares, reverse=True)  # most failed first
    top = by_key["q1_2:test_update_one_real_step"]
    assert top.purpose.endswith(".") and not top.purpose.startswith("test_")  # its docstring
    assert sum(n for _, n in top.messages) <= top.failed and len(top.messages) <= 3


def test_histograms_and_rubric_counts_cover_the_class(class_db):
    """Every submission has an auto score per question; rubric ticks match the stored scores."""
    report = _report(class_db)
    scores = class_db.manual_scores(ASSIGNMENT)
    for q in report.questions:
        if q.kind == "auto":
            assert len(q.scores) == N and max(q.scores) <= q.points
        else:
            assert len(q.scores) + q.ungraded == N and q.ungraded > 0
    (rubric,) = report.rubrics
    ticks = Counter(i for s in scores.values() for i in s.items)
    assert [(i, n) for i, _, _, n in rubric.items] == [(i, ticks[i]) for i, *_ in rubric.items]
    assert rubric.zeros == sum(1 for s in scores.values() if s.points == 0) > 0
    assert len(report.totals) == N and max(report.totals) <= report.possible


def test_worth_a_look_lists_hung_invalid_lowest_and_similar(class_db, tmp_path):
    """Timeouts, invalid files, the lowest tenth and pairs from similarity.csv are flagged."""
    ids = class_db.submission_ids(ASSIGNMENT)
    csv_path = tmp_path / "similarity.csv"
    write_csv([PairScore(ids[0], ids[1], 0.9, 0.7, 500), PairScore(ids[2], ids[3], 0.3, 0.2, 9)],
              csv_path)  # fmt: skip
    report = _report(class_db, similarity_csv=csv_path)
    reasons = {f.label: f.reasons for f in report.worth_a_look}
    assert f"90% similar to {ids[1]}" in reasons[ids[0]]
    assert not any("similar" in r for r in reasons.get(ids[2], ()))  # below the threshold
    hung = [sid for sid in ids if _variant(sid) == "infinite_loop.ipynb"]
    assert hung and all("hung (timed out)" in reasons[sid] for sid in hung)
    assert sum("among the lowest 10%" in r for r in reasons.values()) >= 3
    assert {p[1] for p in report.problems} == {"timeout", "invalid"}
    assert str(csv_path) in report.similarity_source
    missing = _report(class_db, similarity_csv=tmp_path / "none.csv")
    assert "does not exist" in missing.similarity_source


@pytest.fixture(scope="module")
def cli_run(class_db, tmp_path_factory) -> tuple[int, str, Path]:
    """`mbrl-course report --assignment 02` run once on the class: (status, stdout, out dir)."""
    out = tmp_path_factory.mktemp("report")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = cli_main(["report", "--root", str(REPO), "--assignment", "02", "--db",
                                  str(class_db.path), "--out", str(out)])  # fmt: skip
    return status, buffer.getvalue(), out


def test_html_is_self_contained_and_escapes_messages(cli_run):
    """The page has figures inline, no script and no external resource; student text is inert."""
    page = (cli_run[2] / f"report-{ASSIGNMENT}.html").read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and page.count("data:image/png;base64,") == 2
    assert "<script" not in page.lower() and 'src="http' not in page and 'href="http' not in page
    assert HOSTILE_MESSAGE not in page and "&lt;script&gt;window.pwned" in page


def test_terminal_summary_and_cli(class_db, cli_run):
    """`mbrl-course report` exits 0 and prints the summary of the class."""
    status, out, _ = cli_run
    assert status == 0 and out.startswith(f"class report, {ASSIGNMENT}: {N} submissions")
    assert "most failed tests" in out and "worth a look" in out and "wrote " in out
    assert out.split("\nwrote ")[0] == summary(_report(class_db))


def test_cli_refuses_a_missing_gradebook_and_an_unknown_assignment(class_db, tmp_path, capsys):
    """A missing gradebook or an unknown assignment gets a clear message and exit status 2."""
    assert cli_main(["report", "--assignment", "02", "--db", str(tmp_path / "no.sqlite")]) == 2
    assert "mbrl-course grade" in capsys.readouterr().err
    assert cli_main(["report", "--assignment", "07", "--db", str(class_db.path)]) == 2
    assert "mbrl-course report: assignment '07' matches none" in capsys.readouterr().err


def test_a_class_that_did_equally_well_has_no_lowest(tmp_path):
    """Three submissions with the same total are not flagged as "the lowest"; nothing crashes."""
    with GradebookDB.open(tmp_path / "gradebook.sqlite") as db:
        populate(db, 3)
        report = collect(db, "99_synthetic")
    assert report.submissions == 3 and report.worth_a_look == []
    assert "3 submissions (graded 3)" in summary(report)
