"""Demos of notebook 01 (learning a model): the corridor, counts vs last outcome, Demo 4, error
propagation, a linear model. One module for the notebook's demos (the layout's convention), so it
runs past 400 lines; its sections follow the notebook's.

Each demo returns a figure (and prints its key numbers with a stable label, so the notebook's
claims can be checked against them); demos that use the student's code take it as an argument.
"""

from __future__ import annotations

import copy
from typing import Any

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from ..curves import plot_curves
from ..drawing import draw_grid
from ..gridworld import RIGHT, GridWorld
from ..stochastic_gridworld import StochasticGridWorld


def _plain_log_ticks(axes) -> None:
    """Plain tick labels: mathtext minor labels on log axes are slow to lay out."""
    for ax in np.ravel(axes):
        ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


SLIP = 0.2
"""Slip probability of the grid world in the notebook's demos."""


# ---------------------------------------------------------------- section 1.3: the corridor
def corridor_values(L: int, gamma: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """Q(s, RIGHT) after each episode on an L-state corridor: model-free rows vs model-based."""
    q = np.zeros(L)
    model_free = []
    while q[0] == 0:
        for s in range(L):  # one episode, states visited in order 0, 1, ..., L-1
            q[s] = 1.0 if s == L - 1 else gamma * q[s + 1]  # alpha = 1: Q(s, a) <- target
        model_free.append(q.copy())
    # model-based: one real episode fills the model, then L simulated updates, last state first
    model = {s: (s + 1, 1.0 if s == L - 1 else 0.0) for s in range(L)}  # (s, RIGHT) -> (s', r)
    q = np.zeros(L + 1)  # state L is the (terminal) goal
    for s in reversed(range(L)):
        s_next, r = model[s]
        q[s] = r + (gamma * q[s_next] if s_next < L else 0.0)
    return np.array(model_free), q[:L]


def corridor_demo(L: int):
    """Where Q(s, RIGHT) is non-zero after each episode, model-free vs model-based."""
    model_free, model_based = corridor_values(L)
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [3, 1.2]})
    axes[0].imshow(model_free > 0, cmap="Blues", aspect="auto", vmin=0, vmax=1.3)
    axes[0].set(
        xlabel="state (start = 0, goal after L - 1)",
        ylabel="episode",
        title=f"model-free: Q(start) > 0 after {len(model_free)} episodes "
        f"= {len(model_free) * L} real steps",
    )
    axes[0].set_yticks(
        range(len(model_free)), [str(k + 1) for k in range(len(model_free))], fontsize=7
    )
    axes[1].imshow((model_based > 0)[None, :], cmap="Greens", aspect="auto", vmin=0, vmax=1.3)
    axes[1].set(xlabel="state", yticks=[], title=f"model-based: after 1 episode\n= {L} real steps")
    fig.suptitle(f"Corridor of L = {L} states: where is Q(s, RIGHT) already non-zero?")
    fig.tight_layout()
    return fig


# ------------------------------------------------- section 2.4: counting vs the last outcome
def slippery_visits(visits: int, seed: int = 1) -> list[tuple[int, float]]:
    """``visits`` real outcomes (s', r) of (start, RIGHT) in the slip-0.2 grid world."""
    env = StochasticGridWorld(slip=SLIP)
    draws = np.random.default_rng(seed)
    out = []
    for _ in range(visits):
        env.reset(seed=int(draws.integers(1 << 30)))
        s_next, r, *_ = env.step(RIGHT)
        out.append((int(s_next), float(r)))
    return out


def compare_models(tabular_class: Any, last_class: Any, visits: int):
    """Feed the same visits of (start, RIGHT) to both models; plot what each believes."""
    env = StochasticGridWorld(slip=SLIP)
    s0, a0 = env.start_state, RIGHT
    tabular = tabular_class(env.n_states, env.n_actions)
    last = last_class(env.n_states, env.n_actions)
    for s_next, r in slippery_visits(visits):
        tabular.update(s0, a0, r, s_next)
        last.update(s0, a0, r, s_next)
    true_p = env.transition_matrix()[s0, a0]
    counts = np.asarray(tabular.transition_counts, dtype=float)[s0, a0]
    p_hat = counts / counts.sum()
    p_last = np.zeros(env.n_states)
    p_last[int(last.predict(s0, a0)[0])] = 1.0
    draws = np.bincount(
        np.ravel([tabular.predict(s0, a0)[0] for _ in range(500)]).astype(int),
        minlength=env.n_states,
    )
    shown = np.flatnonzero((true_p > 0) | (p_hat > 0) | (p_last > 0))
    counts_text = ", ".join(f"s'={s}: {int(counts[s])}" for s in shown)
    print(
        f"after {visits} visits: counts {counts_text}; true successors "
        f"{np.flatnonzero(true_p > 0).tolist()}; the last-outcome model says "
        f"s'={int(np.argmax(p_last))} for sure"
    )
    x = np.arange(len(shown))
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.bar(x - 0.3, true_p[shown], 0.2, label="true P", color="black")
    ax.bar(x - 0.1, p_hat[shown], 0.2, label="counts: P^ = N(s,a,s')/N(s,a)")
    ax.bar(x + 0.1, draws[shown] / 500, 0.2, label="500 samples from your predict()")
    ax.bar(x + 0.3, p_last[shown], 0.2, label="last-outcome model")
    ax.set_xticks(x, [f"s'={s}" for s in shown])
    ax.set(
        ylabel="probability",
        ylim=(0, 1.05),
        title=f"What each model believes about (start, RIGHT) after {visits} visits",
    )
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


# ------------------------------------------------------- section 3.4: error propagation
def evaluate(P: np.ndarray, R: np.ndarray, policy: np.ndarray, gamma: float) -> np.ndarray:
    """Exact values of a deterministic policy: solve V = R_pi + gamma P_pi V."""
    idx = np.arange(len(policy))
    return np.linalg.solve(np.eye(len(policy)) - gamma * P[idx, policy], R[idx, policy])


def plan(P: np.ndarray, R: np.ndarray, gamma: float) -> np.ndarray:
    """Optimal policy of a model (P, R), by policy iteration."""
    policy = np.zeros(P.shape[0], dtype=int)
    while True:
        q = R + gamma * P @ evaluate(P, R, policy, gamma)
        better = q.max(axis=1) > q[np.arange(len(policy)), policy] + 1e-10
        if not better.any():
            return policy
        policy = np.where(better, q.argmax(axis=1), policy)


def propagation_experiment(
    gammas: tuple[float, ...] = (0.9, 0.97),
    samples: tuple[int, ...] = (1, 2, 3, 5, 10, 20, 50, 100),
    repeats: int = 4,
    seed: int = 0,
) -> np.ndarray:
    """Models built from n visits per pair: rows (gamma, n, eps, value error, fraction lost).

    Each model is what a count model holds after n visits to every pair: P^ = counts / n and
    R^(s, a) = the mean reward of the same n samples, sum_s' P^(s'|s,a) r(s, a, s') (rewards
    are a function of the transition here), so the model is consistent with itself.
    """
    env = StochasticGridWorld(slip=SLIP)
    P = env.transition_matrix()
    n_s, n_a = P.shape[:2]
    r_next = np.zeros_like(P)  # reward of each transition (s, a, s')
    for s in range(n_s):
        for a in range(n_a):
            for _, s2, r, _ in env.P[s][a]:
                r_next[s, a, s2] = r
    R = (P * r_next).sum(axis=2)
    movable = np.array([s not in env.goal_states and s not in env.walls for s in range(n_s)])
    draws = np.random.default_rng(seed)
    rows = []
    for gamma in gammas:
        best = plan(P, R, gamma)
        V_true = evaluate(P, R, best, gamma)
        for n in samples:
            for _ in range(repeats):
                P_hat = P.copy()
                for s in np.flatnonzero(movable):
                    for a in range(n_a):
                        P_hat[s, a] = draws.multinomial(n, P[s, a]) / n
                R_hat = (P_hat * r_next).sum(axis=2)
                eps = (0.5 * np.abs(P_hat - P).sum(axis=2))[movable].max()
                value_error = np.abs(evaluate(P_hat, R_hat, best, gamma) - V_true)[movable].max()
                planned = plan(P_hat, R_hat, gamma)
                lost = (V_true - evaluate(P, R, planned, gamma))[env.start_state]
                rows.append((gamma, n, eps, value_error, lost / V_true[env.start_state]))
    return np.array(rows)


def propagation_summary(rows: np.ndarray) -> None:
    """Print, per gamma and number of visits, the mean eps, value error and value lost."""
    for gamma in np.unique(rows[:, 0]):
        for n in np.unique(rows[:, 1]):
            sel = rows[(rows[:, 0] == gamma) & (rows[:, 1] == n)]
            eps, err, lost = sel[:, 2].mean(), sel[:, 3].mean(), 100 * sel[:, 4].mean()
            print(
                f"propagation gamma={gamma:g} visits={int(n)}: eps={eps:.3f} "
                f"value_error={err:.3f} lost={lost:.1f}%"
            )


def propagation_demo(rows: np.ndarray | None = None):
    """Left: value error of the optimal policy vs eps and the bound; right: value lost by planning."""
    rows = propagation_experiment() if rows is None else rows
    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for gamma, colour in [(0.9, "tab:blue"), (0.97, "tab:red")]:
        sel = rows[rows[:, 0] == gamma]
        eps_grid = np.linspace(sel[:, 2].min(), sel[:, 2].max(), 50)
        axes[0].scatter(
            sel[:, 2], sel[:, 3], s=14, color=colour, label=f"measured, gamma = {gamma}"
        )
        axes[0].plot(
            eps_grid,
            gamma * eps_grid / (1 - gamma) ** 2,
            "--",
            color=colour,
            label=f"bound gamma eps / (1 - gamma)^2, gamma = {gamma}",
        )
        ns = np.unique(sel[:, 1])
        axes[1].scatter(sel[:, 1], 100 * sel[:, 4], s=12, color=colour, alpha=0.5)
        axes[1].plot(
            ns,
            [100 * sel[sel[:, 1] == n, 4].mean() for n in ns],
            "-o",
            color=colour,
            label=f"gamma = {gamma} (mean of 4 models)",
        )
    axes[0].set(
        xlabel="model error eps = max TV over (s, a)",
        ylabel="max value error |V^ - V|",
        yscale="log",
        title="value error of a fixed policy: measured vs bound",
    )
    axes[0].legend(fontsize=8, frameon=False)
    axes[1].set(
        xlabel="visits per (s, a) used to build the model",
        xscale="log",
        ylabel="% of optimal value lost at the start",
        title="plan with the learned model, act in the real world",
    )
    axes[1].legend(fontsize=8, frameon=False)
    _plain_log_ticks(axes)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.92, wspace=0.25)
    return fig


# ----------------------------------------------- section 3.3: Demo 4, watching a model learn
DEMO4_STEPS = 3000
DEMO4_RUNS = 3
DEMO4_SLIP = 0.4
REPORTED_STEPS = (300, 1000, DEMO4_STEPS)
"""The moments Demo 4 prints (and the slider's default, 1000, is one of them)."""
CHECKPOINTS = np.unique(np.r_[np.geomspace(20, DEMO4_STEPS, 25).astype(int), REPORTED_STEPS])
EXPLORATION = {"uniform": np.full(4, 0.25), "narrow": np.array([0.05, 0.45, 0.05, 0.45])}


def explore(
    model_class: Any,
    env: Any,
    policy_probs: np.ndarray,
    n_steps: int,
    checkpoints: np.ndarray,
    seed: int,
) -> dict[int, Any]:
    """Explore with a fixed random policy, feeding every real transition to a fresh model.

    Returns {step: a copy of the model after that many steps} at the checkpoints.
    """
    draws = np.random.default_rng(seed)
    model = model_class(env.n_states, env.n_actions)
    s, _ = env.reset(seed=seed + 10_000)  # not `seed`: the slips must not reuse our action stream
    snapshots, wanted = {}, {int(c) for c in checkpoints}
    actions = draws.choice(env.n_actions, size=n_steps, p=policy_probs)
    for t in range(1, n_steps + 1):
        a = int(actions[t - 1])
        s_next, r, terminated, truncated, _ = env.step(a)
        model.update(s, a, r, s_next)
        s = s_next
        episode_over = terminated or truncated
        if episode_over:
            s, _ = env.reset()
        if t in wanted:
            snapshots[t] = copy.deepcopy(model)  # the model as it was after t steps
    return snapshots


def run_demo4(model_class: Any, model_error: Any) -> tuple[Any, np.ndarray, dict, Any]:
    """Explore with both policies (3 runs each); the student's model_error at every checkpoint."""
    env = StochasticGridWorld(slip=DEMO4_SLIP)
    P_true = env.transition_matrix()
    plannable = np.array([s for s in env.free_states() if s not in env.goal_states])
    results = {}
    for name, probs in EXPLORATION.items():
        runs = [
            explore(model_class, env, probs, DEMO4_STEPS, CHECKPOINTS, seed=100 * i + 1)
            for i in range(DEMO4_RUNS)
        ]
        errors = np.array(
            [
                [
                    float(model_error(np.asarray(run[c].transition_counts), P_true))
                    for c in CHECKPOINTS
                ]
                for run in runs
            ]
        )
        coverage = np.array(
            [
                [np.mean(np.asarray(run[c].visit_counts)[plannable] > 0) for c in CHECKPOINTS]
                for run in runs
            ]
        )
        results[name] = {"snapshots": runs[0], "errors": errors, "coverage": coverage}
        for c in REPORTED_STEPS:
            k = int(np.searchsorted(CHECKPOINTS, c, side="right") - 1)
            print(
                f"demo4 {name}: steps={int(CHECKPOINTS[k])} mean_error={errors[:, k].mean():.3f} "
                f"coverage={coverage[:, k].mean():.2f}"
            )
    return env, P_true, results, model_error


def hoeffding_width(n: Any, delta: float = 0.05) -> np.ndarray:
    """Hoeffding half-width sqrt(ln(2/delta) / (2n)); 1 where n == 0 (no information)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore"):
        return np.where(n > 0, np.minimum(1.0, np.sqrt(np.log(2 / delta) / (2 * n))), 1.0)


def show_demo4(demo4: Any, steps: int, exploration: str):
    """The six panels of Demo 4 at the checkpoint nearest below ``steps``."""
    if demo4 is None:
        raise NotImplementedError("TabularModel (questions 2.2-2.4) and model_error (question 3.1)")
    env, P_true, results, model_error = demo4
    k = max(int(np.searchsorted(CHECKPOINTS, steps, side="right")) - 1, 0)
    step = int(CHECKPOINTS[k])
    model = results[exploration]["snapshots"][step]
    counts = np.asarray(model.transition_counts, dtype=float)
    visits = np.asarray(model.visit_counts, dtype=float)
    fig, axes = plt.subplots(2, 3, figsize=(14, 7))
    draw_grid(
        env,
        ax=axes[0, 0],
        values=np.log10(1 + visits.sum(axis=1)),
        colorbar=True,
        value_label="log10(1 + visits)",
        title=f"visits per cell after {step} steps ({exploration})"
        + ("" if step == steps else f"\n(the saved moment nearest below {steps})"),
    )
    draw_grid(
        env,
        ax=axes[0, 1],
        values=hoeffding_width(visits).mean(axis=1),
        colorbar=True,
        cmap="magma_r",
        value_label="mean width w(N)",
        title="uncertainty: Hoeffding width w(N)",
    )
    s0 = env.start_state
    true_p = P_true[s0, RIGHT]
    ax = axes[0, 2]
    if visits[s0, RIGHT] > 0:  # the student's predict(), 300 times
        samples = np.ravel([model.predict(s0, RIGHT)[0] for _ in range(300)]).astype(int)
        draws = np.bincount(samples, minlength=env.n_states) / 300
    else:
        draws = np.zeros(env.n_states)
    shown = np.flatnonzero((true_p > 0) | (draws > 0))
    x = np.arange(len(shown))
    ax.bar(x - 0.2, true_p[shown], 0.4, color="black", label="true P")
    ax.bar(x + 0.2, draws[shown], 0.4, label="300 samples of predict()")
    ax.set_xticks(x, [f"s'={s}" for s in shown])
    ax.set(ylim=(0, 1), title=f"(start, RIGHT): N = {visits[s0, RIGHT]:.0f} visits")
    ax.legend(frameon=False, fontsize=8)
    plot_curves(
        {f"{name} exploration": results[name]["errors"] for name in EXPLORATION},
        ax=axes[1, 0],
        x=CHECKPOINTS,
        xlabel="real environment steps",
        ylabel="mean TV error (visited pairs)",
        title="model error falls with experience",
        log_y=True,
    )
    plot_curves(
        {f"{name} exploration": results[name]["coverage"] for name in EXPLORATION},
        ax=axes[1, 1],
        x=CHECKPOINTS,
        xlabel="real environment steps",
        ylabel="fraction of (s, a) visited",
        title="coverage: which pairs does the model know?",
    )
    for ax in axes[1, :2]:
        ax.set_xscale("log")
        ax.axvline(step, color="grey", ls=":")
    pairs = np.argwhere(visits > 0)
    tv = []
    for s, a in pairs:  # each pair's error, measured by your model_error on that pair alone
        alone = np.zeros_like(counts)
        alone[s, a] = counts[s, a]
        tv.append(float(model_error(alone, P_true)))
    tv = np.array(tv)
    n = visits[visits > 0]
    ax = axes[1, 2]
    ax.scatter(n, np.maximum(tv, 1e-3), s=12, alpha=0.6, label="one (s, a) pair")
    grid_n = np.geomspace(1, max(2, n.max()), 50)
    ax.plot(grid_n, np.minimum(1, 0.6 / np.sqrt(grid_n)), "k--", label="~ 1/sqrt(N)")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="visits N(s, a)",
        ylabel="TV error of P^(.|s, a)",
        title="error of each pair vs its visit count",
    )
    ax.legend(frameon=False, fontsize=8)
    _plain_log_ticks(axes)
    fig.subplots_adjust(left=0.05, right=0.97, bottom=0.08, top=0.95, wspace=0.35, hspace=0.3)
    return fig


# ------------------------------------------------ section 4: a linear model that generalises
ROOM = """
S.......
........
...##...
...##...
.......G
"""


def features(env: Any, s: int, a: int) -> np.ndarray:
    """[1, row, col, one-hot(a)]: the linear model's description of (s, a)."""
    row, col = env.to_rowcol(s)
    onehot = np.zeros(env.n_actions)
    onehot[a] = 1.0
    return np.concatenate([[1.0, row, col], onehot])


def linear_model_demo(n_steps: int = 150, seed: int = 0):
    """Fit (d_row, d_col) by least squares on random steps; score visited vs unvisited pairs."""
    env = GridWorld(ROOM)
    draws = np.random.default_rng(seed)
    s, _ = env.reset(seed=seed)
    X, Y, seen = [], [], set()
    for _ in range(n_steps):
        a = int(draws.integers(env.n_actions))
        s_next, r, terminated, truncated, _ = env.step(a)
        X.append(features(env, s, a))
        Y.append(np.subtract(env.to_rowcol(s_next), env.to_rowcol(s)))
        seen.add((s, a))
        s = env.reset()[0] if terminated or truncated else s_next
    theta, *_ = np.linalg.lstsq(np.array(X), np.array(Y, dtype=float), rcond=None)
    true_next = env.transition_matrix().argmax(axis=2)  # deterministic world
    correct = np.full(env.n_states, np.nan)
    stats = {"visited": [], "never visited": []}
    for s in env.free_states():
        if s in env.goal_states:
            continue
        hits = []
        for a in range(env.n_actions):
            delta = np.rint(features(env, s, a) @ theta).astype(int)
            r, c = np.add(env.to_rowcol(s), delta)
            ok = 0 <= r < env.nrow and 0 <= c < env.ncol and env.to_state(r, c) == true_next[s, a]
            hits.append(ok)
            stats["visited" if (s, a) in seen else "never visited"].append(ok)
        correct[s] = np.mean(hits)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    draw_grid(
        env,
        ax=ax,
        values=correct,
        colorbar=True,
        cmap="RdYlGn",
        value_label="fraction correct",
        title="linear model: next cell predicted correctly (of 4 actions)",
    )
    for k, v in stats.items():
        print(f"{k:>14} pairs: {len(v):3d}, next cell predicted correctly for {np.mean(v):.0%}")
    print("coefficients for (d_row, d_col) of UP, DOWN, LEFT, RIGHT:")
    print(np.round(theta[3:], 2))
    return fig
