"""Spammers who move on when nobody reads them, and whom members report.

A spammer joins to advertise (``commsim.discovery``: interest 1) and posts ads with chance
``spam_rate`` a day. After the members have read the day (step 3), two things end a
spammer's stay, both through the model's mutator ``remove_members``:

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
from commsim.population import CONTRIBUTOR, SPAMMER

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


def settle(model: CommunityModel, today: Day, readers: np.ndarray) -> None:
    """Reported spammers are banned, others move on (see the module).

    Args:
        readers: each group's audience today (``audience.readers``).
    """
    pop, p = model.population, model.params
    members = model._member_index()
    spammers = members[pop.role[members] == SPAMMER]
    if spammers.size == 0:
        return
    audience = readers[pop.group[spammers]]
    draws = model.streams.per_person("spam", spammers, 2)
    posted = pop.state[spammers] == CONTRIBUTOR
    reported = posted & (draws[0] < rules.report_probability(audience, p["report_rate"]))
    moving = ~reported & (
        draws[1] < rules.spammer_leaving_probability(audience, p["spam_move_on"], p["spam_readers"])
    )
    model.remove_members(spammers[reported], today, banned=True)
    model.remove_members(spammers[moving], today)
