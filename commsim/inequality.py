"""Participation inequality: the Gini coefficient and top-share of contributions.

Both work on any non-negative array. Integer counts (contributions per member, the
model's case) are summarised through their histogram in O(n + max) instead of sorting,
which keeps the daily metrics cheap at large populations.
"""

from __future__ import annotations

import math

import numpy as np


def _sorted_histogram(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values in ascending order and how often each occurs."""
    if np.issubdtype(values.dtype, np.integer) and values.size and values.min() >= 0:
        counts = np.bincount(values)
        distinct = np.flatnonzero(counts)
        return distinct.astype(float), counts[distinct].astype(float)
    distinct, counts = np.unique(values, return_counts=True)
    return distinct.astype(float), counts.astype(float)


def gini(values) -> float:
    """Gini coefficient of non-negative values.

        G = 2 * sum_i i * x_(i) / (n * sum_i x_i) - (n + 1) / n

    with ``x_(1) <= ... <= x_(n)`` sorted ascending and ranks ``i`` from 1. ``G`` is 0
    when everyone gives the same and approaches 1 when one member gives everything.
    Returns NaN for an empty array and 0 when every value is zero.

    Raises:
        ValueError: if a value is negative.
    """
    values = np.asarray(values)
    n = values.size
    if n == 0:
        return math.nan
    if values.min() < 0:
        raise ValueError("gini: values must be non-negative")
    distinct, counts = _sorted_histogram(values)
    total = float((distinct * counts).sum())
    if total == 0:
        return 0.0
    ranks_before = np.cumsum(counts) - counts
    rank_sums = counts * ranks_before + counts * (counts + 1) / 2
    return float(2.0 * (distinct * rank_sums).sum() / (n * total) - (n + 1) / n)


def top_share(values, fraction: float) -> float:
    """Share of the total held by the top ``fraction`` of values.

        share = sum of the ceil(fraction * n) largest values / sum of all values

    Returns NaN when the array is empty or sums to zero.
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"top_share: fraction={fraction!r} must be in (0, 1]")
    values = np.asarray(values)
    if values.size == 0:
        return math.nan
    distinct, counts = _sorted_histogram(values)
    total = float((distinct * counts).sum())
    if total == 0:
        return math.nan
    top = math.ceil(fraction * values.size)
    distinct, counts = distinct[::-1], counts[::-1]
    before = np.cumsum(counts) - counts
    taken = np.clip(top - before, 0, counts)
    return float((distinct * taken).sum() / total)
