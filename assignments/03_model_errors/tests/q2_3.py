from otter.test_files import test_case

OK_FORMAT = False

name = "q2_3"
points = 11

@test_case(points=3, hidden=False, 
    success_message="OK: tau starts at 0 with shape (6, 4) and counts real steps over two episodes, the real update gets no bonus, a done step does not bootstrap, planning adds kappa * sqrt(tau), and a first visit stores self-loops for the untried actions. After you submit, the grade also checks tau over many steps and episodes, the real update, the planning bonus and untried actions.")
def test_dynaqplus_public(DynaQPlus, bonus_reward):
    """Public: tau counts real steps since each pair's last try, the bonus enters planning only, and a first visit adds self-loops for untried actions that planning uses.

    Case 1 (was `test_dynaqplus_tau_basics`): tau has the shape of Q, starts at 0, and counts
    real steps since each pair's last try.
    Case 2 (was `test_dynaqplus_bonus_in_planning_only`): With one action and alpha = 1 a pair's
    Q is its last update's target (see instructions 2 and 4).
    The real update of state 0 at step 5 gets no bonus, a done step does not bootstrap; 200
    planning steps over 2 pairs all miss state 0's pair with probability (1/2)**200 < 1e-60, so
    the verdict is the same every run.
    Case 3 (was `test_dynaqplus_untried_actions_public`): A first visit adds self-loops for the
    other actions (instruction 3), and planning uses them.
    alpha = 1: after update(1, 0, r=1, ...) Q[1, 0] = 1, so a planned self-loop (1, b) -> (1, 0)
    gets at least 0.9 * 1 - 0.1 > 0.5. The 3 model pairs are all drawn in 200 planning steps
    unless sampling misses one: probability <= 3 * (2/3)**200 < 1e-34.

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: DynaQPlus.update/tau, DynaQPlus.update/direct, DynaQPlus.update/planning, DynaQPlus.update/model
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import numpy as np
            agent = check.call('DynaQPlus', DynaQPlus, 6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01)
            tau = np.asarray(agent.tau)
            check.require(tau.shape == (6, 4), f'agent.tau should have shape (6, 4), got {tau.shape}')
            check.expect(np.all(tau == 0), f'agent.tau should start at 0, got values {sorted(set(tau.ravel().tolist()))[:4]}')
            check.call('agent.update', agent.update, 1, 2, 0.0, 3, False)
            check.call('agent.update', agent.update, 3, 0, 0.0, 4, False)
            tau = np.array(agent.tau)
            expected = np.full((6, 4), 2)
            expected[1, 2], expected[3, 0] = (1, 0)
            check.expect(np.array_equal(tau, expected), f'after update(1, 2, ...) then update(3, 0, ...), tau[3, 0] should be 0 (just tried), tau[1, 2] should be 1 and every other entry 2; got tau[3, 0]={tau[3, 0]}, tau[1, 2]={tau[1, 2]}, tau[0, 0]={tau[0, 0]}')
            check.call('agent.update', agent.update, 4, 1, 1.0, 5, True)
            check.call('agent.update', agent.update, 0, 3, 0.0, 1, False)
            after = np.asarray(agent.tau)
            grown = after - tau + 0
            check.expect(after[4, 1] == 1 and after[0, 3] == 0 and np.all(np.delete(grown.ravel(), [4 * 4 + 1, 0 * 4 + 3]) == 2), f'tau counts real steps over the whole run (instruction 1: episodes do not reset it): over two more steps, update(4, 1, ..., done=True) then update(0, 3, ...), every other entry should grow by 2, tau[4, 1] should be 1 and tau[0, 3] 0; got growth {sorted(set(np.delete(grown.ravel(), [17, 3]).tolist()))[:4]}, tau[4, 1] = {after[4, 1]} and tau[0, 3] = {after[0, 3]}')
            q = np.asarray(agent.Q)
            check.expect(q.shape == (6, 4), f'agent.Q should have shape (6, 4), got {q.shape}')
        with check.part():
            import numpy as np
            agent = check.call('DynaQPlus', DynaQPlus, 4, 1, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=0, kappa=0.5)
            for s in (0, 1, 1, 1, 0):
                check.call('agent.update', agent.update, s, 0, 0.0, 3, False)
            real = float(np.asarray(agent.Q, dtype=float)[0, 0])
            check.expect(abs(real) < 1e-09, f'with planning_steps=0, reward 0 and Q[3] = 0, the real update of (0, 0) at step 5 should give Q[0, 0] = 0, got {real:.6g}: the bonus belongs in planning updates only')
            agent = check.call('DynaQPlus', DynaQPlus, 4, 1, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=0, kappa=0.0)
            check.call('agent.update', agent.update, 3, 0, 1.0, 0, False)
            q3 = float(np.asarray(agent.Q, dtype=float)[3, 0])
            check.call('agent.update', agent.update, 2, 0, 0.0, 3, True)
            end = float(np.asarray(agent.Q, dtype=float)[2, 0])
            check.expect(abs(end) < 1e-09, f'update(2, 0, r=0, s_prime=3, done=True) with Q[3, 0] = {q3:.6g} and alpha = 1 should give Q[2, 0] = 0 (the target is r alone when done), got {end:.6g}')
            agent = check.call('DynaQPlus', DynaQPlus, 4, 1, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=200, kappa=0.1)
            for s in (0, 1, 1, 1, 1):
                check.call('agent.update', agent.update, s, 0, 0.0, 3, False)
            planned = float(np.asarray(agent.Q, dtype=float)[0, 0])
            try:
                own = float(bonus_reward(0.0, 4, 0.1))
            except Exception:
                own = 0.2
            check.expect(abs(planned - 0.2) < 1e-09 or abs(planned - own) < 1e-09, f'one action, alpha = 1, kappa = 0.1: (0, 0) was tried at step 1 and then 4 real steps passed, so after the 200 planning steps of step 5 Q[0, 0] should be the planning target bonus_reward(0, 4, 0.1) + 0.9 * Q[3] = 0 + 0.1 * sqrt(4) + 0 = 0.2, got {planned:.6g}')
        with check.part():
            import numpy as np
            agent = check.call('DynaQPlus', DynaQPlus, 5, 3, alpha=1.0, gamma=0.9, epsilon=0.1, planning_steps=200, kappa=0.1)
            check.call('agent.update', agent.update, 1, 0, 1.0, 4, False)
            q = np.asarray(agent.Q, dtype=float)
            low = [b for b in (1, 2) if not q[1, b] > 0.5]
            check.expect(not low, f"after the first visit of state 1 (action 0 tried, reward 1, alpha = 1) and 200 planning steps, Q[1, b] for the never-tried actions b = {low} is {[round(float(q[1, b]), 4) for b in low]}; stored as self-loops (1, b) -> (1, reward 0) and planned with the model's next state, they would be at least 0.9 * Q[1, 0] - 0.1 > 0.5")

