"""Checks of an experiment's strategies and varied factors: a strategy's table (known
parameters, each in range, the strategy buildable), a varied model parameter, strategy
parameter or strategy switched on and off.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from commsim.parameter_kinds import Choice
from commsim.strategies.building import build_strategy, check_parameter
from commsim.strategies.registry import strategy_parameters
from commsim.sweep.checks.entries import check_model_value, repeated
from commsim.sweep.design import POLICY, Range, factor_kind, plain_value
from commsim.sweep.experiment import Experiment, ExperimentError


def check_strategy(key, name: str, params: Any) -> None:
    """Strategy ``name`` with the table ``params``: a known strategy, known parameters, each
    in range alone (its key named), then all of them together (the strategy is built)."""
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


def check_varied(e: Experiment, name: str, values: Sequence[Any] | Range) -> None:
    """Varied entry ``name``: values (at least one, all numbers or all text, none repeated)
    or a range (low below high), of a model parameter, a strategy's parameter (not fixed
    in its tables too, each value buildable with them) or a strategy switched on and off."""
    key = ("vary", name)
    if not isinstance(values, Range) and not values:
        raise ExperimentError(key, "expected at least one value")
    if not isinstance(values, Range):
        kinds = {isinstance(v, str) for v in values}
        if len(kinds) > 1:
            raise ExperimentError(key, f"values must be all numbers or all text, got {values!r}")
        same = repeated(values)
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
            check_model_value(key, name, value)
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


def is_strategy(name: str) -> bool:
    """Whether ``name`` names a registered (or importable) strategy."""
    try:
        strategy_parameters(name)
    except ValueError:
        return False
    return True


def _check_switch(e: Experiment, name: str, values: Sequence[Any] | Range) -> None:
    """A strategy switched on and off: a list of true/false, of a known strategy (a name
    that is neither is refused as an unknown model parameter)."""
    key = ("vary", name)
    if not is_strategy(name) and ":" not in name:
        check_model_value(key, name, 0)  # raises: unknown model parameter, the known ones
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
