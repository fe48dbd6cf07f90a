"""Tests for mbrl_ref.planning: exact values and shortest paths as in the textbook."""

from __future__ import annotations

import numpy as np
import pytest

from mbrl_envs import BlockingMaze, DynaMaze, GridWorld, ShortcutMaze, StochasticGridWorld
from mbrl_ref.planning import (
    bfs_distances,
    optimal_policy,
    policy_evaluation,
    shortest_path_length,
    value_iteration,
)


def test_dyna_maze_shortest_path_is_14():
    """Example 8.1: the shortest path from S to G takes 14 steps."""
    assert shortest_path_length(DynaMaze()) == 14


def test_blocking_maze_path_grows_from_10_to_16():
    """Example 8.2: blocking the right gap lengthens the shortest path from 10 to 16."""
    env = BlockingMaze(change_step=1)
    assert shortest_path_length(env) == 10
    env.reset()
    env.step(0)
    assert shortest_path_length(env) == 16


def test_shortcut_maze_path_shrinks_from_16_to_10():
    """Example 8.3: opening the shortcut shortens the shortest path from 16 to 10."""
    env = ShortcutMaze(change_step=1)
    assert shortest_path_length(env) == 16
    env.reset()
    env.step(0)
    assert shortest_path_length(env) == 10


def test_value_iteration_gives_discounted_path_length():
    """With reward 1 at the goal, V*(start) = gamma ** (shortest path - 1)."""
    env = DynaMaze()
    V, Q = value_iteration(env.P, env.n_states, env.n_actions, gamma=0.95)
    assert V[env.start_state] == pytest.approx(0.95**13)
    assert np.allclose(V, Q.max(axis=1))


def test_policy_evaluation_agrees_with_value_iteration():
    """Evaluating the greedy policy of Q* reproduces V* exactly, also in a stochastic world."""
    env = StochasticGridWorld(slip=0.3)
    V, Q = value_iteration(env.P, env.n_states, env.n_actions, gamma=0.9)
    v_pi = policy_evaluation(env.P, optimal_policy(Q), gamma=0.9)
    assert np.allclose(v_pi, V, atol=1e-8)


def test_bfs_marks_unreachable_states():
    """States cut off by walls get distance -1."""
    env = GridWorld(["S#.", "##G"])
    dist = bfs_distances(env.P, env.start_state)
    assert dist[env.start_state] == 0
    assert dist[env.to_state(1, 2)] == -1
    assert shortest_path_length(env) == -1


def test_value_iteration_rejects_gamma_one():
    """gamma = 1 is refused rather than looping forever."""
    env = GridWorld()
    with pytest.raises(ValueError):
        value_iteration(env.P, env.n_states, env.n_actions, gamma=1.0)
