"""Strategies by name for the checks' arms, and the validation package's own probes.

Checks reach strategies through the open registry by class name (a check whose strategy
does not exist fails with the reason), build them with the settings they need, and may
show any strategy from a chosen day (``FromDay``). The package's own strategies (probes and
alternative models) are kept out of the registry (``PROBE``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from commsim.model import CommunityModel
from commsim.strategies.base import Strategy
from commsim.strategies.registry import registered_strategies
from commsim.validation.framework import Unavailable

PROBE: dict = {"register": False}
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
    """Every registered strategy class by name (the open registry)."""
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
