"""Benchmark: Figure 8.2 (30 runs x 50 episodes x n in {0, 5, 50}) with both implementations.

Prints wall and CPU time and planning updates per second for

* the fast engine (``mbrl_ref.experiments._engine``) on the full experiment, and
* the per-instance reference classes (``mbrl_ref.agents.DynaQ``) on a few runs only, extrapolated
  linearly to 30 runs (they are about two orders of magnitude slower).

The fast engine skips planning updates that are provably no-ops (before the first reward Q and all
model rewards are exactly 0); it reports them both as the algorithm's nominal count and as the
count actually computed. Usage: ``python bench/fig8_2.py [--reference-runs K]``. Timings depend on
the machine and its load; nothing here is asserted.
"""

from __future__ import annotations

import argparse
import time

from mbrl_envs import DynaMaze
from mbrl_ref.experiments import _engine, fig8_2
from mbrl_ref.experiments._common import fresh, run_seeds


def bench_fast(runs: int) -> None:
    """Time the fast engine on the full Figure 8.2 workload."""
    env = DynaMaze()
    tables = _engine.tables_from_P(env.P, env.start_state)
    seeds = run_seeds(0, runs)
    wall, cpu = time.perf_counter(), time.process_time()
    nominal = skipped = real_steps = 0
    for n in (0, 5, 50):
        for ss in seeds:
            out = _engine.run(
                [tables],
                alpha=0.1,
                gamma=0.95,
                epsilon=0.1,
                planning_steps=n,
                seed=fresh(ss),
                n_episodes=50,
            )
            nominal += out.planning_updates
            skipped += out.skipped_updates
            real_steps += sum(out.episode_lengths)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done = nominal - skipped
    print(f"fast engine, {runs} runs x 50 episodes x n in (0, 5, 50):")
    print(f"  wall {wall:.2f} s, CPU {cpu:.2f} s, {real_steps:,} real steps")
    print(
        f"  planning updates: {nominal:,} nominal ({nominal / cpu / 1e6:.2f} M/s per CPU second),"
        f" {done:,} computed, {skipped:,} skipped as no-ops ({done / cpu / 1e6:.2f} M/s)"
    )


def bench_reference(runs: int) -> None:
    """Time the per-instance classes on ``runs`` runs and extrapolate to 30."""
    cfg = fig8_2.Fig82Config(runs=runs, engine="reference")
    wall, cpu = time.perf_counter(), time.process_time()
    result = fig8_2.run(cfg)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    updates = result.planning_updates
    print(f"reference classes (mbrl_ref.agents.DynaQ + TabularModel), only {runs} runs:")
    print(
        f"  wall {wall:.2f} s, CPU {cpu:.2f} s, {updates:,} planning updates "
        f"({updates / cpu / 1e3:.1f} k/s per CPU second)"
    )
    print(f"  extrapolated to 30 runs: about {cpu * 30 / runs:.0f} s CPU")


def main() -> None:
    """Parse arguments and run both benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs for the fast engine")
    parser.add_argument("--reference-runs", type=int, default=2, help="runs for the classes")
    args = parser.parse_args()
    bench_fast(args.runs)
    if args.reference_runs > 0:
        bench_reference(args.reference_runs)


if __name__ == "__main__":
    main()
