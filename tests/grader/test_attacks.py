"""Cheating submissions earn exactly what their honest parts earn, and leak nothing.

Each notebook in ``fixtures/toy/notebooks`` is graded through ``grade_notebook``; its expected
total is in ``expected.json`` (regenerate both with ``fixtures/toy/make_notebooks.py``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

import mbrl_ref
from mbrl_grader.results import Limits, SubmissionResult
from mbrl_grader.runner import grade_notebook
from mbrl_grader.sandbox.isolation import find_repo_root, isolation_level

FIX = Path(__file__).parents[1] / "course" / "fixtures" / "toy"
NOTEBOOKS = FIX / "notebooks"
EXPECTED: dict[str, float] = json.loads((NOTEBOOKS / "expected.json").read_text())
MARKER = "MARKER-HIDDEN-TESTS-7f3a"
OTHER_STUDENT = "OTHER-STUDENT-SECRET-55"
LIMITS = Limits(timeout_s=60.0, cell_timeout_s=1.5, test_timeout_s=20.0, memory_mb=1024)


def _prepare(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Copy the autograder and the submission into tmp folders, filling in the real paths."""
    ag = tmp_path / "autograder"
    shutil.copytree(FIX / "autograder", ag)
    subs = tmp_path / "submissions"
    subs.mkdir()
    (subs / "other_student.ipynb").write_text(json.dumps({"cells": [], "x": OTHER_STUDENT}))
    pkg = Path(mbrl_ref.__file__).resolve().parent
    repo = find_repo_root(pkg.parent) or pkg
    text = (NOTEBOOKS / f"{name}.ipynb").read_text()
    for k, v in {
        "@@AUTOGRADER@@": ag,
        "@@REPO@@": repo,
        "@@PKG@@": pkg,
        "@@SUBMISSIONS@@": subs,
    }.items():
        text = text.replace(k, str(v))
    nb = subs / f"{name}.ipynb"
    nb.write_text(text)
    return nb, ag


class _Payload:
    """Unpickling this creates a directory: proof that a pickle was loaded."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (os.mkdir, (str(self.target),))


_CACHE: dict[str, tuple[SubmissionResult, Path]] = {}


def _graded(tmp_path_factory: pytest.TempPathFactory, name: str) -> tuple[SubmissionResult, Path]:
    """Grade a fixture once per test process (several tests inspect the same result)."""
    if name not in _CACHE:
        tmp = tmp_path_factory.mktemp(name)
        nb, ag = _prepare(tmp, name)
        if name == "attack_otter_log":
            (nb.parent / ".OTTER_LOG").write_bytes(pickle.dumps(_Payload(tmp / "pwned")))
        _CACHE[name] = (grade_notebook(nb, ag, LIMITS), tmp)
    return _CACHE[name]


@pytest.fixture
def graded(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """``graded(name) -> SubmissionResult`` with per-process caching."""
    return lambda name: _graded(tmp_path_factory, name)[0]


def _all_text(res: SubmissionResult) -> str:
    return json.dumps(res.to_dict())


ATTACKS = sorted(n for n in EXPECTED if n.startswith("attack_"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ATTACKS)
def test_attack_earns_only_its_honest_score(graded, name: str) -> None:
    """Every attack notebook gets exactly its honest total, and no hidden material leaks."""
    res = graded(name)
    stopped = name in ("attack_infinite_loop", "attack_stubborn_loop")  # by a time limit
    assert res.status == ("timeout" if stopped else "graded"), res.reason
    assert res.score == EXPECTED[name], [(o.name, o.message[:200]) for o in res.outcomes]
    assert res.possible == 10.0
    text = _all_text(res)
    assert MARKER not in text and OTHER_STUDENT not in text


def test_read_files_attack_sees_nothing(graded) -> None:
    """Reading tests, reference, repo, other submissions and /proc roots all fail in the worker."""
    if isolation_level() != "namespaces":
        pytest.skip("needs namespaces")
    res = graded("attack_read_files")
    msg = res.outcomes[0].message
    assert "OK:" not in msg, msg
    assert all(line.startswith("ERR:") for line in msg.split(": ", 1)[1].splitlines()[:8]), msg
    secret_names = {
        "src",
        "tests",
        "autograder",
        "pyproject.toml",
        "q1.py",
        "submissions",
        "other_student.ipynb",
        "solutions",
        "mbrl_ref",
    }
    for line in msg.splitlines():
        if line.startswith("DIR:"):  # only mount points leading to the venv / own folder remain
            names = set(line[4:].rsplit(":", 1)[1].split(","))
            assert not names & secret_names, line
    assert res.isolation["level"] == "namespaces" and not res.isolation["problems"]


def test_subprocess_and_fork_cannot_read(graded) -> None:
    """A spawned `cat` and a forked child cannot read the hidden tests either."""
    msg = graded("attack_subprocess_read").outcomes[0].message
    assert "CAT:" in msg or "CATERR:" in msg, msg
    assert "FORK:" in msg and MARKER not in msg, msg


def test_crafted_otter_log_is_never_loaded(tmp_path_factory: pytest.TempPathFactory) -> None:
    """A pickled .OTTER_LOG next to the notebook is ignored (only the .ipynb JSON is read)."""
    res, tmp = _graded(tmp_path_factory, "attack_otter_log")
    assert res.score == EXPECTED["attack_otter_log"]
    assert not (tmp / "pwned").exists()


def test_numpy_patch_does_not_reach_grader(graded) -> None:
    """Patching numpy in the notebook leaves the grader's numpy intact."""
    import numpy as np

    res = graded("attack_numpy_patch")
    assert not np.allclose(1.0, 2.0)
    assert res.per_question()["q1"]["score"] == 0.0


def test_reference_import_fails(graded) -> None:
    """`import mbrl_ref...` and loading its source by path both fail in the notebook."""
    errs = graded("attack_import_reference").cell_errors
    assert any(
        e["type"] in ("FileNotFoundError", "PermissionError", "ImportError", "ModuleNotFoundError")
        for e in errs
    ), errs


def test_infinite_loops_are_cut_and_rest_graded(graded) -> None:
    """A top-level loop hits the per-cell limit; one that swallows it is killed and skipped."""
    assert "per-cell time limit" in graded("attack_infinite_loop").reason
    assert "skipped" in graded("attack_stubborn_loop").reason


def test_os_exit_in_cell_is_skipped(graded) -> None:
    """A cell calling os._exit is skipped on re-run so later cells still earn credit."""
    assert "ended the process and was skipped" in graded("attack_exit_cell").reason


def test_os_exit_in_test_fails_only_that_test(graded) -> None:
    """os._exit inside a method fails that test with a clear message; later tests still run."""
    res = graded("attack_exit_in_test")
    died = [o for o in res.outcomes if "ended the notebook's process" in o.message]
    assert [o.name for o in died] == ["q2 - 3"]
    assert next(o for o in res.outcomes if o.name == "q4 - 1").passed


def test_rpc_garbage_is_contained(graded) -> None:
    """Garbage written to the RPC pipes fails only the affected cell or test."""
    assert "skipped" in graded("attack_rpc_fds_cell").reason
    res = graded("attack_rpc_fds_in_test")
    bad = [o.name for o in res.outcomes if "communication channel" in o.message]
    assert bad == ["q2 - 3"], [(o.name, o.message) for o in res.outcomes]


def test_memory_bomb_is_contained(graded) -> None:
    """The memory limit turns a bomb into a MemoryError in that cell."""
    errs = graded("attack_memory_bomb").cell_errors
    assert any(e["type"] == "MemoryError" for e in errs), errs


def test_huge_output_is_truncated(graded) -> None:
    """Huge prints are counted, not stored, and reported in the reason."""
    assert "output truncated" in graded("attack_huge_output").reason


def test_eq_trick_cannot_pass_comparisons(graded) -> None:
    """An object whose __eq__ is always True fails comparisons with a clear TypeError."""
    res = graded("attack_eq_trick")
    msg = next(o for o in res.outcomes if o.name == "q1 - 1").message
    assert "may not compare" in msg


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["solution", "attack_read_files", "attack_subprocess_read", "attack_import_reference"]
)
def test_best_effort_fallback_still_blocks_reads(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without namespaces the audit-hook fallback still blocks the file and process attacks."""
    monkeypatch.setenv("MBRL_SANDBOX_NO_NAMESPACES", "1")
    isolation_level.cache_clear()
    try:
        assert isolation_level() == "best-effort"
        nb, ag = _prepare(tmp_path, name)
        limits = dataclasses.replace(LIMITS, cell_timeout_s=20.0)  # matplotlib imports slowly
        res = grade_notebook(nb, ag, limits)
    finally:
        monkeypatch.delenv("MBRL_SANDBOX_NO_NAMESPACES")
        isolation_level.cache_clear()
    assert res.isolation["level"] == "best-effort"
    assert res.score == EXPECTED[name], [(o.name, o.message[:300]) for o in res.outcomes]
    text = _all_text(res)
    assert MARKER not in text and OTHER_STUDENT not in text and "OK:" not in text
    if name == "solution":  # the fallback must not break honest notebooks (plots, imports)
        assert res.cell_errors == []


def test_umount_and_new_namespaces_cannot_uncover(graded) -> None:
    """Unmounting the hiding tmpfs fails, also from a fresh user namespace (mounts are locked)."""
    if isolation_level() != "namespaces":
        pytest.skip("needs namespaces")
    msg = graded("attack_umount").outcomes[0].message
    assert "OK:" not in msg and "rc=0" not in msg.replace("unshare rc=0", ""), msg
