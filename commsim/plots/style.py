"""What every plot shares: units of the daily figures and outcomes, the colours of the
lifecycle stages and of members' states, and axis labels."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes

UNITS = {
    "members": "people",
    "contributors": "people",
    "lurkers": "people",
    "joined": "people per day",
    "left": "people per day",
    "messages": "messages per day",
    "spam_messages": "messages per day",
    "mean_value": "value (0-1)",
    "joiner_value": "value (0-1)",
    "leaver_value": "value (0-1)",
    "cooling_index": "value (0-1)",
    "gini": "Gini (0-1)",
    "top1_share": "share (0-1)",
    "top10_share": "share (0-1)",
    "active_groups": "groups",
    "spend": "money per day",
    "revenue": "money per day",
    "conversions": "people per day",
    # per-run outcomes (commsim.outcomes.run_outcomes, analysis.lifecycle_summary)
    "peak_members": "people",
    "end_members": "people",
    "end_contributors": "people",
    "end_mean_value": "value (0-1)",
    "end_muted": "people",
    "end_spammers": "people",
    "total_spam": "messages",
    "total_joined": "people",
    "total_left": "people",
    "total_messages": "messages",
    "total_spend": "money",
    "total_revenue": "money",
    "total_conversions": "people",
    "cost_per_retained_contributor": "money per contributor",
    "peak_day": "day",
    "peak_members_day": "day",
    "peak_activity": "messages per day",
    "half_life": "days",
    "days_until_silence": "days",
}
"""Unit of each daily figure and per-run outcome, for axis labels."""

STAGE_COLOURS = {
    "sprout": "#c7e9c0",
    "rapid growth": "#74c476",
    "active interaction": "#fdd0a2",
    "decline": "#fc9272",
    "silence": "#d9d9d9",
}
STATE_COLOURS = {
    "contributor": "#d62728",
    "lurker": "#1f77b4",
    "muted": "#9467bd",
    "left": "#bbbbbb",
    "outsider": "#f2f2f2",
}


def axes(ax: Axes | None, size: tuple[float, float] = (7, 4)) -> Axes:
    """``ax``, or the Axes of a new pyplot figure of ``size`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def words(column: str) -> str:
    """A column's name as words: ``"joiner value"``."""
    return column.replace("_", " ")


def with_unit(column: str) -> str:
    """``"half life (days)"``: a column's name with its unit when ``UNITS`` knows it."""
    unit = UNITS.get(column)
    return f"{words(column)} ({unit})" if unit and unit != words(column) else words(column)


def units(columns: Sequence[str]) -> str:
    """The distinct units of ``columns``, joined by " / " (an axis label)."""
    units = list(dict.fromkeys(UNITS.get(column, column.replace("_", " ")) for column in columns))
    return " / ".join(units)
