"""Muting and going quiet: members who tire of a group mute it, come back up, or leave.

A WeChat member who tires of a group far more often mutes it (消息免打扰) than quits: still
a member, counted in the group's size, reading little, posting nothing, until something
pulls them back up (004: the brand group kept its 330 members while its messages fell
tenfold). Two steps of the model's day apply it:

    surface   (before posting) each muted member comes back up with chance
              ``rules.surfacing_probability`` (of their own accord, today's pulls and
              friends' mentions)
    settle    (after the day's experience) a member whose patience is used up mutes with
              chance ``rules.mute_probability`` (what the group gives them against
              what it costs) or leaves; a muted member whose patience is used up leaves.

A muted member's experience is a share of a reader's (``rules.muted_surplus``); muting
refills the reservoir (``CommunityModel.mute_members``). State changes go through the
model's mutators (``mute_members``, ``unmute_members``, ``remove_members``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.population import MUTED, SPAMMER

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


def surface(model: CommunityModel, today: Day, posted_friends: np.ndarray) -> None:
    """Muted members come back up today (``rules.surfacing_probability``).

    Args:
        posted_friends: for every person, friends who posted yesterday (``A @ c``).
    """
    pop = model.population
    members = model._member_index()
    muted = members[pop.state[members] == MUTED]
    # keyed by person, before settle's (commsim.streams: aligned across settings)
    draws = model.streams.per_person("muting", muted)
    if muted.size == 0:
        return
    pull = today.surface_pull
    if isinstance(pull, np.ndarray):
        pull = pull[muted]
    p = model.params
    chance = rules.surfacing_probability(
        pull, posted_friends[muted], p["mention_pull"], p["resurfacing"]
    )
    up = muted[draws < chance]
    model._unmute(up, today)


def settle(model: CommunityModel, today: Day, members, benefit, cost) -> None:
    """Members whose patience is used up mute or leave (spammers are not settled here:
    ``commsim.spam``).

    Args:
        members: the members of today's experience (person indices).
        benefit, cost: what the group's content gave each of them today and what
            reading it cost.
    """
    pop = model.population
    spent = (pop.reservoir[members] <= 0) & (pop.role[members] != SPAMMER)
    draws = model.streams.per_person("muting", members[spent])  # after surface's, by person
    if not spent.any():
        return
    spent = np.flatnonzero(spent)
    reading = pop.state[members[spent]] != MUTED
    chance = rules.mute_probability(benefit[spent], cost[spent], model.params["muting"])
    mutes = reading & (draws < chance)
    model._mute(members[spent[mutes]], today)
    model._remove(members[spent[~mutes]], today)
