"""Tests of ``mbrl_envs.checking``, the students' public-check reporting, in Python and in otter."""

from __future__ import annotations

import linecache
import textwrap

import numpy as np
import pytest

from mbrl_envs.checking import (
    FORMAT_OK,
    CheckFailed,
    Checks,
    call_label,
    check_choice,
    check_number,
    student_error,
)


class StudentCodeError(Exception):
    """Stand-in with the shape of the grader's exception for an error in the student's code."""

    def __init__(self, exc_type: str, msg: str, tb: list[str]) -> None:
        super().__init__(msg)
        self.exc_type, self.msg, self.tb = exc_type, msg, tb


class WorkerTimeout(Exception):
    """Stand-in for a failure of the grader itself."""

    grader_failure = True


def _failure(body) -> str:
    with pytest.raises(CheckFailed) as info:
        body()
    return str(info.value)


def test_every_failed_expectation_is_reported_whatever_fails_first() -> None:
    """A failed expectation does not hide a later one: each keeps its own message."""

    def body() -> None:
        with Checks() as check:
            check.expect(False, "first observation")
            check.expect(True, "never shown")
            check.expect(False, "second observation")

    assert _failure(body) == "first observation\nsecond observation"


def test_require_stops_the_test_and_passing_checks_raise_nothing() -> None:
    """require() ends the block at once; a block whose observations all hold raises nothing."""
    reached = []

    def body() -> None:
        with Checks() as check:
            check.require(False, "no shape")
            reached.append(True)

    assert _failure(body) == "no shape" and not reached
    with Checks() as check:
        assert check.expect(1 == 1, "fine")


def test_a_stop_in_one_part_lets_the_next_part_run() -> None:
    """require(), a failed student call or an assert ends its part only; every part reports."""
    reached = []

    def broken() -> None:
        raise ValueError("boom")

    def body() -> None:
        with Checks() as check:
            with check.part():
                check.require(False, "no shape")
                reached.append("first")
            with check.part():
                check.call("f", broken)
                reached.append("second")
            with check.part():
                raise AssertionError("plain assert")
            with check.part():
                check.expect(False, "last case")
                reached.append("last")

    text = _failure(body)
    assert reached == ["last"]
    assert text.splitlines()[0] == "no shape" and "your `f()` raised ValueError: boom" in text
    assert text.splitlines()[-2:] == ["plain assert", "last case"]


def test_parts_that_all_hold_raise_nothing_and_grader_failures_pass_through() -> None:
    """Passing parts raise nothing; a grader failure inside a part reaches the grader."""
    with Checks() as check:
        with check.part():
            check.expect(True, "fine")
    with pytest.raises(WorkerTimeout):
        with Checks() as check:
            with check.part():
                check.call("f", _raise_timeout)


def _raise_timeout() -> None:
    raise WorkerTimeout("too slow")


def test_plain_assert_reports_its_message_only() -> None:
    """An assert inside the block becomes CheckFailed with the message and nothing else."""

    def body() -> None:
        with Checks() as check:
            check.expect(False, "earlier")
            raise AssertionError("value should be 4, got 3")

    assert _failure(body) == "earlier\nvalue should be 4, got 3"


def test_a_missing_attribute_is_reported_by_its_message() -> None:
    """Reading an attribute the student's object lacks gives the message, not a traceback."""

    class Model:
        pass

    def body() -> None:
        with Checks() as check:
            check.expect(False, "earlier")
            Model().visit_counts  # noqa: B018 - the read is the point

    text = _failure(body)
    assert text.startswith(
        "earlier\nreading an attribute failed ('Model' object has no attribute 'visit_counts')"
    )


def test_student_error_names_the_call_and_the_student_line() -> None:
    """An exception inside student code reads 'your `m.predict(3, 1)` raised IndexError: ...'."""

    cell = "/tmp/ipykernel_1/2.py"  # where Jupyter keeps a cell's code
    source = "import numpy as np\nclass Model:\n    def predict(self, s, a):\n        return np.zeros(2)[s], a\n"
    linecache.cache[cell] = (len(source), None, source.splitlines(True), cell)
    scope: dict = {}
    exec(compile(source, cell, "exec"), scope)
    Model = scope["Model"]

    def body() -> None:
        with Checks() as check:
            check.call("m.predict", Model().predict, 3, 1)

    text = _failure(body)
    assert text.startswith("your `m.predict(3, 1)` raised IndexError: index 3 is out of bounds")
    assert "(in `predict`: `return np.zeros(2)[s], a`)" in text


def test_an_explained_call_adds_what_the_case_needs() -> None:
    """call_explained() appends the case's explanation to the report of the student's error."""

    def body() -> None:
        with Checks() as check:
            check.call_explained("with K = 1 there are no pairs: return 0", "u", lambda k: 1 / k, 0)

    assert _failure(body).startswith("your `u(0)` raised ZeroDivisionError: division by zero")
    assert _failure(body).endswith(": with K = 1 there are no pairs: return 0")


def test_grader_errors_are_unwrapped_or_passed_through() -> None:
    """Under the grader a StudentCodeError is reported like a local error; a timeout reaches the grader."""

    def raising(error: Exception):
        def fn(*args, **kwargs):
            raise error

        return fn

    def student() -> None:
        with Checks() as check:
            check.call(
                "agent.update",
                raising(StudentCodeError("KeyError", "7", ["cell 4, line 2"])),
                1,
                s=2,
            )

    assert _failure(student) == "your `agent.update(1, s=2)` raised KeyError: 7 (cell 4, line 2)"
    with pytest.raises(WorkerTimeout):
        with Checks() as check:
            check.call("agent.update", raising(WorkerTimeout("late")))
    assert student_error(WorkerTimeout("late"), "f()") is None


def test_labels_keep_messages_short() -> None:
    """Call labels show small values as written, big arrays by shape and helper objects by class."""

    class Corridor:
        pass

    label = call_label("f", (np.zeros((3, 4)), [1, 2], Corridor()), {"gamma": 0.9})
    assert label == "f(array of shape (3, 4), [1, 2], Corridor(), gamma=0.9)"


@pytest.mark.parametrize("value", ["b", " C ", "(d)"])
def test_choice_format_accepts_letters(value: str) -> None:
    """A letter in quotes, in any case or with brackets, has the right format."""
    check_choice("q1_1", value)


@pytest.mark.parametrize("value", [None, "e", 2, "ab", ...])
def test_choice_format_refuses_the_rest(value) -> None:
    """Anything but one letter a-d is refused with what the student wrote."""
    text = _failure(lambda: check_choice("q1_1", value))
    assert text.startswith('set q1_1 to one letter, "a", "b", "c" or "d"')


def test_number_format() -> None:
    """Numbers pass and are returned; strings, booleans, nan and out-of-range values are refused."""
    assert check_number("q3_3", np.int64(12), low=1) == 12.0
    for bad in ("12", True, float("nan"), None, [1, 2]):
        assert "q3_3" in _failure(lambda bad=bad: check_number("q3_3", bad))
    assert "between 0 and 1" in _failure(lambda: check_number("q2_1", 1.5, 0, 1))


OTTER_FILE = """
from otter.test_files import test_case

OK_FORMAT = False

name = "q9"
points = 2

@test_case(points=1, hidden=False, success_message="first: OK")
def test_first(f):
    from mbrl_envs.checking import Checks
    with Checks() as check:
        check.expect(f(1) == 2, f"f(1) should be 2, got {f(1)}")
        value = check.call("f", f, 0)
        check.expect(value == 1, f"f(0) should be 1, got {value}")

@test_case(points=0, hidden=False, success_message=FORMAT_TEXT)
def test_format(q9):
    from mbrl_envs.checking import check_choice
    check_choice("q9", q9)
"""


def _otter_run(tmp_path, env: dict) -> object:
    otter_files = pytest.importorskip("otter.test_files")
    path = tmp_path / "q9.py"
    path.write_text(textwrap.dedent(OTTER_FILE).replace("FORMAT_TEXT", repr(FORMAT_OK)))
    tests = otter_files.ExceptionTestFile.from_file(str(path))
    tests.run(env)
    return tests


def test_otter_shows_messages_not_templates(tmp_path) -> None:
    """In otter 7 a failed check shows its messages and the neutral with-line, never an f-string."""
    tests = _otter_run(tmp_path, {"f": lambda x: 1 / x, "q9": "x"})
    text = tests.summary(public_only=True)
    assert "f(1) should be 2, got 1.0" in text
    assert "your `f(0)` raised ZeroDivisionError: division by zero (in `<lambda>`" in text
    assert "with Checks() as check:" in text and "{f(1)}" not in text
    assert 'set q9 to one letter, "a", "b", "c" or "d"' in text
    assert "check.expect(" not in text
    assert "first: OK" not in text and FORMAT_OK not in text  # no success line beside a failure


def test_otter_success_messages_when_all_pass(tmp_path) -> None:
    """When every case passes, otter prints each case's success message, the format one included."""
    tests = _otter_run(tmp_path, {"f": lambda x: x + 1, "q9": "b"})
    text = tests.summary(public_only=True)
    assert "All test cases passed!" in text and FORMAT_OK in text and "first: OK" in text


def test_the_real_grader_errors_follow_the_protocol() -> None:
    """The trusted grader's own failures pass through and its StudentCodeError reads like a local error."""
    from mbrl_grader.sandbox.client import StaleProxy, WorkerBroken, WorkerDied, WorkerTimeout
    from mbrl_grader.sandbox.proxy import StudentCodeError as RealStudentCodeError

    for failure in (WorkerDied("x"), WorkerTimeout("x"), WorkerBroken("x"), StaleProxy("x")):
        assert student_error(failure, "f()") is None
    error = RealStudentCodeError(
        "agent.update", "IndexError", "index 9", ["cell 3, line 2, in update: x"]
    )
    report = str(student_error(error, "agent.update(9, 0)"))
    assert (
        report
        == "your `agent.update(9, 0)` raised IndexError: index 9 (cell 3, line 2, in update: x)"
    )


def test_every_format_check_says_the_answer_is_graded_later() -> None:
    """Each built public format check carries the FORMAT_OK success message, and imports nothing hidden."""
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    files = sorted((repo / "assignments").glob("*/tests/q*.py"))
    format_files = [f for f in files if "_format(" in f.read_text()]
    assert len(format_files) == 19  # 14 multiple-choice and 5 numeric or true/false answers
    for path in format_files:
        text = path.read_text()
        assert FORMAT_OK in text, f"{path.relative_to(repo)}: no FORMAT_OK success message"
    for path in files:
        text = path.read_text()
        assert "mbrl_ref" not in text and "mbrl_grader" not in text, path.name
        assert "from mbrl_envs.checking import" in text, (
            f"{path.name}: a public test without checking"
        )
