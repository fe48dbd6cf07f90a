from otter.test_files import test_case

OK_FORMAT = False

name = "q2_4"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (a short corridor: every value and every update call). The grade also checks a longer corridor.")
def test_cumulative_reward_simple_corridor(cumulative_reward):
    """Public: an agent always moving right in 'S.G': the running total and the update calls.

    Checks: cumulative_reward
    """
    import numpy as np
    from mbrl_envs import RIGHT, GridWorld
    from mbrl_envs.checking import Checks

    class AlwaysRight:

        def __init__(self):
            self.calls = []

        def select_action(self, state):
            return RIGHT

        def update(self, s, a, r, s_prime, done):
            self.calls.append((int(s), int(a), float(r), int(s_prime), bool(done)))
    with Checks() as check:
        agent, env = (AlwaysRight(), GridWorld('S.G'))
        out = np.asarray(check.call('cumulative_reward', cumulative_reward, agent, env, 7), dtype=float)
        check.require(out.shape == (7,), f'cumulative_reward(agent, env, 7) should return an array of shape (7,), got shape {out.shape}')
        check.expect(np.all(np.diff(out) >= 0), f'a cumulative reward of +1 rewards can never decrease, got {out.tolist()}')
        want = [0, 1, 1, 2, 2, 3, 3]
        reset_hint = ' (a total of 1 suggests the episode is not reset at the goal)' if out[-1] == 1 else ''
        check.expect(out[-1] == 3, f"an agent that always moves right in 'S.G' reaches the goal every 2 steps: after 7 steps the cumulative reward should be 3, got {out[-1]:g}{reset_hint}")
        check.expect(np.array_equal(out, want), f"in 'S.G' (always right) entry t is the reward of steps 0..t, including step t: expected {want}, got {out.tolist()}")
        check.expect(len(agent.calls) == 7, f'update should be called once per real step (7 times), was called {len(agent.calls)} times')
        first = [(0, RIGHT, 0.0, 1, False), (1, RIGHT, 1.0, 2, True)]
        check.expect(agent.calls[:2] == first, f'the first two calls should be update{first[0]} and update{first[1]} (s, a, r, s_prime, terminated), got {agent.calls[:2]}')

