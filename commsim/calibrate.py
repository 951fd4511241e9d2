"""Fit model parameters to an observed daily series by simulation.

A calibration compares the model's daily metrics (``commsim.model.REPORTERS``: members,
messages, ...) with an observed series of the same days and searches the parameters that
make them agree. Observed series may have gaps: a NaN day is simply left out.

The distance (the same for both methods)
---------------------------------------
For one simulated run ``s`` and the observed series ``o``, over the observed columns
``C`` (e.g. members and messages) and, for each column, the days ``T_c`` on which it was
observed (not NaN)::

    D(s, o) = sqrt( (1/|C|) * sum_c (1/|T_c|) * sum_{t in T_c} (log1p s_c(t) - log1p o_c(t))^2 )

that is the root mean square error of ``log(1 + count)``: it weighs relative rather than
absolute errors, so a column of hundreds of members and one of a thousand messages count
alike, and the quiet tail of a series counts as much as its busy start. The distance of a
parameter vector is the mean of ``D`` over ``replications`` runs with different seeds::

    distance(theta) = (1/R) * sum_r D(run(theta, seed_r), o)

The seeds ``seed_r`` are ``commsim.replications.replication_seeds(seed, R)`` (replication
``r`` has spawn key ``(r,)`` under ``SeedSequence(seed)``; ABC's prior draws use the next
child, ``(R,)``), recorded in ``CalibrationResult.seeds``, and are the same for every
``theta`` (common random numbers), so the distance is a deterministic function of ``theta``
and a fit is reproducible: the same call gives the same numbers, serially or on any
executor.

Methods
-------
``method="de"``: ``scipy.optimize.differential_evolution`` with the fixed ``seed``
minimises the distance within the bounds. Its uncertainty is a *profile interval* per
parameter: holding the others at the optimum, the parameter's grid values whose distance
is within ``2 * SE`` of the minimum, where ``SE`` is the standard error of the distance
over the replications at the optimum (the simulation noise: differences smaller than it
cannot be told apart).

``method="abc"``: approximate Bayesian computation by rejection. ``draws`` parameter
vectors are drawn uniformly within the bounds (the prior), and the ``accept`` share with
the smallest distance is kept as a sample of the approximate posterior; the estimate is
the posterior median and the interval its 5% and 95% quantiles.

Both evaluate parameter vectors through ``executor.map`` when an executor
(``concurrent.futures.Executor``, e.g. the one a sweep uses) is given, else serially. With
a process executor the ``strategies`` callable must be picklable (a module-level
function, not a lambda).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize

from commsim.datasets import load_brand_group
from commsim.model import REPORTERS
from commsim.parameters import PARAMETERS
from commsim.replications import daily_frame, replication_seeds, run_models
from commsim.stats import standard_error
from commsim.strategies.base import Strategy
from commsim.strategies.keywords import FLAT_PARAMETERS

__all__ = [
    "CalibrationResult",
    "fit",
    "log_rmse",
    "load_brand_group",
    "replication_seeds",
    "simulate",
]

METHODS = ("de", "abc")

StrategyFactory = Callable[[dict], Iterable[Strategy]]


def _model_keyword(name: str) -> bool:
    return name in PARAMETERS or name in FLAT_PARAMETERS


def _numeric_parameter(name: str):
    """The model parameter or strategy flat keyword called ``name``, or None."""
    parameter = PARAMETERS.get(name) or FLAT_PARAMETERS.get(name)
    return parameter if getattr(parameter, "kind", None) in (int, float) else None


def log_rmse(simulated: pd.DataFrame, observed: pd.DataFrame) -> float:
    """Distance ``D`` between one simulated run and the observed series (module docstring).

    Both are indexed by day; only the observed columns and the observed (non-NaN) days
    count. Columns without any observed day are ignored.
    """
    errors = []
    for column in observed.columns:
        seen = observed[column].dropna()
        if seen.empty:
            continue
        simulated_values = simulated[column].reindex(seen.index).to_numpy(dtype=float)
        diff = np.log1p(simulated_values) - np.log1p(seen.to_numpy(dtype=float))
        errors.append(float(np.mean(diff**2)))
    return math.sqrt(sum(errors) / len(errors))


def simulate(
    parameters: Mapping[str, float],
    days: int,
    seeds: Iterable[int],
    strategies: StrategyFactory | None = None,
) -> list[pd.DataFrame]:
    """Run the model once per seed for ``days`` days and return the daily DataFrames.

    ``parameters`` may hold model parameters (names in ``PARAMETERS``), strategies' flat
    keywords (``scheduled_events_boost``: ``commsim.strategies.keywords``) and names that
    only the ``strategies`` callable uses; the callable receives the whole dict and
    returns fresh strategy instances for each run.
    """
    model_parameters = {k: v for k, v in parameters.items() if _model_keyword(k)}
    factory = (lambda: strategies(dict(parameters))) if strategies is not None else None
    return [daily_frame(model) for model in run_models(seeds, days, factory, **model_parameters)]


@dataclass(frozen=True)
class _Objective:
    """Mean distance of a parameter vector over the replications (picklable)."""

    names: tuple[str, ...]
    fixed: dict
    observed: pd.DataFrame
    seeds: tuple[int, ...]
    strategies: StrategyFactory | None
    integer: tuple[bool, ...]

    def parameters(self, theta) -> dict:
        values = {
            name: (int(round(float(x))) if is_int else float(x))
            for name, x, is_int in zip(self.names, theta, self.integer, strict=True)
        }
        return {**self.fixed, **values}

    def distances(self, theta) -> np.ndarray:
        runs = simulate(
            self.parameters(theta), int(self.observed.index.max()), self.seeds, self.strategies
        )
        return np.array([log_rmse(run, self.observed) for run in runs])

    def __call__(self, theta) -> float:
        return float(self.distances(theta).mean())


@dataclass(eq=False)
class CalibrationResult:
    """What a calibration found.

    Attributes:
        method: ``"de"`` or ``"abc"``.
        parameters: the fitted values (DE optimum, or ABC posterior median).
        uncertainty: one row per fitted parameter: ``estimate``, ``low``, ``high`` (the
            profile interval for DE, the 5%-95% posterior interval for ABC) and ``bounds``.
        distance: mean distance over the replications at ``parameters``.
        distance_se: its standard error over the replications.
        fixed: the parameters held fixed.
        observed: the observed series (indexed by day).
        seeds: the replication seeds.
        posterior: ABC only: the accepted draws with their distance.
        evaluations: every parameter vector evaluated, with its distance.
        strategies: the strategy factory used (to re-simulate the fit).
    """

    method: str
    parameters: dict[str, float]
    uncertainty: pd.DataFrame
    distance: float
    distance_se: float
    fixed: dict
    observed: pd.DataFrame
    seeds: list[int]
    posterior: pd.DataFrame | None = None
    evaluations: pd.DataFrame = field(default_factory=pd.DataFrame)
    strategies: StrategyFactory | None = None

    def simulate(self, replications: int | None = None, seed: int | None = None):
        """Runs of the fitted model: by default with the calibration's own seeds."""
        seeds = (
            self.seeds
            if replications is None
            else replication_seeds(seed if seed is not None else 0, replications)
        )
        days = int(self.observed.index.max())
        return simulate({**self.fixed, **self.parameters}, days, seeds, self.strategies)

    def bands(self, column: str, quantiles=(0.05, 0.5, 0.95), runs=None) -> pd.DataFrame:
        """Quantiles across replications of one simulated column, one row a day."""
        runs = self.simulate() if runs is None else runs
        table = pd.concat([run[column] for run in runs], axis=1)
        return table.quantile(list(quantiles), axis=1).T

    def plot(self, columns: Iterable[str] | None = None, axes=None, quantiles=(0.05, 0.95)):
        """Observed series (dots) against the simulated median and band across replications.

        Args:
            columns: which observed columns to draw (default: all that were fitted).
            axes: matplotlib axes, one per column (default: a new figure).
            quantiles: the band's lower and upper quantile across replications.

        Returns:
            The matplotlib figure.
        """
        import matplotlib.pyplot as plt

        columns = list(self.observed.columns if columns is None else columns)
        if axes is None:
            fig, axes = plt.subplots(len(columns), 1, figsize=(9, 3.2 * len(columns)), sharex=True)
        axes = np.atleast_1d(axes)
        runs = self.simulate()
        for ax, column in zip(axes, columns, strict=True):
            band = self.bands(column, (quantiles[0], 0.5, quantiles[1]), runs)
            ax.fill_between(
                band.index,
                band.iloc[:, 0],
                band.iloc[:, 2],
                alpha=0.3,
                label=f"simulated {quantiles[0]:.0%}-{quantiles[1]:.0%}",
            )
            ax.plot(band.index, band.iloc[:, 1], label="simulated median")
            seen = self.observed[column].dropna()
            ax.plot(seen.index, seen.values, "k.", label="observed")
            ax.set_ylabel(column)
            ax.legend(loc="upper right")
        axes[-1].set_xlabel("day")
        fig = axes[0].figure
        fig.suptitle(f"Calibration ({self.method}): distance {self.distance:.3f}")
        fig.tight_layout()
        return fig

    def summary(self) -> str:
        """A short text report of the fit."""
        lines = [
            f"method {self.method}, {len(self.seeds)} replications, "
            f"distance {self.distance:.4f} (SE {self.distance_se:.4f})"
        ]
        for name, row in self.uncertainty.iterrows():
            lines.append(f"  {name:>20} = {row.estimate:.4g}  [{row.low:.4g}, {row.high:.4g}]")
        return "\n".join(lines)


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
        parameter = _numeric_parameter(name)
        if parameter is not None:
            parameter.check(low if parameter.kind is float else math.ceil(low))
            parameter.check(high if parameter.kind is float else math.floor(high))
        elif _model_keyword(name):
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
        if _model_keyword(name) and value is not None:
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
        _numeric_parameter(name) is not None and _numeric_parameter(name).kind is int
        for name in names
    )
    objective = _Objective(tuple(names), fixed, observed, tuple(seeds), strategies, integer)
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
