"""Participation inequality in a model's population: who writes the messages."""

from __future__ import annotations

import math

import numpy as np

from commsim.analysis.inputs import population_of
from commsim.inequality import gini, top_share


def lorenz_curve(values) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve of non-negative values (e.g. messages per member).

        L(k/n) = sum of the k smallest values / sum of all values,  k = 0..n

    Returns:
        ``(people_share, value_share)``: two arrays of length n + 1 from (0, 0) to (1, 1).

    Raises:
        ValueError: for no values, a negative value, or values that sum to zero.
    """
    values = np.sort(np.asarray(values, dtype=float))
    if values.size == 0:
        raise ValueError("values is empty: expected at least one value")
    if values[0] < 0:
        raise ValueError(f"values contains {values[0]:g}: expected non-negative values")
    total = values.sum()
    if total == 0:
        raise ValueError("values sum to 0: the Lorenz curve needs a positive total")
    people = np.arange(values.size + 1) / values.size
    share = np.concatenate([[0.0], np.cumsum(values) / total])
    return people, share


def messages_per_person(source, members_only: bool = True) -> np.ndarray:
    """Messages written by each person of a model (or ``Population``): current members
    only, or everyone who ever joined (leavers included) with ``members_only=False``."""
    population = population_of(source)
    chosen = population.member_mask if members_only else population.joined_day >= 0
    return population.contributions[chosen]


def participation_inequality(source, members_only: bool = True) -> dict[str, float]:
    """Inequality of participation: who writes the messages.

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        members_only: count current members only (as the model's daily ``gini``); False
            counts everyone who ever joined, leavers included.

    Returns:
        ``gini`` (``commsim.inequality.gini`` of messages written per person),
        ``top1_share`` and ``top10_share`` (share of messages by the top 1% / 10% of writers,
        ``commsim.inequality.top_share``), ``people`` (how many were counted) and
        ``silent_share`` (share who never wrote).
    """
    contributions = messages_per_person(source, members_only)
    return {
        "gini": gini(contributions),
        "top1_share": top_share(contributions, 0.01),
        "top10_share": top_share(contributions, 0.10),
        "people": float(contributions.size),
        "silent_share": float(np.mean(contributions == 0)) if contributions.size else math.nan,
    }
