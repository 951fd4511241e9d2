"""An experiment: which runs a sweep makes, with which parameters, strategies and seeds.

An ``Experiment`` fixes some model parameters, varies others, applies strategies (and
optionally compares named *policies*, each a set of strategies), replicates every setting
with its own seed, and says which daily metrics and per-run outcomes to keep::

    from commsim.sweep import Experiment, Range

    experiment = Experiment(
        name="fee-level",
        days=180,
        replications=20,
        seed=7,
        parameters={"population": 1000},
        strategies={"EntryThreshold": {"kind": "fee"}},
        vary={"EntryThreshold.level": [0.0, 0.2, 0.4], "ambient_inflow": [0.01, 0.02]},
    )
    experiment.settings()     # one row per setting (3 x 2 here)
    experiment.runs()         # settings x replications, each with its seed

Varied values given as lists form a grid (every combination). Values given as a
``Range(low, high)`` are sampled instead, by a Latin hypercube (``design="latin"``,
``samples`` points) or by Saltelli's scheme for Sobol indices (``design="sobol"``,
``samples * (k + 2)`` points for ``k`` ranges, SALib); list-valued parameters and policies
are then crossed with the sampled points.

Seeds: the root ``seed`` gives ``SeedSequence(seed)``, whose first child seeds the design
(Latin hypercube, Sobol) and whose second child is spawned once per setting and then once
per replication, so run ``(s, r)`` has spawn key ``(1, s, r)``. The model of that run is
seeded with the 63-bit integer ``seed`` drawn from that child sequence, recorded with the
run: ``CommunityModel(rng=seed, **parameters)`` re-runs it alone. A run's seed does not
depend on the executor, the worker count, the batch, or the number of replications.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from commsim.model import REPORTERS
from commsim.outcomes import run_outcomes
from commsim.parameters import PARAMETERS, Choice, check_together, validate
from commsim.replications import run_seed
from commsim.strategies import STRATEGIES
from commsim.sweep.strategy_lookup import build_strategy, strategy_parameters

#: Outcomes a sweep adds to ``commsim.outcomes.run_outcomes``, with their meaning.
SWEEP_OUTCOMES = {
    "active_days": "days_until_silence, or the run's last day when the group never fell "
    "silent within the run (a lower bound then; NaN-free, so means compare policies)",
}
#: Names of the per-run outcomes a sweep can keep: ``run_outcomes``' and ``SWEEP_OUTCOMES``.
OUTCOMES: tuple[str, ...] = tuple(
    run_outcomes(pd.DataFrame(0.0, index=range(2), columns=list(REPORTERS)))
) + tuple(SWEEP_OUTCOMES)
DESIGNS = ("grid", "latin", "sobol")
POLICY = "policy"  # name of the settings column that holds the policy of each setting
_DESIGN_CHILD = 0  # child of the root SeedSequence seeding the design (runs: run_seed)


class ExperimentError(ValueError):
    """An experiment that cannot run. ``key`` is the path of the offending entry, e.g.
    ``("vary", "RedPackets.budget")``; the message starts with it."""

    def __init__(self, key: Sequence[str], message: str) -> None:
        self.key = tuple(key)
        self.reason = message
        super().__init__(f"{dotted_key(self.key)}: {message}")


def dotted_key(key: Sequence[str]) -> str:
    """A key path as TOML writes it: ``vary."RedPackets.budget"``."""
    parts = []
    for part in key:
        bare = part.replace("_", "").replace("-", "").isalnum()
        parts.append(part if bare else json.dumps(part))
    return ".".join(parts)


@dataclass(frozen=True)
class Range:
    """A continuous range ``[low, high]`` of a varied parameter, sampled by the design.

    Integer parameters take integers ``low..high`` with equal probability.
    """

    low: float
    high: float


@dataclass(frozen=True)
class Run:
    """One run of an experiment: a setting, a replication and its seed.

    Attributes:
        setting: index of the setting (row of ``Experiment.settings()``).
        replication: 0-based replication of that setting.
        seed: the model's seed, ``CommunityModel(rng=seed, ...)``.
        spawn_key: the seed's SeedSequence spawn key ``(1, setting, replication)`` under
            the experiment's root seed.
        parameters: the model's keyword parameters (fixed and varied).
        strategies: ``(name, keyword arguments)`` of each strategy, in the order applied.
    """

    setting: int
    replication: int
    seed: int
    spawn_key: tuple[int, ...]
    parameters: dict[str, Any]
    strategies: tuple[tuple[str, dict[str, Any]], ...]


@dataclass
class Experiment:
    """A sweep's definition; validated on creation (``ExperimentError`` names the key).

    Args:
        name: a short name, used for the results folder.
        days: days each run lasts.
        replications: runs (seeds) of each setting.
        seed: root seed of the whole experiment (see the module docstring).
        parameters: fixed model parameters (``commsim.parameters.PARAMETERS``).
        strategies: strategies applied in every run, ``{name: {parameter: value}}``.
        vary: varied parameters by name: a model parameter (``"ambient_inflow"``) or a
            strategy's (``"RedPackets.budget"``, the strategy is added with its defaults if
            not listed); a list of values (grid) or a ``Range`` (sampled).
        policies: named alternatives compared side by side, ``{policy: {strategy:
            {parameter: value}}}``; every setting is run under every policy.
        design: ``"grid"``, ``"latin"`` or ``"sobol"`` (the last two need ranges).
        samples: points of a Latin hypercube; base sample of the Sobol design.
        metrics: daily metrics (``commsim.model.REPORTERS``) kept as time series.
        outcomes: per-run outcomes (``OUTCOMES``) kept.
        question: the question the experiment answers, shown in its report.
        report: report options: ``x`` (parameter on the x axis), ``outcomes`` (shown),
            ``timeseries`` (metrics plotted over time), ``best`` (``{"outcome": name,
            "goal": "max" | "min"}``), ``sensitivity`` (outcomes for Sobol indices).
    """

    name: str = "experiment"
    days: int = 365
    replications: int = 10
    seed: int = 0
    parameters: Mapping[str, Any] = field(default_factory=dict)
    strategies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    vary: Mapping[str, Sequence[Any] | Range] = field(default_factory=dict)
    policies: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)
    design: str = "grid"
    samples: int = 64
    metrics: Sequence[str] = REPORTERS
    outcomes: Sequence[str] = OUTCOMES
    question: str = ""
    report: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate(self)

    # ------------------------------------------------------------------ design
    @property
    def ranges(self) -> list[str]:
        """Varied names given as ranges, in order."""
        return [name for name, values in self.vary.items() if isinstance(values, Range)]

    @property
    def grid(self) -> list[str]:
        """Varied names given as lists, in order."""
        return [name for name, values in self.vary.items() if not isinstance(values, Range)]

    @property
    def setting_columns(self) -> list[str]:
        """Columns of ``settings()`` that tell settings apart."""
        return ([POLICY] if self.policies else []) + list(self.vary)

    def settings(self) -> pd.DataFrame:
        """Every setting: ``setting`` (0..n-1), ``policy`` (with policies), each varied
        name, and ``sample`` (position in a Latin or Sobol design; the Sobol analysis
        needs that order). Grid dimensions vary slowest, in the order given."""
        names = ([POLICY] if self.policies else []) + self.grid
        axes = ([list(self.policies)] if self.policies else []) + [
            list(self.vary[name]) for name in self.grid
        ]
        points = self._sample() if self.ranges else [()]
        rows = []
        for combination in itertools.product(*axes):
            for index, point in enumerate(points):
                row = dict(zip(names, combination, strict=True))
                row.update(zip(self.ranges, point, strict=True))
                if self.ranges:
                    row["sample"] = index
                rows.append(row)
        columns = self.setting_columns + (["sample"] if self.ranges else [])
        table = pd.DataFrame(rows, columns=columns)
        table.insert(0, "setting", np.arange(len(table), dtype=np.int64))
        return table

    def _sample(self) -> list[tuple[Any, ...]]:
        """Design points of the ranges, mapped from the unit cube to each range."""
        from SALib.sample import latin, sobol

        problem = {
            "num_vars": len(self.ranges),
            "names": self.ranges,
            "bounds": [[0.0, 1.0]] * len(self.ranges),
        }
        rng = np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(_DESIGN_CHILD,)))
        if self.design == "latin":
            unit = latin.sample(problem, self.samples, seed=rng)
        else:
            unit = sobol.sample(problem, self.samples, calc_second_order=False, seed=rng)
        columns = [
            _scale(unit[:, i], self.vary[name], self._is_integer(name))
            for i, name in enumerate(self.ranges)
        ]
        return list(zip(*columns, strict=True))

    def _is_integer(self, name: str) -> bool:
        if name in PARAMETERS:
            return PARAMETERS[name].kind is int
        strategy, _, parameter = name.rpartition(".")
        return strategy_parameters(strategy)[parameter].kind is int

    # ------------------------------------------------------------------ runs
    def run_count(self) -> int:
        """Number of runs: settings x replications."""
        return len(self.settings()) * self.replications

    def runs(self, settings: pd.DataFrame | None = None) -> Iterator[Run]:
        """Every run, setting by setting, replication by replication.

        Args:
            settings: the settings table to use (a results folder keeps its own);
                by default ``self.settings()``.
        """
        settings = self.settings() if settings is None else settings
        for row in settings.to_dict("records"):
            for replication in range(self.replications):
                yield self.run(row, replication)

    def run(self, setting: Mapping[str, Any] | int, replication: int) -> Run:
        """The run of one setting (a row of ``settings()`` or its index) and replication."""
        if not isinstance(setting, Mapping):
            setting = self.settings().to_dict("records")[int(setting)]
        index = int(setting["setting"])
        seed, spawn_key = run_seed(self.seed, index, replication)
        parameters = dict(self.parameters)
        strategies = {name: dict(params) for name, params in self.strategies.items()}
        if self.policies:
            for name, params in self.policies[setting[POLICY]].items():
                strategies[name] = dict(params)
        for name in self.vary:
            value = _plain(setting[name])
            if "." in name:
                strategy, _, parameter = name.rpartition(".")
                if strategy in strategies:
                    strategies[strategy][parameter] = value
            else:
                parameters[name] = value
        return Run(index, replication, seed, spawn_key, parameters, tuple(strategies.items()))

    # ------------------------------------------------------------------ identity
    def to_dict(self) -> dict[str, Any]:
        """The experiment as plain data (the shape of an experiment file)."""
        vary = {
            name: ({"low": v.low, "high": v.high} if isinstance(v, Range) else list(v))
            for name, v in self.vary.items()
        }
        return {
            "name": self.name,
            "question": self.question,
            "days": self.days,
            "replications": self.replications,
            "seed": self.seed,
            "design": self.design,
            "samples": self.samples,
            "metrics": list(self.metrics),
            "outcomes": list(self.outcomes),
            "parameters": self.parameters,
            "strategies": self.strategies,
            "vary": vary,
            "policies": self.policies,
            "report": self.report,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Experiment:
        """An experiment from plain data (``to_dict``'s shape); ranges are
        ``{"low": ..., "high": ...}`` tables."""
        data = dict(data)
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise ExperimentError(
                (unknown[0],),
                f"unknown key; known keys are: {', '.join(cls.__dataclass_fields__)}",
            )
        return cls(**data)

    def fingerprint(self) -> str:
        """Hash of everything that decides the runs' numbers. Replications, the name, the
        question and the report options are left out: more replications extend a sweep,
        and a report can change after the runs."""
        data = self.to_dict()
        for key in ("name", "question", "report", "replications"):
            data.pop(key)
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _range_or_values(key: tuple[str, ...], value: Any) -> Range | list[Any]:
    if isinstance(value, Range):
        return value
    if isinstance(value, Mapping):
        extra = sorted(set(value) - {"low", "high"})
        if extra or not {"low", "high"} <= set(value):
            raise ExperimentError(
                key, f"a range is a table with exactly the keys low and high, got {dict(value)!r}"
            )
        for end in ("low", "high"):
            if isinstance(value[end], bool) or not isinstance(value[end], (int, float)):
                raise ExperimentError(key + (end,), f"expected a number, got {value[end]!r}")
        return Range(value["low"], value["high"])
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ExperimentError(
        key, f"expected a list of values or a range {{low = ..., high = ...}}, got {value!r}"
    )


def _scale(unit: np.ndarray, bounds: Range, integer: bool) -> list[Any]:
    """Map design points in [0, 1) onto ``bounds``; integers ``low..high`` equally often."""
    if integer:
        low, high = int(bounds.low), int(bounds.high)
        return [int(v) for v in np.minimum(np.floor(low + unit * (high - low + 1)), high)]
    return [float(v) for v in bounds.low + unit * (bounds.high - bounds.low)]


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number the model's parameters expect."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------------- validation
def _validate(e: Experiment) -> None:
    """Check every entry of ``e`` and normalise its containers; raise ``ExperimentError``
    naming the first bad key. A strategy named only by a varied parameter is added to
    ``e.strategies`` with its defaults."""
    _check_text(("name",), e.name)
    _check_text(("question",), e.question, empty=True)
    _check_int(("days",), e.days, 1)
    _check_int(("replications",), e.replications, 1)
    _check_int(("seed",), e.seed, 0)
    _check_int(("samples",), e.samples, 1)
    if e.design not in DESIGNS:
        raise ExperimentError(
            ("design",), f"{e.design!r} is not a design: expected one of " + ", ".join(DESIGNS)
        )
    for key in ("parameters", "strategies", "vary", "policies", "report"):
        if not isinstance(getattr(e, key), Mapping):
            raise ExperimentError((key,), f"expected a table, got {getattr(e, key)!r}")
    e.parameters = dict(e.parameters)
    e.strategies = {name: _table(("strategies", name), p) for name, p in e.strategies.items()}
    e.policies = {
        policy: {
            name: _table(("policies", policy, name), p)
            for name, p in _table(("policies", policy), strategies).items()
        }
        for policy, strategies in e.policies.items()
    }
    e.vary = {name: _range_or_values(("vary", name), v) for name, v in e.vary.items()}
    e.report = dict(e.report)
    for key, names, known, what in (
        ("metrics", e.metrics, REPORTERS, "metric"),
        ("outcomes", e.outcomes, OUTCOMES, "outcome"),
    ):
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ExperimentError((key,), f"expected a list of {what} names, got {names!r}")
        for name in names:
            if name not in known:
                raise ExperimentError(
                    (key,), f"unknown {what} {name!r}; known: " + ", ".join(known)
                )
    e.metrics, e.outcomes = tuple(e.metrics), tuple(e.outcomes)

    for name, value in e.parameters.items():
        e.parameters[name] = _check_model_value(("parameters", name), name, value)
    for name, params in e.strategies.items():
        _check_strategy(("strategies", name), name, params)
    for policy, strategies in e.policies.items():
        _check_text(("policies", policy), policy)
        for name, params in strategies.items():
            if name in e.strategies:
                raise ExperimentError(
                    ("policies", policy, name),
                    f"strategy {name} is already applied in every run (strategies); "
                    "give it in one place",
                )
            _check_strategy(("policies", policy, name), name, params)
    for name in e.vary:
        strategy = name.rpartition(".")[0]
        if strategy and not any(strategy in home for home in [e.strategies, *e.policies.values()]):
            _check_strategy(("vary", name), strategy, {})
            e.strategies[strategy] = {}
    for name, values in e.vary.items():
        _check_varied(e, name, values)
    if e.design == "grid" and e.ranges:
        raise ExperimentError(
            ("vary", e.ranges[0]),
            'a range needs design = "latin" or "sobol"; give a list of values for a grid',
        )
    if e.design != "grid" and not e.ranges:
        raise ExperimentError(
            ("design",),
            f"design {e.design!r} samples ranges, but no varied parameter is a range "
            "{low = ..., high = ...}",
        )
    if e.design == "sobol" and e.samples & (e.samples - 1):
        raise ExperimentError(
            ("samples",),
            f"{e.samples} is not a power of two, which the Sobol design needs (e.g. 64, 128)",
        )
    _check_report(e)
    _check_settings(e)


def _check_settings(e: Experiment) -> None:
    """Every setting's model parameters together (``parameters.check_together``), so a
    sweep whose settings cannot all be built fails before any run, not run by run."""
    for row in e.settings().to_dict("records"):
        parameters = validate({**e.parameters, **{
            name: _plain(row[name]) for name in e.vary if "." not in name
        }})  # fmt: skip
        try:
            check_together(parameters)
        except ValueError as error:
            varied = [name for name in e.vary if "." not in name]
            key = ("vary", varied[0]) if varied else ("parameters",)
            raise ExperimentError(key, f"setting {row['setting']}: {error}") from None


def _table(key: tuple[str, ...], value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ExperimentError(key, f"expected a table, got {value!r}")
    return dict(value)


def _check_text(key, value, empty: bool = False) -> None:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ExperimentError(
            key, f"expected {'a' if empty else 'a non-empty'} text, got {value!r}"
        )


def _check_int(key, value, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ExperimentError(key, f"expected an integer >= {low}, got {value!r}")


def _check_model_value(key, name: str, value: Any) -> Any:
    parameter = PARAMETERS.get(name)
    flat = {
        f"{cls.key}_{p}": f"{cls.__name__}.{p}"
        for cls in STRATEGIES.values()
        for p in cls.PARAMETERS
    }
    if name in flat:
        raise ExperimentError(
            key,
            f"{name} is a strategy's flat keyword; in an experiment write "
            f"[strategies.{flat[name].split('.')[0]}] {flat[name].split('.')[1]} = ..., or "
            f'vary "{flat[name]}"',
        )
    if parameter is None:
        raise ExperimentError(
            key, f"unknown model parameter {name!r}; known parameters are: " + ", ".join(PARAMETERS)
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExperimentError(
            key, f"{name}={value!r} has the wrong type: expected {parameter.allowed}"
        )
    try:
        return parameter.check(value)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None


def _check_strategy(key, name: str, params: Any) -> None:
    try:
        known = strategy_parameters(name)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None
    for parameter in params:
        if parameter not in known:
            raise ExperimentError(
                key + (parameter,),
                f"unknown parameter of strategy {name}; "
                f"its parameters are: {', '.join(known) or 'none'}",
            )
    for parameter, value in params.items():  # each alone first, to name its key
        try:
            build_strategy(name, {parameter: value})
        except ValueError as error:
            raise ExperimentError(key + (parameter,), str(error)) from None
    try:
        build_strategy(name, params)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None


def _check_varied(e: Experiment, name: str, values: Sequence[Any] | Range) -> None:
    key = ("vary", name)
    if not isinstance(values, Range) and not values:
        raise ExperimentError(key, "expected at least one value")
    if not isinstance(values, Range):
        kinds = {isinstance(v, str) for v in values}
        if len(kinds) > 1:
            raise ExperimentError(key, f"values must be all numbers or all text, got {values!r}")
        if len(set(map(repr, values))) < len(values):
            raise ExperimentError(key, f"values repeat: {values!r}")
    ends = [values.low, values.high] if isinstance(values, Range) else list(values)
    if isinstance(values, Range) and not values.low < values.high:
        raise ExperimentError(key, f"low={values.low!r} must be below high={values.high!r}")
    if name == POLICY:
        raise ExperimentError(key, "list the alternatives under [policies] instead")
    if "." not in name:
        if name in e.parameters:
            raise ExperimentError(key, f"{name} is both fixed (parameters) and varied")
        for value in ends:
            _check_model_value(key, name, value)
        return
    strategy, _, parameter = name.rpartition(".")
    try:
        known = strategy_parameters(strategy)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None
    if parameter not in known:
        raise ExperimentError(
            key,
            f"unknown parameter {parameter!r} of strategy {strategy}; "
            f"its parameters are: {', '.join(known) or 'none'}",
        )
    if isinstance(values, Range):
        if isinstance(known[parameter], Choice):
            raise ExperimentError(
                key,
                f"{name} takes {known[parameter].allowed}; give a list of them, not a range",
            )
    tables = [home[strategy] for home in [e.strategies, *e.policies.values()] if strategy in home]
    for fixed in tables:
        if parameter in fixed:
            raise ExperimentError(key, f"{name} is both fixed (in {strategy}'s table) and varied")
    for value in ends:
        if not isinstance(value, (int, float, str)):  # bool is an int: for True/False choices
            raise ExperimentError(key, f"{value!r} has the wrong type: expected a number or text")
        for fixed in tables:
            try:
                build_strategy(strategy, {**fixed, parameter: _plain(value)})
            except ValueError as error:
                raise ExperimentError(key, str(error)) from None


def _check_report(e: Experiment) -> None:
    known = {"x", "outcomes", "timeseries", "best", "sensitivity"}
    for name in e.report:
        if name not in known:
            raise ExperimentError(
                ("report", name), "unknown report option; known: " + ", ".join(sorted(known))
            )
    x = e.report.get("x")
    if x is not None and x not in e.setting_columns:
        raise ExperimentError(
            ("report", "x"),
            f"{x!r} is not varied; choose one of "
            + (", ".join(e.setting_columns) or "(nothing is varied)"),
        )
    for option, allowed in (
        ("outcomes", e.outcomes),
        ("sensitivity", e.outcomes),
        ("timeseries", e.metrics),
    ):
        names = e.report.get(option, [])
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ExperimentError(("report", option), f"expected a list of names, got {names!r}")
        for name in names:
            if name not in allowed:
                raise ExperimentError(
                    ("report", option),
                    f"{name!r} is not kept by this experiment; choose from: {', '.join(allowed)}",
                )
    if e.report.get("sensitivity") and e.design != "sobol":
        raise ExperimentError(("report", "sensitivity"), 'Sobol indices need design = "sobol"')
    best = e.report.get("best")
    if best is not None:
        if not isinstance(best, Mapping) or set(best) - {"outcome", "goal"}:
            raise ExperimentError(
                ("report", "best"), 'expected {outcome = ..., goal = "max" | "min"}'
            )
        if best.get("outcome") not in e.outcomes:
            raise ExperimentError(
                ("report", "best", "outcome"),
                f"{best.get('outcome')!r} is not an outcome this experiment keeps",
            )
        if best.get("goal", "max") not in ("max", "min"):
            raise ExperimentError(
                ("report", "best", "goal"), f'{best.get("goal")!r}: expected "max" or "min"'
            )
