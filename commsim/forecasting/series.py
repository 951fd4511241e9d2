"""The observed series of a group: read from a file, its metric columns, its stages so far."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from commsim.analysis import stages_so_far
from commsim.model import REPORTERS


def read_series(path: str | Path) -> pd.DataFrame:
    """A group's daily series from a CSV file: a ``day`` column (0 = the founding day) or
    a ``date`` column (days counted from the first date), and columns named after model
    metrics (``members``, ``messages``, ...). Empty cells and days without a row are not
    observed. Other columns are kept; ``forecast`` uses only the metrics.

    Raises:
        ValueError: naming the file and what is wrong.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"day": str, "date": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read as CSV ({error})") from None
    if "day" in frame.columns:
        day = pd.to_numeric(frame["day"], errors="coerce")
        bad = day.isna() | (day < 0) | (day != day.round())
        if bad.any():
            raise ValueError(
                f"{path}: day={frame['day'][bad].iloc[0]} on row {int(bad.idxmax()) + 2}: "
                "expected whole days >= 0"
            )
        frame["day"] = day.astype(int)
    elif "date" in frame.columns:
        dates = pd.to_datetime(frame["date"], errors="coerce")
        if dates.isna().any():
            bad = dates.isna().idxmax()
            raise ValueError(f"{path}: date={frame['date'][bad]} on row {bad + 2}: expected a date")
        frame = frame.drop(columns="date")
        frame["day"] = (dates - dates.min()).dt.days
    else:
        raise ValueError(f"{path}: no 'day' or 'date' column (columns: {list(frame.columns)})")
    if not frame["day"].is_unique:
        raise ValueError(f"{path}: a day appears twice: expected one row a day")
    if not any(c in REPORTERS for c in frame.columns):
        raise ValueError(
            f"{path}: no model metric among the columns {list(frame.columns)}: expected "
            f"at least one of {list(REPORTERS)} (members, messages, ...)"
        )
    return frame.set_index("day").sort_index()


def observed_metrics(observed: pd.DataFrame) -> pd.DataFrame:
    """The metric columns of an observed series, one row per day 0..last (NaN: not seen)."""
    if not isinstance(observed, pd.DataFrame):
        raise ValueError(f"observed={type(observed).__name__}: expected a pandas DataFrame")
    frame = observed.set_index("day") if "day" in observed.columns else observed
    columns = [c for c in frame.columns if c in REPORTERS]
    if not columns:
        raise ValueError(
            f"observed has no model metric among {list(frame.columns)}: expected at least "
            f"one of {list(REPORTERS)}"
        )
    frame = frame[columns].astype(float)
    index = frame.index.to_numpy()
    if frame.empty or not np.issubdtype(index.dtype, np.integer) or index.min() < 0:
        raise ValueError("observed: expected rows indexed by whole days >= 0")
    days = pd.RangeIndex(int(index.max()) + 1, name="day")
    return frame.reindex(days)


def observed_stages(observed: pd.DataFrame, members: pd.Series | None = None) -> pd.Series:
    """The lifecycle stage of each observed day, as it could be told on that day
    (``commsim.analysis.stages_so_far``, which interpolates members between observed
    days). ``members`` stands in for a series without members (the fitted runs' median).
    A series without messages has no activity to judge and gets no stage (empty)."""
    frame = observed_metrics(observed)
    if "messages" not in frame or frame["messages"].isna().all():
        return pd.Series(dtype=object, name="stage")
    frame = frame.copy()
    if "members" not in frame or frame["members"].isna().all():
        if members is None:
            raise ValueError("observed has no members: give members= to stand in for them")
        frame["members"] = members.reindex(frame.index).to_numpy()
    return stages_so_far(frame.loc[: frame["messages"].last_valid_index()])
