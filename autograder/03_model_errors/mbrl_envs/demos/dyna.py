"""Demos and figures of notebook 02 (Dyna-Q), so the notebook shows only the code students write.

Every demo takes the student's ``DynaQ`` class and ``run_episodes`` function as arguments and
contains no graded answer. The student's code draws its randomness from the global
``np.random`` (the notebook asks for it), so the demos seed ``np.random`` to make every figure
reproducible. Experiments return data; the ``plot_*``/``show_*`` functions draw it.

Longer than ~400 lines on purpose: one module per notebook keeps every demo a student may
want to read in one place, in the notebook's order.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from ..curves import plot_curves
from ..drawing import draw_grid, greedy_path
from ..dyna_maze import DynaMaze
from ..gridworld import GridWorld

__all__ = [
    "BOOK_FIG_8_2",
    "GRID_MAX_STEPS",
    "MAZE_MAX_STEPS",
    "AgentStuck",
    "PlanningRecorder",
    "after_first_episode",
    "cost_table",
    "demo_inside_dyna",
    "demo_model_free_vs_model_based",
    "draw_values",
    "episodes_completed",
    "first_look",
    "maze_experiment",
    "play",
    "report_stuck",
    "show_exercise_1",
    "show_exercise_2",
]

GRID_MAX_STEPS, MAZE_MAX_STEPS = 3_000, 20_000  # far above what a working agent ever needs
DEMO1_REAL_STEPS = 8_000  # Demo 1's real-step budget: enough for Q-learning to learn too
SHORT_EPISODE = (
    30  # an episode this short (shortest GridWorld path: 16) means the agent has learned
)

# Sutton & Barto Figure 8.2 (30 runs): mean steps in episodes 2, 3, 5 and 10 per planning depth.
BOOK_FIG_8_2 = {
    0: (742.7, 505.8, 294.0, 145.6),
    5: (167.6, 63.2, 21.4, 16.9),
    50: (36.9, 18.2, 17.2, 16.7),
}


class AgentStuck(RuntimeError):
    """An episode used up its step cap without reaching the goal: the agent is stuck."""


def play(run_episodes: Callable, agent: Any, env: Any, n_episodes: int, max_steps: int):
    """``run_episodes`` with a safety net: raise ``AgentStuck`` if an episode hits ``max_steps``."""
    lengths = np.asarray(run_episodes(agent, env, n_episodes, max_steps=max_steps)).reshape(-1)
    if np.any(lengths >= max_steps):
        episode = int(np.argmax(lengths >= max_steps)) + 1
        raise AgentStuck(
            f"the agent did not reach the goal within the step cap: episode {episode} ended "
            f"after {max_steps} real steps without reaching G. Check DynaQ.select_action (are "
            f"ties between greedy actions broken at random?) and DynaQ.update."
        )
    return lengths


def report_stuck(fn: Callable) -> Callable:
    """Wrap a demo so a stuck agent prints what happened instead of a long traceback."""

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AgentStuck as exc:
            print(f"Demo stopped: {exc}")
            return None

    wrapped.__name__ = getattr(fn, "__name__", "demo")
    wrapped.__doc__ = fn.__doc__
    return wrapped


def log_values(q: Any, floor: float = 1e-10) -> np.ndarray:
    """log10 of max_a Q(s, a) for each state; NaN (drawn blank) where nothing is learned yet."""
    v = np.asarray(q, dtype=float).max(axis=1)
    return np.where(v > floor, np.log10(np.maximum(v, floor)), np.nan)


def draw_values(env: Any, q: Any, ax: Any = None, title: str | None = None, colorbar=False):
    """Learned values on a log scale, plus the greedy path from S once S has a value."""
    q = np.asarray(q, dtype=float)
    path = greedy_path(env, q) if q[env.start_state].max() > 0 else None
    ax = draw_grid(
        env,
        ax=ax,
        values=log_values(q),
        path=path,
        title=title,
        colorbar=colorbar,
        value_label="log10 max_a Q(s, a)  (blank: 0)",
    )
    ax.images[0].set_clim(-10, 0)
    return ax


def _agent(DynaQ: Callable, env: Any, planning_steps: int) -> Any:
    """The book's settings (alpha 0.1, gamma 0.95, epsilon 0.1) for a fresh agent."""
    return DynaQ(
        env.n_states, env.n_actions, alpha=0.1, gamma=0.95, epsilon=0.1,
        planning_steps=planning_steps,
    )  # fmt: skip


@report_stuck
def first_look(DynaQ: Callable, run_episodes: Callable, episodes: int = 12) -> None:
    """One Dyna-Q agent (n = 10) on the GridWorld: print episode lengths, draw what it learned.

    Returns None: the lengths are printed once (a returned array would be shown a second time
    as the cell's value)."""
    np.random.seed(0)
    env = GridWorld()
    agent = _agent(DynaQ, env, 10)
    lengths = play(run_episodes, agent, env, episodes, GRID_MAX_STEPS)
    print("real steps per episode:", [int(x) for x in lengths])
    draw_values(
        env, agent.Q, colorbar=True, title=f"after {episodes} episodes: values and greedy path"
    )
    plt.show()


def episodes_completed(lengths: Any, budget: np.ndarray) -> np.ndarray:
    """Number of finished episodes after t real steps, for each t in ``budget``."""
    return np.searchsorted(np.cumsum(lengths), budget, side="right")


def learn_for(run_episodes: Callable, agent: Any, env: Any, n_real_steps: int) -> np.ndarray:
    """Run whole episodes until ``n_real_steps`` real steps are used; return the episode lengths."""
    lengths: list[int] = []
    while sum(lengths) < n_real_steps:
        lengths.append(int(play(run_episodes, agent, env, 1, GRID_MAX_STEPS)[0]))
    return np.array(lengths)


def model_free_vs_model_based(
    DynaQ: Callable, run_episodes: Callable, planning_steps: int, real_steps: int, runs: int
) -> dict[str, Any]:
    """Demo 1's data: episodes completed vs real steps for n = 0 and n = ``planning_steps``."""
    env = GridWorld()
    budget = np.arange(0, real_steps + 1, 20)
    settings = {
        "Q-learning (model-free)": 0,
        f"Dyna-Q, n = {planning_steps} (model-based)": planning_steps,
    }
    curves, last_q, finished, to_learn = {}, {}, {}, {}
    for label, n in settings.items():
        curves[label] = np.zeros((runs, budget.size))
        to_learn[label] = np.zeros(runs)
        for run in range(runs):
            np.random.seed(100 + run)
            agent = _agent(DynaQ, env, n)
            lengths = learn_for(run_episodes, agent, env, real_steps)
            curves[label][run] = episodes_completed(lengths, budget)
            to_learn[label][run] = real_steps_until_short(lengths)
        last_q[label] = np.asarray(agent.Q, dtype=float).copy()
        finished[label] = curves[label][:, -1]
    return {
        "env": env, "budget": budget, "curves": curves, "last_q": last_q,
        "finished": finished, "to_learn": to_learn,
    }  # fmt: skip


def real_steps_until_short(lengths: Any, short: int = SHORT_EPISODE) -> float:
    """Real steps used up to and including the first episode of at most ``short`` steps (inf: none)."""
    lengths = np.asarray(lengths)
    hits = np.flatnonzero(lengths <= short)
    return float(np.cumsum(lengths)[hits[0]]) if hits.size else float("inf")


@report_stuck
def demo_model_free_vs_model_based(
    DynaQ: Callable,
    run_episodes: Callable,
    planning_steps: int = 5,
    real_steps: int = DEMO1_REAL_STEPS,
    runs: int = 3,
):
    """Demo 1: the same real-step budget for Q-learning and Dyna-Q; curves and learned values."""
    data = model_free_vs_model_based(DynaQ, run_episodes, planning_steps, real_steps, runs)
    fig = plt.figure(figsize=(13, 3.8))
    grid = fig.add_gridspec(2, 2, width_ratios=[1.3, 1])
    plot_curves(
        data["curves"],
        ax=fig.add_subplot(grid[:, 0]),
        x=data["budget"],
        xlabel="real environment steps",
        ylabel="episodes completed",
        title="same real experience, different learning",
    )
    for i, (label, q) in enumerate(data["last_q"].items()):
        draw_values(
            data["env"],
            q,
            ax=fig.add_subplot(grid[i, 1]),
            title=f"{label}: after {real_steps} real steps",
        )
    fig.tight_layout()
    for label, done in data["finished"].items():
        learn = data["to_learn"][label]
        print(
            f"Demo 1 | {label}: {done.mean():.1f} episodes in {real_steps} real steps "
            f"(runs: {[int(x) for x in done]}); first episode of at most {SHORT_EPISODE} steps "
            f"after {learn.mean():.0f} real steps (runs: {', '.join(f'{x:.0f}' for x in learn)})"
        )
    return fig


class PlanningRecorder:
    """Wraps a model; counts every planning query (predict) and keeps the latest simulated transitions."""

    def __init__(self, model: Any, n_states: int, n_actions: int, keep: int = 60):
        self.model = model
        self.replays = np.zeros((n_states, n_actions), dtype=int)
        self.recent: deque = deque(maxlen=keep)

    def update(self, *transition):
        """Pass a real transition (s, a, r, s') on to the wrapped model."""
        return self.model.update(*transition)

    def sample_experienced(self):
        """Ask the wrapped model for a previously seen pair."""
        return self.model.sample_experienced()

    def predict(self, s, a):
        """Ask the wrapped model and record the simulated transition."""
        s_hat, r_hat = self.model.predict(s, a)
        self.replays[s, a] += 1
        self.recent.append((int(s), int(s_hat)))
        return s_hat, r_hat

    def __getattr__(self, name: str) -> Any:  # anything else (e.g. visit_counts) from the model
        if name == "model":
            raise AttributeError(name)
        return getattr(self.model, name)


def after_first_episode(DynaQ: Callable, run_episodes: Callable, env: Any, seed: int):
    """A fresh agent (alpha 0.1, gamma 0.95, epsilon 0.1) after one episode without planning."""
    np.random.seed(seed)
    agent = _agent(DynaQ, env, 0)
    first = int(play(run_episodes, agent, env, 1, MAZE_MAX_STEPS)[0])
    return agent, first


@report_stuck
def demo_inside_dyna(
    DynaQ: Callable, run_episodes: Callable, planning_steps: int = 20, seed: int = 3, peek: int = 20
):
    """Demo 2: values after episode 1, 20 steps into episode 2 and at its end; planning replays."""
    env = DynaMaze()
    agent, first = after_first_episode(DynaQ, run_episodes, env, seed)
    q1 = np.asarray(agent.Q, dtype=float).copy()
    agent.planning_steps = planning_steps
    recorder = PlanningRecorder(agent.model, env.n_states, env.n_actions)
    agent.model = recorder
    s, _ = env.reset()
    q_peek, steps = None, 0
    while steps < MAZE_MAX_STEPS:  # episode 2, step by step
        chosen = agent.select_action(s)
        s_next, reward, terminated, truncated, _ = env.step(chosen)
        agent.update(s, chosen, reward, s_next, terminated)
        steps, s = steps + 1, s_next
        if steps == peek:
            q_peek = np.asarray(agent.Q, dtype=float).copy()
        if truncated or terminated:
            break
    q2 = np.asarray(agent.Q, dtype=float).copy()
    q_peek = q2 if q_peek is None else q_peek

    fig = plt.figure(figsize=(15, 7))
    grid = fig.add_gridspec(2, 3)
    snapshots = [
        (q1, f"after episode 1 ({first} real steps)"),
        (q_peek, f"episode 2, after {min(peek, steps)} real steps"),
        (q2, f"end of episode 2 ({steps} real steps)"),
    ]
    for i, (q, title) in enumerate(snapshots):
        draw_values(env, q, ax=fig.add_subplot(grid[0, i]), title=title, colorbar=(i == 2))

    replays = recorder.replays.sum(axis=1).astype(float)
    known = np.asarray(recorder.visit_counts).sum(axis=1) > 0
    ax = draw_grid(
        env,
        ax=fig.add_subplot(grid[1, 0]),
        values=np.where(known, np.log10(1 + replays), np.nan),
        cmap="magma",
        colorbar=True,
        value_label="log10(1 + replays)",
        title=f"episode 2: {int(replays.sum())} simulated transitions",
    )
    for s_sim, s_hat in recorder.recent:
        (r0, c0), (r1, c1) = env.to_rowcol(s_sim), env.to_rowcol(s_hat)
        ax.annotate(
            "",
            xy=(c1, r1),
            xytext=(c0, r0),
            arrowprops={"arrowstyle": "->", "color": "red", "alpha": 0.5},
        )

    ns = [0] if planning_steps == 0 else [0, planning_steps]
    second: dict[int, list[int]] = {n: [] for n in ns}
    for run in range(3):
        base, _ = after_first_episode(DynaQ, run_episodes, env, seed=10 + run)
        for n in ns:
            agent = copy.deepcopy(base)
            agent.planning_steps = n
            second[n].append(int(play(run_episodes, agent, env, 1, MAZE_MAX_STEPS)[0]))
    ax = fig.add_subplot(grid[1, 1:])
    for i, n in enumerate(ns):
        ax.bar(i, np.mean(second[n]), color="C0" if n == 0 else "C1", alpha=0.7)
        ax.plot([i] * len(second[n]), second[n], "ko", ms=4)
    ax.set_xticks(range(len(ns)), [f"n = {n}" for n in ns])
    ax.set_yscale("log")
    ax.set_ylabel("real steps in episode 2 (log scale)")
    ax.set_title("same episode 1, then episode 2 (3 runs: bars = mean, dots = runs)")
    fig.tight_layout()
    return fig


@report_stuck
def maze_experiment(
    DynaQ: Callable,
    run_episodes: Callable,
    planning_steps_list: list[int],
    runs: int,
    episodes: int,
) -> dict[int, np.ndarray]:
    """Steps per episode on the Dyna maze: {n: array of shape (runs, episodes)}.

    As in the book, within a run every n gets the same first episode: we play it once (without
    planning, which cannot change anything before the first reward) and copy the agent for each n.
    """
    env = DynaMaze()
    results = {n: np.zeros((runs, episodes), dtype=int) for n in planning_steps_list}
    for run in range(runs):
        base, first = after_first_episode(DynaQ, run_episodes, env, seed=run)
        for n in planning_steps_list:
            agent = copy.deepcopy(base)
            agent.planning_steps = n
            results[n][run, 0] = first
            results[n][run, 1:] = play(run_episodes, agent, env, episodes - 1, MAZE_MAX_STEPS)
    return results


def _need_results(results: dict[int, np.ndarray] | None) -> dict[int, np.ndarray]:
    """The maze experiment's results; "not ready" (NotImplementedError) when it did not finish."""
    if results is None:
        raise NotImplementedError(
            "the maze experiment (the cell that sets maze_results printed what is missing)"
        )
    return results


def show_exercise_1(results: dict[int, np.ndarray] | None) -> None:
    """Exercise 1: learning curves and cumulative real steps of n = 0 vs n = 5."""
    results = _need_results(results)
    episodes = next(iter(results.values())).shape[1]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    pair = {"Q-learning (n = 0)": results[0], "Dyna-Q (n = 5)": results[5]}
    plot_curves(
        pair,
        ax=axes[0],
        ylabel="real steps per episode",
        log_y=True,
        title="Dyna maze: learning curves",
    )
    plot_curves(
        {k: np.cumsum(r, axis=1) for k, r in pair.items()},
        ax=axes[1],
        xlabel="episodes completed",
        ylabel="cumulative real steps",
        log_y=True,
        title="real experience needed for k episodes",
    )
    fig.tight_layout()
    plt.show()
    for n in (0, 5):
        r = results[n]
        print(
            f"n = {n}: episode 2 takes {r[:, 1].mean():6.1f} real steps on average; "
            f"{r.sum(axis=1).mean():6.0f} real steps for {episodes} episodes"
        )


def cost_table(results: dict[int, np.ndarray]) -> dict[int, tuple[float, float]]:
    """Per planning depth n: (mean real steps, mean Q-updates = (n + 1) * real steps) over runs."""
    table = {}
    for n in sorted(results):
        real = float(np.asarray(results[n]).sum(axis=1).mean())
        table[n] = (real, real * (n + 1))
    return table


def show_exercise_2(results: dict[int, np.ndarray] | None) -> None:
    """Exercise 2 (Figure 8.2 style): learning curves per n, and the sample and compute costs."""
    results = _need_results(results)
    ns = sorted(results)
    episodes = results[ns[0]].shape[1]
    costs = cost_table(results)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4))
    plot_curves(
        {f"n = {n}": results[n][:, 1:] for n in ns},
        ax=axes[0],
        x=np.arange(2, episodes + 1),
        ylabel="real steps per episode",
        title="Figure 8.2 style (mean ± s.e.)",
    )
    axes[0].set_ylim(0, 800)
    axes[1].plot(ns, [costs[n][0] for n in ns], "o-", label="real steps (sample cost)")
    axes[1].plot(ns, [costs[n][1] for n in ns], "s-", label="Q-updates (compute cost)")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("planning steps n")
    axes[1].set_title(f"cost of {episodes} episodes")
    axes[1].legend(frameon=False)
    axes[1].grid(alpha=0.3)
    fig.tight_layout()
    plt.show()
    print(" n    ep 2    ep 3    ep 5   ep 10  |  book, 30 runs: ep 2, 3, 5, 10")
    for n in ns:
        r = results[n].mean(axis=0)
        book = "  ".join(f"{v:6.1f}" for v in BOOK_FIG_8_2[n]) if n in BOOK_FIG_8_2 else ""
        print(f"{n:2d}  {r[1]:6.1f}  {r[2]:6.1f}  {r[4]:6.1f}  {r[9]:6.1f}  |  {book}")
    print(f"cost of {episodes} episodes (mean over runs):")
    for n in ns:
        real, updates = costs[n]
        print(f"cost | n = {n:2d}: {real:8.0f} real steps  {updates:9.0f} Q-updates")
