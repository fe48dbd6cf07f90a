"""Exact planning on a known transition table: the ground truth that learned models are judged by.

Everything here works on Gymnasium's toy-text table ``P[s][a] = [(prob, s', r, terminated)]``.
Value iteration gives optimal values; breadth-first search gives shortest path lengths (the book's
"14 steps" for the Dyna maze); policy evaluation scores a given policy exactly.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence

import numpy as np

TransitionTable = Mapping[int, Mapping[int, Sequence[tuple[float, int, float, bool]]]]


def q_from_values(P: TransitionTable, V: np.ndarray, gamma: float) -> np.ndarray:
    """One-step lookahead: Q(s, a) = sum_s' p (r + gamma * V(s') * [not terminated])."""
    n_states = len(P)
    n_actions = len(P[0])
    Q = np.zeros((n_states, n_actions))
    for s in range(n_states):
        for a in range(n_actions):
            Q[s, a] = sum(p * (r + (0.0 if done else gamma * V[s2])) for p, s2, r, done in P[s][a])
    return Q


def value_iteration(
    P: TransitionTable,
    n_states: int,
    n_actions: int,
    gamma: float = 0.95,
    theta: float = 1e-10,
    max_iterations: int = 100_000,
) -> tuple[np.ndarray, np.ndarray]:
    """Optimal state values V* and action values Q* by value iteration (stops at change < theta)."""
    if not 0.0 <= gamma < 1.0:
        raise ValueError("value iteration needs 0 <= gamma < 1")
    V = np.zeros(n_states)
    Q = np.zeros((n_states, n_actions))
    for _ in range(max_iterations):
        Q = q_from_values(P, V, gamma)
        new_V = Q.max(axis=1)
        delta = float(np.max(np.abs(new_V - V)))
        V = new_V
        if delta < theta:
            break
    return V, Q


def policy_evaluation(
    P: TransitionTable, policy: Sequence[int] | np.ndarray, gamma: float = 0.95
) -> np.ndarray:
    """Exact values of a deterministic policy by solving the linear Bellman equations."""
    n_states = len(P)
    A = np.eye(n_states)
    b = np.zeros(n_states)
    for s in range(n_states):
        for p, s2, r, done in P[s][int(policy[s])]:
            b[s] += p * r
            if not done:
                A[s, s2] -= gamma * p
    return np.linalg.solve(A, b)


def bfs_distances(P: TransitionTable, sources: Sequence[int] | int) -> np.ndarray:
    """Fewest steps from `sources` to every state over transitions of positive probability.

    Unreachable states get -1. Terminal transitions are followed (their target is reached) but
    not expanded further, since an episode ends there.
    """
    n_states = len(P)
    dist = np.full(n_states, -1, dtype=int)
    starts = [sources] if isinstance(sources, int | np.integer) else list(sources)
    queue: deque[int] = deque()
    for s in starts:
        dist[int(s)] = 0
        queue.append(int(s))
    while queue:
        s = queue.popleft()
        for transitions in P[s].values():
            for p, s2, _, done in transitions:
                if p > 0 and dist[s2] < 0:
                    dist[s2] = dist[s] + 1
                    if not done:
                        queue.append(s2)
    return dist


def shortest_path_length(env) -> int:
    """Fewest steps from `env`'s start to its nearest goal under its current layout (-1: none)."""
    dist = bfs_distances(env.P, env.start_state)
    reachable = [int(dist[g]) for g in env.goal_states if dist[g] >= 0]
    return min(reachable) if reachable else -1


def optimal_policy(Q: np.ndarray) -> np.ndarray:
    """Greedy (lowest index among ties) action per state."""
    return np.asarray(Q).argmax(axis=1)
