from otter.test_files import test_case

OK_FORMAT = False

name = "q1_2"
points = 4

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (one real update: from zero, bootstrapped, terminal). The grade also checks a longer sequence of real updates against the reference.")
def test_update_one_real_step(DynaQ):
    """Public: one real update (planning off) follows equation (2), with target r when done.

    Checks: DynaQ.update/direct
    """
    import numpy as np
    from mbrl_envs.checking import Checks

    class EmptyModel:

        def update(self, s, a, r, s_prime):
            pass

        def sample_experienced(self):
            return None

        def predict(self, s, a):
            return (None, None)
    kwargs = dict(alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=EmptyModel())
    with Checks() as check:
        agent = check.call('DynaQ', DynaQ, 5, 4, **kwargs)
        check.call('agent.update', agent.update, 1, 2, 1.0, 3, False)
        q = np.asarray(agent.Q, dtype=float)
        check.require(q.shape == (5, 4), f'Q should keep its shape (5, 4), got {q.shape}')
        check.expect(np.isclose(q[1, 2], 0.5), f"from Q = 0, one real update (s=1, a=2, r=1, s'=3, done=False) with alpha=0.5 should give Q[1, 2] = 0.5 * (1 + 0.9 * 0 - 0) = 0.5, got {q[1, 2]}")
        rest = q.copy()
        rest[1, 2] = 0.0
        changed = [tuple((int(i) for i in ix)) for ix in np.argwhere(~np.isclose(rest, 0.0))]
        check.expect(not changed, f'a real update should change only Q[s, a] = Q[1, 2]; it also changed Q at {changed[:4]}')
        q0 = np.zeros((5, 4))
        q0[3] = [0.0, 2.0, 0.0, -1.0]
        agent = check.call('DynaQ', DynaQ, 5, 4, initial_q=q0, **kwargs)
        check.call('agent.update', agent.update, 1, 2, 1.0, 3, False)
        got = float(np.asarray(agent.Q, dtype=float)[1, 2])
        hints = {0.5: "; that is a target of r = 1 alone: the bootstrap term gamma * max_a' Q[s_prime, a'] = 0.9 * 2 added nothing (bootstrap from the max of Q[s_prime], not from Q[s_prime, a] = 0 or from Q[s])", 2.8: '; that is the whole target: move Q[s, a] only a step alpha towards it', 0.05: '; that bootstraps from the minimum of Q[3], not the maximum'}
        hint = next((h for k, h in hints.items() if np.isclose(got, k)), '')
        check.expect(np.isclose(got, 1.4), f"with Q[3] = [0, 2, 0, -1], one real update (s=1, a=2, r=1, s'=3, done=False), alpha=0.5 and gamma=0.9 should give Q[1, 2] = 0.5 * (1 + 0.9 * 2 - 0) = 1.4, got {got}{hint}. The target is r + gamma * max_a' Q[s_prime, a'] (equation 2)")
        agent = check.call('DynaQ', DynaQ, 5, 4, initial_q=q0, **kwargs)
        check.call('agent.update', agent.update, 1, 2, 1.0, 3, True)
        got = float(np.asarray(agent.Q, dtype=float)[1, 2])
        check.expect(np.isclose(got, 0.5), f'with done=True the target is r alone (instruction 1 of update): from Q[1, 2] = 0, alpha=0.5, r=1 the new Q[1, 2] should be 0.5 although max Q[3] = 2, got {got}')

