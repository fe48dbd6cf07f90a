from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3"
points = 7

@test_case(points=1, hidden=False)
def test_run_episodes_returns_steps_per_episode(run_episodes):
    import numpy as np
    from mbrl_envs import GridWorld

    class RandomAgent:
        planning_steps = 0

        def select_action(self, state):
            return int(np.random.randint(4))

        def update(self, s, a, r, s_prime, done):
            pass
    env = GridWorld('S..\n.#G')
    out = np.asarray(run_episodes(RandomAgent(), env, 3, max_steps=1000))
    assert out.shape == (3,), f'run_episodes(agent, env, 3) should return 3 numbers, got shape {out.shape}'
    assert np.all(out == np.round(out)), f'step counts should be whole numbers, got {out}'
    assert np.all((out >= 1) & (out <= 1000)), f'every episode takes between 1 and max_steps=1000 real steps, got {out}'

