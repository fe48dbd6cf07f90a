"""Gradescope entry point: grade the submission's notebook of this assignment with the trusted runner.

Why: the same protections as local grading (student code in a sandboxed worker, tests in this
process, no pickle) also on Gradescope. ``ROOT`` is ``$AUTOGRADER_ROOT`` (default
``/autograder``); the autograder zip is unpacked in ``ROOT/source`` (``tests/``, support files
either at its top level or under ``files/``, and ``mbrl_grading.json``: the assignment name and
the course options written by ``mbrl-course build``). Writes ``ROOT/results/results.json`` in
Gradescope's format::

    {"score": float, "output": str,
     "tests": [{"name": str, "score": float, "max_score": float,
                "visibility": "visible" | "hidden" | "after_due_date" | "after_published",
                "output": str}]}

Which notebook: the one whose otter metadata (``metadata.otter.assignment_name``) names this
assignment, wherever it sits in the upload and whatever its file name. Several such notebooks
(with different contents), or none while the upload holds notebooks of other assignments, is an
ambiguous upload: status ``invalid`` with a reason that lists what was found. A lone notebook
without otter metadata is graded, with a note.

Hidden test cases get the visibility of the build option ``hidden_visibility`` (default
``hidden``; ``MBRL_HIDDEN_VISIBILITY`` overrides it) and their output is the failure message
only, never test source. Run with ``python -m mbrl_grader.gradescope``.
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

GRADING_CONFIG_FILE = "mbrl_grading.json"
HIDDEN_VISIBILITIES = ("hidden", "after_due_date", "after_published")
MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024


def results_json(
    result: SubmissionResult,
    show_hidden: bool = False,
    scrub: CodeScrubber | None = None,
    hidden_visibility: str | None = None,
) -> dict[str, Any]:
    """Convert a :class:`SubmissionResult` to Gradescope's results.json structure.

    Hidden tests get ``hidden_visibility`` (default ``hidden``, or ``after_published`` with the
    older ``show_hidden``). Messages are scrubbed of test code exactly as local feedback is.
    """
    scrub = scrub or CodeScrubber()
    hidden_as = hidden_visibility or ("after_published" if show_hidden else "hidden")
    tests = []
    for o in result.outcomes:
        tests.append(
            {
                "name": o.name,
                "score": o.points,
                "max_score": o.max_points,
                "visibility": hidden_as if o.hidden else "visible",
                "output": "Passed." if o.passed else scrub(o.message),
            }
        )
    output = f"Status: {result.status}."
    if result.reason:
        output += f" {scrub(result.reason)}"
    return {"score": result.score, "output": output, "tests": tests}


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
    """When hidden results become visible: env override, else the build option, else hidden."""
    value = os.environ.get("MBRL_HIDDEN_VISIBILITY") or config.get("hidden_visibility")
    if os.environ.get("MBRL_SHOW_HIDDEN") == "1" and not value:
        value = "after_published"
    return value if value in HIDDEN_VISIBILITIES else "hidden"


def main(argv: list[str] | None = None) -> int:
    """Grade the submission and write results.json; always exits 0 when results were written."""
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
        result, scrub=CodeScrubber(source), hidden_visibility=hidden_visibility(config)
    )
    (results / "results.json").write_text(json.dumps(data, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
