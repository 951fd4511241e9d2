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

A strategy can be switched on and off as a factor: ``vary={"SizeCap": [False, True]}``
(applied with its ``strategies`` table, or its defaults, when on). Its own varied
parameters then matter only when it is on: the settings where it is off keep none of
them (``None`` in ``settings()``) and appear once, so ``{"SizeCap": [False, True],
"SizeCap.max_members": [50, 100]}`` has three settings, "no cap" and two caps. A
varied parameter that its strategy declares inert in a setting (``Strategy.inert``:
``KOLSeeding.leaving`` when no KOL leaves) is left out of it the same way.

``adaptive = {"width": w, "step": k}`` adds replications in rounds of ``k`` until each
setting's interval against the baseline is narrower than ``w`` (``commsim.sweep.adaptive``).

With ``seeds="common"`` (common random numbers) replication ``r`` of every setting takes
the seed of setting 0's replication ``r`` (spawn key ``(1, 0, r)``): the same population,
network and founders in every setting, so that settings differ only where they act, and
the report compares them with a baseline by paired differences
(``commsim.sweep.comparison``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from commsim.model import REPORTERS
from commsim.outcomes import run_outcomes
from commsim.replications import run_seed
from commsim.sweep.design import (
    POLICY,
    Range,
    factor_kind,
    is_integer,
    missing,
    plain_value,
    settings_table,
)

#: Outcomes a sweep adds to ``commsim.outcomes.run_outcomes``, with their meaning.
SWEEP_OUTCOMES = {
    "active_days": "days_until_silence, or the run's last day when the group never fell "
    "silent within the run (a lower bound then; NaN-free, so means compare policies)",
    "active_member_days": "non-spam members who posted, summed over days 1..days: the "
    "active member-days a strategy buys",
}
#: Names of the per-run outcomes a sweep can keep: ``run_outcomes``' and ``SWEEP_OUTCOMES``.
OUTCOMES: tuple[str, ...] = tuple(
    run_outcomes(pd.DataFrame(0.0, index=range(2), columns=list(REPORTERS)))
) + tuple(SWEEP_OUTCOMES)
DESIGNS = ("grid", "latin", "sobol")
AXES = ("categorical", "log", "linear")  # kinds of x axis (commsim.sweep.figures)
SEEDS = ("independent", "common")


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
        seeds: ``"independent"`` (each setting and replication its own seed) or
            ``"common"`` (replication ``r`` of every setting shares one seed).
        adaptive: replications in rounds until decided (``commsim.sweep.adaptive``):
            ``width`` (of each setting's 95% interval against the baseline on
            ``report.best``'s outcome), ``step`` (replications per round; ``replications``
            is then the most per setting), ``max_runs`` (optional cap on all runs).
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
    seeds: str = "independent"
    adaptive: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        from commsim.sweep.checks import check_experiment  # the checks read this module

        check_experiment(self)

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
        needs that order). Grid dimensions vary slowest, in the order given
        (``commsim.sweep.design.settings_table``)."""
        return settings_table(self)

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
        seed, spawn_key = run_seed(self.seed, 0 if self.seeds == "common" else index, replication)
        parameters = dict(self.parameters)
        for name in self.vary:
            value = plain_value(setting[name])
            if factor_kind(name) == "parameter" and not missing(value):
                parameters[name] = value
        strategies = tuple(self.strategies_in(setting).items())
        return Run(index, replication, seed, spawn_key, parameters, strategies)

    def strategies_in(self, setting: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        """The strategies applied in ``setting`` (a row of ``settings()``), each with its
        parameters: the ``strategies`` table, a policy's entries replacing it, those
        switched off left out, and the setting's varied values set (a varied parameter of
        a strategy switched off here, ``None``, is not)."""
        strategies = {name: dict(params) for name, params in self.strategies.items()}
        if self.policies:
            for name, params in self.policies[setting[POLICY]].items():
                strategies[name] = dict(params)
        for name in self.vary:
            value = plain_value(setting[name])
            kind = factor_kind(name)
            if kind == "switch":
                if not value:
                    strategies.pop(name, None)
            elif kind == "strategy" and not missing(value):
                strategy, _, parameter = name.rpartition(".")
                if strategy in strategies:
                    if isinstance(value, float) and value.is_integer() and is_integer(name):
                        value = int(value)  # a column with an off level is stored as float
                    strategies[strategy][parameter] = value
        return strategies

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
            # only when common, so that the fingerprints of earlier experiments stay
            **({"seeds": self.seeds} if self.seeds != "independent" else {}),
            **({"adaptive": dict(self.adaptive)} if self.adaptive else {}),
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
        """Hash of everything that decides the runs' numbers. Replications, the adaptive
        rounds, the name, the question and the report options are left out: more
        replications extend a sweep, and a report can change after the runs."""
        data = self.to_dict()
        for key in ("name", "question", "report", "replications", "adaptive"):
            data.pop(key, None)
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
