"""Sweep throughput: runs per second, executor overhead per run, and memory as runs grow.

Runs the same sweep (by default 1,000 runs of a 1,000-person community for 180 days) on
each executor: serial (in this process), a pool of 2 local processes, and a local dask
cluster of 2 single-threaded worker processes. For each it prints:

- runs per second (wall clock, executor already started),
- the executor's start-up time (once per sweep, not per run),
- overhead per run: ``(wall * workers - time inside the runs) / runs``, the worker time
  not spent running models (batching, pickling, scheduling, writing Parquet), also as a
  share of the mean run time (target: under 10%),
- resident memory of this process (where results pass through) after 10%, 25%, 50% and
  100% of the runs, and of the workers at the end: flat memory means the growth from
  25% to 100% of the runs stays near zero.

Before the executors, a few of the runs are timed in this process, part by part (CPU
time): building the model, its days, and the rest of a worker's run (its outcomes and
kept daily metrics, ``worker.run_numbers``); what is not the days is the run's own
overhead, printed as a share of the run (target, issue 14: under 5%).

``--settings K`` splits the runs into K settings of a strategy (red packets of K budgets)
times ``runs / K`` replications, the shape of a strategist's sweep: under common random
numbers a replication's settings share their people and network, which a worker draws
once (``commsim.setup_cache``); with the default of one setting every run draws its own.

Targets (issue 4): the 1,000 runs in under 3 minutes with 2 workers; overhead under 10%.
Issue 14: the 1,000 runs in under 10 s on two cores.

Usage:
    python benchmarks/sweep_throughput.py [--runs 1000] [--population 1000] [--days 180]
        [--settings 1] [--executors serial processes dask]
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import time
from pathlib import Path

from commsim.sweep import Experiment, SerialExecutor, dask_executor, process_executor, run_sweep


def rss_mib(pid: int | str = "self") -> float:
    """Resident memory of a process in MiB (Linux /proc; NaN elsewhere)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def warm_up(executor, workers: int) -> None:
    """Start every worker (and import commsim in it) before timing."""
    futures = [executor.submit(_import_commsim) for _ in range(4 * workers)]
    for future in futures:
        future.result()


def _import_commsim() -> int:
    """Import commsim in a worker and load its compiled kernels."""
    import commsim.sweep.worker  # noqa: F401
    from commsim.compiled import load_kernels

    load_kernels()
    return os.getpid()


def run_parts(experiment: Experiment, runs: int = 10) -> None:
    """Time ``runs`` of the experiment's runs in this process, part by part, and print
    the mean of each part and the share of a run that is not its days."""
    from commsim.sweep.worker import model_for, run_numbers

    chosen = list(itertools.islice(experiment.runs(), runs + 1))
    parts = {"setup": 0.0, "days": 0.0, "outcomes and series": 0.0}
    for number, run in enumerate(chosen):  # the first warms up, uncounted
        start = time.process_time()
        model = model_for(run)
        built = time.process_time()
        model.run_for(experiment.days)
        stepped = time.process_time()
        run_numbers(model, experiment.metrics, experiment.outcomes)
        done = time.process_time()
        if number:
            parts["setup"] += built - start
            parts["days"] += stepped - built
            parts["outcomes and series"] += done - stepped
    total = sum(parts.values())
    print(
        f"\none run, part by part ({len(chosen) - 1} runs in this process, CPU time): "
        + ", ".join(f"{name} {1000 * v / (len(chosen) - 1):.1f} ms" for name, v in parts.items())
    )
    print(
        f"  per-run overhead (all but the days): {100 * (total - parts['days']) / total:.1f}% "
        "of a run"
    )


def measure(
    label: str, experiment: Experiment, executor, workers: int, started: float, worker_pids=()
) -> None:
    total = experiment.run_count()
    marks = {max(1, round(total * share)): share for share in (0.1, 0.25, 0.5, 1.0)}
    memory: dict[float, float] = {}

    def on_batch(finished: int, failed: int) -> None:
        for mark, share in marks.items():
            if finished >= mark and share not in memory:
                memory[share] = rss_mib()

    with tempfile.TemporaryDirectory() as folder:
        summary = run_sweep(
            experiment,
            Path(folder) / "results",
            executor=executor,
            workers=workers,
            progress=False,
            on_batch=on_batch,
        )
    mean_run = summary.run_seconds / max(summary.finished, 1)
    overhead = summary.overhead_per_run
    print(f"\n{label} ({workers} worker{'s' if workers > 1 else ''}):")
    print(
        f"  {summary.finished} runs in {summary.wall_seconds:.1f} s = "
        f"{summary.finished / summary.wall_seconds:.1f} runs/s "
        f"(executor start-up {started:.1f} s, not included)"
    )
    print(
        f"  mean run {1000 * mean_run:.1f} ms inside the worker; overhead per run "
        f"{1000 * overhead:.2f} ms = {100 * overhead / mean_run:.1f}% of a run"
    )
    print(
        "  memory of this process: "
        + ", ".join(f"{memory[s]:.0f} MiB after {round(100 * s)}% of runs" for s in sorted(memory))
    )
    if memory.get(0.25) is not None and memory.get(1.0) is not None:
        print(f"  growth from 25% to 100% of the runs: {memory[1.0] - memory[0.25]:+.1f} MiB")
    if worker_pids:
        print("  workers at the end: " + ", ".join(f"{rss_mib(p):.0f} MiB" for p in worker_pids))
    if summary.failed:
        print(f"  WARNING: {summary.failed} runs failed")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--population", type=int, default=1000)
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--settings", type=int, default=1,
                        help="settings (red packets' budgets) the runs are split into")
    parser.add_argument(
        "--executors",
        nargs="+",
        default=["serial", "processes", "dask"],
        choices=["serial", "processes", "dask"],
    )
    args = parser.parse_args(argv)
    if not 1 <= args.settings <= args.runs:
        parser.error(f"--settings must be between 1 and --runs ({args.runs}), got {args.settings}")
    experiment = Experiment(
        name="throughput",
        days=args.days,
        replications=args.runs // args.settings,
        seed=1,
        parameters={"population": args.population},
        vary={"RedPackets.budget": [100.0 * k for k in range(args.settings)]}
        if args.settings > 1 else {},
    )  # fmt: skip
    print(
        f"Sweep throughput: {experiment.run_count()} runs ({args.settings} settings x "
        f"{experiment.replications} replications), population {args.population}, "
        f"{args.days} days; {os.cpu_count()} cores"
    )
    run_parts(experiment)
    for name in args.executors:
        if name == "serial":
            measure("serial, in this process", experiment, SerialExecutor(), 1, 0.0)
        elif name == "processes":
            start = time.perf_counter()
            with process_executor(args.workers) as executor:
                warm_up(executor, args.workers)
                started = time.perf_counter() - start
                pids = list(executor._processes)
                measure("local processes", experiment, executor, args.workers, started, pids)
        else:
            start = time.perf_counter()
            with dask_executor(workers=args.workers) as (executor, threads):
                warm_up(executor, threads)
                started = time.perf_counter() - start
                pids = sorted({executor.submit(os.getpid).result() for _ in range(4 * threads)})
                measure("dask LocalCluster", experiment, executor, threads, started, pids)


if __name__ == "__main__":
    main()
