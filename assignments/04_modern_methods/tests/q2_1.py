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

