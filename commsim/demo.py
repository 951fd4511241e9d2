"""The main demonstration: one open group's first year, as a table and a plot.

Run with ``bash scripts/demo.sh`` (or ``python -m commsim.demo --help``).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from commsim import CommunityModel, analysis, plots


def lifecycle_table(df: pd.DataFrame, every: int = 30) -> pd.DataFrame:
    """Every ``every``-th day of a run: members (muted ones and spammers among them),
    activity (members' own: contributors and messages spam aside), value and inequality."""
    columns = ["members", "muted", "spammers", "contributors", "lurkers", "joined", "left",
               "messages", "mean_value", "gini", "top10_share"]  # fmt: skip
    table = df.loc[::every, columns].copy()
    table.insert(0, "stage", analysis.lifecycle_stages(df).loc[table.index])
    table.index.name = "day"
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=365, help="days to simulate (default 365)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", type=Path, default=Path("output"), help="folder for the plot")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error(f"--days={args.days} must be at least 1")

    model = CommunityModel(rng=args.seed)
    model.run_for(args.days)
    df = model.datacollector.get_model_vars_dataframe()

    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(f"An open group in a population of {model.params['population']} people, "
              f"seed {args.seed}, {args.days} days\n")  # fmt: skip
        print(lifecycle_table(df).to_string())
    peak = int(df.members.idxmax())
    window = df.loc[30 : peak + 30]
    joiners = (window.joiner_value * window.joined).sum() / max(window.joined.sum(), 1)
    leavers = (window.leaver_value.fillna(0) * window.left).sum() / max(window.left.sum(), 1)
    lurking = (df.lurkers / df.members.where(df.members > 0)).loc[:peak].mean()
    last = df.iloc[-1]
    print(
        f"\nPeak: {df.members.max()} members on day {peak}; {int(last.members)} left on day "
        f"{args.days}, {int(last.muted)} of them muted, {int(last.spammers)} spammers."
    )
    print(f"Lurkers: {lurking:.0%} of members on an average day up to the peak.")
    print(
        f"Evaporative cooling, days 30 to {peak + 30}: leavers' mean value {leavers:.2f} "
        f"against joiners' {joiners:.2f}; the group's mean value fell from "
        f"{df.mean_value.iloc[0]:.2f} to {df.mean_value.loc[peak]:.2f} by the peak."
    )
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "lifecycle.png"
    figure = plots.lifecycle_figure(df, title="Life of an open group (commsim, default parameters)")
    figure.savefig(path, dpi=120)
    print(f"\nPlot saved to {path}")


if __name__ == "__main__":
    main()
