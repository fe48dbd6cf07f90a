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

@test_case(points=2, hidden=True)
def test_run_episodes_counts_real_steps_only(run_episodes):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import GridWorld

    class RecordingEnv:

        def __init__(self, env, truncate_after=None):
            self.env = env
            self.n_states = env.n_states
            self.n_actions = env.n_actions
            self.observation_space = env.observation_space
            self.action_space = env.action_space
            self.truncate_after = truncate_after
            self.episodes = []
            self.transitions = []
            self.step_calls = 0
            self.steps_after_end = 0
            self.ended = True
            self.state = None

        def reset(self, *args, **kwargs):
            s, info = self.env.reset(seed=kwargs.get('seed'))
            self.episodes.append(0)
            self.ended = False
            self.state = int(s)
            return (s, info)

        def step(self, action):
            if self.ended:
                self.steps_after_end += 1
            s2, r, terminated, truncated, info = self.env.step(int(action))
            self.step_calls += 1
            if not self.episodes:
                self.episodes.append(0)
            self.episodes[-1] += 1
            if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
                truncated = True
            self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
            self.state = int(s2)
            if terminated or truncated:
                self.ended = True
            return (s2, r, terminated, truncated, info)

    class RecordingAgent:

        def __init__(self, n_states, planning_steps=5, seed=0):
            self.inner = RefDynaQ(n_states, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=planning_steps, rng=np.random.default_rng(seed))
            self.n_states = n_states
            self.n_actions = 4
            self.alpha, self.gamma, self.epsilon = (0.5, 0.9, 0.1)
            self.planning_steps = planning_steps
            self.model = self.inner.model
            self.updates = []

        @property
        def Q(self):
            return self.inner.Q

        def select_action(self, state):
            return self.inner.select_action(int(state))

        def update(self, s, a, r, s_prime, done):
            self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))
    env = RecordingEnv(GridWorld('S..\n.#G'))
    agent = RecordingAgent(env.n_states, planning_steps=5, seed=1)
    out = np.asarray(run_episodes(agent, env, 4, max_steps=500)).reshape(-1)
    played = [c for c in env.episodes if c > 0]
    assert int(round(float(out.sum()))) == env.step_calls, f'the returned step counts add up to {out.sum()}, but env.step was called {env.step_calls} times. Count every real environment step (one per env.step call, the last step of an episode included) and no planning steps.'
    k = min(len(out), len(played))
    assert np.array_equal(out[:k].astype(float), np.asarray(played[:k], dtype=float)), f'per episode, env.step was called {played} times, but run_episodes returned {out.tolist()}'

@test_case(points=1, hidden=True)
def test_run_episodes_runs_n_episodes(run_episodes):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import GridWorld

    class RecordingEnv:

        def __init__(self, env, truncate_after=None):
            self.env = env
            self.n_states = env.n_states
            self.n_actions = env.n_actions
            self.observation_space = env.observation_space
            self.action_space = env.action_space
            self.truncate_after = truncate_after
            self.episodes = []
            self.transitions = []
            self.step_calls = 0
            self.steps_after_end = 0
            self.ended = True
            self.state = None

        def reset(self, *args, **kwargs):
            s, info = self.env.reset(seed=kwargs.get('seed'))
            self.episodes.append(0)
            self.ended = False
            self.state = int(s)
            return (s, info)

        def step(self, action):
            if self.ended:
                self.steps_after_end += 1
            s2, r, terminated, truncated, info = self.env.step(int(action))
            self.step_calls += 1
            if not self.episodes:
                self.episodes.append(0)
            self.episodes[-1] += 1
            if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
                truncated = True
            self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
            self.state = int(s2)
            if terminated or truncated:
                self.ended = True
            return (s2, r, terminated, truncated, info)

    class RecordingAgent:

        def __init__(self, n_states, planning_steps=5, seed=0):
            self.inner = RefDynaQ(n_states, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=planning_steps, rng=np.random.default_rng(seed))
            self.n_states = n_states
            self.n_actions = 4
            self.alpha, self.gamma, self.epsilon = (0.5, 0.9, 0.1)
            self.planning_steps = planning_steps
            self.model = self.inner.model
            self.updates = []

        @property
        def Q(self):
            return self.inner.Q

        def select_action(self, state):
            return self.inner.select_action(int(state))

        def update(self, s, a, r, s_prime, done):
            self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))
    for n in (1, 3):
        env = RecordingEnv(GridWorld('S..\n.#G'))
        agent = RecordingAgent(env.n_states, planning_steps=2, seed=n)
        out = np.asarray(run_episodes(agent, env, n, max_steps=500)).reshape(-1)
        played = [c for c in env.episodes if c > 0]
        assert len(played) == n and out.size == n, f'run_episodes(agent, env, {n}) should play {n} episode(s) and return {n} number(s); it played {len(played)} and returned {out.size}'

@test_case(points=1, hidden=True)
def test_run_episodes_ends_episodes_at_the_goal(run_episodes):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import GridWorld

    class RecordingEnv:

        def __init__(self, env, truncate_after=None):
            self.env = env
            self.n_states = env.n_states
            self.n_actions = env.n_actions
            self.observation_space = env.observation_space
            self.action_space = env.action_space
            self.truncate_after = truncate_after
            self.episodes = []
            self.transitions = []
            self.step_calls = 0
            self.steps_after_end = 0
            self.ended = True
            self.state = None

        def reset(self, *args, **kwargs):
            s, info = self.env.reset(seed=kwargs.get('seed'))
            self.episodes.append(0)
            self.ended = False
            self.state = int(s)
            return (s, info)

        def step(self, action):
            if self.ended:
                self.steps_after_end += 1
            s2, r, terminated, truncated, info = self.env.step(int(action))
            self.step_calls += 1
            if not self.episodes:
                self.episodes.append(0)
            self.episodes[-1] += 1
            if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
                truncated = True
            self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
            self.state = int(s2)
            if terminated or truncated:
                self.ended = True
            return (s2, r, terminated, truncated, info)

    class RecordingAgent:

        def __init__(self, n_states, planning_steps=5, seed=0):
            self.inner = RefDynaQ(n_states, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=planning_steps, rng=np.random.default_rng(seed))
            self.n_states = n_states
            self.n_actions = 4
            self.alpha, self.gamma, self.epsilon = (0.5, 0.9, 0.1)
            self.planning_steps = planning_steps
            self.model = self.inner.model
            self.updates = []

        @property
        def Q(self):
            return self.inner.Q

        def select_action(self, state):
            return self.inner.select_action(int(state))

        def update(self, s, a, r, s_prime, done):
            self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))
    env = RecordingEnv(GridWorld('S..\n.#G'))
    agent = RecordingAgent(env.n_states, planning_steps=3, seed=2)
    run_episodes(agent, env, 3, max_steps=500)
    assert env.steps_after_end == 0, f'env.step was called {env.steps_after_end} time(s) after an episode had terminated, without env.reset() in between: stop the episode when terminated or truncated is true'
    ends = [i for i, t in enumerate(env.transitions) if t[4]]
    assert len(ends) >= 3, f'3 episodes should end with 3 terminal transitions (reaching G), found {len(ends)}'

@test_case(points=1, hidden=True)
def test_run_episodes_respects_max_steps_and_truncation(run_episodes):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import GridWorld

    class RecordingEnv:

        def __init__(self, env, truncate_after=None):
            self.env = env
            self.n_states = env.n_states
            self.n_actions = env.n_actions
            self.observation_space = env.observation_space
            self.action_space = env.action_space
            self.truncate_after = truncate_after
            self.episodes = []
            self.transitions = []
            self.step_calls = 0
            self.steps_after_end = 0
            self.ended = True
            self.state = None

        def reset(self, *args, **kwargs):
            s, info = self.env.reset(seed=kwargs.get('seed'))
            self.episodes.append(0)
            self.ended = False
            self.state = int(s)
            return (s, info)

        def step(self, action):
            if self.ended:
                self.steps_after_end += 1
            s2, r, terminated, truncated, info = self.env.step(int(action))
            self.step_calls += 1
            if not self.episodes:
                self.episodes.append(0)
            self.episodes[-1] += 1
            if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
                truncated = True
            self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
            self.state = int(s2)
            if terminated or truncated:
                self.ended = True
            return (s2, r, terminated, truncated, info)

    class RecordingAgent:

        def __init__(self, n_states, planning_steps=5, seed=0):
            self.inner = RefDynaQ(n_states, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=planning_steps, rng=np.random.default_rng(seed))
            self.n_states = n_states
            self.n_actions = 4
            self.alpha, self.gamma, self.epsilon = (0.5, 0.9, 0.1)
            self.planning_steps = planning_steps
            self.model = self.inner.model
            self.updates = []

        @property
        def Q(self):
            return self.inner.Q

        def select_action(self, state):
            return self.inner.select_action(int(state))

        def update(self, s, a, r, s_prime, done):
            self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))

    class StuckAgent:
        planning_steps = 0
        n_actions = 4

        def select_action(self, state):
            return 0

        def update(self, s, a, r, s_prime, done):
            pass
    env = RecordingEnv(GridWorld('S..\n.#G'))
    run_episodes(StuckAgent(), env, 3, max_steps=7)
    played = [c for c in env.episodes if c > 0]
    assert played and all((c == 7 for c in played)), f'an agent that never reaches the goal should be cut off after max_steps=7 real steps in every episode, but env.step was called {played} times per episode'
    env = RecordingEnv(GridWorld('S..\n.#G'), truncate_after=5)
    run_episodes(StuckAgent(), env, 3, max_steps=100)
    played = [c for c in env.episodes if c > 0]
    assert played and all((c == 5 for c in played)), f'when env.step reports truncated=True (after 5 steps here) the episode must end; env.step was called {played} times per episode'

@test_case(points=1, hidden=True)
def test_run_episodes_feeds_real_transitions(run_episodes):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import GridWorld

    class RecordingEnv:

        def __init__(self, env, truncate_after=None):
            self.env = env
            self.n_states = env.n_states
            self.n_actions = env.n_actions
            self.observation_space = env.observation_space
            self.action_space = env.action_space
            self.truncate_after = truncate_after
            self.episodes = []
            self.transitions = []
            self.step_calls = 0
            self.steps_after_end = 0
            self.ended = True
            self.state = None

        def reset(self, *args, **kwargs):
            s, info = self.env.reset(seed=kwargs.get('seed'))
            self.episodes.append(0)
            self.ended = False
            self.state = int(s)
            return (s, info)

        def step(self, action):
            if self.ended:
                self.steps_after_end += 1
            s2, r, terminated, truncated, info = self.env.step(int(action))
            self.step_calls += 1
            if not self.episodes:
                self.episodes.append(0)
            self.episodes[-1] += 1
            if self.truncate_after is not None and self.episodes[-1] >= self.truncate_after:
                truncated = True
            self.transitions.append((self.state, int(action), float(r), int(s2), bool(terminated)))
            self.state = int(s2)
            if terminated or truncated:
                self.ended = True
            return (s2, r, terminated, truncated, info)

    class RecordingAgent:

        def __init__(self, n_states, planning_steps=5, seed=0):
            self.inner = RefDynaQ(n_states, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=planning_steps, rng=np.random.default_rng(seed))
            self.n_states = n_states
            self.n_actions = 4
            self.alpha, self.gamma, self.epsilon = (0.5, 0.9, 0.1)
            self.planning_steps = planning_steps
            self.model = self.inner.model
            self.updates = []

        @property
        def Q(self):
            return self.inner.Q

        def select_action(self, state):
            return self.inner.select_action(int(state))

        def update(self, s, a, r, s_prime, done):
            self.updates.append((int(s), int(a), float(r), int(s_prime), bool(done)))
            self.inner.update(int(s), int(a), float(r), int(s_prime), bool(done))
    env = RecordingEnv(GridWorld('S..\n.#G'))
    agent = RecordingAgent(env.n_states, planning_steps=2, seed=3)
    run_episodes(agent, env, 3, max_steps=500)
    assert len(agent.updates) == len(env.transitions), f'agent.update should be called once per real step: {len(env.transitions)} env.step calls but {len(agent.updates)} agent.update calls'
    for i, (got, want) in enumerate(zip(agent.updates, env.transitions)):
        assert got[:2] == want[:2] and got[3:] == want[3:] and np.isclose(got[2], want[2]), f'real step {i}: env.step gave (s, a, r, s_prime, terminated) = {want}, but agent.update received {got}. Pass the state before the step, the action, the reward, the next state, and terminated as done.'

