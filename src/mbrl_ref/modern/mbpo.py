"""MBPO-style short rollouts branched from real states, and the rollout-horizon trade-off.

MBPO (Janner et al., 2019) starts short imagined rollouts of horizon H from states of the real
replay buffer and trains a model-free learner on the imagined transitions. Each rollout estimates a
slice of the chapter's objective (equation 5)::

    J(theta) = E[ sum_{t=0}^{H} gamma^t r^_t ],   rollouts in the learned model, s_0 a real state.

:func:`horizon_target_errors` measures the trade-off exactly on the slippery Dyna maze: the error of
the H-step model-based value target ``sum_{t<H} gamma^t r^_t + gamma^H V_old(s_H)`` against the true
value, for a count model learned from ``n_real`` transitions and a slightly wrong critic
``V_old``. Small H inherits the critic's error, large H the model's compounding error; the best H
grows as the model improves. (Notebook 4 runs the same computation in its MBPO demo.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mbrl_envs import DYNA_MAZE_MAP, StochasticGridWorld


def branched_rollouts(
    model,
    start_states: Sequence[int],
    policy: Callable[[int], int],
    horizon: int,
    n_rollouts: int,
    rng: np.random.Generator | None = None,
) -> list[list[tuple[int, int, float, int]]]:
    """`n_rollouts` imagined rollouts of at most `horizon` steps, each from a random real state.

    A rollout stops early when the model returns ``(None, None)`` (unknown pair or terminal state).
    Returns the imagined transitions ``(s, a, r_hat, s_hat')`` of every rollout.
    """
    rng = np.random.default_rng() if rng is None else rng
    starts = list(start_states)
    out = []
    for _ in range(n_rollouts):
        s = int(starts[int(rng.integers(len(starts)))])
        rollout = []
        for _ in range(horizon):
            a = int(policy(s))
            s2, r = model.predict(s, a)
            if s2 is None:
                break
            rollout.append((s, a, float(r), int(s2)))
            s = int(s2)
        out.append(rollout)
    return out


def _tables(env) -> tuple[np.ndarray, np.ndarray]:
    T = env.transition_matrix()
    goal = np.zeros(env.n_states)
    goal[list(env.goal_states)] = 1.0
    R = T @ goal
    for g in env.goal_states:
        R[g] = 0.0
    return T, R


def _learned_tables(env, T: np.ndarray, n: int, rng: np.random.Generator):
    free = np.array([s for s in env.free_states() if s not in env.goal_states])
    s = free[rng.integers(len(free), size=n)]
    a = rng.integers(env.n_actions, size=n)
    s2 = (T[s, a].cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    C = np.zeros(T.shape)
    np.add.at(C, (s, a, s2), 1)
    goal = np.zeros(env.n_states)
    goal[list(env.goal_states)] = 1.0
    visits = C.sum(axis=-1)
    stay = np.broadcast_to(np.eye(env.n_states)[:, None, :], C.shape)
    T_hat = np.where(visits[..., None] > 0, C / np.maximum(visits, 1)[..., None], stay)
    R_hat = T_hat @ goal
    for g in env.goal_states:
        T_hat[g], R_hat[g] = np.eye(env.n_states)[g], 0.0
    return T_hat, R_hat


def horizon_target_errors(
    n_real: int,
    critic_noise: float = 0.1,
    max_h: int = 30,
    gamma: float = 0.95,
    reps: int = 3,
    seed: int = 0,
    env=None,
) -> np.ndarray:
    """Mean |target_H - V_true| over non-goal states, shape ``(reps, max_h + 1)``.

    Policy: epsilon-greedy (0.1) with respect to the optimal Q of `env` (default: the Dyna maze
    with slip 0.1). Model: counts from `n_real` transitions of uniformly random (state, action)
    pairs; unvisited pairs are predicted to stay put. Critic: ``V_true + critic_noise * N(0, 1)``.
    """
    env = StochasticGridWorld(DYNA_MAZE_MAP, slip=0.1) if env is None else env
    T, R = _tables(env)
    q = np.zeros(R.shape)
    for _ in range(300):
        q = R + gamma * T @ q.max(axis=1)
    pi = np.full(R.shape, 0.1 / R.shape[1])
    pi[np.arange(R.shape[0]), q.argmax(axis=1)] += 0.9
    P_pi, r_pi = np.einsum("sa,sat->st", pi, T), (pi * R).sum(axis=1)
    v_true = np.linalg.solve(np.eye(env.n_states) - gamma * P_pi, r_pi)
    starts = [s for s in env.free_states() if s not in env.goal_states]
    rng = np.random.default_rng(seed)
    errors = np.zeros((reps, max_h + 1))
    for k in range(reps):
        T_hat, R_hat = _learned_tables(env, T, n_real, rng)
        P_hat, r_hat = np.einsum("sa,sat->st", pi, T_hat), (pi * R_hat).sum(axis=1)
        v_old = v_true + critic_noise * rng.standard_normal(env.n_states)
        J, P_t = np.zeros(env.n_states), np.eye(env.n_states)
        for h in range(max_h + 1):
            target = J + gamma**h * P_t @ v_old
            errors[k, h] = np.abs(target - v_true)[starts].mean()
            J, P_t = J + gamma**h * P_t @ r_hat, P_t @ P_hat
    return errors
