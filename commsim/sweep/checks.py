"""The checks of an experiment: every entry of ``commsim.sweep.experiment.Experiment``,
alone and together, before anything is built or run.

``check_experiment`` is called when an ``Experiment`` is created; it raises
``ExperimentError`` naming the first bad key (files turn the key into a line), and
normalises the containers (tables become dicts, lists of names tuples, range tables
``Range``).

Why this module is over 400 lines: it is one ordered sequence of checks of one object
(``check_experiment`` reads top to bottom in the order the checks run: names and sizes,
values, strategies, varied values, report options, the settings they make), and its parts
share the same few helpers (``_check_int``, ``_check_strategy``); the experiment itself
lives apart, in ``commsim.sweep.experiment``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from commsim.model import REPORTERS
from commsim.parameters import PARAMETERS, Choice, check_together, shown, validate
from commsim.replications import MAX_DAYS, MAX_RUNS
from commsim.strategies import STRATEGIES
from commsim.strategies.building import build_strategy, check_parameter
from commsim.strategies.registry import strategy_parameters
from commsim.sweep.experiment import (
    AXES,
    DESIGNS,
    OUTCOMES,
    POLICY,
    SEEDS,
    Experiment,
    ExperimentError,
    Range,
    factor_kind,
    plain_value,
)

#: Largest experiment sizes besides days and runs (settings x replications), which are
#: ``commsim.replications``'s: replications, settings (design points), and the root seed
#: (SeedSequence takes any size; a bound keeps files readable).
MAX_REPLICATIONS = 1_000_000
MAX_SETTINGS = 1_000_000
MAX_SEED = 2**128 - 1


def check_experiment(e: Experiment) -> None:
    """Check every entry of ``e`` and normalise its containers; raise ``ExperimentError``
    naming the first bad key. A strategy named only by a varied parameter is added to
    ``e.strategies`` with its defaults."""
    check_name(("name",), e.name)
    _check_text(("question",), e.question, empty=True)
    _check_int(("days",), e.days, 1, MAX_DAYS)
    _check_int(("replications",), e.replications, 1, MAX_REPLICATIONS)
    _check_int(("seed",), e.seed, 0, MAX_SEED)
    _check_int(("samples",), e.samples, 1, MAX_SETTINGS)
    if e.seeds not in SEEDS:
        raise ExperimentError(
            ("seeds",), f"{e.seeds!r}: expected one of " + ", ".join(map(repr, SEEDS))
        )
    if e.design not in DESIGNS:
        raise ExperimentError(
            ("design",), f"{e.design!r} is not a design: expected one of " + ", ".join(DESIGNS)
        )
    for key in ("parameters", "strategies", "vary", "policies", "report", "adaptive"):
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
    e.adaptive = dict(e.adaptive)
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
        if not names:
            raise ExperimentError(
                (key,), f"expected at least one {what}; known: {', '.join(known)}"
            )
        if len(set(names)) < len(names):
            raise ExperimentError((key,), f"{what}s repeat: {list(names)!r}")
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
        kind = factor_kind(name)
        strategy = name if kind == "switch" else name.rpartition(".")[0]
        if kind == "parameter" or (kind == "switch" and not _is_strategy(name)):
            continue  # a model parameter, or a name _check_varied refuses
        homes = [e.strategies, *e.policies.values()]
        if not any(strategy in home for home in homes):
            _check_strategy(("vary", name), strategy, {})
            e.strategies[strategy] = {}
        elif strategy not in e.strategies:
            without = [policy for policy, home in e.policies.items() if strategy not in home]
            if without:
                raise ExperimentError(
                    ("vary", name),
                    f"policy {without[0]!r} has no {strategy}, so its settings would ignore "
                    f"the varied {name}: add [policies.{without[0]}.{strategy}], or apply "
                    f"{strategy} in every run ([strategies.{strategy}]) and switch it off "
                    f'with vary."{strategy}" = [false, true]',
                )
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
    _check_size(e)
    _check_settings(e)
    _check_adaptive(e)
    if "baseline" in e.report:
        from commsim.sweep.comparison import baseline_setting

        baseline_setting(e, e.settings())


def setting_count(e: Experiment) -> int:
    """Settings of ``e`` (policies x grid values x design points), counted without
    building them."""
    count = max(len(e.policies), 1) * math.prod(len(e.vary[name]) for name in e.grid)
    if e.ranges:
        per_sample = 1 if e.design == "latin" else len(e.ranges) + 2
        count *= e.samples * per_sample
    return count


def _check_size(e: Experiment) -> None:
    """At most ``MAX_SETTINGS`` settings and ``MAX_RUNS`` runs, counted before any table
    is built (a 1000 x 1000 x 1000 grid is refused, not built until memory runs out)."""
    settings = setting_count(e)
    if settings > MAX_SETTINGS:
        raise ExperimentError(
            ("vary",) if e.vary else ("policies",),
            f"{settings:,} settings (design points): expected at most {MAX_SETTINGS:,}; vary "
            "fewer values or sample ranges with fewer samples",
        )
    if settings * e.replications > MAX_RUNS:
        raise ExperimentError(
            ("replications",),
            f"{settings:,} settings x {e.replications:,} replications = "
            f"{settings * e.replications:,} runs: expected at most {MAX_RUNS:,}",
        )


def _check_settings(e: Experiment) -> None:
    """Every setting's model parameters together (``parameters.check_together``) and each
    of its strategies with its varied parameters together (``Strategy.check_together``:
    ``KOLSeeding.leaving`` at most its ``count``), so a sweep whose settings cannot all be
    built fails before any run, not run by run."""
    varied = [name for name in e.vary if factor_kind(name) == "parameter"]
    by_strategy: dict[str, list[str]] = {}
    for name in e.vary:
        if factor_kind(name) == "strategy":
            by_strategy.setdefault(name.rpartition(".")[0], []).append(name)
    built: set[tuple[str, str]] = set()  # (strategy, repr of its parameters) checked
    for row in e.settings().to_dict("records"):
        parameters = validate({**e.parameters, **{
            name: plain_value(row[name]) for name in varied
        }})  # fmt: skip
        try:
            check_together(parameters)
        except ValueError as error:
            key = ("vary", varied[0]) if varied else ("parameters",)
            raise ExperimentError(key, f"setting {row['setting']}: {error}") from None
        if not by_strategy:
            continue
        for strategy, params in e.strategies_in(row).items():
            if strategy not in by_strategy or (strategy, repr(params)) in built:
                continue
            try:
                build_strategy(strategy, params)
            except ValueError as error:
                text, names = str(error), by_strategy[strategy]
                named = [n for n in names if f"{n.rpartition('.')[2]}=" in text]
                key = min(
                    named, key=lambda n: text.index(f"{n.rpartition('.')[2]}="), default=names[0]
                )  # the varied name the error names first
                raise ExperimentError(("vary", key), f"setting {row['setting']}: {error}") from None
            built.add((strategy, repr(params)))


def _table(key: tuple[str, ...], value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ExperimentError(key, f"expected a table, got {value!r}")
    return dict(value)


def check_name(key, value: Any) -> None:
    """A name that becomes one folder inside the results (or output) folder: non-empty
    text of at most 100 characters, without a path separator or a NUL, not ``.`` or
    ``..``, not starting with ``.`` (hidden) or ``-`` (read as an option)."""
    _check_text(key, value)
    bad = [c for c in ("/", "\\", "\0", os.sep, os.altsep) if c and c in value]
    if (
        bad
        or value in (".", "..")
        or value[0] in ".-"
        or len(value) > 100
        or (os.path.isabs(value))
    ):
        raise ExperimentError(
            key,
            f"{value!r} cannot name a folder: expected a plain name of at most 100 characters "
            "(letters, digits, '-', '_', ...), without '/', '\\' or a leading '.' or '-'",
        )


def _repeated(values: Sequence[Any]) -> tuple[Any, Any] | None:
    """The first two of ``values`` that make the same setting (``1`` and ``1.0``; a
    boolean only equals a boolean), or None."""
    seen: dict[tuple[str, Any], Any] = {}
    for value in values:
        kind = "bool" if isinstance(value, (bool, np.bool_)) else type(value).__name__
        if isinstance(value, (int, float, np.number)) and kind != "bool":
            kind = "number"
        try:
            key = (kind, value)
            hash(key)
        except TypeError:
            key = (kind, repr(value))
        if key in seen:
            return seen[key], value
        seen[key] = value
    return None


def _check_text(key, value, empty: bool = False) -> None:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ExperimentError(
            key, f"expected {'a' if empty else 'a non-empty'} text, got {value!r}"
        )


def _check_int(key, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ExperimentError(key, f"expected an integer in [{low}, {high:,}], got {shown(value)}")


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
            check_parameter(name, parameter, value)
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
        same = _repeated(values)
        if same:
            raise ExperimentError(key, f"values repeat: {same[0]!r} and {same[1]!r} are the same")
    ends = [values.low, values.high] if isinstance(values, Range) else list(values)
    if isinstance(values, Range) and not values.low < values.high:
        raise ExperimentError(key, f"low={values.low!r} must be below high={values.high!r}")
    if name == POLICY:
        raise ExperimentError(key, "list the alternatives under [policies] instead")
    if factor_kind(name) == "switch":
        _check_switch(e, name, values)
        return
    if factor_kind(name) == "parameter" or "." not in name:
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
                build_strategy(strategy, {**fixed, parameter: plain_value(value)})
            except ValueError as error:
                raise ExperimentError(key, str(error)) from None


def _is_strategy(name: str) -> bool:
    try:
        strategy_parameters(name)
    except ValueError:
        return False
    return True


def _check_switch(e: Experiment, name: str, values: Sequence[Any] | Range) -> None:
    """A strategy switched on and off: a list of true/false, of a known strategy (a name
    that is neither is refused as an unknown model parameter)."""
    key = ("vary", name)
    if not _is_strategy(name) and ":" not in name:
        _check_model_value(key, name, 0)  # raises: unknown model parameter, the known ones
    if isinstance(values, Range) or not all(isinstance(v, bool) for v in values):
        raise ExperimentError(
            key,
            f"{name} is not a model parameter, so it names a strategy switched on and off: "
            f"expected a list of true/false (e.g. [false, true]), got {values!r}; a "
            f'strategy\'s parameter is varied as "{name}.<parameter>"',
        )
    try:
        strategy_parameters(name)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None


def _check_adaptive(e: Experiment) -> None:
    """``adaptive = {width, step, max_runs}`` (``commsim.sweep.adaptive``): a positive
    width, a step of 1..``replications`` (then the most per setting), a cap of at least
    the first round's runs; needs ``report.best`` (the outcome decided on) and at least
    two settings."""
    if not e.adaptive:
        return
    known = {"width", "max_runs", "step"}
    for option in e.adaptive:
        if option not in known:
            raise ExperimentError(
                ("adaptive", option), "unknown option; known: " + ", ".join(sorted(known))
            )
    width = e.adaptive.get("width")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width < math.inf:
        raise ExperimentError(
            ("adaptive", "width"),
            f"expected a number > 0 (the widest 95% interval of a difference from the "
            f"baseline to stop at, in the outcome's units), got {shown(width)}",
        )
    if "step" not in e.adaptive:
        raise ExperimentError(
            ("adaptive", "step"),
            "expected the replications added per round (an integer; replications is then "
            "the most a setting gets)",
        )
    _check_int(("adaptive", "step"), e.adaptive["step"], 1, e.replications)
    settings = len(e.settings())
    if "max_runs" in e.adaptive:
        _check_int(("adaptive", "max_runs"), e.adaptive["max_runs"],
                   settings * e.adaptive["step"], MAX_RUNS)  # fmt: skip
    if "best" not in e.report:
        raise ExperimentError(
            ("adaptive",),
            "an adaptive experiment decides on report.best's outcome: give report.best = "
            '{outcome = ..., goal = "max" | "min"}',
        )
    if settings < 2:
        raise ExperimentError(
            ("adaptive",), "needs at least two settings (a baseline and another) to compare"
        )


def _check_report(e: Experiment) -> None:
    known = {"x", "outcomes", "timeseries", "best", "sensitivity", "baseline", "axis"}
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
    axis = e.report.get("axis")
    if axis is not None and axis not in AXES:
        raise ExperimentError(
            ("report", "axis"), f"{axis!r}: expected one of " + ", ".join(map(repr, AXES))
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
