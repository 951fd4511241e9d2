"""Speed and scaling of ``CommunityModel`` against the per-agent Mesa reference.

For each population (default 1,000, 10,000 and 100,000) over ``--days`` days (default
365) this prints, for the vectorised model and for the reference
(``benchmarks/mesa_reference.py``):

- setup time (building the population, the network and the agents);
- wall time of the steps, and ns per agent-step = step time / (population x days);
- CPU time of the steps (``time.process_time``), which a busy machine inflates less
  than wall time;
- peak memory: the peak resident set size of the process (``resource.getrusage``)
  and its growth over the interpreter with everything imported; with ``--tracemalloc``
  also the peak of Python-tracked allocations (numpy included), measured in a separate
  run so that tracing does not slow the timed one;
- the speedup of the vectorised model over the reference, in wall and in CPU time.

Every measurement runs in a fresh subprocess so that peaks do not mix; with
``--repeats`` the runs of the two models alternate (vectorised, reference, vectorised,
...), so that both see the same load on a shared machine. The reference is
run up to ``--reference-max`` people (default 10,000); above that it is not run, and with
``--extrapolate`` its time is estimated from its ns per agent-step at the largest size
measured, marked "extrapolated" in the output.

Scaling: step time against population is fitted as ``t = c * N**b`` (b = 1 is linear)
and, within each run, the cumulative step time against the day as ``t = c * d**b``
(b = 1: each day costs the same, nothing accumulates).

Peak memory per person is the growth of the peak RSS over the interpreter with everything
imported (``+RSS``), divided by the population.

Targets: issue 2, >= 30x faster than the reference at 10,000 and < 150 ns per agent-step
at 100,000; issue 14, >= 10x faster than the reference at 1,000 and >= 100x at 100,000,
setup at 100,000 under 0.5 s and peak memory under 1 KB per person at 100,000. A speedup
above ``--reference-max`` is only printed with ``--extrapolate`` and marked so; the
targets count measured speedups only.

Examples::

    python benchmarks/speed.py                                # the full measurement
    python benchmarks/speed.py --sizes 500 1000 --days 30     # a quick check
    python benchmarks/speed.py --repeats 3                    # best of 3 on a busy machine
    python benchmarks/speed.py --sizes 100000 --days 5 --profile   # where time goes
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SPEEDUP_TARGETS = ((1_000, 10.0), (10_000, 30.0), (100_000, 100.0))  # people, times faster
NS_TARGET = (100_000, 150.0)
SETUP_TARGET = (100_000, 0.5)  # seconds
MEMORY_TARGET = (100_000, 1.0)  # KB of peak RSS growth per person


# ---------------------------------------------------------------------------- worker
def _model_class(kind: str):
    if kind == "vectorised":
        from commsim import CommunityModel

        return CommunityModel
    sys.path.insert(0, str(HERE))
    from mesa_reference import ReferenceModel

    return ReferenceModel


def measure(kind: str, population: int, days: int, seed: int, trace: bool) -> dict:
    """Build one model and run it, in this process; return its figures."""
    model_class = _model_class(kind)
    model_class(rng=seed, population=50).run_for(2)  # warm up: lazy imports, first calls
    from commsim.compiled import load_kernels

    load_kernels()  # and every compiled kernel, loaded from numba's cache
    baseline_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        import tracemalloc

        tracemalloc.start()
    start = time.perf_counter()
    model = model_class(rng=seed, population=population)
    setup = time.perf_counter() - start
    cumulative = []
    start, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(days):
        model.step()
        cumulative.append(time.perf_counter() - start)
    step_cpu = time.process_time() - start_cpu
    figures = {
        "kind": kind,
        "population": population,
        "days": days,
        "setup_s": setup,
        "step_s": cumulative[-1] if cumulative else 0.0,
        "step_cpu_s": step_cpu,
        "cumulative_s": cumulative,
        "baseline_rss_mb": baseline_kb / 1024,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "end_members": int(model.datacollector.get_model_vars_dataframe()["members"].iloc[-1]),
    }
    if trace:
        figures["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def run_worker(kind: str, population: int, days: int, seed: int, trace: bool = False) -> dict:
    """``measure`` in a fresh interpreter, so that memory peaks do not mix."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--sizes",
        str(population),
        "--days",
        str(days),
        "--seed",
        str(seed),
    ]
    if trace:
        command.append("--tracemalloc")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} at {population} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- fits
def power_law(x, y) -> tuple[float, float]:
    """Least-squares fit of log y = log c + b log x; returns (b, R^2)."""
    x, y = np.log(np.asarray(x, float)), np.log(np.asarray(y, float))
    b, a = np.polyfit(x, y, 1)
    residual = y - (a + b * x)
    total = ((y - y.mean()) ** 2).sum()
    return float(b), float(1 - (residual**2).sum() / total) if total > 0 else math.nan


def day_exponent(cumulative: list[float]) -> tuple[float, float]:
    """Exponent of cumulative step time against the day, fitted on days 10..end (NaN for
    runs of fewer than 3 days)."""
    days = np.arange(1, len(cumulative) + 1)
    keep = days >= min(10, len(days) - 2)
    if keep.sum() < 3:
        return math.nan, math.nan
    return power_law(days[keep], np.asarray(cumulative)[keep])


# ---------------------------------------------------------------------------- report
def ns_per_agent_step(figures: dict) -> float:
    return 1e9 * figures["step_s"] / (figures["population"] * figures["days"])


def kb_per_person(figures: dict) -> float:
    """Growth of the peak RSS over the baseline, in KB per person."""
    growth_mb = figures["peak_rss_mb"] - figures["baseline_rss_mb"]
    return growth_mb * 1024 / figures["population"]


def profile(population: int, days: int, seed: int) -> None:
    """Print where the vectorised model spends its time: setup, then the steps (cProfile,
    top 20 functions by own time each)."""
    import cProfile
    import pstats

    from commsim import CommunityModel
    from commsim.compiled import load_kernels

    load_kernels()  # warm up: a small run, every kernel loaded
    for title, run in [("setup", None), (f"{days} steps", days)]:
        profiler = cProfile.Profile()
        if run is None:
            profiler.enable()
            model = CommunityModel(rng=seed, population=population)
            profiler.disable()
        else:
            profiler.enable()
            model.run_for(run)
            profiler.disable()
        print(f"\ncProfile of CommunityModel(population={population:,}): {title}")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Speed and scaling of commsim's model.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--reference-max",
        type=int,
        default=10_000,
        help="largest population at which to run the reference",
    )
    parser.add_argument(
        "--extrapolate",
        action="store_true",
        help="estimate the reference above --reference-max (marked as such)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="runs per model and size (fresh processes, same seed); the fastest is reported",
    )
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure the peak of traced allocations (a separate run)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the vectorised model at the largest size instead",
    )
    parser.add_argument("--worker", choices=["vectorised", "reference"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.days < 1 or min(args.sizes) < 2 or args.repeats < 1:
        parser.error("--days and --repeats must be >= 1 and every size >= 2")

    if args.worker:
        figures = measure(args.worker, args.sizes[0], args.days, args.seed, args.tracemalloc)
        print(json.dumps(figures))
        return
    if args.profile:
        profile(max(args.sizes), args.days, args.seed)
        return

    print(
        f"commsim speed: {args.days} days, seed {args.seed}, best of {args.repeats} run(s), "
        f"python {sys.version.split()[0]}"
    )
    header = (
        f"{'model':<11}{'people':>9}{'setup s':>9}{'steps s':>10}{'CPU s':>8}{'ns/agent-step':>15}"
        f"{'day exp.':>9}{'peak RSS MB':>13}{'+RSS MB':>9}{'KB/person':>10}{'traced MB':>11}"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, dict[int, dict]] = {"vectorised": {}, "reference": {}}
    for size in args.sizes:
        kinds = ["vectorised"] + (["reference"] if size <= args.reference_max else [])
        runs: dict[str, list[dict]] = {kind: [] for kind in kinds}
        for _ in range(args.repeats):  # alternating, so that both models see the same load
            for kind in kinds:
                runs[kind].append(run_worker(kind, size, args.days, args.seed))
        for kind in kinds:
            figures = min(runs[kind], key=lambda run: run["step_s"])  # least disturbed by load
            figures["step_cpu_s"] = min(run["step_cpu_s"] for run in runs[kind])
            if args.tracemalloc:
                traced = run_worker(kind, size, args.days, args.seed, trace=True)
                figures["tracemalloc_peak_mb"] = traced["tracemalloc_peak_mb"]
            results[kind][size] = figures
            exponent, _ = day_exponent(figures["cumulative_s"])
            traced_mb = figures.get("tracemalloc_peak_mb")
            print(
                f"{kind:<11}{size:>9,}{figures['setup_s']:>9.2f}{figures['step_s']:>10.2f}"
                f"{figures['step_cpu_s']:>8.2f}"
                f"{ns_per_agent_step(figures):>15,.0f}{exponent:>9.2f}"
                f"{figures['peak_rss_mb']:>13.0f}"
                f"{figures['peak_rss_mb'] - figures['baseline_rss_mb']:>9.0f}"
                f"{kb_per_person(figures):>10.2f}"
                f"{'' if traced_mb is None else f'{traced_mb:.0f}':>11}",
                flush=True,
            )

    print("\nspeedup of the vectorised model over the reference (step time, wall and CPU):")
    reference = results["reference"]
    for size, fast in results["vectorised"].items():
        if size in reference:
            ratio = reference[size]["step_s"] / fast["step_s"]
            cpu = reference[size]["step_cpu_s"] / fast["step_cpu_s"]
            print(f"  {size:>9,} people: {ratio:7.1f}x  (measured; CPU time {cpu:.1f}x)")
        elif args.extrapolate and reference:
            largest = max(reference)
            estimate = ns_per_agent_step(reference[largest]) * size * args.days / 1e9
            print(
                f"  {size:>9,} people: {estimate / fast['step_s']:7.1f}x  (EXTRAPOLATED: "
                f"reference assumed linear at its {largest:,}-people rate, "
                f"{estimate:.1f} s)"
            )
        else:
            print(
                f"  {size:>9,} people:     n/a  (reference not run above "
                f"--reference-max={args.reference_max:,}; --extrapolate estimates it)"
            )

    print("\nscaling of step time with population, t = c * N**b (b = 1 is linear):")
    for kind, runs in results.items():
        if len(runs) >= 2:
            b, r2 = power_law(list(runs), [f["step_s"] for f in runs.values()])
            print(f"  {kind:<11} b = {b:.2f}  (R^2 = {r2:.3f}, sizes {', '.join(map(str, runs))})")
        else:
            print(f"  {kind:<11} needs two sizes or more")
    print(
        "scaling with days: 'day exp.' above is b in cumulative step time = c * day**b "
        "(b = 1: every day costs the same)"
    )

    print("\ntargets (speedups against benchmarks/mesa_reference.py, measured only):")
    vectorised = results["vectorised"]
    for size, target in SPEEDUP_TARGETS:
        claim = f"  >= {target:.0f}x faster than the reference at {size:,}:"
        if size in vectorised and size in reference:
            ratio = reference[size]["step_s"] / vectorised[size]["step_s"]
            print(f"{claim} {ratio:.1f}x, {'met' if ratio >= target else 'NOT met'}")
        else:
            print(f"{claim} not measured")
    for (size, target), label, value, unit in [
        (NS_TARGET, "ns per agent-step", ns_per_agent_step, "ns"),
        (SETUP_TARGET, "s of setup", lambda f: f["setup_s"], "s"),
        (MEMORY_TARGET, "KB of peak memory per person", kb_per_person, "KB"),
    ]:
        if size in vectorised:
            measured = value(vectorised[size])
            verdict = "met" if measured < target else "NOT met"
            print(f"  < {target:g} {label} at {size:,}: {measured:.2f} {unit}, {verdict}")
        else:
            print(f"  < {target:g} {label} at {size:,}: not measured")


if __name__ == "__main__":
    main()
