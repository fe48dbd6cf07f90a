"""Grader side of the sandbox: start the worker, run the notebook, re-entrant RPC.

Why: the trusted runner talks to the untrusted worker only through this class. Everything the
worker sends is decoded as plain data (:mod:`.rpc`) or wrapped in a :class:`StudentProxy`;
grader objects handed to student code stay here and are served as callbacks, restricted to
public (non-underscore) attributes so student code cannot walk into the grader's internals.

Slightly over 400 lines on purpose: the process lifecycle, the deadlines and the re-entrant
request/callback loop share state that would only be passed around if split.
"""

from __future__ import annotations

import builtins
import ctypes
import os
import re
import signal
import subprocess
import sys
import time
import types
from dataclasses import dataclass, field
from typing import Any

from mbrl_grader.sandbox import isolation
from mbrl_grader.sandbox.proxy import Missing, StudentCodeError, StudentMethod, StudentProxy
from mbrl_grader.sandbox.rpc import (
    Channel,
    ChannelClosed,
    ChannelTimeout,
    ProtocolError,
    decode,
    encode,
)

_BUILTIN_IDS = {id(v) for v in vars(builtins).values()}
GRADER_MAX_FRAME = 64 * 1024 * 1024


def _die_with_parent() -> None:
    """In the child before exec: get SIGKILL if the grading process dies (no orphans)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class WorkerDied(Exception):
    """The worker process exited (os._exit, a crash, the memory limit...)."""

    grader_failure = True  # public checks (mbrl_envs.checking) let it reach the runner


class WorkerTimeout(Exception):
    """The worker did not answer before the deadline."""

    grader_failure = True  # public checks (mbrl_envs.checking) let it reach the runner


class WorkerBroken(Exception):
    """The worker sent something that is not valid protocol."""

    grader_failure = True  # public checks (mbrl_envs.checking) let it reach the runner


class StaleProxy(Exception):
    """A proxy from a previous (restarted) worker was used."""

    grader_failure = True  # public checks (mbrl_envs.checking) let it reach the runner


@dataclass
class NotebookRun:
    """What happened while the worker executed the notebook."""

    ready: bool = False
    report: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    died_in_cell: int | None = None
    hung_in_cell: int | None = None
    timed_out: bool = False
    output_chars: int = 0
    detail: str = ""
    cell_times: dict[int, float] = field(default_factory=dict)
    """Seconds each executed cell took (measured here, from the worker's cell events)."""


@dataclass(frozen=True)
class StackFrame:
    """Where the student's code was when it was stopped: a notebook cell, a line, a function."""

    cell: int
    line: int
    function: str


_FRAME_RE = re.compile(r'File "<cell (\d+)>", line (\d+) in ([A-Za-z_][A-Za-z0-9_<>.]{0,80})')
STACK_MARKER = b"most recent call first"


def innermost_cell_frame(dump: str) -> StackFrame | None:
    """The innermost frame of a faulthandler dump that belongs to a notebook cell (or None).

    The dump comes from the untrusted worker: it is only parsed as text, and only a cell number,
    a line number and an identifier are kept.
    """
    blocks = dump.split("most recent call first")
    if len(blocks) < 2:
        return None
    for line in blocks[-1].splitlines():  # faulthandler lists the innermost frame first
        m = _FRAME_RE.search(line)
        if m:
            return StackFrame(int(m.group(1)), int(m.group(2)), m.group(3))
    return None


_TB_RE = re.compile(r"cell (\d+), line (\d+), in ([A-Za-z_][A-Za-z0-9_<>.]{0,80})")


def _frame_from_tb(tb: list[str]) -> StackFrame | None:
    """The innermost cell frame of a worker error's traceback lines (``cell N, line L, in f``)."""
    for line in reversed(tb):
        m = _TB_RE.match(line)
        if m:
            return StackFrame(int(m.group(1)), int(m.group(2)), m.group(3))
    return None


def _worker_pid(pid: int) -> int:
    """The worker's Python process: ``unshare --fork``'s child, or ``pid`` itself."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            children = [int(c) for c in f.read().split()]
    except (OSError, ValueError):
        children = []
    return children[0] if children else pid


def clean_env(workdir: str) -> dict[str, str]:
    """A minimal environment for the worker: no inherited secrets, single-threaded BLAS."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": workdir,
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "MBRL_STATIC": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLCONFIGDIR": os.path.join(workdir, ".mpl"),
    }
    if os.environ.get("MBRL_SANDBOX_NO_NAMESPACES"):
        env["MBRL_SANDBOX_NO_NAMESPACES"] = "1"
    return env


class WorkerClient:
    """One worker process and the RPC conversation with it."""

    generation = 0

    def __init__(
        self,
        *,
        cells: list[tuple[int, str]],
        workdir: str,
        hidden: list[str],
        keep: list[str],
        probes: list[str],
        memory_mb: int,
        cell_timeout: float,
        output_limit: int,
        cpu_seconds: int,
        skip: set[int],
        stderr_path: str,
    ) -> None:
        self.cells, self.workdir, self.skip = cells, workdir, set(skip)
        self.hidden, self.keep, self.probes = hidden, keep, probes
        self.memory_mb, self.cell_timeout = memory_mb, cell_timeout
        self.output_limit, self.cpu_seconds = output_limit, cpu_seconds
        self.stderr_path = stderr_path
        self.refs: dict[int, Any] = {}
        self.ref_ids: dict[int, int] = {}
        self.next_ref = 1
        self.proc: subprocess.Popen[bytes] | None = None
        self.ch: Channel | None = None
        self.deadline: float | None = None
        WorkerClient.generation += 1
        self.gen = WorkerClient.generation
        self.rpc_count = 0
        self.methods: dict[tuple[int, str], str] = {}
        """``(handle, name) -> description`` of student attributes seen to be bound methods."""
        self.stopped_at: StackFrame | None = None
        """Where the student's code was when the current test ran out of time (None: unknown)."""
        self.timed_out = False
        """Whether the current test's budget interrupted the student's code."""

    # ------------------------------------------------------------------ process
    def start(self) -> None:
        """Spawn the worker (isolated per :func:`isolation.isolation_level`) and send init."""
        g2w_r, g2w_w = os.pipe()
        w2g_r, w2g_w = os.pipe()
        cmd = isolation.wrap_command(
            [
                sys.executable,
                "-B",
                "-m",
                "mbrl_grader.sandbox.worker",
                "--rfd",
                str(g2w_r),
                "--wfd",
                str(w2g_w),
            ]
        )
        with open(self.stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                cmd,
                pass_fds=(g2w_r, w2g_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                cwd=self.workdir,
                env=clean_env(self.workdir),
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        os.close(g2w_r)
        os.close(w2g_w)
        self.ch = Channel(w2g_r, g2w_w, max_frame=GRADER_MAX_FRAME)
        self.ch.set_nonblocking()
        init = {
            "t": "init",
            "workdir": self.workdir,
            "level": isolation.isolation_level(),
            "hidden": self.hidden,
            "keep": self.keep,
            "probes": self.probes,
            "memory_mb": self.memory_mb,
            "cell_timeout": self.cell_timeout,
            "output_limit": self.output_limit,
            "cpu_seconds": self.cpu_seconds,
            "cells": [[i, s] for i, s in self.cells],
            "skip": sorted(self.skip),
        }
        self.ch.send(init, deadline=time.monotonic() + 30)

    def kill(self) -> None:
        """Kill the worker and everything it started (its process group and PID namespace)."""
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.ch is not None:
            for fd in (self.ch.rfd, self.ch.wfd):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self.ch = None

    def where_stuck(self, wait: float = 1.0) -> StackFrame | None:
        """Ask the worker for its Python stack (SIGUSR1: faulthandler writes it to the worker's
        stderr file) and return the innermost notebook-cell frame, before the worker is killed.

        Why: "q1_3 timed out in `run_episodes` (code cell 7)" tells a student where to look.
        """
        if self.proc is None or self.proc.poll() is not None:
            return None
        try:
            size = os.path.getsize(self.stderr_path)
            os.kill(_worker_pid(self.proc.pid), signal.SIGUSR1)
        except OSError:
            return None
        end = time.monotonic() + wait
        while time.monotonic() < end:
            time.sleep(0.05)
            try:
                with open(self.stderr_path, "rb") as f:
                    f.seek(size)
                    dump = f.read(64 * 1024)
            except OSError:
                return None
            if STACK_MARKER in dump:
                time.sleep(0.05)  # the dump is written frame by frame
                with open(self.stderr_path, "rb") as f:
                    f.seek(size)
                    dump = f.read(64 * 1024)
                return innermost_cell_frame(dump.decode("utf-8", "replace"))
        return None

    def close(self) -> None:
        """Ask the worker to exit, then make sure it is gone."""
        if self.ch is not None:
            try:
                self.ch.send({"t": "req", "op": "exit"}, deadline=time.monotonic() + 1)
            except Exception:
                pass
        self.kill()

    # ------------------------------------------------------------------ notebook phase
    def run_notebook(self, deadline: float, grace: float = 1.5) -> NotebookRun:
        """Wait for the worker to execute the notebook; record crashes and hangs per cell."""
        run = NotebookRun()
        assert self.ch is not None
        current: int | None = None
        started = time.monotonic()
        cell_deadline = min(deadline, time.monotonic() + 60)
        first = True
        while True:
            try:
                msg = self.ch.recv(cell_deadline)
            except ChannelTimeout:
                if cell_deadline >= deadline:
                    run.timed_out = True
                run.hung_in_cell = current
                run.detail = self._stderr_tail()
                self.kill()
                return run
            except ChannelClosed:
                run.died_in_cell = current
                run.detail = self._stderr_tail()
                self.kill()
                return run
            except ProtocolError as e:
                run.died_in_cell = current
                run.detail = f"protocol error: {e}"
                self.kill()
                return run
            ev = msg.get("ev")
            if first:
                first = False
                if ev != "isolated" or type(msg.get("report")) is not dict:
                    run.detail = "worker did not report its isolation"
                    self.kill()
                    return run
                run.report = msg["report"]
                continue
            if ev in ("cell", "ready") and current is not None:
                run.cell_times[current] = time.monotonic() - started
            if ev == "cell" and type(msg.get("i")) is int:
                current, started = msg["i"], time.monotonic()
                cell_deadline = min(deadline, time.monotonic() + self.cell_timeout + grace)
            elif ev == "ready":
                errs = msg.get("errors")
                run.errors = (
                    [e for e in errs if type(e) is dict][:200] if type(errs) is list else []
                )
                oc = msg.get("output_chars")
                run.output_chars = oc if type(oc) is int else 0
                run.ready = True
                return run
            else:
                run.died_in_cell = current
                run.detail = "unexpected message from the worker"
                self.kill()
                return run

    def _stderr_tail(self) -> str:
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - 600))
                return f.read().decode("utf-8", "replace").strip()
        except OSError:
            return ""

    # ------------------------------------------------------------------ codec
    def _to_ref(self, obj: Any) -> dict[str, Any]:
        if isinstance(obj, StudentMethod):
            obj = self.resolve_method(obj)
        if isinstance(obj, StudentProxy):
            if object.__getattribute__(obj, "_gen") != self.gen:
                raise StaleProxy("a student object from before the notebook was re-run was used")
            return {"$": "h", "id": object.__getattribute__(obj, "_hid")}
        if isinstance(obj, Missing):
            obj._fail()
        if isinstance(obj, types.ModuleType) or id(obj) in _BUILTIN_IDS:
            raise TypeError(f"cannot give {type(obj).__name__} objects to student code")
        rid = self.ref_ids.get(id(obj))
        if rid is None or self.refs.get(rid) is not obj:
            rid = self.next_ref
            self.next_ref += 1
            self.refs[rid] = obj
            self.ref_ids[id(obj)] = rid
        return {"$": "r", "id": rid, "ty": type(obj).__name__}

    def _from_ref(self, obj: dict[str, Any]) -> Any:
        if obj.get("$") == "r":
            rid = obj.get("id")
            if type(rid) is not int or rid not in self.refs:
                raise ReferenceError("a grader object from an earlier test was used")
            return self.refs[rid]
        hid, ty, kind = obj.get("id"), obj.get("ty"), obj.get("k")
        if (
            type(hid) is not int
            or type(ty) is not str
            or kind not in ("class", "function", "method", "object", "module")
        ):
            raise ProtocolError("bad handle")
        return StudentProxy(self, hid, ty[:200], kind, self.gen)

    def enc(self, value: Any) -> Any:
        return encode(value, self._to_ref)

    def dec(self, value: Any) -> Any:
        return decode(value, self._from_ref)

    # ------------------------------------------------------------------ RPC
    def request(self, msg: dict[str, Any]) -> dict[str, Any]:
        """Send a request and wait for its reply, serving the worker's callbacks meanwhile."""
        if self.ch is None:
            raise WorkerDied("the notebook's process is not running")
        self.rpc_count += 1
        try:
            self.ch.send({"t": "req", **msg}, deadline=self.deadline)
            while True:
                reply = self.ch.recv(self.deadline)
                t = reply.get("t")
                if t == "rep":
                    return reply
                if t == "req":
                    self._serve_callback(reply)
                else:
                    raise ProtocolError("unexpected message")
        except ChannelTimeout as e:
            self.stopped_at = self.where_stuck()
            self.kill()
            raise WorkerTimeout("the test ran out of time") from e
        except ChannelClosed as e:
            self.kill()
            raise WorkerDied("the notebook's process exited") from e
        except ProtocolError as e:
            self.kill()
            raise WorkerBroken(str(e)) from e

    def _result(self, reply: dict[str, Any], where: str) -> Any:
        if reply.get("ok") is True:
            try:
                return self.dec(reply.get("v"))
            except ProtocolError as e:
                self.kill()
                raise WorkerBroken(str(e)) from e
        err = reply.get("err")
        if type(err) is not dict:
            self.kill()
            raise WorkerBroken("malformed error reply")
        tb = err.get("tb")
        tb = [str(x)[:300] for x in tb[:4]] if type(tb) is list else []
        if err.get("type") == "CellTimeout" and self.stopped_at is None:
            self.stopped_at = _frame_from_tb(tb)
            self.timed_out = True
        raise StudentCodeError(
            where, str(err.get("type", "Exception"))[:100], str(err.get("msg", ""))[:1500], tb
        )

    def begin_test(self, deadline: float) -> None:
        """Start a test: new deadline, and grader objects given to earlier tests become dead.

        Why: a reference object handed to the student in one test must not be kept (in a
        global) and used to answer another test.
        """
        self.deadline = deadline
        self.stopped_at, self.timed_out = None, False
        self.refs.clear()
        self.ref_ids.clear()

    def lookup(self, name: str) -> Any:
        """The student's global ``name`` as data, a proxy, or :class:`Missing`."""
        reply = self.request({"op": "lookup", "name": name})
        if reply.get("ok") is True and reply.get("missing") is True:
            return Missing(name)
        return self._result(reply, f"`{name}`")

    def reseed(self, seed: int, budget: float = 0.0) -> None:
        """Seed the student's random, np.random and unseeded default_rng for one test, and
        give the worker the test's time budget (0: none), after which it interrupts the
        student's code itself (the grader's own deadline is only the backstop)."""
        msg = {"op": "reseed", "seed": int(seed), "budget": float(budget)}
        self._result(self.request(msg), "reseed")

    def ping(self) -> None:
        """Round trip with no work (used to measure RPC overhead)."""
        self._result(self.request({"op": "ping"}), "ping")

    def proxy_op(self, proxy: StudentProxy, op: str, **kw: Any) -> Any:
        """Perform getattr/setattr/call on a student object and decode the result."""
        if object.__getattribute__(proxy, "_gen") != self.gen:
            raise StaleProxy(
                "this student object belongs to a process that was restarted; look it up again"
            )
        ty = object.__getattribute__(proxy, "_ty")
        kind = object.__getattribute__(proxy, "_kind")
        if kind == "module":
            raise TypeError(
                f"a test used the student's module `{ty}`; tests must import "
                "numpy and helpers inside the test function (design rule 1)"
            )
        hid = object.__getattribute__(proxy, "_hid")
        if op == "getattr" and (hid, kw["name"]) in self.methods:
            return StudentMethod(self, hid, kw["name"], self.methods[hid, kw["name"]], self.gen)
        msg: dict[str, Any] = {"op": op, "h": hid}
        if op == "call":
            msg["args"], msg["kwargs"] = self.enc(kw["args"]), self.enc(kw["kwargs"])
            where = f"{ty}(...) constructor" if kind == "class" else ty
            if ty.endswith(" object"):
                where = ty[:-7] + " object (called)"
        else:
            msg["name"] = kw["name"]
            if op == "setattr":
                msg["value"] = self.enc(kw["value"])
            owner = ty[:-7] if ty.endswith(" object") else ty
            verb = "reading" if op == "getattr" else "setting"
            where = f"{owner} ({verb} attribute `{kw['name']}`)"
        value = self._result(self.request(msg), where)
        if op == "getattr" and isinstance(value, StudentProxy):
            if object.__getattribute__(value, "_kind") == "method":
                self.methods[hid, kw["name"]] = object.__getattribute__(value, "_ty")
        return value

    def call_attr(self, method: StudentMethod, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """``getattr(obj, name)(*args, **kwargs)`` on a student object in ONE round trip."""
        if object.__getattribute__(method, "_gen") != self.gen:
            raise StaleProxy(
                "this student object belongs to a process that was restarted; look it up again"
            )
        msg = {
            "op": "callattr",
            "h": object.__getattribute__(method, "_hid"),
            "name": object.__getattribute__(method, "_name"),
            "args": self.enc(args),
            "kwargs": self.enc(kwargs),
        }
        return self._result(self.request(msg), object.__getattribute__(method, "_ty"))

    def resolve_method(self, method: StudentMethod) -> Any:
        """Read ``obj.name`` for real (a handle to the bound method), bypassing the cache."""
        if object.__getattribute__(method, "_gen") != self.gen:
            raise StaleProxy("this student object belongs to a process that was restarted")
        name = object.__getattribute__(method, "_name")
        msg = {"op": "getattr", "h": object.__getattribute__(method, "_hid"), "name": name}
        ty = object.__getattribute__(method, "_ty")
        return self._result(self.request(msg), f"{ty} (reading attribute `{name}`)")

    def call_many(self, proxy: StudentProxy, arg_lists: list[list[Any]]) -> list[Any]:
        """``[proxy(*args) for args in arg_lists]`` in ONE round trip (first error is raised)."""
        if object.__getattribute__(proxy, "_gen") != self.gen:
            raise StaleProxy("this student object belongs to a process that was restarted")
        ty = object.__getattribute__(proxy, "_ty")
        msg = {
            "op": "callmany",
            "h": object.__getattribute__(proxy, "_hid"),
            "calls": self.enc([list(a) for a in arg_lists]),
        }
        if isinstance(proxy, StudentMethod):  # the worker reads obj.name once, then calls it
            msg["name"] = object.__getattribute__(proxy, "_name")
        out = self._result(self.request(msg), ty)
        if type(out) is not list or len(out) != len(arg_lists):
            raise WorkerBroken("bad callmany reply")
        return out

    def _serve_callback(self, msg: dict[str, Any]) -> None:
        """Serve a worker request on a grader object (public attributes only)."""
        try:
            rid = msg.get("r")
            if type(rid) is not int or rid not in self.refs:
                raise ReferenceError(
                    "this grader object belonged to an earlier test and is no longer available"
                )
            obj = self.refs[rid]
            op = msg.get("op")
            name = msg.get("name")
            if op in ("getattr", "setattr", "callattr"):
                if type(name) is not str or name.startswith("_"):
                    raise AttributeError(f"{type(obj).__name__} has no public attribute {name!r}")
            if op == "getattr":
                value = getattr(obj, name)  # type: ignore[arg-type]
            elif op == "setattr":
                setattr(obj, name, self.dec(msg.get("value")))  # type: ignore[arg-type]
                value = None
            elif op in ("call", "callattr"):
                args, kwargs = self.dec(msg.get("args")), self.dec(msg.get("kwargs"))
                if type(args) is not list or type(kwargs) is not dict:
                    raise ProtocolError("bad call")
                fn = getattr(obj, name) if op == "callattr" else obj  # type: ignore[arg-type]
                value = fn(*args, **{str(k): v for k, v in kwargs.items()})
            elif op == "getitem":
                value = obj[self.dec(msg.get("key"))]
            elif op == "setitem":
                obj[self.dec(msg.get("key"))] = self.dec(msg.get("value"))
                value = None
            elif op == "len":
                value = len(obj)
            elif op == "list":
                value = list(obj)[:1_000_000]
            elif op == "contains":
                value = self.dec(msg.get("item")) in obj
            elif op == "bool":
                value = bool(obj)
            elif op == "int":
                value = int(obj)
            elif op == "float":
                value = float(obj)
            elif op in ("repr", "str"):
                value = (repr(obj) if op == "repr" else str(obj))[:2000]
            else:
                raise ProtocolError(f"unknown callback op {op!r}")
            out = {"t": "rep", "ok": True, "v": self.enc(value)}
        except (ProtocolError, WorkerDied, WorkerTimeout, WorkerBroken, StaleProxy):
            raise
        except Exception as e:
            out = {
                "t": "rep",
                "ok": False,
                "err": {"type": type(e).__name__, "msg": str(e)[:500], "tb": []},
            }
        assert self.ch is not None
        self.ch.send(out, deadline=self.deadline)
