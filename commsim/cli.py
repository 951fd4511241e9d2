"""The ``commsim`` command: sweeps, single runs and reports.

    commsim sweep experiments/<name>.toml [--workers N] [--scheduler ADDRESS | --dask]
    commsim run <scenario>.toml [--out FOLDER]
    commsim run <results> --setting S --replication R     # re-run one run of a sweep
    commsim report <results> [--outcomes NAME ...]

``sweep`` validates the experiment file before any run and writes results to
``results/<name>/`` (``--out`` to choose); run the same command again to resume an
interrupted sweep. ``--workers 0`` runs in this process, ``--dask`` on a local dask
cluster, ``--scheduler tcp://host:8786`` on a running one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import signal
import sys
from pathlib import Path

EXIT_INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commsim", description="Sweeps, single runs and reports of commsim models."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    sweep = commands.add_parser("sweep", help="run (or resume) the runs of an experiment file")
    sweep.add_argument("experiment", type=Path, help="experiment file (TOML)")
    sweep.add_argument("--out", type=Path, help="results folder (default results/<name>)")
    sweep.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default: one per core; 0: in this process)",
    )
    where = sweep.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the dask cluster of this scheduler (tcp://host:port)",
    )
    where.add_argument(
        "--dask",
        action="store_true",
        help="start a local dask cluster of --workers processes on 127.0.0.1",
    )
    sweep.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    sweep.add_argument("--report", action="store_true", help="write the report at the end")

    run = commands.add_parser("run", help="one run: a scenario file, or one run of a sweep")
    run.add_argument("source", type=Path, help="scenario file (TOML) or a results folder")
    run.add_argument("--out", type=Path, help="folder for the run's files (default output/<name>)")
    run.add_argument("--setting", type=int, help="setting of the sweep run to re-run")
    run.add_argument("--replication", type=int, help="replication of the sweep run to re-run")

    report = commands.add_parser("report", help="summary table and plots of a results folder")
    report.add_argument("results", type=Path, help="results folder of a sweep")
    report.add_argument(
        "--outcomes", nargs="+", help="outcomes to show (default: the experiment's report.outcomes)"
    )

    if importlib.util.find_spec("commsim.validation") is not None:
        commands.add_parser(
            "validate",
            help="validate the model against the articles' patterns (commsim.validation)",
            add_help=False,
        )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``commsim`` command with ``argv`` (default ``sys.argv[1:]``); returns the
    exit status (0 ok, 1 bad input, 130 interrupted)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["validate"] and importlib.util.find_spec("commsim.validation") is not None:
        from commsim import validation

        return validation.main(argv[1:]) or 0
    args = _parser().parse_args(argv)
    try:
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "run":
            return _run(args)
        return _report(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except (ValueError, RuntimeError, OSError) as error:  # bad input, broken executor, network
        print(f"commsim {args.command}: error: {error}", file=sys.stderr)
        return 1


def _interrupt_on_sigterm() -> None:
    """SIGTERM stops a sweep like Ctrl-C: finished runs are saved first."""

    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


def _sweep(args: argparse.Namespace) -> int:
    from commsim.sweep import SerialExecutor, dask_executor, load_experiment, run_sweep
    from commsim.sweep.report import write_report

    experiment = load_experiment(args.experiment)
    if args.workers is not None and args.workers < 0:
        raise ValueError(f"--workers={args.workers}: expected 0 (this process) or more")
    out = args.out or Path("results") / experiment.name
    print(
        f"{experiment.name}: {experiment.run_count()} runs of {experiment.days} days -> {out}",
        file=sys.stderr,
    )
    _interrupt_on_sigterm()
    progress = not args.no_progress
    if args.scheduler or args.dask:
        if args.workers == 0:
            raise ValueError("--workers=0 runs in this process; give --dask 1 or more workers")
        with dask_executor(args.scheduler, args.workers) as (executor, threads):
            summary = run_sweep(
                experiment, out, executor=executor, workers=threads, progress=progress
            )
    elif args.workers == 0:
        summary = run_sweep(
            experiment, out, executor=SerialExecutor(), workers=1, progress=progress
        )
    else:
        summary = run_sweep(experiment, out, workers=args.workers, progress=progress)
    print(
        f"{summary.skipped + summary.finished} of {summary.total} runs in {out} "
        f"({summary.skipped} from before, {summary.failed} failed in this call).",
        file=sys.stderr,
    )
    if args.report:
        print(f"Report: {write_report(out)}", file=sys.stderr)
    return 0


def _run(args: argparse.Namespace) -> int:
    import pandas as pd

    from commsim.outcomes import run_outcomes
    from commsim.plots import lifecycle_figure
    from commsim.replications import daily_frame, run_model
    from commsim.sweep import ResultStore, load_scenario
    from commsim.sweep.strategy_lookup import build_strategy

    stored = None
    if args.source.is_dir():
        if args.setting is None or args.replication is None:
            raise ValueError(
                f"{args.source} is a results folder: give --setting and "
                "--replication of the run to re-run"
            )
        store = ResultStore(args.source)
        experiment = store.experiment()
        settings = store.settings()
        if not 0 <= args.setting < len(settings):
            raise ValueError(f"--setting={args.setting}: expected 0..{len(settings) - 1}")
        if args.replication < 0:
            raise ValueError(f"--replication={args.replication}: expected 0 or more")
        run = experiment.run(settings.to_dict("records")[args.setting], args.replication)
        seed, strategies, parameters = run.seed, run.strategies, run.parameters
        name = f"{experiment.name}-s{args.setting}-r{args.replication}"
        found = store.outcomes()
        found = found[(found.setting == args.setting) & (found.replication == args.replication)]
        stored = found.iloc[0] if len(found) else None
        print(
            f"Re-running setting {args.setting}, replication {args.replication}: "
            f"CommunityModel(rng={run.seed}, strategies={list(run.strategies)}, "
            f"**{run.parameters})"
        )
    else:
        if args.setting is not None or args.replication is not None:
            raise ValueError(
                "--setting and --replication re-run a sweep run: give a results folder"
            )
        experiment = load_scenario(args.source)
        seed, strategies = experiment.seed, experiment.strategies.items()
        parameters = experiment.parameters
        name = experiment.name
    strategies = [build_strategy(n, p) for n, p in strategies]
    frame = daily_frame(run_model(seed, experiment.days, strategies, **parameters))
    outcomes = run_outcomes(frame)
    out = args.out or Path("output") / name
    out.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out / "timeseries.csv")
    (out / "outcomes.json").write_text(json.dumps(outcomes, indent=2))
    lifecycle_figure(frame).savefig(out / "lifecycle.png", dpi=120)
    with pd.option_context("display.float_format", "{:.4g}".format):
        print(pd.Series(outcomes).to_string())
    if stored is not None:
        same = all(
            (math.isnan(v) and math.isnan(stored[k])) or v == stored[k]
            for k, v in outcomes.items()
            if k in stored.index
        )
        print(
            "Same outcomes as stored by the sweep."
            if same
            else "DIFFERENT outcomes from those stored by the sweep."
        )
        if not same:
            return 1
    print(f"Written: {out}/timeseries.csv, outcomes.json, lifecycle.png")
    return 0


def _report(args: argparse.Namespace) -> int:
    from commsim.sweep.report import write_report

    path = write_report(args.results, args.outcomes)
    print(path.read_text())
    print(f"\nReport written to {path} (plots beside it).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
