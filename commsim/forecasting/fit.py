"""``forecast``: check the arguments, fit the days up to today, run the ensemble ahead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pandas as pd

from commsim import calibrate
from commsim.forecasting.arms import AS_IT_IS, Member, run_figures, run_member, strategy_templates
from commsim.forecasting.result import Forecast
from commsim.forecasting.series import observed_metrics, observed_stages, read_series
from commsim.parameters import PARAMETERS
from commsim.replications import MAX_DAYS, MAX_RUNS
from commsim.strategies import FLAT_PARAMETERS, Strategy

DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "ambient_inflow": (0.002, 0.3),
    "promotion_days": (2.0, 60.0),
    "social_pull": (0.0, 0.1),
    "activity_mean": (0.01, 0.3),
    "messages_per_post": (1.0, 8.0),
    "novelty": (0.0, 8.0),
    "novelty_days": (2.0, 60.0),
    "patience_mean": (0.2, 0.95),
}
"""The prior of an unknown group: how fast people find it (``ambient_inflow`` fading
with ``promotion_days``, and friends bringing friends, ``social_pull``), how much they
post (``activity_mean``, ``messages_per_post``), how much of that is freshness that fades
(``novelty``, ``novelty_days``), and how long they bear a disappointing group
(``patience_mean``)."""


DRAWS, ACCEPT = 1200, 0.0167
"""The ABC's default prior draws and the share kept (20 draws): a loose fit of eight
parameters from the best of a few hundred draws varies from seed to seed (on the brand
group of 004, fitted on 30 days, the band of 400 draws with 20 kept held 33% of the later
member counts at seed 0, where 1,200 draws held all of them at seeds 0, 1 and 2)."""


def default_fixed(frame: pd.DataFrame) -> dict:
    """Fixed parameters read from the data: founders from day 0's members, and a
    population of at least 1,000 and three times the most members seen."""
    fixed = {}
    if "members" in frame:
        members = frame["members"].dropna()
        if 0 in members.index and members.loc[0] >= 1:
            fixed["initial_members"] = int(members.loc[0])
        if len(members):
            fixed["population"] = max(1000, int(3 * members.max()))
    return fixed


def forecast(
    observed: pd.DataFrame | str | Path,
    *,
    fit_days: int | None = None,
    horizon: int | None = None,
    ahead: int = 90,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    fixed: Mapping[str, float] | None = None,
    strategies: Mapping[str, str | Strategy] | Iterable[str] | None = None,
    draws: int = DRAWS,
    accept: float = ACCEPT,
    replications: int = 2,
    level: float = 0.9,
    seed: int = 0,
    executor: Executor | None = None,
) -> Forecast:
    """Fit a group's series up to ``today`` and forecast it (see the module docstring).

    Args:
        observed: a DataFrame indexed by day (or with a ``day`` column), or a CSV file
            (``read_series``); columns among the model's metrics are used, NaN = not seen.
        fit_days: fit days 0..``fit_days`` (``today``); default: every observed day.
        horizon: the last day simulated (> today + 1); default: day 365, or
            ``today + ahead`` when that is later.
        ahead: days after today for ``members_ahead``/``messages_ahead``.
        bounds: the prior's bounds of the fitted parameters (default ``DEFAULT_BOUNDS``).
        fixed: parameters held fixed (model parameters or strategies' flat keywords, e.g.
            ``scheduled_events=True`` for a group that already holds weekly events);
            by default founders and population come from the data (``default_fixed``).
        strategies: label -> strategy name or instance (copied into each run), or a list
            of names; default ``DEFAULT_STRATEGIES``; ``[]`` for none.
        draws, accept, replications: the ABC's prior draws, accepted share, seeds per draw.
        level: the share of runs inside each band.
        seed: root seed of the fit (prior draws and replication seeds).
        executor: a ``concurrent.futures.Executor`` for the fit and the runs ahead.

    Raises:
        ValueError: naming the argument, the value and what is allowed, before any run.
    """
    if isinstance(observed, (str, Path)):
        observed = read_series(observed)
    frame = observed_metrics(observed)
    last = int(frame.dropna(how="all").index.max())
    if fit_days is None:
        fit_days = last
    if isinstance(fit_days, bool) or not isinstance(fit_days, (int, np.integer)) or fit_days < 1:
        raise ValueError(f"fit_days={fit_days!r}: expected a whole number of days >= 1")
    today = int(fit_days)
    if today > last:
        raise ValueError(
            f"fit_days={today}: the series ends on day {last}: expected at most {last}"
        )
    if horizon is None:
        horizon = max(365, today + ahead) if isinstance(ahead, (int, np.integer)) else 365
    fitted = frame.loc[:today]
    if fitted.iloc[1:].isna().all().all():
        raise ValueError(f"fit_days={today}: no observed day in 1..{today} to fit")
    for name, value, low in (("horizon", horizon, today + 2), ("ahead", ahead, 1)):
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, np.integer))
            or not low <= value <= MAX_DAYS
        ):
            raise ValueError(f"{name}={value!r}: expected a whole number in [{low}, {MAX_DAYS:,}]")
    for name, value in (("draws", draws), ("replications", replications)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name}={value!r}: expected an integer >= 1")
    if draws * replications > MAX_RUNS:
        raise ValueError(
            f"draws={draws} x replications={replications}: {draws * replications:,} runs: "
            f"expected at most {MAX_RUNS:,}"
        )
    if today + ahead > horizon:
        raise ValueError(f"ahead={ahead}: today ({today}) + ahead must be within horizon={horizon}")
    if not 0 < level < 1:
        raise ValueError(f"level={level!r}: expected a share in (0, 1)")
    fixed = {**default_fixed(fitted), **dict(fixed or {})}
    bounds = dict(DEFAULT_BOUNDS if bounds is None else bounds)
    for name in fixed:
        if name not in PARAMETERS and name not in FLAT_PARAMETERS:
            raise ValueError(f"fixed[{name!r}]: expected a model parameter or flat keyword")
    fixed = {k: v for k, v in fixed.items() if k not in bounds}
    templates = strategy_templates(strategies, today + 1)

    calibration = calibrate.fit(
        fitted.dropna(axis=1, how="all"), bounds, fixed=fixed, method="abc",
        replications=replications, seed=seed, executor=executor, draws=draws, accept=accept,
    )  # fmt: skip
    names = list(bounds)
    members = []
    for row in calibration.posterior[names].itertuples(index=False):
        values = {
            name: int(round(x)) if _is_int(name) else float(x)
            for name, x in zip(names, row, strict=True)
        }
        for seed_value in calibration.seeds:
            members.append(Member({**fixed, **values}, seed_value, today, horizon, templates))
    mapper = map if executor is None else executor.map
    results = list(mapper(run_member, members))

    runs, figures = [], []
    for k, frames in enumerate(results):
        for arm, run in frames.items():
            runs.append(run.assign(arm=arm, run=k).rename_axis("day").reset_index())
            figures.append({"arm": arm, "run": k, **run_figures(run, today, ahead)})
    return Forecast(
        observed=frame,
        today=today,
        horizon=horizon,
        ahead=ahead,
        level=level,
        calibration=calibration,
        stages=observed_stages(frame, _median(runs, "members")),
        runs=pd.concat(runs, ignore_index=True),
        figures=pd.DataFrame(figures),
    )


def _median(runs: list[pd.DataFrame], column: str) -> pd.Series:
    """The daily median of ``column`` over the as-it-is runs."""
    table = pd.concat([r.set_index("day")[column] for r in runs if r["arm"].iat[0] == AS_IT_IS],
                      axis=1)  # fmt: skip
    return table.median(axis=1)


def _is_int(name: str) -> bool:
    parameter = PARAMETERS.get(name) or FLAT_PARAMETERS.get(name)
    return getattr(parameter, "kind", None) is int
