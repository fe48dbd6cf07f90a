"""Batch grading orchestration (`mbrl-course grade`): statuses, isolation, outputs, exit codes.

Most tests inject a fake runner (a tiny script speaking the runner's CLI and JSON) so they check
the orchestration in milliseconds; the tests at the end use the real trusted runner on a tiny
fixture assignment when the runner is available.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from mbrl_course.autograder import find_autograders
from mbrl_course.cli import main as cli_main
from mbrl_course.gradebook.db import GradebookDB
from mbrl_course.gradebook.outputs import Scrubbers, write_outputs
from mbrl_course.grading import batch as batch_mod
from mbrl_course.grading import grade
from mbrl_course.grading.batch import Job, Settings, grade_batch
from mbrl_course.grading.shards import Selection, SelectionError
from mbrl_course.grading.submissions import Submission, discover
from mbrl_course.written import answers as written
from mbrl_course.written import rubrics as rubric_mod
from mbrl_grader.results import Limits


def main(argv: list[str]) -> int:
    """`mbrl-course grade ARGV`, through the one parser tree."""
    return cli_main(["grade", *argv])


ASSIGNMENT = "00_fixture"

TEST_Q1 = """\
from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=2, hidden=False)
def test_add_small(add):
    assert add(1, 2) == 3, "add(1, 2) should return 3"

@test_case(points=1, hidden=True)
def test_add_negative(add):
    SECRET_HIDDEN_LINE = add(-5, 2)
    assert SECRET_HIDDEN_LINE == -3, "add() is wrong for negative numbers"
"""

TEST_Q2 = """\
from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(hidden=False)
def test_answer_type(answer):
    assert isinstance(answer, int), "answer should be an int"

@test_case(hidden=True)
def test_answer_value(answer):
    assert answer == 42, "answer is not right"
"""

# The fake runner: answers like `python -m mbrl_grader.runner NB AG --timeout S --json OUT`.
# It reads markers from the notebook's code: `FAKE_SLEEP=s`, `FAKE_CRASH`, `FAKE_SPAM`,
# `FAKE_LOG=path` (append start/end times), and scores `add`/`answer` by looking at the source.
FAKE_RUNNER = r"""
import json, re, sys, time
nb_path, ag, *rest = sys.argv[1:]
out = rest[rest.index("--json") + 1]
src = "\n".join("".join(c["source"]) for c in json.load(open(nb_path))["cells"] if c["cell_type"] == "code")
log = re.search(r"FAKE_LOG=(\S+)", src)
if log:
    open(log.group(1), "a").write(f"start {time.time()}\n")
m = re.search(r"FAKE_SLEEP=([\d.]+)", src)
if m:
    time.sleep(float(m.group(1)))
if log:
    open(log.group(1), "a").write(f"end {time.time()}\n")
if "FAKE_CRASH" in src:
    print("Traceback: the grader blew up", file=sys.stderr)
    sys.exit(3)
if "FAKE_SPAM" in src:
    for _ in range(50):
        sys.stdout.write("z" * 1_000_000)
good_add = "return a + b" in src
good_answer = "answer = 42" in src
tb = 'File "/ag/tests/q1.py", line 12, in test_add_negative\n    SECRET_HIDDEN_LINE = add(-5, 2)'
outcomes = [
    dict(question="q1", name="test_add_small", hidden=False, points=2.0 if good_add else 0.0,
         max_points=2.0, passed=good_add, message="" if good_add else "add(1, 2) should return 3"),
    dict(question="q1", name="test_add_negative", hidden=True, points=1.0 if good_add else 0.0,
         max_points=1.0, passed=good_add,
         message="" if good_add else "add() is wrong for negative numbers\n" + tb),
    dict(question="q2", name="test_answer_type", hidden=False, points=1.0, max_points=1.0,
         passed=True, message=""),
    dict(question="q2", name="test_answer_value", hidden=True, points=1.0 if good_answer else 0.0,
         max_points=1.0, passed=good_answer, message="" if good_answer else "answer is not right"),
]
argv_log = re.search(r"FAKE_ARGV=(\S+)", src)
if argv_log:
    json.dump(sys.argv[1:], open(argv_log.group(1), "w"))
status = "sideways" if "FAKE_BAD_STATUS" in src else "graded"
json.dump({"status": status, "reason": "", "outcomes": outcomes,
           "isolation": {"level": "namespaces", "user": "fake"},
           "timings": {"execute_s": 0.01}}, open(out, "w"))
"""

GOOD = "def add(a, b):\n    return a + b\n"
BAD = "def add(a, b):\n    return a - b\n"


def make_autograder(root: Path, name: str = ASSIGNMENT) -> Path:
    """Write a tiny autograder folder (otter exception-style tests, and a zip whose build options
    show hidden results once published) and return its root."""
    tests = root / name / "tests"
    tests.mkdir(parents=True)
    (tests / "q1.py").write_text(TEST_Q1)
    (tests / "q2.py").write_text(TEST_Q2)
    with zipfile.ZipFile(root / name / f"{name}-autograder.zip", "w") as zf:
        zf.writestr("mbrl_grading.json", json.dumps({"hidden_visibility": "after_published"}))
    return root


def notebook(*code: str, assignment: str | None = ASSIGNMENT) -> str:
    """A student notebook with the given code cells (and otter metadata naming `assignment`)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Fixture")] + [
        nbformat.v4.new_code_cell(c) for c in code
    ]
    if assignment:
        nb.metadata["otter"] = {"assignment_name": assignment}
    return nbformat.writes(nb)


def _with_kernelspec(text: str, kernelspec: dict | None) -> str:
    """The notebook `text` with its kernelspec replaced (None: removed)."""
    nb = nbformat.reads(text, as_version=4)
    nb.metadata.pop("kernelspec", None)
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    return nbformat.writes(nb)


def fake_runner(tmp: Path) -> list[str]:
    """Write the fake runner script and return the command that starts it."""
    script = tmp / "fake_runner.py"
    script.write_text(FAKE_RUNNER)
    return [sys.executable, str(script)]


def tree_hashes(folder: Path) -> dict[str, str]:
    """Hash of every file under `folder` (to prove inputs are untouched)."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def course_folder(tmp_path: Path, monkeypatch) -> Path:
    """A course root in tmp_path, so the default gradebook database never lands in the repo."""
    root = tmp_path / "course"
    monkeypatch.setattr(grade, "course_root", lambda *_: root)
    return root


@pytest.fixture
def env(tmp_path: Path, monkeypatch):
    """Autograder root, fake runner command, and a submissions folder full of trouble."""
    monkeypatch.setattr(batch_mod, "KILL_GRACE", 0.5)
    ag_root = make_autograder(tmp_path / "autograder")
    subs = tmp_path / "subs"
    (subs / "alice").mkdir(parents=True)
    (subs / "bob").mkdir()
    (subs / "alice" / "hw.ipynb").write_text(notebook(GOOD, "answer = 42"))
    (subs / "bob" / "hw.ipynb").write_text(notebook(BAD, "answer = 41"))
    (subs / "carol.ipynb").write_text(notebook(GOOD, "answer = 42")[:100])
    (subs / "dave.ipynb").write_text("")
    (subs / "erin.ipynb").write_text(notebook(assignment=ASSIGNMENT))
    (subs / "frank.ipynb").write_text(notebook(GOOD, assignment="99_other"))
    (subs / "gina.ipynb").write_text(notebook("FAKE_CRASH = 1"))
    (subs / "hal.ipynb").write_text(notebook("FAKE_SLEEP=30"))
    (subs / "ivan.ipynb").write_text(notebook("FAKE_SPAM = 1", GOOD))
    (subs / "liam hw (copy 1).ipynb").write_text(notebook(GOOD, "answer = 42"))  # renamed
    with zipfile.ZipFile(subs / "judy.zip", "w") as zf:
        zf.writestr("judy.ipynb", notebook(GOOD, "answer = 42"))
        zf.writestr(".OTTER_LOG", b"\x80\x04 pickle bytes that must never be loaded")
        zf.writestr("__zip_filename__", "judy.zip")
    with zipfile.ZipFile(subs / "kim.zip", "w") as zf:
        zf.writestr(".OTTER_LOG", b"x")
    (subs / ".ipynb_checkpoints").mkdir()
    (subs / ".ipynb_checkpoints" / "hw-checkpoint.ipynb").write_text(notebook(GOOD))
    (subs / "notes.txt").write_text("not a submission")
    settings = Settings(
        autograders=find_autograders(ag_root),
        limits=Limits(timeout_s=2.0),
        jobs=2,
        runner_cmd=fake_runner(tmp_path),
        kill_grace=0.5,
    )
    return {"ag": ag_root, "subs": subs, "settings": settings, "tmp": tmp_path}


def batch(env, assignment=ASSIGNMENT):
    """Grade the fixture folder and return records by id."""
    subs = discover([env["subs"]])
    records = grade_batch([Job(s, assignment) for s in subs], env["settings"], progress=False)
    return {r.id: r for r in records}


@pytest.mark.slow
def test_every_kind_of_bad_input_gets_its_row_and_the_batch_completes(env):
    """Each troublesome submission yields one row with the right status, points and reason."""
    rows = batch(env)
    assert sorted(rows) == sorted(
        [
            "alice/hw.ipynb",
            "bob/hw.ipynb",
            "carol.ipynb",
            "dave.ipynb",
            "erin.ipynb",
            "frank.ipynb",
            "gina.ipynb",
            "hal.ipynb",
            "ivan.ipynb",
            "judy.zip",
            "kim.zip",
            "liam hw (copy 1).ipynb",
        ]
    )
    status = {k: (r.status, r.total) for k, r in rows.items()}
    assert status["alice/hw.ipynb"] == ("graded", 5.0)
    assert status["bob/hw.ipynb"] == ("graded", 1.0)
    assert status["judy.zip"] == ("graded", 5.0)
    assert status["ivan.ipynb"] == ("graded", 4.0)
    assert status["liam hw (copy 1).ipynb"] == ("graded", 5.0)
    assert status["carol.ipynb"][0] == "invalid" and "JSON" in rows["carol.ipynb"].reason
    assert status["dave.ipynb"][0] == "invalid" and "empty" in rows["dave.ipynb"].reason
    assert status["erin.ipynb"][0] == "invalid" and "no code" in rows["erin.ipynb"].reason
    assert status["frank.ipynb"][0] == "invalid" and "99_other" in rows["frank.ipynb"].reason
    assert status["gina.ipynb"][0] == "error" and "exit code 3" in rows["gina.ipynb"].reason
    assert status["hal.ipynb"][0] == "timeout" and "2 s" in rows["hal.ipynb"].reason
    assert status["kim.zip"][0] == "invalid" and "no notebook" in rows["kim.zip"].reason
    for r in rows.values():
        assert r.possible == 5.0, r.id  # possible known even when nothing ran
        if r.status != "graded":
            assert r.total == 0.0 and r.reason


def test_duplicate_file_names_in_different_folders_get_distinct_ids(tmp_path):
    """Two students' `hw.ipynb` in two folders given separately keep distinct, readable ids."""
    for d in ("sec1", "sec2"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "hw.ipynb").write_text(notebook(GOOD))
    ids = [s.id for s in discover([tmp_path / "sec1", tmp_path / "sec2"])]
    assert ids == ["sec1/hw.ipynb", "sec2/hw.ipynb"]


def test_parallel_jobs_overlap(env, tmp_path):
    """With --jobs 2, two slow submissions are graded at the same time."""
    log = tmp_path / "times.log"
    d = tmp_path / "par"
    d.mkdir()
    for k in range(2):
        (d / f"s{k}.ipynb").write_text(notebook(f"FAKE_SLEEP=0.8\nFAKE_LOG={log}"))
    recs = grade_batch([Job(s, ASSIGNMENT) for s in discover([d])], env["settings"], progress=False)
    assert [r.status for r in recs] == ["graded", "graded"]
    lines = log.read_text().splitlines()
    starts = sorted(float(x.split()[1]) for x in lines if x.startswith("start"))
    ends = sorted(float(x.split()[1]) for x in lines if x.startswith("end"))
    assert starts[1] < ends[0], "the second job started only after the first ended"


@pytest.mark.slow
def test_cli_writes_gradebook_feedback_and_never_touches_inputs(env, monkeypatch, capsys):
    """`grade` exits 0, writes CSV/JSON/feedback under --out, and leaves inputs byte-identical."""
    before = tree_hashes(env["subs"])
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    out = env["tmp"] / "out"
    rc = main(
        [
            str(env["subs"]),
            "--assignment",
            ASSIGNMENT,
            "--out",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "2",
            "--autograders",
            str(env["ag"]),
            "--no-progress",
        ]
    )
    assert rc == 0
    assert tree_hashes(env["subs"]) == before
    with (out / "grades.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [
        "submission",
        "assignment",
        "q1",
        "q2",
        "auto",
        "manual",
        "total",
        "possible",
        "status",
        "reason",
    ]
    bob = next(r for r in rows if r["submission"] == "bob/hw.ipynb")
    assert (bob["q1"], bob["q2"], bob["total"], bob["possible"], bob["status"]) == (
        "0",
        "1",
        "1",
        "5",
        "graded",
    )
    doc = json.loads((out / "grades.json").read_text())
    assert doc["assignments"][ASSIGNMENT]["questions"] == {"q1": 3.0, "q2": 2.0}
    assert len(doc["submissions"]) == 12
    fb = (out / "feedback" / "bob__hw.ipynb.md").read_text()
    assert "add() is wrong for negative numbers" in fb and "FAILED" in fb
    assert "SECRET_HIDDEN_LINE" not in fb and "/ag/tests" not in fb
    assert "SECRET_HIDDEN_LINE" not in (out / "grades.json").read_text()
    assert len(list((out / "feedback").glob("*.md"))) == 12
    printed = capsys.readouterr().out
    assert "grades.csv" in printed and "feedback" in printed


@pytest.mark.slow
def test_regrading_gives_identical_gradebooks(env, monkeypatch):
    """Grading the same folder twice writes the same CSV."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    outs = []
    for k in range(2):
        out = env["tmp"] / f"out{k}"
        assert (
            main(
                [
                    str(env["subs"]),
                    "-a",
                    ASSIGNMENT,
                    "-o",
                    str(out),
                    "--timeout",
                    "2",
                    "--autograders",
                    str(env["ag"]),
                    "--no-progress",
                ]
            )
            == 0
        )
        outs.append((out / "grades.csv").read_text())
    assert outs[0] == outs[1]


def test_assignment_is_inferred_from_metadata_and_missing_metadata_is_explained(env):
    """Without --assignment, metadata decides; a notebook without it is invalid with a hint."""
    d = env["tmp"] / "infer"
    d.mkdir()
    (d / "a.ipynb").write_text(notebook(GOOD, "answer = 42"))
    (d / "b.ipynb").write_text(notebook(GOOD, assignment=None))
    (d / "c.ipynb").write_text(notebook(GOOD, assignment="77_unknown"))
    recs = {
        r.id: r
        for r in grade_batch([Job(s) for s in discover([d])], env["settings"], progress=False)
    }
    assert (recs["a.ipynb"].status, recs["a.ipynb"].assignment, recs["a.ipynb"].total) == (
        "graded",
        ASSIGNMENT,
        5.0,
    )
    assert recs["b.ipynb"].status == "invalid" and "--assignment" in recs["b.ipynb"].reason
    assert recs["c.ipynb"].status == "invalid" and "77_unknown" in recs["c.ipynb"].reason


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--assignment", "nope"], "assignment 'nope' matches none"),
        (["--autograders", "EMPTY"], "no autograder built"),
        (["MISSING_INPUT"], "no such file or folder"),
        (["--out", "SUBS/inside"], "inside the submissions folder"),
    ],
)
def test_tool_errors_exit_nonzero(env, capsys, extra, message):
    """The tool exits 2 with a clear message only when it cannot work at all."""
    (env["tmp"] / "empty").mkdir()
    extra = [
        e.replace("EMPTY", str(env["tmp"] / "empty"))
        .replace("SUBS", str(env["subs"]))
        .replace("MISSING_INPUT", str(env["tmp"] / "missing"))
        for e in extra
    ]
    argv = [
        str(env["subs"]),
        "--out",
        str(env["tmp"] / "o"),
        "--autograders",
        str(env["ag"]),
        *extra,
    ]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_out_folder_with_foreign_files_is_refused(env, capsys):
    """An existing --out folder not made by the tool is never overwritten."""
    out = env["tmp"] / "mine"
    out.mkdir()
    (out / "grades.csv").write_text("the instructor's own file\n")
    assert main([str(env["subs"]), "-o", str(out), "--autograders", str(env["ag"])]) == 2
    assert (out / "grades.csv").read_text() == "the instructor's own file\n"
    assert "not written by" in capsys.readouterr().err


def test_write_outputs_replaces_its_own_stale_feedback(env):
    """Feedback of an earlier batch in the tool's own --out folder is replaced, not accumulated."""
    out = env["tmp"] / "out"
    recs = grade_batch(
        [Job(s, ASSIGNMENT) for s in discover([env["subs"] / "alice"])],
        env["settings"],
        progress=False,
    )
    write_outputs(recs, out, Scrubbers(env["settings"].autograders))
    (out / "feedback" / "old.md").write_text("stale")
    write_outputs(recs, out, Scrubbers(env["settings"].autograders))
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["hw.ipynb.md"]


# ------------------------------------------------------------------ with the real trusted runner


REAL_CASES = {
    "correct.ipynb": (notebook(GOOD, "answer = 42"), "graded", 5.0),
    "buggy.ipynb": (notebook(BAD, "answer = 42"), "graded", 2.0),
    "renamed_function.ipynb": (
        notebook("def plus(a, b):\n    return a + b", "answer = 42"),
        "graded",
        2.0,
    ),
    "raises.ipynb": (notebook(GOOD, "raise ValueError('oops')", "answer = 42"), "graded", 5.0),
    "loop.ipynb": (notebook(GOOD, "while True:\n    pass", "answer = 42"), "timeout", 0.0),
    # the runner skips a cell that kills the process and grades the rest
    "os_exit.ipynb": (notebook(GOOD, "import os\nos._exit(3)", "answer = 42"), "graded", 5.0),
    "prints_a_lot.ipynb": (
        notebook(
            "import sys\nfor _ in range(200):\n    sys.stdout.write('y' * 1_000_000)",
            GOOD,
            "answer = 42",
        ),
        "graded",
        5.0,
    ),
    # kernels are never started, so a student's own kernelspec (or none) changes nothing
    "custom_kernel.ipynb": (
        _with_kernelspec(
            notebook(GOOD, "answer = 42"),
            {"name": "my-conda-env", "display_name": "My env", "language": "python"},
        ),
        "graded",
        5.0,
    ),
    "no_kernelspec.ipynb": (_with_kernelspec(notebook(GOOD, "answer = 42"), None), "graded", 5.0),
}


@pytest.mark.slow
def test_real_runner_grades_the_fixture_corpus_reproducibly(tmp_path):
    """The real runner gives each fixture case its status and score, twice in a row.

    The second run leaves out the endless loop: its status comes from the clock, not from the
    grading, and it would only burn the time limit once more.
    """
    ag_root = make_autograder(tmp_path / "autograder")
    subs = tmp_path / "subs"
    subs.mkdir()
    for fname, (text, _, _) in REAL_CASES.items():
        (subs / fname).write_text(text)
    settings = Settings(
        autograders=find_autograders(ag_root),
        limits=Limits(timeout_s=8.0),
        jobs=2,
        kill_grace=5.0,
    )
    before = tree_hashes(subs)
    runs = []
    for cases in (REAL_CASES, {k: v for k, v in REAL_CASES.items() if v[1] != "timeout"}):
        jobs = [Job(s, ASSIGNMENT) for s in discover([subs]) if s.id in cases]
        recs = {r.id: r for r in grade_batch(jobs, settings, progress=False)}
        assert set(recs) == set(cases)
        runs.append({k: (r.status, r.total) for k, r in recs.items()})
        for fname, (_, status, total) in cases.items():
            assert (recs[fname].status, recs[fname].total) == (status, total), (
                fname,
                recs[fname].reason,
            )
    assert {k: v for k, v in runs[0].items() if k in runs[1]} == runs[1]
    assert tree_hashes(subs) == before


def test_isolation_report_reaches_the_gradebook(env, monkeypatch):
    """The runner's isolation report is kept in the database and grades.json (it was dropped)."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    out = env["tmp"] / "out"
    argv = [str(env["subs"] / "alice"), "-a", ASSIGNMENT, "-o", str(out)]
    assert main([*argv, "--autograders", str(env["ag"]), "--no-progress"]) == 0
    [row] = json.loads((out / "grades.json").read_text())["submissions"]
    assert row["isolation"] == {"level": "namespaces", "user": "fake"}


def test_every_limit_reaches_the_runner_as_one_limits_object(env, monkeypatch):
    """The CLI builds one Limits; the runner gets exactly Limits.cli_args() (no limit lost)."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    log = env["tmp"] / "argv.json"
    d = env["tmp"] / "one"
    d.mkdir()
    (d / "s.ipynb").write_text(notebook(GOOD, f"FAKE_ARGV={log}"))
    limits = Limits(
        timeout_s=9.0,
        cell_timeout_s=3.0,
        test_timeout_s=7.0,
        memory_mb=512,
        output_limit_chars=1000,
        max_restarts=1,
    )
    options = ["--timeout", "9", "--cell-timeout", "3", "--test-timeout", "7"]
    options += ["--memory-mb", "512", "--output-limit", "1000", "--max-restarts", "1"]
    argv = [str(d), "-a", ASSIGNMENT, "-o", str(env["tmp"] / "out"), *options]
    assert main([*argv, "--autograders", str(env["ag"]), "--no-progress"]) == 0
    got = json.loads(log.read_text())
    start = got.index("--timeout")
    assert got[start : start + len(limits.cli_args())] == limits.cli_args()


def test_help_shows_the_defaults_of_limits(capsys):
    """Help texts derive their defaults from Limits() instead of restating numbers."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    d = Limits()
    assert f"(default {d.timeout_s:g} s)" in text and f"(default {d.memory_mb} MB)" in text
    assert f"(default {d.cell_timeout_s:g} s)" in text


def test_unreadable_runner_result_is_an_error_row(env):
    """A result with an unknown status becomes an `error` row naming the problem."""
    d = env["tmp"] / "bad"
    d.mkdir()
    (d / "s.ipynb").write_text(notebook(GOOD, "FAKE_BAD_STATUS = 1"))
    [rec] = grade_batch(
        [Job(s, ASSIGNMENT) for s in discover([d])], env["settings"], progress=False
    )
    assert rec.status == "error" and "unreadable result" in rec.reason and "sideways" in rec.reason


# ------------------------------------------------------------------ the gradebook database


def _small_corpus(env) -> Path:
    """Four gradable submissions (two correct, one buggy, one zip)."""
    d = env["tmp"] / "small"
    d.mkdir()
    (d / "s1.ipynb").write_text(notebook(GOOD, "answer = 42"))
    (d / "s2.ipynb").write_text(notebook(BAD, "answer = 42"))
    (d / "s3.ipynb").write_text(notebook(GOOD, "answer = 41"))
    (d / "s4.ipynb").write_text(notebook(GOOD, "answer = 42"))
    return d


def _grade_cli(env, folder: Path, db: Path, *extra: str) -> int:
    """`mbrl-course grade` on `folder` with the fake runner into `db`."""
    out = env["tmp"] / "out"
    argv = [str(folder), "-a", ASSIGNMENT, "-o", str(out), "--db", str(db), "--no-progress"]
    return main([*argv, "--autograders", str(env["ag"]), *extra])


def test_default_database_is_in_the_course_folder(env, monkeypatch, course_folder):
    """Without --db, `grade` writes ROOT/gradebook.sqlite."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    argv = [str(_small_corpus(env)), "-a", ASSIGNMENT, "-o", str(env["tmp"] / "o")]
    assert main([*argv, "--autograders", str(env["ag"]), "--no-progress"]) == 0
    with GradebookDB.open(course_folder / "gradebook.sqlite") as db:
        assert db.submission_ids() == ["s1.ipynb", "s2.ipynb", "s3.ipynb", "s4.ipynb"]


def _add_written_question(env) -> None:
    """Give the fixture autograder a 2-point written question q9 (rubrics.json, as built)."""
    rubric = rubric_mod.Rubric(
        "q9", 2.0, "**Question 9.** Why plan?", (rubric_mod.RubricItem("1", "a", 2.0),)
    )
    text = rubric_mod.rubrics_json({"q9": rubric}, ASSIGNMENT)
    (env["ag"] / ASSIGNMENT / rubric_mod.RUBRICS_FILE).write_text(text)


def _with_answer(answer: str | None, *code: str) -> str:
    """A fixture notebook with the written block of q9 (None: no answer cell) after `code`."""
    nb = nbformat.reads(notebook(*code), as_version=4)
    locked = {"deletable": False, "editable": False}
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            f"{written.BEGIN_MARKER}\n\n**Question 9.** Why plan?", metadata=locked
        )
    )
    if answer is not None:
        tags = {"tags": ["otter_answer_cell"]}
        nb.cells.append(nbformat.v4.new_markdown_cell(answer, metadata=tags))
    nb.cells.append(nbformat.v4.new_markdown_cell(written.END_MARKER, metadata=locked))
    return nbformat.writes(nb)


def test_written_answers_are_stored_and_exported(env, monkeypatch):
    """Each submission's answer to a written question lands in the database with its status."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    _add_written_question(env)
    d, db_path = _small_corpus(env), env["tmp"] / "gb.sqlite"
    (d / "s1.ipynb").write_text(_with_answer("Planning *reuses* experience.", GOOD, "answer = 42"))
    (d / "s2.ipynb").write_text(_with_answer(written.PLACEHOLDER, BAD, "answer = 42"))
    assert _grade_cli(env, d, db_path) == 0
    with GradebookDB.open(db_path) as db:
        assert db.written_questions(ASSIGNMENT) == ["q9"]
        rows = {r.submission_id: (r.status, r.text) for r in db.written_answers(ASSIGNMENT, "q9")}
    assert rows["s1.ipynb"] == ("ok", "Planning *reuses* experience.")
    assert rows["s2.ipynb"][0] == "empty" and rows["s3.ipynb"][0] == "missing"
    doc = json.loads((env["tmp"] / "out" / "grades.json").read_text())
    s1 = next(r for r in doc["submissions"] if r["submission"] == "s1.ipynb")
    assert s1["written"]["q9"] == {
        "status": "ok", "max_points": 2.0, "points": None, "items": [], "comment": "", "grader": "",
        "answer_changed": False,
    }  # fmt: skip
    assert (
        "not graded yet (2 points)" in (env["tmp"] / "out" / "feedback" / "s1.ipynb.md").read_text()
    )


def test_regrade_keeps_manual_scores_in_exports(env, monkeypatch):
    """A human's score survives a regrade of a changed file and shows in grades.csv."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    _add_written_question(env)
    d, db_path = _small_corpus(env), env["tmp"] / "gb.sqlite"
    (d / "s2.ipynb").write_text(_with_answer("First try.", BAD, "answer = 42"))
    assert _grade_cli(env, d, db_path) == 0
    with GradebookDB.open(db_path) as db:
        db.set_manual_score(
            "s2.ipynb", ASSIGNMENT, "q9", items=("1",), points=1.5, comment="", grader="ta",
            expected_version=0,
        )  # fmt: skip
    # the student's fixed resubmission, regraded
    (d / "s2.ipynb").write_text(_with_answer("Second try.", GOOD, "answer = 42"))
    assert _grade_cli(env, d, db_path) == 0
    with (env["tmp"] / "out" / "grades.csv").open() as fh:
        row = next(r for r in csv.DictReader(fh) if r["submission"] == "s2.ipynb")
    assert (row["q1"], row["q9"], row["auto"], row["manual"], row["total"]) == (
        "3", "1.5", "5", "1.5", "6.5",
    )  # fmt: skip
    assert row["possible"] == "7"
    with GradebookDB.open(db_path) as db:
        assert db.written_of("s2.ipynb")["q9"] == ("ok", "Second try.")


def test_resume_skips_unchanged_submissions_and_regrades_changed_ones(env, monkeypatch, capsys):
    """--resume grades only new or changed files (same autograder); errors are retried."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    d, db_path = _small_corpus(env), env["tmp"] / "gb.sqlite"
    assert _grade_cli(env, d, db_path) == 0
    capsys.readouterr()
    log = env["tmp"] / "runs.log"
    (d / "s3.ipynb").write_text(notebook(GOOD, "answer = 42", f"FAKE_LOG={log}"))
    (d / "s5.ipynb").write_text(notebook(GOOD, "answer = 42", f"FAKE_LOG={log}"))
    assert _grade_cli(env, d, db_path, "--resume") == 0
    assert (
        "--resume: 3 submission(s) already graded from the same file with the same autograder, "
        "skipped (3 graded); rows with status error are always regraded"
    ) in capsys.readouterr().out
    assert log.read_text().count("start") == 2  # s3 (changed) and s5 (new) only
    with GradebookDB.open(db_path) as db:
        rows = {s.submission_id: s for s in db.submissions()}
    assert sorted(rows) == [f"s{k}.ipynb" for k in range(1, 6)]
    assert rows["s3.ipynb"].result.score == 5.0


def test_resume_regrades_everything_when_the_autograder_changes(env, monkeypatch, capsys):
    """Editing a test file changes the autograder digest, so --resume regrades every file."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    d, db_path = _small_corpus(env), env["tmp"] / "gb.sqlite"
    assert _grade_cli(env, d, db_path) == 0
    tests = env["ag"] / ASSIGNMENT / "tests" / "q2.py"
    tests.write_text(tests.read_text() + "\n# a comment changes the digest\n")
    capsys.readouterr()
    assert _grade_cli(env, d, db_path, "--resume") == 0
    assert "already graded" not in capsys.readouterr().out


def test_ctrl_c_mid_batch_keeps_finished_rows_and_resume_completes(env, monkeypatch, capsys):
    """An interrupt after two stored submissions leaves them stored; --resume grades the rest."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    d, db_path = _small_corpus(env), env["tmp"] / "gb.sqlite"
    original = GradebookDB.record_result
    calls = []

    def interrupted(self, *args, **kwargs):
        calls.append(args[0])
        if len(calls) == 3:  # Ctrl-C arrives while the third submission is being stored
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GradebookDB, "record_result", interrupted)
    assert _grade_cli(env, d, db_path, "--jobs", "1") == 130
    assert "rerun with --resume" in capsys.readouterr().err
    monkeypatch.setattr(GradebookDB, "record_result", original)
    with GradebookDB.open(db_path) as db:
        assert len(db.submission_ids()) == 2
        assert all(len(s.result.outcomes) == 4 for s in db.submissions())  # complete rows only
    assert _grade_cli(env, d, db_path, "--resume") == 0
    assert "2 submission(s) already graded" in capsys.readouterr().out
    with GradebookDB.open(db_path) as db:
        assert len(db.submission_ids()) == 4


def test_gradebook_write_failure_is_a_clear_tool_error(env, monkeypatch, capsys):
    """A database that cannot be written (disk full) stops with exit 2 and says what is kept."""
    import sqlite3

    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)

    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(GradebookDB, "record_result", full)
    assert _grade_cli(env, _small_corpus(env), env["tmp"] / "gb.sqlite") == 2
    err = capsys.readouterr().err
    assert "disk is full" in err and "--resume" in err


def test_interrupted_shard_run_resumes_into_its_own_out_folder(env, monkeypatch, capsys):
    """A shard's --out holds its database; after Ctrl-C the same command with --resume works."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    d, out = _small_corpus(env), env["tmp"] / "shard0"

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    argv = [str(d), "-a", ASSIGNMENT, "-o", str(out), "--shard", "0/1", "--no-progress"]
    argv += ["--autograders", str(env["ag"])]
    with monkeypatch.context() as m:
        m.setattr(GradebookDB, "record_result", interrupted)
        assert main(argv) == 130
    assert (out / "gradebook.sqlite").is_file()
    assert main([*argv, "--resume"]) == 0, capsys.readouterr().err
    assert len(list((out / "feedback").glob("*.md"))) == 4


# ------------------------------------------------------------------ selective regrades


def _runs(log: Path) -> int:
    """How many fake runner starts `log` recorded (then empty it)."""
    count = log.read_text().count("start") if log.exists() else 0
    log.write_text("")
    return count


@pytest.mark.slow
def test_only_status_regrades_just_those_rows_under_their_ids_keeping_manual_scores(
    env, monkeypatch, capsys
):
    """`--only-status timeout` with more time regrades only the timed-out row, under its id,
    keeps every manual score, leaves the other rows as stored and rewrites the exports."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    _add_written_question(env)
    d, db_path, log = _small_corpus(env), env["tmp"] / "gb.sqlite", env["tmp"] / "runs.log"
    (d / "s1.ipynb").write_text(_with_answer("Reuse.", GOOD, "answer = 42", f"FAKE_LOG={log}"))
    hung = _with_answer("Plan ahead.", GOOD, "answer = 42", "FAKE_SLEEP=1.5", f"FAKE_LOG={log}")
    (d / "s5.ipynb").write_text(hung)
    assert _grade_cli(env, d, db_path, "--timeout", "0.3") == 0
    assert _runs(log) == 2
    with GradebookDB.open(db_path) as db:
        assert db.statuses()["s5.ipynb"] == "timeout"
        for sid in ("s1.ipynb", "s5.ipynb"):
            db.set_manual_score(
                sid, ASSIGNMENT, "q9", items=("1",), points=2, comment="ok", grader="ta",
                expected_version=0,
            )  # fmt: skip
        before = {s.submission_id: s for s in db.submissions()}
        scores = db.manual_scores(ASSIGNMENT)
    capsys.readouterr()
    assert _grade_cli(env, d, db_path, "--only-status", "timeout", "--timeout", "20") == 0
    out = capsys.readouterr().out
    assert _runs(log) == 1  # s5 only
    assert "regraded 1 submission(s) (--only-status timeout) under their ids" in out
    assert "the other 4 row(s) are unchanged" in out
    with GradebookDB.open(db_path) as db:
        after = {s.submission_id: s for s in db.submissions()}
        assert db.manual_scores(ASSIGNMENT) == scores and db.changed_answers(ASSIGNMENT) == set()
    assert sorted(after) == sorted(before)
    assert after["s5.ipynb"].result.status == "graded" and after["s5.ipynb"].result.score == 5
    assert all(after[sid] == before[sid] for sid in before if sid != "s5.ipynb")
    with (env["tmp"] / "out" / "grades.csv").open() as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert sorted(rows) == sorted(before)
    assert (rows["s5.ipynb"]["status"], rows["s5.ipynb"]["total"]) == ("graded", "7")
    assert _grade_cli(env, d, db_path, "--only-status", "timeout") == 0  # nothing left to redo
    assert _runs(log) == 0 and "no stored row to regrade" in capsys.readouterr().err


def test_only_id_regrades_the_ids_given_and_refuses_unknown_ones(env, monkeypatch, capsys):
    """`--only-id` and `--only-ids-file` regrade exactly those rows; an id that no input has,
    or a selection with --resume, is refused before anything is graded (exit 2)."""
    monkeypatch.setattr(batch_mod, "DEFAULT_RUNNER_CMD", env["settings"].runner_cmd)
    d, db_path, log = _small_corpus(env), env["tmp"] / "gb.sqlite", env["tmp"] / "runs.log"
    for k in (1, 2, 3):
        (d / f"s{k}.ipynb").write_text(notebook(GOOD, "answer = 42", f"FAKE_LOG={log}"))
    assert _grade_cli(env, d, db_path) == 0
    assert _runs(log) == 3
    ids = env["tmp"] / "ids.txt"
    ids.write_text("# to regrade\ns3.ipynb\n\n")
    capsys.readouterr()
    assert _grade_cli(env, d, db_path, "--only-id", "s1.ipynb", "--only-ids-file", str(ids)) == 0
    assert _runs(log) == 2 and "regraded 2 submission(s)" in capsys.readouterr().out
    assert _grade_cli(env, d, db_path, "--only-id", "alice/s1.ipynb") == 2
    err = capsys.readouterr().err
    assert "no submission 'alice/s1.ipynb' among the inputs" in err and "s1.ipynb" in err
    assert _grade_cli(env, d, db_path, "--only-id", "s1.ipynb", "--resume") == 2
    assert "--resume would skip them" in capsys.readouterr().err
    ids.write_text("# nothing\n")
    assert _grade_cli(env, d, db_path, "--only-ids-file", str(ids)) == 2
    assert "no submission id in it" in capsys.readouterr().err
    assert _runs(log) == 0


def test_only_status_rejects_unknown_statuses(capsys):
    """A status that does not exist is an argparse error naming the allowed ones."""
    with pytest.raises(SystemExit) as info:
        main(["x.ipynb", "--only-status", "timeout,hung"])
    assert info.value.code == 2
    assert "graded, timeout, invalid, error" in capsys.readouterr().err


def test_resume_help_says_what_it_skips(capsys):
    """--help tells which stored rows --resume skips and how to retry timeouts."""
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "has status graded, timeout or invalid" in text
    assert "rows with status error, are graded" in text and "--only-status timeout" in text


def test_selection_by_id_or_status_within_a_shard(tmp_path):
    """Selection.pick keeps rows matching a status or an id; an id of another shard is no error,
    an id no input has is; a chosen stored row whose file is gone is noted."""
    subs = [Submission(f"s{k}.ipynb", tmp_path / f"s{k}.ipynb") for k in range(4)]
    stored = {"s0.ipynb": "graded", "s1.ipynb": "timeout", "s2.ipynb": "error", "gone": "timeout"}
    pick = Selection(frozenset({"timeout"}), frozenset({"s3.ipynb"}))
    chosen, notes = pick.pick(subs, stored)
    assert [s.id for s in chosen] == ["s1.ipynb", "s3.ipynb"]
    assert notes == ["gone: stored with status timeout but not among the inputs; not regraded"]
    mine = subs[:2]  # this shard's submissions; s3 is in another shard
    chosen, _ = pick.pick(mine, stored, discovered=subs)
    assert [s.id for s in chosen] == ["s1.ipynb"]
    with pytest.raises(SelectionError, match="no submission 'x.ipynb'"):
        Selection(ids=frozenset({"x.ipynb"})).pick(subs, stored)
