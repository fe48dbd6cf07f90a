"""Shared helpers of notebook 01's hidden tests (TabularModel and model_error).

Why: the hidden tests of ``predict`` and ``sample_experienced`` reach the student's model only
through its API: they feed transitions with ``update`` and read the documented count arrays.
A broken ``update`` is charged in question 2.2 only, so the tests of the other methods accept an
answer that is right for the reference counts OR for the counts the student's own ``update``
produced (one mistake is not charged twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

Transition = tuple[int, int, float, int]


@dataclass(frozen=True)
class Estimates:
    """What a count model knows: visited pairs, P^(.|s,a) and R^(s,a) for those pairs."""

    visited: np.ndarray  # bool (S, A)
    probs: np.ndarray  # (S, A, S), rows of unvisited or inconsistent pairs are nan
    mean_reward: np.ndarray  # (S, A), nan where unvisited
    source: str  # "reference" or "your update()"


def _estimates(tc: np.ndarray, rs: np.ndarray, vc: np.ndarray, source: str) -> Estimates:
    visited = vc > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        probs = tc / vc[:, :, None]
        mean = rs / vc
    consistent = np.isclose(tc.sum(axis=2), vc) & visited & (tc >= 0).all(axis=2)
    probs = np.where(consistent[:, :, None], probs, np.nan)
    mean = np.where(visited, mean, np.nan)
    return Estimates(visited, probs, mean, source)


def _read_counts(model: Any, shape: tuple[int, int, int]) -> tuple[np.ndarray, ...] | None:
    """The student's three documented arrays as float copies, or None if unreadable."""
    n_s, n_a, _ = shape
    try:
        tc = np.asarray(model.transition_counts, dtype=float)
        rs = np.asarray(model.reward_sum, dtype=float)
        vc = np.asarray(model.visit_counts, dtype=float)
    except Exception:  # noqa: BLE001 - any unreadable attribute just means "no second candidate"
        return None
    if tc.shape != shape or rs.shape != (n_s, n_a) or vc.shape != (n_s, n_a):
        return None
    return tc, rs, vc


def fed_model(
    model_class: Any, n_states: int, n_actions: int, transitions: Sequence[Transition]
) -> tuple[Any, list[Estimates]]:
    """Build the student's model, feed ``transitions`` through ``update``; return it and the truths.

    The first candidate is what the instructions define (reference counts); the second, present
    only when the student's ``update`` left different counts, is what those counts define. When
    the student's ``update`` raises, a fresh model gets the reference counts (the documented
    arrays, set whole), so ``predict``/``sample_experienced`` are still graded on their own and
    the error is charged in ``update``'s question only.
    """
    from mbrl_ref.models import TabularModel as ReferenceModel

    model = model_class(n_states, n_actions)
    ref = ReferenceModel(n_states, n_actions)
    raised = False
    for s, a, r, s2 in transitions:
        ref.update(s, a, r, s2)
        if not raised:
            try:
                model.update(s, a, r, s2)
            except Exception:  # noqa: BLE001 - an update that raises is charged in its own question
                raised = True
    if raised:
        # The later method is still graded on its own: the documented count arrays are set whole
        # (a fresh model, so nothing the failed update half-wrote is left).
        model = model_class(n_states, n_actions)
        model.transition_counts = ref.transition_counts.copy()
        model.reward_sum = ref.reward_sum.copy()
        model.visit_counts = ref.visit_counts.copy()
        return model, [
            _estimates(ref.transition_counts, ref.reward_sum, ref.visit_counts, "reference")
        ]
    shape = (n_states, n_actions, n_states)
    candidates = [_estimates(ref.transition_counts, ref.reward_sum, ref.visit_counts, "reference")]
    own = _read_counts(model, shape)
    if own is not None and not all(
        np.array_equal(x, y)
        for x, y in zip(own, (ref.transition_counts, ref.reward_sum, ref.visit_counts), strict=True)
    ):
        candidates.append(_estimates(*own, "your update()"))
    return model, candidates


UPDATE_NOTE = (
    " (Your update() leaves different counts from question 2.2's instructions; this check "
    "accepted predictions that fit either, so that mistake is not charged twice.)"
)


def model_error_diagnosis(counts: Any, p_true: Any, got: float) -> str:
    """Name the mistake a wrong ``model_error`` value matches, if it matches a known one."""
    c = np.asarray(counts, dtype=float)
    p = np.asarray(p_true, dtype=float)
    n = c.sum(axis=2)
    visited = n > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        p_hat = np.where(visited[:, :, None], c / n[:, :, None], 0.0)
    diff = p_hat - p
    tv = 0.5 * np.abs(diff).sum(axis=2)
    known = []
    if visited.any():
        known += [
            (
                2 * tv[visited].mean(),
                "this is the L1 distance sum |P^ - P|: the total-variation "
                "distance has a factor 1/2 in front of the sum",
            ),
            (
                np.sqrt((diff**2).sum(axis=2))[visited].mean(),
                "this is the Euclidean (L2) "
                "distance: total variation sums the ABSOLUTE differences (times 1/2), it does not "
                "square them",
            ),
            (
                tv[visited].max(),
                "this is the LARGEST error over the visited pairs: the model error is their MEAN",
            ),
            (
                tv[visited].sum(),
                "this is the SUM of the errors over the visited pairs: divide "
                "by the number of visited pairs to get the mean",
            ),
            (
                tv[visited].sum() / tv.size,
                "this divides by the number of ALL pairs: the mean is over the visited pairs only",
            ),
            (
                tv.mean(),
                "this averages over ALL pairs, counting the unvisited ones: the mean is "
                "over the visited pairs only",
            ),
            (
                0.5 * np.abs(c - p).sum(axis=2)[visited].mean(),
                "this compares the raw COUNTS with P: divide N(s,a,s') by N(s,a) to get P^ first",
            ),
            (
                0.5 * np.abs(diff.sum(axis=2))[visited].mean(),
                "the absolute value is taken "
                "after summing the differences (which always sum to 0): take |P^ - P| per next "
                "state, then sum",
            ),
        ]
    want = float(tv[visited].mean()) if visited.any() else float("nan")
    for value, hint in known:
        if np.isfinite(value) and abs(value - want) > 1e-9 and abs(got - value) < 1e-9:
            return hint
    return "compare your steps with the formula of section 3.1 on a pair you compute by hand"


def _as_index(x: Any) -> int | None:
    """An integer state/action from a Python/numpy integer or a size-1 integer array, else None."""
    arr = np.asarray(x)
    if arr.size != 1 or not np.issubdtype(arr.dtype, np.integer):
        return None
    return int(arr.reshape(-1)[0])


def student_calls(method: Any, args: tuple, n: int) -> tuple[list[Any] | None, str | None]:
    """Call ``method(*args)`` n times in one crossing: (results, None) or (None, error text)."""
    from mbrl_grader.checks import call_many

    try:
        return list(call_many(method, [args] * n)), None
    except Exception as e:  # noqa: BLE001 - the student's error becomes the failure message
        return None, f"{type(e).__name__}: {e}"


def predict_verdict(
    outs: list[Any], pair: tuple[int, int], est: Estimates, delta: float = 1e-7
) -> str | None:
    """None when the predicted next states fit ``est`` for ``pair``; else what is wrong.

    Hoeffding over the k possible outcomes: P(some frequency deviates by more than t) is at
    most 2 k exp(-2 n t^2) = delta, so a correct sampler fails with probability < 1e-7.
    """
    from mbrl_grader.checks import hoeffding_tolerance

    s, a = pair
    if not est.visited[s, a]:
        if all(is_none_pair(out) for out in outs):
            return None
        return f"predict({s}, {a}) for a pair that was never visited should return (None, None)"
    if np.isnan(est.probs[s, a]).any():
        return None  # these counts (from a broken update) define no distribution to compare with
    states = []
    for out in outs:
        if out is None or not isinstance(out, (tuple, list)) or len(out) != 2:
            return f"predict({s}, {a}) should return a pair (s_prime, r_hat), got {out!r}"
        idx = _as_index(out[0])
        if idx is None:
            return f"predict({s}, {a}) should return the next state as an integer, got {out[0]!r}"
        states.append(idx)
    probs = est.probs[s, a]
    n_states = probs.size
    bad = [x for x in states if not 0 <= x < n_states]
    if bad:
        return f"predict({s}, {a}) returned {bad[0]}, which is not a state"
    freq = np.bincount(states, minlength=n_states) / len(states)
    never = [x for x in range(n_states) if probs[x] == 0 and freq[x] > 0]
    if never:
        return (
            f"predict({s}, {a}) returned next state {never[0]}, which (s, a) never led to: "
            "sample only among the observed next states"
        )
    t = hoeffding_tolerance(len(states), int(np.count_nonzero(probs)), delta)
    dev = np.abs(freq - probs)
    if (dev > t).any():
        x = int(np.argmax(dev - t))
        hint = ""
        if freq.max() == 1.0:
            hint = " It always returned the same state: sample with np.random.choice(n, p=probs)."
        elif np.allclose(freq[probs > 0], freq[probs > 0].mean(), atol=t):
            hint = " Every observed next state came up about equally often: weight them by counts."
        return (
            f"predict({s}, {a}) should SAMPLE s' with probability count(s,a,s')/count(s,a): "
            f"s'={x} came up {freq[x]:.0%} of {len(states)} times, expected about {probs[x]:.0%}."
            + hint
        )
    return None


def is_none_pair(out: Any) -> bool:
    """True for predict's "unknown pair" answer (None, None)."""
    return isinstance(out, (tuple, list)) and len(out) == 2 and out[0] is None and out[1] is None


def own_counts_undefined(candidates: Sequence[Estimates], pair: tuple[int, int]) -> bool:
    """True when the student's update left counts for ``pair`` that define no distribution."""
    if len(candidates) < 2:
        return False
    s, a = pair
    own = candidates[1]
    return bool(not own.visited[s, a] or np.isnan(own.probs[s, a]).any())


def outs_fit_pairs(outs: Sequence[Any], est: Estimates) -> bool:
    """True when every sample_experienced() result is a visited pair of ``est`` (None if none)."""
    allowed = visited_pairs(est)
    if not allowed:
        return all(out is None for out in outs)
    return all(as_pair(out) in allowed for out in outs)


def visited_pairs(est: Estimates) -> set[tuple[int, int]]:
    """The visited (s, a) pairs of an estimate."""
    return {(int(s), int(a)) for s, a in np.argwhere(est.visited)}


def as_pair(out: Any) -> tuple[int, int] | None:
    """``out`` as an (s, a) pair of ints, or None if it is not one."""
    if out is None:
        return None
    try:
        items = list(np.asarray(out).reshape(-1)) if not isinstance(out, (tuple, list)) else out
    except Exception:  # noqa: BLE001 - anything unreadable is "not a pair"
        return None
    if len(items) != 2:
        return None
    s, a = _as_index(items[0]), _as_index(items[1])
    if s is None or a is None:
        return None
    return s, a
