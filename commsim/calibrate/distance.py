"""The distance between simulated runs and an observed series (``commsim.calibrate``'s
docstring gives ``D`` and the mean distance of a parameter vector), and the simulations
it compares."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from commsim.parameters import PARAMETERS
from commsim.replications import daily_frame, run_models
from commsim.strategies import FLAT_PARAMETERS
from commsim.strategies.base import Strategy

StrategyFactory = Callable[[dict], Iterable[Strategy]]
"""Receives a run's whole parameter dict and returns fresh strategies for that run."""


def model_keyword(name: str) -> bool:
    """Whether ``name`` is a model parameter or a strategy's flat keyword."""
    return name in PARAMETERS or name in FLAT_PARAMETERS


def numeric_parameter(name: str):
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
    keywords (``scheduled_events_boost``: ``commsim.strategies``) and names that
    only the ``strategies`` callable uses; the callable receives the whole dict and
    returns fresh strategy instances for each run.
    """
    model_parameters = {k: v for k, v in parameters.items() if model_keyword(k)}
    factory = (lambda: strategies(dict(parameters))) if strategies is not None else None
    return [daily_frame(model) for model in run_models(seeds, days, factory, **model_parameters)]


@dataclass(frozen=True)
class Objective:
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
