"""Prove that no graded answer depends on a demo cell (a check of ``mbrl-course validate``).

Why: the trusted runner skips code cells tagged ``demo`` (cell metadata) when grading, so a
student's broken code inside a demo costs no grading time. That is only fair if the solution
earns exactly the same with the demos skipped as with them run, and if no other cell needs
something that only a demo cell defines. :func:`demo_problems` grades the solution both ways and
names every difference.
"""

from __future__ import annotations

from pathlib import Path

from mbrl_grader.results import Limits, SubmissionResult
from mbrl_grader.runner import demo_cells, grade_notebook


def demo_problems(
    notebook: Path,
    autograder_dir: Path,
    limits: Limits | None = None,
    skipped: SubmissionResult | None = None,
) -> list[str]:
    """Grade ``notebook`` with demo cells skipped and run; return the differences (none: ``[]``).

    ``skipped``: the grading with demos skipped, when the caller already has it (validate).
    """
    demos = demo_cells(notebook)
    if not demos:
        return []
    if skipped is None:
        skipped = grade_notebook(notebook, autograder_dir, limits)
    run = grade_notebook(notebook, autograder_dir, limits, run_demos=True)
    return compare(skipped, run, demos)


def compare(
    skipped: SubmissionResult, run: SubmissionResult, demos: set[int] | frozenset[int] = frozenset()
) -> list[str]:
    """The problems between a grading with demos skipped and one with demos run.

    A demo cell stopped by the graded cells' time budget (status ``timeout`` only because of
    cells in ``demos``) is no difference: demos are never run when grading.
    """
    problems = []
    stopped = {e.get("cell") for e in run.cell_errors if e.get("type") == "CellTimeout"}
    demo_timeout_only = (
        run.status == "timeout"
        and skipped.status == "graded"
        and stopped
        and stopped <= set(demos)
        and not any(o.failure in ("timeout", "not_run") for o in run.outcomes)
    )
    if skipped.status != run.status and not demo_timeout_only:
        problems.append(
            f"grading status is {skipped.status} with demo cells skipped but {run.status} with "
            f"them run ({skipped.reason or run.reason})"
        )
    if skipped.score != run.score or set(skipped.failed_keys()) != set(run.failed_keys()):
        differ = sorted(set(skipped.failed_keys()) ^ set(run.failed_keys()))
        problems.append(
            f"the solution earns {skipped.score:g}/{skipped.possible:g} with demo cells skipped "
            f"and {run.score:g}/{run.possible:g} with them run: a graded answer depends on a demo "
            f"cell (tests that differ: {', '.join(differ) or 'none'}); untag that cell or move "
            "the graded code out of it"
        )
    seen = {(e.get("cell"), e.get("type")) for e in run.cell_errors}
    for err in skipped.cell_errors:
        if (err.get("cell"), err.get("type")) in seen:
            continue
        label = err.get("label") or f"cell {err.get('cell')}"
        problems.append(
            f"with demo cells skipped, {label} raises {err.get('type')} ({err.get('msg', '')[:120]})"
            ": it uses something only a demo cell defines; tag it demo too or move the definition"
            " out of the demo"
        )
    return problems
