"""Grade mutants and corpus variants with the real trusted runner, in parallel.

Every job is one call of :func:`mbrl_grader.runner.grade_notebook` (sandboxed worker, the real
test files) on a small notebook: the trimmed solution with one cell replaced. Only the test
files of the questions that can reach the mutated definition are staged, in a private copy of the
autograder folder (the real one is hidden from the sandbox like in normal grading).

Limits are derived from the trimmed solution's own grading time (:func:`baseline`), so that a
mutant that loops forever costs seconds, not the ten minutes a real submission may take.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import nbformat

TIMEOUT_MARKERS = ("ran out of time", "time limit", "per-cell time limit", "Not run:")


@dataclass(frozen=True)
class Job:
    """One notebook to grade against a subset of an assignment's questions."""

    key: str
    notebook: str
    """Path of the notebook to grade (written by the caller)."""
    autograder_dir: str
    """Staged autograder folder holding only the test files of the questions to run."""
    hide: tuple[str, ...]
    limits: dict[str, Any]


@dataclass
class JobResult:
    """What one graded notebook told us: failing test keys, timeouts, status, time taken."""

    key: str
    status: str
    failed: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)
    detail: str = ""
    duration_s: float = 0.0
    execute_s: float = 0.0
    tests_s: float = 0.0


def run_job(job: Job) -> JobResult:
    """Grade one job's notebook with the trusted runner (runs in a pool worker)."""
    from mbrl_grader.results import Limits
    from mbrl_grader.runner import grade_notebook

    t0 = time.monotonic()
    try:
        result = grade_notebook(
            job.notebook, job.autograder_dir, Limits(**job.limits), hide_paths=job.hide
        )
    except Exception as e:  # the grader itself failed: record it, never stop the audit
        return JobResult(job.key, "error", detail=f"{type(e).__name__}: {e}"[:500])
    failed = [o.key for o in result.outcomes if not o.passed]
    timed_out = [
        o.key
        for o in result.outcomes
        if not o.passed
        and (o.failure in ("timeout", "not_run") or any(m in o.message for m in TIMEOUT_MARKERS))
    ]
    if result.status == "timeout" and not timed_out:
        timed_out = failed or ["(notebook)"]
    if any(m in result.reason for m in ("per-cell time limit",)):
        timed_out = timed_out or ["(cell)"]
    return JobResult(
        job.key,
        str(result.status),
        failed,
        timed_out,
        {o.key: o.message[:2000] for o in result.outcomes if not o.passed},
        result.reason[:500],
        time.monotonic() - t0,
        float(result.timings.get("execute_s", 0.0)),
        float(result.timings.get("tests_s", 0.0)),
    )


def run_jobs(
    jobs: list[Job], n_jobs: int, progress: Callable[[JobResult], None] | None = None
) -> Iterator[JobResult]:
    """Grade `jobs` with `n_jobs` processes (1: in this process), yielding results as they end."""
    if n_jobs <= 1:
        for job in jobs:
            res = run_job(job)
            if progress:
                progress(res)
            yield res
        return
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_job, job) for job in jobs]
        for future in as_completed(futures):
            res = future.result()
            if progress:
                progress(res)
            yield res


class Stage:
    """A private folder holding per-question-set autograder copies and the job notebooks."""

    def __init__(self, autograder_dir: Path, root: Path | None = None) -> None:
        self.autograder_dir = Path(autograder_dir).resolve()
        self._tmp = None if root else tempfile.TemporaryDirectory(prefix="mbrl-audit-")
        self.root = Path(root) if root else Path(self._tmp.name)  # type: ignore[union-attr]
        self.root.mkdir(parents=True, exist_ok=True)
        self._dirs: dict[tuple[str, ...], Path] = {}

    def autograder_for(self, test_files: Iterable[Path]) -> Path:
        """A folder with the support files and only these test files (cached per file set)."""
        files = tuple(sorted(str(Path(f).name) for f in test_files))
        if files in self._dirs:
            return self._dirs[files]
        digest = hashlib.sha1("\0".join(files).encode()).hexdigest()[:10]
        folder = self.root / f"ag-{digest}"
        (folder / "tests").mkdir(parents=True, exist_ok=True)
        for name in files:
            shutil.copy2(self.autograder_dir / "tests" / name, folder / "tests" / name)
        for item in self.autograder_dir.iterdir():
            if item.name == "tests" or item.suffix in (".zip", ".ipynb"):
                continue
            target = folder / item.name
            if target.exists():
                continue
            if item.is_dir():
                shutil.copytree(item, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(item, target)
        self._dirs[files] = folder
        return folder

    def write_notebook(self, key: str, nb: nbformat.NotebookNode, name: str) -> Path:
        """Write a job notebook under a folder of its own (named like the real notebook)."""
        safe = hashlib.sha1(key.encode()).hexdigest()[:12]
        folder = self.root / "nb" / safe
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        nbformat.write(nb, path)
        return path

    def cleanup(self) -> None:
        """Remove the staged files (when the stage owns a temporary folder)."""
        if self._tmp is not None:
            self._tmp.cleanup()


def mutant_limits(baseline_s: float, baseline_execute_s: float) -> dict[str, Any]:
    """Limits for a mutant: a few times the solution's time, so hangs cost seconds, not minutes.

    No restart after a hung test: the mutant is already detected, and the tests left are
    reported "Not run" (counted as timed out, not as killed).
    """
    return {
        "timeout_s": max(30.0, 6.0 * baseline_s),
        "cell_timeout_s": max(15.0, 6.0 * baseline_execute_s),
        "test_timeout_s": max(10.0, 3.0 * baseline_s),
        "max_restarts": 0,
    }


def result_to_json(res: JobResult) -> str:
    """Stable JSON for a job result (used by tests and the cache)."""
    return json.dumps(res.__dict__, sort_keys=True)


def cpu_count() -> int:
    """Cores available to this process."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
