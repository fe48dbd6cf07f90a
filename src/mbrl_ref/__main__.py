"""Command line: ``python -m mbrl_ref reproduce {fig8.2,fig8.4,fig8.5} [options]``.

Runs one of Sutton & Barto's Chapter 8 experiments, prints a summary table (mean ± standard error
at the book's checkpoints, next to the expected values), shows a progress bar on stderr, and
optionally writes the result as JSON (``--json``) and the figure (``--plot``). matplotlib is only
imported when ``--plot`` is given, so ``--json`` alone stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .experiments import FIGURES

__all__ = ["build_parser", "main", "reproduce", "summary_table"]

CONFIGS = {"fig8.2": "Fig82Config", "fig8.4": "Fig84Config", "fig8.5": "Fig85Config"}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and documentation)."""
    parser = argparse.ArgumentParser(prog="python -m mbrl_ref", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("reproduce", help="reproduce a Sutton & Barto Chapter 8 figure")
    rep.add_argument("figure", choices=sorted(FIGURES), help="which figure")
    rep.add_argument("--runs", type=int, default=None, help="independent runs (default: book's)")
    rep.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    rep.add_argument("--json", type=Path, default=None, help="write the result as JSON here")
    rep.add_argument("--plot", type=Path, default=None, help="write the figure here (.png, .pdf)")
    rep.add_argument(
        "--engine",
        choices=("fast", "reference"),
        default="fast",
        help="fast plain-Python engine (default) or the per-instance reference classes (slow)",
    )
    rep.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return parser


def _fmt(mean: float, se: float) -> str:
    return f"{mean:7.1f} ± {se:5.1f}"


def summary_table(figure: str, result: Any) -> str:
    """Plain-text table of the checkpoints (mean ± SE) with the expected values in brackets."""
    expected = FIGURES[figure].EXPECTED
    checkpoints = result.checkpoints()
    columns = list(next(iter(checkpoints.values())).keys())
    label = "n" if figure == "fig8.2" else "method"
    width = 18
    lines = [f"{label:>8} | " + " | ".join(f"{c:>{width}}" for c in columns)]
    lines.append("-" * len(lines[0]))
    for key, row in checkpoints.items():
        cells = [_fmt(*row[c]).rjust(width) for c in columns]
        lines.append(f"{key!s:>8} | " + " | ".join(cells))
        book = expected.get(key, {})
        if book:
            ref = [(f"({book[c]:.1f})" if c in book else "").rjust(width) for c in columns]
            lines.append(f"{'expected':>8} | " + " | ".join(ref))
    return "\n".join(lines)


def reproduce(args: argparse.Namespace) -> dict[str, Any]:
    """Run the experiment, print the table, write JSON/plot; return the JSON dict."""
    from tqdm import tqdm

    module = FIGURES[args.figure]
    config_cls = getattr(module, CONFIGS[args.figure])
    overrides: dict[str, Any] = {"seed": args.seed, "engine": args.engine}
    if args.runs is not None:
        overrides["runs"] = args.runs
    config = config_cls(**overrides)
    n_settings = len(config.planning_steps) if args.figure == "fig8.2" else 2
    start = time.perf_counter()
    with tqdm(
        total=config.runs * n_settings,
        desc=args.figure,
        unit="run",
        file=sys.stderr,
        disable=args.no_progress,
        leave=False,
    ) as bar:
        result = module.run(config, progress=bar.update)
    seconds = time.perf_counter() - start

    print(
        f"Sutton & Barto Figure {args.figure[3:]} reproduction: {config.runs} runs, "
        f"seed {config.seed}, {args.engine} engine, {seconds:.2f} s"
    )
    print(summary_table(args.figure, result))
    if args.figure != "fig8.2":
        fractions = ", ".join(f"{m} {f:.0%}" for m, f in result.found_opening().items())
        print(f"runs whose final greedy path uses the opened cell(s): {fractions}")

    data = result.to_json()
    data["expected"] = {str(k): v for k, v in module.EXPECTED.items()}
    data["seconds"] = seconds
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(data, indent=1))
        print(f"wrote {args.json}")
    if args.plot is not None:
        from .plotting import PLOTTERS

        PLOTTERS[args.figure](result, args.plot)
        print(f"wrote {args.plot}")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m mbrl_ref``; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "reproduce":
        if args.runs is not None and args.runs < 1:
            build_parser().error("--runs must be at least 1")
        reproduce(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
