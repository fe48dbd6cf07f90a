"""Tests for the figure reproductions and the fast engine (agreement with the reference classes)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mbrl_envs import BlockingMaze, DynaMaze, ShortcutMaze, StochasticGridWorld
from mbrl_ref.agents import DynaQ, run_steps
from mbrl_ref.experiments import _engine, fig8_2, fig8_4, fig8_5
from mbrl_ref.experiments._changing import layouts

pytestmark = pytest.mark.slow  # reference experiment runs


def close_in_se(a: float, se_a: float, b: float, se_b: float, k: float = 4.5) -> bool:
    """True if two independent estimates differ by less than k combined standard errors."""
    return abs(a - b) < k * float(np.hypot(se_a, se_b))


@pytest.fixture(scope="module")
def fig82_30() -> fig8_2.Fig82Result:
    """The full Figure 8.2 experiment (30 runs, fast engine), shared by several tests."""
    return fig8_2.run(fig8_2.Fig82Config(runs=30, seed=1))


def test_fig8_2_matches_book_table(fig82_30: fig8_2.Fig82Result) -> None:
    """Every checkpoint of the 30-run reproduction agrees with the expected 30-run means."""
    for n, row in fig82_30.checkpoints().items():
        for key, (mean, se) in row.items():
            expected = fig8_2.EXPECTED[n][key]
            # The expected values are 30-run means of the same distribution: SE about ours.
            assert close_in_se(mean, se, expected, se), (n, key, mean, se, expected)


def test_fig8_2_regression_small_runs() -> None:
    """With 10 runs: n=50 beats n=5 beats n=0 at episode 2, and all are near 17 by episode 40."""
    result = fig8_2.run(fig8_2.Fig82Config(runs=10, seed=3))
    ep2 = result.mean[:, 1]
    assert ep2[2] < ep2[1] < ep2[0]
    late = result.steps[:, :, 39:].mean(axis=(1, 2))
    assert np.all((late > 14) & (late < 21)), late
    np.testing.assert_array_equal(result.steps[:, :, 0], result.steps[[0], :, 0].repeat(3, 0))


def test_fig8_2_seeded_and_frozen() -> None:
    """Same seed gives identical results, another seed differs; config and result are frozen."""
    cfg = fig8_2.Fig82Config(runs=3, episodes=5, planning_steps=(0, 5))
    a, b = fig8_2.run(cfg), fig8_2.run(cfg)
    np.testing.assert_array_equal(a.steps, b.steps)
    c = fig8_2.run(dataclasses.replace(cfg, seed=1))
    assert not np.array_equal(a.steps, c.steps)
    assert a.steps.shape == (2, 3, 5) and a.mean.shape == a.stderr.shape == (2, 5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.config.runs = 5  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.steps = None  # type: ignore[misc]


def test_engine_agrees_with_reference_classes_fig8_2() -> None:
    """Fast engine and per-instance DynaQ give the same episode 1-2 means (n=5) within error."""
    cfg = fig8_2.Fig82Config(runs=8, episodes=2, planning_steps=(5,), seed=11)
    ref = fig8_2.run(dataclasses.replace(cfg, engine="reference"))
    fast = fig8_2.run(dataclasses.replace(cfg, runs=300, seed=12))
    for ep in (0, 1):
        assert close_in_se(ref.mean[0, ep], ref.stderr[0, ep], fast.mean[0, ep], fast.stderr[0, ep])
    # Episode 1 is a uniform random walk: its exact expected length is 868.7 steps.
    assert close_in_se(fast.mean[0, 0], fast.stderr[0, 0], 868.7, 0.0)


def test_engine_agrees_with_reference_classes_blocking() -> None:
    """Fast engine and per-instance Dyna-Q / Dyna-Q+ agree on a short blocking-maze run."""
    cfg = fig8_4.Fig84Config(runs=5, steps=800, change_step=300, seed=5)
    ref = fig8_4.run(dataclasses.replace(cfg, engine="reference"))
    fast = fig8_4.run(dataclasses.replace(cfg, runs=100, seed=6))
    for i in range(2):  # the reward after 300 steps is too skewed (mostly 0) to compare there
        t = cfg.steps - 1
        assert close_in_se(ref.mean[i, t], ref.stderr[i, t], fast.mean[i, t], fast.stderr[i, t])


def test_engine_count_model_agrees_with_tabular_model() -> None:
    """With the count model on a changing maze (mixed outcomes), engine and DynaQ agree."""
    env = BlockingMaze(change_step=200)
    before, after, _ = layouts(env)
    kw = dict(alpha=0.5, gamma=0.95, epsilon=0.1, planning_steps=3)
    fast = np.array(
        [
            _engine.run(
                [before, after], **kw, seed=s, n_steps=600, change_step=200
            ).cumulative_reward
            for s in range(150)
        ]
    )[:, -1]
    ref = []
    for s in range(8):
        agent = DynaQ(env.n_states, 4, **kw, rng=np.random.default_rng(1000 + s))
        ref.append(run_steps(agent, BlockingMaze(change_step=200), 600)[-1])
    se = lambda x: np.std(x, ddof=1) / np.sqrt(len(x))  # noqa: E731
    assert close_in_se(np.mean(ref), se(ref), fast.mean(), se(fast))


def test_engine_rejects_stochastic_tables() -> None:
    """The fast engine refuses environments with several outcomes per (s, a)."""
    env = StochasticGridWorld(slip=0.2)
    with pytest.raises(ValueError, match="deterministic"):
        _engine.tables_from_P(env.P, env.start_state)


def test_engine_counts_planning_updates() -> None:
    """The engine reports n updates per real step, some skipped only while Q is all zero."""
    env = DynaMaze()
    tables = _engine.tables_from_P(env.P, env.start_state)
    out = _engine.run(
        [tables], alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=5, seed=0, n_episodes=15
    )
    assert out.planning_updates == 5 * sum(out.episode_lengths)
    assert out.skipped_updates == 5 * out.episode_lengths[0] - 5  # the first goal step plans
    path, reached = _engine.greedy_path(tables, out.Q)
    assert reached and path[-1] in env.goal_states


def test_changing_maze_layouts_and_opened_cells() -> None:
    """The layouts before/after the change and the opened cells match Examples 8.2 and 8.3."""
    blocking, shortcut = BlockingMaze(), ShortcutMaze()
    _, _, opened = layouts(blocking)
    assert opened == {blocking.to_state(3, 0)}
    _, _, opened = layouts(shortcut)
    assert opened == {shortcut.to_state(3, 8)}
    assert blocking.time_step == 0 and not blocking.changed  # the original is untouched


@pytest.fixture(scope="module")
def fig84_20() -> fig8_4.ChangingMazeResult:
    """The full Figure 8.4 experiment (20 runs, fast engine)."""
    return fig8_4.run(fig8_4.Fig84Config(seed=2))


def test_fig8_4_blocking_maze(fig84_20: fig8_4.ChangingMazeResult) -> None:
    """Blocking maze: reward at step 3000 near 83 (Dyna-Q) and 135 (Dyna-Q+); Q+ ahead."""
    table = fig84_20.checkpoints()
    q_mean, q_se = table["Dyna-Q"]["step 3000"]
    p_mean, p_se = table["Dyna-Q+"]["step 3000"]
    assert close_in_se(q_mean, q_se, 83.0, q_se) and close_in_se(p_mean, p_se, 135.0, p_se)
    assert p_mean > q_mean
    # Right after the change both stall: the blocked path gives almost no reward for 100 steps.
    gain = fig84_20.mean[:, 1100] - fig84_20.mean[:, 999]
    assert np.all(gain < 3), gain
    # Dyna-Q+ always re-plans through the new gap; many Dyna-Q runs still head for the old one.
    found = fig84_20.found_opening()
    assert found["Dyna-Q+"] == 1.0 and found["Dyna-Q"] < 1.0


def test_fig8_5_shortcut_maze_small() -> None:
    """Shortcut maze (3 runs): Dyna-Q+ switches to the shortcut and ends ahead; Dyna-Q does not."""
    result = fig8_5.run(fig8_5.Fig85Config(runs=3, seed=0))
    assert result.found_opening() == {"Dyna-Q": 0.0, "Dyna-Q+": 1.0}
    at_change = result.mean[:, 2999]
    assert np.all((at_change > 100) & (at_change < 160)), at_change
    final = result.mean[:, -1]
    assert final[1] > final[0] + 30, final
    data = result.to_json()
    assert data["figure"] == "8.5" and set(data["curves"]) == {"Dyna-Q", "Dyna-Q+"}
    assert len(data["curves"]["Dyna-Q"]["mean"]) == 6000
