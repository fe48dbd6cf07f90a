"""The generated sample corpus: complete, deterministic, and graded exactly as expected."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from mbrl_course.autograder import find_autograders
from mbrl_course.cli import main as cli_main
from mbrl_course.corpus import expectations, samples
from mbrl_course.grading import batch
from mbrl_course.grading.batch import Settings, grade_batch
from mbrl_grader.results import Limits

NAME = "00_fixture"
REPO = Path(__file__).resolve().parents[3]

TESTS = {
    "q1.py": """\
from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = None

@test_case(points=2, hidden=False)
def test_add_small(add):
    assert add(1, 2) == 3, "add(1, 2) should return 3"

@test_case(points=1, hidden=True)
def test_add_negative(add):
    assert add(-5, 2) == -3, "add() is wrong for negative numbers"
""",
    "q2.py": """\
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
""",
}

VARIANTS = {
    "correct_plain.py": "def add(a, b):\n    return a + b\n\nanswer = 42\n",
    "partial_sum.py": "def add(a, b):\n    return sum([a, b])\n",
    "bug_minus.py": "def add(a, b):\n    return a - b\n",
}
ANSWER_TESTS = ["q2:test_answer_type", "q2:test_answer_value"]
EXPECTED = {
    "correct_plain": {"fails": []},
    "partial_sum": {"fails": ANSWER_TESTS},
    "bug_minus": {"fails": ["q1:test_add_negative", "q1:test_add_small", *ANSWER_TESTS]},
}


def make_repo(root: Path) -> Path:
    """A tiny repository: one built assignment, its autograder, variants and expected scores."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fixture assignment"),
        nbformat.v4.new_code_cell("def add(a, b):\n    raise NotImplementedError"),
        nbformat.v4.new_code_cell("answer = ..."),
    ]
    nb.metadata["otter"] = {"assignment_name": NAME}
    (root / "assignments" / NAME).mkdir(parents=True)
    nbformat.write(nb, root / "assignments" / NAME / f"{NAME}.ipynb")
    tests = root / "autograder" / NAME / "tests"
    tests.mkdir(parents=True)
    for fname, text in TESTS.items():
        (tests / fname).write_text(text)
    var = root / "tests" / "submissions" / NAME
    var.mkdir(parents=True)
    for fname, text in VARIANTS.items():
        (var / fname).write_text(text)
    (var / "expected.json").write_text(json.dumps(EXPECTED))
    return root


def test_corpus_has_every_kind_of_sample_with_expectations(tmp_path):
    """Variants, blank, export zip and every malformed kind are generated with expectations."""
    corpora = samples.generate(make_repo(tmp_path))
    c = corpora[NAME]
    assert set(c.expected) == {
        "correct_plain.ipynb",
        "partial_sum.ipynb",
        "bug_minus.ipynb",
        "blank.ipynb",
        "otter_export.zip",
        "invalid_json.ipynb",
        "empty_file.ipynb",
        "empty_notebook.ipynb",
        "zip_without_notebook.zip",
        "wrong_assignment.ipynb",
        "infinite_loop.ipynb",
        "os_exit.ipynb",
        "huge_output.ipynb",
    }
    assert c.expected["bug_minus.ipynb"]["fails"] == sorted(EXPECTED["bug_minus"]["fails"])
    assert c.expected["otter_export.zip"]["fails"] == []
    assert c.expected["blank.ipynb"]["earns_nothing"] is True
    assert c.expected["infinite_loop.ipynb"]["status"] == "timeout"
    on_disk = json.loads((tmp_path / "samples" / NAME / "expected.json").read_text())
    assert on_disk["samples"] == c.expected
    with zipfile.ZipFile(tmp_path / "samples" / NAME / "otter_export.zip") as zf:
        assert sorted(zf.namelist()) == [".OTTER_LOG", f"{NAME}.ipynb", "__zip_filename__"]
    assert (tmp_path / "samples" / "README.md").is_file()


def test_generation_is_deterministic_and_removes_stale_files(tmp_path):
    """Two generations give identical bytes; files no longer generated disappear."""
    root = make_repo(tmp_path)
    samples.generate(root)
    first = {p.name: p.read_bytes() for p in (root / "samples" / NAME).iterdir()}
    (root / "samples" / NAME / "stale.ipynb").write_text("{}")
    samples.generate(root, out_root=tmp_path / "again")
    samples.generate(root)
    again = {p.name: p.read_bytes() for p in (tmp_path / "again" / NAME).iterdir()}
    assert first == again
    assert {p.name: p.read_bytes() for p in (root / "samples" / NAME).iterdir()} == first


def test_stale_variant_is_skipped_with_a_warning(tmp_path, capsys):
    """A variant that matches no notebook cell is reported and left out, not fatal."""
    root = make_repo(tmp_path)
    (root / "tests" / "submissions" / NAME / "bug_renamed.py").write_text(
        "def nothing_like_it():\n    pass\n"
    )
    corpora = samples.generate(root)
    assert "bug_renamed.ipynb" not in corpora[NAME].expected
    assert "bug_renamed.py skipped" in capsys.readouterr().err


def test_compare_names_the_tests_that_behave_unexpectedly():
    """compare() names the sample, each unexpected failure (with its message) and each pass."""
    from mbrl_course.gradebook.rows import GradeRecord
    from mbrl_grader.results import SubmissionResult, TestOutcome

    exp = {"status": "graded", "fails": ["q1:test_b"]}
    c = samples.Corpus(NAME, Path("."), {"a.ipynb": exp})
    tests = [
        TestOutcome("q1", "q1 - 1", False, 0.0, 2.0, False, "add(1, 2) returned -1", "test_a"),
        TestOutcome("q1", "q1 - 2", True, 1.0, 1.0, True, "", "test_b"),
    ]
    r = GradeRecord(f"{NAME}/a.ipynb", "a", NAME, SubmissionResult("graded", "", tests))
    assert samples.compare([r], {NAME: c}) == [
        f"{NAME}/a.ipynb: q1:test_a failed (expected to pass): add(1, 2) returned -1",
        f"{NAME}/a.ipynb: q1:test_b passed (expected to fail)",
    ]


@pytest.mark.parametrize(
    "variant, entry, problem",
    [
        ("bug_x", {"q1": 2.0, "total": 3.0}, "expected {'fails'"),
        ("correct_x", {"fails": ["q1:test_a"]}, "must fail no test"),
        ("bug_x", {"fails": []}, "must fail at least one"),
        ("bug_x", {"fails": ["q1 - 1"]}, "look like"),
        ("bug_x", {"fails": ["q1:test_a"], "status": "error"}, "'graded' or 'timeout'"),
    ],
)
def test_expectations_that_break_the_format_are_refused(variant, entry, problem):
    """Point totals, a failing correct variant or a bug that fails nothing are authoring errors."""
    with pytest.raises(expectations.ExpectationError, match=problem):
        expectations.variant_expectation(variant, entry)


def test_a_hanging_variant_expects_status_timeout():
    """A variant that hangs states status timeout; a plain one keeps the default (graded)."""
    entry = {"fails": ["q1:test_a"], "status": "timeout"}
    assert samples.variant_expectation("bug_x", entry)["status"] == "timeout"
    assert "status" not in samples.variant_expectation("bug_x", {"fails": ["q1:test_a"]})


def _record(status: str, outcomes: list[tuple[str, bool, str]]):
    """A GradeRecord of `status` with outcomes (test, passed, failure kind) of question q1."""
    from mbrl_course.gradebook.rows import GradeRecord
    from mbrl_grader.results import SubmissionResult, TestOutcome

    tests = [
        TestOutcome("q1", f"q1 - {k}", True, float(ok), 1.0, ok, "" if ok else "m", name, kind)
        for k, (name, ok, kind) in enumerate(outcomes)
    ]
    return GradeRecord(id="a.ipynb", source="a.ipynb", assignment=NAME,
                       result=SubmissionResult(status, "", tests))  # fmt: skip


def test_a_slow_test_may_pass_or_run_out_of_time_but_nothing_else_moves():
    """A test listed as slow may pass or time out (status graded or timeout); failing it by an
    assertion, or any change in the other tests, is still a mismatch."""
    exp = expectations.variant_expectation(
        "bug_x", {"fails": ["q1:test_b"], "status": "timeout", "slow": ["q1:test_a"]}
    ) | {"status": "timeout"}
    fast = _record("graded", [("test_a", True, ""), ("test_b", False, "assertion")])
    slow = _record("timeout", [("test_a", False, "timeout"), ("test_b", False, "timeout")])
    assert expectations.mismatches(fast, exp) == []
    assert expectations.mismatches(slow, exp) == []
    wrong = _record("graded", [("test_a", False, "assertion"), ("test_b", False, "assertion")])
    assert expectations.mismatches(wrong, exp) == ["q1:test_a failed (expected to pass): m"]
    moved = _record(
        "timeout", [("test_a", True, ""), ("test_b", True, ""), ("test_c", False, "timeout")]
    )
    assert expectations.mismatches(moved, exp) == [
        "q1:test_c failed (expected to pass): m",
        "q1:test_b passed (expected to fail)",
    ]
    with pytest.raises(expectations.ExpectationError, match="slow"):
        expectations.variant_expectation("bug_x", {"fails": ["q1:test_a"], "slow": ["q1:test_a"]})


@pytest.mark.slow
def test_fixture_samples_grade_as_expected(tmp_path, monkeypatch):
    """Grading the fixture corpus with the real runner reproduces every expectation."""
    monkeypatch.setattr(samples, "LOOP_TIMEOUT", 4.0)
    root = make_repo(tmp_path)
    corpora = samples.generate(root)
    settings = Settings(
        autograders=find_autograders(root / "autograder"),
        limits=Limits(timeout_s=60.0),
        jobs=2,
        kill_grace=5.0,
    )
    records = grade_batch(samples.jobs_for(corpora), settings, progress=False)
    assert len(records) == 13
    assert samples.compare(records, corpora) == []


@pytest.mark.slow
def test_run_main_builds_nothing_but_grades_and_prints(tmp_path, monkeypatch, capsys):
    """`mbrl-course run --no-build` on a fixture repo grades the samples and says where outputs are."""
    root = make_repo(tmp_path)
    script = tmp_path / "runner.py"
    # a stand-in runner that grades everything 'graded' with no tests: only the pipeline is checked
    script.write_text(
        "import json, sys\nout = sys.argv[sys.argv.index('--json') + 1]\n"
        "json.dump({'status': 'graded', 'reason': '', 'outcomes': []}, open(out, 'w'))\n"
    )
    monkeypatch.setattr(batch, "DEFAULT_RUNNER_CMD", [sys.executable, str(script)])
    rc = cli_main(["run", "--root", str(root), "--no-build", "--no-progress", "--jobs", "2"])
    out = capsys.readouterr().out
    assert rc == 1  # the stand-in runner gives 0 points, so correct samples mismatch: reported
    assert "did NOT grade as expected" in out and "correct_plain.ipynb" in out
    assert (root / "build" / "grades" / "grades.csv").is_file()
    assert f"{root / 'build' / 'grades' / 'grades.csv'}" in out


def test_run_main_builds_first_and_stops_cleanly_when_the_build_fails(
    tmp_path, monkeypatch, capsys
):
    """`run` calls the build API with the repo layout, and a build error is a tool error (exit 2)."""
    from mbrl_course import build

    root = make_repo(tmp_path)
    calls = []

    def fake_build(layout, only=None):
        calls.append((layout.root, only))
        raise build.BuildError("master 02_dyna is broken")

    monkeypatch.setattr(build, "build", fake_build)
    assert cli_main(["run", "--root", str(root), "--no-progress"]) == 2
    assert calls == [(root.resolve(), None)]
    assert "build failed: master 02_dyna is broken" in capsys.readouterr().err


# ------------------------------------------------------------- the real assignments of this repo


def _built_assignments() -> list[str]:
    ag = find_autograders(REPO / "autograder")
    return [n for n in ag if (REPO / "assignments" / n / f"{n}.ipynb").is_file()]


@pytest.mark.slow
@pytest.mark.parametrize("name", _built_assignments())
def test_committed_samples_are_up_to_date(name, tmp_path):
    """If samples/NAME is committed to the repository, it equals a fresh generation."""
    committed = REPO / "samples" / name
    assert committed.is_dir(), "samples/ is missing: run `python -m mbrl_course.corpus.samples`"
    samples.generate(REPO, only=[name], out_root=tmp_path)
    fresh = {p.name: p.read_bytes() for p in (tmp_path / name).iterdir()}
    assert {p.name: p.read_bytes() for p in committed.iterdir()} == fresh, (
        "samples/ is stale: run `python -m mbrl_course.corpus.samples` (or `mbrl-course run`)"
    )


@pytest.mark.slow
@pytest.mark.parametrize("name", _built_assignments())
def test_real_samples_grade_as_expected(name, tmp_path):
    """Every sample of a real assignment passes and fails exactly the tests it is expected to."""
    corpora = samples.generate(REPO, only=[name], out_root=tmp_path)
    for exp in corpora[name].expected.values():
        if "timeout" in exp:  # the loop sample: 3 s prove the limit as well as 20
            exp["timeout"] = 3.0
    settings = Settings(autograders=find_autograders(REPO / "autograder"), limits=Limits(), jobs=2)
    records = grade_batch(samples.jobs_for(corpora), settings, progress=False)
    assert samples.compare(records, corpora) == []
