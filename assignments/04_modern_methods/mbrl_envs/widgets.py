"""Interactive demos that degrade gracefully to static figures.

Two helpers for the course notebooks:

``interactive_or_static(fn, defaults=None, **controls)``
    Always draws ``fn(**defaults)`` once as an ordinary (static) matplotlib figure, so the figure
    shows up when the notebook is graded, converted with nbconvert or exported to HTML. When a
    widget front end may be present (we run inside a Jupyter kernel, ``ipywidgets`` is installed
    and the environment variable ``MBRL_STATIC`` is not set), it also shows ipywidgets controls;
    moving a control redraws the figure below the controls.

    Controls use the same abbreviations as ``ipywidgets.interact``::

        planning_steps=(0, 20, 1)      integer slider        (default: the first value, 0)
        slip=(0.0, 0.5, 0.05)          float slider          (default: 0.0)
        method=["counts", "last"]      dropdown              (default: "counts")
        method={"Counts": "c", ...}    dropdown with labels  (default: the first value)
        show_path=True                 checkbox              (default: True)
        seed=3                         integer slider around 3 (default: 3)

    The default of a control is ``defaults[name]`` when given, else the first value above.
    ``fn`` receives every control as a keyword argument and draws a figure: it may create its own
    figure (``plt.subplots``) and may return the Figure or Axes (both are optional).

``run_when_ready(fn, *args, **kwargs)``
    Calls ``fn(*args, **kwargs)``. If your code is not written yet (it raises
    ``NotImplementedError``) it prints a friendly "finish ... first" message and returns None
    instead of failing, so an untouched notebook still runs from top to bottom.

Both fail gently with imperfect code. An error raised by your code (or by the demo because of
what your code returned) is reported in one line naming your function, the error and the line
(``Demo stopped: your TabularModel.predict raised IndexError: ...``) and the demo returns None;
``show_traceback()`` prints the full traceback of that error. Every demo also runs under a
wall-clock limit (``DEMO_TIME_LIMIT_S``, or the environment variable ``MBRL_DEMO_TIME_LIMIT`` in
seconds): a demo that runs longer is stopped with a message naming the function of yours it was
in. The limit uses ``SIGALRM`` where the platform has it and nobody else uses the timer (the
grader's sandbox does: there only ``check_time()``, which demos call in their loops, applies).

Only the standard library, matplotlib and (lazily) IPython/ipywidgets are used here.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "DEMO_TIME_LIMIT_S",
    "DemoHandle",
    "DemoTimeout",
    "check_time",
    "control_defaults",
    "failure_message",
    "interactive_or_static",
    "run_when_ready",
    "show_traceback",
    "time_limit",
    "widgets_enabled",
]

_STATIC_ENV = "MBRL_STATIC"
_TIME_LIMIT_ENV = "MBRL_DEMO_TIME_LIMIT"
DEMO_TIME_LIMIT_S = 120.0
"""Default wall-clock limit of one demo (a correct solution's demos take a few seconds each)."""


# ----------------------------------------------------------------------------------------------
# environment detection
# ----------------------------------------------------------------------------------------------
def _static_forced() -> bool:
    """True when the user (or the grader) asked for static figures via ``MBRL_STATIC``."""
    value = os.environ.get(_STATIC_ENV, "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


def _ipython_shell():
    """The running IPython shell, or None (plain Python, pytest, scripts)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return None
    return get_ipython()


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (where a widget front end may be attached)."""
    shell = _ipython_shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def widgets_enabled() -> bool:
    """True when interactive controls should be shown in addition to the static figure."""
    if _static_forced() or not _in_kernel():
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


# ----------------------------------------------------------------------------------------------
# controls
# ----------------------------------------------------------------------------------------------
def _first_value(abbrev: Any) -> Any:
    """Default value of one ipywidgets-style abbreviation (see the module docstring)."""
    value_attr = getattr(abbrev, "value", None)
    if value_attr is not None and not isinstance(
        abbrev, (tuple, list, dict, str, bool, int, float)
    ):
        return value_attr  # an ipywidgets widget or ``fixed(...)``
    if isinstance(abbrev, tuple):
        if not abbrev:
            raise ValueError("an empty tuple is not a valid control")
        return abbrev[0]
    if isinstance(abbrev, Mapping):
        if not abbrev:
            raise ValueError("an empty dict is not a valid control")
        return next(iter(abbrev.values()))
    if isinstance(abbrev, (list, range)):
        if len(abbrev) == 0:
            raise ValueError("an empty list is not a valid control")
        first = abbrev[0]
        # ipywidgets accepts [(label, value), ...] as options
        if isinstance(first, tuple) and len(first) == 2 and isinstance(first[0], str):
            return first[1]
        return first
    return abbrev  # a single value: bool, int, float, str


def control_defaults(defaults: Mapping[str, Any] | None = None, **controls: Any) -> dict:
    """The keyword arguments used for the static figure: ``defaults`` first, else first values."""
    defaults = dict(defaults or {})
    unknown = set(defaults) - set(controls)
    values = {
        name: defaults[name] if name in defaults else _first_value(abbrev)
        for name, abbrev in controls.items()
    }
    # defaults for names without a control are passed through unchanged (fixed arguments)
    for name in unknown:
        values[name] = defaults[name]
    return values


def _make_widget(name: str, abbrev: Any, default: Any):
    import ipywidgets as widgets

    if isinstance(abbrev, widgets.ValueWidget):
        return abbrev
    widget = widgets.interactive.widget_from_abbrev(abbrev, default)
    if widget is None:
        raise ValueError(f"cannot make a control for {name}={abbrev!r}")
    if isinstance(widget, widgets.fixed):
        return widget
    try:
        widget.value = default
    except Exception:  # noqa: BLE001 - keep the widget's own default if ours does not fit
        pass
    if hasattr(widget, "continuous_update"):
        widget.continuous_update = False  # redraw on release: demos can take a second
    if not getattr(widget, "description", ""):
        widget.description = name
    widget.style = {"description_width": "initial"}
    return widget


# ----------------------------------------------------------------------------------------------
# drawing
# ----------------------------------------------------------------------------------------------
def _figures_of(result: Any, before: set[int]):
    """The figures a demo function drew: what it returned, else the figures it opened."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    figures = []

    def add(fig):
        fig = getattr(fig, "figure", fig)  # SubFigure -> its parent is fine to show
        if isinstance(fig, Figure) and fig not in figures:
            figures.append(fig)

    if isinstance(result, Figure):
        add(result)
    elif isinstance(result, Axes):
        add(result.get_figure())
    elif result is not None and hasattr(result, "flat"):  # numpy array of Axes
        for item in result.flat:
            if isinstance(item, Axes):
                add(item.get_figure())
    elif isinstance(result, (list, tuple)):
        for item in result:
            if isinstance(item, Figure):
                add(item)
            elif isinstance(item, Axes):
                add(item.get_figure())
    for num in plt.get_fignums():
        if num not in before:
            add(plt.figure(num))
    return figures


def _show(figures) -> None:
    """Display figures in a notebook (then close them so they are not shown twice)."""
    import matplotlib.pyplot as plt

    if _ipython_shell() is None:
        # scripts, tests, graders: nothing to display. With a non-interactive backend (Agg) close
        # the figures so that long notebooks do not pile them up; the handle keeps them usable.
        import matplotlib

        if "agg" in str(matplotlib.get_backend()).lower():
            for fig in figures:
                plt.close(fig)
        return
    from IPython.display import display

    for fig in figures:
        display(fig)
        plt.close(fig)


def _not_ready_message(exc: NotImplementedError, what: str | None = None) -> str:
    detail = str(exc).strip()
    name = what or detail or "the code this cell uses"
    msg = f"Not ready yet: finish {name} first, then run this cell again."
    if what and detail:
        msg += f"\n  ({detail})"
    return msg


# ----------------------------------------------------------------------------------------------
# failing gently: time limits and one-line error reports
# ----------------------------------------------------------------------------------------------
class DemoTimeout(Exception):
    """A demo ran longer than its wall-clock limit."""

    def __init__(self, seconds: float):
        super().__init__(f"the demo ran longer than its time limit of {seconds:g} s")
        self.seconds = seconds


_deadline: list[tuple[float, float]] = []  # (monotonic deadline, limit) of the running demos
_last_error: list[BaseException] = []


def default_time_limit() -> float:
    """The demos' wall-clock limit in seconds: ``MBRL_DEMO_TIME_LIMIT`` if set, else the default."""
    try:
        return float(os.environ.get(_TIME_LIMIT_ENV, "") or DEMO_TIME_LIMIT_S)
    except ValueError:
        return DEMO_TIME_LIMIT_S


def check_time() -> None:
    """Raise DemoTimeout if the running demo is past its limit (demos call it in their loops)."""
    if _deadline:
        deadline, seconds = min(_deadline)
        if time.monotonic() > deadline:
            raise DemoTimeout(seconds)


def _alarm_free() -> bool:
    """True when this thread may use SIGALRM: main thread, a POSIX system, no timer running."""
    return (
        hasattr(signal, "SIGALRM")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    )


@contextmanager
def time_limit(seconds: float | None = None) -> Iterator[None]:
    """Stop the code inside with DemoTimeout after ``seconds`` (default: the demos' limit).

    Uses a SIGALRM timer when it is free (so even one long call of your code is interrupted),
    else only the cooperative :func:`check_time` calls of the demos. Nested limits: the outer one
    keeps the timer, the inner one adds its deadline to ``check_time``.
    """
    seconds = default_time_limit() if seconds is None else float(seconds)
    if seconds <= 0:
        yield
        return
    _deadline.append((time.monotonic() + seconds, seconds))
    use_alarm = _alarm_free()
    previous = None
    if use_alarm:

        def _stop(_signum: int, _frame: Any) -> None:
            raise DemoTimeout(seconds)

        previous = signal.signal(signal.SIGALRM, _stop)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        _deadline.pop()


_LIBRARY_ROOTS = tuple(
    str(Path(p).resolve())
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
) + (str(Path(__file__).resolve().parent),)


def _is_student_frame(filename: str) -> bool:
    """True for code the student wrote (notebook cells, their own files), not libraries or ours."""
    if filename.startswith("<") and not filename.startswith("<ipython-input"):
        return False  # <frozen ...>, <string>, ...
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return True
    return not path.startswith(_LIBRARY_ROOTS) and "site-packages" not in path


def _students_frame(exc: BaseException) -> traceback.FrameSummary | None:
    """The innermost traceback entry in the student's code, or None."""
    entries = [
        (frame, summary)
        for (frame, _), summary in zip(
            traceback.walk_tb(exc.__traceback__),
            traceback.extract_tb(exc.__traceback__),
            strict=True,
        )
        if _is_student_frame(summary.filename)
    ]
    if not entries:
        return None
    frame, summary = entries[-1]
    summary.name = getattr(frame.f_code, "co_qualname", summary.name)
    return summary


def _names_of(objects: Any) -> list[str]:
    """The names of the student's functions and classes among a demo's arguments."""
    import functools

    names: list[str] = []
    for obj in objects:
        if isinstance(obj, functools.partial):
            names += _names_of((obj.func, *obj.args, *obj.keywords.values()))
            continue
        module = getattr(obj, "__module__", "") or ""
        name = getattr(obj, "__qualname__", None)
        if callable(obj) and name and not module.startswith(("mbrl_envs", "functools", "numpy")):
            names.append(name)
    return list(dict.fromkeys(names))


def _one_line(text: str, limit: int = 160) -> str:
    """The first line of ``text``, shortened to ``limit`` characters."""
    first = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return first if len(first) <= limit else first[: limit - 3] + "..."


def failure_message(exc: BaseException, given: Any = ()) -> str:
    """One line that says which function of the student's failed and how (see the module doc)."""
    where = _students_frame(exc)
    detail = f"{type(exc).__name__}: {_one_line(exc)}" if str(exc).strip() else type(exc).__name__
    tail = " (mbrl_envs.widgets.show_traceback() prints the details)"
    if isinstance(exc, DemoTimeout):
        inside = f" while running your {where.name} (line {where.lineno})" if where else ""
        return (
            f"Demo stopped: it ran longer than its time limit of {exc.seconds:g} s{inside}. A "
            "correct solution finishes well within it: look for slow loops, or sampling where "
            "an exact computation is asked for, then run this cell again."
        )
    if where is not None:
        line = f" at `{_one_line(where.line, 80)}`" if where.line else ""
        return (
            f"Demo stopped: your {where.name} raised {detail}{line}. Fix it (its question's "
            f"grader.check may help), then run this cell again.{tail}"
        )
    names = _names_of(given)
    used = f" (it uses your {', '.join(names)})" if names else ""
    return (
        f"Demo stopped: {detail}, raised inside the demo while it used what your code "
        f"returned{used}: check the shapes and types your functions return.{tail}"
    )


def show_traceback() -> None:
    """Print the full traceback of the last error a demo reported in one line."""
    if not _last_error:
        print("No demo has stopped with an error in this session.")
        return
    exc = _last_error[-1]
    traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stdout)


def _report(exc: BaseException, given: Any) -> str:
    """Remember ``exc`` for show_traceback and return its one-line report."""
    _last_error[:] = [exc]
    if isinstance(exc, NotImplementedError):
        return _not_ready_message(exc)
    return failure_message(exc, given)


class DemoHandle:
    """What ``interactive_or_static`` returns.

    Attributes: ``figure`` (the static matplotlib Figure, or None if the demo was not ready),
    ``figures`` (all static figures), ``values`` (the keyword arguments used for it),
    ``controls`` (name -> ipywidgets widget, empty when static), ``widget`` (the ipywidgets box or
    None) and ``ready`` (False when the demo raised NotImplementedError).

    The handle displays nothing itself, so it is safe as the last line of a notebook cell.
    """

    def __init__(self, fn, values, figures, controls=None, widget=None, ready=True, message=""):
        self.fn = fn
        self.values = dict(values)
        self.figures = list(figures)
        self.controls = dict(controls or {})
        self.widget = widget
        self.ready = ready
        self.message = message

    @property
    def figure(self):
        return self.figures[0] if self.figures else None

    @property
    def interactive(self) -> bool:
        return self.widget is not None

    def _ipython_display_(self):  # nothing to show: the figure is already displayed
        return None

    def __repr__(self) -> str:
        mode = "interactive" if self.interactive else "static"
        state = "ready" if self.ready else "not ready"
        return f"<DemoHandle {getattr(self.fn, '__name__', 'demo')} {mode}, {state}, {self.values}>"


def _draw(fn, values, time_limit_s: float | None = None):
    """Run ``fn(**values)`` under the time limit; return (figures, ready, message)."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    try:
        with time_limit(time_limit_s):
            result = fn(**values)
    except Exception as exc:  # noqa: BLE001 - reported in one line (see the module docstring)
        for num in plt.get_fignums():  # drop half-drawn figures
            if num not in before:
                plt.close(num)
        return [], False, _report(exc, (fn, *values.values()))
    return _figures_of(result, before), True, ""


def interactive_or_static(
    fn: Callable[..., Any],
    defaults: Mapping[str, Any] | None = None,
    time_limit_s: float | None = None,
    **controls: Any,
) -> DemoHandle:
    """Draw ``fn(**defaults)`` as a static figure; add ipywidgets controls when possible.

    See the module docstring for the control abbreviations. If ``fn`` raises
    ``NotImplementedError`` (your code is not written yet) a friendly message is printed instead
    of the figure, and no controls are shown; any other error, or running past ``time_limit_s``
    (default: the demos' limit), is reported in one line the same way.
    """
    if not callable(fn):
        raise TypeError("interactive_or_static needs a function that draws the figure")
    values = control_defaults(defaults, **controls)
    figures, ready, message = _draw(fn, values, time_limit_s)
    if not ready:
        print(message)
        return DemoHandle(fn, values, [], ready=False, message=message)
    _show(figures)
    if not controls or not widgets_enabled():
        return DemoHandle(fn, values, figures)

    import ipywidgets as widgets
    from IPython.display import display

    made = {name: _make_widget(name, abbrev, values[name]) for name, abbrev in controls.items()}
    fixed_args = {name: v for name, v in values.items() if name not in made}
    out = widgets.Output()
    note = widgets.HTML(
        "<i>Move a control to redraw the figure here (the figure above uses the "
        "default values).</i>"
    )

    def redraw(_change=None):
        kwargs = dict(fixed_args)
        kwargs.update({name: getattr(w, "value", w) for name, w in made.items()})
        with out:
            out.clear_output(wait=True)
            figs, ok, msg = _draw(fn, kwargs, time_limit_s)
            if not ok:
                print(msg)
            _show(figs)

    for w in made.values():
        if hasattr(w, "observe"):
            w.observe(redraw, names="value")
    box = widgets.VBox(
        [widgets.HBox([w for w in made.values() if isinstance(w, widgets.Widget)]), note, out]
    )
    display(box)
    return DemoHandle(fn, values, figures, controls=made, widget=box)


def run_when_ready(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)``; if it cannot finish, explain in one line and return None.

    Use it for cells that need your code: the untouched notebook still runs top to bottom, and
    the cell starts working as soon as the code it needs is written. Code that is not written yet
    (``NotImplementedError``) prints "Not ready yet: finish ... first"; any other error, or a
    run past the demos' time limit, prints which function of yours failed and how (see the
    module docstring). Either way the result is None, so a later cell that needs it can say
    "not ready" instead of failing with a NameError.
    """
    try:
        with time_limit():
            return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - reported in one line (see the module docstring)
        print(_report(exc, (fn, *args, *kwargs.values())))
        return None
