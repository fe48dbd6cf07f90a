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

