"""Fitting: the checks of a calibration's inputs, differential evolution with profile
intervals, and rejection ABC (``commsim.calibrate``'s docstring describes both)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import Executor

import numpy as np
import pandas as pd
from scipy import optimize

from commsim.calibrate.distance import (
    Objective,
    StrategyFactory,
    model_keyword,
    numeric_parameter,
)
from commsim.calibrate.result import CalibrationResult
from commsim.model import REPORTERS
from commsim.parameters import PARAMETERS
from commsim.replications import replication_seeds
from commsim.stats import standard_error
from commsim.strategies import FLAT_PARAMETERS

METHODS = ("de", "abc")


def _check_observed(observed: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(observed, pd.DataFrame):
        raise ValueError(f"observed={type(observed).__name__}: expected a pandas DataFrame")
    frame = observed.copy()
    if "day" in frame.columns:
        frame = frame.set_index("day")
    unknown = [c for c in frame.columns if c not in REPORTERS]
    if unknown:
        raise ValueError(
            f"observed has column(s) {unknown}: expected model metrics, one of {list(REPORTERS)}"
        )
    if frame.empty or frame.shape[1] == 0:
        raise ValueError("observed is empty: expected at least one column and one day")
    index = frame.index.to_numpy()
    if not np.issubdtype(index.dtype, np.integer) or index.min() < 0:
        raise ValueError(
            f"observed index {frame.index[:3].tolist()}...: expected non-negative integer days"
        )
    if not frame.index.is_unique:
        raise ValueError("observed index has repeated days: expected each day at most once")
    frame = frame.sort_index().astype(float)
    if frame.max().max() != frame.max().max():  # every value is NaN
        raise ValueError("observed has no values: expected at least one non-NaN day")
    if (frame.fillna(0.0) < 0).any().any():
        raise ValueError("observed has negative values: expected counts >= 0 or NaN")
    if frame.index.max() < 1:
        raise ValueError("observed covers only day 0: expected at least one later day")
    return frame


def _check_bounds(bounds: Mapping, fixed: Mapping, strategies) -> tuple[list, list]:
    if not bounds:
        raise ValueError("bounds is empty: expected at least one parameter to fit")
    names, limits = [], []
    for name, pair in bounds.items():
        try:
            low, high = (float(x) for x in pair)
        except (TypeError, ValueError):
            raise ValueError(f"bounds[{name!r}]={pair!r}: expected a pair (low, high)") from None
        if not low < high:
            raise ValueError(f"bounds[{name!r}]=({low}, {high}): expected low < high")
        parameter = numeric_parameter(name)
        if parameter is not None:
            parameter.check(low if parameter.kind is float else math.ceil(low))
            parameter.check(high if parameter.kind is float else math.floor(high))
        elif model_keyword(name):
            raise ValueError(f"bounds[{name!r}]: {name} is not numeric and cannot be fitted")
        elif strategies is None:
            raise ValueError(
                f"bounds names {name!r}, which is not a model parameter or a strategy's flat "
                "keyword; a name of your own needs a strategies callable that reads it"
            )
        names.append(name)
        limits.append((low, high))
    overlap = sorted(set(names) & set(fixed))
    if overlap:
        raise ValueError(f"{overlap} are both fitted (bounds) and fixed: choose one")
    for name, value in fixed.items():
        if model_keyword(name) and value is not None:
            (PARAMETERS.get(name) or FLAT_PARAMETERS[name]).check(value)
    return names, limits


def _positive_int(name: str, value, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name}={value!r}: expected an integer >= {low}")
    return int(value)


def fit(
    observed: pd.DataFrame,
    bounds: Mapping[str, tuple[float, float]],
    *,
    fixed: Mapping[str, float] | None = None,
    strategies: StrategyFactory | None = None,
    method: str = "de",
    replications: int = 8,
    seed: int = 0,
    executor: Executor | None = None,
    maxiter: int = 20,
    popsize: int = 8,
    draws: int = 400,
    accept: float = 0.1,
    profile_points: int = 6,
) -> CalibrationResult:
    """Fit the parameters named in ``bounds`` to ``observed`` (see the module docstring).

    Args:
        observed: one row per day (index = day, or a ``day`` column), columns among the
            model's metrics (``members``, ``messages``, ...); NaN marks a day not observed.
            The simulation runs from day 0 to the last observed day.
        bounds: ``{name: (low, high)}`` for each fitted parameter: a model parameter, a
            strategy's flat keyword (``scheduled_events_boost``), or a name the
            ``strategies`` callable reads. Bounds must lie in the parameter's allowed
            range; integer parameters are rounded.
        fixed: other model (or strategy) parameters held at given values.
        strategies: callable receiving the full parameter dict and returning fresh
            strategies for one run; needed for parameters that belong to strategies.
        method: ``"de"`` (differential evolution) or ``"abc"`` (rejection ABC).
        replications: runs per parameter vector (seeds from ``seed``).
        seed: root seed of the replications and of the optimiser / prior draws.
        executor: a ``concurrent.futures.Executor`` to evaluate parameter vectors on;
            None evaluates serially.
        maxiter, popsize: differential evolution's generations and population multiplier.
        draws, accept: ABC's prior draws and the share of them accepted.
        profile_points: DE only: profile grid points per parameter and side.

    Returns:
        A ``CalibrationResult``.

    Raises:
        ValueError: for a malformed observed series, bounds outside a parameter's range,
            or an out-of-range setting, before any simulation runs.
    """
    observed = _check_observed(observed)
    fixed = dict(fixed or {})
    names, limits = _check_bounds(bounds, fixed, strategies)
    if method not in METHODS:
        raise ValueError(f"method={method!r}: expected one of {METHODS}")
    replications = _positive_int("replications", replications)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed={seed!r}: expected a non-negative integer")
    maxiter = _positive_int("maxiter", maxiter)
    popsize = _positive_int("popsize", popsize)
    draws = _positive_int("draws", draws, 2)
    profile_points = _positive_int("profile_points", profile_points, 2)
    if not 0 < accept <= 1 or round(accept * draws) < 1:
        raise ValueError(f"accept={accept!r}: expected a share in (0, 1] keeping >= 1 of draws")

    seeds = replication_seeds(int(seed), replications)
    integer = tuple(
        numeric_parameter(name) is not None and numeric_parameter(name).kind is int
        for name in names
    )
    objective = Objective(tuple(names), fixed, observed, tuple(seeds), strategies, integer)
    evaluated: list[tuple] = []

    def mapper(func, thetas):
        thetas = [np.asarray(theta, dtype=float) for theta in thetas]
        values = list(executor.map(func, thetas) if executor is not None else map(func, thetas))
        evaluated.extend((*theta, d) for theta, d in zip(thetas, values, strict=True))
        return values

    if method == "de":
        result = optimize.differential_evolution(
            objective, limits, seed=int(seed), maxiter=maxiter, popsize=popsize,
            polish=False, init="sobol", updating="deferred", workers=mapper, tol=1e-3,
        )  # fmt: skip
        best = result.x
        posterior = None
        at_best = objective.distances(best)
        uncertainty = _profile(objective, best, limits, at_best, profile_points, mapper)
    else:
        rng = np.random.default_rng(np.random.SeedSequence(int(seed)).spawn(replications + 1)[-1])
        low, high = np.array(limits).T
        thetas = low + (high - low) * rng.random((draws, len(names)))
        distances = np.array(mapper(objective, list(thetas)))
        keep = np.argsort(distances, kind="stable")[: max(1, round(accept * draws))]
        posterior = pd.DataFrame(thetas[keep], columns=names)
        posterior["distance"] = distances[keep]
        best = posterior[names].median().to_numpy()
        at_best = objective.distances(best)
        quantiles = posterior[names].quantile([0.05, 0.95])
        uncertainty = pd.DataFrame(
            {"estimate": best, "low": quantiles.loc[0.05].to_numpy(),
             "high": quantiles.loc[0.95].to_numpy()}, index=names,
        )  # fmt: skip
    uncertainty["bounds"] = limits
    fitted = {k: v for k, v in objective.parameters(best).items() if k in names}
    uncertainty["estimate"] = [fitted[name] for name in names]
    return CalibrationResult(
        method=method,
        parameters=fitted,
        uncertainty=uncertainty,
        distance=float(at_best.mean()),
        distance_se=standard_error(at_best),
        fixed=fixed,
        observed=observed,
        seeds=seeds,
        posterior=posterior,
        evaluations=pd.DataFrame(evaluated, columns=[*names, "distance"]),
        strategies=strategies,
    )


def _profile(objective, best, limits, at_best, points, mapper) -> pd.DataFrame:
    """Profile interval of each parameter, others held at the optimum.

    Each parameter is moved away from its optimum on both sides by ``points`` steps of
    1%, ..., 100% of its bounds' width (geometrically spaced, clipped to the bounds). The
    threshold is ``min + 2 * SE``, with ``SE`` the standard error of the distance over the
    replications at the optimum. The interval runs to the nearest grid value on each side
    whose distance exceeds the threshold (or to the bound if none does): a conservative
    outer bound of the set of values the replications cannot tell from the optimum.
    """
    best = np.asarray(best, dtype=float)
    minimum = float(at_best.mean())
    se = standard_error(at_best) if at_best.size > 1 else 0.0  # one replication: no noise known
    fractions = np.geomspace(0.01, 1.0, points)
    thetas, owners, values = [], [], []
    for i, (low, high) in enumerate(limits):
        steps = (high - low) * fractions
        for value in np.concatenate([best[i] - steps, best[i] + steps]):
            value = float(np.clip(value, low, high))
            if value == best[i]:
                continue
            theta = best.copy()
            theta[i] = value
            thetas.append(theta)
            owners.append(i)
            values.append(value)
    distances = np.array(list(mapper(objective, thetas)))
    owners, values = np.array(owners), np.array(values)
    rows = []
    for i, (low, high) in enumerate(limits):
        far = (owners == i) & (distances > minimum + 2.0 * se)
        below = values[far & (values < best[i])]
        above = values[far & (values > best[i])]
        rows.append(
            (best[i], below.max() if below.size else low, above.min() if above.size else high)
        )
    return pd.DataFrame(rows, columns=["estimate", "low", "high"], index=list(objective.names))
