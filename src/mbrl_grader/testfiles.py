"""Load otter exception-style test files in the trusted process, with otter's point rules.

Why its own module: the runner needs the test cases without importing otter (which costs
seconds), so this module parses ``tests/*.py`` with a light stand-in for otter's ``test_case``
decorator and applies otter 7's rules for splitting a question's points over its cases.
"""

from __future__ import annotations

import builtins
import glob
import os
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class TestCase:
    """One test case of a question: its function and how many points it is worth."""

    __test__ = False  # not a pytest test class

    question: str
    name: str
    hidden: bool
    max_points: float
    func: Any
    failure_message: str | None
    all_or_nothing: bool


class test_case:  # noqa: N801 - same name and signature as otter.test_files.test_case
    """Light stand-in for otter's ``test_case`` decorator (importing otter costs seconds)."""

    def __init__(
        self,
        name: str | None = None,
        points: float | None = None,
        hidden: bool = False,
        success_message: str | None = None,
        failure_message: str | None = None,
    ) -> None:
        self.name, self.points, self.hidden = name, points, hidden
        self.success_message, self.failure_message = success_message, failure_message
        self.test_func: Any = None

    def __call__(self, func: Any) -> test_case:
        self.test_func = func
        return self


def _importer(real: Any) -> Any:
    fake = types.ModuleType("otter.test_files")
    fake.test_case = test_case  # type: ignore[attr-defined]

    def __import__(
        name: str,
        globals: Any = None,
        locals: Any = None,  # noqa: A002, N807
        fromlist: Any = (),
        level: int = 0,
    ) -> Any:
        if name in ("otter.test_files", "otter.test_files.exception_test") and fromlist:
            return fake
        return real(name, globals, locals, fromlist, level)

    return __import__


def resolve_points(total: Any, declared: list[float | None]) -> list[float]:
    """Otter 7's point rules: explicit case points; the file's ``points`` split over the rest."""
    if isinstance(total, list):
        if len(total) != len(declared):
            raise ValueError("points list length differs from the number of test cases")
        declared, total = [float(p) for p in total], None
    pre = sum(p for p in declared if p is not None)
    n_none = sum(p is None for p in declared)
    if total is not None:
        if pre > total:
            raise ValueError("more points in test cases than allowed for the question")
        rest = (total - pre) / n_none if n_none else 0.0
    elif pre == 0 and all(p in (0, None) for p in declared):
        rest = 1 / n_none if n_none else 0.0
    else:
        rest = 0.0
    return [float(p) if p is not None else float(rest) for p in declared]


def load_tests(autograder_dir: str | os.PathLike[str]) -> list[TestCase]:
    """Parse ``tests/*.py`` (instructor-trusted otter exception-style files) in this process."""
    cases: list[TestCase] = []
    for path in sorted(glob.glob(os.path.join(os.fspath(autograder_dir), "tests", "*.py"))):
        src = Path(path).read_text()
        bi = dict(vars(builtins))
        bi["__import__"] = _importer(builtins.__import__)
        env: dict[str, Any] = {
            "__name__": f"_mbrl_test_{Path(path).stem}",
            "__file__": path,
            "__builtins__": bi,
        }
        exec(compile(src, path, "exec"), env)
        if "name" not in env:
            raise ValueError(f"test file {path} does not define 'name'")
        qname = str(env["name"])
        tcs = [v for v in env.values() if isinstance(v, test_case)]
        for i, tc in enumerate(tcs):
            if tc.name is None:
                tc.name = f"{qname} - {i + 1}"
        pts = resolve_points(env.get("points"), [tc.points for tc in tcs])
        for tc, p in zip(tcs, pts, strict=True):
            cases.append(
                TestCase(
                    question=qname,
                    name=str(tc.name),
                    hidden=bool(tc.hidden),
                    max_points=p,
                    func=tc.test_func,
                    failure_message=tc.failure_message,
                    all_or_nothing=bool(env.get("all_or_nothing", False)),
                )
            )
    return cases
