from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 2

@test_case(points=0, hidden=False)
def test_planning_moves_q_more_than_one_update(DynaQ):
    import numpy as np

    class LastOutcomeModel:

        def __init__(self):
            self.table = {}

        def update(self, s, a, r, s_prime):
            self.table[int(s), int(a)] = (int(s_prime), float(r))

        def sample_experienced(self):
            pairs = list(self.table)
            return pairs[np.random.randint(len(pairs))] if pairs else None

        def predict(self, s, a):
            return self.table.get((int(s), int(a)), (None, None))
    agent = DynaQ(10, 4, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=50)
    agent.model = LastOutcomeModel()
    agent.update(3, 1, 1.0, 4, True)
    q = float(np.asarray(agent.Q, dtype=float)[3, 1])
    assert q > 0.5, f'after one rewarding real step (r=1) and 50 planning steps that replay it, Q[3, 1] should be close to 1 (about 1 - 0.9**51), but it is {q:.3f}: one real update alone gives 0.1. Is update() planning with self.model?'

@test_case(points=2, hidden=True)
def test_planning_shortens_episode_two(DynaQ, TabularModel):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_envs import DynaMaze
    from mbrl_ref.models import TabularModel as RefModel
    env = DynaMaze()
    S, A = (env.n_states, env.n_actions)

    def own_model_works():
        try:
            m = TabularModel(8, 4)
            m.update(2, 1, 0.0, 3)
            m.update(2, 1, 0.0, 3)
            m.update(5, 0, 1.0, 6)
            for pair, want in (((2, 1), (3, 0.0)), ((5, 0), (6, 1.0)), ((2, 1), (3, 0.0))):
                s2, r = m.predict(*pair)
                if int(s2) != want[0] or abs(float(r) - want[1]) > 1e-09:
                    return False
            s2, r = m.predict(0, 0)
            if s2 is not None:
                return False
            seen = set()
            for _ in range(20):
                p = m.sample_experienced()
                seen.add((int(p[0]), int(p[1])))
            return seen == {(2, 1), (5, 0)}
        except Exception:
            return False

    def random_walk(seed):
        rng = np.random.default_rng(seed)
        s, _ = env.reset()
        path = []
        while True:
            a = int(rng.integers(A))
            s2, r, terminated, _, _ = env.step(a)
            path.append((int(s), a, float(r), int(s2), bool(terminated)))
            s = s2
            if terminated:
                return path

    def second_episode(agent, seed, cap):
        rng = np.random.default_rng(seed)
        s, _ = env.reset()
        for steps in range(1, cap + 1):
            q = np.asarray(agent.Q, dtype=float)[s]
            if rng.random() < 0.1:
                a = int(rng.integers(A))
            else:
                a = int(rng.choice(np.flatnonzero(q == q.max())))
            s2, r, terminated, _, _ = env.step(a)
            agent.update(int(s), a, float(r), int(s2), bool(terminated))
            s = s2
            if terminated:
                break
        return steps
    own = own_model_works()
    runs = ((39, 200), (41, 202)) if own else ((39, 200),)
    budget = 100 * len(runs)
    lengths, baseline = ([], [])
    for run, (walk_seed, act_seed) in enumerate(runs):
        walk = random_walk(walk_seed)
        agent = DynaQ(S, A, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=0)
        if not own:
            agent.model = RefModel(S, A, rng=np.random.default_rng(100 + run))
        for step in walk[:-1]:
            agent.update(*step)
        agent.planning_steps = 50
        agent.update(*walk[-1])
        lengths.append(second_episode(agent, act_seed, cap=budget - sum(lengths) + 1))
        ref = RefDynaQ(S, A, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=0, rng=np.random.default_rng(0))
        for step in walk:
            ref.update(*step)
        baseline.append(second_episode(ref, act_seed, cap=3000))
    m50, m0 = (float(np.mean(lengths)), float(np.mean(baseline)))
    assert sum(lengths) <= budget and 3 * m50 <= m0, f'after the same random-walk first episode, episode 2 took {m50:.0f} real steps on average with 50 planning steps (runs: {lengths}; stopped early when too long), while Q-learning (0 planning steps) takes {m0:.0f}. Planning should make episode 2 several times shorter (the book: about 37 vs about 743). Check that update() plans with self.model after every real step.'

