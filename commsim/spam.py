"""Spammers who move on when nobody reads them, and whom members report.

A spammer joins to advertise (``commsim.discovery``: interest 1) and posts ads with chance
``spam_rate`` a day. After the members have read the day (step 3), two things end a
spammer's stay, both through the model's mutator ``remove_members`` (its unchecked path,
``_remove``: the spammers are members):

- reported: each reader of a spammer who posted today reports them with chance
  ``report_rate``, and the group's owner removes a reported spammer (banned;
  ``rules.report_probability``); a moderator (``strategies.Moderation``) catches more;
- moved on: a group whose members have muted it is not worth advertising in; a spammer
  leaves with chance ``rules.spammer_leaving_probability``, higher the fewer readers.

So spam follows readers: a group that goes quiet is not inherited by spammers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.compiled import kernel
from commsim.population import CONTRIBUTOR, SPAMMER
from commsim.streams import _keyed_uniforms

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


def settle(model: CommunityModel, today: Day, readers: np.ndarray) -> None:
    """Reported spammers are banned, others move on (see the module).

    Args:
        readers: each group's audience today, R_g (``commsim.posting``: its readers who
            are not spammers).
    """
    pop, p = model.population, model.params
    spammers = _spammers(model._member_index(), pop.role)
    if spammers.size == 0:
        return
    keys = model.streams.keys("spam", 2)
    reported, moving = _reported_or_moving(
        spammers, pop.state, pop.group, readers, keys, p["report_rate"], p["spam_move_on"],
        p["spam_readers"],
    )  # fmt: skip
    model._remove(reported, today, banned=True)
    model._remove(moving, today)


_report_probability = kernel(rules.report_probability)
_spammer_leaving_probability = kernel(rules.spammer_leaving_probability)


@kernel
def _spammers(members, role):
    """The spammers among ``members``, in their order."""
    return members[role[members] == SPAMMER]


@kernel
def _reported_or_moving(spammers, state, group, readers, keys, report_rate, spam_move_on,
                        spam_readers):  # fmt: skip
    """Which ``spammers`` are reported (they posted today, and their first draw of
    ``keys``, ``streams.per_person``, fell below ``rules.report_probability`` of their
    group's ``readers``) and which of the others move on (their second draw below
    ``rules.spammer_leaving_probability``), in their order."""
    draws = _keyed_uniforms(keys, spammers)
    reported = np.zeros(spammers.size, dtype=np.bool_)
    moving = np.zeros(spammers.size, dtype=np.bool_)
    for i in range(spammers.size):
        audience = readers[group[spammers[i]]]
        posted = state[spammers[i]] == CONTRIBUTOR
        reported[i] = posted and draws[0, i] < _report_probability(audience, report_rate)
        moving[i] = not reported[i] and draws[1, i] < _spammer_leaving_probability(
            audience, spam_move_on, spam_readers
        )
    return spammers[reported], spammers[moving]
