"""Per-run outcomes: one row of numbers that sums up a run's daily metrics.

``run_outcomes(df)`` turns the DataFrame of ``model.datacollector`` (one row a day) into
the figures a strategist compares across runs: how big the group got and when, what was
left at the end, when it fell silent, and what the operator spent and earned.

``RANGES`` declares, for every outcome a run can have (these and a sweep's), the range
its values can take and when it has no value: the one place reports read to keep every
interval inside what the outcome can be (``commsim.sweep.report``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

SILENCE_WINDOW = 7
SILENCE_SHARE = 0.05


@dataclass(frozen=True)
class OutcomeRange:
    """The values an outcome can take: ``low <= value <= high`` (``high`` may be
    ``math.inf``, or ``"days"`` for the run's length in days), and ``undefined``: when a
    run has no value of it (stored as NaN, or ``inf`` for a ratio whose denominator is 0)."""

    low: float
    high: float | str = math.inf
    undefined: str = ""

    def bounds(self, days: int) -> tuple[float, float]:
        """``(low, high)`` for runs of ``days`` days."""
        return self.low, float(days) if self.high == "days" else float(self.high)


COUNT = OutcomeRange(0.0)
DAY = OutcomeRange(0.0, "days")
#: Every per-run outcome's range (``run_outcomes``' and a sweep's,
#: ``commsim.sweep.experiment.SWEEP_OUTCOMES``).
RANGES: dict[str, OutcomeRange] = {
    "peak_members": COUNT,
    "peak_day": DAY,
    "end_members": COUNT,
    "end_contributors": COUNT,
    "end_mean_value": OutcomeRange(0.0, 1.0, "no member left at the end"),
    "days_until_silence": OutcomeRange(0.0, "days", "the group never fell silent in the run"),
    "total_joined": COUNT,
    "total_left": COUNT,
    "total_messages": COUNT,
    "total_spend": COUNT,
    "total_revenue": COUNT,
    "total_conversions": COUNT,
    "return_on_spend": OutcomeRange(-1.0, math.inf, "nothing spent"),
    "cost_per_retained_contributor": OutcomeRange(
        0.0, math.inf, "nothing spent, or no contributor left"
    ),
    "end_muted": COUNT,
    "end_spammers": COUNT,
    "total_spam": COUNT,
    "active_member_days": COUNT,
    "active_days": DAY,
}


def daily_activity(df: pd.DataFrame, window: int = SILENCE_WINDOW) -> pd.Series:
    """A group's activity: the ``window``-day trailing mean of members' own messages,

        a(t) = mean(messages over days t-window+1..t)

    (fewer days at the start of the run; the model's ``messages`` leave spam out).
    """
    return df["messages"].rolling(window, min_periods=1).mean()


def days_until_silence(
    df: pd.DataFrame, window: int = SILENCE_WINDOW, share: float = SILENCE_SHARE
) -> float:
    """First day after the peak of activity on which the group is silent.

    Activity ``a`` is ``daily_activity(df, window)``. The group is silent on the first
    day ``t`` after the peak of ``a`` with ``a(t) < share * max(a)``. Returns NaN when
    that never happens within the run (or nothing was ever posted).
    """
    activity = daily_activity(df, window)
    if activity.max() <= 0:
        return math.nan
    peak = activity.idxmax()
    after = activity.loc[peak:]
    silent = after[after < share * activity.max()]
    return float(silent.index[0]) if len(silent) else math.nan


def run_outcomes(df: pd.DataFrame) -> dict[str, float]:
    """Summary figures of one run.

    Returns:
        peak_members: most members on any day. peak_day: first day with that many.
        end_members, end_contributors, end_mean_value: on the last day (contributors:
            members who posted that day, spammers aside).
        end_muted, end_spammers: members who have muted the group, spammers among the
            members, on the last day.
        days_until_silence: see ``days_until_silence``.
        total_joined, total_left, total_messages: over the run (founders count as joined;
            messages are members' own, spam apart). total_spam: spam messages.
        total_spend, total_revenue, total_conversions: the operator's money over the run.
        return_on_spend: (revenue - spend) / spend; NaN when nothing was spent.
        cost_per_retained_contributor: spend / contributors on the last day; NaN when
            nothing was spent, inf when no contributor is left.
    """
    last = df.iloc[-1]
    spend = float(df["spend"].sum())
    revenue = float(df["revenue"].sum())
    end_contributors = float(last["contributors"])
    if spend == 0:
        return_on_spend = cost_per_contributor = math.nan
    else:
        return_on_spend = (revenue - spend) / spend
        cost_per_contributor = spend / end_contributors if end_contributors else math.inf
    return {
        "peak_members": float(df["members"].max()),
        "peak_day": float(df["members"].idxmax()),
        "end_members": float(last["members"]),
        "end_contributors": end_contributors,
        "end_mean_value": float(last["mean_value"]),
        "end_muted": float(last["muted"]),
        "end_spammers": float(last["spammers"]),
        "days_until_silence": days_until_silence(df),
        "total_joined": float(df["joined"].sum()),
        "total_left": float(df["left"].sum()),
        "total_messages": float(df["messages"].sum()),
        "total_spam": float(df["spam_messages"].sum()),
        "total_spend": spend,
        "total_revenue": revenue,
        "total_conversions": float(df["conversions"].sum()),
        "return_on_spend": return_on_spend,
        "cost_per_retained_contributor": cost_per_contributor,
    }
