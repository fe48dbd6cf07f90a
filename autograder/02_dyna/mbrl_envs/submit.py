"""Export the submission from the notebook's last cell: find this notebook, warn if unsaved.

Why: otter's ``grader.export`` needs the notebook's file name, which a kernel does not know for
sure. Jupyter tells it through ``JPY_SESSION_NAME`` (VS Code through ``__vsc_ipynb_file__``), but
a headless run (nbclient, ``jupyter nbconvert --execute --inplace``) tells it nothing, the name
is stale after a rename, and a folder may hold several notebooks (a copy, another assignment).
:func:`find_notebook` therefore uses a hint only when it names an existing notebook of this
assignment, and otherwise picks, among the folder's notebooks whose otter metadata names this
assignment, the one whose code cells hold what this kernel ran (the newest on a tie).
:func:`unsaved_work` lists the cells this kernel ran that the saved file does not hold ("Run
All" runs the export before Jupyter saves, so the zip would hold an older notebook).
:func:`export_notebook` never raises: a problem is printed as one clear line.

Only the standard library is used here (IPython lazily).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["export_notebook", "find_notebook", "kernel_inputs", "unsaved_work"]


def kernel_inputs() -> list[str]:
    """The code cells this kernel ran, as typed (empty outside IPython)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return []
    shell = get_ipython()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return [str(cell) for cell in history or [] if str(cell).strip()]


def _read(path: Path) -> dict | None:
    """A notebook's JSON, or None when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _assignment(nb: dict) -> str | None:
    """The otter assignment name in a notebook's metadata, if any."""
    otter = nb.get("metadata", {}).get("otter", {})
    return otter.get("assignment_name") if isinstance(otter, dict) else None


def _code_cells(nb: dict) -> set[str]:
    """The stripped sources of a notebook's code cells."""
    cells = nb.get("cells", [])
    out = set()
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            out.add(("".join(source) if isinstance(source, list) else str(source)).strip())
    return out


def _hints() -> list[str]:
    """File names the front end gave the kernel (Jupyter, VS Code), most reliable first."""
    main = sys.modules.get("__main__")
    return [os.environ.get("JPY_SESSION_NAME", ""), str(getattr(main, "__vsc_ipynb_file__", ""))]


def find_notebook(
    assignment: str, folder: str | Path = ".", inputs: list[str] | None = None
) -> tuple[Path | None, str]:
    """The notebook to export and a note on how it was chosen ("" when there was no choice).

    ``inputs``: the code this kernel ran (default: :func:`kernel_inputs`). Returns (None, why)
    when the folder holds no notebook of ``assignment``.
    """
    folder = Path(folder)
    notebooks = {
        p: nb
        for p in sorted(folder.glob("*.ipynb"))
        if not p.name.startswith(".") and (nb := _read(p)) is not None
    }
    for hint in _hints():
        path = folder / Path(hint).name if hint.endswith(".ipynb") else None
        if path in notebooks and _assignment(notebooks[path]) in (assignment, None):
            return path, ""
    mine = [p for p, nb in notebooks.items() if _assignment(nb) == assignment]
    if not mine:
        found = ", ".join(p.name for p in notebooks) or "none"
        return None, (
            f"no notebook of {assignment} in {folder.resolve()} (notebooks found: {found}). "
            "Run this cell in the assignment's folder, next to your notebook."
        )
    if len(mine) == 1:
        return mine[0], ""
    ran = [c.strip() for c in (kernel_inputs() if inputs is None else inputs) if c.strip()]

    def score(path: Path) -> tuple[int, float]:
        cells = _code_cells(notebooks[path])
        return sum(c in cells for c in ran), path.stat().st_mtime

    best = max(mine, key=score)
    others = ", ".join(p.name for p in mine if p != best)
    return best, (
        f"This folder holds {len(mine)} notebooks of {assignment}; exporting {best.name}, the one "
        f"whose cells match what this kernel ran (not: {others})."
    )


def unsaved_work(path: str | Path, inputs: list[str] | None = None) -> list[str]:
    """The cells this kernel ran that the saved notebook at ``path`` does not hold."""
    nb = _read(Path(path))
    cells = _code_cells(nb) if nb is not None else set()
    ran = kernel_inputs() if inputs is None else inputs
    return list(dict.fromkeys(c.strip() for c in ran if c.strip() and c.strip() not in cells))


def _first_line(source: str, limit: int = 60) -> str:
    """A cell's first line, shortened, for a message."""
    line = source.strip().splitlines()[0] if source.strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def export_notebook(grader: Any, assignment: str, **export_args: Any) -> str | None:
    """Export this notebook with otter (``grader.export``); return the notebook's path or None.

    Prints why nothing was exported (Colab, no notebook found, otter failed) instead of raising,
    and warns when the saved file is older than this kernel's work (see :func:`unsaved_work`).
    """
    if not type(grader).__module__.startswith("otter.") or getattr(
        type(grader), "_grading_mode", False
    ):
        return None  # grading (our stand-in, or otter's grading mode): nothing to export
    if "google.colab" in sys.modules:
        print(
            "otter cannot export on Colab: use File > Download > Download .ipynb and hand in that "
            "notebook."
        )
        return None
    path, note = find_notebook(assignment)
    if path is None:
        print(f"No submission was exported: {note}")
        return None
    if note:
        print(note)
    missing = unsaved_work(path)
    if missing:
        print(
            f"Warning: the saved file {path.name} is older than this kernel's work: "
            f"{len(missing)} cell(s) you ran are not in it (the first begins "
            f"`{_first_line(missing[0])}`). The zip holds the saved file: save the notebook "
            "(File > Save, Ctrl+S) and run this cell again. (Cells you ran and then deleted or "
            "changed count here too: Kernel > Restart & Run All, save, then export.)"
        )
    try:
        grader.export(nb_path=str(path), **export_args)
    except Exception as exc:  # noqa: BLE001 - one clear line instead of otter's traceback
        print(f"No submission was exported: otter's export of {path.name} failed ({exc}).")
        return None
    return str(path)
