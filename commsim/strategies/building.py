"""Strategies built from names: from a dictionary of parameters (``build``), from values
read from a file, checked for type (``build_strategy``; one parameter alone:
``check_parameter``), and from dotted names (``build_dotted``). Names are looked up in the
registry (``commsim.strategies.registry``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commsim.parameter_kinds import Choice, Parameter
from commsim.strategies.base import Strategy
from commsim.strategies.registry import strategy_class


def build(name: str, params: Mapping[str, Any] | None = None) -> Strategy:
    """A strategy from its name and a dictionary of its parameters.

    Example:
        >>> build("RedPackets", {"budget": 500, "every": 3})  # doctest: +ELLIPSIS
        RedPackets(budget=500.0, amount=..., every=3, ...)
    """
    return strategy_class(name)(**dict(params or {}))


def build_strategy(name: str, params: Mapping[str, Any]) -> Strategy:
    """A strategy from a name and parameters read from a file: as ``build``, but a numeric
    parameter must be given a number (text such as ``"0.3"`` or a boolean is a wrong type,
    not converted), so a mistyped experiment file fails instead of running.

    Raises:
        ValueError: for an unknown strategy or parameter, a value of the wrong type, or
            a value the strategy rejects; the message names the parameter.
    """
    cls = strategy_class(name)
    for parameter, value in params.items():
        _check_type(name, cls.PARAMETERS.get(parameter), parameter, value)
    return cls(**params)


def check_parameter(name: str, parameter: str, value: Any) -> None:
    """Check one parameter of strategy ``name`` read from a file on its own: its type (as
    ``build_strategy``) and its table entry, not the rules that tie it to the others
    (``Strategy.check_together``, which building the whole table checks).

    Raises:
        ValueError: for an unknown strategy or parameter, a wrong type or a value out of
            range; the message names the strategy, the parameter and what is allowed.
    """
    cls = strategy_class(name)
    entry = cls.PARAMETERS.get(parameter)
    if entry is None:
        raise ValueError(f"{name}: unknown parameter(s) {parameter}; "
                         f"allowed: {', '.join(cls.PARAMETERS) or 'none'}")  # fmt: skip
    _check_type(name, entry, parameter, value)
    try:
        entry.check(value)
    except ValueError as error:
        raise ValueError(f"{cls.__name__}: {error}") from None


def _check_type(name: str, entry, parameter: str, value: Any) -> None:
    if isinstance(entry, Parameter) and (
        isinstance(value, bool) or not isinstance(value, (int, float))
    ):
        raise ValueError(
            f"{name}.{parameter}={value!r} has the wrong type: expected {entry.allowed}"
        )


def build_dotted(values: Mapping[str, Any]) -> list[Strategy]:
    """Strategies from dotted parameter names, e.g. ``{"RedPackets.budget": 500}``.

    A bare class name with value ``True`` (``{"Moderation": True}``) switches a strategy on
    with its defaults; ``False`` leaves it off even when parameters are given. Strategies
    come back in the order their names first appear. An import name's parameter is
    ``"package.module:Class.parameter"`` (split at the last dot).

    Raises:
        ValueError: for an unknown strategy or parameter, or a value out of range.
    """
    grouped: dict[type[Strategy], dict[str, Any]] = {}
    switches: dict[type[Strategy], bool] = {}
    for dotted, value in values.items():
        name, parameter = _split_dotted(dotted)
        cls = strategy_class(name)
        grouped.setdefault(cls, {})
        if parameter:
            grouped[cls][parameter] = value
        else:
            switches[cls] = Choice(dotted, False, (False, True), "").check(value)
    strategies = [cls(**params) for cls, params in grouped.items()]
    return [s for s in strategies if switches.get(type(s), True)]


def _split_dotted(dotted: str) -> tuple[str, str]:
    """``"RedPackets.budget"`` -> ``("RedPackets", "budget")``; ``"m.n:C.p"`` ->
    ``("m.n:C", "p")``; a bare name has no parameter."""
    if ":" in dotted:
        module, _, rest = dotted.partition(":")
        cls, _, parameter = rest.partition(".")
        return f"{module}:{cls}", parameter
    name, _, parameter = dotted.partition(".")
    return name, parameter
