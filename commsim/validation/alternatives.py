"""For each check, a plausible alternative model on which it must fail.

A check that passes on every model shows nothing. Each alternative below is a model a
reader could propose instead (not only the check's own term switched off), built from a
parameter setting or a small strategy of this module acting through the model's public
levers and mutators; ``tests/test_validation.py`` runs each check on its alternative and
asserts that it fails.

- ``participation``: everyone equally talkative (``activity_concentration=1000``) and nobody
  more talkative for being answered (``AUDIENCE_TERMS`` off): posting as a homogeneous coin.
- ``joining``: only friends who are active today bring outsiders in
  (``ActiveFriendsOnly``, ``MEMBER_EXPOSURE`` off): exposure through posts, not membership.
- ``audience``: posting independent of readers: the members' posting rule reads the
  group's content and load, not who reads or answers (``AUDIENCE_TERMS`` off).
- ``quiet_decline``: members who go quiet leave (``SilentLeave``, ``MUTING`` off): a group
  declines by emptying.
- ``red_packets``: a red packet pleases but pulls nobody up (``red_packets_boost=0``, and
  nobody surfaces or grabs and thanks: ``red_packets_surface=0``, ``red_packets_thanks=0``).
- ``social_comparison``: a goal gradient instead of a comparison (``Badges`` shown from
  the same day): everyone is pushed the same way.
- ``thresholds``: a lottery at the door (``Lottery``): as many turned away, at random, so
  nothing about who joins or how committed they are changes.
- ``lifecycle``: members who never tire (``expectation=0``): nobody is disappointed.
- ``evaporative_cooling``: value-blind expectations (``cooling=0`` in both arms).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from commsim.parameters import PARAMETERS
from commsim.population import CONTRIBUTOR, FRIENDS, OUTSIDER
from commsim.strategies.base import Strategy
from commsim.validation.arms import PROBE, admit_people
from commsim.validation.framework import CheckResult, members_now, regular
from commsim.validation.registry import CHECKS

AUDIENCE_TERMS = {"response_gain": 0.0, "answer_utility": 0.0}
"""Parameters of the model's audience-and-response mechanism and the values that switch it
off (being answered neither raises the chance to post nor pleases); applied only when the
model has them (``_known``): before the mechanism, posting reads no audience anyway."""
MEMBER_EXPOSURE = {"silent_exposure": 0.0, "linked_gain": 0.0}
"""Exposure through member friends who did not post, and its gain when they are linked:
off in the active-friends-only alternative, when the model has them."""
MUTING = {"muting": 0.0}
"""Muting off in the alternative where quiet members leave, when the model has it."""


class ActiveFriendsOnly(Strategy, **PROBE):
    """Joining through active friends only: each day an outsider (not a spammer) with
    ``a_i`` friends who posted yesterday joins with chance

        p_i = need_i * (1 - (1 - social_pull) ** a_i)

    and the model's own social channel is switched off (``today.social_pull = 0``);
    the ambient channel stays. One group (the first open one)."""

    def start_day(self, model, today) -> None:
        pull = model.params["social_pull"]
        today.social_pull = 0.0
        pop = model.population
        open_groups = np.flatnonzero(model.group_open)
        if open_groups.size == 0:
            return
        outsiders = np.flatnonzero((pop.state == OUTSIDER) & regular(model))
        active = (pop.state == CONTRIBUTOR).astype(np.float64)
        friends = np.asarray(model.adjacency @ active)[outsiders]
        chance = pop.need[outsiders] * (1.0 - (1.0 - pull) ** friends)
        joiners = outsiders[model.rng.random(outsiders.size) < chance]
        if joiners.size:
            admit_people(model, joiners, int(open_groups[0]), today, FRIENDS)


class SilentLeave(Strategy, **PROBE):
    """Members who go quiet leave instead of muting: a member (not a spammer) who has
    written nothing for ``days`` days, and has been a member that long, leaves
    (``model.remove_members``)."""

    def __init__(self, days: int = 14) -> None:
        self.days = days

    def setup(self, model) -> None:
        self._written = model.population.contributions.copy()
        self._last = np.zeros(model.population.size, dtype=np.int64)

    def end_day(self, model, today) -> None:
        pop = model.population
        wrote = pop.contributions != self._written
        self._written = pop.contributions.copy()
        self._last[wrote] = model.day
        since = np.maximum(self._last, pop.joined_day)
        quiet = members_now(model) & regular(model) & (model.day - since >= self.days)
        if quiet.any():
            model.remove_members(np.flatnonzero(quiet), today)


class Lottery(Strategy, **PROBE):
    """A door that turns applicants away at random: each is admitted with chance
    ``1 - level``, whatever their need, value, friends or effort."""

    def __init__(self, level: float) -> None:
        self.level = level

    def admit(self, model, *args):
        applicants = args[-2]
        return model.rng.random(len(applicants)) >= self.level


@dataclass(frozen=True)
class Alternative:
    """A plausible alternative model for one check.

    Attributes:
        check: the check's name.
        description: the alternative, in words.
        parameters: model parameters and flat keywords for every arm.
        options: the check's own arguments (see its module), made fresh for each run.
    """

    check: str
    description: str
    parameters: Mapping = field(default_factory=dict)
    options: Callable[[], dict] = dict

    def __call__(self, size: str = "small", seed: int = 0) -> CheckResult:
        """The check run on this alternative."""
        return CHECKS[self.check](size=size, seed=seed, options=self.options(),
                                  **dict(self.parameters))  # fmt: skip


def _known(values: Mapping[str, float]) -> dict[str, float]:
    return {k: v for k, v in values.items() if k in PARAMETERS}


ALTERNATIVES: dict[str, Alternative] = {
    a.check: a
    for a in (
        Alternative("participation", "everyone equally talkative, answered or not",
                    {"activity_concentration": 1000.0, **_known(AUDIENCE_TERMS)}),
        Alternative("joining", "only friends active today bring outsiders in",
                    _known(MEMBER_EXPOSURE),
                    options=lambda: {"strategies": lambda: [ActiveFriendsOnly()]}),
        Alternative("audience", "posting independent of readers", _known(AUDIENCE_TERMS)),
        Alternative("quiet_decline", "members who go quiet leave instead of muting",
                    _known(MUTING), options=lambda: {"strategies": lambda: [SilentLeave()]}),
        Alternative("red_packets", "a red packet pleases but pulls nobody up",
                    {"red_packets_boost": 0.0, "red_packets_surface": 0.0,
                     "red_packets_thanks": 0.0}),
        Alternative("social_comparison", "a goal gradient instead of a comparison",
                    options=lambda: {"strategy": "Badges"}),
        Alternative("thresholds", "a lottery at the door",
                    options=lambda: {"barrier": Lottery}),
        Alternative("lifecycle", "members who never tire", {"expectation": 0.0}),
        Alternative("evaporative_cooling", "value-blind expectations", {"cooling": 0.0}),
    )
}  # fmt: skip
