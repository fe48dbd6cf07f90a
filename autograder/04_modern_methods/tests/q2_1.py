from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 5

@test_case(points=1, hidden=False)
def test_shooting_returns_an_action(random_shooting_action):
    import numpy as np

    class Corridor:
        n_actions = 2

        def predict(self, s, a):
            if s is None or int(s) == 4:
                return (None, None)
            s2 = min(int(s) + 1, 4) if int(a) == 1 else max(int(s) - 1, 0)
            return (s2, float(s2 == 4))
    a = random_shooting_action(Corridor(), 2, 2, 20)
    assert isinstance(a, (int, np.integer)), 'random_shooting_action should return an int action, got {!r}'.format(a)
    assert 0 <= int(a) < 2, 'the action must be in range(model.n_actions), got {}'.format(a)
    actions = [int(random_shooting_action(Corridor(), 3, 2, 20, gamma=0.9)) for _ in range(5)]
    assert all((a == 1 for a in actions)), 'from state 3 moving right reaches the reward at once (with gamma = 0.9 sooner is better), so MPC must execute 1 (right), the FIRST action of the best sequence; got {}'.format(actions)

@test_case(points=1, hidden=True)
def test_shooting_picks_first_action_of_best_sequence(random_shooting_action):
    import numpy as np
    from mbrl_grader.checks import as_int

    class OneGoodMove:
        n_actions = 4

        def predict(self, s, a):
            if s is None:
                return (None, None)
            s, a = (int(s), int(a))
            if s == 0:
                return (1, 0.0) if a == 3 else (2, 0.0)
            return (1, 1.0) if s == 1 else (2, 0.0)
    got = [as_int(random_shooting_action(OneGoodMove(), 0, 2, 50), 'random_shooting_action(...)') for _ in range(4)]
    assert all((a == 3 for a in got)), 'only sequences that START with action 3 collect reward here, so MPC must execute the FIRST action of the best sequence (3); your actions were {}'.format(got)

@test_case(points=1, hidden=True)
def test_shooting_uses_discount(random_shooting_action):
    import numpy as np
    from mbrl_grader.checks import as_int

    class SoonOrLater:
        n_actions = 4

        def predict(self, s, a):
            if s is None:
                return (None, None)
            s, a = (int(s), int(a))
            if s == 0:
                return {0: (2, 1.0), 1: (1, 0.0)}.get(a, (2, 0.0))
            if s == 1:
                return (2, 3.0)
            return (2, 0.0)
    low = [as_int(random_shooting_action(SoonOrLater(), 0, 2, 50, gamma=0.2), 'action') for _ in range(3)]
    high = [as_int(random_shooting_action(SoonOrLater(), 0, 2, 50, gamma=1.0), 'action') for _ in range(3)]
    assert all((a == 0 for a in low)), "with gamma = 0.2 the return of 'reward 1 now' (1) beats 'reward 3 one step later' (0.2 * 3 = 0.6), so the action should be 0; got {}: discount the reward of step t by gamma**t".format(low)
    assert all((a == 1 for a in high)), "with gamma = 1 'reward 3 one step later' beats 'reward 1 now', so the action should be 1; got {}".format(high)

@test_case(points=1, hidden=True)
def test_shooting_stops_at_unknown(random_shooting_action):
    import numpy as np
    from mbrl_grader.checks import as_int

    class Partial:
        n_actions = 4

        def predict(self, s, a):
            if s is None or int(s) == 5:
                return (None, None)
            if int(s) == 0 and int(a) == 2:
                return (5, 1.0)
            return (1, 0.0)
    try:
        got = [as_int(random_shooting_action(Partial(), 0, 3, 50, gamma=0.9), 'action') for _ in range(3)]
    except TypeError as e:
        raise AssertionError('random_shooting_action crashed when the model returned (None, None) for an unknown state ({}): stop that rollout and keep its return so far'.format(e))
    assert all((a == 2 for a in got)), 'the sequences starting with action 2 collect reward 1 before the model runs out of knowledge; keep the return collected before (None, None), the answer is 2, got {}'.format(got)

@test_case(points=1, hidden=True)
def test_shooting_follows_imagined_states(random_shooting_action):
    import numpy as np
    from mbrl_grader.checks import as_int

    class TwoStep:
        n_actions = 4

        def predict(self, s, a):
            if s is None:
                return (None, None)
            s, a = (int(s), int(a))
            if s == 0 and a == 0:
                return (1, 0.0)
            if s == 0 and a == 2:
                return (9, 1.0)
            if s == 1 and a == 3:
                return (9, 5.0)
            return (9, 0.0)
    got = [as_int(random_shooting_action(TwoStep(), 0, 2, 250), 'action') for _ in range(2)]
    assert all((a == 0 for a in got)), 'the reward 5 needs UP from state 0 and then RIGHT from the imagined next state 1: each action must be applied to the state the model predicted for the previous one (not to the start state); expected 0, got {}'.format(got)

