"""Framing and a strict tagged-JSON codec shared by the grader and the untrusted worker.

Why: nothing that crosses from the student's process may be unpickled. Frames are a 4-byte
big-endian length followed by UTF-8 JSON. Values are plain JSON for None/bool/int/str/finite
floats and tagged objects (``{"$": tag, ...}``) for everything else:

==========  ===============================================================
tag         meaning
==========  ===============================================================
``f``       non-finite float: ``{"$": "f", "v": "nan" | "inf" | "-inf"}``
``l``/``t`` list / tuple: ``{"$": "l", "v": [...]}``
``set``     set / frozenset (``"fz": true``)
``d``       dict: ``{"$": "d", "k": [...], "v": [...]}`` (keys: hashable data)
``s``       numpy scalar: ``{"$": "s", "dt": "<i8", "v": value}``
``a``       numpy array of bool/int/uint/float/complex dtype: dtype, shape, base64 bytes
``h``       handle to an object living in the worker (a student object)
``r``       reference to an object living in the grader (callback target)
==========  ===============================================================

The decoder accepts only these shapes, only allow-listed dtypes, and bounded depth/size;
anything else raises :class:`ProtocolError`.
"""

from __future__ import annotations

import base64
import json
import math
import os
import select
import struct
import time
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_FRAME = 256 * 1024 * 1024
MAX_DEPTH = 64
_HEADER = struct.Struct(">I")

_DTYPES: dict[str, np.dtype] = {}
for _t in (
    np.bool_,
    np.int8,
    np.int16,
    np.int32,
    np.int64,
    np.uint8,
    np.uint16,
    np.uint32,
    np.uint64,
    np.float16,
    np.float32,
    np.float64,
    np.complex64,
    np.complex128,
):
    _dt = np.dtype(_t)
    _DTYPES[_dt.str] = _dt
    _DTYPES[_dt.newbyteorder(">").str] = _dt.newbyteorder(">")


class ProtocolError(Exception):
    """The other side sent something that is not a valid frame or value."""


class ChannelClosed(ProtocolError):
    """The other side closed the pipe (the process probably died)."""


class ChannelTimeout(Exception):
    """No frame arrived before the deadline."""


class EncodeError(Exception):
    """A value cannot be sent as data (the caller may send it as a handle instead)."""


# --------------------------------------------------------------------------- codec


def encode(value: Any, to_ref: Callable[[Any], dict[str, Any]], depth: int = 0) -> Any:
    """Encode ``value`` as tagged JSON; objects that are not data go through ``to_ref``."""
    if depth > MAX_DEPTH:
        raise EncodeError("value nested too deeply")
    if value is None or value is True or value is False:
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, np.generic):
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, int):
            return int.__int__(value)
        f = float.__float__(value)
        return f if math.isfinite(f) else {"$": "f", "v": repr(f)}
    if isinstance(value, (list, tuple)):
        tag = "t" if isinstance(value, tuple) else "l"
        return {"$": tag, "v": [encode(v, to_ref, depth + 1) for v in value]}
    if isinstance(value, dict):
        keys = list(dict.keys(value))
        return {
            "$": "d",
            "k": [encode(k, _no_ref_enc, depth + 1) for k in keys],
            "v": [encode(dict.__getitem__(value, k), to_ref, depth + 1) for k in keys],
        }
    if isinstance(value, (set, frozenset)):
        return {
            "$": "set",
            "fz": isinstance(value, frozenset),
            "v": [encode(v, _no_ref_enc, depth + 1) for v in value],
        }
    if isinstance(value, np.generic) and value.dtype.str in _DTYPES and value.dtype.kind != "c":
        return {"$": "s", "dt": value.dtype.str, "v": encode(value.item(), to_ref, depth + 1)}
    if isinstance(value, np.ndarray) and value.dtype.str in _DTYPES:
        arr = np.ascontiguousarray(np.asarray(value))
        return {
            "$": "a",
            "dt": arr.dtype.str,
            "sh": list(arr.shape),
            "b": base64.b64encode(arr.tobytes()).decode("ascii"),
        }
    return to_ref(value)


def _no_ref_enc(value: Any) -> Any:
    raise EncodeError(f"{type(value).__name__} is not data")


def encode_plain(value: Any) -> Any:
    """Encode data only (raises :class:`EncodeError` for any object that is not data)."""
    return encode(value, _no_ref_enc)


def decode(obj: Any, from_ref: Callable[[dict[str, Any]], Any], depth: int = 0) -> Any:
    """Decode tagged JSON produced by :func:`encode`; handles/refs go through ``from_ref``."""
    if depth > MAX_DEPTH:
        raise ProtocolError("value nested too deeply")
    t = type(obj)
    if obj is None or t is bool or t is int or t is str:
        return obj
    if t is float:
        return obj
    if t is not dict:
        raise ProtocolError(f"unexpected JSON value of type {t.__name__}")
    tag = obj.get("$")
    if tag == "f":
        v = obj.get("v")
        if v not in ("nan", "inf", "-inf"):
            raise ProtocolError("bad float")
        return float(v)
    if tag in ("l", "t", "set"):
        items = obj.get("v")
        if type(items) is not list:
            raise ProtocolError("bad sequence")
        out = [decode(v, from_ref if tag != "set" else _no_refs, depth + 1) for v in items]
        if tag == "l":
            return out
        if tag == "t":
            return tuple(out)
        try:
            return frozenset(out) if obj.get("fz") else set(out)
        except TypeError as e:
            raise ProtocolError("unhashable set item") from e
    if tag == "d":
        ks, vs = obj.get("k"), obj.get("v")
        if type(ks) is not list or type(vs) is not list or len(ks) != len(vs):
            raise ProtocolError("bad dict")
        result: dict[Any, Any] = {}
        for k, v in zip(ks, vs, strict=True):
            try:
                key = decode(k, _no_refs, depth + 1)
                result[key] = decode(v, from_ref, depth + 1)
            except TypeError as e:
                raise ProtocolError("unhashable dict key") from e
        return result
    if tag == "s":
        dt = _DTYPES.get(obj.get("dt"))  # type: ignore[arg-type]
        v = decode(obj.get("v"), _no_refs, depth + 1)
        if dt is None or type(v) not in (bool, int, float, complex):
            raise ProtocolError("bad numpy scalar")
        try:
            return np.array(v, dtype=dt)[()]
        except (OverflowError, ValueError) as e:
            raise ProtocolError("bad numpy scalar value") from e
    if tag == "a":
        dt = _DTYPES.get(obj.get("dt"))  # type: ignore[arg-type]
        shape, b = obj.get("sh"), obj.get("b")
        if dt is None or type(shape) is not list or type(b) is not str:
            raise ProtocolError("bad array")
        if not all(type(n) is int and 0 <= n < 2**40 for n in shape) or len(shape) > 32:
            raise ProtocolError("bad array shape")
        try:
            raw = base64.b64decode(b, validate=True)
        except ValueError as e:
            raise ProtocolError("bad array data") from e
        count = math.prod(shape)
        if count * dt.itemsize != len(raw):
            raise ProtocolError("array size does not match its shape")
        return np.frombuffer(bytearray(raw), dtype=dt).reshape(shape)
    if tag in ("h", "r"):
        return from_ref(obj)
    raise ProtocolError(f"unknown tag {tag!r}")


def _no_refs(obj: dict[str, Any]) -> Any:
    raise ProtocolError("object references are not allowed here")


_ENCODER = json.JSONEncoder(allow_nan=False, separators=(",", ":"))


def dumps(msg: dict[str, Any]) -> bytes:
    """Serialise one message (strict JSON, no NaN literals)."""
    return _ENCODER.encode(msg).encode("utf-8")


def _bad_constant(name: str) -> Any:
    raise ProtocolError(f"non-standard JSON constant {name}")


_DECODER = json.JSONDecoder(parse_constant=_bad_constant)


def loads(data: bytes) -> dict[str, Any]:
    """Parse one message, rejecting anything that is not a JSON object."""
    try:
        msg = _DECODER.decode(data.decode("utf-8"))
    except (ValueError, RecursionError, UnicodeDecodeError) as e:
        raise ProtocolError(f"invalid JSON frame: {str(e)[:200]}") from e
    if type(msg) is not dict:
        raise ProtocolError("frame is not a JSON object")
    return msg


# --------------------------------------------------------------------------- framing


class Channel:
    """A bidirectional message channel over two pipe file descriptors with deadlines."""

    def __init__(self, rfd: int, wfd: int, max_frame: int = MAX_FRAME) -> None:
        self.rfd, self.wfd, self.max_frame = rfd, wfd, max_frame
        self._buf = bytearray()

    def set_nonblocking(self) -> None:
        """Use non-blocking fds (the grader's side), so deadlines never block a syscall."""
        os.set_blocking(self.rfd, False)
        os.set_blocking(self.wfd, False)
        self._nonblocking = True

    _nonblocking = False

    def _wait(self, fd: int, write: bool, deadline: float | None) -> None:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise ChannelTimeout("timed out waiting for the other process")
        r, w, _ = select.select([] if write else [fd], [fd] if write else [], [], left)
        if not r and not w:
            raise ChannelTimeout("timed out waiting for the other process")

    def send(self, msg: dict[str, Any], deadline: float | None = None) -> None:
        """Write one frame; on the non-blocking side a write never waits past ``deadline``."""
        body = dumps(msg)
        if len(body) > self.max_frame:
            raise EncodeError(f"message too large ({len(body)} bytes)")
        data = memoryview(_HEADER.pack(len(body)) + body)
        while data:
            try:
                n = os.write(self.wfd, data)
            except BlockingIOError:
                self._wait(self.wfd, True, deadline)
                continue
            except (BrokenPipeError, OSError) as e:
                raise ChannelClosed("the other process closed the channel") from e
            data = data[n:]

    def _read_some(self, deadline: float | None) -> None:
        while True:
            if self._nonblocking:
                self._wait(self.rfd, False, deadline)
            try:
                chunk = os.read(self.rfd, 1 << 20)
                break
            except BlockingIOError:
                continue
            except OSError as e:
                raise ChannelClosed(f"read failed: {e}") from e
        if not chunk:
            raise ChannelClosed("the other process closed the channel")
        self._buf += chunk

    def recv(self, deadline: float | None = None) -> dict[str, Any]:
        """Read one frame (blocking until ``deadline``; ``None`` waits forever)."""
        while len(self._buf) < 4:
            self._read_some(deadline)
        (n,) = _HEADER.unpack(self._buf[:4])
        if n > self.max_frame:
            raise ProtocolError(f"frame too large ({n} bytes)")
        while len(self._buf) < 4 + n:
            self._read_some(deadline)
        body = bytes(self._buf[4 : 4 + n])
        del self._buf[: 4 + n]
        return loads(body)
