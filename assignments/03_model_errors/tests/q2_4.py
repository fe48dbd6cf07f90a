from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (a short corridor: every value and every update call). The grade also checks a longer corridor.")
def test_cumulative_reward_simple_corridor(cumulative_reward):
    """Public: an agent always going right along a corridor earns the sum of the real rewards.

    Checks: cumulative_reward
    """
    import numpy as np
    from mbrl_envs import RIGHT, GridWorld

    class AlwaysRight:

        def __init__(self):
            self.calls = []

        def select_action(self, state):
            return RIGHT

        def update(self, s, a, r, s_prime, done):
            self.calls.append((int(s), int(a), float(r), int(s_prime), bool(done)))
    agent, env = (AlwaysRight(), GridWorld('S.G'))
    out = np.asarray(cumulative_reward(agent, env, 7), dtype=float)
    assert out.shape == (7,), f'expected an array of shape (7,), got shape {out.shape}'
    assert np.all(np.diff(out) >= 0), 'a cumulative reward of +1 rewards can never decrease'
    assert out[-1] == 3, f"an agent that always moves right in 'S.G' reaches the goal every 2 steps: after 7 steps the cumulative reward should be 3, got {out[-1]:g} (did you reset the episode at the goal?)"
    want = [0, 1, 1, 2, 2, 3, 3]
    assert np.array_equal(out, want), f"in 'S.G' (always right) entry t is the reward of steps 0..t, including step t: expected {want}, got {out.tolist()}"
    assert len(agent.calls) == 7, f'update should be called once per real step (7 times), was called {len(agent.calls)} times'
    first = [(0, RIGHT, 0.0, 1, False), (1, RIGHT, 1.0, 2, True)]
    assert agent.calls[:2] == first, f'the first two calls should be update{first[0]} and update{first[1]} (s, a, r, s_prime, terminated), got {agent.calls[:2]}'

