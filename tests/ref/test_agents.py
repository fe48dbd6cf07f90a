"""Tests for the reference agents DynaQ, QLearning, DynaQPlus and the episode helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mbrl_envs import DynaMaze
from mbrl_ref.agents import DynaQ, DynaQPlus, QLearning, run_episodes, run_steps
from mbrl_ref.models import DeterministicModel, TabularModel


def test_select_action_epsilon_rate() -> None:
    """With a unique greedy action, it is chosen with prob. 1 - eps + eps/A, others eps/A each."""
    agent = DynaQ(3, 4, epsilon=0.2, rng=np.random.default_rng(0))
    agent.Q[1] = [0.0, 1.0, 0.0, -1.0]
    n = 8000
    actions = np.array([agent.select_action(1) for _ in range(n)])
    freq = np.bincount(actions, minlength=4) / n
    expected = np.array([0.05, 0.85, 0.05, 0.05])
    se = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(freq - expected) < 5 * se), freq


def test_select_action_breaks_ties_uniformly() -> None:
    """With epsilon = 0, each of the tied greedy actions is chosen about equally often."""
    agent = DynaQ(2, 4, epsilon=0.0, rng=np.random.default_rng(1))
    agent.Q[0] = [2.0, 2.0, 1.0, 2.0]
    n = 6000
    actions = [agent.select_action(0) for _ in range(n)]
    assert all(type(a) is int for a in actions)
    counts = np.bincount(actions, minlength=4)
    assert counts[2] == 0, "a non-greedy action was chosen with epsilon = 0"
    expected = n / 3
    chi2 = sum((counts[a] - expected) ** 2 / expected for a in (0, 1, 3))
    assert chi2 < 27.63, counts  # df = 2, p = 1e-6


def test_q_after_updates_without_planning_is_exact() -> None:
    """With 0 planning steps, update is plain Q-learning (target r when done)."""
    agent = QLearning(3, 2, alpha=0.5, gamma=0.9, rng=np.random.default_rng(0))
    assert agent.planning_steps == 0
    agent.update(0, 1, 1.0, 1, False)  # Q[0,1] = 0.5 * 1 = 0.5
    agent.update(1, 0, 2.0, 2, True)  # Q[1,0] = 0.5 * 2 = 1.0 (terminal: no bootstrap)
    agent.update(0, 1, 1.0, 1, False)  # Q[0,1] = 0.5 + 0.5 * (1 + 0.9 * 1.0 - 0.5) = 1.2
    agent.update(1, 1, 0.0, 0, True)  # done: target 0 although Q[0] > 0
    expected = np.array([[0.0, 1.2], [1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_allclose(agent.Q, expected)
    np.testing.assert_array_equal(agent.model.visit_counts, [[0, 2], [1, 1], [0, 0]])


@pytest.mark.parametrize("n", [0, 1, 5, 20])
def test_one_transition_moves_q_exactly_n_plus_1_times(n: int) -> None:
    """One experienced transition plus n planning steps applies exactly n + 1 updates to Q."""
    agent = DynaQ(2, 2, alpha=0.5, gamma=0.0, planning_steps=n, rng=np.random.default_rng(0))
    agent.update(0, 1, 1.0, 1, False)
    # Each update halves the distance to the target 1: after k updates Q = 1 - 0.5 ** k.
    assert agent.Q[0, 1] == pytest.approx(1 - 0.5 ** (n + 1), abs=1e-12)
    assert np.count_nonzero(agent.Q) == 1


def test_planning_uses_model_calls() -> None:
    """Each planning step samples one experienced pair and asks the model to predict it."""

    class CountingModel(TabularModel):
        def __init__(self) -> None:
            super().__init__(4, 2, rng=np.random.default_rng(0))
            self.calls = {"sample": 0, "predict": 0}

        def sample_experienced(self):  # type: ignore[no-untyped-def]
            self.calls["sample"] += 1
            return super().sample_experienced()

        def predict(self, s, a):  # type: ignore[no-untyped-def]
            self.calls["predict"] += 1
            return super().predict(s, a)

    agent = DynaQ(4, 2, planning_steps=7, rng=np.random.default_rng(0))
    agent.model = CountingModel()
    agent.update(0, 0, 1.0, 1, False)
    agent.update(1, 1, 0.0, 3, True)
    assert agent.model.calls == {"sample": 14, "predict": 14}


def test_terminal_state_values_stay_zero() -> None:
    """Planning bootstraps from max Q[s'] without a done flag; terminal Q rows are never updated."""
    agent = DynaQ(3, 2, alpha=0.5, gamma=0.9, planning_steps=30, rng=np.random.default_rng(2))
    for _ in range(5):
        agent.update(0, 0, 0.0, 1, False)
        agent.update(1, 1, 1.0, 2, True)
    np.testing.assert_array_equal(agent.Q[2], [0.0, 0.0])
    assert agent.Q[1, 1] == pytest.approx(1.0, abs=1e-6)
    assert agent.Q[0, 0] == pytest.approx(0.9, abs=1e-4)


def test_acting_stream_independent_of_planning() -> None:
    """With the same seed, episode 1 (Q stays 0) is the same random walk for every n."""
    lengths = []
    for n in (0, 1):
        agent = DynaQ(54, 4, alpha=0.1, gamma=0.95, planning_steps=n, rng=np.random.default_rng(7))
        lengths.append(run_episodes(agent, DynaMaze(), 1)[0])
    assert lengths[0] == lengths[1]


def test_dynaq_plus_bonus_and_untried_self_loops() -> None:
    """Dyna-Q+ plans with r + kappa*sqrt(tau); untried actions of visited states are self-loops."""
    kappa = 0.5
    agent = DynaQPlus(
        4, 2, alpha=1.0, gamma=0.0, planning_steps=0, kappa=kappa, rng=np.random.default_rng(0)
    )
    assert isinstance(agent.model, DeterministicModel)
    agent.update(0, 0, 1.0, 1, False)  # time 1
    agent.update(1, 1, 0.0, 2, False)  # time 2
    agent.update(2, 0, 0.0, 0, False)  # time 3
    agent.update(0, 0, 1.0, 1, False)  # time 4
    assert agent.time == 4
    assert agent.model.predict(0, 1) == (0, 0.0)  # never tried: self-loop with reward 0
    assert agent.model.predict(3, 0) == (None, None)  # state never visited: not modelled
    # With alpha = 1 and gamma = 0 a planning update sets Q = r + kappa * sqrt(tau).
    agent.planning_steps = 400
    agent.plan()
    last = {(0, 0): 4, (0, 1): 0, (1, 0): 0, (1, 1): 2, (2, 0): 3, (2, 1): 0}
    reward = {(0, 0): 1.0}
    for (s, a), t in last.items():
        assert agent.Q[s, a] == pytest.approx(reward.get((s, a), 0.0) + kappa * math.sqrt(4 - t))
    np.testing.assert_array_equal(agent.Q[3], [0.0, 0.0])


def test_dynaq_plus_model_follows_changes() -> None:
    """Dyna-Q+'s last-outcome model forgets an old outcome as soon as a new one is seen."""
    agent = DynaQPlus(3, 2, planning_steps=0, rng=np.random.default_rng(0))
    agent.update(0, 1, 0.0, 1, False)
    agent.update(0, 1, 0.0, 0, False)  # a wall appeared
    assert agent.model.predict(0, 1) == (0, 0.0)


def test_default_rngs_and_separate_planning_stream() -> None:
    """rng=None gives a fresh Generator; the model's generator differs from the acting one."""
    agent = DynaQ(5, 4)
    assert isinstance(agent.rng, np.random.Generator)
    assert agent.model.rng is not agent.rng
    assert DynaQ(5, 4).rng is not agent.rng


def test_run_episodes_learns_dyna_maze() -> None:
    """run_episodes returns real steps per episode; Dyna-Q (n=5) finds a near-shortest path."""
    agent = DynaQ(54, 4, alpha=0.1, gamma=0.95, planning_steps=5, rng=np.random.default_rng(4))
    seen = []
    lengths = run_episodes(agent, DynaMaze(), 12, callback=lambda *t: seen.append(t))
    assert len(lengths) == 12 and sum(lengths) == len(seen)
    assert seen[-1][4] is True  # the last transition ends the episode
    assert np.mean(lengths[-3:]) < 25  # shortest path 14, epsilon-greedy adds a few steps


def test_run_steps_cumulative_reward() -> None:
    """run_steps runs exactly n steps; its cumulative reward counts the goals reached."""
    agent = DynaQ(54, 4, alpha=0.5, gamma=0.95, planning_steps=2, rng=np.random.default_rng(4))
    goals = []
    cumulative = run_steps(agent, DynaMaze(), 1000, callback=lambda *t: goals.append(t[4]))
    assert cumulative.shape == (1000,) and len(goals) == 1000
    assert np.all(np.diff(cumulative) >= 0)
    assert cumulative[-1] == sum(goals) >= 5
