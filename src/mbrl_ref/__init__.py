"""mbrl_ref: reference implementation, environments and instructor tooling for the Model-Based RL chapter."""

__version__ = "0.1.0"
