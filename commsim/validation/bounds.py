"""Bounds over replications: the one home of the validation package's statistics.

Student t intervals of the mean, ``mean +- t(1 - alpha, n - 1) * sd / sqrt(n)`` (one-sided
at level ``1 - alpha``; NaN for fewer than two values); exact (Clopper-Pearson) bounds for
shares of runs; ratio estimators over clustered counts with the linearised (cluster-robust)
variance. (``commsim.stats``, once it lands, is to take these over.)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

ALPHA = 0.05
"""Every check's error rate: one-sided bounds at 95%."""


def finite(values) -> np.ndarray:
    """``values`` as floats, without NaN and infinities."""
    values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values,
                        dtype=float)  # fmt: skip
    return values[np.isfinite(values)]


def mean(values: np.ndarray) -> float:
    """The mean, NaN for no values."""
    return float(values.mean()) if values.size else math.nan


def t_interval(values, level: float = 0.95) -> tuple[float, float]:
    """Two-sided Student t interval of the mean at ``level`` (NaN bounds for n < 2)."""
    values = finite(values)
    if values.size < 2:
        return math.nan, math.nan
    half = (
        stats.t.ppf(0.5 + level / 2, values.size - 1) * values.std(ddof=1) / math.sqrt(values.size)
    )
    return float(values.mean() - half), float(values.mean() + half)


def lower_bound(values, alpha: float = ALPHA) -> float:
    """One-sided lower ``1 - alpha`` bound of the mean (NaN for n < 2)."""
    return t_interval(values, 1 - 2 * alpha)[0]


def upper_bound(values, alpha: float = ALPHA) -> float:
    """One-sided upper ``1 - alpha`` bound of the mean (NaN for n < 2)."""
    return t_interval(values, 1 - 2 * alpha)[1]


def share_lower_bound(successes: int, trials: int, alpha: float = ALPHA) -> float:
    """Exact one-sided lower ``1 - alpha`` bound of a share (Clopper-Pearson)."""
    if trials == 0:
        return math.nan
    if successes == 0:
        return 0.0
    return float(stats.beta.ppf(alpha, successes, trials - successes + 1))


def ratio_contrast(
    events: np.ndarray, trials: np.ndarray, weights: Sequence[float]
) -> tuple[float, float]:
    """A linear combination of pooled rates over clustered counts, and its standard error.

    ``events[r, j]`` and ``trials[r, j]`` are the counts of replication ``r`` in cell ``j``;
    the pooled rate of cell ``j`` is ``p_j = sum_r events[r, j] / sum_r trials[r, j]``. The
    estimate is ``c = sum_j w_j p_j``; its variance is the linearised (cluster-robust)

        var(c) = n / (n - 1) * sum_r (sum_j w_j (events[r, j] - p_j trials[r, j]) / T_j) ** 2

    with ``T_j`` the pooled trials, which keeps the correlation of a run's days and cells.
    Returns ``(nan, nan)`` when a weighted cell has no trials or there are fewer than two
    replications.
    """
    events = np.asarray(events, dtype=float)
    trials = np.asarray(trials, dtype=float)
    weights = np.asarray(weights, dtype=float)
    total = trials.sum(axis=0)
    used = weights != 0
    if events.shape[0] < 2 or (total[used] <= 0).any():
        return math.nan, math.nan
    safe = np.where(total > 0, total, 1.0)
    rate = events.sum(axis=0) / safe
    residual = ((events - rate * trials) / safe) @ weights
    n = events.shape[0]
    variance = n / (n - 1) * float((residual**2).sum())
    return float(rate @ weights), math.sqrt(variance)


def z_lower_bound(estimate: float, se: float, alpha: float = ALPHA) -> float:
    """One-sided lower ``1 - alpha`` normal bound ``estimate - z * se``."""
    return float(estimate - stats.norm.ppf(1 - alpha) * se)
