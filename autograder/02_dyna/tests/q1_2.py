from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 7

@test_case(points=1, hidden=False)
def test_update_one_real_step(DynaQ):
    import numpy as np

    class EmptyModel:

        def update(self, s, a, r, s_prime):
            pass

        def sample_experienced(self):
            return None

        def predict(self, s, a):
            return (None, None)
    agent = DynaQ(5, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0)
    agent.model = EmptyModel()
    agent.update(1, 2, 1.0, 3, False)
    q = np.asarray(agent.Q, dtype=float)
    assert q.shape == (5, 4), f'Q should keep its shape (5, 4), got {q.shape}'
    assert np.isclose(q[1, 2], 0.5), f"from Q = 0, one real update (s=1, a=2, r=1, s'=3) with alpha=0.5 should give Q[1, 2] = 0.5 * (1 + 0.9 * 0 - 0) = 0.5, got {q[1, 2]}"
    rest = q.copy()
    rest[1, 2] = 0.0
    assert np.allclose(rest, 0.0), 'a real update should change only Q[s, a]'

@test_case(points=1, hidden=True)
def test_update_is_q_learning_without_planning(DynaQ):
    import numpy as np
    from mbrl_ref.agents import DynaQ as RefDynaQ

    class ScriptedModel:

        def __init__(self, pair=(0, 0), outcome=(0, 0.0)):
            self.pair = pair
            self.outcome = outcome
            self.updates = []
            self.predicts = []
            self.samples = 0

        def update(self, s, a, r, s_prime):
            self.updates.append((int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.samples += 1
            return self.pair

        def predict(self, s, a):
            self.predicts.append((int(s), int(a)))
            return self.outcome
    S, A = (6, 4)
    q0 = np.zeros((S, A))
    q0[2] = [0.5, -0.25, 0.0, 1.0]
    q0[4] = [0.0, 2.0, -1.0, 0.3]
    q0[3] = [-0.5, -0.2, -0.7, -0.1]
    steps = [(1, 3, 0.0, 2), (2, 0, -0.5, 4), (1, 3, 0.0, 2), (3, 1, 1.0, 1), (2, 3, 0.25, 2), (5, 2, 0.0, 3)]
    agent = DynaQ(S, A, alpha=0.3, gamma=0.8, epsilon=0.1, planning_steps=0)
    agent.model = ScriptedModel()
    agent.Q = q0.copy()
    ref = RefDynaQ(S, A, alpha=0.3, gamma=0.8, epsilon=0.1, planning_steps=0, rng=np.random.default_rng(0))
    ref.Q = q0.copy()
    for i, (s, a, r, s2) in enumerate(steps):
        agent.update(s, a, r, s2, False)
        ref.update(s, a, r, s2, False)
        got = np.asarray(agent.Q, dtype=float)
        bad = np.argwhere(~np.isclose(got, ref.Q, rtol=0, atol=1e-09))
        if bad.size:
            bs, ba = (int(v) for v in bad[0])
            raise AssertionError(f'with planning_steps=0, after the real transitions {steps[:i + 1]} (alpha=0.3, gamma=0.8, done=False) Q[{bs}, {ba}] should be {ref.Q[bs, ba]:.6f} but yours is {got[bs, ba]:.6f}. Check the Q-learning step Q[s, a] += alpha * (r + gamma * max(Q[s_prime]) - Q[s, a]) (equation 2).')

@test_case(points=1, hidden=True)
def test_update_terminal_target_is_reward(DynaQ):
    import numpy as np

    class ScriptedModel:

        def __init__(self, pair=(0, 0), outcome=(0, 0.0)):
            self.pair = pair
            self.outcome = outcome
            self.updates = []
            self.predicts = []
            self.samples = 0

        def update(self, s, a, r, s_prime):
            self.updates.append((int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.samples += 1
            return self.pair

        def predict(self, s, a):
            self.predicts.append((int(s), int(a)))
            return self.outcome
    agent = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0)
    agent.model = ScriptedModel()
    q = np.zeros((6, 4))
    q[5] = [3.0, 3.0, 3.0, 3.0]
    q[4, 1] = 0.2
    agent.Q = q.copy()
    agent.update(4, 1, 1.0, 5, True)
    got = np.asarray(agent.Q, dtype=float)
    expected = 0.2 + 0.5 * (1.0 - 0.2)
    bootstrapped = 0.2 + 0.5 * (1.0 + 0.9 * 3.0 - 0.2)
    hint = ''
    if np.isclose(got[4, 1], bootstrapped):
        hint = ' Your update bootstrapped from Q[s_prime] although done=True.'
    assert np.isclose(got[4, 1], expected, rtol=0, atol=1e-09), f'with done=True the target is r alone (a terminal state has no future): from Q[4, 1] = 0.2, alpha=0.5, r=1 the new Q[4, 1] should be {expected}, got {got[4, 1]}.{hint}'
    q[4, 1] = expected
    assert np.allclose(got, q, rtol=0, atol=1e-09), 'a terminal update should change only Q[s, a]'

@test_case(points=1, hidden=True)
def test_update_teaches_the_model(DynaQ):
    import numpy as np

    class ScriptedModel:

        def __init__(self, pair=(0, 0), outcome=(0, 0.0)):
            self.pair = pair
            self.outcome = outcome
            self.updates = []
            self.predicts = []
            self.samples = 0

        def update(self, s, a, r, s_prime):
            self.updates.append((int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.samples += 1
            return self.pair

        def predict(self, s, a):
            self.predicts.append((int(s), int(a)))
            return self.outcome
    agent = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0)
    model = ScriptedModel()
    agent.model = model
    agent.update(1, 3, 0.0, 2, False)
    agent.update(2, 0, -0.5, 4, True)
    expected = [(1, 3, 0.0, 2), (2, 0, -0.5, 4)]
    assert len(model.updates) == 2, f'each real transition must be passed to self.model.update(s, a, r, s_prime) exactly once; after 2 real updates the model received {len(model.updates)} call(s): {model.updates}'
    for got, want in zip(model.updates, expected):
        assert got[:2] == want[:2] and got[3] == want[3] and np.isclose(got[2], want[2]), f'self.model.update should receive (s, a, r, s_prime) = {want}, got {got}'

@test_case(points=2, hidden=True)
def test_update_plans_exactly_n_times(DynaQ):
    import math
    import numpy as np
    from mbrl_ref.models import TabularModel as RefModel
    alpha, gamma = (0.5, 0.9)
    for n in (1, 5, 12):
        model = RefModel(8, 4, rng=np.random.default_rng(n))
        model.update(3, 3, 0.5, 4)
        agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n)
        agent.model = model
        q = np.zeros((8, 4))
        q[4] = [0.0, 2.0, 0.0, 0.0]
        agent.Q = q.copy()
        agent.update(3, 3, 0.5, 4, False)
        got = np.asarray(agent.Q, dtype=float)
        target = 0.5 + gamma * 2.0
        expected = target * (1 - (1 - alpha) ** (n + 1))
        if not np.isclose(got[3, 3], expected, rtol=0, atol=1e-09):
            moves = 'an unknown number of'
            if 0 < got[3, 3] < target:
                moves = str(round(math.log(1 - got[3, 3] / target) / math.log(1 - alpha)))
            raise AssertionError(f"the model knows one transition (3, 3) -> (r=0.5, s'=4), so every update of that pair moves Q[3, 3] towards the same target {target}. One real update plus planning_steps={n} planning updates should move it {n + 1} times, to {expected:.6f}; yours is {got[3, 3]:.6f}, as if it moved {moves} times. Check the number of planning iterations.")
        q[3, 3] = expected
        assert np.allclose(got, q, rtol=0, atol=1e-09), 'planning with a model that knows only (3, 3) should change only Q[3, 3]'

@test_case(points=1, hidden=True)
def test_planning_uses_model_predictions(DynaQ):
    import numpy as np

    class ScriptedModel:

        def __init__(self, pair=(0, 0), outcome=(0, 0.0)):
            self.pair = pair
            self.outcome = outcome
            self.updates = []
            self.predicts = []
            self.samples = 0

        def update(self, s, a, r, s_prime):
            self.updates.append((int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.samples += 1
            return self.pair

        def predict(self, s, a):
            self.predicts.append((int(s), int(a)))
            return self.outcome
    alpha, gamma, n = (0.5, 0.9, 3)
    model = ScriptedModel(pair=(5, 0), outcome=(6, 1.0))
    agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n)
    agent.model = model
    q = np.zeros((8, 4))
    q[6] = [2.0, 0.0, 0.0, 0.0]
    agent.Q = q.copy()
    agent.update(3, 3, 0.0, 4, False)
    got = np.asarray(agent.Q, dtype=float)
    assert (5, 0) in model.predicts, f"planning should ask the model what happens after the sampled pair: self.model.sample_experienced() returned (5, 0), but self.model.predict was called with {sorted(set(model.predicts)) or 'nothing'}"
    target = 1.0 + gamma * 2.0
    allowed = [target * (1 - (1 - alpha) ** k) for k in range(1, 2 * n + 3)]
    assert any((np.isclose(got[5, 0], v, rtol=0, atol=1e-09) for v in allowed)), f"the model predicts (5, 0) -> (s_hat=6, r_hat=1.0) with max Q[6] = 2, so planning updates should move Q[5, 0] towards {target} (equation 3); yours is {got[5, 0]:.6f}. Use the model's prediction (s_hat, r_hat) = self.model.predict(s_sim, a_sim) for the sampled pair, not the real s_prime and r."
    assert np.isclose(got[3, 3], 0.0, atol=1e-12), f"the real transition (3, 3, r=0, s'=4) has target 0, so Q[3, 3] should stay 0; got {got[3, 3]}"

