"""The ``commsim`` command: sweeps, single runs and reports.

    commsim sweep experiments/<name>.toml [--workers N] [--scheduler ADDRESS | --dask]
    commsim run <scenario>.toml [--out BASE]
    commsim run <results> --setting S --replication R     # re-run one run of a sweep
    commsim report <results> [--outcomes NAME ...]
    commsim forecast <series>.csv [--fit-days N] ...     # a forecast for my own group

A strategy named ``"package.module:Class"`` in an experiment file or a results folder is
imported only with ``--allow-import package.module`` (repeatable; a package allows its
submodules): importing a module runs its code, and a file is data.

``sweep`` validates the experiment file before any run and writes results to
``<base>/<name>/``: ``--out`` names the base folder (default ``results/``; ``run``'s default
is ``output/``) and the experiment's ``name`` the one folder inside it, which a name from a
file can never leave. Run the same command again to resume an interrupted sweep.
``--workers 0`` runs in this process, ``--dask`` on a local dask cluster,
``--scheduler tcp://host:8786`` on a running one.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

EXIT_INTERRUPTED = 130
SWEEP_MODULES = ("pyarrow", "dask", "distributed", "SALib")  # pyproject.toml's sweep extra
_TERMINATED = threading.Event()  # set by SIGTERM: what breaks after it is an interruption
_DEFERRED = threading.Event()  # set while interruptions wait (_interruptions_deferred)


def _add_base(command: argparse.ArgumentParser, default: str, what: str) -> None:
    """``--out BASE``: the base folder, inside which the experiment's name is the folder."""
    command.add_argument(
        "--out",
        type=Path,
        default=Path(default),
        metavar="BASE",
        help=f"base folder: {what} go to BASE/<name> (default {default}/)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commsim", description="Sweeps, single runs and reports of commsim models."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    sweep = commands.add_parser("sweep", help="run (or resume) the runs of an experiment file")
    sweep.add_argument("experiment", type=Path, help="experiment file (TOML)")
    _add_base(sweep, "results", "the results")
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
    _add_base(run, "output", "the run's files")
    run.add_argument("--setting", type=int, help="setting of the sweep run to re-run")
    run.add_argument("--replication", type=int, help="replication of the sweep run to re-run")

    report = commands.add_parser("report", help="summary table and plots of a results folder")
    report.add_argument("results", type=Path, help="results folder of a sweep")
    report.add_argument(
        "--outcomes", nargs="+", help="outcomes to show (default: the experiment's report.outcomes)"
    )
    for command in (sweep, run, report):
        command.add_argument(
            "--allow-import",
            metavar="MODULE",
            action="append",
            default=[],
            help='let strategies named "MODULE:Class" import MODULE (its code runs); repeatable',
        )

    commands.add_parser(
        "forecast",
        help="fit my group's daily series and forecast it (commsim.forecasting)",
        add_help=False,
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
    if argv[:1] == ["forecast"]:
        from commsim import forecasting

        return forecasting.main(argv[1:])
    args = _parser().parse_args(argv)
    from commsim.strategies.registry import allowed_imports

    try:
        with allowed_imports(*args.allow_import):
            if args.command == "sweep":
                return _sweep(args)
            if args.command == "run":
                return _run(args)
            return _report(args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in SWEEP_MODULES:
            raise
        print(
            f"commsim {args.command}: error: {error.name} is missing: sweeps need commsim's "
            "sweep extra, pip install 'commsim[sweep]' (bash scripts/test.sh installs it)",
            file=sys.stderr,
        )
        return 1
    except Exception as error:
        if _TERMINATED.is_set():  # SIGTERM inside a library (e.g. dask starting) broke it
            print(f"commsim {args.command}: stopped by SIGTERM", file=sys.stderr)
            return EXIT_INTERRUPTED
        if isinstance(error, (ValueError, RuntimeError, OSError)):  # bad input, executor, net
            print(f"commsim {args.command}: error: {error}", file=sys.stderr)
            return 1
        raise


def folder_inside(base: Path, name: str) -> Path:
    """``base / name``, checked to be a folder directly inside ``base`` (``name`` comes
    from a file, so it is checked as data: no separators, no ``.``/``..``, and no
    existing link at ``base / name`` pointing elsewhere).

    Raises:
        ValueError: naming the folder and the rule.
    """
    folder = base / name
    if (
        not name
        or name in (".", "..")
        or Path(name).name != name
        or Path(name).is_absolute()
        or folder.is_symlink()
        or folder.resolve().parent != base.resolve()
    ):
        raise ValueError(
            f"{folder} is not a folder directly inside {base}/ (the name {name!r} comes from "
            "the file); use a plain name (--out chooses the base folder, not the name)"
        )
    return folder


def _interrupt_on_sigterm() -> None:
    """SIGTERM stops a sweep like Ctrl-C: finished runs are saved first. While
    ``_interruptions_deferred`` holds, SIGTERM and Ctrl-C are only noted."""

    def handler(signum, frame):
        _TERMINATED.set()
        if not _DEFERRED.is_set():
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


@contextmanager
def _interruptions_deferred() -> Iterator[None]:
    """Note SIGTERM and Ctrl-C instead of raising inside the block (a library starting,
    e.g. a dask cluster, left half-made by an interruption breaks on close); raise
    ``KeyboardInterrupt`` after it if one came."""
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda signum, frame: _TERMINATED.set())
    _DEFERRED.set()
    try:
        yield
    finally:
        _DEFERRED.clear()
        signal.signal(signal.SIGINT, previous)
    if _TERMINATED.is_set():
        print("\nInterrupted while the executor started: no run was started.", file=sys.stderr)
        raise KeyboardInterrupt


def _sweep(args: argparse.Namespace) -> int:
    from commsim.processes import local_workers
    from commsim.sweep import SerialExecutor, dask_executor, load_experiment, run_sweep
    from commsim.sweep.report import write_report

    experiment = load_experiment(args.experiment)
    if args.workers is not None and args.workers < 0:
        raise ValueError(f"--workers={args.workers}: expected 0 (this process) or more")
    if args.workers and not args.scheduler:  # local processes: at most a few per core
        local_workers(args.workers, "--workers")
    out = folder_inside(args.out, experiment.name)
    _interrupt_on_sigterm()
    print(
        f"{experiment.name}: {'at most ' if experiment.adaptive else ''}"
        f"{experiment.run_count()} runs of {experiment.days} days -> {out}",
        file=sys.stderr,
    )
    progress = not args.no_progress
    if args.scheduler or args.dask:
        if args.workers == 0:
            raise ValueError("--workers=0 runs in this process; give --dask 1 or more workers")
        with ExitStack() as stack:
            with _interruptions_deferred():  # the cluster starts whole, then stops cleanly
                executor, threads = stack.enter_context(dask_executor(args.scheduler, args.workers))
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
    from commsim.strategies.building import build_strategy
    from commsim.sweep import ResultStore, load_scenario

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
        if not 0 <= args.replication < experiment.replications:
            raise ValueError(
                f"--replication={args.replication}: expected 0..{experiment.replications - 1} "
                f"(the experiment has {experiment.replications} replications)"
            )
        run = experiment.run(settings.to_dict("records")[args.setting], args.replication)
        seed, strategies, parameters = run.seed, run.strategies, run.parameters
        name = f"{experiment.name}-s{args.setting}-r{args.replication}"
        found = store.outcomes()
        found = found[(found.setting == args.setting) & (found.replication == args.replication)]
        stored = found.iloc[0] if len(found) else None
        print(
            f"Re-running setting {args.setting}, replication {args.replication}; "
            "in Python, the same run is:"
        )
        print(rerun_line(run, experiment.days))
    else:
        if args.setting is not None or args.replication is not None:
            raise ValueError(
                "--setting and --replication re-run a sweep run: give a results folder"
            )
        experiment = load_scenario(args.source)
        seed, strategies = experiment.seed, experiment.strategies.items()
        parameters = experiment.parameters
        name = experiment.name
    out = folder_inside(args.out, name)  # checked before the run
    strategies = [build_strategy(n, p) for n, p in strategies]
    frame = daily_frame(run_model(seed, experiment.days, strategies, **parameters))
    outcomes = run_outcomes(frame)
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


def _literal(value) -> str:
    """Python source for a parameter value: numbers, booleans, text, ``None``."""
    value = value.item() if hasattr(value, "item") else value  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    return repr(value)


def rerun_line(run, days: int) -> str:
    """One line of Python that re-runs ``run`` (a ``commsim.sweep.Run``) for ``days`` days
    when pasted: the imports, ``CommunityModel(rng=seed, strategies=[...], **parameters)``
    with each strategy built from its class and keywords, and ``run_for(days)``."""
    from commsim import strategies as builtin
    from commsim.strategies.registry import strategy_class

    imports = {"from commsim import CommunityModel"}
    built = []
    for name, params in run.strategies:
        module, _, cls = name.rpartition(":")
        if not module:  # a class name: its own module, or commsim.strategies for a built-in
            found = strategy_class(name)
            cls = found.__name__
            module = (
                "commsim.strategies" if getattr(builtin, cls, None) is found else found.__module__
            )
        imports.add(f"from {module} import {cls}")
        keywords = ", ".join(f"{k}={_literal(v)}" for k, v in params.items())
        built.append(f"{cls}({keywords})")
    arguments = [f"rng={run.seed}"]
    if built:
        arguments.append(f"strategies=[{', '.join(built)}]")
    arguments += [f"{k}={_literal(v)}" for k, v in run.parameters.items()]
    return "; ".join(
        [*sorted(imports), f"model = CommunityModel({', '.join(arguments)})",
         f"model.run_for({days})"]
    )  # fmt: skip


def _report(args: argparse.Namespace) -> int:
    from commsim.sweep.report import write_report

    path = write_report(args.results, args.outcomes)
    print(path.read_text())
    print(f"\nReport written to {path} (plots beside it).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
