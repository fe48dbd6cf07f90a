"""Gradescope entry point: grade the submission's notebook of this assignment with the trusted runner.

Why: the same protections as local grading (student code in a sandboxed worker, tests in this
process, no pickle) also on Gradescope. ``ROOT`` is ``$AUTOGRADER_ROOT`` (default
``/autograder``); the autograder zip is unpacked in ``ROOT/source`` (``tests/``, support files
either at its top level or under ``files/``, and ``mbrl_grading.json``: the assignment name and
the course options written by ``mbrl-course build``). Writes ``ROOT/results/results.json`` in
Gradescope's documented format (every test carries its status, a unique name and number, and
plain-text output)::

    {"score": float, "execution_time": int, "output": str, "output_format": "text",
     "stdout_visibility": "hidden", "extra_data": {"status": str, "possible": float},
     "tests": [{"name": str, "number": str, "score": float, "max_score": float,
                "status": "passed" | "failed", "output": str, "output_format": "text",
                "tags": [question], "extra_data": {"test": "q1_2:test_function"},
                "visibility": "visible" | "hidden" | "after_due_date" | "after_published"}]}

Which notebook: the one whose otter metadata (``metadata.otter.assignment_name``) names this
assignment, wherever it sits in the upload and whatever its file name. Several such notebooks
(with different contents), or none while the upload holds notebooks of other assignments, is an
ambiguous upload: status ``invalid`` with a reason that lists what was found. A lone notebook
without otter metadata is graded, with a note.

Hidden test cases get the visibility of the build option ``hidden_visibility`` (default
``after_published``: students see what they lost once the instructor publishes the grades;
``MBRL_HIDDEN_VISIBILITY`` overrides it) and their output is the failure message only, never test
source. Run with ``python -m mbrl_grader.gradescope``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

from mbrl_grader.results import Limits, Status, SubmissionResult
from mbrl_grader.runner import grade_notebook
from mbrl_grader.scrub import CodeScrubber

GRADING_CONFIG_FILE = "mbrl_grading.json"
HIDDEN_VISIBILITIES = ("hidden", "after_due_date", "after_published")
DEFAULT_HIDDEN_VISIBILITY = "after_published"
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


def results_json(
    result: SubmissionResult,
    scrub: CodeScrubber | None = None,
    hidden_visibility: str | None = None,
    execution_time: float | None = None,
) -> dict[str, Any]:
    """Convert a :class:`SubmissionResult` to Gradescope's results.json structure.

    Hidden tests get ``hidden_visibility`` (default ``after_published``). Messages are scrubbed of test code exactly as local feedback is. Test names and
    numbers are unique; ``score`` is the sum of the tests' scores.
    """
    scrub = scrub or CodeScrubber()
    hidden_as = hidden_visibility or DEFAULT_HIDDEN_VISIBILITY
    numbers = _test_numbers([o.question for o in result.outcomes])
    names: set[str] = set()
    tests = []
    for o, number in zip(result.outcomes, numbers, strict=True):
        tests.append(
            {
                "name": _unique(o.name or o.key, names),
                "number": number,
                "score": o.points,
                "max_score": o.max_points,
                "status": "passed" if o.passed else "failed",
                "visibility": hidden_as if o.hidden else "visible",
                "output": "Passed." if o.passed else scrub(o.message),
                "output_format": "text",
                "tags": [o.question],
                "extra_data": {"test": o.key},
            }
        )
    output = f"Status: {result.status}."
    if result.reason:
        output += f" {scrub(result.reason)}"
    data: dict[str, Any] = {
        "score": result.score,
        "output": output,
        "output_format": "text",
        "stdout_visibility": "hidden",
        "extra_data": {"status": str(result.status), "possible": result.possible},
        "tests": tests,
    }
    if execution_time is not None:
        data["execution_time"] = max(0, round(execution_time))
    return data


def _test_numbers(questions: list[str]) -> list[str]:
    """Gradescope's test numbers: ``1.2.3`` for the third test of ``q1_2`` (unique; else 1, 2...)."""
    counts: dict[str, int] = {}
    numbers = []
    for question in questions:
        counts[question] = counts.get(question, 0) + 1
        base = ".".join(re.findall(r"\d+", question)) or question
        numbers.append(f"{base}.{counts[question]}")
    if len(set(numbers)) < len(numbers):  # questions whose digits coincide: number by position
        return [str(i) for i in range(1, len(questions) + 1)]
    return numbers


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``... if already used: Gradescope names must differ."""
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    taken.add(candidate)
    return candidate


def read_grading_config(source: Path) -> dict[str, Any]:
    """The zip's ``mbrl_grading.json`` (falling back on otter_config.json for the name)."""
    for name in (GRADING_CONFIG_FILE, "otter_config.json"):
        try:
            data = json.loads((source / name).read_text())
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return {}


def notebook_assignment(path: Path) -> str | None:
    """``metadata.otter.assignment_name`` of a notebook; ``""`` when it has none; None if unreadable."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    meta = nb.get("metadata")
    otter = meta.get("otter") if isinstance(meta, dict) else None
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    return name if isinstance(name, str) else ""


def find_notebook(submission_dir: Path, assignment: str | None = None) -> tuple[Path | None, str]:
    """Pick the notebook to grade: ``(path, note)``, or ``(None, why not)`` for an unclear upload.

    ``note`` says how a notebook was chosen when that is worth telling the student (``""`` when
    exactly one notebook of this assignment was uploaded).
    """
    found = sorted(
        p
        for p in submission_dir.rglob("*.ipynb")
        if p.is_file() and not _junk(p.relative_to(submission_dir))
    )
    rel = {p: p.relative_to(submission_dir).as_posix() for p in found}
    if not found:
        return None, "no .ipynb notebook found in the submission; upload your notebook file"
    names = {p: notebook_assignment(p) for p in found}
    if not assignment:
        if len(found) == 1:
            return found[0], ""
        return None, _ambiguous(found, rel, "the autograder does not know its assignment name")
    ours = [p for p in found if names[p] == assignment]
    if len(ours) == 1:
        return ours[0], ""
    if len(ours) > 1:
        if len({p.read_bytes() for p in ours}) == 1:
            return ours[0], f"graded {rel[ours[0]]} (the other copies are identical)"
        return None, _ambiguous(ours, rel, f"several notebooks belong to assignment {assignment}")
    unlabelled = [p for p in found if names[p] == ""]
    if len(found) == 1 and unlabelled:
        return found[0], (
            f"graded {rel[found[0]]}, which has no otter assignment metadata: next time upload "
            f"the {assignment} notebook you downloaded"
        )
    others = sorted({f"{rel[p]} ({names[p]})" for p in found if names[p]})
    why = f"no notebook of assignment {assignment} in the upload"
    if others:
        why += f"; found notebook(s) of other assignments: {', '.join(others)}"
    unreadable = [rel[p] for p in found if names[p] is None]
    if unreadable:
        why += f"; not readable as a notebook: {', '.join(unreadable)}"
    if unlabelled:
        why += f"; without otter metadata: {', '.join(rel[p] for p in unlabelled)}"
    return None, why + f". Upload exactly one notebook, the {assignment} notebook."


def _junk(rel: Path) -> bool:
    """Checkpoints, hidden files and macOS archive debris are never the student's notebook."""
    return any(part.startswith(".") or part == "__MACOSX" for part in rel.parts)


def _ambiguous(paths: list[Path], rel: dict[Path, str], why: str) -> str:
    listed = ", ".join(rel[p] for p in paths)
    return f"ambiguous upload: {why} ({listed}); upload only the one you want graded"


def hidden_visibility(config: dict[str, Any]) -> str:
    """When hidden results become visible: env override, else the build option, else the default.

    An unknown value falls back on ``hidden``, the cautious choice for a typo.
    """
    value = os.environ.get("MBRL_HIDDEN_VISIBILITY") or config.get(
        "hidden_visibility", DEFAULT_HIDDEN_VISIBILITY
    )
    return value if value in HIDDEN_VISIBILITIES else "hidden"


def main(argv: list[str] | None = None) -> int:
    """Grade the submission and write results.json; always exits 0 when results were written."""
    started = time.monotonic()
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    source, submission, results = root / "source", root / "submission", root / "results"
    results.mkdir(parents=True, exist_ok=True)
    timeout = float(os.environ.get("MBRL_GRADING_TIMEOUT", Limits().timeout_s))
    config = read_grading_config(source)
    nb, note = find_notebook(submission, config.get("assignment_name"))
    if nb is None:
        result = SubmissionResult(Status.INVALID, note)
    else:
        files = source / "files"
        if files.is_dir() and str(files) not in sys.path:
            sys.path.insert(0, str(files))
        try:
            result = grade_notebook(
                nb, source, Limits(timeout_s=timeout), hide_paths=[submission, results, root]
            )
        except Exception as e:  # the tool failed: report it rather than crash the autograder
            result = SubmissionResult(
                Status.ERROR, f"grader failure: {type(e).__name__}: {e}"[:500]
            )
        if note:
            result.reason = "; ".join(r for r in (note, result.reason) if r)
    data = results_json(
        result,
        scrub=CodeScrubber(source),
        hidden_visibility=hidden_visibility(config),
        execution_time=time.monotonic() - started,
    )
    partial = results / "results.json.partial"  # never a half-written results.json
    partial.write_text(json.dumps(data, indent=1))
    partial.replace(results / "results.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
