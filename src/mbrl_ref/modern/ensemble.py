"""Bootstrap ensembles of tabular models: disagreement between members as model uncertainty.

Each member is a count-based model ``P^_k(s'|s,a)`` fitted on its own *bootstrap resample* of the
transitions (N draws **with replacement** from the N observed transitions), plus a small random
prior: a member that has no data for ``(s, a)`` falls back on its own random guess of ``s'`` (like
the different random initial weights of a neural-network ensemble)::

    P^_k(.|s,a) = (counts_k(s,a,.) + w * prior_k(s,a,.)) / (counts_k(s,a) + w)

The members agree where data is plentiful and disagree where it is scarce; the disagreement
(:func:`ensemble_disagreement`, the mean pairwise total-variation distance) is the uncertainty
signal used for pessimism (offline RL, MOPO-style penalties) or optimism (exploration bonuses).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _as_transitions(transitions: Sequence | np.ndarray) -> np.ndarray:
    arr = np.asarray(transitions, dtype=float)
    if arr.size == 0:
        return arr.reshape(0, 4)
    if arr.ndim != 2 or arr.shape[1] != 4:
        raise ValueError("transitions must be rows (s, a, r, s_prime)")
    return arr


def bootstrap_counts(
    transitions: Sequence | np.ndarray,
    n_states: int,
    n_actions: int,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Transition counts ``(S, A, S)`` of one bootstrap resample of `transitions`.

    `transitions` holds N rows ``(s, a, r, s_prime)``; the resample draws N row indices uniformly
    **with replacement** and counts the drawn ``(s, a, s')``. The counts sum to N.
    """
    rng = np.random.default_rng() if rng is None else rng
    data = _as_transitions(transitions)
    counts = np.zeros((n_states, n_actions, n_states))
    n = len(data)
    if n == 0:
        return counts
    idx = rng.integers(n, size=n)
    rows = data[idx]
    np.add.at(counts, (rows[:, 0].astype(int), rows[:, 1].astype(int), rows[:, 3].astype(int)), 1)
    return counts


def ensemble_disagreement(member_probs: np.ndarray) -> np.ndarray | float:
    """Mean pairwise total-variation distance between the members' predicted distributions.

    `member_probs` has the members on axis 0 and distributions over next states on the last axis,
    shape ``(K, ..., S)``. Returns shape ``(...)`` (a float for ``(K, S)``):

        D = 2 / (K (K - 1)) * sum_{i<j} 0.5 * sum_s' |p_i(s') - p_j(s')|

    0 when all members agree, 1 when every pair puts its mass on different next states.
    A single member (K = 1) has disagreement 0.
    """
    p = np.asarray(member_probs, dtype=float)
    k = p.shape[0]
    if k < 2:
        out = np.zeros(p.shape[1:-1])
        return float(out) if out.ndim == 0 else out
    total = np.zeros(p.shape[1:-1])
    for i in range(k):
        for j in range(i + 1, k):
            total = total + 0.5 * np.abs(p[i] - p[j]).sum(axis=-1)
    out = total / (k * (k - 1) / 2)
    return float(out) if np.ndim(out) == 0 else out


def random_priors(
    n_members: int,
    n_states: int,
    n_actions: int,
    rng: np.random.Generator | None = None,
    candidates: Sequence[int] | None = None,
) -> np.ndarray:
    """One random one-hot guess of ``s'`` per member and ``(s, a)``: shape ``(K, S, A, S)``.

    `candidates` restricts the guesses (e.g. to free cells); default all states.
    """
    rng = np.random.default_rng() if rng is None else rng
    cand = np.arange(n_states) if candidates is None else np.asarray(candidates, dtype=int)
    guess = cand[rng.integers(len(cand), size=(n_members, n_states, n_actions))]
    prior = np.zeros((n_members, n_states, n_actions, n_states))
    np.put_along_axis(prior, guess[..., None], 1.0, axis=-1)
    return prior


def ensemble_probs(
    transitions: Sequence | np.ndarray,
    n_states: int,
    n_actions: int,
    n_members: int = 5,
    prior_weight: float = 1.0,
    rng: np.random.Generator | None = None,
    candidates: Sequence[int] | None = None,
) -> np.ndarray:
    """Fit a bootstrap ensemble; returns the members' ``P^_k(s'|s,a)``, shape ``(K, S, A, S)``."""
    rng = np.random.default_rng() if rng is None else rng
    prior = random_priors(n_members, n_states, n_actions, rng, candidates)
    counts = np.stack(
        [bootstrap_counts(transitions, n_states, n_actions, rng) for _ in range(n_members)]
    )
    n = counts.sum(axis=-1, keepdims=True)
    return (counts + prior_weight * prior) / (n + prior_weight)
