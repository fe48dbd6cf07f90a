"""The one result model: what grading one submission produced, from the runner to every report.

Why: the trusted runner writes it (as JSON across the process boundary of batch grading), and the
gradebook, the feedback, ``validate`` and the Gradescope ``results.json`` all read the same
objects through :meth:`SubmissionResult.from_dict`, so there is exactly one schema:

    {
      "format": "mbrl-result/1",
      "status": "graded" | "timeout" | "invalid" | "error",
      "reason": str,                 # one line; "" when nothing notable happened
      "score": float, "possible": float,
      "questions": {"q1_1": {"score": float, "possible": float}, ...},
      "outcomes": [{"question": str, "name": str, "test": str, "hidden": bool,
                    "points": float, "max_points": float, "passed": bool, "message": str,
                    "failure": "" | "assertion" | "error" | "timeout" | "crash" | "not_run"},
                   ...],
      "cell_errors": [{"cell": int, "code_cell": int, "first_line": str, "type": str,
                       "msg": str}, ...],
      "isolation": {"level": "namespaces" | "best-effort", "user": str, ...},
      "duration_s": float,
      "timings": {"execute_s": float, "tests_s": float, "rpc_calls": float,
                  "demo_cells_skipped": float}
    }

``name`` is otter's display name of a test case (``q1_2 - 3``); ``test`` is the test function's
name (``test_update_counts_transitions``), stable when tests are added or reordered, and the key
that expected outcomes of the submission corpus use (``q1_2:test_update_counts_transitions``).
A hidden test's ``message`` is its assertion message only, never its source. ``failure`` types a
failed test (``""`` when it passed; rows stored before it existed read back as ``""``):
``assertion`` (a check failed), ``error`` (the student's code raised), ``timeout`` (stopped by
its time budget), ``crash`` (the worker died or broke the channel), ``not_run``.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any

RESULT_FORMAT = "mbrl-result/1"


class Status(enum.StrEnum):
    """How grading one submission ended."""

    GRADED = "graded"
    """The tests ran; the score stands."""
    TIMEOUT = "timeout"
    """A test or a cell was stopped by a time limit (its budget, or the submission's wall-clock
    limit); the score stands for everything that ran, tests that did not run earned nothing."""
    INVALID = "invalid"
    """The file is not a gradable notebook for this assignment."""
    ERROR = "error"
    """Grading itself failed (the sandbox, the autograder, the grading process)."""


@dataclass(frozen=True)
class Limits:
    """The resource limits of grading one submission, carried unchanged from the CLI to the worker.

    Time budgets come from the solution's own measured times (``autograder/NN/budgets.json``,
    :mod:`mbrl_grader.budgets`): each test case may take ``BUDGET_MARGIN`` (20) times its
    measured time, at least ``TEST_FLOOR_S`` (2 s); each graded cell 20 times the slowest graded
    cell of the solution, at least ``CELL_FLOOR_S`` (10 s) and at most ``cell_timeout_s``. 20x is
    the contract (a correct solution 10x slower than ours, on a grader 2x slower), applied to
    pessimistic measurements (the slowest of 3 runs on the loaded development machine, rounded
    up by up to 25 %). Without a budgets file (toy autograders) a test gets
    ``FALLBACK_TEST_S`` (60 s). When a test's budget ends, the worker interrupts the student's
    code itself (no restart); code that swallows the interruption is killed after 1 s more and
    the notebook re-run. A hang therefore costs its budget, and every other question is still
    graded (docs/design.md, "Time budgets").
    Demo cells (tag ``demo``) are skipped when grading, so these limits bind graded cells only.
    """

    timeout_s: float = 300.0
    """Wall-clock limit for the whole submission (notebook and tests), half Gradescope's 600 s;
    tests not run by then earn nothing (status ``timeout``)."""
    cell_timeout_s: float = 120.0
    """Upper bound of one notebook cell's budget; a stopped cell is skipped on every re-run."""
    test_timeout_s: float | None = None
    """A flat limit for every test case instead of the measured budgets (None: the budgets)."""
    memory_mb: int = 4096
    """Address-space limit of the worker process."""
    output_limit_chars: int = 1_000_000
    """Printed output kept from the notebook; more is counted and dropped."""
    max_restarts: int = 20
    """How often the notebook is re-run after the student's code killed or hung the worker;
    each re-run costs seconds (stopped cells are skipped), and ``timeout_s`` bounds them all."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        """Inverse of :meth:`to_dict` (unknown keys are refused: a typo must not pass silently)."""
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(sorted(unknown))}")
        return cls(**data)

    def cli_args(self) -> list[str]:
        """The runner command-line options that reproduce these limits."""
        args = [
            "--timeout",
            str(self.timeout_s),
            "--cell-timeout",
            str(self.cell_timeout_s),
            "--memory-mb",
            str(self.memory_mb),
            "--output-limit",
            str(self.output_limit_chars),
            "--max-restarts",
            str(self.max_restarts),
        ]
        if self.test_timeout_s is not None:
            args += ["--test-timeout", str(self.test_timeout_s)]
        return args


FAILURE_KINDS = ("", "assertion", "error", "timeout", "crash", "not_run")
"""The values of :attr:`TestOutcome.failure`."""


@dataclass
class TestOutcome:
    """The result of one test case."""

    __test__ = False  # not a pytest test class

    question: str
    name: str
    hidden: bool
    points: float
    max_points: float
    passed: bool
    message: str = ""
    test: str = ""
    failure: str = ""
    """Why it failed: ``FAILURE_KINDS`` (``""`` when it passed)."""

    @property
    def key(self) -> str:
        """``question:test_function``: the stable id of this test case."""
        return f"{self.question}:{self.test or self.name}"


@dataclass
class SubmissionResult:
    """The grading result of one submission (schema in the module docstring)."""

    status: Status
    reason: str
    outcomes: list[TestOutcome] = field(default_factory=list)
    cell_errors: list[dict[str, Any]] = field(default_factory=list)
    isolation: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.status = Status(self.status)

    @property
    def score(self) -> float:
        """Points earned over all test cases."""
        return float(sum(o.points for o in self.outcomes))

    @property
    def possible(self) -> float:
        """Points available over all test cases."""
        return float(sum(o.max_points for o in self.outcomes))

    def per_question(self) -> dict[str, dict[str, float]]:
        """``{question: {"score": s, "possible": p}}`` in test-file order."""
        out: dict[str, dict[str, float]] = {}
        for o in self.outcomes:
            q = out.setdefault(o.question, {"score": 0.0, "possible": 0.0})
            q["score"] += o.points
            q["possible"] += o.max_points
        return out

    def failed_keys(self) -> list[str]:
        """The ``question:test`` keys of the test cases that did not pass."""
        return [o.key for o in self.outcomes if not o.passed]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (schema in the module docstring)."""
        return {
            "format": RESULT_FORMAT,
            "status": self.status.value,
            "reason": self.reason,
            "score": self.score,
            "possible": self.possible,
            "questions": self.per_question(),
            "outcomes": [asdict(o) for o in self.outcomes],
            "cell_errors": self.cell_errors,
            "isolation": self.isolation,
            "duration_s": round(self.duration_s, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SubmissionResult:
        """Inverse of :meth:`to_dict`."""
        fmt = d.get("format", RESULT_FORMAT)
        if fmt != RESULT_FORMAT:
            raise ValueError(f"unknown result format {fmt!r} (expected {RESULT_FORMAT})")
        return cls(
            status=Status(d["status"]),
            reason=d.get("reason", ""),
            outcomes=[TestOutcome(**o) for o in d.get("outcomes", [])],
            cell_errors=list(d.get("cell_errors", [])),
            isolation=dict(d.get("isolation", {})),
            duration_s=float(d.get("duration_s", 0.0)),
            timings=dict(d.get("timings", {})),
        )
