"""Sandbox for grading: the student's code runs ONLY in an isolated worker process.

- :mod:`.worker`: the untrusted process (runs the notebook's cells, then answers RPCs);
- :mod:`.rpc`: length-prefixed frames of strict tagged JSON (no pickle, allow-listed dtypes);
- :mod:`.client`: the grader's side (starts the worker, deadlines, re-entrant callbacks);
- :mod:`.proxy`: grader-side stand-ins for student objects (no ``==``/``bool``/``len``...);
- :mod:`.isolation`: namespaces, hidden paths, privilege drop, resource limits, fallback.
"""
