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

@test_case(points=2, hidden=True)
def test_run_episodes_counts_real_steps_only(run_episodes):
    """The returned counts are the env.step calls of each episode, planning steps not included.

    Checks: run_episodes
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import RecordingAgent, RecordingEnv
    env = RecordingEnv()
    agent = RecordingAgent(env.n_states, planning_steps=5, seed=1)
    out = np.asarray(run_episodes(agent, env, 4, max_steps=500)).reshape(-1)
    played = env.played()
    assert int(round(float(out.sum()))) == env.step_calls, f'the returned step counts add up to {out.sum()}, but env.step was called {env.step_calls} times. Count every real environment step (one per env.step call, the last step of an episode included) and no planning steps.'
    k = min(len(out), len(played))
    assert np.array_equal(out[:k].astype(float), np.asarray(played[:k], dtype=float)), f'per episode, env.step was called {played} times, but run_episodes returned {out.tolist()}'

@test_case(points=1, hidden=True)
def test_run_episodes_runs_n_episodes(run_episodes):
    """run_episodes plays exactly n_episodes episodes and returns one count per episode.

    Checks: run_episodes
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import RecordingAgent, RecordingEnv
    for n in (1, 3):
        env = RecordingEnv()
        agent = RecordingAgent(env.n_states, planning_steps=2, seed=n)
        out = np.asarray(run_episodes(agent, env, n, max_steps=500)).reshape(-1)
        played = env.played()
        assert len(played) == n and out.size == n, f'run_episodes(agent, env, {n}) should play {n} episode(s) and return {n} number(s); it played {len(played)} and returned {out.size}'

@test_case(points=1, hidden=True)
def test_run_episodes_ends_episodes_at_the_goal(run_episodes):
    """An episode stops at the terminal step and the next one starts with env.reset().

    Checks: run_episodes
    """
    from mbrl_grader.fakes.dyna import RecordingAgent, RecordingEnv
    env = RecordingEnv()
    agent = RecordingAgent(env.n_states, planning_steps=3, seed=2)
    run_episodes(agent, env, 3, max_steps=500)
    assert env.steps_after_end == 0, f'env.step was called {env.steps_after_end} time(s) after an episode had terminated, without env.reset() in between: stop the episode when terminated or truncated is true'
    ends = [i for i, t in enumerate(env.transitions) if t[4]]
    assert len(ends) >= 3, f'3 episodes should end with 3 terminal transitions (reaching G), found {len(ends)}'

@test_case(points=1, hidden=True)
def test_run_episodes_respects_max_steps_and_truncation(run_episodes):
    """An episode ends after max_steps real steps, or when env.step reports truncated.

    Checks: run_episodes
    """
    from mbrl_grader.fakes.dyna import RecordingEnv, StuckAgent
    for cap in (1, 7):
        env = RecordingEnv()
        run_episodes(StuckAgent(), env, 3, max_steps=cap)
        played = env.played()
        assert len(played) == 3 and all((c == cap for c in played)), f'an agent that never reaches the goal should be cut off after max_steps={cap} real step(s) in every episode, but env.step was called {played} times per episode'
    env = RecordingEnv(truncate_after=5)
    run_episodes(StuckAgent(), env, 3, max_steps=100)
    played = env.played()
    assert played and all((c == 5 for c in played)), f'when env.step reports truncated=True (after 5 steps here) the episode must end; env.step was called {played} times per episode'

@test_case(points=1, hidden=True)
def test_run_episodes_feeds_real_transitions(run_episodes):
    """agent.update receives each real (s, a, r, s_prime, terminated), also under a time limit.

    Checks: run_episodes
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import RecordingAgent, RecordingEnv
    for truncate_after, seed in ((None, 3), (2, 4)):
        env = RecordingEnv(truncate_after=truncate_after)
        agent = RecordingAgent(env.n_states, planning_steps=2, seed=seed, epsilon=0.5)
        run_episodes(agent, env, 6, max_steps=500)
        assert len(agent.updates) == len(env.transitions), f'agent.update should be called once per real step, the last step of an episode included: {len(env.transitions)} env.step calls but {len(agent.updates)} agent.update calls'
        for i, (got, want) in enumerate(zip(agent.updates, env.transitions, strict=True)):
            cut = ' (env.step reported truncated=True)' if env.truncations[i] else ''
            assert got[:2] == want[:2] and got[3:] == want[3:] and np.isclose(got[2], want[2]), f'real step {i}: env.step gave (s, a, r, s_prime, terminated) = {want}{cut}, but agent.update received {got}. Pass the state before the step, the action, the reward, the next state, and terminated (not truncated) as done.'

@test_case(points=4, hidden=True)
def test_run_episodes_lets_the_agent_learn(run_episodes):
    """Driven by run_episodes, a reference Dyna-Q agent learns the 8-step path of a small maze.

    Checks: run_episodes
    """
    import numpy as np
    from mbrl_envs import GridWorld
    from mbrl_grader.fakes.dyna import RecordingAgent, RecordingEnv
    env = RecordingEnv(GridWorld('S.....\n.####.\n......\n.####G'))
    agent = RecordingAgent(env.n_states, planning_steps=10, seed=7)
    out = np.asarray(run_episodes(agent, env, 12, max_steps=400), dtype=float).reshape(-1)
    played = env.played()
    late = float(np.mean(played[-5:])) if len(played) >= 5 else float('inf')
    assert late <= 20, f'a Dyna-Q agent (10 planning steps) run by your run_episodes on a small maze (shortest path 8 steps) still needs {late:.0f} real steps per episode in its last 5 episodes (env.step calls per episode: {played}): it does not learn. Check that every real step, the one reaching G included, reaches agent.update with the right s, s_prime and terminated, and that the loop moves on to s_prime.'
    assert out.size == len(played), 'run_episodes should return one number per episode'

