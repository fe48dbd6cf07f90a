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

@test_case(points=1, hidden=True)
def test_update_teaches_the_model(DynaQ):
    """Every real transition reaches self.model.update(s, a, r, s_prime) exactly once.

    Checks: DynaQ.update/model
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel
    model = ScriptedModel()
    agent = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=model)
    agent.update(1, 3, 0.0, 2, False)
    agent.update(2, 0, -0.5, 4, True)
    expected = [(1, 3, 0.0, 2), (2, 0, -0.5, 4)]
    assert len(model.updates) == 2, f'each real transition must be passed to self.model.update(s, a, r, s_prime) exactly once (step 2 of update); after 2 real updates the model received {len(model.updates)} call(s): {model.updates}'
    for got, want in zip(model.updates, expected, strict=True):
        assert got[:2] == want[:2] and got[3] == want[3] and np.isclose(got[2], want[2]), f'self.model.update should receive (s, a, r, s_prime) = {want}, got {got}'

@test_case(points=2, hidden=True)
def test_update_plans_exactly_n_times(DynaQ):
    """One real step with n planning steps moves the replayed pair exactly n times.

    Checks: DynaQ.update/planning
    """
    import math
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel
    alpha, gamma = (0.5, 0.9)
    for n in (1, 5, 12):
        model = ScriptedModel(pair=(5, 0), outcome=(6, 0.5))
        q = np.zeros((8, 4))
        agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n, model=model, initial_q=q.copy())
        agent.update(1, 1, -1.0, 2, True)
        got = np.asarray(agent.Q, dtype=float)
        target = 0.5
        expected = target * (1 - (1 - alpha) ** n)
        value = got[5, 0]
        if not np.isclose(value, expected, rtol=0, atol=1e-09):
            seen = f'With planning_steps={n} one real step should move Q[5, 0] {n} times towards the target r_hat = {target}, to {expected:.6f}; yours is {value:.6f}'
            moves = None
            if 0 < value < target:
                k = math.log(1 - value / target) / math.log(1 - alpha)
                moves = round(k) if abs(k - round(k)) < 1e-06 else None
            if moves is not None:
                raise AssertionError(f'{seen}, as if it moved {moves} times. Check the number of planning iterations (exactly self.planning_steps).')
            if np.isclose(value, target, rtol=0, atol=1e-09):
                raise AssertionError(f'{seen}: it jumped to the target at once. Each planning update moves Q only alpha of the way (equation 3).')
            raise AssertionError(f"{seen}, which no whole number of updates towards the model's r_hat gives. Check the planning update (equation 3): the model's r_hat, and self.alpha times the difference.")
        direct = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=0, model=ScriptedModel(pair=(5, 0), outcome=(6, 0.5)), initial_q=q.copy())
        direct.update(1, 1, -1.0, 2, True)
        want = np.asarray(direct.Q, dtype=float).copy()
        want[5, 0] = expected
        changed = [(int(i), int(j)) for i, j in np.argwhere(~np.isclose(got, want, rtol=0, atol=1e-09))]
        assert not changed, f'with a model that offers only (5, 0), the planning steps should change only Q[5, 0]; with planning_steps={n} Q also differs from the same update without planning at {changed}. Planning (step 3) updates only the sampled pair.'

@test_case(points=2, hidden=True)
def test_planning_uses_model_predictions(DynaQ):
    """Planning updates the sampled pair towards the model's (s_hat, r_hat), not the real s', r.

    Checks: DynaQ.update/planning
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel
    alpha, gamma = (0.5, 0.9)
    for n, pair, outcome, real in ((3, (5, 0), (6, 1.0), (3, 3, 0.0, 4)), (2, (1, 2), (7, -0.5), (6, 1, 2.0, 0))):
        model = ScriptedModel(pair=pair, outcome=outcome)
        q = np.zeros((8, 4))
        q[outcome[0]] = [0.0, 0.0, 2.0, 0.0]
        agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=n, model=model, initial_q=q.copy())
        agent.update(*real, False)
        got = np.asarray(agent.Q, dtype=float)
        assert pair in model.predicts, f"planning should ask the model what happens after the sampled pair: self.model.sample_experienced() returned {pair}, but self.model.predict was called with {sorted(set(model.predicts)) or 'nothing'}"

        def reachable(target, got=got, pair=pair, n=n):
            return any((np.isclose(got[pair], target * (1 - (1 - alpha) ** k), rtol=0, atol=1e-09) for k in range(1, 2 * n + 3)))
        target = outcome[1] + gamma * 2.0
        if reachable(target) or reachable(outcome[1] + 2.0):
            continue
        real_targets = [real[2] + g * float(np.max(got[real[3]])) for g in (gamma, 1.0)]
        real_targets += [real[2] + g * 2.0 for g in (gamma, 1.0)] + [outcome[1], real[2]]
        if any((reachable(t) for t in real_targets)):
            cause = "Use the model's prediction (s_hat, r_hat) = self.model.predict(s_sim, a_sim) for the sampled pair, not the real s_prime and r."
        else:
            cause = "Check the planning target: the model's r_hat plus gamma times the max over actions of Q[s_hat] (equation 3)."
        raise AssertionError(f'the model predicts {pair} -> (s_hat={outcome[0]}, r_hat={outcome[1]}) with max Q[{outcome[0]}] = 2, so planning updates should move Q[{pair[0]}, {pair[1]}] towards {target:.2f} (equation 3); yours is {got[pair]:.6f}. {cause}')

@test_case(points=2, hidden=True)
def test_planning_target_is_equation_3(DynaQ):
    """A planning update moves the sampled pair to r_hat + gamma * max_a Q[s_hat, a] (alpha = 1).

    Checks: DynaQ.update/planning
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel
    for gamma in (0.9, 0.5):
        for done in (False, True):
            q = np.zeros((8, 4))
            q[6] = [0.0, 2.0, 0.0, 0.0]
            q[5] = [0.0, 0.0, 0.0, 3.0]
            agent = DynaQ(8, 4, alpha=1.0, gamma=gamma, epsilon=0.1, planning_steps=1, model=ScriptedModel(pair=(5, 0), outcome=(6, 1.0)), initial_q=q)
            agent.update(1, 1, 0.0, 2, done)
            got = float(np.asarray(agent.Q, dtype=float)[5, 0])
            want = 1.0 + gamma * 2.0
            if np.isclose(got, want, rtol=0, atol=1e-09):
                continue
            slips = ((1.0 + 2.0, 'the target has no discount: multiply max_a Q[s_hat, a] by self.gamma'), (1.0 + gamma * 0.5, 'the target averages Q[s_hat] over actions: take the max'), (1.0, "the planning target drops gamma * max_a Q[s_hat, a] after a terminal real step: the real step's done does not apply to simulated steps" if done else 'the target uses Q[s_hat, a_sim] (or no bootstrap term): take the max over all actions of Q[s_hat]'), (1.0 + gamma * 3.0, "the target bootstraps from the sampled pair's own state Q[s_sim]: use the model's s_hat"), (gamma * 2.0, "the target leaves out the model's reward r_hat (or uses the real r, 0 here)"))
            cause = next((c for v, c in slips if np.isclose(got, v, rtol=0, atol=1e-09)), None)
            real = f"a {('terminal' if done else 'non-terminal')} real step and "
            raise AssertionError(f'with alpha=1, gamma={gamma}, {real}one planning step on (5, 0) -> (s_hat=6, r_hat=1), where max Q[6] = 2, Q[5, 0] should become the target 1 + {gamma} * 2 = {want:.4f}; yours is {got:.4f}. ' + (f'That is what happens when {cause} (equation 3).' if cause else 'Check the planning target r_hat + gamma * max_a Q[s_hat, a] (equation 3).'))

@test_case(points=1, hidden=True)
def test_direct_update_comes_before_planning(DynaQ):
    """Planning sees the value the direct RL update has just written (step 1 before step 3).

    Checks: DynaQ.update/planning
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel
    alpha, gamma = (0.5, 0.9)
    model = ScriptedModel(pair=(2, 1), outcome=(3, 0.0))
    q = np.zeros((8, 4))
    q[4] = [0.0, 2.0, 0.0, 0.0]
    agent = DynaQ(8, 4, alpha=alpha, gamma=gamma, epsilon=0.1, planning_steps=1, model=model, initial_q=q)
    agent.update(3, 3, 0.5, 4, False)
    got = np.asarray(agent.Q, dtype=float)
    if not (np.isfinite(got[3]).all() and got[3].max() > 1e-12):
        return
    assert not np.isclose(got[2, 1], 0.0, rtol=0, atol=1e-12), f"the real step (3, 3, r=0.5, s'=4) set Q[3, 3] = {got[3, 3]:.4f}, and planning replayed (2, 1) -> s_hat=3 with planning_steps=1 in the same call of update, yet Q[2, 1] is still 0: the one planning update either ran before the direct update or did not happen. Do the steps of update in the order of the instructions (direct RL update, model update, then exactly self.planning_steps planning updates)."

@test_case(points=1, hidden=True)
def test_model_learns_before_planning(DynaQ):
    """The model learns the real transition before planning asks it for simulated pairs.

    Checks: DynaQ.update/model, DynaQ.update/planning
    """
    from mbrl_grader.fakes.dyna import ScriptedModel
    for n in (1, 3):
        model = ScriptedModel(pair=(1, 2), outcome=(3, 0.0), empty_until_update=True)
        agent = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=n, model=model)
        agent.update(1, 2, 0.0, 3, False)
        assert 'update' in model.calls, 'one call of update never passed the real transition to self.model.update (step 2)'
        calls = [c for c in model.calls if c in ('update', 'sample')]
        assert calls[0] == 'update', f'in one call of update the model was asked for a simulated pair (sample_experienced) before it learned the real transition (model.update): calls in order {model.calls}. Update the model (step 2) before planning (step 3), so that the model is never empty when it plans.'
        assert model.samples >= 1 and len(model.predicts) >= 1, f'with planning_steps={n} and a model that knows a pair after the real step, planning should call self.model.predict; it never did'

@test_case(points=3, hidden=True)
def test_planning_spreads_the_goal_value_back(DynaQ):
    """After one trip along a 3-step corridor, planning on the learned model backs the goal's
    value up to the start: Q = 1, gamma, gamma**2 along the corridor.

    Checks: DynaQ.update/model, DynaQ.update/planning
    """
    import numpy as np
    from mbrl_grader.fakes.dyna import ScriptedModel, planning_forgets_gamma
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_ref.models import TabularModel as RefModel

    def step_one_is_wrong():
        try:
            steps = ((0, 1, 0.0, 1, False), (1, 2, 1.0, 2, False), (0, 1, 0.5, 1, False), (2, 3, -1.0, 3, True), (1, 2, 0.0, 2, False))
            ref = RefDynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, rng=np.random.default_rng(0))
            own = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=ScriptedModel())
            for step in steps:
                ref.update(*step)
                own.update(*step)
            return not np.allclose(np.asarray(own.Q, dtype=float), ref.Q, rtol=0, atol=1e-09)
        except Exception:
            return False
    if planning_forgets_gamma(DynaQ) or step_one_is_wrong():
        return
    gamma = 0.9
    agent = DynaQ(6, 4, alpha=1.0, gamma=gamma, epsilon=0.1, planning_steps=100, model=RefModel(6, 4, rng=np.random.default_rng(3)))
    for step in ((0, 3, 0.0, 1, False), (1, 3, 0.0, 2, False), (2, 3, 1.0, 3, True), (5, 0, 0.0, 5, False)):
        agent.update(*step)
    got = np.asarray(agent.Q, dtype=float)[[0, 1, 2], 3]
    want = np.array([gamma ** 2, gamma, 1.0])
    assert np.allclose(got, want, rtol=0, atol=1e-06), f"the agent walked the corridor 0 -> 1 -> 2 -> goal (reward 1 at the goal, alpha=1, gamma={gamma}) and then made one more real step with 100 planning steps. Planning on what the model learned should give Q[0, 3], Q[1, 3], Q[2, 3] = {np.round(want, 3).tolist()}; yours are {np.round(got, 3).tolist()}. Check that every real transition reaches self.model.update and that planning updates the sampled pair with the model's prediction (equation 3)."

@test_case(points=1, hidden=True)
def test_planning_shortens_episode_two(DynaQ, TabularModel):
    """After the same random first episode, n = 50 makes episode 2 of the Dyna maze much shorter.

    Checks: DynaQ.update/model, DynaQ.update/planning
    """
    import numpy as np
    import mbrl_envs
    from mbrl_grader.checks import call_many
    from mbrl_grader.fakes.dyna import ScriptedModel, planning_forgets_gamma
    from mbrl_ref.agents import DynaQ as RefDynaQ
    from mbrl_ref.models import TabularModel as RefModel
    env = mbrl_envs.DynaMaze()
    S, A = (env.n_states, env.n_actions)
    cap = 150

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
        steps = 0
        while steps < cap:
            steps += 1
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

    def step_one_is_wrong():
        try:
            steps = ((0, 1, 0.0, 1, False), (1, 2, 1.0, 2, False), (0, 1, 0.5, 1, False), (2, 3, -1.0, 3, True), (1, 2, 0.0, 2, False))
            ref = RefDynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, rng=np.random.default_rng(0))
            own = DynaQ(6, 4, alpha=0.5, gamma=0.9, epsilon=0.1, planning_steps=0, model=ScriptedModel())
            for step in steps:
                ref.update(*step)
                own.update(*step)
            return not np.allclose(np.asarray(own.Q, dtype=float), ref.Q, rtol=0, atol=1e-09)
        except Exception:
            return False
    if planning_forgets_gamma(DynaQ) or step_one_is_wrong():
        return
    own = own_model_works()
    runs = ((39, 200), (41, 202)) if own else ((39, 200),)
    lengths, baseline = ([], [])
    for run, (walk_seed, act_seed) in enumerate(runs):
        walk = random_walk(walk_seed)
        if own:
            agent = DynaQ(S, A, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=50)
            call_many(agent.update, walk[:-1])
        else:
            model = RefModel(S, A, rng=np.random.default_rng(100 + run))
            for s, a, r, s2, _ in walk[:-1]:
                model.update(s, a, r, s2)
            agent = DynaQ(S, A, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=50, model=model)
        agent.update(*walk[-1])
        lengths.append(second_episode(agent, act_seed, cap=cap))
        ref = RefDynaQ(S, A, alpha=0.1, gamma=0.95, epsilon=0.1, planning_steps=0, rng=np.random.default_rng(0))
        for step in walk:
            ref.update(*step)
        baseline.append(second_episode(ref, act_seed, cap=3000))
    m50, m0 = (float(np.mean(lengths)), float(np.mean(baseline)))
    assert 3 * m50 <= m0, f'after the same random-walk first episode, episode 2 took {m50:.0f} real steps on average with 50 planning steps (runs: {lengths}; each run stopped after {cap} steps if it had not reached G), while Q-learning (0 planning steps) takes {m0:.0f}. Planning should make episode 2 several times shorter (the book: about 37 vs about 743). Check that update() plans with self.model after every real step.'

