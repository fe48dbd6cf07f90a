"""What the public checks (``grader.check("q1_1")``) share: one message per observation.

Why a module: every public test of the four notebooks reports failures the same way, and the
students get this file with ``mbrl_envs`` (public tests may import nothing else). Otter 7
prints a failing exception-style test as ``Error at line N in test q1_1:``, the ONE line of the
test function the exception left it from, then ``ExceptionName: message``. A test written as::

    def test_update_public(TabularModel):
        from mbrl_envs.checking import Checks
        with Checks() as check:
            m = check.call("TabularModel", TabularModel, 4, 2)
            check.call("m.update", m.update, 0, 1, 1.0, 3)
            check.expect(shape_ok, "update() must keep the shapes ...")
            check.expect(values_ok, "transition_counts[0, 1, 3] should be 1 ...")

therefore shows the neutral ``with Checks() as check:`` line and ``CheckFailed:`` followed by
every failed observation, never an assertion's source or its f-string template:

- :meth:`Checks.expect` records a failed observation and goes on, so each observation is
  reported with its own message whatever fails before it;
- :meth:`Checks.require` stops the test when what follows cannot be observed without it;
- :meth:`Checks.call` calls the student's code and turns an exception raised inside it into
  "your `m.predict(3, 1)` raised IndexError: ..." (the call that failed, the student's line);
- a plain ``assert`` inside the block is reported by its message alone, and so is a missing
  attribute (``'TabularModel' object has no attribute 'visit_counts'``) the check reads.

Under the course's trusted grader the student's code runs in another process and its errors
arrive as the grader's ``StudentCodeError`` (attributes ``exc_type``, ``msg``, ``tb``); the
grader's own failures (a timeout, a dead worker: a true class attribute ``grader_failure``)
pass through untouched so the grader can restart the notebook. Both are recognised by these
attributes, so this module needs nothing of the grader. It imports only the standard library
and numpy.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

import numpy as np

FORMAT_OK = "format OK; the answer itself is graded after you submit (hidden tests)."
"""The success message of every check that looks at an answer's format only."""

_LIBRARY_DIRS = tuple(
    os.path.realpath(p)
    for p in {sysconfig.get_paths()[k] for k in ("stdlib", "purelib", "platlib")}
    | {os.path.dirname(os.path.realpath(np.__file__))}
)
_HERE = os.path.dirname(os.path.realpath(__file__))


class CheckFailed(AssertionError):
    """A public check saw something wrong; its text is the whole message for the student."""


def describe(value: Any) -> str:
    """A short, readable repr for messages: arrays by shape, long values cut."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array of shape {value.shape}"
    try:
        text = repr(value)
    except Exception:  # a student's __repr__ may fail; the message must not
        text = f"<{type(value).__name__}>"
    if text.startswith("<") and " object at 0x" in text:
        text = f"{type(value).__name__}()"  # a check's helper object, shown as it was built
    return text if len(text) <= 80 else text[:77] + "..."


def call_label(name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """``name(arg, ..., key=value)`` as a student would write the call."""
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def _real(path: str) -> str:
    return path if path.startswith("<") else os.path.realpath(path)


def _student_line(error: BaseException, check_file: str = "") -> str:
    """Where in the student's code it failed: the innermost frame outside libraries and the check."""
    frames = traceback.extract_tb(error.__traceback__)
    for fr in reversed(frames):
        path = _real(fr.filename)
        if path.startswith(_LIBRARY_DIRS) or path.startswith(_HERE):
            continue
        if check_file and path == _real(check_file):
            return ""  # the check's own code, not the student's
        line = (fr.line or "").strip()
        return f" (in `{fr.name}`: `{line}`)" if line else f" (in `{fr.name}`)"
    return ""


def student_error(error: Exception, label: str, check_file: str = "") -> CheckFailed | None:
    """The student-facing report of ``error`` raised by the call ``label``; None if not theirs.

    Why None: a failure of the grader itself (timeout, dead worker) must reach the grader.
    ``check_file`` is the check's own file: its frames are never shown as the student's line.
    """
    if getattr(error, "grader_failure", False) is True:
        return None
    if hasattr(error, "exc_type") and hasattr(error, "msg") and hasattr(error, "tb"):
        kind, text = str(error.exc_type), str(error.msg)
        tb = getattr(error, "tb", None) or []
        where = f" ({str(tb[-1])[:200]})" if tb else ""
    else:
        kind, text, where = type(error).__name__, str(error), _student_line(error, check_file)
    text = text if len(text) <= 300 else text[:297] + "..."
    return CheckFailed(f"your `{label}` raised {kind}: {text}{where}")


class Checks:
    """Collects a public test's failed observations and reports them together at the end."""

    def __init__(self) -> None:
        self.failures: list[str] = []

    def expect(self, ok: Any, message: str) -> bool:
        """Record ``message`` if ``ok`` is false; return ``ok`` so dependent checks can skip."""
        ok = bool(ok)
        if not ok and message not in self.failures:
            self.failures.append(message)
        return ok

    def require(self, ok: Any, message: str) -> None:
        """Like :meth:`expect`, but stop the test here: later observations need this one."""
        if not self.expect(ok, message):
            raise CheckFailed(self.report())

    def call(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the student's ``fn``; an error inside it ends the test naming the call."""
        return self._call("", name, fn, args, kwargs)

    def call_explained(
        self, why: str, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Any:
        """Like :meth:`call`, adding ``why`` (what the case needs) to an error report."""
        return self._call(why, name, fn, args, kwargs)

    def _call(
        self,
        why: str,
        name: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        try:
            return fn(*args, **kwargs)
        except CheckFailed:
            raise
        except Exception as e:
            caller = sys._getframe(2).f_code.co_filename
            report = student_error(e, call_label(name, args, kwargs), caller)
            if report is None:
                raise
            self.failures.append(f"{report}{': ' + why if why else ''}")
            raise CheckFailed(self.report()) from None

    def part(self) -> _Part:
        """One independent case of a check: a stop inside it ends this case only.

        Why: one question shows ONE public test (otter prints "passed" per test, so a passing
        test would stand beside a failing one); its cases run as ``with check.part():`` blocks,
        and a failed :meth:`require` or student call in one case still lets the next case run.
        Everything observed is reported together when the ``with Checks()`` block ends.
        """
        return _Part(self)

    def report(self) -> str:
        """All failed observations, one paragraph each."""
        return "\n".join(self.failures)

    def __enter__(self) -> Checks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        """Raise one :class:`CheckFailed` with every message (hiding the test's source line)."""
        if isinstance(error, CheckFailed):
            raise CheckFailed(str(error)) from None
        if isinstance(error, AssertionError):
            self.failures.append(str(error).strip() or "a check failed")
            raise CheckFailed(self.report()) from None
        if (
            isinstance(error, AttributeError)
            and getattr(error, "grader_failure", False) is not True
        ):
            # the check read an attribute the notebook documents, and the student's object lacks it
            self.failures.append(
                f"reading an attribute failed ({error}): the check reads the attributes the "
                "notebook names (keep the names created in __init__)"
            )
            raise CheckFailed(self.report()) from None
        if error is None and self.failures:
            raise CheckFailed(self.report())
        return False  # anything else (a grader failure, a bug of the check) passes through


class _Part:
    """The context of :meth:`Checks.part`: keeps what a case observed, absorbs its stop."""

    def __init__(self, checks: Checks) -> None:
        self.checks = checks

    def __enter__(self) -> Checks:
        return self.checks

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        """Record the case's stop like :meth:`Checks.__exit__`, then let the next case run."""
        if error is None:
            return False
        try:
            self.checks.__exit__(kind, error, tb)
        except CheckFailed:
            return True  # recorded in checks.failures; reported when the whole check ends
        return False  # a grader failure or a bug of the check passes through


def check_choice(name: str, value: Any, letters: str = "abcd") -> None:
    """The format of a multiple-choice answer: one of ``letters``, as a string."""
    options = ", ".join(f'"{c}"' for c in letters[:-1]) + f' or "{letters[-1]}"'
    ok = isinstance(value, str) and value.strip().lower().strip("().") in tuple(letters)
    if not ok:
        raise CheckFailed(
            f"set {name} to one letter, {options}, as a string in quotes (you have {describe(value)})."
        )


def check_number(name: str, value: Any, low: float = -np.inf, high: float = np.inf) -> float:
    """The format of a numeric answer: a finite real number in ``[low, high]``; returns it."""
    if value is None or isinstance(value, (str, bool, np.bool_)):
        raise CheckFailed(f"set {name} to a number, e.g. {name} = 12 (you have {describe(value)}).")
    try:
        number = float(value)
    except (ValueError, TypeError):  # not a number
        raise CheckFailed(f"{name} must be one number (you have {describe(value)}).") from None
    if not np.isfinite(number) or not low <= number <= high:
        bounds = f"between {low:g} and {high:g}" if np.isfinite(high) else f"at least {low:g}"
        raise CheckFailed(f"{name} must be a finite number {bounds} (you have {number:g}).")
    return number


__all__ = [
    "FORMAT_OK",
    "CheckFailed",
    "Checks",
    "call_label",
    "check_choice",
    "check_number",
    "describe",
    "student_error",
]
