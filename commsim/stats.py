"""Statistics of replicated runs: intervals, one-sided bounds and tests of means.

Every stochastic claim in commsim is a claim about the mean of an outcome over seeded
replications, made with these functions. With the ``n`` non-NaN values ``x_1..x_n`` of a
sample, their mean ``m`` and standard deviation ``s`` (``ddof=1``), and
``t_q(k)`` the ``q`` quantile of Student's t with ``k`` degrees of freedom
(``scipy.stats.t``):

* standard error: ``se = s / sqrt(n)``;
* t interval: ``m -+ t_{(1+level)/2}(n-1) * se`` (``t_interval``, ``t_intervals``);
* one-sided bounds: ``m - t_level(n-1) * se`` and ``m + t_level(n-1) * se``
  (``lower_bound``, ``upper_bound``): the mean is above (below) it with confidence
  ``level``;
* paired t test of ``a - b`` (``paired_test``) and Welch's unequal-variance t test of
  ``a`` against ``b`` (``welch_test``);
* bootstrap interval of any statistic (``bootstrap_interval``, ``scipy.stats.bootstrap``,
  BCa by default), and of a mean (``mean_interval``: BCa, percentile where BCa is
  undefined), which reports use: every resampled mean lies between the sample's
  smallest and largest value, so the interval stays inside whatever range the values
  respect (a count's ``>= 0``, a share's ``[0, 1]``) and follows their skew.

Small or degenerate samples, the same rule everywhere: NaN values are dropped first;
with fewer than two values a bound, an interval's bounds and a test's p-value are NaN
(the mean of one value is still given); an infinite value makes the bounds NaN; a sample
without spread (``s = 0``) has bounds equal to its mean, and a test whose samples have
no spread gives p = 0 when the difference lies in the alternative's direction and p = 1
when it does not (the limit of the t test as the spread vanishes).

    >>> t_interval([3.0, 5.0, 4.0, 8.0])  # doctest: +ELLIPSIS
    Interval(mean=5.0, low=1.5..., high=8.4..., n=4)
    >>> t_interval([2.0]).low
    nan
    >>> round(welch_test([1, 2, 3, 4], [5, 6, 7, 8], "less").pvalue, 4)
    0.0023
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "ALTERNATIVES",
    "Interval",
    "TestResult",
    "bootstrap_interval",
    "lower_bound",
    "mean_interval",
    "paired_test",
    "standard_error",
    "t_interval",
    "t_intervals",
    "upper_bound",
    "welch_test",
]

ALTERNATIVES = ("two-sided", "greater", "less")


class Interval(NamedTuple):
    """An estimate with its interval and the number of values it rests on."""

    mean: float
    low: float
    high: float
    n: int


class TestResult(NamedTuple):
    """A test of a difference of means: ``difference`` (mean of ``a - b`` for a paired
    test, ``mean(a) - mean(b)`` for Welch's), the t ``statistic`` and its ``pvalue``."""

    difference: float
    statistic: float
    pvalue: float


def _sample(values) -> np.ndarray:
    values = np.asarray(values, dtype=float).ravel()
    return values[~np.isnan(values)]


def _check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level={level!r} is out of range: expected a number in (0, 1)")
    return float(level)


def _check_alternative(alternative: str) -> str:
    if alternative not in ALTERNATIVES:
        raise ValueError(
            f"alternative={alternative!r} is not valid: expected one of {ALTERNATIVES}"
        )
    return alternative


def _half_width(sd, n, quantile: float):
    """``t_quantile(n - 1) * sd / sqrt(n)``, NaN where ``n < 2`` (arrays or numbers)."""
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        width = stats.t.ppf(quantile, np.where(n >= 2, n - 1, np.nan)) * sd / np.sqrt(n)
    return np.where(n >= 2, width, np.nan)


def standard_error(values) -> float:
    """``s / sqrt(n)`` of the non-NaN values; NaN for fewer than two."""
    values = _sample(values)
    if values.size < 2:
        return math.nan
    return float(values.std(ddof=1) / math.sqrt(values.size))


def _degenerate_interval(values: np.ndarray, statistic) -> Interval | None:
    """The interval of a sample too small or too degenerate for bounds (module docstring),
    or None for a sample that has them: all NaN for no values; NaN bounds for one value
    or an infinite one; bounds equal to the estimate for values without spread."""
    n = values.size
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    estimate = float(statistic(values))
    if n < 2 or not np.isfinite(values).all():  # e.g. a cost per contributor when none is left
        return Interval(estimate, math.nan, math.nan, n)
    if np.all(values == values[0]):
        return Interval(estimate, estimate, estimate, n)
    return None


def t_interval(values, level: float = 0.95) -> Interval:
    """The ``level`` t interval of the mean of the non-NaN ``values`` (module docstring).

    Returns:
        ``Interval(mean, low, high, n)``: all NaN and ``n = 0`` for no values; NaN bounds
        for one value or an infinite one; bounds equal to the mean for values without
        spread.
    """
    level = _check_level(level)
    values = _sample(values)
    small = _degenerate_interval(values, np.mean)
    if small is not None:
        return small
    mean = float(values.mean())
    half = float(_half_width(values.std(ddof=1), values.size, (1 + level) / 2))
    return Interval(mean, mean - half, mean + half, values.size)


def t_intervals(values: pd.Series, by, level: float = 0.95) -> pd.DataFrame:
    """``t_interval`` of ``values`` within each group of ``by`` (anything
    ``Series.groupby`` takes: a column's values, the day of each row, ...).

    Returns:
        One row per group (sorted): ``mean``, ``low``, ``high``, ``n``.
    """
    level = _check_level(level)
    grouped = pd.Series(values, dtype=float).groupby(by)
    n = grouped.count()
    table = pd.DataFrame({"mean": grouped.mean(), "n": n})
    sd = grouped.std(ddof=1).to_numpy(dtype=float)  # NaN with an infinite value: NaN bounds
    half = _half_width(sd, n.to_numpy(), (1 + level) / 2)
    table["low"], table["high"] = table["mean"] - half, table["mean"] + half
    return table[["mean", "low", "high", "n"]]


def _one_sided(values, level: float, sign: float) -> float:
    """``m + sign * t_level(n-1) * se`` of the non-NaN values; NaN for fewer than two."""
    level = _check_level(level)
    values = _sample(values)
    if values.size < 2:
        return math.nan
    return float(values.mean() + sign * _half_width(values.std(ddof=1), values.size, level))


def lower_bound(values, level: float = 0.95) -> float:
    """One-sided lower ``level`` confidence bound of the mean, ``m - t_level(n-1) * se``;
    NaN for fewer than two non-NaN values."""
    return _one_sided(values, level, -1.0)


def upper_bound(values, level: float = 0.95) -> float:
    """One-sided upper ``level`` confidence bound of the mean, ``m + t_level(n-1) * se``;
    NaN for fewer than two non-NaN values."""
    return _one_sided(values, level, 1.0)


def _without_spread(difference: float, alternative: str) -> TestResult:
    """The test of samples without spread (module docstring): t is infinite (NaN for no
    difference), p is 0 or 1."""
    shown = {"two-sided": difference != 0, "greater": difference > 0, "less": difference < 0}
    statistic = math.copysign(math.inf, difference) if difference else math.nan
    return TestResult(difference, statistic, 0.0 if shown[alternative] else 1.0)


def paired_test(a, b, alternative: str = "two-sided") -> TestResult:
    """Paired t test that the mean of ``a - b`` is 0 (``scipy.stats.ttest_rel``), e.g. two
    arms run on the same seeds (common random numbers).

    Args:
        a, b: equally long samples; a pair with a NaN is dropped.
        alternative: ``"two-sided"``, ``"greater"`` (mean of ``a - b`` above 0) or
            ``"less"``.

    Returns:
        ``TestResult(difference, statistic, pvalue)``; the p-value is NaN for fewer than
        two pairs.
    """
    alternative = _check_alternative(alternative)
    a, b = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise ValueError(f"a has {a.size} values and b {b.size}: a paired test needs pairs")
    kept = ~(np.isnan(a) | np.isnan(b))
    diff = a[kept] - b[kept]
    if diff.size == 0:
        return TestResult(math.nan, math.nan, math.nan)
    difference = float(diff.mean())
    if diff.size < 2:
        return TestResult(difference, math.nan, math.nan)
    if np.all(diff == diff[0]):
        return _without_spread(difference, alternative)
    result = stats.ttest_rel(a[kept], b[kept], alternative=alternative)
    return TestResult(difference, float(result.statistic), float(result.pvalue))


def welch_test(a, b, alternative: str = "two-sided") -> TestResult:
    """Welch's t test that ``a`` and ``b`` have equal means, without assuming equal
    variances (``scipy.stats.ttest_ind(equal_var=False)``).

    Args:
        a, b: the two samples (NaN values dropped).
        alternative: ``"two-sided"``, ``"greater"`` (``a``'s mean above ``b``'s) or
            ``"less"``.

    Returns:
        ``TestResult(difference, statistic, pvalue)``; the p-value is NaN when a sample has
        fewer than two values.
    """
    alternative = _check_alternative(alternative)
    a, b = _sample(a), _sample(b)
    if a.size == 0 or b.size == 0:
        return TestResult(math.nan, math.nan, math.nan)
    difference = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return TestResult(difference, math.nan, math.nan)
    if np.all(a == a[0]) and np.all(b == b[0]):
        return _without_spread(difference, alternative)
    result = stats.ttest_ind(a, b, equal_var=False, alternative=alternative)
    return TestResult(difference, float(result.statistic), float(result.pvalue))


def bootstrap_interval(
    values,
    statistic: Callable[[np.ndarray], float] = np.mean,
    level: float = 0.95,
    resamples: int = 9999,
    method: str = "BCa",
    rng: int | np.random.Generator = 0,
) -> Interval:
    """Bootstrap ``level`` interval of ``statistic`` of the non-NaN ``values``
    (``scipy.stats.bootstrap``; ``method`` ``"BCa"``, ``"percentile"`` or ``"basic"``).

    For statistics whose sampling distribution is far from normal (a median, a share, a
    Gini coefficient over few runs), where the t interval's assumption fails. Seeded by
    ``rng``: the same call gives the same interval.

    Returns:
        ``Interval(estimate, low, high, n)`` with ``estimate = statistic(values)``, and
        the small-sample rules of ``t_interval``.
    """
    level = _check_level(level)
    values = _sample(values)
    small = _degenerate_interval(values, statistic)
    if small is not None:
        return small
    with warnings.catch_warnings():  # BCa warns when a resampled statistic is degenerate
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        result = stats.bootstrap(
            (values,),
            statistic,
            n_resamples=resamples,
            confidence_level=level,
            method=method,
            rng=rng,
            vectorized=False,
        )
    interval = result.confidence_interval
    return Interval(
        float(statistic(values)), float(interval.low), float(interval.high), values.size
    )


def mean_interval(
    values, level: float = 0.95, resamples: int = 4999, rng: int | np.random.Generator = 0
) -> Interval:
    """Bootstrap ``level`` interval of the mean of the non-NaN ``values``: BCa
    (``scipy.stats.bootstrap``, vectorised), the percentile interval where BCa is
    undefined (e.g. two values). Its bounds are quantiles of resampled means, so
    ``min(values) <= low <= high <= max(values)``: inside any range the values respect.
    Seeded by ``rng``; the small-sample rules of ``t_interval``.

    >>> mean_interval([0.0, 0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 0.0]).low >= 0
    True
    """
    level = _check_level(level)
    values = _sample(values)
    small = _degenerate_interval(values, np.mean)
    if small is not None:
        return small
    bounds = (math.nan, math.nan)
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():  # BCa warns (and gives NaN) for degenerate samples
            warnings.simplefilter("ignore", stats.DegenerateDataWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            interval = stats.bootstrap(
                (values,), np.mean, n_resamples=resamples, confidence_level=level,
                method=method, rng=rng, vectorized=True,
            ).confidence_interval  # fmt: skip
        bounds = (float(interval.low), float(interval.high))
        if not (math.isnan(bounds[0]) or math.isnan(bounds[1])):
            break
    low, high = float(values.min()), float(values.max())  # guard rounding at the ends
    return Interval(
        float(values.mean()),
        min(max(bounds[0], low), high),
        max(min(bounds[1], high), low),
        values.size,
    )
