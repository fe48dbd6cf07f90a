from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 2

@test_case(points=1, hidden=False)
def test_cumulative_reward_simple_corridor(cumulative_reward):
    import numpy as np
    from mbrl_envs import RIGHT, GridWorld

    class AlwaysRight:

        def select_action(self, state):
            return RIGHT

        def update(self, s, a, r, s_prime, done):
            pass
    env = GridWorld('S.G')
    out = np.asarray(cumulative_reward(AlwaysRight(), env, 7), dtype=float)
    assert out.shape == (7,), f'expected an array of shape (7,), got shape {out.shape}'
    assert np.all(np.diff(out) >= 0), 'a cumulative reward of +1 rewards can never decrease'
    assert out[-1] == 3, f"an agent that always moves right in 'S.G' reaches the goal every 2 steps: after 7 steps the cumulative reward should be 3, got {out[-1]:g} (did you reset the episode at the goal?)"

@test_case(points=1, hidden=True)
def test_cumulative_reward_exact_and_updates(cumulative_reward):
    import numpy as np
    from mbrl_envs import RIGHT, GridWorld
    from mbrl_grader.checks import assert_close

    class Recorder:

        def __init__(self):
            self.calls, self.states = ([], [])

        def select_action(self, state):
            self.states.append(int(state))
            return RIGHT

        def update(self, s, a, r, s_prime, done):
            self.calls.append((int(s), int(a), float(r), int(s_prime), bool(done)))
    agent, env = (Recorder(), GridWorld('S..G'))
    out = cumulative_reward(agent, env, 10)
    assert_close(out, [0, 0, 1, 1, 1, 2, 2, 2, 3, 3], "cumulative reward in 'S..G' (always right)")
    assert len(agent.calls) == 10, f'update should be called once per real step (10), was called {len(agent.calls)} times'
    want = [(0, 3, 0.0, 1, False), (1, 3, 0.0, 2, False), (2, 3, 1.0, 3, True)] * 3 + [(0, 3, 0.0, 1, False)]
    for t, (got, exp) in enumerate(zip(agent.calls, want)):
        assert got == exp, f'update call {t} was update{got}, expected update{exp} (s, a, r, s_prime, terminated)'

