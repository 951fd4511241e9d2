"""Find a strategy class from its name, list its parameters, and build it from a dict.

Experiment files name strategies as text: a class of ``commsim.strategies`` by its name
(``"RedPackets"``), or any importable subclass of ``commsim.strategies.base.Strategy`` as
``"package.module:ClassName"`` (a user's own policy). A strategy's parameters are the
keyword arguments of its constructor, so ``"RedPackets.budget"`` names the ``budget``
argument of ``RedPackets``.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from functools import cache
from typing import Any

from commsim.strategies.base import Strategy


def _builtin_names() -> list[str]:
    """Names of the strategy classes that ``commsim.strategies`` exports."""
    try:
        package = importlib.import_module("commsim.strategies")
    except ImportError:  # pragma: no cover - the package always exists
        return []
    return sorted(
        name
        for name, value in vars(package).items()
        if inspect.isclass(value) and issubclass(value, Strategy) and value is not Strategy
    )


@cache
def strategy_class(name: str) -> type[Strategy]:
    """The strategy class called ``name``.

    Args:
        name: a class name in ``commsim.strategies`` (``"RedPackets"``) or an import path
            ``"package.module:ClassName"``.

    Raises:
        ValueError: when no such strategy exists, naming the known ones.
    """
    if ":" in name:
        module_name, _, class_name = name.partition(":")
        try:
            value = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as error:
            raise ValueError(f"strategy {name!r} cannot be imported: {error}") from None
    else:
        value = getattr(importlib.import_module("commsim.strategies"), name, None)
    if not (inspect.isclass(value) and issubclass(value, Strategy)) or value is Strategy:
        known = ", ".join(_builtin_names()) or "none yet"
        raise ValueError(
            f"unknown strategy {name!r}: expected one of commsim.strategies ({known}) or an "
            "import path 'package.module:ClassName' of a Strategy subclass"
        )
    return value


def strategy_parameters(name: str) -> dict[str, inspect.Parameter]:
    """The keyword parameters of strategy ``name``'s constructor, by name."""
    signature = inspect.signature(strategy_class(name))
    return {
        p.name: p
        for p in signature.parameters.values()
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    }


def build_strategy(name: str, params: Mapping[str, Any]) -> Strategy:
    """A new instance of strategy ``name`` with keyword arguments ``params``.

    Raises:
        ValueError: for an unknown strategy or parameter, or a value the strategy rejects.
    """
    known = strategy_parameters(name)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} of strategy {name}; its parameters "
            f"are: {', '.join(known) or 'none'}"
        )
    try:
        return strategy_class(name)(**params)
    except TypeError as error:
        raise ValueError(f"strategy {name}: {error}") from None
