"""Gradescope entry point: grade ``$ROOT/submission/*.ipynb`` with the trusted runner.

Why: the same protections as local grading (student code in a sandboxed worker, tests in this
process, no pickle) also on Gradescope. ``ROOT`` is ``$AUTOGRADER_ROOT`` (default
``/autograder``); the autograder zip is unpacked in ``ROOT/source`` (``tests/``, support files
either at its top level or under ``files/``). Writes ``ROOT/results/results.json`` in
Gradescope's format::

    {"score": float, "output": str,
     "tests": [{"name": str, "score": float, "max_score": float,
                "visibility": "visible" | "hidden" | "after_published", "output": str}]}

Hidden test cases get visibility ``hidden`` (``after_published`` when ``MBRL_SHOW_HIDDEN=1``)
and their output is the failure message only, never test source. Run with
``python -m mbrl_grader.gradescope``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from mbrl_grader.results import Limits, Status, SubmissionResult
from mbrl_grader.runner import grade_notebook
from mbrl_grader.scrub import CodeScrubber


def results_json(
    result: SubmissionResult, show_hidden: bool = False, scrub: CodeScrubber | None = None
) -> dict[str, Any]:
    """Convert a :class:`SubmissionResult` to Gradescope's results.json structure.

    Messages are scrubbed of test code exactly as local feedback is (``scrub``).
    """
    scrub = scrub or CodeScrubber()
    tests = []
    for o in result.outcomes:
        vis = "visible" if not o.hidden else ("after_published" if show_hidden else "hidden")
        tests.append(
            {
                "name": o.name,
                "score": o.points,
                "max_score": o.max_points,
                "visibility": vis,
                "output": "Passed." if o.passed else scrub(o.message),
            }
        )
    output = f"Status: {result.status}."
    if result.reason:
        output += f" {scrub(result.reason)}"
    return {"score": result.score, "output": output, "tests": tests}


def find_notebook(submission_dir: Path) -> Path | None:
    """The submitted notebook (first ``*.ipynb`` by name, checkpoints ignored)."""
    nbs = sorted(p for p in submission_dir.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return nbs[0] if nbs else None


def main(argv: list[str] | None = None) -> int:
    """Grade the submission and write results.json; always exits 0 when results were written."""
    root = Path(os.environ.get("AUTOGRADER_ROOT", "/autograder"))
    source, submission, results = root / "source", root / "submission", root / "results"
    results.mkdir(parents=True, exist_ok=True)
    timeout = float(os.environ.get("MBRL_GRADING_TIMEOUT", "600"))
    nb = find_notebook(submission)
    if nb is None:
        result = SubmissionResult(Status.INVALID, "no .ipynb notebook found in the submission")
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
    show_hidden = os.environ.get("MBRL_SHOW_HIDDEN") == "1"
    data = results_json(result, show_hidden=show_hidden, scrub=CodeScrubber(source))
    (results / "results.json").write_text(json.dumps(data, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
