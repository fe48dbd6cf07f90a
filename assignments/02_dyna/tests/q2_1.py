from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 14

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (the model learns each real step, n planning updates use the model's predictions with the max over actions, the direct update comes first). The grade also checks other cases and that planning makes episode 2 of the Dyna maze several times shorter.")
def test_update_teaches_model_and_plans_with_it(DynaQ):
    """Public: the model receives the real step first, then n planning updates use its predictions.

    Each observation has its own case: the planning target (Q[6] has its max at action 0, the
    offered pair is (5, 1), so a target built from Q[s_hat, a] differs from the max) does not
    depend on the order of the steps; the order is seen on a pair whose action is Q[3]'s argmax.

    Checks: DynaQ.update/model, DynaQ.update/planning
    """
    import numpy as np
    from mbrl_envs.checking import Checks

    class ScriptedModel:
        """Always offers the pair (5, 1) and predicts (s_hat=6, r_hat=1.0); records calls."""

        def __init__(self):
            self.calls = []

        def update(self, s, a, r, s_prime):
            self.calls.append(('update', int(s), int(a), float(r), int(s_prime)))

        def sample_experienced(self):
            self.calls.append(('sample',))
            return (5, 1)

        def predict(self, s, a):
            self.calls.append(('predict', int(s), int(a)))
            return (6, 1.0)
    alpha, gamma, n = (0.5, 0.9, 3)
    with Checks() as check:
        model = ScriptedModel()
        q = np.zeros((8, 4))
        q[6] = [3.0, 0.0, 0.0, 0.0]
        agent = check.call('DynaQ', DynaQ, 8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n, model=model, initial_q=q)
        check.call('agent.update', agent.update, 3, 3, 0.0, 4, False)
        updates = [c[1:] for c in model.calls if c[0] == 'update']
        check.expect(updates == [(3, 3, 0.0, 4)], f"one real step (3, 3, r=0, s'=4) must reach self.model.update(s, a, r, s_prime) exactly once (step 2); the model received {updates or 'no update call'}")
        kinds = [c[0] for c in model.calls]
        if 'update' in kinds and len(set(kinds)) > 1:
            check.expect(kinds[0] == 'update', f"the model was asked for planning ({kinds[0]}) before it received the real step: update the model (step 2) before planning (step 3); the model's calls were {kinds}")
        got = np.asarray(agent.Q, dtype=float)
        target = 1.0 + gamma * 3.0
        expected = target * (1 - (1 - alpha) ** n)
        hints = {0.0: ' Q[5, 1] did not move: no planning update moved the pair the model offered towards its prediction (s_hat, r_hat).', 1.0 * (1 - (1 - alpha) ** n): " That is the value for the target r_hat + gamma * Q[6, 1] = 1: the target takes the max over actions, max_a' Q[s_hat, a'] = Q[6, 0] = 3, not Q[s_hat, a] for the sampled action.", (1.0 + 3.0) * (1 - (1 - alpha) ** n): ' That is the value for the target r_hat + max Q[6] = 4: gamma is missing.', target: ' That is the target itself: each planning update moves Q a step alpha towards it.'}
        for k in (1, 2, 4, 5, 6):
            hints.setdefault(target * (1 - (1 - alpha) ** k), f' That is the value after {k} planning updates: plan exactly self.planning_steps times.')
        hint = next((h for v, h in hints.items() if abs(got[5, 1] - v) < 1e-06), '')
        check.expect(np.isclose(got[5, 1], expected, rtol=0, atol=1e-09), f'the model offers the pair (5, 1) and predicts (s_hat=6, r_hat=1.0), and max Q[6] = 3: each of the {n} planning updates moves Q[5, 1] towards 1 + 0.9 * 3 = {target:.1f} (equation 3), so Q[5, 1] should be {expected:.4f}; yours is {got[5, 1]:.4f}.{hint}')
        check.expect(np.isclose(got[3, 3], 0.0, atol=1e-12), f"the real transition (3, 3, r=0, s'=4) has target 0 (max Q[4] = 0), and the model never offers (3, 3), so Q[3, 3] should stay 0; got {got[3, 3]}")

        class BackupModel(ScriptedModel):
            """Always offers (2, 3) and predicts (s_hat=3, r_hat=0): it backs up Q[3] into Q[2, 3]."""

            def sample_experienced(self):
                return (2, 3)

            def predict(self, s, a):
                return (3, 0.0)
        agent = check.call('DynaQ', DynaQ, 8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=1, model=BackupModel())
        check.call('agent.update', agent.update, 3, 3, 1.0, 4, False)
        got = np.asarray(agent.Q, dtype=float)
        if got[3, 3] > 0:
            want = alpha * gamma * got[3, 3]
            why = ''
            if abs(got[2, 3]) < 1e-12:
                why = '; 0 is what a planning update gives when it runs before the direct RL update (do step 1 before step 3), or when no planning update reaches (2, 3)'
            elif abs(got[2, 3] - alpha * got[3, 3]) < 1e-09:
                why = '; that is 0.5 * Q[3, 3] without the factor gamma = 0.9 of the target'
            check.expect(np.isclose(got[2, 3], want, rtol=0, atol=1e-09), f"after the real step (3, 3, r=1, s'=4) raised Q[3, 3] to {got[3, 3]:.3f}, one planning update of (2, 3) -> s_hat=3 should give Q[2, 3] = 0.5 * 0.9 * {got[3, 3]:.3f} = {want:.4f}; yours is {got[2, 3]:.4f}{why}.")

