"""Tests for mbrl_ref.model_errors: the reference behind notebook 3's hidden tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mbrl_envs import DYNA_MAZE_MAP, RIGHT, DynaMaze, GridWorld, StochasticGridWorld
from mbrl_ref.agents import DynaQPlus
from mbrl_ref.model_errors import (
    bonus_reward,
    cumulative_reward,
    estimate_transition_matrix,
    k_step_distribution,
    model_from_map,
    rollout_error,
    tv_distance,
)


@pytest.mark.parametrize(
    ("r", "tau", "kappa", "expected"),
    [(0.0, 0, 1e-3, 0.0), (1.0, 9, 0.5, 2.5), (-1.0, 16, 0.25, 0.0), (0.0, 10**6, 1e-3, 1.0)],
)
def test_bonus_reward_values(r, tau, kappa, expected):
    got = bonus_reward(r, tau, kappa)
    assert isinstance(got, float)
    assert got == pytest.approx(expected, abs=1e-12)


def test_bonus_reward_matches_dynaqplus_planning_reward():
    agent = DynaQPlus(4, 2, kappa=0.3, planning_steps=0, rng=np.random.default_rng(0))
    for _ in range(7):
        agent.update(0, 0, 0.0, 1, False)
    # (1, 1) was never tried: tau = 7
    assert agent.planning_reward(1, 1, 0.5) == pytest.approx(bonus_reward(0.5, 7, 0.3))
    assert agent.planning_reward(0, 0, 0.5) == pytest.approx(0.5)


class _AlwaysRight:
    def __init__(self):
        self.calls = []

    def select_action(self, state):
        return RIGHT

    def update(self, s, a, r, s_prime, done):
        self.calls.append((s, a, r, s_prime, done))


def test_cumulative_reward_restarts_episodes_and_counts_steps():
    agent = _AlwaysRight()
    out = cumulative_reward(agent, GridWorld("S..G"), 10)
    np.testing.assert_array_equal(out, [0, 0, 1, 1, 1, 2, 2, 2, 3, 3])
    assert len(agent.calls) == 10
    assert agent.calls[2] == (2, RIGHT, 1.0, 3, True)
    assert agent.calls[3][0] == 0  # a new episode starts at S


def _random_chain(rng, n_states=5, n_actions=3):
    T = rng.dirichlet(np.ones(n_states), size=(n_states, n_actions))
    policy = rng.dirichlet(np.ones(n_actions), size=n_states)
    return T, policy


def test_k_step_distribution_matches_matrix_power_and_sums_to_one():
    rng = np.random.default_rng(1)
    T, policy = _random_chain(rng)
    P_pi = np.einsum("sa,sat->st", policy, T)
    for k in range(6):
        d = k_step_distribution(T, 2, policy, k)
        np.testing.assert_allclose(d, np.linalg.matrix_power(P_pi, k)[2], atol=1e-12)
        assert d.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(k_step_distribution(T, 4, policy, 0), np.eye(5)[4])


def test_k_step_distribution_agrees_with_monte_carlo_on_gridworld():
    env = StochasticGridWorld(slip=0.2)
    T = env.transition_matrix()
    policy = np.full((env.n_states, env.n_actions), 0.25)
    k, n = 6, 20000
    rng = np.random.default_rng(2)
    states = np.full(n, env.start_state)
    for _ in range(k):  # n trajectories at once: inverse-CDF sampling of s' ~ T[s, a]
        probs = T[states, rng.integers(4, size=n)]
        states = (probs.cumsum(axis=1) < rng.random(n)[:, None]).sum(axis=1)
    counts = np.bincount(states, minlength=env.n_states)
    d = k_step_distribution(T, env.start_state, policy, k)
    # Hoeffding-style bound on every coordinate (failure probability far below 1e-6)
    assert np.max(np.abs(counts / n - d)) < math.sqrt(math.log(2 * env.n_states / 1e-7) / (2 * n))


def test_tv_distance_properties():
    p, q = np.array([0.2, 0.5, 0.3]), np.array([0.1, 0.1, 0.8])
    assert tv_distance(p, p) == 0.0
    assert tv_distance(p, q) == pytest.approx(tv_distance(q, p))
    assert tv_distance(p, q) == pytest.approx(0.5)
    assert tv_distance([1, 0], [0, 1]) == pytest.approx(1.0)


def test_model_from_map_believes_the_wrong_map():
    env = DynaMaze()
    rows = DYNA_MAZE_MAP.strip().splitlines()
    rows[1] = rows[1][:7] + "." + rows[1][8:]  # a door at (1, 7)
    table = model_from_map(env, rows)
    s = env.to_state(1, 6)
    assert table[(s, RIGHT)] == (env.to_state(1, 7), 0.0)  # through the real wall
    assert env.P[s][RIGHT][0][1] == s  # the real maze still blocks it
    correct = model_from_map(env, DYNA_MAZE_MAP)
    for (s, a), (s2, r) in correct.items():
        _, s_true, r_true, _ = env.P[s][a][0]
        assert (s2, r) == (s_true, r_true)


def test_estimated_model_converges_and_rollout_error_compounds():
    env = StochasticGridWorld(slip=0.3)
    T = env.transition_matrix()
    policy = np.full((env.n_states, env.n_actions), 0.25)
    rng = np.random.default_rng(3)
    few = estimate_transition_matrix(T, 3, rng)
    many = estimate_transition_matrix(T, 3000, rng)
    np.testing.assert_allclose(few.sum(axis=2), 1.0)
    assert np.abs(many - T).max() < np.abs(few - T).max()
    err_few = rollout_error(T, few, env.start_state, policy, 10)
    err_many = rollout_error(T, many, env.start_state, policy, 10)
    assert err_few[0] == 0.0 and err_many[0] == 0.0
    assert err_few[1:6].mean() > err_many[1:6].mean()
    # the compounding bound TV(d_k, d^_k) <= k * max_s TV(P_pi(s), P^_pi(s))
    P_pi, P_hat = (np.einsum("sa,sat->st", policy, M) for M in (T, few))
    eps = 0.5 * np.abs(P_pi - P_hat).sum(axis=1).max()
    assert np.all(err_few <= np.arange(11) * eps + 1e-12)
    np.testing.assert_allclose(rollout_error(T, T, env.start_state, policy, 5), 0.0, atol=1e-12)
