"""Course options of a master that otter does not know: read by the build, written into the zip.

Why: otter's ``# ASSIGNMENT CONFIG`` refuses unknown keys, yet the Gradescope zip needs settings
of ours (when hidden test results become visible). They live in the master, the single source,
under one key that the build removes from the staged copy before ``otter assign`` reads it::

    mbrl:
      hidden_visibility: after_due_date   # after_published (default) | after_due_date | hidden

The build writes them, with the assignment name, to ``mbrl_grading.json`` at the top of the
autograder zip, where :mod:`mbrl_grader.gradescope` reads them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from mbrl_grader.gradescope import (
    DEFAULT_HIDDEN_VISIBILITY,
    GRADING_CONFIG_FILE,
    HIDDEN_VISIBILITIES,
)

KEY = "mbrl"
DEFAULTS: dict[str, Any] = {"hidden_visibility": DEFAULT_HIDDEN_VISIBILITY}
"""``after_published``: hidden tests' results, messages included, reach students when the
instructor publishes the grades (``after_due_date``: after the due date; ``hidden``: never)."""


def problems(config: dict) -> list[str]:
    """What is wrong with the master's ``mbrl:`` options (nothing: ``[]``)."""
    options = config.get(KEY, {})
    if options is None:
        return []
    if not isinstance(options, dict):
        return [f"{KEY}: must be a mapping (e.g. hidden_visibility: after_published)"]
    found = [f"{KEY}: unknown option {name!r}" for name in sorted(set(options) - set(DEFAULTS))]
    visibility = options.get("hidden_visibility", DEFAULTS["hidden_visibility"])
    if visibility not in HIDDEN_VISIBILITIES:
        found.append(
            f"{KEY}.hidden_visibility must be one of {', '.join(HIDDEN_VISIBILITIES)}, "
            f"got {visibility!r}"
        )
    return found


def zip_config(config: dict) -> bytes:
    """The ``mbrl_grading.json`` the zip ships: assignment name and the options with defaults."""
    options = {**DEFAULTS, **(config.get(KEY) or {})}
    data = {"assignment_name": config["name"], **options}
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def strip_from_master(staged_master: Path) -> None:
    """Remove the ``mbrl:`` block from the staged master's config cell (otter refuses it)."""
    import yaml

    nb = nbformat.read(staged_master, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith("# ASSIGNMENT CONFIG"):
            config = yaml.safe_load(cell.source) or {}
            if KEY not in config:
                return
            del config[KEY]
            cell.source = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)
            nbformat.write(nb, staged_master)
            return


__all__ = ["GRADING_CONFIG_FILE", "problems", "strip_from_master", "zip_config"]
