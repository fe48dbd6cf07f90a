"""Grader-side fakes that hidden tests share (recording environments, scripted models, ...).

One module per notebook (``model_learning``, ``dyna``, ``model_errors``, ``modern``). Hidden tests
import them inside the test function (``from mbrl_grader.fakes.dyna import RecordingEnv``), so
each otter test cell stays one self-contained function without re-declaring the same helpers.
"""
