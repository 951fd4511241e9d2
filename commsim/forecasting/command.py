"""``commsim forecast SERIES.csv``: the command line of ``forecast``."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commsim.forecasting.arms import DEFAULT_STRATEGIES
from commsim.forecasting.fit import ACCEPT, DRAWS, forecast
from commsim.forecasting.series import read_series


def _assignment(text: str, kind: str) -> tuple[str, object]:
    import tomllib

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--{kind} {text!r}: expected NAME=VALUE")
    if kind == "fit":
        low, sep, high = value.partition(":")
        try:
            return name, (float(low), float(high))
        except ValueError:
            raise ValueError(f"--fit {text!r}: expected NAME=LOW:HIGH (numbers)") from None
    try:
        return name, tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        raise ValueError(
            f"--fixed {text!r}: expected NAME=VALUE with a number, true/false or a quoted text"
        ) from None


def main(argv: list[str] | None = None) -> int:
    """``commsim forecast SERIES.csv [--fit-days N] ...``: print the forecast and write
    ``forecast.png``, ``strategies.csv`` and ``bands.csv`` to ``BASE/forecast-<series>``
    (``--out BASE``, default ``output/``)."""
    import argparse
    import sys

    from commsim.processes import local_workers, process_pool

    parser = argparse.ArgumentParser(
        prog="commsim forecast",
        description="Fit a group's daily series and forecast its lifecycle, its days until "
        "silence and what strategies started tomorrow would change.",
    )
    parser.add_argument("series", type=Path, help="CSV: a day (or date) column, and members "
                        "and/or messages; empty cells are days not observed")  # fmt: skip
    parser.add_argument("--fit-days", type=int, help="fit days 0..N (default: all)")
    parser.add_argument(
        "--horizon", type=int, help="last day simulated (default: 365, or today + ahead when later)"
    )
    parser.add_argument("--ahead", type=int, default=90, help="look-ahead days of the table")
    parser.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME=LOW:HIGH",
        help="a fitted parameter and its prior (replaces the default prior)",
    )
    parser.add_argument(
        "--fixed",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter held fixed (model parameter or flat keyword)",
    )
    parser.add_argument(
        "--strategies",
        nargs="*",
        metavar="NAME",
        help=f"strategies to start tomorrow (default: {' '.join(DEFAULT_STRATEGIES.values())})",
    )
    parser.add_argument("--draws", type=int, default=DRAWS, help="prior draws of the ABC fit")
    parser.add_argument("--accept", type=float, default=ACCEPT, help="share of draws kept")
    parser.add_argument("--replications", type=int, default=2, help="seeds per draw")
    parser.add_argument("--level", type=float, default=0.9, help="share of runs in a band")
    parser.add_argument("--seed", type=int, default=0, help="root seed")
    parser.add_argument("--workers", type=int, default=0, help="processes (0: this one)")
    parser.add_argument("--out", type=Path, default=Path("output"), metavar="BASE",
                        help="base folder: the files go to BASE/forecast-<series name> "
                        "(default output/)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        if args.workers < 0:
            raise ValueError(f"--workers={args.workers}: expected 0 (this process) or more")
        if args.workers:  # local processes: at most a few per core
            local_workers(args.workers, "--workers")
        bounds = dict(_assignment(text, "fit") for text in args.fit) or None
        fixed = dict(_assignment(text, "fixed") for text in args.fixed)
        options = dict(
            fit_days=args.fit_days, horizon=args.horizon, ahead=args.ahead, bounds=bounds,
            fixed=fixed, strategies=args.strategies, draws=args.draws, accept=args.accept,
            replications=args.replications, level=args.level, seed=args.seed,
        )  # fmt: skip
        series = read_series(args.series)
        if args.workers:
            # workers that exit when this process dies, however it dies
            with process_pool(args.workers, preload=["commsim.forecasting"]) as pool:
                result = forecast(series, executor=pool, **options)
        else:
            result = forecast(series, **options)
    except ValueError as error:
        print(f"commsim forecast: error: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    coverage = result.coverage()
    for column, row in coverage.iterrows():
        print(f"Observed {column} after day {result.today}: {row['covered']:.0%} of "
              f"{int(row['days'])} days inside the band.")  # fmt: skip
    out = args.out / f"forecast-{args.series.stem}"
    out.mkdir(parents=True, exist_ok=True)
    result.plot(out / "forecast.png")
    result.table().to_csv(out / "strategies.csv")
    bands = {c: result.band(c) for c in result.observed.columns}
    pd.concat(bands, axis=1).to_csv(out / "bands.csv")
    print(f"Written: {out}/forecast.png, strategies.csv, bands.csv", file=sys.stderr)
    return 0
