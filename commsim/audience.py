"""Audience and response: a post is read by the members who have not muted the group and
draws replies; being answered pleases its writer and makes the next post more likely.

Source: Zhang & Zhu (2011, American Economic Review 101(4)): when the block of Chinese
Wikipedia removed much of its audience, the contributors who were not blocked cut their
contributions by 42.8%: people write for readers. Posting after being answered is what
concentrates the content on a few writers (van Mierlo 2014).

The model's day uses it twice: before posting, ``readers`` counts each group's audience;
after posting, ``posting_chances`` sums each group's readers' chances to post and
``answer`` draws the replies each writer drew from the group's responders
(``rules.responders``, ``rules.expected_replies``),
updates their response memory (``rules.answered_share``, ``rules.response_memory_after``)
and returns the utility each member gets from it, ``answer_utility * A_i``, added to their
day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.population import MUTED, SPAMMER
from commsim.streams import poisson_quantile

if TYPE_CHECKING:
    from commsim.model import CommunityModel


def readers(model: CommunityModel) -> np.ndarray:
    """Each group's audience: members who have not muted it, spammers aside (``R_g``)."""
    members = model._member_index()
    return _summed_by_group(model, members[model.population.state[members] != MUTED])


def posting_chances(model: CommunityModel, members: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """Each group's readers' summed chance of posting today (``P_g`` of
    ``rules.responders``): ``members`` are the members who have not muted their group,
    ``chance`` their chance to post; spammers are left out."""
    return _summed_by_group(model, members, chance)


def _summed_by_group(model: CommunityModel, members: np.ndarray, weights=None) -> np.ndarray:
    """Per group, the count of ``members`` who are not spammers, or the sum of their
    ``weights`` (aligned with ``members``)."""
    pop = model.population
    people = pop.role[members] != SPAMMER
    if weights is not None:
        weights = weights[people]
    return np.bincount(pop.group[members[people]], weights=weights,
                       minlength=model.n_groups).astype(float)  # fmt: skip


def answer(model: CommunityModel, writers: np.ndarray, written: np.ndarray, audience: np.ndarray,
           chances: np.ndarray, own_chance: np.ndarray) -> np.ndarray:  # fmt: skip
    """Draw the replies each of today's ``writers`` (not spammers; ``written`` messages
    each, ``own_chance`` their chance to post) drew from their group's responders
    (``rules.responders`` of the group's ``audience`` ``R_g`` and its readers' posting
    ``chances`` ``P_g``; ``rules.expected_replies``), update their memory of being
    answered (``rules.answered_share``, ``rules.response_memory_after``), and return the
    utility each writer gets from it (aligned with ``writers``): ``answer_utility * A_i``.
    """
    pop, p = model.population, model.params
    if writers.size == 0:
        return np.zeros(0)
    group = pop.group[writers]
    others = rules.responders(audience[group], chances[group], own_chance,
                              p["reply_from_posters"])  # fmt: skip
    replies = poisson_quantile(
        model.streams.per_person("audience", writers),
        rules.expected_replies(others, written, p["reply_rate"]),
    )
    got = rules.answered_share(replies, p["reply_half"])
    pop.answered[writers] = rules.response_memory_after(
        pop.answered[writers], got, p["response_memory"]
    )
    return p["answer_utility"] * got
