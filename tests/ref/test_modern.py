"""Reference implementations of notebook 4 (mbrl_ref.modern)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from mbrl_envs import DynaMaze
from mbrl_envs import tictactoe as ttt
from mbrl_ref.modern import (
    DictModel,
    LearnedGameModel,
    bootstrap_counts,
    ensemble_disagreement,
    ensemble_probs,
    mcts_move,
    random_shooting_action,
    rollout_return,
    uct_select,
)
from mbrl_ref.modern.mbpo import branched_rollouts, horizon_target_errors


# ----- ensembles -------------------------------------------------------------------------------
def test_bootstrap_counts_total_support_and_left_out_fraction():
    rng = np.random.default_rng(0)
    n = 300
    data = np.array([[i % 30, i // 30 % 4, 0.0, i // 120] for i in range(n)], dtype=float)
    left_out = 0
    for _ in range(20):
        c = bootstrap_counts(data, 30, 4, rng)
        assert c.shape == (30, 4, 30) and c.sum() == n
        per_row = c[data[:, 0].astype(int), data[:, 1].astype(int), data[:, 3].astype(int)]
        left_out += int((per_row == 0).sum())
    # distinct rows: each count is Binomial(n, 1/n); P(0) = (1 - 1/n)^n ~ 0.367
    assert abs(left_out / (20 * n) - (1 - 1 / n) ** n) < 0.05
    assert not bootstrap_counts(np.zeros((0, 4)), 3, 2, rng).any()


def test_disagreement_values():
    assert ensemble_disagreement(np.array([[1.0, 0.0], [0.0, 1.0]])) == pytest.approx(1.0)
    assert ensemble_disagreement(np.array([[0.5, 0.5]] * 3)) == pytest.approx(0.0)
    p = np.array([[1.0, 0, 0], [0, 1.0, 0], [0.5, 0.5, 0]])
    # pairs: 1, 0.5, 0.5 -> mean 2/3
    assert ensemble_disagreement(p) == pytest.approx(2 / 3)
    assert ensemble_disagreement(np.array([[0.2, 0.8]])) == 0.0
    batched = np.random.default_rng(1).dirichlet(np.ones(4), size=(3, 5, 2))
    out = ensemble_disagreement(batched)
    assert out.shape == (5, 2)
    assert out[2, 1] == pytest.approx(ensemble_disagreement(batched[:, 2, 1]))


def test_ensemble_uncertainty_falls_with_data():
    rng = np.random.default_rng(2)
    # one (s, a) with a 70/30 outcome, observed n times
    means = []
    for n in (5, 50, 500):
        data = np.array([[0, 0, 0.0, 1 if i < 0.7 * n else 2] for i in range(n)], dtype=float)
        means.append(
            np.mean(
                [
                    ensemble_disagreement(ensemble_probs(data, 3, 1, 5, rng=rng))[0, 0]
                    for _ in range(20)
                ]
            )
        )
    assert means[0] > means[1] > means[2]
    unseen = ensemble_probs(np.zeros((0, 4)), 10, 2, n_members=6, rng=rng)
    assert ensemble_disagreement(unseen).mean() > 0.7  # random priors disagree without data


# ----- MPC -------------------------------------------------------------------------------------
def _explored_maze_model(steps=3000, seed=0):
    env, rng = DynaMaze(), np.random.default_rng(seed)
    model = DictModel(env.n_states, env.n_actions)
    s, _ = env.reset(seed=seed)
    for _ in range(steps):
        a = int(rng.integers(4))
        s2, r, term, _, _ = env.step(a)
        model.update(s, a, r, s2)
        s = env.reset()[0] if term else s2
    return env, model


def test_rollout_return_discounts_and_stops_at_unknown():
    model = DictModel(3, 2)
    model.update(0, 1, 1.0, 1)
    model.update(1, 1, 2.0, 2)
    assert rollout_return(model, 0, [1, 1, 1], gamma=0.5) == pytest.approx(1 + 0.5 * 2)
    assert rollout_return(model, 0, [0, 1], gamma=0.5) == 0.0


def test_random_shooting_reaches_goal_when_in_range():
    env, model = _explored_maze_model()
    rng = np.random.default_rng(3)
    # one step left of G (row 1, col 8 is below G): UP reaches G at once
    s = env.to_state(1, 8)
    assert random_shooting_action(model, s, 3, 30, gamma=0.9, rng=rng) == env.UP


# ----- MBPO ------------------------------------------------------------------------------------
def test_branched_rollouts_start_from_real_states_and_respect_horizon():
    env, model = _explored_maze_model()
    rng = np.random.default_rng(4)
    starts = [env.start_state, env.to_state(5, 5)]
    rollouts = branched_rollouts(model, starts, lambda s: int(rng.integers(4)), 5, 10, rng)
    assert len(rollouts) == 10
    for r in rollouts:
        assert 1 <= len(r) <= 5 and r[0][0] in starts
        for prev, nxt in zip(r, r[1:], strict=False):
            assert nxt[0] == prev[3]


def test_horizon_tradeoff_best_h_grows_with_model_quality():
    poor = horizon_target_errors(300, critic_noise=0.1, max_h=30, seed=0).mean(axis=0)
    good = horizon_target_errors(30000, critic_noise=0.1, max_h=30, seed=0).mean(axis=0)
    assert poor.argmin() < 10 < good.argmin()
    assert poor[30] > poor.min() + 0.1  # compounding model error
    assert good[30] < good[0] / 3  # a good model: long rollouts help


# ----- MCTS ------------------------------------------------------------------------------------
def test_uct_select():
    assert uct_select([3, 0, 2], [1.0, 0.0, 2.0]) == 1
    assert uct_select([10, 10], [9.0, 1.0], c=0.0) == 0
    assert uct_select([100, 2], [60.0, 0.0], c=0.5) == 1
    assert uct_select([30, 1], [18.0, 0.0], c=1.4) == 1


@pytest.mark.parametrize("text, move", [("XX. OO. ...", 2), ("XX. O.. ...", 2), ("O.. XX. ..O", 5)])
def test_mcts_finds_win_and_block(text, move):
    assert mcts_move(ttt.from_string(text), 300, rng=np.random.default_rng(0)) == move


def test_learned_game_model_knows_only_what_it_saw():
    rnd = random.Random(0)
    model = LearnedGameModel()
    game = ttt.random_game(rnd)
    model.observe_games([game])
    board, move, nxt = game[0]
    assert model.legal_moves(board) == [move] and model.next_board(board, move) == nxt
    assert model.winner(game[-1][2]) == ttt.winner(game[-1][2])
    unseen = ttt.from_string("X.. ... ..O") if board != ttt.from_string("X.. ... ..O") else None
    if unseen is not None and not model.knows(unseen):
        assert model.legal_moves(unseen) == [] and mcts_move(unseen, 20, model) is None
