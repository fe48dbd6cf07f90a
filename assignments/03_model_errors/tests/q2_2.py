from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (no bonus at tau = 0, one exact value). The grade also checks more values of r, tau and kappa.")
def test_bonus_reward_basics(bonus_reward):
    """Public: one number, no bonus at tau = 0, and kappa * sqrt(tau) growing with tau.

    Checks: bonus_reward
    """
    import numpy as np
    value = bonus_reward(0.5, 0, 0.1)
    assert np.isscalar(value) or np.ndim(value) == 0, 'bonus_reward should return one number'
    assert abs(float(value) - 0.5) < 1e-12, 'with tau = 0 (just tried) there is no bonus: bonus_reward(r, 0, kappa) should be r'
    small, big = (float(bonus_reward(0.0, 4, 0.1)), float(bonus_reward(0.0, 100, 0.1)))
    assert 0 < small < big, 'the bonus should be positive and grow with tau'
    if abs(small - 0.2) > 1e-09:
        hint = ' (that is kappa * tau: take the square root of tau)' if abs(small - 0.4) < 1e-09 else ''
        raise AssertionError(f'bonus_reward(0, 4, 0.1) returned {small:.6g}; the bonus is kappa * sqrt(tau) = 0.1 * sqrt(4) = 0.2{hint}')

