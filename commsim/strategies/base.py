"""The base of every operator strategy: its parameter table, its accounts and its hooks.

A strategy overrides only the hooks it needs. Every hook gets the model and the day
(``commsim.model.Day``) first; the model calls them in this order each day (see
``CommunityModel.step``)::

    setup(model)                             once, after the founders joined (day 0)
    start_day(model, today)                  before joining: set today's boosts
    admit(model, today, applicants, groups)  filter who may join (returns a boolean mask)
    on_join(model, today, joiners)           after joiners are members: a fee commits them
    add_content(model, today)                after members post: KOL content, moderation
    end_day(model, today)                    after leaving: conversion, prizes, spending

Levers combine across strategies: a strategy multiplies ``today.posting_boost``,
``today.ambient_boost``, ``today.social_pull`` and ``today.on_topic`` by its own factor
and adds its own term to ``today.utility_bonus``, so several strategies stack.

State. A strategy reads the model's arrays freely but changes members, groups, traits,
ties and messages only through the model's mutators (``model.admit``,
``model.remove_members``, ``model.move_members``, ``model.add_group``,
``model.close_group``, ``model.set_traits``, ``model.refill_patience``,
``model.add_ties``, ``model.add_posts``, ...; see ``commsim.model``) and the day's
``today.add_messages`` / ``today.remove_messages``, which keep every derived array
consistent. Rules it shares with the model are imported from ``commsim.rules``. It
draws random numbers from its own stream, ``self.stream(model)`` (``commsim.streams``),
one per person of the population as the model's mechanisms do: ``self.uniforms(model,
people)`` for a chance per person, so that same-seed settings share each person's number.

Parameters. Each subclass declares ``PARAMETERS``, a table of
``commsim.parameters.Parameter`` (numbers, with ranges) and ``Choice`` (named values);
the constructor takes exactly these as keywords, checks them (a ``ValueError`` names the
strategy, the parameter, the value and what is allowed), stores each as an attribute of
the same name, and checks the rules that tie them together (``check_together``). The
same table gives the flat keywords of ``CommunityModel`` (``red_packets_budget=...``,
see ``commsim.strategies.registry``).

Accounts. A strategy pays with ``self.pay(today, amount)`` and earns with
``self.earn(today, amount, conversions)``; both add to the day's ``spend``/``revenue``/
``conversions`` (which the model reports per day) and to the strategy's own ``spent``
and ``earned`` totals, so what each strategy cost stays visible when several combine.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from commsim.parameter_kinds import Choice, Control, Parameter

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


def snake_case(name: str) -> str:
    """``"KOLSeeding"`` -> ``"kol_seeding"``, ``"RedPackets"`` -> ``"red_packets"``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


class Strategy:
    """An operator policy. Subclasses declare ``PARAMETERS`` and override the hooks they
    need; all hooks default to no-ops.

    A subclass is registered when it is defined (``commsim.strategies.registry``), which
    gives it flat keywords on ``CommunityModel``, a name in experiment files, a section in
    the classroom app and arms in validation; ``class Probe(Strategy, register=False)``
    opts out.

    Attributes:
        PARAMETERS: the strategy's parameters, by name (class attribute).
        CONTROLS: the parameters the classroom app shows, each a
            ``commsim.parameters.Control`` (a slider's range and step, or a pick), in the
            order shown after the strategy's switch (class attribute).
        key: the prefix of the strategy's flat keywords, e.g. ``"red_packets"``.
        params: the checked parameter values of this instance.
        spent, earned: money this strategy has spent and earned in the current run.
    """

    PARAMETERS: ClassVar[dict[str, Parameter | Choice]] = {}
    CONTROLS: ClassVar[tuple[Control, ...]] = ()
    key: ClassVar[str] = "strategy"

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        """Give the subclass its key and signature and register it
        (``commsim.strategies.registry``) unless ``register=False``."""
        super().__init_subclass__(**kwargs)
        cls.key = snake_case(cls.__name__)
        if "__init__" not in cls.__dict__:  # the signature is the parameter table's
            keyword = inspect.Parameter.KEYWORD_ONLY
            cls.__signature__ = inspect.Signature(
                [
                    inspect.Parameter(n, keyword, default=p.default)
                    for n, p in cls.PARAMETERS.items()
                ]
            )
        if register:
            from commsim.strategies import registry  # the registry imports this module

            registry.register(cls)

    def __init__(self, **params: Any) -> None:
        unknown = sorted(set(params) - set(self.PARAMETERS))
        if unknown:
            raise ValueError(
                f"{type(self).__name__}: unknown parameter(s) {', '.join(unknown)}; "
                f"allowed: {', '.join(self.PARAMETERS) or 'none'}"
            )
        self.params: dict[str, Any] = {}
        for name, parameter in self.PARAMETERS.items():
            value = params.get(name, parameter.default)
            try:
                value = parameter.check(value)
            except ValueError as error:
                raise ValueError(f"{type(self).__name__}: {error}") from None
            self.params[name] = value
            setattr(self, name, value)
        try:
            self.check_together()
        except ValueError as error:
            raise ValueError(f"{type(self).__name__}: {error}") from None
        self.spent = 0.0
        self.earned = 0.0

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.params.items())
        return f"{type(self).__name__}({args})"

    def check_together(self) -> None:
        """Check the rules that tie this strategy's parameters together (each alone is
        checked by its table entry); a subclass with such rules overrides it and raises
        ``ValueError`` naming the parameters, their values and what is allowed."""

    def inert(self) -> frozenset[str]:
        """The parameters that have no effect given the others' values (none here; a
        subclass with such parameters overrides it). A sweep that varies one of them
        leaves it out (``None``) of the settings where it is inert and runs each such
        setting once (``commsim.sweep.design``)."""
        return frozenset()

    def marks(self) -> dict[str, list[int]]:
        """The days of this run's events so far, by label, that the classroom's plots mark
        with a dashed line (``commsim.classroom.model.event_marks``): e.g.
        ``{"red packet": [60, 67]}``. None here; a subclass whose events a viewer should
        see overrides it, reading what it recorded."""
        return {}

    # ------------------------------------------------------------------ accounts
    def pay(self, today: Day, amount: float) -> None:
        """Record ``amount`` of money spent today by this strategy."""
        today.spend += float(amount)
        self.spent += float(amount)

    def earn(self, today: Day, amount: float, conversions: int = 0) -> None:
        """Record ``amount`` of money earned today (and ``conversions`` sales)."""
        today.revenue += float(amount)
        today.conversions += int(conversions)
        self.earned += float(amount)

    # ------------------------------------------------------------------ randomness
    def stream(self, model: CommunityModel, use: str = "") -> np.random.Generator:
        """This strategy's own random stream in ``model`` (``model.stream("strategy." +
        key)``, or ``"strategy.<key>.<use>"`` for a ``use`` of its own; ``commsim.streams``):
        its draws do not shift the model's or another strategy's, so a same-seed run with
        and without it differs only where it acts. A use that draws only on some days (a
        split) has a stream of its own, so that it does not shift the others' draws of the
        same day."""
        return model.stream(self._stream_name(use))

    def _stream_name(self, use: str) -> str:
        return f"strategy.{self.key}.{use}" if use else "strategy." + self.key

    def uniforms(self, model: CommunityModel, people, use: str = "") -> np.ndarray:
        """One uniform in [0, 1) for each of ``people`` (indices, a mask or a slice of the
        population), keyed by person (``commsim.streams.per_person``, keys from
        ``stream(model, use)``), so a person's draw on a day is the same in every setting
        of a replication, whoever else is drawn for (``commsim.streams``: the rule). Each call
        takes the next key of the day's stream: a strategy calls it in the same order
        every day, or gives each call its own ``use``."""
        people = np.arange(model.population.size)[people]
        return model.streams.per_person(self._stream_name(use), people)

    def pick(
        self, model: CommunityModel, people: np.ndarray, count: int, use: str = ""
    ) -> np.ndarray:
        """``count`` of ``people`` (person indices) chosen uniformly at random, keyed by
        person: those with the lowest ``uniforms(model, people, use)``, in that order. So a
        person's chance of being picked is the same in every setting of a replication, and
        the first ``k`` picked of a larger count are those picked for a count of ``k``."""
        order = np.argsort(self.uniforms(model, people, use), kind="stable")
        return people[order[: max(count, 0)]]

    # ------------------------------------------------------------------ hooks
    def setup(self, model: CommunityModel) -> None:
        """Called once, after the population, network and founders exist. Subclasses that
        override it call ``super().setup(model)``, which resets the accounts."""
        self.spent = 0.0
        self.earned = 0.0

    def start_day(self, model: CommunityModel, today: Day) -> None:
        """Called at the start of each day, before anyone joins."""

    def admit(
        self, model: CommunityModel, today: Day, applicants: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        """Return a boolean mask of the applicants (person indices) allowed into ``groups``
        (the group each applies to) today."""
        return np.ones(applicants.size, dtype=bool)

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        """Called with the person indices of the members who joined today through the
        model's joining (not those placed with ``model.admit``)."""

    def add_content(self, model: CommunityModel, today: Day) -> None:
        """Called after members have posted; may add or delete messages of ``today``."""

    def end_day(self, model: CommunityModel, today: Day) -> None:
        """Called after today's leavers have left."""


def saturating(amount: float, half: float) -> float:
    """Response to an incentive of size ``amount``: ``amount / (amount + half)``, in [0, 1).

    Half the full response at ``half``; diminishing returns beyond.
    """
    return amount / (amount + half) if amount > 0 else 0.0
