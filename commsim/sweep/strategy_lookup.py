"""Find a strategy class from its name, list its parameters, and build it from a dict.

Experiment files name strategies as text: a class of ``commsim.strategies`` by its name
(``"RedPackets"``, see ``commsim.strategies.STRATEGIES``), or any importable subclass of
``commsim.strategies.Strategy`` as ``"package.module:ClassName"`` (a user's own policy).
A strategy's parameters are its ``PARAMETERS`` table, so ``"RedPackets.budget"`` names
the ``budget`` parameter of ``RedPackets``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from functools import cache
from typing import Any

from commsim import strategies
from commsim.parameters import Choice, Parameter
from commsim.strategies import Strategy


@cache
def strategy_class(name: str) -> type[Strategy]:
    """The strategy class called ``name``.

    Args:
        name: a class name of ``commsim.strategies`` (``"RedPackets"``) or an import path
            ``"package.module:ClassName"``.

    Raises:
        ValueError: when no such strategy exists, naming the known ones.
    """
    if ":" not in name:
        return strategies.strategy_class(name)
    module_name, _, class_name = name.partition(":")
    try:
        value = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"strategy {name!r} cannot be imported: {error}") from None
    if not (inspect.isclass(value) and issubclass(value, Strategy)) or value is Strategy:
        raise ValueError(f"{name!r} is not a subclass of commsim.strategies.Strategy")
    return value


def strategy_parameters(name: str) -> dict[str, Parameter | Choice]:
    """The parameter table of strategy ``name`` (its ``PARAMETERS``)."""
    return dict(strategy_class(name).PARAMETERS)


def build_strategy(name: str, params: Mapping[str, Any]) -> Strategy:
    """A new instance of strategy ``name`` with keyword arguments ``params``.

    A numeric parameter must be given a number (text such as ``"0.3"`` is a wrong type,
    not converted), so a mistyped experiment file fails instead of running.

    Raises:
        ValueError: for an unknown strategy or parameter, a value of the wrong type, or
            a value the strategy rejects; the message names the parameter.
    """
    table = strategy_parameters(name)
    for parameter, value in params.items():
        if isinstance(table.get(parameter), Parameter) and (
            isinstance(value, bool) or not isinstance(value, (int, float))
        ):
            raise ValueError(
                f"{name}.{parameter}={value!r} has the wrong type: expected "
                f"{table[parameter].allowed}"
            )
    return strategy_class(name)(**params)
