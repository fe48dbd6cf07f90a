"""Tests for pinning a grading (the grader and its worker) to one CPU."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mbrl_grader.sandbox import affinity

ALLOWED = os.sched_getaffinity(0)


def test_cpu_field_is_read_after_a_command_name_with_spaces_and_parentheses() -> None:
    """The processor field is counted from the last ')' so odd process names cannot shift it."""
    rest = " ".join(str(i) for i in range(3, 39))  # fields 3..38
    stat = f"1234 (a) b (c)) {rest} 7 0 0"
    assert affinity.cpu_of_stat(stat) == 7
    assert affinity.cpu_of_stat("1234 (truncated") is None
    assert affinity.cpu_of_stat("") is None


def test_current_cpu_is_an_allowed_cpu() -> None:
    """The CPU reported for this process is one it may run on."""
    assert affinity.current_cpu() in ALLOWED


@pytest.mark.skipif(len(ALLOWED) < 2, reason="pinning only applies with two or more CPUs")
def test_one_cpu_pins_children_and_restores_the_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside the block this thread and a process it starts run on one CPU; after, all again."""
    monkeypatch.delenv("MBRL_SANDBOX_NO_PIN", raising=False)
    with affinity.one_cpu() as cpu:
        assert cpu in ALLOWED
        assert os.sched_getaffinity(0) == {cpu}
        child = subprocess.run(
            [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert child.stdout.strip() == str([cpu])
    assert os.sched_getaffinity(0) == ALLOWED


def test_one_cpu_changes_nothing_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    """MBRL_SANDBOX_NO_PIN leaves scheduling to the kernel."""
    monkeypatch.setenv("MBRL_SANDBOX_NO_PIN", "1")
    with affinity.one_cpu() as cpu:
        assert cpu is None
        assert os.sched_getaffinity(0) == ALLOWED


def test_one_cpu_changes_nothing_with_a_single_allowed_cpu() -> None:
    """A process already limited to one CPU (taskset, a cgroup) is left alone."""
    only = min(ALLOWED)
    os.sched_setaffinity(0, {only})
    try:
        with affinity.one_cpu() as cpu:
            assert cpu is None
            assert os.sched_getaffinity(0) == {only}
    finally:
        os.sched_setaffinity(0, ALLOWED)


def test_one_cpu_restores_the_mask_when_the_block_raises() -> None:
    """A grading that crashes still gives the caller its CPUs back."""
    with pytest.raises(RuntimeError), affinity.one_cpu():
        raise RuntimeError("grading crashed")
    assert os.sched_getaffinity(0) == ALLOWED
