"""Fast plain-Python engine for tabular Dyna-Q / Q-learning / Dyna-Q+ on deterministic mazes.

Same algorithms as :class:`mbrl_ref.agents.DynaQ` / :class:`~mbrl_ref.agents.DynaQPlus` with
:class:`~mbrl_ref.models.TabularModel` or :class:`~mbrl_ref.models.DeterministicModel`, but
written for speed: numpy costs about a microsecond per *scalar* operation and one planning update
is a handful of them, so this engine uses Python lists and :class:`random.Random`:

* ``Q`` is a list of per-state lists, so ``max(Q[s'])`` is one C call;
* the model is a list of visited pairs, each entry ``(Q[s], a, Q[s'], r_hat)`` holding direct
  references to the rows of Q, so a planning update is one uniform index draw and one line;
* acting and planning draw from two separate :class:`random.Random` streams;
* until the first nonzero reward, Q and every model reward are exactly 0, so every planning update
  is a no-op: Dyna-Q skips them (and their draws, which are i.i.d., so the distribution of the
  run is unchanged). In Figure 8.2 this is episode 1, about half of the n = 50 work.

It runs only deterministic environments (one outcome per ``(s, a)``), given as transition
tables; a layout change (the book's changing mazes) switches to a second table after exactly
``change_step`` real steps. With a static deterministic environment the count model and the
last-outcome model are the same model; after a change, the count model mixes old and new
outcomes (``P^`` by counts, ``R^`` the mean), exactly like ``TabularModel``.

Random draws differ from the per-instance classes (different generators), so the two agree in
distribution, not run by run; ``tests/test_experiments.py`` checks that statistically.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

ModelKind = Literal["counts", "last"]


@dataclass(frozen=True)
class Tables:
    """A deterministic environment as lookup tables (``next_state[s][a]`` etc.) plus its start."""

    next_state: list[list[int]]
    reward: list[list[float]]
    terminal: list[list[bool]]
    start: int

    @property
    def n_states(self) -> int:
        """Number of states."""
        return len(self.next_state)

    @property
    def n_actions(self) -> int:
        """Number of actions."""
        return len(self.next_state[0])


def tables_from_P(P: Any, start: int) -> Tables:
    """Convert a Gymnasium toy-text table ``P[s][a] = [(prob, s', r, terminated)]`` to Tables.

    Raises ``ValueError`` if some ``(s, a)`` has more than one outcome: the engine is for
    deterministic environments only.
    """
    n_states = len(P)
    nxt: list[list[int]] = []
    rew: list[list[float]] = []
    term: list[list[bool]] = []
    for s in range(n_states):
        row_n, row_r, row_t = [], [], []
        for a in range(len(P[s])):
            outcomes = [o for o in P[s][a] if o[0] > 0]
            if len(outcomes) != 1:
                raise ValueError(f"P[{s}][{a}] is not deterministic: {P[s][a]}")
            _, s_prime, r, done = outcomes[0]
            row_n.append(int(s_prime))
            row_r.append(float(r))
            row_t.append(bool(done))
        nxt.append(row_n)
        rew.append(row_r)
        term.append(row_t)
    return Tables(nxt, rew, term, int(start))


def greedy_path(tables: Tables, Q: Any, max_steps: int | None = None) -> tuple[list[int], bool]:
    """States visited by the greedy policy of ``Q`` from the start (lowest index among ties),
    and whether it reached a terminal state.

    Stops at a terminal transition, at a repeated state (a loop) or after ``max_steps``
    (default: the number of states).
    """
    s, path = tables.start, [tables.start]
    for _ in range(tables.n_states if max_steps is None else max_steps):
        q = [float(v) for v in Q[s]]
        a = q.index(max(q))
        s2 = tables.next_state[s][a]
        path.append(s2)
        if tables.terminal[s][a]:
            return path, True
        if s2 in path[:-1]:
            break
        s = s2
    return path, False


def python_rngs(seed: np.random.SeedSequence | int) -> tuple[random.Random, random.Random]:
    """Two independent ``random.Random`` streams (acting, planning) derived from ``seed``."""
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    # Derive the children without ss.spawn(), which would mutate ss (and so give different
    # streams when the same per-run seed is reused for another n).
    acting, planning = (
        np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, i)) for i in range(2)
    )
    return (
        random.Random(int.from_bytes(acting.generate_state(4).tobytes(), "little")),
        random.Random(int.from_bytes(planning.generate_state(4).tobytes(), "little")),
    )


@dataclass(frozen=True)
class RunOutput:
    """What one engine run returns."""

    episode_lengths: list[int]
    """Real steps of each completed episode (plus the unfinished last one if ``n_steps`` ended
    the run mid-episode)."""
    cumulative_reward: list[float]
    """Cumulative real reward after each step (only filled when ``n_steps`` is given)."""
    planning_updates: int
    """Number of planning updates of the algorithm (``planning_steps`` per real step)."""
    skipped_updates: int
    """How many of them were skipped as provable no-ops (Q and all rewards still 0)."""
    watch_visits: int = 0
    """Real steps that entered a ``watch`` state after the layout change."""
    Q: list[list[float]] | None = None
    """The final action values ``Q[s][a]``."""


def run(
    layouts: Sequence[Tables],
    *,
    alpha: float,
    gamma: float,
    epsilon: float,
    planning_steps: int,
    seed: np.random.SeedSequence | int,
    n_episodes: int | None = None,
    n_steps: int | None = None,
    change_step: int | None = None,
    kappa: float | None = None,
    model: ModelKind = "counts",
    watch: frozenset[int] = frozenset(),
) -> RunOutput:
    """One independent run of Dyna-Q (``kappa=None``) or Dyna-Q+ (``kappa`` given).

    Args:
        layouts: one Tables, or two for a changing maze (the second from ``change_step`` on).
        alpha, gamma, epsilon, planning_steps: as in :class:`mbrl_ref.agents.DynaQ`.
        seed: per-run seed; acting and planning streams are spawned from it.
        n_episodes: stop after this many episodes (Figure 8.2), or
        n_steps: stop after this many real steps (Figures 8.4, 8.5).
        change_step: real steps after which ``layouts[1]`` replaces ``layouts[0]``.
        kappa: Dyna-Q+ bonus weight; Dyna-Q+ always uses the last-outcome model with untried
            actions of visited states modelled as self-loops with reward 0.
        model: ``"counts"`` (TabularModel) or ``"last"`` (DeterministicModel) for Dyna-Q.
        watch: states whose entries after the layout change are counted (e.g. a shortcut).
    """
    if (n_episodes is None) == (n_steps is None):
        raise ValueError("give exactly one of n_episodes, n_steps")
    if len(layouts) > 1 and change_step is None:
        raise ValueError("a second layout needs change_step")
    plus = kappa is not None
    if plus:
        model = "last"
    world = layouts[0]
    n_states, n_actions = world.n_states, world.n_actions
    nxt, rew, term = world.next_state, world.reward, world.terminal
    start = world.start
    switch_at = change_step if len(layouts) > 1 else -1

    acting, planning = python_rngs(seed)
    rand_a = acting.random
    rand_p = planning.random

    Q = [[0.0] * n_actions for _ in range(n_states)]
    # Model: entries[i] = (Q[s], a, Q[s'], r_hat) for the i-th distinct visited pair,
    # keys[i] = s * n_actions + a, where[k] = i. Q[s'] is None if (s, a) had several outcomes.
    entries: list[tuple[list[float], int, list[float] | None, float]] = []
    keys: list[int] = []
    where = [-1] * (n_states * n_actions)
    learn_model = planning_steps > 0  # Q-learning (n = 0) never uses its model
    # Count model bookkeeping (only used for model == "counts").
    first = [-1] * (n_states * n_actions)  # k -> first observed next state
    outs: dict[int, list[int]] = {}  # k -> observed next states, with multiplicity (if several)
    rsum = [0.0] * (n_states * n_actions)
    cnt = [0] * (n_states * n_actions)
    multi = False  # some pair has more than one distinct observed outcome
    # Dyna-Q+ bookkeeping.
    last = [0] * (n_states * n_actions)
    seen = [False] * n_states
    sqrt = math.sqrt
    choices = planning.choices

    lengths: list[int] = []
    cumulative: list[float] = []
    total_reward = 0.0
    t = 0
    episode_steps = 0
    all_zero = not plus  # Dyna-Q only: Q == 0 and all model rewards == 0 so far
    skipped = 0
    watch_visits = 0
    s = start
    while True:
        # --- act (epsilon-greedy, uniform tie-breaking) and observe ---
        q = Q[s]
        if rand_a() < epsilon:
            a = int(rand_a() * n_actions)
        else:
            m = max(q)
            ties = q.count(m)
            if ties == 1:
                a = q.index(m)
            elif ties == n_actions:
                a = int(rand_a() * n_actions)
            else:
                best = [i for i in range(n_actions) if q[i] == m]
                a = best[int(rand_a() * len(best))]
        s2 = nxt[s][a]
        r = rew[s][a]
        done = term[s][a]
        t += 1
        episode_steps += 1

        # --- direct RL ---
        q[a] += alpha * ((r if done else r + gamma * max(Q[s2])) - q[a])

        if learn_model:
            # --- model learning ---
            if r != 0.0:
                all_zero = False
            k = s * n_actions + a
            if plus:
                last[k] = t
                if not seen[s]:
                    seen[s] = True
                    for b in range(n_actions):
                        kb = s * n_actions + b
                        if b != a and where[kb] < 0:
                            where[kb] = len(entries)
                            entries.append((q, b, q, 0.0))  # untried: self-loop, reward 0
                            keys.append(kb)
            i = where[k]
            if i < 0:
                where[k] = len(entries)
                entries.append((q, a, Q[s2], r))
                keys.append(k)
                first[k], cnt[k], rsum[k] = s2, 1, r
            elif model == "last":
                entries[i] = (q, a, Q[s2], r)
            else:
                n_before = cnt[k]
                cnt[k] = n_before + 1
                rsum[k] += r
                r_hat = rsum[k] / cnt[k]
                if k in outs:  # already several distinct outcomes
                    outs[k].append(s2)
                    entries[i] = (q, a, None, r_hat)
                elif s2 != first[k]:  # a second distinct outcome: keep all, with multiplicity
                    outs[k] = [first[k]] * n_before + [s2]
                    multi = True
                    entries[i] = (q, a, None, r_hat)
                elif r_hat != entries[i][3]:
                    entries[i] = (q, a, Q[s2], r_hat)

            # --- planning: uniform over the model's distinct pairs ---
            if all_zero:
                # Q and every model reward are still exactly 0, so each planning update would
                # leave Q unchanged: skip them (and their i.i.d. draws; the distribution of
                # everything that follows is unchanged). Halves Figure 8.2's n = 50 work.
                skipped += planning_steps
            elif plus:
                for i in choices(range(len(entries)), k=planning_steps):
                    qs, b, qn, rh = entries[i]
                    bonus = kappa * sqrt(t - last[keys[i]])
                    qs[b] += alpha * (rh + bonus + gamma * max(qn) - qs[b])  # type: ignore[arg-type]
            elif not multi:
                for qs, b, qn, rh in choices(entries, k=planning_steps):
                    qs[b] += alpha * (rh + gamma * max(qn) - qs[b])  # type: ignore[arg-type]
            else:
                for i in choices(range(len(entries)), k=planning_steps):
                    qs, b, qn, rh = entries[i]
                    if qn is None:
                        observed = outs[keys[i]]
                        qn = Q[observed[int(rand_p() * len(observed))]]
                    qs[b] += alpha * (rh + gamma * max(qn) - qs[b])

        # --- bookkeeping, layout change, episode end ---
        if n_steps is not None:
            total_reward += r
            cumulative.append(total_reward)
        if watch and t > switch_at and s2 in watch:
            watch_visits += 1
        if t == switch_at:
            nxt, rew, term = layouts[1].next_state, layouts[1].reward, layouts[1].terminal
        if done:
            lengths.append(episode_steps)
            episode_steps = 0
            s = start
            if n_episodes is not None and len(lengths) >= n_episodes:
                break
        else:
            s = s2
        if n_steps is not None and t >= n_steps:
            if episode_steps:
                lengths.append(episode_steps)
            break
    n_updates = planning_steps * t if learn_model else 0
    return RunOutput(lengths, cumulative, n_updates, skipped, watch_visits, Q)
