"""Demos of notebook 04 (modern model-based methods): ensembles, MPC, MBPO horizons, learned MCTS.

Each demo takes the student's functions as arguments (``bootstrap_counts``,
``ensemble_disagreement``, ``random_shooting_action``, ``mcts_move``) and never contains a graded
answer; the notebook calls them in one line. Experiments return data or print a table; the
``show_*`` functions draw. Randomness is seeded so the printed numbers are reproducible.

Longer than ~400 lines on purpose: one module per notebook keeps every demo a student may
want to read in one place, in the notebook's order.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from .. import tictactoe as ttt
from ..drawing import draw_grid, greedy_path
from ..dyna_maze import DYNA_MAZE_MAP, DynaMaze
from ..stochastic_gridworld import StochasticGridWorld

# --------------------------------------------------------------------------- part 1: ensembles

SLIPPERY = StochasticGridWorld(DYNA_MAZE_MAP, slip=0.1)
"""The Dyna maze made slippery: each move slips to a random direction 10% of the time."""
FREE = SLIPPERY.free_states()


def random_walk_transitions(env, n_steps: int, seed: int = 0) -> np.ndarray:
    """(s, a, r, s') rows of a uniformly random walk that restarts at S after reaching G."""
    rng = np.random.default_rng(seed=seed)
    s, _ = env.reset(seed=seed)
    rows = []
    for _ in range(n_steps):
        a = int(rng.integers(env.n_actions))
        s2, r, terminated, truncated, _ = env.step(a)
        rows.append((s, a, r, s2))
        s = env.reset()[0] if terminated or truncated else s2
    return np.array(rows, dtype=float).reshape(-1, 4)


WALK = random_walk_transitions(SLIPPERY, 5000, seed=1)
"""5000 transitions of a random walk in the slippery maze (the data of demo 1.1)."""


def fit_ensemble(
    bootstrap_counts: Callable,
    transitions: np.ndarray,
    n_states: int,
    n_actions: int,
    n_members: int = 5,
    prior_weight: float = 0.1,
    seed: int = 0,
) -> np.ndarray:
    """Members' P_k(s'|s,a), shape (K, S, A, S): bootstrap counts plus a random one-hot prior guess."""
    np.random.seed(seed)
    rng = np.random.default_rng(seed=seed)
    guesses = np.asarray(FREE)[rng.integers(len(FREE), size=(n_members, n_states, n_actions))]
    prior = np.zeros((n_members, n_states, n_actions, n_states))
    np.put_along_axis(prior, guesses[..., None], 1.0, axis=-1)
    counts = np.stack(
        [
            np.asarray(bootstrap_counts(transitions, n_states, n_actions), dtype=float)
            for _ in range(n_members)
        ]
    )
    return (counts + prior_weight * prior) / (counts.sum(-1, keepdims=True) + prior_weight)


def show_uncertainty(
    bootstrap_counts: Callable, ensemble_disagreement: Callable, n_transitions: int = 300
):
    """Disagreement per cell (mean over actions) after N/10, N and 10 N real transitions."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
    for ax, n in zip(axes, (n_transitions // 10, n_transitions, 10 * n_transitions), strict=True):
        probs = fit_ensemble(bootstrap_counts, WALK[:n], SLIPPERY.n_states, 4)
        u = np.asarray(ensemble_disagreement(probs), dtype=float).mean(axis=1)
        draw_grid(SLIPPERY, ax=ax, values=u, cmap="YlOrRd", title=f"N = {n} real transitions")
        ax.images[0].set_clim(0, 1)
    fig.colorbar(axes[0].images[0], ax=axes, fraction=0.02, label="mean over a of u(s, a)")
    return fig


NEVER_VISITED_X = 0.5
"""Where the scatter draws the pairs the walk never tried (a log axis has no 0)."""


def uncertainty_vs_visits(bootstrap_counts: Callable, ensemble_disagreement: Callable):
    """Log-log plot of u(s, a) against the visits of (s, a) in the walk, with a 1/sqrt(n) guide.

    Never-visited pairs are drawn at n = NEVER_VISITED_X; the printed line summarises both groups.
    """
    probs = fit_ensemble(bootstrap_counts, WALK, SLIPPERY.n_states, 4, n_members=8)
    u = np.asarray(ensemble_disagreement(probs), dtype=float)
    visits = np.zeros((SLIPPERY.n_states, 4))
    np.add.at(visits, (WALK[:, 0].astype(int), WALK[:, 1].astype(int)), 1)
    states = np.arange(SLIPPERY.n_states)
    free = np.isin(states, FREE) & ~np.isin(states, list(SLIPPERY.goal_states))
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    seen = free[:, None] & (visits > 0)
    never = free[:, None] & (visits == 0)
    ax.loglog(visits[seen], u[seen], ".", alpha=0.5, label="visited (s, a)")
    if never.any():
        ax.loglog(
            np.full(never.sum(), NEVER_VISITED_X),
            u[never],
            "x",
            color="red",
            label=f"never visited (drawn at n = {NEVER_VISITED_X})",
        )
    print(
        f"uncertainty_vs_visits: visited pairs: {seen.sum()}, median u {np.median(u[seen]):.3f}, "
        f"90th percentile {np.percentile(u[seen], 90):.3f}; never-visited pairs: {never.sum()}"
        + (f", lowest u {u[never].min():.3f}" if never.any() else "")
    )
    n = np.logspace(0, np.log10(visits.max()), 50)
    ax.loglog(n, 0.5 / np.sqrt(n), "k--", label=r"$\propto 1/\sqrt{n}$")
    ax.set_xlabel("visits n(s, a) in the data")
    ax.set_ylabel("disagreement u(s, a)")
    ax.set_title("Ensemble uncertainty shrinks with data")
    ax.legend()
    fig.tight_layout()
    return fig


def behaviour_transitions(env, n_episodes: int = 30, eps: float = 0.3, seed: int = 0) -> np.ndarray:
    """An "offline log": episodes of a decent behaviour policy (optimal moves, 30% random ones)."""
    true_t = env.transition_matrix()
    goal = np.zeros(env.n_states)
    goal[list(env.goal_states)] = 1.0
    q = np.zeros((env.n_states, env.n_actions))
    for _ in range(200):  # value iteration on the true model, only to define the behaviour
        q = true_t @ goal + 0.95 * true_t @ (q.max(axis=1) * (1 - goal))
    rng = np.random.default_rng(seed=seed)
    rows = []
    for _ in range(n_episodes):
        s, _ = env.reset(seed=int(rng.integers(1 << 30)))
        for _ in range(200):
            a = int(rng.integers(4)) if rng.random() < eps else int(q[s].argmax())
            s2, r, done, _, _ = env.step(a)
            rows.append((s, a, r, s2))
            s = s2
            if done:
                break
    return np.array(rows, dtype=float)


OFFLINE = behaviour_transitions(SLIPPERY)
"""The offline log of demo 1.2."""


def plan_with_bonus(
    ensemble_disagreement: Callable,
    probs: np.ndarray,
    beta: float,
    gamma: float = 0.95,
    sweeps: int = 200,
) -> tuple[np.ndarray, np.ndarray]:
    """Value iteration in the ensemble's mean model with reward r_hat + beta * u; returns (Q, u)."""
    goal = list(SLIPPERY.goal_states)
    p_mean = probs.mean(axis=0)  # (S, A, S)
    r_hat = p_mean[:, :, goal].sum(axis=-1)  # +1 for entering G
    u = np.asarray(ensemble_disagreement(probs), dtype=float)
    r_tilde = r_hat + beta * u
    not_goal = np.ones(SLIPPERY.n_states)
    not_goal[goal] = 0.0
    q = np.zeros((SLIPPERY.n_states, 4))
    for _ in range(sweeps):
        v = q.max(axis=1) * not_goal
        q = r_tilde + gamma * p_mean @ v
    return q, u


def show_bonus(bootstrap_counts: Callable, ensemble_disagreement: Callable, beta: float = -0.5):
    """Greedy plans for beta, 0 and -beta on the offline log, over the disagreement map.

    Prints, per plan, whether it reaches G and the mean disagreement of the cells it visits."""
    probs = fit_ensemble(bootstrap_counts, OFFLINE, SLIPPERY.n_states, 4)
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.2))
    for ax, b in zip(axes, (beta, 0.0, -beta), strict=True):
        q, u = plan_with_bonus(ensemble_disagreement, probs, b)
        path = greedy_path(SLIPPERY, q, max_steps=40)
        kind = "pessimistic" if b < 0 else "optimistic" if b > 0 else "mean model"
        end = "reaches G" if path[-1] in SLIPPERY.goal_states else "does not reach G"
        print(
            f"bonus plan beta={b:+.2f} ({kind}): {end}; mean disagreement along the plan "
            f"{u.mean(axis=1)[path].mean():.3f}"
        )
        draw_grid(
            SLIPPERY,
            ax=ax,
            values=u.mean(axis=1),
            cmap="YlOrRd",
            path=path,
            title=f"beta = {b:+.2f} ({kind})\nplan {end}",
        )
        ax.images[0].set_clim(0, 1)
    return fig


# --------------------------------------------------------------------------- part 2: MPC

MAZE = DynaMaze()
GAMMA = 0.95


class DictModel:
    """The chapter's dict model: (s, a) -> (s', r), the last outcome seen; (None, None) if unknown."""

    def __init__(self, n_states: int, n_actions: int):
        self.n_states, self.n_actions = n_states, n_actions
        self.table: dict[tuple[int, int], tuple[int, float]] = {}

    def update(self, s: int, a: int, r: float, s_prime: int) -> None:
        self.table[(int(s), int(a))] = (int(s_prime), float(r))

    def predict(self, s: int, a: int) -> tuple[Any, Any]:
        key = (int(s), int(a))
        return self.table.get(key, (None, None))


def explored_model(n_steps: int = 3000, seed: int = 0) -> DictModel:
    """A DictModel of the Dyna maze filled by `n_steps` of uniformly random exploration."""
    rng = np.random.default_rng(seed=seed)
    model = DictModel(MAZE.n_states, MAZE.n_actions)
    s, _ = MAZE.reset(seed=seed)
    for _ in range(n_steps):
        a = int(rng.integers(MAZE.n_actions))
        s2, r, terminated, _, _ = MAZE.step(a)
        model.update(s, a, r, s2)
        s = MAZE.reset()[0] if terminated else s2
    return model


def dyna_planning(model: DictModel, max_updates: int = 20000, alpha: float = 0.5, seed: int = 0):
    """Q-learning on transitions sampled from the model until the greedy path reaches G: (Q, updates)."""
    rng = np.random.default_rng(seed=seed)
    keys = list(model.table)
    q = np.zeros((MAZE.n_states, MAZE.n_actions))
    for n in range(1, max_updates + 1):
        s, a = keys[rng.integers(len(keys))]
        s2, r = model.table[(s, a)]
        target = r if s2 in MAZE.goal_states else r + GAMMA * q[s2].max()
        q[s, a] += alpha * (target - q[s, a])
        if n % 200 == 0 and greedy_path(MAZE, q)[-1] in MAZE.goal_states:
            return q, n
    return q, max_updates


class ValueShapedModel:
    """Reward r + gamma V(s') - V(s): every imagined return gains gamma^H V(s_H) - V(s_0)."""

    def __init__(self, model, v: np.ndarray):
        self.model, self.v, self.n_actions = model, v, model.n_actions

    def predict(self, s: int, a: int) -> tuple[Any, Any]:
        s2, r = self.model.predict(s, a)
        if s2 is None:
            return None, None
        return s2, r + GAMMA * self.v[s2] - self.v[s]


def mpc_episode(
    random_shooting_action: Callable, model, horizon: int, n_candidates: int, max_steps: int = 100
) -> int:
    """Real steps MPC needs from S to G in the maze (replanning every step), capped at max_steps."""
    s, _ = MAZE.reset()
    for t in range(1, max_steps + 1):
        a = random_shooting_action(model, s, horizon, n_candidates, gamma=GAMMA)
        s, _, terminated, _, _ = MAZE.step(int(a))
        if terminated:
            return t
    return max_steps


def mpc_vs_dyna(random_shooting_action: Callable, runs: int = 30):
    """Print and plot MPC (three horizons, and a short horizon plus a value) against Dyna-Q."""
    np.random.seed(0)
    model = explored_model()
    q, n_updates = dyna_planning(model)
    shaped = ValueShapedModel(model, q.max(axis=1))
    rows = []
    for label, m, h, n_cand in [
        ("MPC H=5", model, 5, 50),
        ("MPC H=20", model, 20, 50),
        ("MPC H=40", model, 40, 50),
        ("MPC H=3 + value", shaped, 3, 20),
    ]:
        steps = np.array([mpc_episode(random_shooting_action, m, h, n_cand) for _ in range(runs)])
        rows.append(
            (
                label,
                steps.mean(),
                steps.std(ddof=1) / np.sqrt(runs),
                (steps < 100).mean(),
                h * n_cand,
                h * n_cand * steps.mean(),
            )
        )
    dyna_steps = len(greedy_path(MAZE, q)) - 1
    rows.append(("Dyna-Q planning", dyna_steps, 0.0, 1.0, 0, n_updates))
    print(
        f"{'agent':18s} {'steps S->G (mean +- s.e.)':>26s} {'reached G':>9s} "
        f"{'model calls/step':>17s} {'total model calls':>18s}"
    )
    for label, mean, se, reached, per_step, total in rows:
        print(
            f"{label:18s} {mean:17.1f} +- {se:4.1f} {100 * reached:8.0f}% "
            f"{per_step:17d} {total:18.0f}"
        )
    fig, ax = plt.subplots(figsize=(6, 3.2))
    ax.barh(
        [r[0] for r in rows],
        [r[1] for r in rows],
        xerr=[r[2] for r in rows],
        color=["C0", "C0", "C0", "C2", "C1"],
    )
    ax.axvline(14, color="k", ls="--", lw=1, label="shortest path (14)")
    ax.set_xlabel(f"real steps from S to G (mean ± s.e. of {runs} runs, capped at 100)")
    ax.legend(loc="lower right")
    ax.set_title("MPC on a learned model vs Dyna-Q's planning")
    return fig


# --------------------------------------------------------------------------- part 3: MBPO


def show_branches(horizon: int = 4, n_rollouts: int = 8, seed: int = 3):
    """Real states (blue) and imagined rollouts of horizon H branched from them (orange)."""
    rng = np.random.default_rng(seed=seed)
    model = explored_model()
    real, s = [MAZE.start_state], MAZE.reset(seed=seed)[0]
    for _ in range(12):  # a short real trajectory: the replay buffer
        s, _, terminated, _, _ = MAZE.step(int(rng.integers(4)))
        real.append(s)
    ax = draw_grid(MAZE, title=f"{n_rollouts} imagined rollouts of horizon H = {horizon}")
    for _ in range(n_rollouts):
        s = real[rng.integers(len(real))]  # branch from a real state
        path = [s]
        for _ in range(horizon):
            s2, r = model.predict(s, int(rng.integers(4)))
            if s2 is None:
                break
            path.append(s2)
            s = s2
        rows, cols = zip(*[MAZE.to_rowcol(x) for x in path], strict=True)
        jitter = rng.uniform(-0.15, 0.15, size=2)
        ax.plot(np.array(cols) + jitter[0], np.array(rows) + jitter[1], "-", color="C1", alpha=0.8)
    rows, cols = zip(*[MAZE.to_rowcol(x) for x in real], strict=True)
    ax.plot(cols, rows, "o", color="C0", ms=6)
    return ax


def true_tables(env) -> tuple[np.ndarray, np.ndarray]:
    """The true transition tensor T[s, a, s'] and expected reward R[s, a]."""
    R = np.zeros((env.n_states, env.n_actions))
    for s in range(env.n_states):
        for a in range(env.n_actions):
            R[s, a] = sum(p * r for p, _, r, _ in env.P[s][a])
    return env.transition_matrix(), R


def epsilon_greedy_policy(T, R, gamma: float, eps: float = 0.1, sweeps: int = 300) -> np.ndarray:
    """pi[s, a] of the epsilon-greedy policy of the optimal Q (value iteration on T, R)."""
    q = np.zeros(R.shape)
    for _ in range(sweeps):
        q = R + gamma * T @ q.max(axis=1)
    pi = np.full(R.shape, eps / R.shape[1])
    pi[np.arange(R.shape[0]), q.argmax(axis=1)] += 1 - eps
    return pi


def learned_tables(env, T, n: int, rng: np.random.Generator):
    """Count model from n real transitions of random (state, action) pairs; unknown pairs stay put."""
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


def horizon_errors(
    n_real: int,
    critic_noise: float = 0.1,
    max_h: int = 30,
    gamma: float = 0.95,
    reps: int = 3,
    seed: int = 0,
) -> np.ndarray:
    """Mean |target_H - V_true| over start states, shape (reps, max_h + 1), for a model of n_real."""
    env = SLIPPERY
    T, R = true_tables(env)
    pi = epsilon_greedy_policy(T, R, gamma)
    P_pi, r_pi = np.einsum("sa,sat->st", pi, T), (pi * R).sum(axis=1)
    v_true = np.linalg.solve(np.eye(env.n_states) - gamma * P_pi, r_pi)
    starts = [s for s in env.free_states() if s not in env.goal_states]
    rng = np.random.default_rng(seed=seed)
    errors = np.zeros((reps, max_h + 1))
    for k in range(reps):
        T_hat, R_hat = learned_tables(env, T, n_real, rng)
        P_hat, r_hat = np.einsum("sa,sat->st", pi, T_hat), (pi * R_hat).sum(axis=1)
        v_old = v_true + critic_noise * rng.standard_normal(env.n_states)
        J, P_t = np.zeros(env.n_states), np.eye(env.n_states)
        for h in range(max_h + 1):
            target = J + gamma**h * P_t @ v_old
            errors[k, h] = np.abs(target - v_true)[starts].mean()
            J, P_t = J + gamma**h * P_t @ r_hat, P_t @ P_hat
    return errors


def show_horizon_tradeoff(critic_noise: float = 0.1):
    """Target error against rollout horizon for models from 300, 700 and 30000 transitions."""
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for n_real in (300, 700, 30000):
        err = horizon_errors(n_real, critic_noise)
        mean = err.mean(axis=0)
        (line,) = ax.plot(mean, label=f"model from {n_real} real transitions")
        best = int(mean.argmin())
        ax.plot([best], [mean[best]], "o", color=line.get_color())
    ax.set_xlabel("rollout horizon H")
    ax.set_ylabel("mean |target_H - V_true|")
    ax.set_title("Short rollouts for a poor model, longer ones for a good model")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- part 4: learned MCTS


class LearnedRules:
    """Tabular model of the game learned from observed (board, move, next_board) steps."""

    def __init__(self):
        self.next: dict = {}
        self.outcome: dict = {}

    def observe_game(self, steps) -> None:
        for board, move, nxt in steps:
            self.next.setdefault(board, {})[move] = nxt
            if ttt.winner(nxt) is not None:
                self.outcome[nxt] = ttt.winner(nxt)

    def legal_moves(self, board):
        return sorted(self.next.get(board, {}))

    def next_board(self, board, move):
        return self.next.get(board, {}).get(move)

    def winner(self, board):
        return self.outcome.get(board)


_VALUES: dict = {}


def game_value(board) -> int:
    """Minimax value of a board for X (+1 win, 0 draw, -1 loss) under perfect play."""
    if board not in _VALUES:
        w = ttt.winner(board)
        if w is not None:
            _VALUES[board] = w
        else:
            values = [game_value(ttt.next_board(board, m)) for m in ttt.legal_moves(board)]
            _VALUES[board] = max(values) if ttt.player_to_move(board) == 1 else min(values)
    return _VALUES[board]


def tactical_positions(n_positions: int = 20, seed: int = 1) -> list:
    """(board, optimal moves) of random-game boards where the mover can win or must block at once."""
    rnd, found = random.Random(seed), {}
    while len(found) < n_positions:
        for board, _, _ in ttt.random_game(rnd):
            me = ttt.player_to_move(board)
            legal = ttt.legal_moves(board)
            wins = [m for m in legal if ttt.winner(ttt.next_board(board, m)) == me]
            opponent = tuple(-v for v in board)  # colours swapped: where could they win?
            threats = [m for m in legal if ttt.winner(ttt.next_board(opponent, m)) == me]
            values = {m: me * game_value(ttt.next_board(board, m)) for m in legal}
            good = {m for m in legal if values[m] == max(values.values())}
            if (wins or threats) and len(good) < len(legal) and board not in found:
                found[board] = good
    return list(found.items())[:n_positions]


def move_accuracy(mcts_move: Callable, model, positions, n_simulations: int = 80) -> float:
    """Fraction of positions where MCTS with `model` plays an optimal move (random if unknown)."""
    hits = 0
    for k, (board, good) in enumerate(positions):
        move = mcts_move(model, board, n_simulations, seed=k)
        if move is None:  # the model has never seen this board: play a random legal move
            legal = ttt.legal_moves(board)
            move = legal[np.random.default_rng(k).integers(len(legal))]
        hits += move in good
    return hits / len(positions)


def learned_model_experiment(
    mcts_move: Callable, true_rules, game_counts: tuple[int, ...] = (0, 30, 300, 3000)
):
    """Print and plot MCTS accuracy with the true rules and with tables learned from G games."""
    rnd = random.Random(0)
    games = [ttt.random_game(rnd) for _ in range(max(game_counts))]
    positions = tactical_positions()
    rows = [("true rules", move_accuracy(mcts_move, true_rules, positions), 1.0)]
    for g in game_counts:
        model = LearnedRules()
        for steps in games[:g]:
            model.observe_game(steps)
        known = np.mean([bool(good & set(model.legal_moves(board))) for board, good in positions])
        rows.append((f"learned from {g} games", move_accuracy(mcts_move, model, positions), known))
    print(f"{'model':26s} {'right move':>10s} {'right move in the table':>25s}")
    for label, acc, known in rows:
        print(f"{label:26s} {100 * acc:9.0f}% {100 * known:24.0f}%")
    fig, ax = plt.subplots(figsize=(6.5, 3))
    ax.barh([r[0] for r in rows], [r[1] for r in rows], color=["C2"] + ["C0"] * len(game_counts))
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"fraction of {len(positions)} win-or-block positions solved by MCTS")
    ax.invert_yaxis()
    return fig
