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

import numpy as np
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
    messages = df["messages"].to_numpy(dtype=np.float64)
    return pd.Series(activity_of(messages, window), index=df.index, name="messages")


def activity_of(messages: np.ndarray, window: int = SILENCE_WINDOW) -> np.ndarray:
    """``daily_activity`` of an array of daily messages: each trailing window's sum as a
    difference of the running total, divided by the days in it (exact for whole
    numbers of messages; pandas' rolling mean to rounding otherwise)."""
    total = np.concatenate([[0.0], np.cumsum(messages)])
    end = np.arange(1, messages.size + 1)
    start = np.maximum(end - window, 0)
    return (total[end] - total[start]) / (end - start)


def days_until_silence(
    df: pd.DataFrame, window: int = SILENCE_WINDOW, share: float = SILENCE_SHARE
) -> float:
    """First day after the peak of activity on which the group is silent.

    Activity ``a`` is ``daily_activity(df, window)``. The group is silent on the first
    day ``t`` after the peak of ``a`` with ``a(t) < share * max(a)``. Returns NaN when
    that never happens within the run (or nothing was ever posted).
    """
    messages = df["messages"].to_numpy(dtype=np.float64)
    return silence_day(activity_of(messages, window), df.index.to_numpy(), share)


def silence_day(activity: np.ndarray, days: np.ndarray, share: float = SILENCE_SHARE) -> float:
    """``days_until_silence`` of an ``activity`` array (``activity_of``) on ``days``: the
    first of ``days`` from the first peak of activity on with ``a(t) < share * max(a)``;
    NaN if none, or if nothing was ever posted."""
    if activity.size == 0 or not activity.max() > 0:
        return math.nan
    peak = int(np.argmax(activity))
    silent = np.flatnonzero(activity[peak:] < share * activity[peak])
    return float(days[peak + silent[0]]) if silent.size else math.nan


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
    columns = {name: df[name].to_numpy(dtype=np.float64) for name in OUTCOME_METRICS}
    return outcomes_of(columns, df.index.to_numpy())


OUTCOME_METRICS = (
    "members", "contributors", "mean_value", "muted", "spammers", "joined", "left",
    "messages", "spam_messages", "spend", "revenue", "conversions",
)  # fmt: skip
"""The daily metrics ``run_outcomes`` reads."""


def outcomes_of(columns, days: np.ndarray) -> dict[str, float]:
    """``run_outcomes`` of daily metrics given as arrays: ``columns`` maps each of
    ``OUTCOME_METRICS`` to its values on ``days`` (the same numbers as from a frame:
    sums skip NaN, as pandas' do)."""
    spend = float(np.nansum(columns["spend"]))
    revenue = float(np.nansum(columns["revenue"]))
    end_contributors = float(columns["contributors"][-1])
    if spend == 0:
        return_on_spend = cost_per_contributor = math.nan
    else:
        return_on_spend = (revenue - spend) / spend
        cost_per_contributor = spend / end_contributors if end_contributors else math.inf
    members = columns["members"]
    return {
        "peak_members": float(np.nanmax(members)),
        "peak_day": float(days[np.nanargmax(members)]),
        "end_members": float(members[-1]),
        "end_contributors": end_contributors,
        "end_mean_value": float(columns["mean_value"][-1]),
        "end_muted": float(columns["muted"][-1]),
        "end_spammers": float(columns["spammers"][-1]),
        "days_until_silence": silence_day(activity_of(columns["messages"]), days),
        "total_joined": float(np.nansum(columns["joined"])),
        "total_left": float(np.nansum(columns["left"])),
        "total_messages": float(np.nansum(columns["messages"])),
        "total_spam": float(np.nansum(columns["spam_messages"])),
        "total_spend": spend,
        "total_revenue": revenue,
        "total_conversions": float(np.nansum(columns["conversions"])),
        "return_on_spend": return_on_spend,
        "cost_per_retained_contributor": cost_per_contributor,
    }
