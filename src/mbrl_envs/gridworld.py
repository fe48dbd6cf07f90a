"""GridWorld: a deterministic grid built from an ASCII map, in Gymnasium's toy-text style.

Map characters: ``#`` wall, ``S`` start, ``G`` goal (terminal, +1 on entering), ``.`` free.
States are integers ``s = row * ncol + col`` over *every* cell (walls included, so Q tables have
``nrow * ncol`` rows like the book's code); walls are never entered. Actions: UP, DOWN, LEFT,
RIGHT = 0, 1, 2, 3. A blocked move (edge or wall) leaves the agent where it is.

The public transition table ``P[s][a] = [(prob, next_state, reward, terminated), ...]`` is exact,
so planning code (value iteration, shortest paths) can use the true dynamics as ground truth.
"""

from __future__ import annotations

from collections.abc import Sequence

import gymnasium as gym
import numpy as np
from gymnasium import spaces

UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3
ACTION_NAMES = ("UP", "DOWN", "LEFT", "RIGHT")
ACTION_DELTAS = ((-1, 0), (1, 0), (0, -1), (0, 1))

Transition = tuple[float, int, float, bool]
TransitionTable = dict[int, dict[int, list[Transition]]]

DEFAULT_MAP = """
S...#...
.##.#.#.
....#.#.
.#....#G
"""


def parse_map(map_: str | Sequence[str]) -> list[str]:
    """Turn a map (one string with newlines, or a list of row strings) into equal-length rows."""
    rows = map_.strip().splitlines() if isinstance(map_, str) else list(map_)
    rows = [row.strip() for row in rows if row.strip()]
    if not rows:
        raise ValueError("the map is empty")
    if len({len(row) for row in rows}) != 1:
        raise ValueError("all map rows must have the same length")
    bad = set("".join(rows)) - set("#SG.")
    if bad:
        raise ValueError(f"unknown map characters {sorted(bad)}; use '#', 'S', 'G' and '.'")
    if sum(row.count("S") for row in rows) != 1:
        raise ValueError("the map needs exactly one start 'S'")
    if not any("G" in row for row in rows):
        raise ValueError("the map needs at least one goal 'G'")
    return rows


class GridWorld(gym.Env):
    """Deterministic grid world from an ASCII map; +1 on entering a goal, which ends the episode."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}
    UP, DOWN, LEFT, RIGHT = UP, DOWN, LEFT, RIGHT
    n_actions = 4

    def __init__(self, map: str | Sequence[str] = DEFAULT_MAP, render_mode: str | None = None):
        if render_mode not in (None, "ansi"):
            raise ValueError(f"unsupported render_mode {render_mode!r}; use 'ansi'")
        self.render_mode = render_mode
        self._set_layout(parse_map(map))
        self.observation_space = spaces.Discrete(self.n_states)
        self.action_space = spaces.Discrete(self.n_actions)
        self.s = self.start_state
        self.last_action: int | None = None

    # ----- layout -------------------------------------------------------------------------
    def _set_layout(self, rows: list[str]) -> None:
        """Install a parsed map: walls, start, goals and the exact transition table."""
        self.desc = rows
        self.nrow, self.ncol = len(rows), len(rows[0])
        self.n_states = self.nrow * self.ncol
        cells = [(r, c, ch) for r, row in enumerate(rows) for c, ch in enumerate(row)]
        self.walls = {self.to_state(r, c) for r, c, ch in cells if ch == "#"}
        self.start_state = next(self.to_state(r, c) for r, c, ch in cells if ch == "S")
        self.goal_states = frozenset(self.to_state(r, c) for r, c, ch in cells if ch == "G")
        self.P: TransitionTable = self._build_P()

    def _move(self, s: int, a: int) -> int:
        """The cell reached by trying action `a` in state `s` (staying put when blocked)."""
        r, c = self.to_rowcol(s)
        dr, dc = ACTION_DELTAS[a]
        nr, nc = r + dr, c + dc
        if not (0 <= nr < self.nrow and 0 <= nc < self.ncol):
            return s
        s2 = self.to_state(nr, nc)
        return s if s2 in self.walls else s2

    def _action_outcomes(self, a: int) -> list[tuple[float, int]]:
        """Which actions are really executed when `a` is chosen, with their probabilities."""
        return [(1.0, a)]

    def _build_P(self) -> TransitionTable:
        """Exact transition table; goal states are absorbing with reward 0."""
        P: TransitionTable = {}
        for s in range(self.n_states):
            P[s] = {}
            for a in range(self.n_actions):
                if s in self.goal_states:
                    P[s][a] = [(1.0, s, 0.0, True)]
                    continue
                merged: dict[int, float] = {}
                for prob, executed in self._action_outcomes(a):
                    s2 = self._move(s, executed)
                    merged[s2] = merged.get(s2, 0.0) + prob
                P[s][a] = [
                    (p, s2, 1.0 if s2 in self.goal_states else 0.0, s2 in self.goal_states)
                    for s2, p in sorted(merged.items())
                ]
        return P

    # ----- coordinates --------------------------------------------------------------------
    def to_state(self, row: int, col: int) -> int:
        """State index of cell (row, col)."""
        return int(row) * self.ncol + int(col)

    def to_rowcol(self, s: int) -> tuple[int, int]:
        """(row, col) of state `s`."""
        return divmod(int(s), self.ncol)

    # ----- Gymnasium API ------------------------------------------------------------------
    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[int, dict]:
        """Put the agent on the start cell; `seed` seeds the environment's own RNG."""
        super().reset(seed=seed)
        self.s = self.start_state
        self.last_action = None
        return int(self.s), {"prob": 1.0}

    def step(self, action: int) -> tuple[int, float, bool, bool, dict]:
        """Apply `action`; returns (next_state, reward, terminated, truncated, info)."""
        a = int(action)
        if not 0 <= a < self.n_actions:
            raise ValueError(f"action must be in 0..{self.n_actions - 1}, got {action!r}")
        transitions = self.P[int(self.s)][a]
        if len(transitions) == 1:
            i = 0
        else:
            probs = np.array([t[0] for t in transitions])
            i = int(self.np_random.choice(len(transitions), p=probs / probs.sum()))
        prob, s2, reward, terminated = transitions[i]
        self.s = s2
        self.last_action = a
        return int(s2), float(reward), bool(terminated), False, {"prob": prob}

    def render(self) -> str | None:
        """ANSI text of the grid with the agent shown as 'A'."""
        if self.render_mode is None:
            gym.logger.warn("render() called without render_mode='ansi'")
            return None
        return self.ansi()

    def ansi(self, agent: int | None = None) -> str:
        """The map as text, with the agent (default: the current state) drawn as 'A'."""
        agent = self.s if agent is None else agent
        lines = []
        for r in range(self.nrow):
            row = []
            for c in range(self.ncol):
                s = self.to_state(r, c)
                row.append("A" if s == agent else self._cell_char(s))
            lines.append("".join(row))
        if self.last_action is not None:
            lines.append(f"  ({ACTION_NAMES[self.last_action]})")
        return "\n".join(lines) + "\n"

    def _cell_char(self, s: int) -> str:
        if s in self.walls:
            return "#"
        if s in self.goal_states:
            return "G"
        if s == self.start_state:
            return "S"
        return "."

    def transition_matrix(self) -> np.ndarray:
        """Dense array T[s, a, s'] of the true transition probabilities (for model errors)."""
        T = np.zeros((self.n_states, self.n_actions, self.n_states))
        for s, by_action in self.P.items():
            for a, transitions in by_action.items():
                for prob, s2, _, _ in transitions:
                    T[s, a, s2] += prob
        return T

    def free_states(self) -> list[int]:
        """All non-wall states, in index order."""
        return [s for s in range(self.n_states) if s not in self.walls]
