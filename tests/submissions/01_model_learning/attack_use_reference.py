"""Attack: hand in the hidden reference implementation instead of writing TabularModel.

Tries `import mbrl_ref`, then reading mbrl_ref/models.py from likely places on disk (site-packages,
a source checkout) and executing it. Under otter's Gradescope layout the reference sits next to the
notebook. Here it is neither importable nor readable in the worker, so the stub remains and the
attack earns 0; a successful theft would earn the 10 TabularModel points.
"""

import glob
import sys

TabularModel = None
try:
    from mbrl_ref.models import TabularModel
except Exception:
    _candidates = glob.glob(sys.prefix + "/lib/python3*/site-packages/mbrl_ref/models.py")
    _candidates += glob.glob("/work/*/src/mbrl_ref/models.py") + glob.glob(
        "/*/*/src/mbrl_ref/models.py"
    )
    _candidates += glob.glob("mbrl_ref/models.py") + glob.glob(
        "/autograder/source/files/mbrl_ref/models.py"
    )
    for _path in _candidates:
        try:
            _ns = {"__name__": "stolen"}
            with open(_path) as _f:
                exec(compile(_f.read(), _path, "exec"), _ns)
            TabularModel = _ns["TabularModel"]
            break
        except Exception:
            continue

if TabularModel is None:

    class TabularModel:
        """Nothing could be stolen: the stub."""

        def __init__(self, n_states, n_actions, rng=None):
            raise NotImplementedError("TabularModel")
