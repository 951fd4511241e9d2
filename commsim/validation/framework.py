"""What every check shares: sizes, figures and results, the check itself, and the runs.

A check is a small experiment replicated over seeds. It measures the statistic its source
measured and turns each measured quantity into a ``Figure``: the mean over replications,
the confidence bound its rule reads, the source's number and the tolerance, written in the
check's module before any run. A check passes when every figure passes.

A check whose mechanism or strategy does not exist in the model yet does not crash: it
raises ``Unavailable`` inside, and ``Check.__call__`` reports it as failing with the reason.

The bounds the figures read are in ``bounds``; strategies by name in ``arms``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from commsim.model import CommunityModel
from commsim.parameters import validate
from commsim.population import NO_GROUP, SPAMMER
from commsim.replications import replication_seeds
from commsim.strategies.base import Strategy
from commsim.strategies.registry import strategies_from_keywords
from commsim.validation.bounds import ALPHA, finite, lower_bound, mean, t_interval, upper_bound


@dataclass(frozen=True)
class Size:
    """How big a check's experiment is.

    Attributes:
        replications: seeds per arm of the experiment (the arms share them).
        population: people in each model (checks about a group of a few hundred, as in
            004, use at least this many; see each check).
    """

    replications: int
    population: int


SIZES = {"small": Size(replications=12, population=2000), "full": Size(40, 2000)}


class Unavailable(Exception):
    """The check's mechanism or strategy does not exist in the model (yet)."""


@dataclass(frozen=True)
class Figure:
    """One measured quantity of a check beside its source.

    Attributes:
        name: what is measured, in words.
        measured: the mean over replications (or the pooled estimate).
        bound: the confidence bound the rule reads (lower for "at least", upper for "at
            most"), or ``(low, high)`` for "within".
        source: the source's number or statement, in words.
        tolerance: the pass rule, in words, fixed before any run.
        passed: whether the rule held.
    """

    name: str
    measured: float
    bound: float | tuple[float, float]
    source: str
    tolerance: str
    passed: bool

    def row(self) -> dict:
        """The figure as a table row (numbers rounded for reading)."""
        bound = self.bound
        if isinstance(bound, tuple):
            shown = f"[{_num(bound[0])}, {_num(bound[1])}]"
        else:
            shown = _num(bound)
        return {"figure": self.name, "measured": _num(self.measured), "bound": shown,
                "source": self.source, "tolerance": self.tolerance,
                "result": "pass" if self.passed else "FAIL"}  # fmt: skip


def _num(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def at_least(name, values, bar, source, tolerance) -> Figure:
    """A figure that passes when the one-sided lower bound of the mean of ``values``
    reaches ``bar``."""
    values = finite(values)
    low = lower_bound(values)
    return Figure(name, mean(values), low, source, tolerance, bool(low >= bar))


def at_most(name, values, bar, source, tolerance) -> Figure:
    """A figure that passes when the one-sided upper bound of the mean of ``values`` is at
    most ``bar``."""
    values = finite(values)
    high = upper_bound(values)
    return Figure(name, mean(values), high, source, tolerance, bool(high <= bar))


def within(name, values, low_bar, high_bar, source, tolerance) -> Figure:
    """A figure that passes when the two-sided 95% interval of the mean of ``values``
    lies within ``[low_bar, high_bar]``."""
    values = finite(values)
    low, high = t_interval(values, 1 - 2 * ALPHA)
    passed = bool(low >= low_bar and high <= high_bar)
    return Figure(name, mean(values), (low, high), source, tolerance, passed)


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: the check's name.
        finding: what is known, in words.
        source: where it comes from.
        design: what the experiment does, in words.
        figures: the measured figures beside the source's.
        reason: why nothing was measured (the mechanism does not exist), else empty.
        notes: other measured numbers worth reading (no rule of their own), in words.
    """

    name: str
    finding: str
    source: str
    design: str
    figures: list[Figure] = field(default_factory=list)
    reason: str = ""
    notes: str = ""

    @property
    def passed(self) -> bool:
        """Every figure passed (and something was measured)."""
        return not self.reason and bool(self.figures) and all(f.passed for f in self.figures)

    def table(self) -> pd.DataFrame:
        """One row per figure: measured, bound, source, tolerance, result."""
        return pd.DataFrame([f.row() for f in self.figures])

    def report(self) -> str:
        """A few lines: the finding, the source, the design, then each figure."""
        verdict = "PASS" if self.passed else "FAIL"
        lines = [f"[{verdict}] {self.name}: {self.finding}", f"    source: {self.source}",
                 f"    design: {self.design}"]  # fmt: skip
        if self.reason:
            lines.append(f"    not measured: {self.reason}")
        if self.notes:
            lines.append(f"    notes: {self.notes}")
        for f in self.figures:
            row = f.row()
            lines.append(
                f"    {row['result']:4} {f.name}: {row['measured']} (bound {row['bound']}); "
                f"source {f.source}; rule {f.tolerance}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Check:
    """A named check: a finding, its source, and the experiment that measures it.

    ``experiment(size, seed, parameters, **options)`` returns ``(design, figures)`` or
    ``(design, figures, notes)`` and may raise ``Unavailable``; ``options`` are the check's
    own arguments (e.g. the strategy that shows the median), which the alternatives use.
    """

    name: str
    finding: str
    source: str
    experiment: Callable[..., tuple[str, list[Figure]]]

    def __call__(self, size: str = "small", seed: int = 0, options: Mapping | None = None,
                 **parameters) -> CheckResult:  # fmt: skip
        """Run the check.

        Args:
            size: ``"small"`` or ``"full"`` (``SIZES``).
            seed: root seed of the replications (``SeedSequence(seed).spawn``).
            options: the check's own arguments (see its module).
            **parameters: model parameters and strategies' flat keywords for every arm;
                the flat keywords of the strategy a check is about go to its treated arm.

        Raises:
            ValueError: for an unknown size, a bad seed or a bad model parameter.
        """
        if size not in SIZES:
            raise ValueError(f"size={size!r}: expected one of {list(SIZES)}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed={seed!r}: expected a non-negative integer")
        validate(strategies_from_keywords(parameters)[1])
        try:
            design, figures, *notes = self.experiment(SIZES[size], int(seed), dict(parameters),
                                                      **dict(options or {}))  # fmt: skip
        except Unavailable as missing:
            return CheckResult(self.name, self.finding, self.source, "", [], str(missing))
        return CheckResult(self.name, self.finding, self.source, design, figures, "",
                           "; ".join(notes))  # fmt: skip


# ---------------------------------------------------------------- runs
@dataclass
class Run:
    """One replication: the model at the end of the run, its daily frame and snapshots.

    Attributes:
        model: the model after the last day.
        frame: the DataCollector's model frame, one row per day 0..days.
        seed: the replication's seed.
        snapshots: what the ``actions`` recorded, by name.
    """

    model: CommunityModel
    frame: pd.DataFrame
    seed: int
    snapshots: dict = field(default_factory=dict)


def replicate(
    size: Size,
    seed: int,
    days: int,
    parameters: Mapping,
    strategies: Callable[[], list[Strategy]] | None = None,
    actions: Mapping[int, Callable[[CommunityModel, Run], None]] | None = None,
) -> list[Run]:
    """Run one model per replication seed for ``days`` days.

    Args:
        size: replications and population (``parameters`` may override the population).
        seed: root seed; the replications' seeds are ``replication_seeds(seed, n)``, shared
            by every arm of a comparison (paired).
        days: days to simulate.
        parameters: model parameters and flat strategy keywords.
        strategies: a function giving fresh strategies for each run.
        actions: ``{day: action(model, run)}``, called after that day's step (day 0: before
            the first step): a manipulation through the model's mutators, or a snapshot
            written into ``run.snapshots``.
    """
    runs = []
    actions = dict(actions or {})
    for rep_seed in replication_seeds(seed, size.replications):
        chosen = list(strategies()) if strategies is not None else []
        model = CommunityModel(rng=rep_seed, strategies=chosen,
                               **{"population": size.population, **parameters})  # fmt: skip
        run = Run(model, pd.DataFrame(), rep_seed)
        if 0 in actions:
            actions[0](model, run)
        for day in range(1, days + 1):
            model.step()
            if day in actions:
                actions[day](model, run)
        run.frame = model.datacollector.get_model_vars_dataframe()
        runs.append(run)
    return runs


def own_messages(frame: pd.DataFrame) -> pd.Series:
    """Members' own messages per day (spam apart), from a model frame: the model's
    ``messages`` reporter, which leaves spam out (``spam_messages`` is its own column)."""
    return frame["messages"].astype(float)


def regular(model: CommunityModel) -> np.ndarray:
    """Whether each person is not a spammer."""
    return model.population.role != SPAMMER


def members_on(model: CommunityModel, day: int) -> np.ndarray:
    """Whether each person was a member at the end of ``day`` (joined by then, not yet
    left; muted members are members), read from the joining and leaving days."""
    pop = model.population
    joined = (pop.joined_day >= 0) & (pop.joined_day <= day)
    return joined & ((pop.left_day < 0) | (pop.left_day > day))


def members_now(model: CommunityModel) -> np.ndarray:
    """Whether each person is a member now."""
    return model.population.group != NO_GROUP
