"""What every check shares: sizes, figures and results, the runs, strategies by name, bounds.

A check is a small experiment replicated over seeds. It measures the statistic its source
measured and turns each measured quantity into a ``Figure``: the mean over replications,
the confidence bound its rule reads, the source's number and the tolerance, written in the
check's module before any run. A check passes when every figure passes.

A check whose mechanism or strategy does not exist in the model yet does not crash: it
raises ``Unavailable`` inside, and ``Check.__call__`` reports it as failing with the reason.

Bounds over replications (one home for them here until ``commsim.stats`` lands): Student
t intervals of the mean, ``mean +- t(1 - alpha, n - 1) * sd / sqrt(n)`` (one-sided at level
``1 - alpha``; NaN for fewer than two values); exact (Clopper-Pearson) bounds for shares of
runs; ratio estimators over clustered counts with the linearised (cluster-robust) variance.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from commsim.calibrate import replication_seeds
from commsim.model import CommunityModel
from commsim.parameters import validate
from commsim.population import NO_GROUP, SPAMMER
from commsim.strategies.base import Strategy

try:  # the open registry (issue 9) replaces strategies/keywords.py
    from commsim.strategies.registry import strategies_from_keywords
except ImportError:  # pragma: no cover - before the registry lands
    from commsim.strategies.keywords import strategies_from_keywords

ALPHA = 0.05
"""Every check's error rate: one-sided bounds at 95%."""


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
    values = _finite(values)
    low = lower_bound(values)
    return Figure(name, _mean(values), low, source, tolerance, bool(low >= bar))


def at_most(name, values, bar, source, tolerance) -> Figure:
    """A figure that passes when the one-sided upper bound of the mean of ``values`` is at
    most ``bar``."""
    values = _finite(values)
    high = upper_bound(values)
    return Figure(name, _mean(values), high, source, tolerance, bool(high <= bar))


def within(name, values, low_bar, high_bar, source, tolerance) -> Figure:
    """A figure that passes when the two-sided 95% interval of the mean of ``values``
    lies within ``[low_bar, high_bar]``."""
    values = _finite(values)
    low, high = t_interval(values, 1 - 2 * ALPHA)
    passed = bool(low >= low_bar and high <= high_bar)
    return Figure(name, _mean(values), (low, high), source, tolerance, passed)


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
    """Members' own messages per day (spam apart), from a model frame.

    Reads the model's reporter of members' own messages when it has one
    (``member_messages`` or ``own_messages``), else ``messages - spam_messages``.
    """
    for name in ("member_messages", "own_messages"):
        if name in frame:
            return frame[name].astype(float)
    return (frame["messages"] - frame.get("spam_messages", 0.0)).astype(float)


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


# ---------------------------------------------------------------- strategies by name
PROBE: dict = (
    {"register": False}
    if "register" in inspect.signature(Strategy.__init_subclass__).parameters
    else {}
)
"""Class keywords of the validation package's own strategies (probes, alternatives): kept
out of the open registry, so they get no classroom section or flat keywords."""


class FromDay(Strategy, **PROBE):
    """Another strategy that acts only from day ``day`` on (set up at the start as usual):
    before it, its hooks are not called and it admits everyone. So a check can show
    something on a chosen day whatever the strategy's own parameters."""

    def __init__(self, strategy: Strategy, day: int) -> None:
        self.strategy, self.day = strategy, int(day)

    def setup(self, model) -> None:
        self.strategy.setup(model)

    def _on(self, model) -> bool:
        return model.day >= self.day

    def start_day(self, model, today) -> None:
        if self._on(model):
            self.strategy.start_day(model, today)

    def admit(self, model, *args):
        if self._on(model):
            return self.strategy.admit(model, *args)
        return np.ones(len(args[-2]), dtype=bool)

    def on_join(self, model, *args) -> None:
        if self._on(model):
            self.strategy.on_join(model, *args)

    def add_content(self, model, today) -> None:
        if self._on(model):
            self.strategy.add_content(model, today)

    def end_day(self, model, today) -> None:
        if self._on(model):
            self.strategy.end_day(model, today)

    def __getattr__(self, name):
        if name == "strategy":
            raise AttributeError(name)
        return getattr(self.strategy, name)


def admit_people(model: CommunityModel, people: np.ndarray, group: int, today, route) -> None:
    """Make outsiders ``people`` members of ``group`` today through the model's mutator
    (``model.admit`` once the mutators land, ``model.add_members`` before)."""
    if hasattr(model, "admit"):
        model.admit(people, np.full(people.size, group), today, route=route)
    else:
        model.add_members(people, group, today, route=route)


def registered() -> Mapping[str, type[Strategy]]:
    """Every registered strategy class by name (the open registry once it exists)."""
    try:
        from commsim.strategies.registry import registered_strategies
    except ImportError:
        from commsim.strategies.keywords import STRATEGIES

        return STRATEGIES
    return registered_strategies()


def strategy_named(name: str) -> type[Strategy]:
    """The strategy class called ``name``.

    Raises:
        Unavailable: when no strategy of that name is registered.
    """
    classes = registered()
    if name not in classes:
        raise Unavailable(f"no strategy named {name!r} is registered (yet): the check needs it")
    return classes[name]


def split_own(parameters: Mapping, cls: type[Strategy]) -> tuple[dict, dict]:
    """``parameters`` split into the flat keywords of ``cls`` (as its own keyword names,
    for the treated arm) and everything else (for every arm)."""
    key = cls.key
    own = {k[len(key) + 1 :]: v for k, v in parameters.items() if k.startswith(key + "_")}
    rest = {k: v for k, v in parameters.items() if k != key and not k.startswith(key + "_")}
    return own, rest


def build(cls: type[Strategy], settings: Mapping) -> Strategy:
    """An instance of ``cls`` with those of ``settings`` it declares.

    Raises:
        Unavailable: when the strategy lacks a parameter the check must set.
    """
    missing = sorted(set(settings) - set(cls.PARAMETERS))
    if missing:
        raise Unavailable(f"strategy {cls.__name__} has no parameter(s) {missing}: the check "
                          "needs them")  # fmt: skip
    return cls(**dict(settings))


# ---------------------------------------------------------------- bounds
def _finite(values) -> np.ndarray:
    values = np.asarray(list(values) if not isinstance(values, np.ndarray) else values,
                        dtype=float)  # fmt: skip
    return values[np.isfinite(values)]


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def t_interval(values, level: float = 0.95) -> tuple[float, float]:
    """Two-sided Student t interval of the mean at ``level`` (NaN bounds for n < 2)."""
    values = _finite(values)
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


def as_list(values: Iterable) -> list:
    """``values`` as a list of floats."""
    return [float(v) for v in values]
