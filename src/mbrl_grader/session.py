"""The worker session of one grading: run the notebook, restart (bounded) when the student's
code kills or hangs the worker, skipping the cells that did.

Why its own module: restarts and skipped cells are the runner's only stateful part. A cell
stopped by its time budget is skipped on every re-run (re-running it would cost its budget
again, for a cell that did not finish the first time either).
"""

from __future__ import annotations

import time
from pathlib import Path

from mbrl_grader.results import Limits
from mbrl_grader.sandbox.client import NotebookRun, WorkerClient


class Session:
    """Runs the notebook in a worker and restarts it (bounded) when the student's code kills it."""

    def __init__(
        self,
        *,
        cells: list[tuple[int, str]],
        workdir: Path,
        hidden: list[str],
        keep: list[str],
        probes: list[str],
        limits: Limits,
        stderr_path: str,
        deadline: float,
        cell_timeout: float | None = None,
    ) -> None:
        self.kw = dict(
            cells=cells,
            workdir=str(workdir),
            hidden=hidden,
            keep=keep,
            probes=probes,
            memory_mb=limits.memory_mb,
            cell_timeout=limits.cell_timeout_s if cell_timeout is None else cell_timeout,
            output_limit=limits.output_limit_chars,
            cpu_seconds=int(limits.timeout_s) + 5,
            stderr_path=stderr_path,
        )
        self.deadline, self.max_restarts = deadline, limits.max_restarts
        self.skip: set[int] = set()
        self.hung_cells: set[int] = set()
        """Cells killed for ignoring their time limit (skipped since; status ``timeout``)."""
        self.notes: list[str] = []
        self.restarts = 0
        self.client: WorkerClient | None = None
        self.run: NotebookRun | None = None
        self.first_run: NotebookRun | None = None

    def start(self) -> NotebookRun:
        """Start a worker and execute the notebook, skipping cells that killed earlier workers."""
        while True:
            client = WorkerClient(skip=self.skip, **self.kw)  # type: ignore[arg-type]
            client.start()
            run = client.run_notebook(self.deadline)
            if self.first_run is None:
                self.first_run = run
            self.skip |= {
                e["cell"]
                for e in run.errors
                if e.get("type") == "CellTimeout" and type(e.get("cell")) is int
            }
            if run.ready or run.timed_out:
                self.client, self.run = client, run
                return run
            bad = run.died_in_cell if run.died_in_cell is not None else run.hung_in_cell
            if bad is None or self.restarts >= self.max_restarts or not run.report:
                self.client, self.run = client, run
                return run
            what = "ended the process" if run.died_in_cell is not None else "hung past its limit"
            if run.died_in_cell is None:
                self.hung_cells.add(bad)
            self.notes.append(f"cell {bad} {what} and was skipped")
            self.skip.add(bad)
            self.restarts += 1

    def restart(self) -> bool:
        """Restart after a test killed the worker; False when out of restarts or time."""
        if self.client is not None:
            self.client.kill()
        if self.restarts >= self.max_restarts or time.monotonic() >= self.deadline:
            self.client = None
            return False
        self.restarts += 1
        run = self.start()
        return run.ready
