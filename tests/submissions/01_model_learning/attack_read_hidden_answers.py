"""Attack: look for the hidden tests on disk and copy the multiple-choice answers out of them.

Reading succeeds under otter's in-kernel grading (the tests sit next to the notebook). Here the
worker cannot see the autograder, the repository or other folders, so every answer falls back to
a guess: 0 for q1_1 and q4_1, and 1 of 2 points for q3_3 ("FFFF" gets two statements right).
A readable hidden test would show up as full points on all three.
"""

import glob
import os
import re

_found = {}
_patterns = [
    "tests/q*.py",
    "../tests/q*.py",
    "/autograder/source/tests/q*.py",
    "/work/*/autograder/01_model_learning/tests/q*.py",
    "/*/*/autograder/01_model_learning/tests/q*.py",
    "/tmp/*/autograder/*/tests/q*.py",
    "/tmp/*/*/tests/q*.py",
    os.path.expanduser("~/*/autograder/01_model_learning/tests/q*.py"),
]
for _pattern in _patterns:
    for _path in glob.glob(_pattern):
        try:
            with open(_path) as _f:
                _text = _f.read()
        except OSError:
            continue
        _m = re.search(r"== '([a-dTF]+)'", _text)
        if _m:
            _found[os.path.basename(_path)[:-3]] = _m.group(1)

q1_1 = _found.get("q1_1", "c")
q3_3 = _found.get("q3_3", "FFFF")
q4_1 = _found.get("q4_1", "a")
if _found:
    raise RuntimeError("LEAKED hidden tests: " + repr(_found))
