"""mbrl_ref: the reference implementation of the Model-Based RL chapter (hidden from students)."""

__version__ = "0.1.0"
