"""Reference for notebook 3 (model errors, changing worlds, Dyna-Q+).

Graded functions (the notebook asks students for exactly these names and signatures):

* :func:`bonus_reward` -- the Dyna-Q+ planning reward ``r + kappa * sqrt(tau)``
  (Sutton & Barto, Section 8.3). The class itself is :class:`mbrl_ref.agents.DynaQPlus`.
* :func:`cumulative_reward` -- run an agent for exactly ``n_steps`` real steps, restarting
  episodes at the goal, and return the cumulative reward after each step (Figures 8.4/8.5).
* :func:`k_step_distribution` -- the exact distribution of the state after ``k`` steps of a fixed
  policy in a transition matrix ``T[s, a, s']`` (matrix powers, no sampling).
* :func:`tv_distance` -- total-variation distance ``0.5 * sum |p - q|`` between distributions.

Helpers for demos and tests: :func:`model_from_map` (a wrong model built from a wrong map),
:func:`estimate_transition_matrix` (the count-based ``P^`` from ``n`` samples per pair) and
:func:`rollout_error` (k-step error of a model under a policy, the compounding-error curve).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from .agents import run_steps


def bonus_reward(r: float, tau: float, kappa: float) -> float:
    """Dyna-Q+ planning reward: the model's reward plus the bonus ``kappa * sqrt(tau)``.

    ``tau`` is the number of real time steps since the pair was last tried; ``tau = 0`` (just
    tried) gives no bonus. Scalars in, a Python float out.
    """
    return float(r) + float(kappa) * math.sqrt(float(tau))


def cumulative_reward(agent: Any, env: Any, n_steps: int) -> np.ndarray:
    """Run ``agent`` in ``env`` for exactly ``n_steps`` real steps; cumulative reward per step.

    Calls ``agent.select_action(s)`` and ``agent.update(s, a, r, s', terminated)`` once per step
    and resets the environment (``env.reset()``) whenever an episode ends, without resetting a
    changing maze's clock. Returns a float array of shape ``(n_steps,)`` whose entry ``t`` is the
    total reward collected in steps ``0..t``.
    """
    return run_steps(agent, env, n_steps)


def k_step_distribution(T: np.ndarray, start: int, policy: np.ndarray, k: int) -> np.ndarray:
    """Exact distribution of the state after ``k`` steps from ``start`` under ``policy``.

    Args:
        T: array (S, A, S), ``T[s, a, s']`` = probability of ``s'`` after action ``a`` in ``s``.
        start: the start state (the distribution at step 0 is one-hot on it).
        policy: array (S, A), ``policy[s, a]`` = probability of choosing ``a`` in ``s``.
        k: number of steps (``k = 0`` returns the one-hot start distribution).

    Returns:
        float array (S,): ``d_k`` with ``d_{t+1}[s'] = sum_{s,a} d_t[s] policy[s,a] T[s,a,s']``.
    """
    T = np.asarray(T, dtype=float)
    policy = np.asarray(policy, dtype=float)
    P_pi = np.einsum("sa,sat->st", policy, T)  # state-to-state matrix under the policy
    d = np.zeros(T.shape[0])
    d[int(start)] = 1.0
    for _ in range(int(k)):
        d = d @ P_pi
    return d


def tv_distance(p: np.ndarray, q: np.ndarray) -> float:
    """Total-variation distance ``0.5 * sum_i |p_i - q_i|`` (0: identical, 1: disjoint)."""
    return float(0.5 * np.abs(np.asarray(p, dtype=float) - np.asarray(q, dtype=float)).sum())


# ----------------------------------------------------------------------------------------------
# demo helpers
# ----------------------------------------------------------------------------------------------
def model_from_map(
    real_env: Any, believed_map: str | Sequence[str]
) -> dict[tuple[int, int], tuple[int, float]]:
    """A complete deterministic model ``(s, a) -> (s', r)`` of the world drawn in ``believed_map``.

    Used to hand a Dyna agent a wrong model: a wall it believes in, or a corridor it believes
    open. Only the free cells of ``real_env`` (non-wall, non-goal) get entries.
    """
    from mbrl_envs import GridWorld

    believed = GridWorld(map=believed_map)
    table = {}
    for s in real_env.free_states():
        if s in real_env.goal_states:
            continue
        for a in range(real_env.n_actions):
            _, s2, r, _ = believed.P[s][a][0]
            table[(s, a)] = (int(s2), float(r))
    return table


def estimate_transition_matrix(
    T: np.ndarray, n_samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Count-based estimate ``P^`` of ``T`` from ``n_samples`` sampled outcomes of every pair."""
    T = np.asarray(T, dtype=float)
    S, A, _ = T.shape
    counts = np.zeros_like(T)
    for s in range(S):
        for a in range(A):
            counts[s, a] = rng.multinomial(n_samples, T[s, a] / T[s, a].sum())
    return counts / n_samples


def rollout_error(
    T_true: np.ndarray, T_model: np.ndarray, start: int, policy: np.ndarray, horizon: int
) -> np.ndarray:
    """TV distance between the model's and the true k-step distributions, k = 0..horizon."""
    return np.array(
        [
            tv_distance(
                k_step_distribution(T_true, start, policy, k),
                k_step_distribution(T_model, start, policy, k),
            )
            for k in range(horizon + 1)
        ]
    )
