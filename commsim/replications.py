"""Running a model over seeds: the one seed scheme and the one loop.

Seeds. Every seed commsim derives comes from a root seed and a *spawn key*, the path of a
child in ``numpy.random.SeedSequence``'s tree::

    seed(root, key) = first 64-bit word of SeedSequence(root, spawn_key=key).generate_state
                      shifted right by one bit (a non-negative int64)

``SeedSequence(root, spawn_key=(a, b))`` is ``SeedSequence(root).spawn(a + 1)[a]
.spawn(b + 1)[b]``, so children are independent streams and a seed does not depend on
how many siblings were spawned. The keys in use:

* replication ``r`` of a set of replications (calibration, validation, analysis by
  ``replication_seeds``): key ``(r,)``;
* run ``(setting s, replication r)`` of a sweep: key ``(1, s, r)`` (``run_seed``; the key
  ``(0,)`` seeds the sweep's design).

The seed is recorded with each run (the ``seed`` column of ``run_replications``, a
sweep's ``Run.seed`` and ``Run.spawn_key``, ``CalibrationResult.seeds``), and
``CommunityModel(rng=seed, **parameters)`` re-runs that run alone.

Runs. ``run_model`` runs one model; ``run_models`` runs one per seed and hands back the
finished models (for analyses of their population); ``run_replications`` stacks their
daily frames into one long frame, and ``run_configurations`` does that for several named
configurations on the same seeds.

    >>> replication_seeds(7, 3) == replication_seeds(7, 3)
    True
    >>> run_seed(7, 0, 2)[1]
    (1, 0, 2)
    >>> runs = run_replications([1, 2], days=5, population=100)
    >>> runs.groupby("seed").size().to_dict()
    {1: 6, 2: 6}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

import numpy as np
import pandas as pd

from commsim.model import CommunityModel
from commsim.parameters import validate
from commsim.strategies import strategies_from_keywords
from commsim.strategies.base import Strategy

__all__ = [
    "check_parameters",
    "daily_frame",
    "replication_seeds",
    "run_configurations",
    "run_model",
    "run_models",
    "run_replications",
    "run_seed",
    "spawn_seed",
]

RUNS_CHILD = 1
"""First element of a sweep run's spawn key, ``(RUNS_CHILD, setting, replication)``."""

#: Largest sizes of a set of runs (an experiment's, a forecast's): days a run lasts, and
#: runs in all; checked before anything is built.
MAX_DAYS = 100_000
MAX_RUNS = 10_000_000

StrategyFactory = Callable[[], Iterable[Strategy]]
Action = Callable[[CommunityModel], None]


# ---------------------------------------------------------------------- seeds
def spawn_seed(root: int, spawn_key: tuple[int, ...]) -> int:
    """The model seed of the child ``spawn_key`` of ``SeedSequence(root)`` (module
    docstring): the first 64-bit word of its state shifted right by one bit."""
    sequence = np.random.SeedSequence(root, spawn_key=tuple(spawn_key))
    return int(sequence.generate_state(1, np.uint64)[0] >> np.uint64(1))


def replication_seeds(root: int, replications: int) -> list[int]:
    """The seeds of ``replications`` replications under ``root``: replication ``r`` has
    spawn key ``(r,)``, the ``r``-th child of ``SeedSequence(root).spawn(...)``.

    Raises:
        ValueError: for a negative root or a negative number of replications.
    """
    for name, value in (("root", root), ("replications", replications)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"{name}={value!r} is not valid: expected an integer >= 0")
    return [spawn_seed(int(root), (r,)) for r in range(int(replications))]


def run_seed(root: int, setting: int, replication: int) -> tuple[int, tuple[int, ...]]:
    """The seed of a sweep's run ``(setting, replication)`` and its spawn key
    ``(1, setting, replication)`` under the experiment's ``root`` seed."""
    spawn_key = (RUNS_CHILD, setting, replication)
    return spawn_seed(root, spawn_key), spawn_key


# ---------------------------------------------------------------------- runs
def check_parameters(parameters: dict) -> None:
    """Raise ``ValueError`` for a bad model parameter or flat strategy keyword, as
    ``CommunityModel`` would, before any run starts."""
    _, rest = strategies_from_keywords(parameters)
    validate(rest)


def _check_days(days) -> int:
    if isinstance(days, bool) or not isinstance(days, int | np.integer) or days < 1:
        raise ValueError(f"days={days!r} is not valid: expected an integer >= 1")
    return int(days)


def daily_frame(model: CommunityModel) -> pd.DataFrame:
    """The model's daily metrics, one row a day, indexed by ``day``."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index.name = "day"
    return frame


def run_model(
    seed,
    days: int,
    strategies: Iterable[Strategy] = (),
    actions: Mapping[int, Action] | None = None,
    **parameters,
) -> CommunityModel:
    """``CommunityModel(rng=seed, strategies=strategies, **parameters)`` run for ``days``
    days (at least 1); returns the finished model.

    ``actions`` maps a day to ``action(model)``, called after that day's step (day 0:
    before the first step): a manipulation through the model's mutators, or a snapshot.
    Stepping day by day for them gives the same run as without them, bar what they do.

    Raises:
        ValueError: for ``days < 1`` or an action on a day outside ``0..days``.
    """
    days = _check_days(days)
    actions = dict(actions or {})
    outside = sorted(day for day in actions if not 0 <= day <= days)
    if outside:
        raise ValueError(f"actions on days {outside} are not valid: expected days 0..{days}")
    model = CommunityModel(rng=seed, strategies=list(strategies), **parameters)
    if not actions:
        model.run_for(days)
        return model
    for day in range(days + 1):
        if day > 0:
            model.step()
        if day in actions:
            actions[day](model)
    return model


def run_models(
    seeds: Iterable[int],
    days: int,
    strategies: StrategyFactory | None = None,
    actions: Mapping[int, Action] | None = None,
    **parameters,
) -> Iterator[CommunityModel]:
    """``run_model`` once per seed, yielding each finished model in turn.

    Args:
        seeds: one run per seed.
        days: days to simulate in each run (at least 1).
        strategies: a function returning a fresh list of strategies for each run (strategies
            hold state, so runs must not share them); None for none.
        actions: ``{day: action(model)}`` for every run (see ``run_model``).
        **parameters: model parameters and flat strategy keywords, as for ``CommunityModel``.

    Raises:
        ValueError: for ``days < 1`` or a bad model parameter, before any run.
    """
    days = _check_days(days)
    check_parameters(parameters)
    return (
        run_model(seed, days, strategies() if strategies else (), actions, **parameters)
        for seed in seeds
    )


def run_replications(
    seeds: Iterable[int],
    days: int,
    strategies: StrategyFactory | None = None,
    **parameters,
) -> pd.DataFrame:
    """Run ``CommunityModel`` once per seed and stack the daily frames into one long frame.

    Args:
        seeds: one run per seed (``rng=seed``), e.g. ``replication_seeds(root, 20)``.
        days: days to simulate in each run (at least 1).
        strategies: a function returning a fresh list of strategies for each run; None for
            none.
        **parameters: model parameters and flat strategy keywords (e.g.
            ``red_packets_budget=500``), as for ``CommunityModel``.

    Returns:
        One row per run and day: ``seed``, ``day`` and the model's reporters.

    Raises:
        ValueError: for ``days < 1``, no seeds, or a bad model parameter (before any run).
    """
    seeds = [int(seed) for seed in seeds]
    _check_days(days)
    if not seeds:
        raise ValueError("seeds=[] is not valid: expected at least one seed")
    frames = [
        daily_frame(model).reset_index().assign(seed=seed)
        for seed, model in zip(
            seeds, run_models(seeds, days, strategies, **parameters), strict=True
        )
    ]
    long = pd.concat(frames, ignore_index=True)
    return long[["seed", "day", *long.columns.drop(["seed", "day"])]]


def run_configurations(
    configurations: dict[str, dict], seeds: Iterable[int], days: int, **common
) -> pd.DataFrame:
    """``run_replications`` for each of several named configurations, stacked.

    Args:
        configurations: name -> model parameters of that configuration; the key
            ``"strategies"`` may hold a function returning a fresh list of strategies.
        seeds: the seeds, the same for every configuration (common random numbers).
        days: days per run.
        **common: parameters shared by all configurations (a configuration overrides them).

    Returns:
        The long frame with ``configuration`` and a ``run`` column unique across
        configurations (``"<configuration>/<seed>"``) before ``seed`` and ``day``.

    Raises:
        ValueError: for no configurations, or any bad parameter (before any run).
    """
    if not configurations:
        raise ValueError("configurations={} is not valid: expected at least one configuration")
    settings = {}
    for name, configuration in configurations.items():
        parameters = {**common, **configuration}
        strategies = parameters.pop("strategies", None)
        check_parameters(parameters)
        settings[name] = (strategies, parameters)
    seeds = list(seeds)
    frames = []
    for name, (strategies, parameters) in settings.items():
        frame = run_replications(seeds, days, strategies, **parameters)
        run = name + "/" + frame["seed"].astype(str)
        frames.append(frame.assign(configuration=name, run=run))
    long = pd.concat(frames, ignore_index=True)
    first = ["configuration", "run", "seed", "day"]
    return long[[*first, *long.columns.drop(first)]]
