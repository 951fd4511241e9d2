"""Survival of membership: how long members stay, by Kaplan-Meier with right-censoring."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import scipy.stats

from commsim.analysis.inputs import check_share, population_of
from commsim.population import ENTRY_ROUTE_NAMES, LEFT, ROLE_NAMES

SURVIVAL_GROUPS = ("role", "entry_route")
"""What ``member_survival`` can draw one curve per value of."""


def kaplan_meier(durations, observed, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier estimate of the survival function with right-censoring.

        S(t) = prod over event days t_j <= t of (1 - d_j / n_j)

    with ``d_j`` events on day ``t_j`` and ``n_j`` at risk (duration >= t_j). Censored
    durations (``observed`` False) leave the risk set after their day. Computed with
    ``scipy.stats.ecdf`` on ``scipy.stats.CensoredData``; the interval is its log-log
    (Greenwood) confidence interval, taken as the estimate itself where it is undefined
    (survival 0 or 1).

    Args:
        durations: days each member stayed (tenure), non-negative.
        observed: True where the member left on that day, False where still in (censored).
        confidence: coverage of the interval, in (0, 1).

    Returns:
        One row per distinct duration, after a first row at day 0 with survival 1 (when no
        duration is 0): ``days``, ``survival``, ``low``, ``high``, ``at_risk``, ``events``.
    """
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if durations.shape != observed.shape or durations.ndim != 1:
        raise ValueError(
            f"durations {durations.shape} and observed {observed.shape} must be 1-d and of "
            "equal length"
        )
    if durations.size == 0:
        raise ValueError("durations is empty: expected at least one member")
    if durations.min() < 0:
        raise ValueError(f"durations contains {durations.min():g}: expected values >= 0")
    check_share("confidence", confidence)
    data = scipy.stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    curve = scipy.stats.ecdf(data).sf
    days = curve.quantiles
    table = pd.DataFrame({"days": days, "survival": curve.probabilities})
    if observed.any():
        with warnings.catch_warnings():  # undefined where S is 0 or 1: filled below
            warnings.simplefilter("ignore", RuntimeWarning)
            interval = curve.confidence_interval(confidence, method="log-log")
        table["low"] = np.where(
            np.isnan(interval.low.probabilities), table["survival"], interval.low.probabilities
        )
        table["high"] = np.where(
            np.isnan(interval.high.probabilities), table["survival"], interval.high.probabilities
        )
    else:
        table["low"] = table["high"] = 1.0
    table["at_risk"] = (durations[None, :] >= days[:, None]).sum(axis=1)
    table["events"] = ((durations[None, :] == days[:, None]) & observed[None, :]).sum(axis=1)
    if days[0] > 0:
        start = {"days": 0.0, "survival": 1.0, "low": 1.0, "high": 1.0}
        start.update(at_risk=durations.size, events=0)
        table = pd.concat([pd.DataFrame([start]), table], ignore_index=True)
    return table


def member_tenures(source, day: int | None = None) -> pd.DataFrame:
    """Everyone who ever joined, one row each: how long they stayed and whether they left.

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        day: today, for the tenure of members still in; the model's day by default
            (required with a bare ``Population``).

    Returns:
        Columns ``person``, ``role`` and ``entry_route`` (names), the traits ``need``,
        ``value`` and ``patience``, ``joined_day``, ``tenure``
        (days in the group, up to ``day`` for members), ``left`` (left of their own accord:
        an observed event), ``banned`` (removed by moderation). Members still in and banned
        members are censored: the survival curve is that of staying against leaving by
        choice.
    """
    population = population_of(source)
    if day is None:
        if not hasattr(source, "day"):
            raise ValueError("day=None is not valid with a Population: expected today's day")
        day = int(source.day)
    people = np.flatnonzero(population.joined_day >= 0)
    banned = population.banned[people]
    routes = population.entry_route[people]
    return pd.DataFrame(
        {
            "person": people,
            "role": np.asarray(ROLE_NAMES)[population.role[people]],
            "entry_route": [
                ENTRY_ROUTE_NAMES[r] if 0 <= r < len(ENTRY_ROUTE_NAMES) else f"route {r}"
                for r in routes
            ],
            "need": population.need[people],
            "value": population.value[people],
            "patience": population.patience[people],
            "joined_day": population.joined_day[people],
            "tenure": population.tenure(day)[people],
            "left": (population.state[people] == LEFT) & ~banned,
            "banned": banned,
        }
    )


def member_survival(
    source, by: str | None = None, confidence: float = 0.95, day: int | None = None
) -> pd.DataFrame:
    """Kaplan-Meier survival of membership (``kaplan_meier`` on ``member_tenures``).

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        by: None for everyone, ``"role"`` or ``"entry_route"`` for a curve per group.
        confidence: coverage of the interval.
        day: today (see ``member_tenures``).

    Returns:
        The ``kaplan_meier`` table with a ``group`` column first (``"all"`` when ``by`` is
        None).
    """
    if by is not None and by not in SURVIVAL_GROUPS:
        raise ValueError(f"by={by!r} is not valid: expected None, 'role' or 'entry_route'")
    tenures = member_tenures(source, day)
    if tenures.empty:
        raise ValueError("nobody ever joined: there is no membership to analyse")
    groups = tenures.groupby(by, sort=True) if by else [("all", tenures)]
    tables = [
        kaplan_meier(part["tenure"], part["left"], confidence).assign(group=name)
        for name, part in groups
    ]
    table = pd.concat(tables, ignore_index=True)
    return table[["group", *table.columns.drop("group")]]
