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
model's mutators (``mute_members``, ``unmute_members``, ``remove_members``: their unchecked
paths, ``_mute``, ``_unmute``, ``_remove``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.compiled import kernel, lever, lever_array
from commsim.population import MUTED, SPAMMER
from commsim.streams import _keyed_uniforms

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


def surface(model: CommunityModel, today: Day, posted_friends: np.ndarray) -> None:
    """Muted members come back up today (``rules.surfacing_probability``).

    Args:
        posted_friends: for every person, friends who posted yesterday (``A @ c``).
    """
    p = model.params
    pull = lever_array(today.surface_pull, model.population.size, "surface_pull")
    keys = model.streams.keys("muting", 1)  # by person, before settle's (commsim.streams)
    surfacing = _surfacing(
        model._member_index(), model.population.state, pull, posted_friends,
        p["mention_pull"], p["resurfacing"], keys,
    )  # fmt: skip
    model._unmute(surfacing, today)


def settle(model: CommunityModel, today: Day, members, benefit, cost) -> None:
    """Members whose patience is used up mute or leave (spammers are not settled here:
    ``commsim.spam``).

    Args:
        members: the members of today's experience (person indices).
        benefit, cost: what the group's content gave each of them today and what
            reading it cost.
    """
    pop = model.population
    keys = model.streams.keys("muting", 1)  # after surface's, by person
    to_mute, to_remove = _mute_or_leave(
        members, pop.reservoir, pop.role, pop.state, benefit, cost, keys,
        model.params["muting"],
    )  # fmt: skip
    model._mute(to_mute, today)
    model._remove(to_remove, today)


_surfacing_probability = kernel(rules.surfacing_probability)
_mute_probability = kernel(rules.mute_probability)


@kernel
def _surfacing(members, state, pull, posted_friends, mention_pull, resurfacing, keys):
    """The muted among ``members`` (in their order) who come back up today: their draw
    (``streams.per_person`` of ``keys``) falls below ``rules.surfacing_probability`` with
    their ``pull`` (``lever_array``) and friends who posted (in float64)."""
    muted = members[state[members] == MUTED]
    draws = _keyed_uniforms(keys, muted)[0]
    up = np.zeros(muted.size, dtype=np.bool_)
    for i in range(muted.size):
        person = muted[i]
        mentions = np.float64(posted_friends[person])
        up[i] = draws[i] < _surfacing_probability(lever(pull, person), mentions, mention_pull,
                                                  resurfacing)  # fmt: skip
    return muted[up]


@kernel
def _spent(members, reservoir, role):
    """Positions in ``members`` of those whose patience is used up (``r_i <= 0``),
    spammers aside."""
    spent = np.empty(members.size, dtype=np.int64)
    count = 0
    for i in range(members.size):
        if reservoir[members[i]] <= 0 and role[members[i]] != SPAMMER:
            spent[count] = i
            count += 1
    return spent[:count]


@kernel
def _mute_or_leave(members, reservoir, role, state, benefit, cost, keys, muting):
    """Who of the ``members`` whose patience is used up (``_spent``; ``benefit`` and
    ``cost`` aligned with ``members``) mutes, and who leaves: a reading member mutes
    when their draw (``streams.per_person`` of ``keys``) falls below
    ``rules.mute_probability``, a muted one leaves. Both in ``members``' order."""
    spent = _spent(members, reservoir, role)
    chosen = members[spent]
    draws = _keyed_uniforms(keys, chosen)[0]
    mutes = np.zeros(spent.size, dtype=np.bool_)
    for k in range(spent.size):
        i = spent[k]
        reading = state[members[i]] != MUTED
        mutes[k] = reading and draws[k] < _mute_probability(benefit[i], cost[i], muting)
    return chosen[mutes], chosen[~mutes]
