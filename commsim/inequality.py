"""Participation inequality: the Gini coefficient and top-share of contributions.

Both work on any non-negative array, summarised as distinct values in ascending order
with how often each occurs: integer counts (contributions per member, the model's case)
through their histogram in O(n + max) instead of sorting, which keeps the daily metrics
cheap at every size, unless the largest is far above how many there are
(``HISTOGRAM_SPAN``); those and real numbers by sorting, each value its own entry.
"""

from __future__ import annotations

import math

import numpy as np

from commsim.compiled import kernel

#: Non-negative integers are summarised through their histogram when the largest is under
#: this many times how many there are, and sorted otherwise, where the histogram's cost in
#: the largest value, not in how many there are, is no gain (compiled: 219 counts sorted
#: in 2.7 us, through their histogram in 1.5 us up to 100, 2.0 us up to 1,000, 5.9 us up to
#: 10,000; 1,000 counts sorted in 8.8 us, through their histogram in 2.6-6.7 us up to 100 -
#: 10,000; 5,000 counts 44 us sorted, 7-11 us).
HISTOGRAM_SPAN = 10


def _sorted_histogram(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values in ascending order and how often each occurs: as ``_count_summary`` for
    non-negative integers that fit in int64, else every value sorted with a count of 1
    each."""
    if (np.issubdtype(values.dtype, np.integer) and np.can_cast(values.dtype, np.int64)
            and values.min() >= 0):
        return _count_summary(np.ascontiguousarray(values.reshape(-1), dtype=np.int64))
    return np.sort(values).astype(float), np.ones(values.size)


@kernel
def _count_summary(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative int64 ``counts`` (at least one) in ascending order and how often each
    occurs, as floats (a kernel): the distinct values and their counts, from their
    histogram, or (the largest ``HISTOGRAM_SPAN`` times how many there are or more) every
    count sorted with a count of 1 each."""
    if counts.max() >= HISTOGRAM_SPAN * counts.size:
        return np.sort(counts).astype(np.float64), np.ones(counts.size)
    histogram = np.bincount(counts)
    distinct = np.flatnonzero(histogram)
    return distinct.astype(np.float64), histogram[distinct].astype(np.float64)


def gini(values) -> float:
    """Gini coefficient of non-negative values.

        G = 2 * sum_i i * x_(i) / (n * sum_i x_i) - (n + 1) / n

    with ``x_(1) <= ... <= x_(n)`` sorted ascending and ranks ``i`` from 1. ``G`` is 0
    when everyone gives the same and approaches 1 when one member gives everything.
    Returns NaN for an empty array and 0 when every value is zero.

    Raises:
        ValueError: if a value is negative.
    """
    values = _checked(values)
    if values.size == 0:
        return math.nan
    return float(_gini(*_sorted_histogram(values), values.size))


def top_share(values, fraction: float) -> float:
    """Share of the total held by the top ``fraction`` of values.

        share = sum of the ceil(fraction * n) largest values / sum of all values

    Returns NaN when the array is empty or sums to zero.
    """
    _check_fraction(fraction)
    values = np.asarray(values)
    if values.size == 0:
        return math.nan
    return float(_top_shares(*_sorted_histogram(values), values.size, np.array([fraction]))[0])


def participation(values, fractions=(0.01, 0.10)) -> tuple[float, ...]:
    """``gini(values)`` and ``top_share(values, f)`` for each of ``fractions``, from one
    histogram of the values (the model's daily metrics); the same numbers as each alone.

    Raises:
        ValueError: if a value is negative or a fraction is not in (0, 1].
    """
    for fraction in fractions:
        _check_fraction(fraction)
    fractions = np.array(fractions, dtype=float)
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.integer) and np.can_cast(values.dtype, np.int64):
        counts = np.ascontiguousarray(values.reshape(-1), dtype=np.int64)  # one kernel type
        return tuple(participation_of_counts(counts, fractions).tolist())
    values = _checked(values)
    if values.size == 0:
        return (math.nan,) * (1 + fractions.size)
    distinct, counts = _sorted_histogram(values)
    shares = _top_shares(distinct, counts, values.size, fractions)
    return (float(_gini(distinct, counts, values.size)), *shares.tolist())


@kernel
def participation_of_counts(counts: np.ndarray, fractions: np.ndarray) -> np.ndarray:
    """``participation(counts, fractions)`` of int64 ``counts`` in one compiled call (a
    kernel; the model's daily metrics): the Gini, then the top share of each of
    ``fractions`` (a float array, not checked), all NaN for no counts; from the same
    summary (``_count_summary``) and so the same numbers as each measure alone.

    Raises:
        ValueError: if a count is negative.
    """
    measures = np.full(1 + fractions.size, np.nan)
    if counts.size == 0:
        return measures
    if counts.min() < 0:
        raise ValueError("gini: values must be non-negative")
    distinct, copies = _count_summary(counts)
    measures[0] = _gini(distinct, copies, counts.size)
    measures[1:] = _top_shares(distinct, copies, counts.size, fractions)
    return measures


def _checked(values) -> np.ndarray:
    values = np.asarray(values)
    if values.size and values.min() < 0:
        raise ValueError("gini: values must be non-negative")
    return values


def _check_fraction(fraction: float) -> None:
    if not 0 < fraction <= 1:
        raise ValueError(f"top_share: fraction={fraction!r} must be in (0, 1]")


@kernel
def _gini(distinct: np.ndarray, counts: np.ndarray, n: int) -> float:
    """The Gini coefficient from the ascending values and their counts (a kernel): the
    ranks of a value's ``c`` copies after ``b`` smaller ones sum to ``c b + c (c + 1) / 2``;
    each sum in ascending order."""
    total, weighted, before = 0.0, 0.0, 0.0
    for k in range(distinct.size):
        copies = counts[k]
        total += distinct[k] * copies
        weighted += distinct[k] * (copies * before + copies * (copies + 1) / 2)
        before += copies
    if total == 0:
        return 0.0
    return 2.0 * weighted / (n * total) - (n + 1) / n


@kernel
def _top_shares(distinct: np.ndarray, counts: np.ndarray, n: int,
                fractions: np.ndarray) -> np.ndarray:
    """``top_share`` for each of ``fractions`` (a float array) from the ascending values
    and their counts (a kernel): the ``ceil(f n)`` largest, taken from the top, over the
    total (summed in ascending order)."""
    shares = np.full(fractions.size, np.nan)
    total = 0.0
    for k in range(distinct.size):
        total += distinct[k] * counts[k]
    if total == 0:
        return shares
    for row in range(fractions.size):
        wanted, taken = float(math.ceil(fractions[row] * n)), 0.0
        for k in range(distinct.size - 1, -1, -1):
            if wanted <= 0:
                break
            copies = min(wanted, counts[k])
            taken += copies * distinct[k]
            wanted -= copies
        shares[row] = taken / total
    return shares
