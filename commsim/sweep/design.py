"""The design of an experiment: what a varied name is (``factor_kind``), ranges and their
sampling, and the table of settings the varied values make (``settings_table``, behind
``Experiment.settings``): grid values crossed, ranges sampled by a Latin hypercube or by
Saltelli's scheme (SALib, seeded by the root seed's first child), and settings that differ
only in parameters that cannot act in them collapsed into one.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from commsim.parameters import PARAMETERS
from commsim.strategies.building import build_strategy
from commsim.strategies.registry import strategy_parameters

if TYPE_CHECKING:
    from commsim.sweep.experiment import Experiment

POLICY = "policy"  # name of the settings column that holds the policy of each setting
_DESIGN_CHILD = 0  # child of the root SeedSequence seeding the design (runs: run_seed)


@dataclass(frozen=True)
class Range:
    """A continuous range ``[low, high]`` of a varied parameter, sampled by the design.

    Integer parameters take integers ``low..high`` with equal probability.
    """

    low: float
    high: float


def factor_kind(name: str) -> str:
    """What a varied name is: ``"parameter"`` (a model parameter, ``ambient_inflow``),
    ``"switch"`` (a strategy switched on/off, ``SizeCap`` or ``pkg.mod:Class``) or
    ``"strategy"`` (a strategy's parameter, ``SizeCap.max_members``)."""
    if name in PARAMETERS:
        return "parameter"
    head, colon, tail = name.rpartition(":")
    return "strategy" if "." in (tail if colon else name) else "switch"


def missing(value: Any) -> bool:
    """Whether a setting's value is absent (a parameter of a strategy switched off)."""
    return value is None or (isinstance(value, (float, np.floating)) and np.isnan(value))


def settings_table(e: Experiment) -> pd.DataFrame:
    """``e.settings()``: every setting of ``e`` as a table (see ``Experiment.settings``)."""
    names = ([POLICY] if e.policies else []) + e.grid
    axes = ([list(e.policies)] if e.policies else []) + [list(e.vary[name]) for name in e.grid]
    points = _sample(e) if e.ranges else [()]
    rows = []
    for combination in itertools.product(*axes):
        for index, point in enumerate(points):
            row = dict(zip(names, combination, strict=True))
            row.update(zip(e.ranges, point, strict=True))
            if e.ranges:
                row["sample"] = index
            rows.append(row)
    columns = e.setting_columns + (["sample"] if e.ranges else [])
    table = pd.DataFrame(_collapsed(rows, e), columns=columns)
    table.insert(0, "setting", np.arange(len(table), dtype=np.int64))
    return table


def _sample(e: Experiment) -> list[tuple[Any, ...]]:
    """Design points of the ranges, mapped from the unit cube to each range."""
    from SALib.sample import latin, sobol

    problem = {
        "num_vars": len(e.ranges),
        "names": e.ranges,
        "bounds": [[0.0, 1.0]] * len(e.ranges),
    }
    rng = np.random.default_rng(np.random.SeedSequence(e.seed, spawn_key=(_DESIGN_CHILD,)))
    if e.design == "latin":
        unit = latin.sample(problem, e.samples, seed=rng)
    else:
        unit = sobol.sample(problem, e.samples, calc_second_order=False, seed=rng)
    columns = [
        _scale(unit[:, i], e.vary[name], is_integer(name)) for i, name in enumerate(e.ranges)
    ]
    return list(zip(*columns, strict=True))


def is_integer(name: str) -> bool:
    """Whether varied ``name`` (a model parameter or ``Strategy.parameter``) takes integers."""
    if name in PARAMETERS:
        return PARAMETERS[name].kind is int
    strategy, _, parameter = name.rpartition(".")
    return getattr(strategy_parameters(strategy)[parameter], "kind", None) is int


def _scale(unit: np.ndarray, bounds: Range, integer: bool) -> list[Any]:
    """Map design points in [0, 1) onto ``bounds``; integers ``low..high`` equally often."""
    if integer:
        low, high = int(bounds.low), int(bounds.high)
        return [int(v) for v in np.minimum(np.floor(low + unit * (high - low + 1)), high)]
    return [float(v) for v in bounds.low + unit * (bounds.high - bounds.low)]


def _collapsed(rows: list[dict[str, Any]], e: Experiment) -> list[dict[str, Any]]:
    """``rows`` with the varied parameters that cannot act in a row set to None: those of
    a strategy switched off in it, and those its strategy declares inert given its other
    values there (``Strategy.inert``: KOLSeeding's ``leaving`` when no KOL leaves); then
    the rows this makes repeat are dropped (the first kept)."""
    switches = [name for name in e.vary if factor_kind(name) == "switch"]
    varied: dict[str, list[str]] = {}  # strategy -> its parameters varied by lists
    for name in e.grid:
        strategy, _, parameter = name.rpartition(".")
        if factor_kind(name) == "strategy" and ":" not in strategy:  # imported: no import here
            varied.setdefault(strategy, []).append(parameter)
    if not switches and not varied:
        return rows
    kept, seen = [], set()
    inert: dict[str, list[str]] = {}  # by the repr of a strategy's parameters
    for row in rows:
        for switch in switches:
            if not row[switch]:
                for name in e.vary:
                    if factor_kind(name) == "strategy" and name.rpartition(".")[0] == switch:
                        row[name] = None
        for strategy, parameters in varied.items():
            for parameter in _inert(e, row, strategy, parameters, inert):
                row[f"{strategy}.{parameter}"] = None
        key = tuple((k, repr(v)) for k, v in row.items())
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def _inert(
    e: Experiment, row: Mapping[str, Any], strategy: str, parameters: list[str],
    cache: dict[str, list[str]],
) -> list[str]:  # fmt: skip
    """Which of ``strategy``'s varied ``parameters`` have no effect in ``row`` (``cache``:
    the answers so far, by the repr of the strategy's parameters)."""
    if any(missing(plain_value(row[f"{strategy}.{p}"])) for p in parameters):
        return []  # not applied in this row (switched off)
    params = e.strategies_in(row).get(strategy)
    if params is None:
        return []
    key = repr((strategy, params))
    if key not in cache:
        try:
            built = build_strategy(strategy, params)
        except ValueError:  # a combination the checks refuse (commsim.sweep.checks.settings)
            cache[key] = []
        else:
            cache[key] = [p for p in parameters if p in built.inert()]
    return cache[key]


def plain_value(value: Any) -> Any:
    """A numpy scalar as the Python number the model's parameters expect."""
    return value.item() if isinstance(value, np.generic) else value
