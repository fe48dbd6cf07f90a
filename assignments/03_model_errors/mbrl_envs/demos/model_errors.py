"""Demos and figures of notebook 03 (model errors), so the notebook shows only the code students write.

Every demo takes the student's classes and functions as arguments (``DynaQ``, ``dyna_agent``,
``run_episodes``, ``DynaQPlus``, ``cumulative_reward``, ``TabularModel``, ``DeterministicModel``,
``k_step_distribution``, ``tv_distance``) and contains no graded answer. The student's code draws
its randomness from the global ``np.random`` (the notebook asks for it), so the demos seed
``np.random`` to make every figure and printed number reproducible.

Longer than ~400 lines on purpose: one module per notebook keeps every demo a student may
want to read in one place, in the notebook's order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from ..blocking_maze import BLOCKING_MAZE_AFTER, BLOCKING_MAZE_BEFORE, BlockingMaze
from ..curves import plot_curves
from ..drawing import draw_grid, greedy_path
from ..dyna_maze import DYNA_MAZE_MAP, DynaMaze
from ..gridworld import GridWorld
from ..shortcut_maze import SHORTCUT_MAZE_AFTER, SHORTCUT_MAZE_BEFORE, ShortcutMaze
from ..stochastic_gridworld import StochasticGridWorld
from ..widgets import check_time

__all__ = [
    "BELIEFS",
    "MAZE_SETTINGS",
    "TIE_NOTE",
    "FixedModel",
    "Planner",
    "RandomTies",
    "breaks_ties",
    "demo_changing_world",
    "demo_compounding",
    "demo_model_errors",
    "demo_stochastic_model",
    "edit_map",
    "model_error_curves",
    "model_matrices",
    "plan_with_model",
    "print_episode_summary",
    "recovered_runs",
    "show_changing_mazes",
    "solve",
    "true_matrices",
    "with_random_ties",
]

# Demo 3's wrong beliefs about the Dyna maze: the (row, col) cells the believed map opens up.
BELIEFS = {
    "a door in the right wall (row 1)": [(1, 7)],
    "the right wall is missing": [(0, 7), (1, 7), (2, 7)],
    "the correct map": [],
}
DEFAULT_BELIEF = "a door in the right wall (row 1)"

# The book's settings for Figures 8.4 (blocking) and 8.5 (shortcut).
MAZE_SETTINGS = {
    "blocking": dict(make=BlockingMaze, change=1000, steps=3000, planning_steps=10, kappa=1e-4),
    "shortcut": dict(make=ShortcutMaze, change=3000, steps=6000, planning_steps=50, kappa=1e-3),
}


def edit_map(base_map: str, cells: list[tuple[int, int]], char: str) -> str:
    """A copy of an ASCII map with the given (row, col) cells replaced by `char`."""
    rows = [list(row) for row in base_map.strip().splitlines()]
    for r, c in cells:
        rows[r][c] = char
    return "\n".join("".join(row) for row in rows)


class FixedModel:
    """A complete last-outcome model of the world drawn in `believed_map`, handed to the agent.

    Same interface as the notebook's ``DeterministicModel`` (``table``, ``pairs``, ``predict``,
    ``sample_experienced``), but it never learns: ``update`` ignores reality.
    """

    def __init__(self, believed_map: str, n_states: int, n_actions: int):
        self.n_states, self.n_actions = n_states, n_actions
        self.table: dict[tuple[int, int], tuple[int, float]] = {}
        self.pairs: list[tuple[int, int]] = []
        believed = GridWorld(believed_map)
        for s in believed.free_states():
            if s in believed.goal_states:
                continue
            for a in range(n_actions):
                _, s_next, r, _ = believed.P[s][a][0]
                self.pairs.append((s, a))
                self.table[(s, a)] = (s_next, r)

    def update(self, s: int, a: int, r: float, s_prime: int) -> None:
        """Ignore reality: the model stays exactly as it was handed over."""

    def predict(self, s: int, a: int) -> tuple[Any, Any]:
        """The believed outcome (s', r) of (s, a); (None, None) for a pair the map does not hold."""
        return self.table.get((s, a), (None, None))

    def sample_experienced(self) -> tuple[int, int] | None:
        """A uniformly random pair of the believed map (drawn with the global ``np.random``)."""
        if not self.pairs:
            return None
        return self.pairs[np.random.randint(len(self.pairs))]


TIE_NOTE = (
    "Note: your select_action always picks action 0 when Q values are tied (plain np.argmax, as in "
    "the chapter's code). All Q values start at 0, so such an agent walks UP into the wall until a "
    "random step saves it, and Q-learning never reaches G here. This demo therefore breaks "
    "ties between greedy actions at random for your agents (your update is used unchanged)."
)
"""What the demos print once when the student's ``select_action`` does not break ties."""


def breaks_ties(DynaQ: Callable, calls: int = 40) -> bool:
    """True if the student's greedy ``select_action`` picks among tied actions (probed on zeros).

    The probe draws from ``np.random`` and restores its state afterwards, so the demo's seeded
    numbers are the same with and without it. A correct random tie-breaker returns one action
    ``calls`` times in a row with probability 4 * (1/4)**40 < 1e-23.
    """
    state = np.random.get_state()
    try:
        probe = DynaQ(3, 4, alpha=0.1, gamma=0.95, epsilon=0.0, planning_steps=0)
        seen = {int(np.ravel(probe.select_action(0))[0]) for _ in range(calls)}
    finally:
        np.random.set_state(state)
    return len(seen) > 1


class RandomTies:
    """Wraps an agent's epsilon-greedy ``select_action`` so that tied greedy actions are chosen at random.

    The agent's own choice is kept unless it is one of several actions tied at the maximum of Q;
    then one of them is drawn uniformly. For an epsilon-greedy agent that always takes the first
    maximum this gives exactly epsilon-greedy with random tie-breaking:
    P(a) = epsilon / |A| + (1 - epsilon) / |T| for each tied greedy a, epsilon / |A| otherwise.
    """

    def __init__(self, agent: Any):
        self.agent = agent
        self.choose = agent.select_action

    def __call__(self, state: int) -> int:
        """The agent's action, with a tie at the maximum broken uniformly at random."""
        action = int(np.ravel(self.choose(state))[0])
        q = np.asarray(self.agent.Q[state], dtype=float)
        tied = np.flatnonzero(q == q.max())
        if len(tied) > 1 and action in tied:
            return int(np.random.choice(tied))
        return action


def with_random_ties(agent: Any, needed: bool) -> Any:
    """The agent, its ``select_action`` wrapped in :class:`RandomTies` when ``needed``."""
    if needed:
        agent.select_action = RandomTies(agent)
    return agent


def _tie_breaking_needed(DynaQ: Callable) -> bool:
    """Probe the student's DynaQ once; print :data:`TIE_NOTE` when ties need breaking."""
    needed = not breaks_ties(DynaQ)
    if needed:
        print(TIE_NOTE)
    return needed


def plan_with_model(model: Any, gamma: float = 0.95, sweeps: int = 100) -> np.ndarray:
    """Exact planning on a deterministic model table: value iteration, returns Q."""
    Q = np.zeros((model.n_states, model.n_actions))
    keys = list(model.table)
    s, a = np.array([k[0] for k in keys]), np.array([k[1] for k in keys])
    s_next = np.array([model.table[k][0] for k in keys])
    r = np.array([model.table[k][1] for k in keys], dtype=float)
    for _ in range(sweeps):
        Q[s, a] = r + gamma * Q[s_next].max(axis=1)
    return Q


class Planner:
    """An agent that trusts its model completely: it plans once and never learns from reality.

    It acts epsilon-greedily on the planned Q with the student's DynaQ ``select_action``.
    """

    def __init__(
        self,
        DynaQ: Callable,
        model: Any,
        epsilon: float = 0.1,
        gamma: float = 0.95,
        random_ties: bool = False,
    ):
        self.actor = DynaQ(model.n_states, model.n_actions, epsilon=epsilon, planning_steps=0)
        self.actor.Q = plan_with_model(model, gamma)
        with_random_ties(self.actor, random_ties)

    def select_action(self, state: int) -> int:
        """The student's epsilon-greedy choice on the planned Q."""
        return self.actor.select_action(state)

    def update(self, s: int, a: int, r: float, s_prime: int, done: bool) -> None:
        """Never learn: the plan is final."""


def model_error_curves(
    dyna_agent: Callable,
    DynaQ: Callable,
    run_episodes: Callable,
    belief: str = DEFAULT_BELIEF,
    planning_steps: int = 10,
    runs: int = 3,
    episodes: int = 15,
    max_steps: int = 300,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Real steps per episode {agent: array (runs, episodes)} of four agents in the real Dyna maze."""
    ties = _tie_breaking_needed(DynaQ)
    np.random.seed(seed)
    env = DynaMaze()
    S, A = env.n_states, env.n_actions
    believed = edit_map(DYNA_MAZE_MAP, BELIEFS[belief], ".")
    makers = {
        "Q-learning (model-free)": lambda: with_random_ties(
            dyna_agent(S, A, planning_steps=0), ties
        ),
        "Dyna-Q, learns its own model": lambda: with_random_ties(
            dyna_agent(S, A, planning_steps=planning_steps), ties
        ),
        "Dyna-Q, handed the believed map": lambda: with_random_ties(
            dyna_agent(S, A, model=FixedModel(believed, S, A), planning_steps=planning_steps),
            ties,
        ),
        "pure planner, trusts the believed map": lambda: Planner(
            DynaQ, FixedModel(believed, S, A), random_ties=ties
        ),
    }
    curves = {}
    for name, make in makers.items():
        lengths = []
        for _ in range(runs):
            check_time()
            lengths.append(run_episodes(make(), env, episodes, max_steps))
        curves[name] = np.array(lengths)
    return curves


def print_episode_summary(curves: dict[str, np.ndarray], label: str) -> None:
    """Print the mean real steps of episode 1 and of the last 5 episodes, per agent."""
    for name, steps in curves.items():
        print(
            f"[{label}] {name:38s} episode 1: {steps[:, 0].mean():6.1f} steps   "
            f"last 5 episodes: {steps[:, -5:].mean():6.1f} steps"
        )


def demo_model_errors(
    dyna_agent: Callable,
    DynaQ: Callable,
    run_episodes: Callable,
    belief: str = DEFAULT_BELIEF,
    planning_steps: int = 10,
    runs: int = 3,
    episodes: int = 15,
    max_steps: int = 300,
    seed: int = 0,
):
    """Demo 3: the plan made with the believed map, and four agents' learning curves."""
    curves = model_error_curves(
        dyna_agent, DynaQ, run_episodes, belief, planning_steps, runs, episodes, max_steps, seed
    )
    env = DynaMaze()
    wrong_map = edit_map(DYNA_MAZE_MAP, BELIEFS[belief], ".")
    plan = greedy_path(
        GridWorld(wrong_map), plan_with_model(FixedModel(wrong_map, env.n_states, env.n_actions))
    )
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1, 1.5]})
    draw_grid(env, ax=ax0, path=plan, title="real maze + the plan made with the believed map")
    for r, c in BELIEFS[belief]:
        ax0.plot(c, r, "x", color="red", ms=14, mew=3)
    plot_curves(
        curves,
        ax=ax1,
        xlabel="episode",
        ylabel="real steps per episode",
        log_y=True,
        title=f"believed: {belief}   (planning steps = {planning_steps}, {runs} runs)",
    )
    ax1.axhline(14, color="grey", ls=":", lw=1)
    ax1.set_ylim(10, max_steps * 1.3)
    print_episode_summary(curves, belief)
    return fig


def show_changing_mazes() -> None:
    """The blocking and the shortcut maze (Sutton & Barto, Section 8.3), before and after."""
    fig, axes = plt.subplots(1, 4, figsize=(14, 2.8))
    layouts = [
        (BLOCKING_MAZE_BEFORE, "blocking: steps 1-1000"),
        (BLOCKING_MAZE_AFTER, "blocking: after"),
        (SHORTCUT_MAZE_BEFORE, "shortcut: steps 1-3000"),
        (SHORTCUT_MAZE_AFTER, "shortcut: after"),
    ]
    for ax, (layout, title) in zip(axes, layouts, strict=True):
        draw_grid(GridWorld(layout), ax=ax, title=title)
    plt.show()


def recovered_runs(curves: list[np.ndarray], change: int) -> int:
    """How many runs collected any reward after the change (reached G at least once)."""
    return sum(bool(c[-1] > c[change - 1]) for c in curves)


def demo_changing_world(
    dyna_agent: Callable,
    DynaQPlus: Callable,
    cumulative_reward: Callable,
    maze: str = "blocking",
    runs: int = 3,
    seed: int = 1,
):
    """Figures 8.4/8.5: cumulative reward of Dyna-Q and the student's Dyna-Q+ in a changing maze.

    Prints, per agent, the mean cumulative reward at the end and in how many runs the agent
    reached the goal at least once after the change.
    """
    cfg = MAZE_SETTINGS[maze]
    probe = BlockingMaze()
    ties = _tie_breaking_needed(
        lambda *args, **kwargs: dyna_agent(probe.n_states, probe.n_actions, epsilon=0.0)
    )
    curves: dict[str, list] = {"Dyna-Q": [], "Dyna-Q+": []}
    for i, name in enumerate(curves):
        np.random.seed(seed + 1000 * i)  # each agent gets its own random stream
        for _ in range(runs):
            check_time()
            env = cfg["make"](change_step=cfg["change"])
            if name == "Dyna-Q":
                agent = dyna_agent(
                    env.n_states, env.n_actions, alpha=1.0, planning_steps=cfg["planning_steps"]
                )
            else:
                agent = DynaQPlus(
                    env.n_states,
                    env.n_actions,
                    alpha=1.0,
                    planning_steps=cfg["planning_steps"],
                    kappa=cfg["kappa"],
                )
            with_random_ties(agent, ties)
            curves[name].append(np.asarray(cumulative_reward(agent, env, cfg["steps"]), float))
    ax = plot_curves(
        {k: np.array(v) for k, v in curves.items()},
        xlabel="time steps",
        ylabel="cumulative reward",
        title=f"{maze} maze ({runs} runs)",
    )
    ax.axvline(cfg["change"], color="grey", ls="--", lw=1)
    ax.text(cfg["change"], ax.get_ylim()[1] * 0.9, " the wall moves", color="grey")
    after = cfg["steps"] - cfg["change"]
    for name, per_run in curves.items():
        print(
            f"[{maze}] {name:8s} cumulative reward at the end: "
            f"{np.mean([c[-1] for c in per_run]):6.1f}   reached G after the change in "
            f"{recovered_runs(per_run, cfg['change'])} of {runs} runs (within {after} steps)"
        )
    return ax


def true_matrices(env: Any) -> tuple[np.ndarray, np.ndarray]:
    """T[s, a, s'] and expected reward R[s, a] of an environment's transition table."""
    R = np.array(
        [
            [sum(p * r for p, _, r, _ in env.P[s][a]) for a in range(env.n_actions)]
            for s in range(env.n_states)
        ]
    )
    return env.transition_matrix(), R


def model_matrices(model: Any, n_states: int, n_actions: int) -> tuple[np.ndarray, np.ndarray]:
    """(T_hat, R_hat) of a count-based or a last-outcome model; unseen pairs: stay put, reward 0."""
    T, R = np.zeros((n_states, n_actions, n_states)), np.zeros((n_states, n_actions))
    T[np.arange(n_states), :, np.arange(n_states)] = 1.0
    if hasattr(model, "table"):  # last outcome
        for (s, a), (s_next, r) in model.table.items():
            T[s, a] = 0.0
            T[s, a, s_next], R[s, a] = 1.0, r
    else:  # counts
        n = np.asarray(model.visit_counts, dtype=float)
        seen = n > 0
        T[seen] = np.asarray(model.transition_counts)[seen] / n[seen][:, None]
        R[seen] = np.asarray(model.reward_sum)[seen] / n[seen]
    return T, R


def solve(
    T: np.ndarray,
    R: np.ndarray,
    gamma: float,
    terminal: np.ndarray,
    policy: np.ndarray | None = None,
    sweeps: int = 100,
) -> tuple[np.ndarray, np.ndarray]:
    """Value iteration (policy=None) or evaluation of a deterministic policy; returns (Q, V)."""
    V = np.zeros(T.shape[0])
    for _ in range(sweeps):
        Q = R + gamma * T @ V
        best = Q.max(axis=1) if policy is None else Q[np.arange(len(V)), policy]
        V = np.where(terminal, 0.0, best)
    return Q, V


def demo_stochastic_model(
    TabularModel: Callable,
    DeterministicModel: Callable,
    slip: float = 0.3,
    steps: int = 1600,
    runs: int = 3,
    gamma: float = 0.95,
    seed: int = 2,
):
    """Section 3: model error and plan value of a count-based and a last-outcome model."""
    np.random.seed(seed)
    env = StochasticGridWorld(slip=slip)
    S, A = env.n_states, env.n_actions
    T, R = true_matrices(env)
    terminal = np.array([s in env.goal_states for s in range(S)])
    _, V_star = solve(T, R, gamma, terminal)
    checkpoints = np.arange(200, steps + 1, 200)
    err: dict[str, list] = {
        "count-based (TabularModel)": [],
        "last outcome (DeterministicModel)": [],
    }
    val: dict[str, list] = {k: [] for k in err}
    for run in range(runs):
        models = dict(zip(err, [TabularModel(S, A), DeterministicModel(S, A)], strict=True))
        e_run: dict[str, list] = {k: [] for k in err}
        v_run: dict[str, list] = {k: [] for k in err}
        visited = np.zeros((S, A), dtype=bool)
        s, _ = env.reset(seed=seed + run)
        for t in range(1, steps + 1):
            a = np.random.randint(A)
            s_next, r, terminated, _, _ = env.step(a)
            for m in models.values():
                m.update(s, a, r, s_next)
            visited[s, a] = True
            s = env.reset()[0] if terminated else s_next
            if t % 200 == 0:
                check_time()
                for name, m in models.items():
                    T_hat, R_hat = model_matrices(m, S, A)
                    row_gap = 0.5 * np.abs(T_hat - T).sum(axis=2)  # TV distance of each row
                    e_run[name].append(row_gap[visited].mean())
                    Q_hat, _ = solve(T_hat, R_hat, gamma, terminal)
                    _, V_pi = solve(T, R, gamma, terminal, policy=Q_hat.argmax(axis=1))
                    v_run[name].append(V_pi[env.start_state])
        for name in err:
            err[name].append(e_run[name])
            val[name].append(v_run[name])
    fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(13, 4))
    plot_curves(
        {k: np.array(v) for k, v in err.items()},
        ax=ax0,
        x=checkpoints,
        xlabel="real steps",
        ylabel="mean TV distance of P-hat",
        title=f"model error (slip = {slip:.2g})",
    )
    plot_curves(
        {k: np.array(v) for k, v in val.items()},
        ax=ax1,
        x=checkpoints,
        xlabel="real steps",
        ylabel="true value of the plan from S",
        title="what the plan is worth in reality",
    )
    ax1.axhline(V_star[env.start_state], color="grey", ls=":", label="best possible V*(S)")
    ax1.legend(frameon=False, loc="center right")
    return fig


def demo_compounding(
    TabularModel: Callable,
    k_step_distribution: Callable,
    tv_distance: Callable,
    slip: float = 0.2,
    horizon: int = 20,
    repeats: int = 4,
    seed: int = 3,
):
    """Section 4: TV distance of true and model k-step distributions, for three data sizes."""
    np.random.seed(seed)
    env = StochasticGridWorld(slip=slip)
    S, A = env.n_states, env.n_actions
    T, _ = true_matrices(env)
    policy = np.full((S, A), 1.0 / A)
    pairs = [(s, a) for s in env.free_states() if s not in env.goal_states for a in range(A)]
    ks = [k for k in (0, 1, 2, 3, 4, 6, 8, 10, 13, 16, 20, 25, 30, 40) if k <= horizon]
    true_d = [k_step_distribution(T, env.start_state, policy, k) for k in ks]
    curves = {}
    for n in (2, 10, 100):
        errors = []
        for _ in range(repeats):
            model = TabularModel(S, A)
            for s, a in pairs:
                for s_next in np.random.choice(S, size=n, p=T[s, a]):
                    model.update(s, a, 0.0, s_next)
            T_hat, _ = model_matrices(model, S, A)
            row = []
            for d, k in zip(true_d, ks, strict=True):
                check_time()
                row.append(tv_distance(d, k_step_distribution(T_hat, env.start_state, policy, k)))
            errors.append(row)
        curves[f"N = {n} samples per pair"] = np.array(errors)
    ax = plot_curves(
        curves,
        x=ks,
        xlabel="rollout horizon k",
        marker="o",
        ms=3,
        ylabel="TV(true d_k, model d_k)",
        title=f"compounding model error (slip = {slip:.2g})",
    )
    return ax
