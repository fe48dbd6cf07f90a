"""Benchmark: `mbrl-course similarity` on 500 synthetic submissions of one notebook (target < 60 s).

Each synthetic submission is one of the notebook's correct or buggy variants from
``tests/submissions/NN/``, disguised differently (identifiers renamed at random, definitions
reordered, comments added), injected into the handout notebook; a few are planted copies of
another synthetic submission. Times the whole command (reading the notebooks, fingerprinting,
all pairs, CSV and HTML; wall and CPU time, since the machine is shared), and prints the lowest
score of a planted copy against the highest score of two submissions made from different
correct variants (same-variant pairs are copies of each other too, and the bug variants are
one-line edits of a correct one). Asserts nothing.

    .venv/bin/python bench/similarity.py [--n 500] [--assignment 02_dyna]
"""

from __future__ import annotations

import argparse
import ast
import builtins
import csv
import os
import random
import sys
import tempfile
import time
from contextlib import redirect_stdout
from io import StringIO
from pathlib import Path

import nbformat

from mbrl_course import similarity
from mbrl_course.cli import main as cli_main
from mbrl_course.corpus.inject import make_submission
from mbrl_course.course import default_layout

REPO = Path(__file__).resolve().parents[1]


def disguise(source: str, keep: set[str], rng: random.Random) -> str:
    """Rename every identifier outside the graded API, shuffle definitions, add comments."""
    tree = ast.parse(source)
    keep = keep | set(dir(builtins)) | {"np", "self", "random", "math"}
    mapping: dict[str, str] = {}

    class Rename(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.Name:
            if node.id not in keep:
                node.id = mapping.setdefault(node.id, f"v{rng.randrange(10**6)}")
            return node

        def visit_arg(self, node: ast.arg) -> ast.arg:
            if node.arg not in keep:
                node.arg = mapping.setdefault(node.arg, f"a{rng.randrange(10**6)}")
            return node

    tree = Rename().visit(tree)
    body = list(tree.body)
    rng.shuffle(body)
    tree.body = body
    lines = ast.unparse(tree).splitlines()
    return "\n".join(ln + ("  # note" if rng.random() < 0.2 else "") for ln in lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    """Write the synthetic corpus to a temporary folder and time the command on it."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--assignment", default="02_dyna")
    ap.add_argument("--copies", type=int, default=5)
    ns = ap.parse_args(argv)
    layout = default_layout(REPO)
    name = ns.assignment
    student = nbformat.read(layout.assignments / name / f"{name}.ipynb", as_version=4)
    graded = similarity.graded_names(layout.autograder / name)
    variants = sorted((REPO / "tests" / "submissions" / name).glob("[cb][ou]*_*.py"))
    rng = random.Random(0)
    with tempfile.TemporaryDirectory(prefix="bench-similarity-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        sources, origin = [], {}
        for i in range(ns.n - ns.copies):
            variant = rng.choice(variants)
            src = disguise(variant.read_text(), graded, rng)
            sources.append(src)
            origin[f"student_{i:04d}.ipynb"] = variant.stem
            nbformat.write(make_submission(student, src), subs / f"student_{i:04d}.ipynb")
        for j in range(ns.copies):
            src = disguise(sources[j], graded, rng)
            origin[f"copy_of_{j:04d}.ipynb"] = origin[f"student_{j:04d}.ipynb"]
            nbformat.write(make_submission(student, src), subs / f"copy_of_{j:04d}.ipynb")
        start, cpu = time.perf_counter(), time.process_time()
        with redirect_stdout(StringIO()) as shown:
            cli_main(
                [
                    "similarity",
                    str(subs),
                    "--assignment",
                    name,
                    "--out",
                    str(Path(tmp) / "out"),
                    "--root",
                    str(REPO),
                    "--top",
                    str(ns.copies),
                ]
            )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert shown.getvalue()
        with (Path(tmp) / "out" / "similarity.csv").open() as fh:
            rows = list(csv.DictReader(fh))
    planted = [
        float(r["score"])
        for r in rows
        if {r["submission_a"], r["submission_b"]}
        in ({f"student_{j:04d}.ipynb", f"copy_of_{j:04d}.ipynb"} for j in range(ns.copies))
    ]
    # the bug_* variants are one-line edits of one correct variant: near-copies of each other
    independent = [
        float(r["score"])
        for r in rows
        if origin[r["submission_a"]] != origin[r["submission_b"]]
        and origin[r["submission_a"]].startswith("correct_")
        and origin[r["submission_b"]].startswith("correct_")
    ]
    pairs = ns.n * (ns.n - 1) // 2
    print(
        f"{name}: {ns.n} submissions, {pairs} pairs: {seconds:.1f} s wall, {cpu:.1f} s CPU "
        f"(target 60 s); planted copies score >= {min(planted):.2f}, pairs of independently "
        f"written correct variants <= {max(independent):.2f}"
    )
    print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main(sys.argv[1:])
