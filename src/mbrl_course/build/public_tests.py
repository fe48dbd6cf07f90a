"""One public test case per question: the build refuses a master with more.

Why: otter 7.0.0 prints a line per public test case, "q1_1 - 1 result: ✅ Test case passed"
and that case's success_message, whenever THAT case passes, also beside a failing sibling
(``otter/test_files/abstract_test.py``), so a student would read "passed" next to a failure.
A question therefore has at most one public test; its cases run as ``check.part()`` blocks of
one ``with Checks() as check:`` (``mbrl_envs.checking``).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat

from .points import _test_config

_PUBLIC_CASE = re.compile(r"@test_case\([^)]*hidden=False")


def public_test_problems(master: Path) -> list[str]:
    """One message per question of ``master`` with more than one public test cell."""
    nb = nbformat.read(master, as_version=4)
    public: dict[str, list[str]] = {}
    question, in_tests = None, False
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            match = re.search(r"^name:\s*(\S+)", text, re.M)
            question = match.group(1) if match else "?"
        elif cell.cell_type == "raw" and text.startswith(("# END QUESTION", "# END TESTS")):
            in_tests = False
        elif cell.cell_type == "raw" and text.startswith("# BEGIN TESTS"):
            in_tests = True
        elif in_tests and question and cell.cell_type == "code":
            config, name = _test_config(cell.source)
            if not config.get("hidden", False):  # otter: a test without hidden: is public
                public.setdefault(question, []).append(name)
    return [
        f"{master.stem} {q}: {len(names)} public tests ({', '.join(names)}); otter prints "
        f"'passed' for each passing one beside a failing one, so merge them into one test whose "
        f"cases run as `with check.part():` blocks inside one `with Checks() as check:`"
        for q, names in public.items()
        if len(names) > 1
    ]


def public_cases_per_question(tests_dir: Path) -> Counter[str]:
    """How many public test cases each built test file ``tests_dir/qN_M.py`` declares."""
    return Counter(
        {p.stem: len(_PUBLIC_CASE.findall(p.read_text())) for p in sorted(tests_dir.glob("*.py"))}
    )
