"""Keep the grader and its worker on one CPU while they talk.

Why: grading is a synchronous conversation: thousands of RPC round trips per notebook (a
proxied call, a callback into a trusted environment), and one side always waits for the other,
so the pair never uses two CPUs at once. Between processes on different CPUs each wake-up is
an inter-processor interrupt; measured on the 2-core CI machine (``bench/rpc.py``), a pipe
round trip costs about 48 µs across CPUs and 6 µs on one, and a call-heavy grading takes about
25 % less CPU time when the pair shares a CPU. The CPU chosen is the one the grader runs on
when the session starts (where the scheduler just found room); the batch grader runs one
grading per core, so the pairs spread over the cores. The previous affinity is restored
afterwards, so an in-process caller (the test suite) is left as it was.

Set ``MBRL_SANDBOX_NO_PIN=1`` to leave scheduling to the kernel.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


def cpu_of_stat(stat: str) -> int | None:
    """The ``processor`` field (39th) of a ``/proc/PID/stat`` line, or None if malformed."""
    try:
        # count fields after the command name, which may itself hold spaces and parentheses
        return int(stat.rsplit(")", 1)[1].split()[36])
    except (ValueError, IndexError):
        return None


def current_cpu() -> int | None:
    """The CPU this process is running on now, or None where ``/proc`` cannot tell."""
    try:
        with open("/proc/self/stat", encoding="utf-8", errors="replace") as f:
            return cpu_of_stat(f.read())
    except OSError:
        return None


@contextmanager
def one_cpu() -> Iterator[int | None]:
    """Pin the calling thread (and the processes it starts) to one allowed CPU; yield it.

    Yields None and changes nothing when pinning is unavailable, pointless (one CPU allowed)
    or disabled by ``MBRL_SANDBOX_NO_PIN``.
    """
    if os.environ.get("MBRL_SANDBOX_NO_PIN") or not hasattr(os, "sched_setaffinity"):
        yield None
        return
    try:
        allowed = os.sched_getaffinity(0)
    except OSError:
        yield None
        return
    cpu = current_cpu()
    if len(allowed) < 2 or cpu not in allowed:
        yield None
        return
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError:
        yield None
        return
    try:
        yield cpu
    finally:
        try:
            os.sched_setaffinity(0, allowed)
        except OSError:
            pass
