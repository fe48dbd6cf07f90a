"""Reference implementations for notebook 4, modern model-based methods (a CPU-sized preview).

* :mod:`.ensemble` -- bootstrap ensembles of tabular models and their disagreement (uncertainty).
* :mod:`.mpc` -- model predictive control by random shooting over action sequences.
* :mod:`.mbpo` -- MBPO-style Q-learning on short branched rollouts of a learned model.
* :mod:`.mcts` -- UCT Monte Carlo tree search on tic-tac-toe with the true or a learned model.

Every stochastic function takes ``rng`` (a ``numpy.random.Generator``; None means a fresh one).
"""

from .ensemble import bootstrap_counts, ensemble_disagreement, ensemble_probs, random_priors
from .mcts import LearnedGameModel, TrueGameModel, mcts_move, uct_select
from .mpc import DictModel, random_shooting_action, rollout_return

__all__ = [
    "DictModel",
    "LearnedGameModel",
    "TrueGameModel",
    "bootstrap_counts",
    "ensemble_disagreement",
    "ensemble_probs",
    "mcts_move",
    "random_priors",
    "random_shooting_action",
    "rollout_return",
    "uct_select",
]
