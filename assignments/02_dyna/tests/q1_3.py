from otter.test_files import test_case

OK_FORMAT = False

name = "q1_3"
points = 12

@test_case(points=2, hidden=False, 
    success_message="OK: run_episodes returns one step count per episode, calls agent.update after every real step, and max_steps and truncated end an episode (a truncated step reaches update with done=False). After you submit, the grade also runs longer episodes with a learning agent.")
def test_run_episodes_public(run_episodes):
    """Public: a scripted agent reaching G in 3 steps reaches agent.update every real step; max_steps and truncated end an episode, and truncated is not passed as done.

    Case 1 (was `test_run_episodes_returns_steps_per_episode`): a scripted agent reaching G in 3
    steps; every real step reaches agent.update.
    Case 2 (was `test_run_episodes_time_limits`): max_steps and truncated end an episode;
    truncated is not passed as done.

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: run_episodes
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import numpy as np
            from mbrl_envs import GridWorld

            class GoalSeeker:
                """On the map S.. / .#G: RIGHT, RIGHT, DOWN reaches G in 3 steps; records update calls."""
                planning_steps = 5

                def __init__(self):
                    self.updates = []

                def select_action(self, state):
                    return {0: 3, 1: 3, 2: 1}.get(int(state), 3)

                def update(self, s, a, r, s_prime, done):
                    self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            agent = GoalSeeker()
            out = check.call('run_episodes', run_episodes, agent, GridWorld('S..\n.#G'), 2, max_steps=50)
            out = np.asarray(out)
            check.expect(out.shape == (2,), f'run_episodes(agent, env, 2) should return one number per episode (shape (2,)), got shape {out.shape}: {out.tolist()}')
            check.expect(out.tolist() == [3, 3], f'an agent that walks RIGHT, RIGHT, DOWN reaches G in 3 real steps (3 calls of env.step) in each of the 2 episodes, so run_episodes should return [3, 3]; got {out.tolist()}. Count real environment steps only, one per env.step call, the last one included.')
            one = [(0, 3, 0.0, 1, False), (1, 3, 0.0, 2, False), (2, 1, 1.0, 5, True)]
            check.expect(agent.updates == one + one, f'agent.update(s, a, r, s_prime, terminated) must be called after every real step, the step that reaches G included (otherwise the agent never learns about the goal). Expected the calls {one} in each episode; got {agent.updates}')
        with check.part():
            import numpy as np
            from mbrl_envs import GridWorld

            class TimeLimit:
                """GridWorld S.. / .#G that reports truncated=True on the k-th step of an episode."""

                def __init__(self, k):
                    self.env, self.k, self.t = (GridWorld('S..\n.#G'), k, 0)
                    self.n_states, self.n_actions = (self.env.n_states, self.env.n_actions)
                    self.calls = []

                def reset(self, seed=None, options=None):
                    self.t = 0
                    self.calls.append(0)
                    return self.env.reset(seed=seed)

                def step(self, action):
                    s2, r, terminated, truncated, info = self.env.step(action)
                    self.t += 1
                    self.calls[-1] += 1
                    return (s2, r, terminated, truncated or self.t >= self.k, info)

            class StuckAgent:
                """Always walks UP, into the wall: never reaches the goal."""
                planning_steps = 0

                def __init__(self):
                    self.dones = []

                def select_action(self, state):
                    return 0

                def update(self, s, a, r, s_prime, done):
                    self.dones.append(bool(done))
            out = check.call('run_episodes', run_episodes, StuckAgent(), GridWorld('S..\n.#G'), 3, max_steps=4)
            out = np.asarray(out)
            check.expect(out.tolist() == [4, 4, 4], f'an agent that never reaches the goal must be stopped after max_steps=4 real steps in each of 3 episodes: expected [4, 4, 4], got {out.tolist()}')
            env, agent = (TimeLimit(5), StuckAgent())
            out = np.asarray(check.call('run_episodes', run_episodes, agent, env, 2, max_steps=100))
            check.expect(env.calls == [5, 5] and out.tolist() == [5, 5], f'when env.step returns truncated=True (here on the 5th step) the episode ends: expected 2 episodes of 5 steps, env.step was called {env.calls} times per episode and run_episodes returned {out.tolist()}')
            check.expect(not any(agent.dones), "an episode cut by truncated=True passed done=True to agent.update: pass terminated, not 'terminated or truncated', as done: a time limit does not make a state terminal, so the update should still bootstrap from Q(s', .)")

