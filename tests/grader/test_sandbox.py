"""The sandbox pieces: strict codec, proxies, re-entrant RPC with a live worker, isolation."""

from __future__ import annotations

import math
import os
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from mbrl_grader.results import Limits
from mbrl_grader.sandbox import isolation
from mbrl_grader.sandbox.client import WorkerClient
from mbrl_grader.sandbox.proxy import Missing, StudentCodeError, StudentProxy
from mbrl_grader.sandbox.rpc import (
    Channel,
    ProtocolError,
    decode,
    dumps,
    encode_plain,
    loads,
)


def _no_ref(obj: object) -> object:
    raise AssertionError("unexpected ref")


def _roundtrip(value: object) -> object:
    return decode(loads(dumps({"v": encode_plain(value)}))["v"], _no_ref)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        -(2**70),
        1.5,
        "héllo",
        [1, [2, (3, 4)]],
        {"a": 1, (1, 2): [3]},
        {1, 2},
        frozenset({"x"}),
        np.int64(7),
        np.float32(0.25),
        np.bool_(True),
        np.arange(6, dtype=np.int16).reshape(2, 3),
        np.array([1.0, np.nan, np.inf]),
        np.zeros((0, 3)),
        np.array([True, False]),
    ],
)
def test_codec_roundtrips_data(value: object) -> None:
    """Plain data survives the JSON round trip with its numpy types and dtypes."""
    out = _roundtrip(value)
    if isinstance(value, np.ndarray):
        assert isinstance(out, np.ndarray) and out.dtype == value.dtype
        assert out.shape == value.shape and np.array_equal(out, value, equal_nan=True)
        out[...] = 0  # decoded arrays are writable copies
    elif isinstance(value, np.generic):
        assert type(out) is type(value) and out == value
    else:
        assert out == value and type(out) is type(value)


def test_codec_converts_subclasses_and_nonfinite() -> None:
    """Subclasses of builtins become plain builtins (their overrides cannot reach the grader)."""

    class Evil(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    dd = defaultdict(int, {1: 2})
    out = _roundtrip([Evil("a"), dd, OrderedDict(b=1), float("nan")])
    assert type(out[0]) is str and out[0] != "zzz"
    assert type(out[1]) is dict and out[1] == {1: 2}
    assert type(out[2]) is dict and math.isnan(out[3])


@pytest.mark.parametrize(
    "bad",
    [
        {"$": "a", "dt": "|O", "sh": [1], "b": ""},
        {"$": "a", "dt": "<f8", "sh": [2], "b": "AAAA"},
        {"$": "s", "dt": "<i8", "v": "x"},
        {"$": "f", "v": "1e5"},
        {"$": "zzz"},
        {"$": "d", "k": [{"$": "h", "id": 1}], "v": [1]},
        {"$": "set", "v": [{"$": "l", "v": []}]},
        [1, 2],
    ],
)
def test_decoder_rejects_malformed_values(bad: object) -> None:
    """Object dtypes, size mismatches, unknown tags, refs as keys and raw lists are refused."""
    with pytest.raises(ProtocolError):
        decode(bad, lambda o: object())


def test_loads_rejects_non_standard_json() -> None:
    """NaN literals, deep nesting and non-objects are protocol errors, not crashes."""
    for raw in [b"NaN", b'{"a": NaN}', b"[" * 100000 + b"]" * 100000, b"\xff", b"[]"]:
        with pytest.raises(ProtocolError):
            loads(raw)


def test_channel_rejects_oversized_frame() -> None:
    """A frame header announcing more than the limit is refused before reading the body."""
    r, w = os.pipe()
    ch = Channel(r, w, max_frame=100)
    os.write(w, (10**6).to_bytes(4, "big"))
    with pytest.raises(ProtocolError):
        ch.recv(time.monotonic() + 1)
    os.close(r)
    os.close(w)


def test_proxies_refuse_implicit_protocols() -> None:
    """Comparisons, truth, len, iteration and indexing of student objects raise TypeError."""
    p = StudentProxy(None, 1, "Evil object", "object", 0)  # type: ignore[arg-type]
    for op in (
        lambda: p == 1,
        lambda: bool(p),
        lambda: len(p),
        lambda: iter(p),
        lambda: p[0],
        lambda: 1 in p,
        lambda: p < 2,
        lambda: np.asarray(p) + 1,
    ):
        with pytest.raises(TypeError, match="may not compare"):
            op()
    assert p is not None and "Evil" in repr(p) and isinstance(hash(p), int)


def test_missing_names_fail_with_clear_message() -> None:
    """Using a name the notebook does not define fails with a student-facing message."""
    m = Missing("TabularModel")
    for op in (lambda: m(3), lambda: m.update, lambda: m == 1, lambda: bool(m)):
        with pytest.raises(AssertionError, match="does not define `TabularModel`"):
            op()


CELLS = [
    (0, "import numpy as np\nimport random\n%matplotlib inline\n!ls"),
    (
        1,
        """
class Model:
    def __init__(self, n):
        self.n = n
        self.table = np.zeros(n)
    def update(self, i, v):
        self.table[i] = v
    def predict(self, i):
        return self.table[i]
    def boom(self):
        return [1, 2][5]
def apply(f, x):
    return f(x) + 1
def drive(env, k):
    total = 0
    for _ in range(k):
        total += env.step(1)
    return total, env.calls, len(env.log)
def draws():
    return random.random(), float(np.random.rand()), float(np.random.default_rng().random())
def peek(env):
    return env._secret
def keep(obj):
    global KEPT
    KEPT = obj
def use_kept():
    return KEPT.step(1)
def who():
    import os
    return os.getuid(), sorted(os.listdir("/tmp"))
class Counter:
    def __init__(self):
        self.n = 0
    def bump(self, k=1):
        self.n += k
        return self.n
    def swap(self):
        self.bump = lambda k=1: -k
def hand_back(env, sink):
    env.step(1)
    return sink(env.step)
def pyplot_states():
    import sys
    import matplotlib.pyplot as plt
    before = type(sys.modules["matplotlib.pyplot"]).__name__
    fig = plt.figure()
    opened = len(plt.get_fignums())
    plt.close(fig)
    return before, type(sys.modules["matplotlib.pyplot"]).__name__, opened
value = {"a": np.arange(3)}
""",
    ),
    (2, "raise ValueError('cell error on purpose')"),
    (3, "after_error = 42"),
]


class Env:
    """A grader-side object handed to student code (served by callbacks)."""

    def __init__(self) -> None:
        self.calls = 0
        self.log: list[int] = []
        self._secret = "hidden"

    def step(self, a: int) -> int:
        self.calls += 1
        self.log.append(a)
        return 2


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerClient]:
    """A live worker that has executed CELLS."""
    tmp = tmp_path_factory.mktemp("w")
    work = tmp / "work"
    work.mkdir()
    c = WorkerClient(
        cells=CELLS,
        workdir=str(work),
        hidden=isolation.default_hidden_paths([Path(__file__).parent]),
        keep=isolation.default_keep_paths(),
        probes=[__file__],
        memory_mb=1024,
        cell_timeout=10,
        output_limit=1000,
        cpu_seconds=120,
        skip=set(),
        stderr_path=str(tmp / "err"),
    )
    c.start()
    run = c.run_notebook(time.monotonic() + 60)
    assert run.ready, run.detail
    c.first_run = run  # type: ignore[attr-defined]
    c.deadline = time.monotonic() + 120
    yield c
    c.close()


def test_cells_run_in_order_and_errors_do_not_stop(worker: WorkerClient) -> None:
    """A raising cell is recorded and later cells still run; magics are stripped."""
    run = worker.first_run  # type: ignore[attr-defined]
    assert [(e["cell"], e["type"]) for e in run.errors] == [(2, "ValueError")]
    assert worker.lookup("after_error") == 42


def test_lookup_returns_data_proxies_or_missing(worker: WorkerClient) -> None:
    """Data comes back as copies, classes as proxies, unknown names as Missing."""
    v = worker.lookup("value")
    assert np.array_equal(v["a"], np.arange(3))
    assert isinstance(worker.lookup("Model"), StudentProxy)
    assert isinstance(worker.lookup("nope"), Missing)
    assert isinstance(worker.lookup("__builtins__"), Missing)
    with pytest.raises(TypeError, match="design rule 1"):
        worker.lookup("np").allclose  # noqa: B018 - the student's numpy is never used


def test_methods_attributes_and_errors(worker: WorkerClient) -> None:
    """Construct, call, read and set attributes; student exceptions name the method."""
    m = worker.lookup("Model")(3)
    m.update(1, 5.0)
    assert np.array_equal(m.table, [0.0, 5.0, 0.0])
    m.table = np.ones(3)
    assert m.predict(2) == 1.0
    with pytest.raises(StudentCodeError, match=r"your Model.boom raised IndexError") as ei:
        m.boom()
    assert "cell 1" in str(ei.value)
    with pytest.raises(StudentCodeError, match="attribute `nothing`"):
        m.nothing  # noqa: B018


def test_grader_objects_are_served_by_callbacks(worker: WorkerClient) -> None:
    """Student code calls back into grader objects; private attributes stay unreachable."""
    env = Env()
    assert worker.lookup("drive")(env, 3) == (6, 3, 3)
    assert env.log == [1, 1, 1]
    apply = worker.lookup("apply")
    assert apply(lambda x: x * 10, 4) == 41
    with pytest.raises(StudentCodeError, match="no public attribute '_secret'"):
        worker.lookup("peek")(env)


def test_nested_callbacks_reenter(worker: WorkerClient) -> None:
    """A grader callback may itself call student code while the worker waits on it."""
    m = worker.lookup("Model")(2)
    apply = worker.lookup("apply")

    def grader_fn(x: int) -> int:
        m.update(0, float(x))
        return int(m.predict(0)) * 2

    assert apply(grader_fn, 7) == 15


def test_grader_objects_die_after_their_test(worker: WorkerClient) -> None:
    """A grader object kept in a student global cannot be used in a later test."""
    worker.begin_test(time.monotonic() + 60)
    worker.lookup("keep")(Env())
    assert worker.lookup("use_kept")() == 2
    worker.begin_test(time.monotonic() + 60)
    with pytest.raises(StudentCodeError, match="ReferenceError: this grader object belonged"):
        worker.lookup("use_kept")()


def test_reseed_makes_randomness_deterministic(worker: WorkerClient) -> None:
    """reseed fixes random, np.random and unseeded default_rng per test."""
    draws = worker.lookup("draws")
    worker.reseed(123)
    a = draws()
    worker.reseed(123)
    assert draws() == a
    worker.reseed(124)
    assert draws() != a


def test_worker_is_isolated(worker: WorkerClient) -> None:
    """In namespaces mode the worker runs as nobody and sees an empty /tmp but its own folder."""
    report = worker.first_run.report  # type: ignore[attr-defined]
    if report["level"] != "namespaces":
        pytest.skip("namespaces unavailable")
    assert report["problems"] == []
    uid, tmp_listing = worker.lookup("who")()
    if os.geteuid() == 0:
        assert uid == isolation.NOBODY
    # /tmp holds only the way to the worker's own folder and, when the Python installation
    # (e.g. a CI checkout's .venv) lives under /tmp, the way to that: nothing else
    needed = {Path(worker.workdir).resolve(), *map(Path, isolation.default_keep_paths())}
    allowed = {p.relative_to("/tmp").parts[0] for p in needed if p.is_relative_to("/tmp")}
    assert set(tmp_listing) <= allowed, (tmp_listing, allowed)


def test_call_many_batches_calls(worker: WorkerClient) -> None:
    """checks.call_many gives the same results as a loop, in one crossing, on proxies and locals."""
    from mbrl_grader.checks import call_many

    m = worker.lookup("Model")(3)
    m.update(2, 7.0)
    before = worker.rpc_count
    assert call_many(m.predict, [(0,), (2,), (2,)]) == [0.0, 7.0, 7.0]
    assert worker.rpc_count - before == 2  # one getattr (m.predict) + one batch
    with pytest.raises(StudentCodeError, match="IndexError"):
        call_many(m.predict, [(0,), (9,)])
    assert call_many(lambda a, b: a + b, [(1, 2), (3, 4)]) == [3, 7]


def test_a_student_method_call_is_one_round_trip_and_follows_rebinding(
    worker: WorkerClient,
) -> None:
    """After the first read of ``c.bump`` each call is one crossing, always of the current attribute."""
    from mbrl_grader.checks import call_many

    c = worker.lookup("Counter")()
    assert c.bump() == 1
    before = worker.rpc_count
    assert [c.bump(), c.bump(k=2)] == [2, 4]
    assert worker.rpc_count - before == 2
    assert c.n == 4
    c.swap()  # the student rebinds bump on the instance: the new one must be called
    assert c.bump(3) == -3
    assert worker.lookup("apply")(c.bump, 5) == -4  # handed to student code: the real attribute
    assert call_many(c.bump, [(1,), (2,)]) == [-1, -2]
    with pytest.raises(StudentCodeError, match=r"your Counter.bump raised TypeError"):
        c.bump("x")


class SelfRebindingEnv(Env):
    """A grader object whose ``step`` replaces itself after the first call."""

    def step(self, a: int) -> int:
        self.calls += 1
        self.step = lambda a: 5  # type: ignore[method-assign]
        return 2


def test_grader_method_calls_from_student_code_are_one_callback_each(
    worker: WorkerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``env.step(a)`` in student code costs one callback after the first, and reads ``step`` afresh."""
    served: list[object] = []
    serve = worker._serve_callback

    def counting(msg: dict) -> None:
        served.append(msg.get("op"))
        serve(msg)

    monkeypatch.setattr(worker, "_serve_callback", counting)
    assert worker.lookup("drive")(Env(), 4) == (8, 4, 4)
    assert served.count("call") == 1 and served.count("callattr") == 3
    assert worker.lookup("drive")(SelfRebindingEnv(), 3) == (12, 1, 0)
    env, got = Env(), []
    worker.lookup("hand_back")(env, got.append)  # a remembered method handed back to the grader
    assert got == [env.step]


@pytest.mark.slow
def test_pyplot_runs_at_its_first_use_and_then_works_as_usual(worker: WorkerClient) -> None:
    """``import matplotlib.pyplot`` is lazy in the worker; the first use makes it the real module."""
    before, after, opened = worker.lookup("pyplot_states")()
    assert before != "module" and after == "module"
    assert opened == 1


def test_rpc_round_trip_is_fast(worker: WorkerClient) -> None:
    """A ping round trip stays in the sub-10 ms range even on a loaded machine."""
    t0 = time.perf_counter()
    for _ in range(200):
        worker.ping()
    assert (time.perf_counter() - t0) / 200 < 0.01


def _writable_top_level_dir() -> Path:
    """A writable directory outside /tmp, home and this repository (root can always make one)."""
    import tempfile

    for base in ("/srv", "/mnt", "/opt", "/var/lib"):
        if os.access(base, os.W_OK):
            return Path(tempfile.mkdtemp(prefix="mbrl-other-copy-", dir=base))
    raise AssertionError("no writable system folder outside /tmp and home to plant a secret in")


@pytest.mark.skipif(
    isolation.isolation_level() != "namespaces", reason="best-effort level has its own test"
)
def test_other_copies_of_the_course_are_hidden(tmp_path: Path) -> None:
    """A second checkout elsewhere on the machine (not in any deny-listed path) stays unreadable."""
    import nbformat

    from mbrl_grader.runner import grade_notebook

    if os.geteuid() != 0 and not any(os.access(b, os.W_OK) for b in ("/srv", "/mnt", "/opt")):
        pytest.skip("needs a writable folder outside /tmp and home (CI runs as root)")
    other = _writable_top_level_dir()
    try:
        secret = other / "autograder" / "tests" / "q1.py"
        secret.parent.mkdir(parents=True)
        secret.write_text("ANSWER = 'stolen'\n")
        for path in (other, other / "autograder", secret.parent):  # readable like a real checkout
            path.chmod(0o755)
        secret.chmod(0o644)
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            nbformat.v4.new_code_cell(
                f"try:\n    x = open({str(secret)!r}).read()\nexcept OSError:\n    x = 'unreadable'\n"
            )
        ]
        nbformat.write(nb, tmp_path / "sub.ipynb")
        ag = tmp_path / "ag"
        (ag / "tests").mkdir(parents=True)
        (ag / "tests" / "q1.py").write_text(
            "from otter.test_files import test_case\nOK_FORMAT = False\nname = 'q1'\npoints = 1\n"
            "@test_case(points=1, hidden=True)\ndef test_x(x):\n"
            "    assert x == 'unreadable', 'the worker read a file outside its sandbox: ' + x\n"
        )
        result = grade_notebook(tmp_path / "sub.ipynb", ag, Limits(timeout_s=60))
        assert result.score == 1.0, [o.message for o in result.outcomes]
    finally:
        import shutil

        shutil.rmtree(other, ignore_errors=True)


def test_allow_list_hides_everything_but_system_folders() -> None:
    """Only system folders stay visible at the top level; /tmp, /root and /home are hidden."""
    from mbrl_grader.sandbox.isolation import _VISIBLE_TOP_LEVEL, _hidden_top_level

    hidden = set(_hidden_top_level())
    assert not hidden & _VISIBLE_TOP_LEVEL
    for path in ("/tmp", "/root", "/home", "/var"):
        if os.path.isdir(path) and not os.path.islink(path):
            assert path in hidden, path


def test_never_hidden_folders_are_exactly_the_visible_ones() -> None:
    """Only the root and the allow-listed top-level folders escape hiding (/var, /opt do not)."""
    from mbrl_grader.sandbox import isolation

    assert isolation._NEVER_HIDE == {"/"} | isolation._VISIBLE_TOP_LEVEL
    assert not {"/var", "/opt", "/run", "/tmp", "/home", "/root"} & isolation._NEVER_HIDE
