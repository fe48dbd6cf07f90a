from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 5

@test_case(points=0.5, hidden=False)
def test_shooting_returns_first_action_of_best_sequence(random_shooting_action):
    """Public: an int in range(model.n_actions); the FIRST action of the only rewarding sequence.

    With 60 candidates of 2 binary actions, the rewarding sequence (1 of 4) is missed with
    P = 0.75**60 < 1e-7.

    Checks: random_shooting_action
    """
    import random
    import numpy as np
    np.random.seed(0)
    random.seed(0)

    class OnlyOneWay:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return (1, 0.0) if a == 1 else (2, 0.0)
            if s == 1:
                return (2, 1.0) if a == 0 else (2, 0.0)
            return (2, 0.0)
    a = random_shooting_action(OnlyOneWay(), 0, 2, 60)
    assert isinstance(a, (int, np.integer)) and (not isinstance(a, bool)), 'random_shooting_action should return one int action, got {!r}'.format(a)
    assert 0 <= int(a) < 2, 'the action must be in range(model.n_actions), got {}'.format(a)
    assert int(a) == 1, 'only the sequence (1, 0) collects reward from state 0 (horizon 2, 60 candidates), so MPC must execute its FIRST action, 1, and keep the sequence with the HIGHEST return; got {}'.format(a)

@test_case(points=0.5, hidden=False, 
    success_message="Public checks passed (one small model per instruction: first action, imagined states, discount, unknown moves, negative returns). The grade also runs MPC on a task and checks more models.")
def test_shooting_small_models(random_shooting_action):
    """Public: rollouts of `horizon` steps, imagined states, gamma**t, (None, None), negative returns.

    Each case has horizon <= 2 and 60 candidates of at most 4 sequences: a needed sequence is
    missed with P <= 0.75**60 < 1e-7 (6 calls: P < 1e-6).

    Checks: random_shooting_action
    """
    import random
    import numpy as np
    np.random.seed(1)
    random.seed(1)

    class Depth:
        n_actions = 2

        def __init__(self):
            self.deepest = -1

        def predict(self, s, a):
            self.deepest = max(self.deepest, int(s))
            return (int(s) + 1, 0.0)
    depth = Depth()
    random_shooting_action(depth, 0, 3, 10)
    assert depth.deepest == 2, 'with horizon 3 every imagined rollout takes 3 steps, so the model is asked about imagined steps 0, 1 and 2 only; your rollouts reached step {}: draw n_candidates sequences, each of exactly `horizon` actions'.format(depth.deepest)

    class TwoSteps:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return (1, 0.0) if a == 0 else (9, 1.0)
            if s == 1:
                return (9, 5.0) if a == 1 else (9, 0.0)
            return (9, 0.0)
    a = int(random_shooting_action(TwoSteps(), 0, 2, 60, gamma=1.0))
    assert a == 0, 'reward 5 needs action 0 from state 0 and then action 1 from the IMAGINED next state 1: apply each action to the state the model predicted for the previous one; expected 0, got {}'.format(a)

    class SoonOrLater:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return (9, 1.0) if a == 0 else (1, 0.0)
            if s == 1:
                return (9, 3.0)
            return (9, 0.0)
    low = int(random_shooting_action(SoonOrLater(), 0, 2, 60, gamma=0.2))
    high = int(random_shooting_action(SoonOrLater(), 0, 2, 60, gamma=1.0))
    assert (low, high) == (0, 1), 'reward 1 now or reward 3 one step later: with gamma = 0.2 the returns are 1 and 0.2 * 3 = 0.6 (expected action 0), with gamma = 1 they are 1 and 3 (expected 1); you chose {} and {}: add gamma**t * r for the reward of step t, with the gamma argument'.format(low, high)

    class Unknown:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 5:
                return (None, None)
            if s == 0 and a == 1:
                return (5, 1.0)
            return (1, 0.0)
    try:
        a = int(random_shooting_action(Unknown(), 0, 2, 60, gamma=0.9))
    except TypeError as e:
        raise AssertionError('random_shooting_action crashed when the model returned (None, None) ({}): stop that rollout and keep the return collected so far'.format(e)) from None
    assert a == 1, 'sequences starting with action 1 collect reward 1 before the model returns (None, None); keep the return collected so far: expected 1, got {}'.format(a)

    class OneOfFour:
        n_actions = 4

        def predict(self, s, a):
            if int(s) != 0:
                return (None, None)
            return (9, float(int(a) == 3))
    a = int(random_shooting_action(OneOfFour(), 0, 1, 60))
    assert a == 3, 'with 4 actions, horizon 1 and 60 candidates, the candidates include action 3 (the only one that pays) and MPC must choose it; got {}: draw n_candidates sequences, each of length horizon'.format(a)

    class Costs:
        n_actions = 2

        def predict(self, s, a):
            if int(s) == 9:
                return (None, None)
            return (9, -0.1 if int(a) == 1 else -1.0)
    a = int(random_shooting_action(Costs(), 0, 1, 60))
    assert a == 1, 'all returns are negative here (action 1 costs 0.1, action 0 costs 1), so the best sequence starts with 1; got {}: do not start the search from a best return of 0 (or a default action); start from -infinity or from the first candidate'.format(a)

