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

@test_case(points=1, hidden=True)
def test_dynaqplus_tau_within_an_episode(DynaQPlus):
    """tau[s, a] is the number of real steps since (s, a) was last tried, after 60 real updates.

    Checks: DynaQPlus.update/tau
    """
    import numpy as np
    from mbrl_ref.agents import DynaQPlus as Ref
    S, A = (7, 4)
    agent = DynaQPlus(S, A, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01)
    ref = Ref(S, A, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01, rng=np.random.default_rng(0))
    rng = np.random.default_rng(11)
    for _ in range(60):
        s, a, s2 = (int(rng.integers(S - 1)), int(rng.integers(A)), int(rng.integers(S)))
        agent.update(s, a, 0.0, s2, False)
        ref.update(s, a, 0.0, s2, False)
    tau = np.asarray(agent.tau)
    want = ref.time - ref.last_tried
    bad = np.argwhere(tau != want)
    if bad.size:
        s, a = (int(i) for i in bad[0])
        raise AssertionError(f'after 60 real steps, tau[{s}, {a}] is {tau[s, a]} but ({s}, {a}) was last tried {want[s, a]} steps ago ({len(bad)} entries differ): tau must grow by one per real step and go back to 0 when the pair is tried')

@test_case(points=1, hidden=True)
def test_dynaqplus_tau_counts_across_episodes(DynaQPlus):
    """tau keeps counting across episode ends: done does not reset the waiting times.

    Checks: DynaQPlus.update/tau
    """
    import numpy as np
    from mbrl_ref.agents import DynaQPlus as Ref
    S, A = (7, 4)
    agent = DynaQPlus(S, A, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01)
    ref = Ref(S, A, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.01, rng=np.random.default_rng(0))
    rng = np.random.default_rng(5)
    for t in range(60):
        s, a, s2 = (int(rng.integers(S - 1)), int(rng.integers(A)), int(rng.integers(S)))
        done = t % 7 == 6
        r = 1.0 if done else 0.0
        agent.update(s, a, r, s2, done)
        ref.update(s, a, r, s2, done)
    tau = np.asarray(agent.tau)
    want = ref.time - ref.last_tried
    bad = np.argwhere(tau != want)
    if bad.size:
        s, a = (int(i) for i in bad[0])
        raise AssertionError(f'over several episodes (done=True every 7 steps), tau[{s}, {a}] is {tau[s, a]} but ({s}, {a}) was last tried {want[s, a]} real steps ago: tau counts real time steps over the whole run; the end of an episode must not reset it')

@test_case(points=1, hidden=True)
def test_dynaqplus_real_update_has_no_bonus(DynaQPlus):
    """With planning off, real updates are plain Q-learning on the real reward, without the bonus.

    Checks: DynaQPlus.update/direct
    """
    import numpy as np
    from mbrl_ref.agents import DynaQPlus as Ref
    from mbrl_grader.checks import assert_close
    S, A = (6, 4)
    rng = np.random.default_rng(2)
    agent = DynaQPlus(S, A, alpha=0.3, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.5)
    ref = Ref(S, A, alpha=0.3, gamma=0.9, epsilon=0.1, planning_steps=0, kappa=0.5, rng=np.random.default_rng(0))
    for t in range(40):
        s, a, s2 = (int(rng.integers(S - 1)), int(rng.integers(A)), int(rng.integers(S)))
        r = float(rng.choice([0.0, 1.0]))
        done = bool(t % 9 == 8)
        agent.update(s, a, r, s2, done)
        ref.update(s, a, r, s2, done)
    try:
        assert_close(agent.Q, ref.Q, 'with planning_steps=0, Q after 40 real updates', rtol=1e-07, atol=1e-09)
    except AssertionError as e:
        raise AssertionError(f'{e}. With planning_steps=0, update must be plain Q-learning on the real reward r (target r when done): the bonus kappa * sqrt(tau) belongs in planning updates only') from None

@test_case(points=2, hidden=True)
def test_dynaqplus_planning_uses_the_bonus(DynaQPlus, bonus_reward):
    """Planning targets are r_hat + kappa * sqrt(tau) of the planned pair (one action, alpha = 1).

    With one action there are no self-loop entries, and state 5 is never updated, so Q[5] = 0 and
    with alpha = 1 each pair's Q is the target of its last planning update. After the 10th real
    step all 3 pairs are planned at least once among its 200 planning steps unless sampling misses
    one: probability <= 3 * (2/3)**200 < 1e-34 for uniform sampling (the given model).

    Checks: DynaQPlus.update/planning
    """
    import math
    import numpy as np
    from mbrl_grader.checks import as_float
    kappa = 0.2
    agent = DynaQPlus(6, 1, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=200, kappa=kappa)
    rewards = {0: 0.25, 1: 0.5, 2: 0.0}
    for s in (0, 1, 2, 2, 2, 1, 2, 2, 2, 2):
        agent.update(s, 0, rewards[s], 5, False)
    q = np.asarray(agent.Q, dtype=float)
    for s, tau in ((0, 9), (1, 4)):
        got = as_float(q[s, 0], f'Q[{s}, 0]')
        want = rewards[s] + kappa * math.sqrt(tau)
        try:
            own = as_float(bonus_reward(rewards[s], tau, kappa))
        except Exception:
            own = want
        if abs(got - want) > 1e-09 and abs(got - own) > 1e-09:
            hint = ''
            if abs(got - rewards[s]) < 1e-09:
                hint = " (that is the model's reward without any bonus: planning must add the bonus)"
            elif abs(got - (rewards[s] + kappa * math.sqrt(tau + 1))) < 1e-09:
                hint = " (that uses tau + 1: use the pair's tau after this step's update, 0 for the pair just tried)"
            raise AssertionError(f"one action, alpha = 1, 200 planning steps; real steps in states 0, 1, 2, 2, 2, 1, 2, 2, 2, 2 (all to state 5, model rewards 0.25, 0.5, 0): after the last step Q[{s}, 0] is {got:.6g}, expected the planning target r_hat + kappa * sqrt(tau) = {want:.6g} with the pair's tau = {tau} (real steps since it was last tried){hint}")

@test_case(points=1, hidden=True)
def test_dynaqplus_untried_actions_are_planned(DynaQPlus):
    """Never-tried actions of a first-visited state are planned as self-loops (s, b) -> (s, 0).

    alpha = 1: the real step sets Q[2, 0] = 1, so a self-loop's planning target is
    bonus + 0.9 * max Q[2] >= 0.9 > 0.5, while (2, b) -> (3, 0) gives only the bonus (Q[3] = 0)
    and an unplanned pair stays 0. All 4 model pairs are drawn in 200 planning steps unless
    sampling misses one: probability <= 4 * (3/4)**200 < 1e-24 for uniform sampling.

    Checks: DynaQPlus.update/model
    """
    import numpy as np
    agent = DynaQPlus(6, 4, alpha=1.0, gamma=0.9, epsilon=0.1, planning_steps=200, kappa=0.1)
    agent.update(2, 0, 1.0, 3, False)
    q = np.asarray(agent.Q, dtype=float)
    wrong = {b: float(q[2, b]) for b in (1, 2, 3) if not q[2, b] > 0.5}
    if wrong:
        b, value = next(iter(wrong.items()))
        what = 'were never planned' if value == 0 else 'were planned as if it led to another state (its value does not include gamma * max Q[2])'
        raise AssertionError(f'after the first visit of state 2 (action 0 tried, reward 1, alpha = 1) and 200 planning steps, Q[2, {b}] is {value:.6g}: the never-tried actions {sorted(wrong)} {what}; they should be in the model as self-loops (2, b) -> (2, reward 0)')
    assert np.all(q[[0, 1, 4, 5]] == 0), 'states that were never visited should not be planned'

@test_case(points=1, hidden=True)
def test_dynaqplus_model_keeps_what_was_learned(DynaQPlus, bonus_reward):
    """The real transition is in the model before planning; self-loops are added only on the
    FIRST visit, with reward 0, and never overwrite a learned transition (instruction 3).

    kappa = 0, alpha = 1, so Q values are exact targets. The last update's 200 planning steps
    draw all 4 model pairs unless sampling misses one: probability <= 4 * (3/4)**200 < 1e-24.

    Checks: DynaQPlus.update/model
    """
    import numpy as np
    from mbrl_grader.checks import as_float
    agent = DynaQPlus(3, 1, alpha=0.5, gamma=0.9, epsilon=0.0, planning_steps=1, kappa=0.0)
    agent.update(0, 0, 1.0, 1, False)
    try:
        plain = all((abs(as_float(bonus_reward(r, t, 0.0)) - r) < 1e-12 for r in (0.0, 1.0) for t in range(8)))
    except Exception:
        plain = False
    if not plain:
        return
    first = as_float(np.asarray(agent.Q, dtype=float)[0, 0], 'Q[0, 0]')
    assert abs(first - 0.75) < 1e-09, f'one action, alpha = 0.5, kappa = 0, planning_steps = 1: the first update(0, 0, r=1, ...) should give Q[0, 0] = 0.5 (real) then 0.75 (planning the transition just stored), got {first:.6g}: store the real transition in the model before planning'
    agent = DynaQPlus(6, 2, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=200, kappa=0.0)
    for s, a, r, s2 in ((2, 1, 0.0, 3), (2, 0, 1.0, 4), (5, 0, 0.0, 3), (2, 1, 0.0, 3)):
        agent.update(s, a, r, s2, False)
    q = np.asarray(agent.Q, dtype=float)
    assert abs(q[2, 0] - 1.0) < 1e-09, f'steps (2, 1) -> 3, (2, 0) -> 4 with r = 1, (5, 0) -> 3, then (2, 1) -> 3 again (alpha = 1, kappa = 0): Q[2, 0] should stay 1 (the learned transition (2, 0) -> (4, 1)), got {q[2, 0]:.6g}: add the self-loops only on the FIRST visit of a state, never over a transition the agent has learned'
    assert abs(q[5, 1]) < 1e-09, f"(5, 1) was never tried, so its self-loop (5, 1) -> (5, reward 0) with kappa = 0 keeps Q[5, 1] = 0, got {q[5, 1]:.6g}: the self-loop's reward is 0"

@test_case(points=1, hidden=True)
def test_dynaqplus_planning_bootstraps_from_the_best_action(DynaQPlus, bonus_reward):
    """A planning update bootstraps from max over Q[s'] (the Q-learning target), like the real one.

    kappa = 0 and alpha = 1, so every Q value is an exact target: Q[1, 0] = 1 (terminal),
    Q[1, 1] = 0.9 (its self-loop), Q[0, 0] = 0.9 * max Q[1] = 0.9 whatever the planning order.
    A target that is not the max leaves Q[0, 0] = 0.9 only if (0, 0) is never drawn in 200
    planning steps over 4 pairs: probability (3/4)**200 < 1e-24.

    Checks: DynaQPlus.update/planning
    """
    import numpy as np
    from mbrl_grader.checks import as_float
    agent = DynaQPlus(3, 2, alpha=1.0, gamma=0.9, epsilon=0.0, planning_steps=200, kappa=0.0)
    agent.update(1, 0, 1.0, 2, True)
    agent.update(0, 0, 0.0, 1, False)
    try:
        plain = all((abs(as_float(bonus_reward(r, t, 0.0)) - r) < 1e-12 for r in (0.0, 1.0) for t in range(8)))
    except Exception:
        plain = False
    if not plain:
        return
    q00 = as_float(np.asarray(agent.Q, dtype=float)[0, 0], 'Q[0, 0]')
    assert abs(q00 - 0.9) < 1e-09, f"after update(1, 0, r=1, s'=2, done) and update(0, 0, r=0, s'=1) with alpha = 1, gamma = 0.9, kappa = 0 and 200 planning steps, Q[0, 0] should be 0.9 * max(Q[1]) = 0.9, got {q00:.6g}: a planning update's target is r + gamma * max over a' of Q[s', a'], as in the real update"

