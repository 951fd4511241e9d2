"""Participation inequality: the Gini coefficient and top-share of contributions.

Both work on any non-negative array, summarised as distinct values in ascending order
with how often each occurs: many integer counts (contributions per member, the model's
case in a large group) through their histogram in O(n + max) instead of sorting, which
keeps the daily metrics cheap at large populations; a few values (a small group's, under
``HISTOGRAM_FROM`` of them) or real numbers by sorting, each value its own entry, which
for a few is the cheaper.
"""

from __future__ import annotations

import math

import numpy as np

from commsim.compiled import kernel

#: Integer values summarised through their histogram from this many on (sorted below it,
#: where the histogram's cost in the largest value, not in how many there are, is no
#: gain: at 200 values up to 1,500 the measures take 17-19 us either way, at 1,000 up to
#: 9,000 a sort 31 us and the histogram 14 us, at 30,000 a sort 2 ms and the histogram
#: 66 us; measured on a loaded machine).
HISTOGRAM_FROM = 1000


def _sorted_histogram(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values in ascending order and how often each occurs: the distinct values and their
    counts (integers that fit in int64, from ``HISTOGRAM_FROM`` values on), or every
    value sorted with a count of 1 each."""
    if (np.issubdtype(values.dtype, np.integer) and np.can_cast(values.dtype, np.int64)
            and values.size >= HISTOGRAM_FROM and values.min() >= 0):
        return _histogram(values.astype(np.int64, copy=False))
    return np.sort(values).astype(float), np.ones(values.size)


@kernel
def _histogram(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of non-negative int64 ``values`` in ascending order and how
    often each occurs, as floats (a kernel)."""
    counts = np.bincount(values)
    distinct = np.flatnonzero(counts)
    return distinct.astype(np.float64), counts[distinct].astype(np.float64)


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
    values = _checked(values)
    if values.size == 0:
        return (math.nan,) * (1 + len(fractions))
    distinct, counts = _sorted_histogram(values)
    shares = _top_shares(distinct, counts, values.size, np.array(fractions, dtype=float))
    return (float(_gini(distinct, counts, values.size)), *shares.tolist())


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
    ranks of a value's ``c`` copies after ``b`` smaller ones sum to ``c b + c (c + 1) / 2``."""
    total = (distinct * counts).sum()
    if total == 0:
        return 0.0
    ranks_before = np.cumsum(counts) - counts
    rank_sums = counts * ranks_before + counts * (counts + 1) / 2
    return 2.0 * (distinct * rank_sums).sum() / (n * total) - (n + 1) / n


@kernel
def _top_shares(distinct: np.ndarray, counts: np.ndarray, n: int,
                fractions: np.ndarray) -> np.ndarray:
    """``top_share`` for each of ``fractions`` (a float array), the values summed from the
    top once (a kernel): the ``ceil(f n)`` largest take, from the entry with ``b`` larger
    values before it, ``min(max(ceil(f n) - b, 0), c)`` of its ``c`` copies."""
    shares = np.full(fractions.size, np.nan)
    total = (distinct * counts).sum()
    if total == 0:
        return shares
    distinct, counts = distinct[::-1], counts[::-1]
    before = np.cumsum(counts) - counts
    for row in range(fractions.size):
        taken = np.minimum(np.maximum(math.ceil(fractions[row] * n) - before, 0.0), counts)
        shares[row] = (taken * distinct).sum() / total
    return shares
