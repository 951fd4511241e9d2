"""How much narrower is the paired interval of common random numbers than the unpaired one?

For an experiment file, a baseline setting and another setting, runs both settings
``replications`` times twice: with independent seeds (``seeds = "independent"``: each
setting and replication its own seed) and with common seeds (``seeds = "common"``:
replication ``r`` of every setting shares its seed). For each outcome it prints the 95%
interval of the difference from the baseline: Welch's on the independent runs, the paired
t interval on the common ones (``commsim.sweep.comparison.compare_to_baseline``), both
from the same number of runs, and the ratio of their widths; and the ratio pairing could
reach at best, ``sqrt(s_b**2 + s_s**2) / |s_b - s_s|`` with ``s_b``, ``s_s`` the standard
deviations of the two settings over the common runs: the variance of a difference is at
least ``(s_b - s_s)**2`` however well the runs are paired (correlation 1), so a setting
that narrows an outcome's spread (a cap that stops the group's growth) cannot be compared
much more precisely than unpaired with a baseline that does not. It also prints the
correlation of the two settings over the common runs (``correlation``), which says how
much of that bound the pairing reaches.

Usage:
    python benchmarks/paired_widths.py experiments/red-packets.toml --baseline 0 --setting 6
        [--replications 20] [--outcomes end_contributors total_messages]
"""

from __future__ import annotations

import argparse
import dataclasses
import math

import pandas as pd

from commsim.sweep import load_experiment
from commsim.sweep.comparison import compare_to_baseline
from commsim.sweep.worker import execute_run


def outcomes_of(experiment, settings: list[int]) -> pd.DataFrame:
    """Every replication of the given settings, run in this process."""
    rows = []
    table = experiment.settings().to_dict("records")
    for setting in settings:
        for replication in range(experiment.replications):
            run = experiment.run(table[setting], replication)
            result = execute_run(run, experiment.days, [], list(experiment.outcomes))
            if result.error is not None:
                raise RuntimeError(f"setting {setting}, replication {replication}: {result.error}")
            rows.append({"setting": setting, "replication": replication, **result.outcomes})
    return pd.DataFrame(rows)


def best_ratio(runs: pd.DataFrame, name: str, baseline: int, setting: int) -> float:
    """The width ratio of a perfect pairing: sqrt(s_b**2 + s_s**2) / |s_b - s_s| (the
    module's docstring), from the standard deviations over ``runs``."""
    spread = runs.groupby("setting")[name].std()
    s_b, s_s = spread[baseline], spread[setting]
    return math.hypot(s_b, s_s) / abs(s_b - s_s) if s_b != s_s else math.inf


def correlation(runs: pd.DataFrame, name: str, baseline: int, setting: int) -> float:
    """The correlation over replications of the two settings' ``name`` in ``runs`` (common
    seeds): how well the pairing lines them up; the difference's variance is
    ``s_b**2 + s_s**2 - 2 rho s_b s_s``."""
    wide = runs.pivot(index="replication", columns="setting", values=name)
    return float(wide[baseline].corr(wide[setting]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment")
    parser.add_argument("--baseline", type=int, default=0, help="the baseline's setting")
    parser.add_argument("--setting", type=int, required=True, help="the setting compared")
    parser.add_argument("--replications", type=int, help="default: the file's")
    parser.add_argument("--outcomes", nargs="+", help="default: the report's outcomes")
    args = parser.parse_args(argv)
    experiment = load_experiment(args.experiment)
    if args.replications:
        experiment = dataclasses.replace(experiment, replications=args.replications)
    names = args.outcomes or list(experiment.report.get("outcomes", experiment.outcomes))
    pair = [args.baseline, args.setting]
    independent = outcomes_of(dataclasses.replace(experiment, seeds="independent"), pair)
    common = outcomes_of(dataclasses.replace(experiment, seeds="common"), pair)
    labels = experiment.settings().set_index("setting").loc[pair]
    print(f"{experiment.name}: setting {args.setting} against baseline {args.baseline}, "
          f"{experiment.replications} runs of each, {experiment.days} days")  # fmt: skip
    print(labels.to_string())
    rows = []
    for name in names:
        welch = compare_to_baseline(independent, name, args.baseline, paired=False)
        paired = compare_to_baseline(common, name, args.baseline, paired=True)
        w, p = welch.loc[args.setting], paired.loc[args.setting]
        rows.append({
            "outcome": name,
            "unpaired (independent seeds)": f"{w.difference:.4g} [{w.low:.4g}, {w.high:.4g}]",
            "paired (common seeds)": f"{p.difference:.4g} [{p.low:.4g}, {p.high:.4g}]",
            "width ratio": (w.high - w.low) / (p.high - p.low) if p.high > p.low else math.nan,
            "best possible": best_ratio(common, name, args.baseline, args.setting),
            "correlation": correlation(common, name, args.baseline, args.setting),
        })  # fmt: skip
    with pd.option_context("display.width", 160, "display.float_format", "{:.2f}".format):
        print(pd.DataFrame(rows).set_index("outcome").to_string())


if __name__ == "__main__":
    main()
