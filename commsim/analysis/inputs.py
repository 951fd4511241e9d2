"""What every analysis takes: one run's daily frame, a long frame of runs, or a model.

A run's daily frame is ``model.datacollector.get_model_vars_dataframe()`` (one row a day,
the day as index); a long frame of runs stacks several (the same columns plus a run
column, ``seed`` or ``run``, and a ``day`` column), as ``commsim.replications`` builds.
Functions of a model's population take the model or its ``Population``. The helpers
here find the run column, split a long frame into its runs, and check the common
arguments.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from commsim.population import Population

RUN_COLUMNS = ("run", "seed")
"""Columns that tell the runs of a long frame apart, in order of preference."""


def run_column(df: pd.DataFrame, run: str | None = None) -> str | None:
    """The column that tells runs apart: ``run`` if given, else ``run`` or ``seed`` if the
    frame has one, else None (a single run).

    Raises:
        ValueError: if ``run`` is given and is not a column of ``df``.
    """
    if run is not None:
        if run not in df.columns:
            raise ValueError(f"run={run!r} is not a column: expected one of {list(df.columns)}")
        return run
    return next((name for name in RUN_COLUMNS if name in df.columns), None)


def one_run(df: pd.DataFrame) -> pd.DataFrame:
    """A single run's frame indexed by day (moves a ``day`` column into the index)."""
    if "day" in df.columns:
        df = df.set_index("day")
    if len(df) == 0:
        raise ValueError("df has no rows: expected at least one day of a run")
    return df


def per_run(df: pd.DataFrame, run: str | None, function: Callable) -> pd.DataFrame | dict:
    """Apply ``function`` to each run of a long frame (or to the single run)."""
    column = run_column(df, run)
    if column is None:
        return function(one_run(df))
    return {key: function(one_run(part)) for key, part in df.groupby(column, sort=True)}


def per_row(df: pd.DataFrame, run: str | None, function: Callable) -> pd.DataFrame:
    """``function`` of each run (a frame indexed by day), stacked back onto ``df``'s rows."""
    column = run_column(df, run)
    if column is None:
        return function(one_run(df)).set_axis(df.index)
    result = None
    for _, rows in df.groupby(column, sort=False).indices.items():
        values = function(one_run(df.iloc[rows]))
        if result is None:
            result = pd.DataFrame(index=df.index, columns=values.columns, dtype=float)
        result.iloc[rows] = values.to_numpy()
    return result


def population_of(source) -> Population:
    """The ``Population`` of a model, or the population itself."""
    population = getattr(source, "population", source)
    if not isinstance(population, Population):
        raise ValueError(f"expected a CommunityModel or a Population, got {type(source).__name__}")
    return population


def check_share(name: str, value: float) -> None:
    """Raise ``ValueError`` unless ``0 < value < 1``."""
    if not 0 < value < 1:
        raise ValueError(f"{name}={value!r} is out of range: expected a number in (0, 1)")


def check_window(window: int) -> None:
    """Raise ``ValueError`` unless ``window`` is an integer >= 1."""
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window={window!r} is not valid: expected an integer >= 1")
