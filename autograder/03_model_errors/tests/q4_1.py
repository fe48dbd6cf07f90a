from otter.test_files import test_case

OK_FORMAT = False

name = "q4_1"
points = 3

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (k = 0, and k = 1, 2 with a non-uniform policy on a 3-state chain). The grade also compares exact k-step distributions on random chains and the slippery grid.")
def test_k_step_distribution_basics(k_step_distribution):
    """Public: k = 0 is the start state; k = 1, 2 on a 3-state chain with a non-uniform policy.

    Checks: k_step_distribution
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    T = np.zeros((3, 2, 3))
    T[0, 0, 1] = T[0, 1, 2] = 1.0
    T[1, :, 2] = 1.0
    T[2, :, 2] = 1.0
    policy = np.full((3, 2), 0.5)
    with Checks() as check:
        d0 = np.asarray(check.call('k_step_distribution', k_step_distribution, T, 0, policy, 0), dtype=float)
        check.require(d0.shape == (3,), f'the result should have shape (S,) = (3,), got {d0.shape}')
        check.expect(np.allclose(d0, [1, 0, 0]), f'with k = 0 the state is the start state for sure: expected [1, 0, 0], got {d0.tolist()}')
        d1 = np.asarray(check.call('k_step_distribution', k_step_distribution, T, 0, policy, 1), dtype=float)
        check.expect(d1.shape == (3,) and abs(d1.sum() - 1) < 1e-09, f'a distribution must sum to 1, got {d1.tolist()} (sum {d1.sum():.6g})')
        check.expect(np.all(d1 >= -1e-12), f'probabilities cannot be negative, got {d1.tolist()}')
        skewed = policy.copy()
        skewed[0] = [0.75, 0.25]
        for k, want in ((1, [0.0, 0.75, 0.25]), (2, [0.0, 0.0, 1.0])):
            got = np.asarray(check.call('k_step_distribution', k_step_distribution, T, 0, skewed, k), dtype=float)
            check.expect(got.shape == (3,) and np.allclose(got, want), f"from state 0 with policy[0] = [0.75, 0.25] (action 0 -> state 1, action 1 -> state 2; states 1 and 2 go to 2), d_{k} should be {want}, got {got.tolist()}: d_k+1(s') = sum_s d_k(s) sum_a policy[s, a] T[s, a, s'], k times")

@test_case(points=1, hidden=True)
def test_k_step_distribution_random_chain(k_step_distribution):
    """k_step_distribution matches the exact k-step distribution on a random 5-state chain.

    Checks: k_step_distribution
    """
    import numpy as np
    from mbrl_grader.checks import assert_close
    from mbrl_ref.model_errors import k_step_distribution as ref
    rng = np.random.default_rng(7)
    T = rng.dirichlet(np.ones(5), size=(5, 3))
    policy = rng.dirichlet(np.ones(3), size=5)
    for start, k in [(0, 1), (2, 2), (4, 5), (1, 9)]:
        got = k_step_distribution(T.copy(), start, policy.copy(), k)
        assert_close(got, ref(T, start, policy, k), f'k_step_distribution(T, start={start}, policy, k={k}) on a random 5-state chain', rtol=1e-07, atol=1e-10)

@test_case(points=1, hidden=True)
def test_k_step_distribution_gridworld(k_step_distribution):
    """k_step_distribution matches the exact k-step distribution on the slippery grid world.

    Checks: k_step_distribution
    """
    import numpy as np
    from mbrl_envs import StochasticGridWorld
    from mbrl_grader.checks import assert_close
    from mbrl_ref.model_errors import k_step_distribution as ref
    env = StochasticGridWorld(slip=0.2)
    T = env.transition_matrix()
    greedy = np.zeros((env.n_states, 4))
    greedy[np.arange(env.n_states), np.arange(env.n_states) % 4] = 1.0
    policy = 0.8 * greedy + 0.05
    for k in (3, 12):
        got = k_step_distribution(T.copy(), env.start_state, policy.copy(), k)
        assert_close(got, ref(T, env.start_state, policy, k), f'k_step_distribution on the slippery grid with k={k}', rtol=1e-07, atol=1e-10)

