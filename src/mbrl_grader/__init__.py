"""What runs at grading time: the trusted runner, the sandbox, the checks and fakes hidden tests
import, the Gradescope entry point and the one result model. Shipped in every autograder zip
(with :mod:`mbrl_ref`); never importable from a student's code while it is graded."""
