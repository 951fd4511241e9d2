"""Strategies by name: the registry, flat keywords for ``CommunityModel`` and dotted names.

Three ways to switch a strategy on, all checked against the strategy's ``PARAMETERS``:

1. Objects: ``CommunityModel(strategies=[RedPackets(budget=500)])``.
2. Flat keywords, for ``mesa.batch_run`` and slider interfaces: every strategy parameter
   has the flat name ``<key>_<parameter>`` (``red_packets_budget``,
   ``entry_threshold_kind``), and every strategy a switch ``<key>`` (``red_packets``).
   The rule: **the switch decides when it is given** (``True``/``False``); when it is not
   given (``None``, the default), the strategy is on exactly when at least one of its flat
   parameters is given (not ``None``). A slider interface passes a switch and all
   parameters; a script passes just the parameters it sets. Flat values are checked
   even when the switch is off.
3. Names and dictionaries, for sweeps and experiment files:
   ``build("RedPackets", {"budget": 500})`` and
   ``build_dotted({"RedPackets.budget": 500, "EntryThreshold.kind": "fee"})``.

``FLAT_PARAMETERS`` maps every flat keyword to its ``Parameter``/``Choice`` (with the
strategy's default), for interfaces that need ranges and defaults.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from commsim.parameters import Choice, Parameter
from commsim.strategies.base import Strategy
from commsim.strategies.content_mix import ContentMix
from commsim.strategies.conversion import Conversion
from commsim.strategies.entry_threshold import EntryThreshold
from commsim.strategies.incentives import Badges, InviteLeaderboard, RedPackets
from commsim.strategies.kol_seeding import KOLSeeding
from commsim.strategies.moderation import Moderation
from commsim.strategies.referral import Referral
from commsim.strategies.scheduled_events import ScheduledEvents
from commsim.strategies.size_cap import SizeCap

STRATEGIES: dict[str, type[Strategy]] = {
    cls.__name__: cls
    for cls in (
        EntryThreshold, RedPackets, Badges, InviteLeaderboard, KOLSeeding, SizeCap,
        Moderation, ScheduledEvents, Referral, ContentMix, Conversion,
    )
}  # fmt: skip
"""Every strategy class by its class name (the name used in dotted parameter names)."""


def _flat_parameters() -> dict[str, Parameter | Choice]:
    table: dict[str, Parameter | Choice] = {}
    for cls in STRATEGIES.values():
        table[cls.key] = Choice(cls.key, False, (False, True), f"switch {cls.__name__} on")
        for name, parameter in cls.PARAMETERS.items():
            flat = f"{cls.key}_{name}"
            table[flat] = dataclasses.replace(parameter, name=flat)
    return table


FLAT_PARAMETERS: dict[str, Parameter | Choice] = _flat_parameters()
FLAT_KEYWORDS: tuple[str, ...] = tuple(FLAT_PARAMETERS)


def strategy_class(name: str) -> type[Strategy]:
    """The strategy class called ``name`` (``"RedPackets"`` or its key ``"red_packets"``)."""
    for cls in STRATEGIES.values():
        if name in (cls.__name__, cls.key):
            return cls
    raise ValueError(f"unknown strategy {name!r}: expected one of {', '.join(STRATEGIES)}")


def build(name: str, params: Mapping[str, Any] | None = None) -> Strategy:
    """A strategy from its name and a dictionary of its parameters.

    Example:
        >>> build("RedPackets", {"budget": 500, "every": 3})  # doctest: +ELLIPSIS
        RedPackets(budget=500.0, amount=..., every=3, ...)
    """
    return strategy_class(name)(**dict(params or {}))


def build_dotted(values: Mapping[str, Any]) -> list[Strategy]:
    """Strategies from dotted parameter names, e.g. ``{"RedPackets.budget": 500}``.

    A bare class name with value ``True`` (``{"Moderation": True}``) switches a strategy on
    with its defaults; ``False`` leaves it off even when parameters are given. Strategies
    come back in the order their names first appear.

    Raises:
        ValueError: for an unknown strategy or parameter, or a value out of range.
    """
    grouped: dict[type[Strategy], dict[str, Any]] = {}
    switches: dict[type[Strategy], bool] = {}
    for dotted, value in values.items():
        name, _, parameter = dotted.partition(".")
        cls = strategy_class(name)
        grouped.setdefault(cls, {})
        if parameter:
            grouped[cls][parameter] = value
        else:
            switches[cls] = Choice(dotted, False, (False, True), "").check(value)
    strategies = [cls(**params) for cls, params in grouped.items()]
    return [s for s in strategies if switches.get(type(s), True)]


def strategies_from_keywords(keywords: Mapping[str, Any]) -> tuple[list[Strategy], dict]:
    """Split ``CommunityModel`` keywords into strategies (built from flat keywords by the
    rule in this module's docstring) and the remaining model parameters.

    Raises:
        ValueError: naming the flat keyword, its value and what is allowed.
    """
    rest = {k: v for k, v in keywords.items() if k not in FLAT_PARAMETERS}
    strategies = []
    for cls in STRATEGIES.values():
        given = {}
        for name in cls.PARAMETERS:
            value = keywords.get(f"{cls.key}_{name}")
            if value is not None:
                given[name] = FLAT_PARAMETERS[f"{cls.key}_{name}"].check(value)
        switch = keywords.get(cls.key)
        on = bool(given) if switch is None else FLAT_PARAMETERS[cls.key].check(switch)
        if on:
            strategies.append(cls(**given))
    return strategies, rest
