"""Fakes shared by notebook 02's hidden tests: a recording environment, recording agents, models.

Why: the hidden tests of ``run_episodes`` (q1_3) must see every ``env.step`` call and every
``agent.update`` call the student's loop makes, and the tests of ``DynaQ.update`` hand the
student's agent a model whose answers the test controls. These objects live on the grader's
side; the student's code calls back into them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mbrl_envs import GridWorld
from mbrl_ref.agents import DynaQ as RefDynaQ

SMALL_MAP = "S..\n.#G"  # 2 x 3 grid, goal two to three steps away


class RecordingEnv:
    """Wraps an environment and records episodes, transitions and misuse (steps after the end).

    ``truncate_after=k`` reports ``truncated=True`` on the k-th step of every episode (a time
    limit), so a test can tell ``terminated`` from ``truncated``.
    """

    def __init__(self, env: Any = None, truncate_after: int | None = None):
        self.env = GridWorld(SMALL_MAP) if env is None else env
        self.n_states = self.env.n_states
        self.n_actions = self.env.n_actions
        self.observation_space = self.env.observation_space
        self.action_space = self.env.action_space
        self.truncate_after = truncate_after
        self.episodes: list[int] = []
        self.transitions: list[tuple[int, int, float, int, bool]] = []
        self.truncations: list[bool] = []
        self.step_calls = 0
        self.steps_after_end = 0
        self.ended = True
        self.state: int | None = None

    def reset(self, *args: Any, **kwargs: Any):
        """Start an episode (the underlying environment is deterministic)."""
        s, info = self.env.reset(seed=kwargs.get("seed"))
        self.episodes.append(0)
        self.ended = False
        self.state = int(s)
        return s, info

    def step(self, action: Any):
        """One real step; records (s, a, r, s', terminated) and whether it was truncated."""
        if self.ended:
            self.steps_after_end += 1
        s2, r, terminated, truncated, info = self.env.step(int(action))
        self.step_calls += 1
        if not self.episodes:
            self.episodes.append(0)
        self.episodes[-1] += 1
        if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
            truncated = not terminated
        self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
        self.truncations.append(bool(truncated))
        self.state = int(s2)
        if terminated or truncated:
            self.ended = True
        return s2, r, terminated, truncated, info

    def played(self) -> list[int]:
        """Real steps of every episode that made at least one step."""
        return [c for c in self.episodes if c > 0]


class RecordingAgent:
    """The reference Dyna-Q agent, recording every ``update`` call it receives."""

    def __init__(self, n_states: int, planning_steps: int = 5, seed: int = 0, epsilon: float = 0.1):
        self.inner = RefDynaQ(
            n_states, 4, alpha=0.5, gamma=0.9, epsilon=epsilon,
            planning_steps=planning_steps, rng=np.random.default_rng(seed),
        )  # fmt: skip
        self.n_states = n_states
        self.n_actions = 4
        self.alpha, self.gamma, self.epsilon = 0.5, 0.9, epsilon
        self.planning_steps = planning_steps
        self.model = self.inner.model
        self.updates: list[tuple[int, int, float, int, bool]] = []

    @property
    def Q(self) -> np.ndarray:
        """The reference agent's Q table."""
        return self.inner.Q

    def select_action(self, state: Any) -> int:
        """Epsilon-greedy action of the reference agent."""
        return int(self.inner.select_action(int(state)))

    def update(self, s: Any, a: Any, r: Any, s_prime: Any, done: Any) -> None:
        """Record the call, then let the reference agent learn from it."""
        self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
        self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))


class StuckAgent:
    """Always walks UP (into the wall from S): never reaches the goal."""

    planning_steps = 0
    n_actions = 4

    def select_action(self, state: Any) -> int:
        """Always action 0 (UP)."""
        return 0

    def update(self, s: Any, a: Any, r: Any, s_prime: Any, done: Any) -> None:
        """Learns nothing."""


class ScriptedModel:
    """A model whose answers the test fixes; records every call and its order.

    ``sample_experienced`` returns ``pair`` (or None while ``empty_until_update`` and no update
    came yet); ``predict`` returns ``outcome``. ``calls`` lists ("update" | "sample" | "predict").
    """

    def __init__(self, pair=(0, 0), outcome=(0, 0.0), empty_until_update: bool = False):
        self.pair = pair
        self.outcome = outcome
        self.empty_until_update = empty_until_update
        self.updates: list[tuple[int, int, float, int]] = []
        self.predicts: list[tuple[int, int]] = []
        self.calls: list[str] = []
        self.samples = 0

    def update(self, s: Any, a: Any, r: Any, s_prime: Any) -> None:
        """Record a real transition."""
        self.calls.append("update")
        self.updates.append((int(s), int(a), float(r), int(s_prime)))

    def sample_experienced(self):
        """The fixed pair (or None while empty)."""
        self.calls.append("sample")
        self.samples += 1
        if self.empty_until_update and not self.updates:
            return None
        return self.pair

    def predict(self, s: Any, a: Any):
        """The fixed outcome (s_hat, r_hat)."""
        self.calls.append("predict")
        self.predicts.append((int(s), int(a)))
        return self.outcome


class LastOutcomeModel:
    """A deterministic 'last outcome' model (the book's Dyna-Q table): uniform over seen pairs."""

    def __init__(self, seed: int = 0):
        self.table: dict[tuple[int, int], tuple[int, float]] = {}
        self.rng = np.random.default_rng(seed)

    def update(self, s: Any, a: Any, r: Any, s_prime: Any) -> None:
        """Remember the last outcome of (s, a)."""
        self.table[(int(s), int(a))] = (int(s_prime), float(r))

    def sample_experienced(self):
        """A uniformly random seen pair, or None."""
        pairs = list(self.table)
        return pairs[int(self.rng.integers(len(pairs)))] if pairs else None

    def predict(self, s: Any, a: Any):
        """The remembered (s', r), or (None, None)."""
        return self.table.get((int(s), int(a)), (None, None))


def planning_forgets_gamma(agent_class: Any) -> bool:
    """Whether a student's ``DynaQ`` plans with the target ``r_hat + max Q[s_hat]`` (no gamma).

    One planning step with alpha = 1 and gamma = 0.5 on (5, 0) -> (s_hat=6, r_hat=1), max Q[6] = 2:
    the target is 2 with gamma and 3 without. Tests that run planning end to end return early
    on True, so a forgotten gamma is charged in one test only (q2_1's
    ``test_planning_target_is_equation_3``). Any error in the student's code means False: the
    calling test then runs and reports it.
    """
    try:
        q = np.zeros((8, 4))
        q[6] = [0.0, 2.0, 0.0, 0.0]
        model = ScriptedModel(pair=(5, 0), outcome=(6, 1.0))
        agent = agent_class(8, 4, alpha=1.0, gamma=0.5, epsilon=0.1, planning_steps=1,
                            model=model, initial_q=q)  # fmt: skip
        agent.update(1, 1, 0.0, 2, True)
        got = float(np.asarray(agent.Q, dtype=float)[5, 0])
    except Exception:  # noqa: BLE001 - the student's error is reported by the calling test
        return False
    return bool(np.isclose(got, 3.0, rtol=0, atol=1e-9))
