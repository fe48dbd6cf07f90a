"""Monte Carlo tree search (UCT) for tic-tac-toe, with the true rules or a learned tabular model.

UCT picks, at every node of the tree, the child move maximising

    W_i / N_i + c * sqrt(ln N / N_i),        N = sum_i N_i

(mean value for the player choosing, plus an exploration bonus), trying unvisited children first.
One *simulation* = selection down the tree, expansion of one new node, a random playout to the end
of the game, and the backup of the outcome along the path. The move played is the root's most
visited child.

A planner only needs a *model* of the game: ``legal_moves(board)``, ``next_board(board, move)``
and ``winner(board)``. :class:`TrueGameModel` uses the real rules; :class:`LearnedGameModel` is a
table learned from observed games, which knows nothing about boards it never saw (it returns no
legal moves and ``None`` for them). MuZero replaces such a table by a learned *abstract* model
(representation, dynamics, prediction of value, policy and reward) that generalises to new states.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from mbrl_envs import tictactoe as ttt


def uct_select(visits: Sequence[float], value_sums: Sequence[float], c: float = 1.4) -> int:
    """Index of the child maximising the UCT score; the first unvisited child if there is one.

    visits[i] = N_i, value_sums[i] = W_i (total value for the player choosing at the parent).
    The parent count is ``N = sum_i N_i``. Ties between equal scores go to the lowest index.
    """
    n = np.asarray(visits, dtype=float)
    w = np.asarray(value_sums, dtype=float)
    unvisited = np.flatnonzero(n == 0)
    if unvisited.size:
        return int(unvisited[0])
    scores = w / n + c * np.sqrt(np.log(n.sum()) / n)
    return int(np.argmax(scores))


class TrueGameModel:
    """The real rules of tic-tac-toe as a planning model."""

    def legal_moves(self, board):
        return ttt.legal_moves(board)

    def next_board(self, board, move):
        return ttt.next_board(board, move)

    def winner(self, board):
        return ttt.winner(board)


class LearnedGameModel:
    """A tabular model of the game learned from observed transitions ``(board, move, next)``.

    It knows the moves it has seen from a board, their results, and the outcome of finished games
    it has seen. For anything else it knows nothing: no legal moves, ``next_board`` None,
    ``winner`` None.
    """

    def __init__(self):
        self.next: dict[tuple, dict[int, tuple]] = {}
        self.outcome: dict[tuple, int] = {}

    def observe(self, board, move, nxt) -> None:
        board, nxt = tuple(board), tuple(nxt)
        self.next.setdefault(board, {})[int(move)] = nxt
        w = ttt.winner(nxt)  # the game tells us when it ends and who won
        if w is not None:
            self.outcome[nxt] = w

    def observe_games(self, games: Iterable[list]) -> None:
        for game in games:
            for board, move, nxt in game:
                self.observe(board, move, nxt)

    def legal_moves(self, board):
        return sorted(self.next.get(tuple(board), {}))

    def next_board(self, board, move):
        return self.next.get(tuple(board), {}).get(int(move))

    def winner(self, board):
        return self.outcome.get(tuple(board))

    def knows(self, board) -> bool:
        board = tuple(board)
        return board in self.next or board in self.outcome


def _playout(model, board, rng: np.random.Generator) -> float:
    """Random moves in the model to the end; returns the winner (0 for a draw or the unknown)."""
    while True:
        w = model.winner(board)
        if w is not None:
            return float(w)
        moves = model.legal_moves(board)
        if not moves:
            return 0.0  # the model knows nothing more: no information
        board = model.next_board(board, moves[int(rng.integers(len(moves)))])


def mcts_search(
    model, board, n_simulations: int, c: float = 1.4, rng: np.random.Generator | None = None
) -> dict:
    """Run UCT from `board`; returns the tree ``{board: (moves, N array, W array)}``."""
    rng = np.random.default_rng() if rng is None else rng
    board = tuple(board)
    tree: dict[tuple, tuple[list[int], np.ndarray, np.ndarray]] = {}
    for _ in range(n_simulations):
        node, path = board, []
        # selection: walk down the tree while the node is already expanded
        while node in tree and model.winner(node) is None:
            moves, n, w = tree[node]
            if not moves:
                break
            i = uct_select(n, w, c)
            path.append((node, i))
            node = model.next_board(node, moves[i])
        # expansion of one new node, then a random playout
        if node not in tree:
            moves = [] if model.winner(node) is not None else list(model.legal_moves(node))
            tree[node] = (moves, np.zeros(len(moves)), np.zeros(len(moves)))
        z = _playout(model, node, rng)
        # backup: each choice is scored from the point of view of the player who made it
        for parent, i in path:
            _, n, w = tree[parent]
            n[i] += 1
            w[i] += z * ttt.player_to_move(parent)
    return tree


def mcts_move(
    board,
    n_simulations: int = 200,
    model=None,
    c: float = 1.4,
    rng: np.random.Generator | None = None,
) -> int | None:
    """The most visited root move after `n_simulations`; None if the model knows no move here."""
    model = TrueGameModel() if model is None else model
    tree = mcts_search(model, board, n_simulations, c, rng)
    moves, n, _ = tree[tuple(board)]
    if not moves:
        return None
    return int(moves[int(np.argmax(n))])
