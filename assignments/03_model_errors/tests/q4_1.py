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

