"""Time per run of an experiment's settings, for comparing two versions of the model.

Runs each given setting's first ``--replications`` replications (the experiment's seeds,
its days and outcomes, in this process, as a sweep's worker does) ``--repeats`` times and
prints, per setting, the best and the median CPU seconds per run (``time.process_time``:
the process's own time, so that other work on a shared machine adds little; the model is
single-threaded). The best of several repeats is the figure to compare.

To compare two versions, run it with each on ``PYTHONPATH``, alternately, e.g. the
checkout of now and an export of an older commit (``git archive <commit> | tar -x -C
/tmp/old``)::

    PYTHONPATH=/tmp/old python benchmarks/run_cost.py experiments/red-packets.toml --settings 0 5
    PYTHONPATH=$PWD python benchmarks/run_cost.py experiments/red-packets.toml --settings 0 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import commsim
from commsim.sweep import load_experiment
from commsim.sweep.worker import execute_run


def seconds_per_run(experiment, setting: int, replications: int, repeats: int) -> list[float]:
    """CPU seconds of each run of ``setting``'s first ``replications`` replications, repeated."""
    row = experiment.settings().to_dict("records")[setting]
    times = []
    for _ in range(repeats):
        for replication in range(replications):
            run = experiment.run(row, replication)
            start = time.process_time()
            result = execute_run(run, experiment.days, [], list(experiment.outcomes))
            times.append(time.process_time() - start)
            if result.error is not None:
                raise RuntimeError(f"setting {setting}, replication {replication}: {result.error}")
    return times


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment")
    parser.add_argument("--settings", type=int, nargs="+", default=[0])
    parser.add_argument("--replications", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    experiment = load_experiment(args.experiment)
    print(f"{experiment.name}, commsim from {commsim.__file__}")
    for setting in args.settings:
        times = seconds_per_run(experiment, setting, args.replications, args.repeats)
        print(f"setting {setting}: best {min(times):.3f} s, median "
              f"{statistics.median(times):.3f} s, mean {statistics.mean(times):.3f} s "
              f"of CPU per run ({len(times)} runs)")  # fmt: skip


if __name__ == "__main__":
    main()
