"""What a worker does: run a batch of runs and hand back their numbers.

These functions run in worker processes (local or on a dask cluster), so they take and
return plain picklable data and never touch the results folder: the process that runs
the sweep writes results, which lets workers live on machines without the folder.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from commsim.model import CommunityModel
from commsim.outcomes import outcomes_of
from commsim.replications import run_model
from commsim.strategies.building import build_strategy
from commsim.strategies.registry import allowed_imports, import_modules
from commsim.sweep.experiment import Run


@dataclass(frozen=True)
class RunResult:
    """The numbers of one run, or its error.

    Attributes:
        run: the run.
        outcomes: the kept outcomes of ``commsim.outcomes.run_outcomes`` and
            ``SWEEP_OUTCOMES`` (None if failed).
        timeseries: the kept daily metrics, shape ``(days + 1, metrics)``, float64, day 0
            first (None if failed).
        error: ``"ExceptionType: message (file:line in function)"`` of a failed run.
        seconds: time the run took in the worker (not stored with the results).
    """

    run: Run
    outcomes: dict[str, float] | None
    timeseries: np.ndarray | None
    error: str | None
    seconds: float


def strategies_for(run: Run, allow_import: Sequence[str] = ()) -> list:
    """Fresh instances of ``run``'s strategies, in the order applied; their import names
    may import ``allow_import`` (``commsim.strategies.registry``)."""
    with allowed_imports(*allow_import):
        return [build_strategy(name, params) for name, params in run.strategies]


def model_for(run: Run, allow_import: Sequence[str] = ()) -> CommunityModel:
    """The model of ``run`` on day 0, seeded and configured as the sweep ran it."""
    return CommunityModel(
        rng=run.seed, strategies=strategies_for(run, allow_import), **run.parameters
    )


def execute_run(
    run: Run,
    days: int,
    metrics: Sequence[str],
    outcomes: Sequence[str],
    allow_import: Sequence[str] = (),
) -> RunResult:
    """Run one model for ``days`` days; an exception becomes a failed ``RunResult``."""
    start = time.perf_counter()
    try:
        model = run_model(run.seed, days, strategies_for(run, allow_import), **run.parameters)
        kept, series = run_numbers(model, metrics, outcomes)
        return RunResult(run, kept, series, None, time.perf_counter() - start)
    except Exception as error:  # a failed run is recorded, it does not stop the sweep
        return RunResult(run, None, None, describe_error(error), time.perf_counter() - start)


def run_numbers(model: CommunityModel, metrics: Sequence[str], outcomes: Sequence[str]
                ) -> tuple[dict[str, float], np.ndarray]:  # fmt: skip
    """A finished run's kept ``outcomes`` (``outcomes_of`` and ``SWEEP_OUTCOMES``) and
    its ``metrics`` day by day, read off the model's table of daily metrics
    (``DailyMetrics.columns``: the daily frame's columns, without making the frame)."""
    columns = model.datacollector.columns()
    days = np.arange(columns["members"].size)
    summary = outcomes_of(columns, days)
    silence = summary["days_until_silence"]
    summary["active_days"] = float(days[-1]) if math.isnan(silence) else silence
    # the model's contributors leave spammers out: days 1..days, day 0 (founding) apart
    summary["active_member_days"] = float(columns["contributors"][1:].sum())
    kept = {name: float(summary[name]) for name in outcomes}
    if not metrics:
        return kept, np.empty((days.size, 0))
    return kept, np.stack([columns[name] for name in metrics], axis=1)


def execute_batch(
    runs: Sequence[Run],
    days: int,
    metrics: Sequence[str],
    outcomes: Sequence[str],
    allow_import: Sequence[str] = (),
) -> list[RunResult]:
    """``execute_run`` for each of ``runs`` in turn (one task of the executor).
    ``allow_import``: the modules of the runs' user strategies
    (``registry.experiment_modules``), which the process that resolved their names (with
    the user's permission) lets this worker import; they are imported first."""
    try:
        import_modules(allow_import)
    except ValueError as error:  # every run fails with it, recorded as any failure is
        return [RunResult(run, None, None, describe_error(error), 0.0) for run in runs]
    return [execute_run(run, days, metrics, outcomes, allow_import) for run in runs]


def describe_error(error: BaseException) -> str:
    """One line: the exception and where it was raised."""
    text = "".join(traceback.format_exception_only(error)).strip().replace("\n", " ")
    frames = traceback.extract_tb(error.__traceback__)
    if frames:
        last = frames[-1]
        text += f" ({last.filename}:{last.lineno} in {last.name})"
    return text
