"""Figures across runs: the average run and a band of each day's values over runs."""

from __future__ import annotations

import pandas as pd

from commsim.analysis.inputs import RUN_COLUMNS, check_share, one_run, run_column
from commsim.stats import t_intervals


def mean_run(df: pd.DataFrame, run: str | None = None) -> pd.DataFrame:
    """The average run: each numeric column's mean over runs on each day, indexed by day
    (a single run comes back indexed by day, unchanged)."""
    column = run_column(df, run)
    if column is None:
        return one_run(df)
    numeric = df.drop(columns=[c for c in RUN_COLUMNS if c in df.columns]).select_dtypes("number")
    if "day" not in numeric.columns:
        raise ValueError("df has no 'day' column: expected a long frame of runs with days")
    return numeric.groupby("day").mean()


def band(
    df: pd.DataFrame,
    column: str,
    run: str | None = None,
    interval: str = "runs",
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean of ``column`` across runs on each day, with an interval.

    Args:
        df: a long frame of runs with a ``day`` column (or a single run).
        column: the daily figure, e.g. ``"members"``.
        run: the run column; found automatically when None.
        interval: ``"runs"`` for the central ``level`` range of the runs (their
            (1-level)/2 and (1+level)/2 quantiles: where a single run falls), or ``"mean"``
            for the t confidence interval of the mean, ``mean +- t_{n-1} * sd / sqrt(n)``
            (``commsim.stats.t_intervals``; NaN bounds on a day with fewer than two runs).
        level: coverage of the interval, in (0, 1).

    Returns:
        Indexed by day: ``mean``, ``low``, ``high`` and ``runs`` (runs with a value).
    """
    if interval not in ("runs", "mean"):
        raise ValueError(f"interval={interval!r} is not valid: expected 'runs' or 'mean'")
    check_share("level", level)
    if column not in df.columns:
        raise ValueError(f"column={column!r} is not a column: expected one of {list(df.columns)}")
    if run_column(df, run) is None:
        one = one_run(df)[column].astype(float)
        return pd.DataFrame({"mean": one, "low": one, "high": one, "runs": one.notna() * 1})
    day = df["day"] if "day" in df.columns else df.index.to_series(index=df.index)
    values = df[column].astype(float)
    if interval == "runs":
        grouped = values.groupby(day.to_numpy())
        table = pd.DataFrame({"mean": grouped.mean(), "runs": grouped.count()})
        table["low"] = grouped.quantile((1 - level) / 2)
        table["high"] = grouped.quantile((1 + level) / 2)
    else:
        table = t_intervals(values, day.to_numpy(), level).rename(columns={"n": "runs"})
    table.index.name = "day"
    return table[["mean", "low", "high", "runs"]]
