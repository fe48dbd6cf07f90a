"""Tic-tac-toe: the small board game of the MuZero preview (notebook 4).

A board is a tuple of 9 ints, read row by row (cells 0..8)::

     0 | 1 | 2
    ---+---+---
     3 | 4 | 5
    ---+---+---
     6 | 7 | 8

with ``0`` empty, ``1`` X and ``-1`` O. X moves first, so the player to move follows from the board
(``1`` if the counts of X and O are equal, else ``-1``). Boards are hashable, so they can be keys
of a dict (a tree-search node table or a learned tabular model).

The rules are pure functions (``legal_moves``, ``next_board``, ``winner``, ...), which is what a
planner needs: a *model* of the game it can query without playing. :class:`TicTacToe` also has a
small environment interface (``reset`` / ``step``) for playing real games.

Only the standard library is used, so this module can ship to students as ``mbrl_envs.tictactoe``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

Board = tuple[int, ...]

EMPTY, X, O = 0, 1, -1  # noqa: E741 (the player O)
EMPTY_BOARD: Board = (0,) * 9
LINES: tuple[tuple[int, int, int], ...] = (
    (0, 1, 2),
    (3, 4, 5),
    (6, 7, 8),  # rows
    (0, 3, 6),
    (1, 4, 7),
    (2, 5, 8),  # columns
    (0, 4, 8),
    (2, 4, 6),  # diagonals
)
_SYMBOLS = {EMPTY: ".", X: "X", O: "O"}


_VALID = frozenset((EMPTY, X, O))


def _check(board: Sequence[int]) -> Board:
    if type(board) is tuple and len(board) == 9 and _VALID.issuperset(board):
        return board  # fast path: already a board (the planners call this very often)
    board = tuple(int(v) for v in board)
    if len(board) != 9 or any(v not in (EMPTY, X, O) for v in board):
        raise ValueError(f"a board is 9 values in {{0, 1, -1}}, got {board!r}")
    return board


def player_to_move(board: Sequence[int]) -> int:
    """``1`` (X) if X and O have made the same number of moves, else ``-1`` (O)."""
    board = _check(board)
    return X if board.count(X) == board.count(O) else O


def winner(board: Sequence[int]) -> int | None:
    """``1`` if X has three in a row, ``-1`` if O has, ``0`` for a draw (full board), else None."""
    board = _check(board)
    for i, j, k in LINES:
        if board[i] != EMPTY and board[i] == board[j] == board[k]:
            return board[i]
    return 0 if EMPTY not in board else None


def is_terminal(board: Sequence[int]) -> bool:
    """True when the game is over (a win or a draw)."""
    return winner(board) is not None


def legal_moves(board: Sequence[int]) -> list[int]:
    """The empty cells (in increasing order); none once the game is over."""
    board = _check(board)
    if winner(board) is not None:
        return []
    return [i for i, v in enumerate(board) if v == EMPTY]


def next_board(board: Sequence[int], move: int) -> Board:
    """The board after the player to move marks cell `move` (which must be legal)."""
    board = _check(board)
    move = int(move)
    if move not in legal_moves(board):
        raise ValueError(f"move {move} is not legal on board {render(board)!r}")
    cells = list(board)
    cells[move] = player_to_move(board)
    return tuple(cells)


def encode(board: Sequence[int]) -> int:
    """A unique integer in ``0 .. 3**9 - 1`` for a board (base 3: empty 0, X 1, O 2)."""
    board = _check(board)
    return sum((v % 3) * 3**i for i, v in enumerate(board))


def decode(code: int) -> Board:
    """Inverse of :func:`encode`."""
    code = int(code)
    if not 0 <= code < 3**9:
        raise ValueError(f"a board code is in 0..{3**9 - 1}, got {code}")
    cells = []
    for _ in range(9):
        code, digit = divmod(code, 3)
        cells.append((EMPTY, X, O)[digit])
    return tuple(cells)


def render(board: Sequence[int]) -> str:
    """The board as three lines of text, e.g. ``'X.O\\n.X.\\n..O'``."""
    board = _check(board)
    return "\n".join("".join(_SYMBOLS[v] for v in board[r * 3 : r * 3 + 3]) for r in range(3))


def from_string(text: str) -> Board:
    """Parse a board written as 9 characters of ``X``, ``O`` and ``.`` (whitespace ignored)."""
    chars = [ch for ch in text.upper() if not ch.isspace()]
    table = {".": EMPTY, "-": EMPTY, "_": EMPTY, "X": X, "O": O}
    if len(chars) != 9 or any(ch not in table for ch in chars):
        raise ValueError(f"write a board as 9 characters from 'X', 'O', '.', got {text!r}")
    return tuple(table[ch] for ch in chars)


def random_game(
    rng: random.Random | None = None, start: Sequence[int] = EMPTY_BOARD
) -> list[tuple[Board, int, Board]]:
    """Play uniformly random moves from `start` to the end; returns ``(board, move, next)`` steps."""
    rng = rng if rng is not None else random.Random()
    board, steps = _check(start), []
    while not is_terminal(board):
        move = rng.choice(legal_moves(board))
        nxt = next_board(board, move)
        steps.append((board, move, nxt))
        board = nxt
    return steps


class TicTacToe:
    """Tic-tac-toe with the rules as methods and a small ``reset``/``step`` game interface.

    ``step(move)`` plays a move for the player to move and returns
    ``(board, reward, terminated, truncated, info)`` where ``reward`` is ``+1`` if that move won
    the game for the mover, else ``0`` (a draw gives 0), and ``info["winner"]`` is
    :func:`winner` of the new board.
    """

    n_actions = 9
    EMPTY, X, O = EMPTY, X, O  # noqa: E741
    LINES = LINES

    def __init__(self, board: Sequence[int] = EMPTY_BOARD):
        self.board: Board = _check(board)

    # the rules (a perfect model of the game), usable without touching self.board
    player_to_move = staticmethod(player_to_move)
    winner = staticmethod(winner)
    is_terminal = staticmethod(is_terminal)
    legal_moves = staticmethod(legal_moves)
    next_board = staticmethod(next_board)
    encode = staticmethod(encode)
    decode = staticmethod(decode)
    render = staticmethod(render)
    from_string = staticmethod(from_string)

    def reset(
        self, *, seed: int | None = None, board: Sequence[int] = EMPTY_BOARD
    ) -> tuple[Board, dict]:
        """Start a new game (from the empty board unless `board` is given)."""
        self.board = _check(board)
        return self.board, {"player": player_to_move(self.board)}

    def step(self, move: int) -> tuple[Board, float, bool, bool, dict]:
        """Play `move` for the player to move (see the class docstring for the return values)."""
        mover = player_to_move(self.board)
        self.board = next_board(self.board, move)
        w = winner(self.board)
        reward = 1.0 if w == mover else 0.0
        return self.board, reward, w is not None, False, {"winner": w}

    def __repr__(self) -> str:
        return f"TicTacToe(board={render(self.board)!r})"
