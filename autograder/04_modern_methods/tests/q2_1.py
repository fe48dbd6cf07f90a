from otter.test_files import test_case

OK_FORMAT = False

name = "q2_1"
points = 5

@test_case(points=1, hidden=False, 
    success_message="OK: random_shooting_action returns an int action, the first action of the only rewarding sequence, and passes one small model per instruction (rollout length, imagined states, discount, unknown moves, negative returns). After you submit, the grade also runs MPC on a task and checks more models.")
def test_shooting_public(random_shooting_action):
    """Public: an int action, the FIRST action of the only rewarding sequence, and one small model per instruction (rollouts of `horizon` steps, imagined states, gamma**t, (None, None), negative returns).

    Case 1 (was `test_shooting_returns_first_action_of_best_sequence`): an int in
    range(model.n_actions); the FIRST action of the only rewarding sequence.
    With 60 candidates of 2 binary actions, the rewarding sequence (1 of 4) is missed with P =
    0.75**60 < 1e-7.
    Case 2 (was `test_shooting_small_models`): rollouts of `horizon` steps, imagined states,
    gamma**t, (None, None), negative returns.
    Each case has horizon <= 2 and 60 candidates of at most 4 sequences: a needed sequence is
    missed with P <= 0.75**60 < 1e-7 (6 calls: P < 1e-6).

    Every case runs in its own `check.part()`: a case that cannot run does not stop the others.

    Checks: random_shooting_action
    """
    from mbrl_envs.checking import Checks
    with Checks() as check:
        with check.part():
            import random
            import numpy as np
            np.random.seed(0)
            random.seed(0)

            class OnlyOneWay:
                n_actions = 2

                def predict(self, s, a):
                    s, a = (int(s), int(a))
                    if s == 0:
                        return (1, 0.0) if a == 1 else (2, 0.0)
                    if s == 1:
                        return (2, 1.0) if a == 0 else (2, 0.0)
                    return (2, 0.0)
            a = check.call('random_shooting_action', random_shooting_action, OnlyOneWay(), 0, 2, 60)
            check.require(isinstance(a, (int, np.integer)) and (not isinstance(a, bool)), 'random_shooting_action should return one int action, got {!r}'.format(a))
            check.expect(0 <= int(a) < 2, 'the action must be in range(model.n_actions), got {}'.format(a))
            check.expect(int(a) == 1 or not 0 <= int(a) < 2, 'only the sequence (1, 0) collects reward from state 0 (horizon 2, 60 candidates), so MPC must execute its FIRST action, 1, and keep the sequence with the HIGHEST return; got {}'.format(a))
        with check.part():
            import random
            import numpy as np
            np.random.seed(1)
            random.seed(1)

            class Depth:
                n_actions = 2

                def __init__(self):
                    self.deepest = -1

                def predict(self, s, a):
                    self.deepest = max(self.deepest, int(s))
                    return (int(s) + 1, 0.0)

            class TwoSteps:
                n_actions = 2

                def predict(self, s, a):
                    s, a = (int(s), int(a))
                    if s == 0:
                        return (1, 0.0) if a == 0 else (9, 1.0)
                    if s == 1:
                        return (9, 5.0) if a == 1 else (9, 0.0)
                    return (9, 0.0)

            class SoonOrLater:
                n_actions = 2

                def predict(self, s, a):
                    s, a = (int(s), int(a))
                    if s == 0:
                        return (9, 1.0) if a == 0 else (1, 0.0)
                    if s == 1:
                        return (9, 3.0)
                    return (9, 0.0)

            class Unknown:
                n_actions = 2

                def predict(self, s, a):
                    s, a = (int(s), int(a))
                    if s == 5:
                        return (None, None)
                    if s == 0 and a == 1:
                        return (5, 1.0)
                    return (1, 0.0)

            class OneOfFour:
                n_actions = 4

                def predict(self, s, a):
                    if int(s) != 0:
                        return (None, None)
                    return (9, float(int(a) == 3))

            class Costs:
                n_actions = 2

                def predict(self, s, a):
                    if int(s) == 9:
                        return (None, None)
                    return (9, -0.1 if int(a) == 1 else -1.0)

            def act(model, *args, **kwargs):
                return int(np.ravel(check.call('random_shooting_action', random_shooting_action, model, *args, **kwargs))[0])
            depth = Depth()
            act(depth, 0, 3, 10)
            two = act(TwoSteps(), 0, 2, 60, gamma=1.0)
            low, high = (act(SoonOrLater(), 0, 2, 60, gamma=0.2), act(SoonOrLater(), 0, 2, 60, gamma=1.0))
            four, costs = (act(OneOfFour(), 0, 1, 60), act(Costs(), 0, 1, 60))
            best_lost = four != 3 and costs != 1
            unsure = ' (the one-step cases of this check show that the best candidate is not kept, which alone can explain this)' if best_lost else ''
            check.expect(depth.deepest == 2, 'with horizon 3 every imagined rollout takes 3 steps, so the model is asked about imagined steps 0, 1 and 2 only; your rollouts reached step {}: draw n_candidates sequences, each of exactly `horizon` actions'.format(depth.deepest))
            check.expect(two == 0, 'reward 5 needs action 0 from state 0 and then action 1 from the IMAGINED next state 1, so the best first action is 0; you chose {}{}'.format(two, unsure or ': apply each action to the state the model predicted for the previous one'))
            check.expect((low, high) == (0, 1), 'reward 1 now or reward 3 one step later: with gamma = 0.2 the returns are 1 and 0.2 * 3 = 0.6 (expected action 0), with gamma = 1 they are 1 and 3 (expected 1); you chose {} and {}{}'.format(low, high, unsure or ': add gamma**t * r for the reward of step t, with the gamma argument'))
            if best_lost:
                check.expect(False, 'in two one-step cases MPC did not choose the best first action: with 4 actions only action 3 pays (you chose {}), and when every move costs, action 1 costs least (you chose {}): keep the candidate with the HIGHEST return'.format(four, costs))
            else:
                check.expect(four == 3, 'with 4 actions, horizon 1 and 60 candidates, the candidates include action 3 (the only one that pays) and MPC must choose it; got {}: draw each action from all model.n_actions actions'.format(four))
                check.expect(costs == 1, 'all returns are negative here (action 1 costs 0.1, action 0 costs 1), so the best sequence starts with 1; got {}: do not start the search from a best return of 0 (or a default action); start from -infinity or from the first candidate'.format(costs))
            unknown = int(np.ravel(check.call_explained('when the model returns (None, None), stop that rollout and keep the return collected so far', 'random_shooting_action', random_shooting_action, Unknown(), 0, 2, 60, gamma=0.9))[0])
            check.expect(unknown == 1, 'sequences starting with action 1 collect reward 1 before the model returns (None, None), so the best first action is 1; you chose {}{}'.format(unknown, unsure or ': keep the return collected so far when a rollout stops'))

@test_case(points=1.5, hidden=True)
def test_shooting_mpc_reaches_goal(random_shooting_action):
    """Hidden: replanning with random shooting walks a 3-cell corridor with step costs in 2 steps.

    From cell 0 the only best sequence (right, right: 1 of 4) is missed with P = 0.75**60 < 1e-7.

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class Corridor:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 2:
                return (None, None)
            s2 = min(s + 1, 2) if a == 1 else max(s - 1, 0)
            return (s2, 0.0 if s2 == 2 else -1.0)

    class Depth:
        n_actions = 3

        def __init__(self):
            self.deepest = -1

        def predict(self, s, a):
            self.deepest = max(self.deepest, int(s))
            return (int(s) + 1, 0.0)
    depth = Depth()
    random_shooting_action(depth, 0, 4, 3)
    assert depth.deepest == 3, 'with horizon 4 and 3 candidates every imagined rollout takes 4 steps (imagined steps 0 to 3); your rollouts reached step {}: draw n_candidates sequences of `horizon` actions'.format(depth.deepest)
    one = as_int(random_shooting_action(Corridor(), 0, 2, 1), 'random_shooting_action(..., n_candidates=1)')
    assert one in (0, 1), 'with a single candidate the action must still be in range(2), got {}'.format(one)
    model, s, path = (Corridor(), 0, [0])
    try:
        for _ in range(5):
            a = as_int(random_shooting_action(model, s, 2, 60, gamma=0.95), 'action')
            assert a in (0, 1), 'the action must be in range(model.n_actions), got {}'.format(a)
            s = model.predict(s, a)[0]
            path.append(s)
            if s == 2:
                break
    except TypeError as e:
        raise AssertionError('running MPC in a corridor whose goal is terminal (the model returns (None, None) there) crashed: {}'.format(e)) from None
    assert path == [0, 1, 2], 'MPC (horizon 2, 60 candidates, every move costs 1 until the goal 2 cells to the right) should walk straight to the goal, path [0, 1, 2]; your actions gave the path {}: score each sequence by its imagined discounted return from the current state and execute the first action of the best one'.format(path)

@test_case(points=0.5, hidden=True)
def test_shooting_picks_first_action_of_best_sequence(random_shooting_action):
    """Hidden: 4 actions; only sequences starting with action 3 pay. Missed with P = 0.75**80.

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class OneGoodMove:
        n_actions = 4

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return (1, 0.0) if a == 3 else (2, 0.0)
            return (1, 1.0) if s == 1 else (None, None)
    got = as_int(random_shooting_action(OneGoodMove(), 0, 2, 80), 'random_shooting_action(...)')
    assert got == 3, 'only sequences that START with action 3 collect reward here, so MPC must execute the FIRST action of the best sequence (3); your action was {}'.format(got)

@test_case(points=0.5, hidden=True)
def test_shooting_uses_discount(random_shooting_action):
    """Hidden: gamma = 0 counts step 0 only; reward 1 now vs 2.5 later with gamma 0.3 and 0.5 (P < 1e-7).

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class NowOrLater:
        n_actions = 2

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return (9, 1.0) if a == 1 else (1, 0.0)
            if s == 1:
                return (9, 2.5)
            return (None, None)

    class OneOfEight:
        n_actions = 8

        def predict(self, s, a):
            if int(s) != 0:
                return (None, None)
            return (9, float(int(a) == 7))
    now = as_int(random_shooting_action(OneOfEight(), 0, 1, 150, gamma=0.0), 'action')
    assert now == 7, 'with gamma = 0 only the reward of step 0 counts (gamma**0 = 1); action 7 pays 1 now, so the answer is 7, got {}: the reward of step t is weighted by gamma**t'.format(now)
    low = as_int(random_shooting_action(NowOrLater(), 0, 2, 60, gamma=0.3), 'action')
    high = as_int(random_shooting_action(NowOrLater(), 0, 2, 60, gamma=0.5), 'action')
    assert (low, high) == (1, 0), 'reward 1 now (action 1) or 2.5 one step later (action 0): the returns are 1 and 0.3 * 2.5 = 0.75 with gamma = 0.3 (expected 1), 1 and 0.5 * 2.5 = 1.25 with gamma = 0.5 (expected 0); you chose {} and {}: discount the reward of step t by gamma**t, using the gamma argument'.format(low, high)

@test_case(points=0.5, hidden=True)
def test_shooting_stops_at_unknown(random_shooting_action):
    """Hidden: the return before (None, None) is kept, and the rollout stops there (P < 1e-10).

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class Partial:
        n_actions = 2

        def predict(self, s, a):
            if int(s) == 5:
                return (None, None)
            if int(s) == 0 and int(a) == 1:
                return (5, 1.0)
            return (1, 0.0)
    try:
        got = as_int(random_shooting_action(Partial(), 0, 3, 60, gamma=0.9), 'action')
    except TypeError as e:
        raise AssertionError('random_shooting_action crashed when the model returned (None, None) for an unknown state ({}): stop that rollout and keep its return so far'.format(e)) from None
    assert got == 1, 'the sequences starting with action 1 collect reward 1 before the model runs out of knowledge; keep the return collected before (None, None): the answer is 1, got {}'.format(got)

    class Gap:
        n_actions = 3

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 0:
                return {1: (1, 1.0), 2: (9, 0.5)}.get(a, (None, None))
            if s == 1:
                return (1, -5.0)
            return (None, None)
    got = as_int(random_shooting_action(Gap(), 0, 2, 60, gamma=0.9), 'action')
    assert got == 2, 'from state 0 the model knows nothing about action 0, so a sequence starting with 0 ends there with return 0; action 1 leads to costs (1 - 0.9 * 5 < 0) and action 2 returns 0.5, so the answer is 2, got {}: STOP the rollout at (None, None) (do not skip the unknown step and go on)'.format(got)

@test_case(points=0.5, hidden=True)
def test_shooting_follows_imagined_states(random_shooting_action):
    """Hidden: a reward two imagined steps away (3 actions, 150 candidates: missed with P < 1e-7).

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class TwoStep:
        n_actions = 3

        def predict(self, s, a):
            s, a = (int(s), int(a))
            if s == 9:
                return (None, None)
            if s == 0 and a == 2:
                return (1, 0.0)
            if s == 0 and a == 1:
                return (9, 1.0)
            if s == 1 and a == 0:
                return (9, 5.0)
            return (9, 0.0)
    got = as_int(random_shooting_action(TwoStep(), 0, 2, 150), 'action')
    assert got == 2, 'the reward 5 needs action 2 from state 0 and then action 0 from the imagined next state 1: each action must be applied to the state the model predicted for the previous one (not to the start state); expected 2, got {}'.format(got)

@test_case(points=0.5, hidden=True)
def test_shooting_negative_returns(random_shooting_action):
    """Hidden: when every sequence has a negative return the least bad one still wins (P < 1e-10).

    Checks: random_shooting_action
    """
    from mbrl_grader.checks import as_int

    class AllCosts:
        n_actions = 3

        def predict(self, s, a):
            if int(s) != 0:
                return (None, None)
            return (9, -0.2 if int(a) == 1 else -1.0)
    got = as_int(random_shooting_action(AllCosts(), 0, 2, 60, gamma=0.9), 'action')
    assert got == 1, 'every action costs something here and action 1 costs least, so MPC should choose 1; got {}: the best sequence is the one with the highest return even when all returns are negative (do not start from a best return of 0)'.format(got)

