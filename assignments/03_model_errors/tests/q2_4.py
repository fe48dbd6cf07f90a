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

