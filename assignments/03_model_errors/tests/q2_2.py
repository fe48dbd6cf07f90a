from otter.test_files import test_case

OK_FORMAT = False

name = "q2_2"
points = 2

@test_case(points=1, hidden=False, 
    success_message="Public checks passed (no bonus at tau = 0, one exact value). The grade also checks more values of r, tau and kappa.")
def test_bonus_reward_basics(bonus_reward):
    """Public: one number; r itself at tau = 0; a positive bonus growing with tau; kappa * sqrt(tau).

    Checks: bonus_reward
    """
    import numpy as np
    from mbrl_envs.checking import Checks
    with Checks() as check:
        value = check.call('bonus_reward', bonus_reward, 0.5, 0, 0.1)
        check.require(np.size(value) == 1, f'bonus_reward should return one number, got {value!r}')
        check.expect(abs(float(np.ravel(value)[0]) - 0.5) < 1e-12, f'with tau = 0 (just tried) there is no bonus: bonus_reward(0.5, 0, 0.1) should be r = 0.5, got {float(np.ravel(value)[0]):.6g}')
        small = float(np.ravel(check.call('bonus_reward', bonus_reward, 0.0, 4, 0.1))[0])
        big = float(np.ravel(check.call('bonus_reward', bonus_reward, 0.0, 100, 0.1))[0])
        check.expect(0 < small < big, f'the bonus should be positive and grow with tau: bonus_reward(0, 4, 0.1) = {small:.6g} and bonus_reward(0, 100, 0.1) = {big:.6g}')
        hint = ' (that is kappa * tau: take the square root of tau)' if abs(small - 0.4) < 1e-09 else ''
        check.expect(abs(small - 0.2) < 1e-09, f'bonus_reward(0, 4, 0.1) returned {small:.6g}; the bonus is kappa * sqrt(tau) = 0.1 * sqrt(4) = 0.2{hint}')

