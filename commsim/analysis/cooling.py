"""Evaporative cooling: the value of the people joining against that of those leaving."""

from __future__ import annotations

import pandas as pd

from commsim.analysis.inputs import check_window, per_row


def _flow_values(one: pd.DataFrame, window: int) -> pd.DataFrame:
    joined = one["joined"].where(one.index > 0, 0).astype(float)
    left = one["left"].astype(float)
    joined_value = (joined * one["joiner_value"].fillna(0.0)).rolling(window, 1).sum()
    left_value = (left * one["leaver_value"].fillna(0.0)).rolling(window, 1).sum()
    joined, left = joined.rolling(window, 1).sum(), left.rolling(window, 1).sum()
    return pd.DataFrame(
        {
            "joiner_value": joined_value / joined.where(joined > 0),
            "leaver_value": left_value / left.where(left > 0),
        }
    )


def flow_values(df: pd.DataFrame, window: int = 14, run: str | None = None) -> pd.DataFrame:
    """Mean value of the people joining and of those leaving, over trailing windows.

        joiners(t) = sum(joined_s * joiner_value_s) / sum(joined_s)
        leavers(t) = sum(left_s * leaver_value_s) / sum(left_s)

    with sums over the ``window`` days ``s = t-window+1..t``: count-weighted means, so a
    day with many joiners weighs more than a day with one. The founders (day 0) are not
    joiners. NaN while the window holds nobody joining (or leaving).

    Returns:
        Columns ``joiner_value`` and ``leaver_value`` aligned with ``df``'s rows.
    """
    check_window(window)
    return per_row(df, run, lambda one: _flow_values(one, window))


def cooling_index(df: pd.DataFrame, window: int = 14, run: str | None = None) -> pd.Series:
    """How far the value of leavers exceeds that of joiners, day by day.

        C(t) = leavers(t) - joiners(t)

    the count-weighted mean values of ``flow_values`` over the trailing ``window`` days.
    ``C > 0`` is evaporative cooling: the group loses more valuable people than it gains.
    NaN while the window holds no leaver or no joiner.

    Args:
        df: one run's daily frame or a long frame of runs.
        window: days in the trailing window, at least 1.
        run: the run column of a long frame; found automatically when None.

    Returns:
        A Series aligned with ``df``'s rows.
    """
    flows = flow_values(df, window, run)
    return (flows["leaver_value"] - flows["joiner_value"]).rename("cooling_index")
