"""Bounds over replications as the checks read them.

Student t intervals and one-sided bounds of the mean are ``commsim.stats``'s, read on the
finite values (a run without a figure, NaN, is left out); added here, what the checks need
beyond them: exact (Clopper-Pearson) bounds for shares of runs, and ratio estimators over
clustered counts with the linearised (cluster-robust) variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

from commsim.stats import lower_bound as stats_lower_bound
from commsim.stats import t_interval as stats_t_interval
from commsim.stats import upper_bound as stats_upper_bound

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
    """Two-sided Student t interval of the mean at ``level`` of the finite ``values``
    (``commsim.stats.t_interval``; NaN bounds for n < 2)."""
    interval = stats_t_interval(finite(values), level)
    return interval.low, interval.high


def lower_bound(values, alpha: float = ALPHA) -> float:
    """One-sided lower ``1 - alpha`` bound of the mean of the finite ``values``
    (``commsim.stats.lower_bound``; NaN for n < 2)."""
    return stats_lower_bound(finite(values), 1 - alpha)


def upper_bound(values, alpha: float = ALPHA) -> float:
    """One-sided upper ``1 - alpha`` bound of the mean of the finite ``values``
    (``commsim.stats.upper_bound``; NaN for n < 2)."""
    return stats_upper_bound(finite(values), 1 - alpha)


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
