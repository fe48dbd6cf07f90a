from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 14

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (the model learns each real step, n planning updates use the model's predictions, steps in order). The grade also checks other cases and that planning makes episode 2 of the Dyna maze several times shorter.")
def test_update_teaches_model_and_plans_with_it(DynaQ):
    """Public: the model receives the real step first, then n planning updates use its predictions.

    Checks: DynaQ.update/model, DynaQ.update/planning
    """
    import numpy as np

    class ScriptedModel:
        """Always offers the pair (5, 0) and predicts (s_hat=6, r_hat=1.0); records calls."""

        def __init__(self):
            self.calls = []

        def update(self, s, a, r, s_prime):
            self.calls.append(('update', int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.calls.append(('sample',))
            return (5, 0)

        def predict(self, s, a):
            self.calls.append(('predict', int(s), int(a)))
            return (6, 1.0)
    alpha, gamma, n = (0.5, 0.9, 3)
    model = ScriptedModel()
    q = np.zeros((8, 4))
    q[6] = [2.0, 0.0, 0.0, 0.0]
    agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n, model=model, initial_q=q)
    agent.update(3, 3, 0.0, 4, False)
    updates = [c[1:] for c in model.calls if c[0] == 'update']
    assert updates == [(3, 3, 0.0, 4)], f"one real step (3, 3, r=0, s'=4) must reach self.model.update(s, a, r, s_prime) exactly once (step 2); the model received {updates or 'no update call'}"
    kinds = [c[0] for c in model.calls]
    assert kinds[0] == 'update', f"update the model (step 2) before planning (step 3); the model's calls were {kinds}"
    got = np.asarray(agent.Q, dtype=float)
    target = 1.0 + gamma * 2.0
    expected = target * (1 - (1 - alpha) ** n)
    assert np.isclose(got[5, 0], expected, rtol=0, atol=1e-09), f"the model offers the pair (5, 0) and predicts (s_hat=6, r_hat=1.0), max Q[6] = 2: each of the {n} planning updates moves Q[5, 0] towards 1 + 0.9 * 2 = {target:.1f} (equation 3), so Q[5, 0] should be {expected:.4f}; yours is {got[5, 0]:.4f}. Plan exactly self.planning_steps times, with the model's prediction (s_hat, r_hat) for the sampled pair, not the real s_prime and r."
    assert np.isclose(got[3, 3], 0.0, atol=1e-12), f"the real transition (3, 3, r=0, s'=4) has target 0 (max Q[4] = 0), so Q[3, 3] should stay 0; got {got[3, 3]}"

    class BackupModel(ScriptedModel):
        """Always offers (2, 1) and predicts (s_hat=3, r_hat=0): it backs up Q[3] into Q[2, 1]."""

        def sample_experienced(self):
            return (2, 1)

        def predict(self, s, a):
            return (3, 0.0)
    agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=1, model=BackupModel())
    agent.update(3, 3, 1.0, 4, False)
    got = np.asarray(agent.Q, dtype=float)
    assert got[3, 3] > 0 and np.isclose(got[2, 1], alpha * gamma * got[3, 3], rtol=0, atol=1e-09), f"after the real step (3, 3, r=1, s'=4) raised Q[3, 3] to {got[3, 3]:.3f}, one planning update of (2, 1) -> s_hat=3 should give Q[2, 1] = 0.5 * 0.9 * {got[3, 3]:.3f} = {alpha * gamma * got[3, 3]:.4f}; yours is {got[2, 1]:.4f}. Do the direct RL update (step 1) before planning (step 3)."

