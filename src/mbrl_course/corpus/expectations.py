"""Expected outcomes of the submission corpus: the format, the comparison, the recording aid.

Why its own module: what a variant is expected to fail (``{"fails": [test keys]}``) is the
contract between the corpus authors and the grader; ``samples`` builds the corpus around it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import nbformat

from ..gradebook.rows import GradeRecord
from .inject import make_submission


class ExpectationError(ValueError):
    """An entry of tests/submissions/NN/expected.json breaks the format."""


def variant_expectation(variant: str, entry: object) -> dict:
    """The checked expectation of one variant: ``{"fails": sorted keys}``, plus
    ``"status": "timeout"`` for a variant whose code hangs (a test or cell stopped by its budget),
    and ``"slow": [test keys]`` for tests the variant makes so slow (not endless) that whether
    they finish within their budget depends on the machine: each may pass or run out of time,
    and the status may then be ``graded`` or ``timeout`` (every other outcome stays exact).

    Raises ExpectationError for entries that state points (the old format), miss ``fails``, or
    break the naming rule (``correct_*`` must fail nothing, ``bug_*`` must fail something).
    """
    if not isinstance(entry, dict) or not isinstance(entry.get("fails"), list):
        raise ExpectationError(f"{variant}: expected {{'fails': [test keys]}}, got {entry!r}")
    fails = entry["fails"]
    bad = [k for k in fails if not (isinstance(k, str) and ":" in k)]
    if bad:
        raise ExpectationError(f"{variant}: test keys look like 'q1_2:test_name', got {bad}")
    if variant.startswith("correct") and fails:
        raise ExpectationError(f"{variant}: a correct variant must fail no test, lists {fails}")
    if variant.startswith("bug") and not fails:
        raise ExpectationError(f"{variant}: a bug variant must fail at least one test")
    status = entry.get("status", "graded")
    if status not in ("graded", "timeout"):
        raise ExpectationError(f"{variant}: status must be 'graded' or 'timeout', got {status!r}")
    slow = entry.get("slow", [])
    if not isinstance(slow, list) or set(slow) & set(fails):
        raise ExpectationError(f"{variant}: 'slow' lists test keys not in 'fails', got {slow!r}")
    out: dict = {"fails": sorted(set(fails))}
    if status != "graded":
        out["status"] = status
    if slow:
        out["slow"] = sorted(set(slow))
    return out


def failed_keys(rec: GradeRecord) -> list[str]:
    """The ``question:test`` keys of the record's failed test cases, sorted."""
    return sorted(t.key for t in rec.tests if not t.passed)


def mismatches(rec: GradeRecord, exp: dict, tol: float = 1e-3) -> list[str]:
    """How one record differs from one expectation (named by test key, never by points)."""
    out = []
    slow = set(exp.get("slow", []))
    timed_out = {t.key for t in rec.tests if t.failure == "timeout"}
    machine_dependent = slow and rec.status in ("graded", "timeout")
    if rec.status != exp.get("status") and not (
        machine_dependent and timed_out <= slow | set(exp.get("fails", []))
    ):
        out.append(f"status {rec.status} (expected {exp.get('status')}): {rec.reason}")
    if "fails" in exp and not rec.tests:
        out.append("no test ran (expected a graded result with test outcomes)")
    elif "fails" in exp:
        got, want = set(failed_keys(rec)), set(exp["fails"])
        for key in sorted(got - want - (slow & timed_out)):
            message = next((t.message for t in rec.tests if t.key == key), "")
            out.append(f"{key} failed (expected to pass): {' '.join(message.split())[:200]}")
        out += [f"{key} passed (expected to fail)" for key in sorted(want - got)]
    if exp.get("earns_nothing") and abs(rec.total) > tol:
        out.append(f"earned {rec.total:g} points (expected nothing)")
    return out


def record_expectations(
    root: Path, name: str, variants: Sequence[str] = (), timeout: float = 600.0
) -> dict[str, dict]:
    """Grade variants of `name` (all when `variants` is empty) and return their ``fails`` lists.

    The authoring aid behind ``--record``: it prints what the tests do today; the author still
    reviews each list (a bug variant that fails the wrong test is a finding, not an expectation).
    """
    import tempfile

    from mbrl_grader.results import Limits
    from mbrl_grader.runner import grade_notebook

    student = root / "assignments" / name / f"{name}.ipynb"
    blank = nbformat.read(student, as_version=4)
    folder = root / "tests" / "submissions" / name
    paths = sorted(folder.glob("*.py"))
    if variants:
        paths = [p for p in paths if p.stem in set(variants)]
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="mbrl-record-") as tmp:
        for path in paths:
            nb = make_submission(blank, path.read_text(encoding="utf-8"))
            nb_path = Path(tmp) / f"{name}.ipynb"
            nbformat.write(nb, nb_path)
            result = grade_notebook(nb_path, root / "autograder" / name, Limits(timeout_s=timeout))
            out[path.stem] = {"fails": sorted(result.failed_keys())}
            if result.status != "graded":
                out[path.stem]["status"] = result.status.value
            print(f"{path.stem}: {json.dumps(out[path.stem])}", file=sys.stderr)
    return out
