"""Grader-side stand-ins for the student's objects.

Why: a test must never evaluate student code in the grading process. A :class:`StudentProxy`
forwards calls, attribute reads and writes to the worker, and refuses every implicit protocol
(``==``, ``bool()``, ``len()``, iteration, indexing, ordering) so that a student's ``__eq__``
cannot make a comparison pass. :class:`Missing` stands for a name the notebook does not define.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from mbrl_grader.sandbox.client import WorkerClient


class StudentCodeError(Exception):
    """The student's code raised an exception while a test was using it."""

    def __init__(self, where: str, exc_type: str, msg: str, tb: list[str]) -> None:
        self.where, self.exc_type, self.msg, self.tb = where, exc_type, msg, tb
        text = f"your {where} raised {exc_type}: {msg}"
        if tb:
            text += "\n  " + "\n  ".join(tb)
        super().__init__(text)


_REFUSED = (
    "Tests may not compare, test the truth of, measure, iterate or index a student object "
    "({what}); read data from it instead (design rule 4)."
)


def _refuse(self: StudentProxy, *args: Any) -> NoReturn:
    raise TypeError(_REFUSED.format(what=object.__getattribute__(self, "_ty")))


class StudentProxy:
    """A handle to an object living in the worker; only calls and named attributes are allowed."""

    __slots__ = ("_client", "_hid", "_ty", "_kind", "_gen")

    def __init__(self, client: WorkerClient, hid: int, ty: str, kind: str, gen: int) -> None:
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_hid", hid)
        object.__setattr__(self, "_ty", ty)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "_gen", gen)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._client.proxy_op(self, "getattr", name=name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(f"cannot set {name} on a student object")
        self._client.proxy_op(self, "setattr", name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.proxy_op(self, "call", args=list(args), kwargs=kwargs)

    def __repr__(self) -> str:
        return f"<student {object.__getattribute__(self, '_ty')}>"

    __str__ = __repr__
    __hash__ = object.__hash__
    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __bool__ = __len__ = __iter__ = __getitem__ = __setitem__ = __contains__ = _refuse
    __int__ = __float__ = __index__ = __array__ = __reversed__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _refuse
    __matmul__ = __neg__ = __abs__ = __round__ = _refuse


class StudentMethod(StudentProxy):
    """``obj.name`` where the student's ``obj.name`` was a bound method: a call is one round trip.

    Why: a test calling ``agent.update(...)`` in a loop would otherwise cost two crossings per
    call (read the attribute, then call it). The worker looks the attribute up afresh at every
    call, so the result is exactly ``getattr(obj, name)(*args)`` even if the student rebinds it.
    Any other use (an attribute of the method, passing it on) reads the attribute for real.
    """

    __slots__ = ("_name",)

    def __init__(self, client: WorkerClient, hid: int, name: str, ty: str, gen: int) -> None:
        super().__init__(client, hid, ty, "method", gen)
        object.__setattr__(self, "_name", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.call_attr(self, list(args), kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self._client.resolve_method(self), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._client.resolve_method(self), name, value)


class Missing:
    """A name the notebook does not define; any use fails the test with a clear message."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _fail(self, *args: Any, **kwargs: Any) -> NoReturn:
        name = object.__getattribute__(self, "_name")
        raise AssertionError(
            f"Your notebook does not define `{name}` (did you rename or delete it?)"
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        self._fail()

    def __repr__(self) -> str:
        return f"<missing {object.__getattribute__(self, '_name')}>"

    __hash__ = object.__hash__
    __call__ = __setattr__ = __eq__ = __ne__ = __bool__ = __len__ = __iter__ = _fail  # type: ignore[assignment]
    __getitem__ = __setitem__ = __contains__ = __int__ = __float__ = __index__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __array__ = _fail


class GlobalsView:
    """The ``env`` argument of otter tests: read-only lookups of the student's globals."""

    __slots__ = ("_client",)

    def __init__(self, client: WorkerClient) -> None:
        self._client = client

    def __getitem__(self, name: str) -> Any:
        value = self._client.lookup(name)
        if isinstance(value, Missing):
            raise KeyError(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:
        value = self._client.lookup(name)
        return default if isinstance(value, Missing) else value

    def __contains__(self, name: str) -> bool:
        return not isinstance(self._client.lookup(name), Missing)
