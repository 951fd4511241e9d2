"""Audience and response: a post is read by the members who have not muted the group and
draws replies; being answered pleases its writer and makes the next post more likely.

Source: Zhang & Zhu (2011, American Economic Review 101(4)): when the block of Chinese
Wikipedia removed much of its audience, the contributors who were not blocked cut their
contributions by 42.8%: people write for readers. Posting after being answered is what
concentrates the content on a few writers (van Mierlo 2014).

The model's day counts each group's audience ``R_g`` and sums its readers' chances to post
``P_g`` while it decides who posts (``commsim.posting``); then ``answer`` draws the replies
each writer drew from the group's responders (``rules.responders``,
``rules.expected_replies``), updates their response memory (``rules.answered_share``,
``rules.response_memory_after``) and returns the utility each member gets from it,
``answer_utility * A_i``, added to their day. Both loops over the writers are kernels
(``commsim.compiled``); the Poisson counts are drawn between them
(``streams.poisson_quantile``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.compiled import kernel
from commsim.streams import poisson_quantile

if TYPE_CHECKING:
    from commsim.model import CommunityModel

_responders = kernel(rules.responders)
_expected_replies = kernel(rules.expected_replies)
_answered_share = kernel(rules.answered_share)
_response_memory_after = kernel(rules.response_memory_after)


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
    expected = _replies_expected(writers, written, own_chance, pop.group, audience, chances,
                                 p["reply_from_posters"], p["reply_rate"])  # fmt: skip
    replies = poisson_quantile(model.streams.per_person("audience", writers), expected)
    return _remember_replies(writers, replies, pop.answered, p["reply_half"],
                             p["response_memory"], p["answer_utility"])  # fmt: skip


@kernel
def _replies_expected(writers, written, own_chance, group, audience, chances,
                      reply_from_posters, reply_rate):  # fmt: skip
    """Each writer's expected replies ``rho_i`` (``rules.expected_replies`` of the
    ``rules.responders`` of their group, per person ``group``)."""
    expected = np.empty(writers.size)
    for k in range(writers.size):
        g = group[writers[k]]
        others = _responders(audience[g], chances[g], own_chance[k], reply_from_posters)
        expected[k] = _expected_replies(others, written[k], reply_rate)
    return expected


@kernel
def _remember_replies(writers, replies, answered, reply_half, response_memory, answer_utility):
    """Update each writer's ``answered`` (per person) with how answered today's
    ``replies`` left them (``rules.answered_share``, ``rules.response_memory_after``) and
    return their utility of it, ``answer_utility * A_i``."""
    utility = np.empty(writers.size)
    for k in range(writers.size):
        got = _answered_share(replies[k], reply_half)
        answered[writers[k]] = _response_memory_after(answered[writers[k]], got,
                                                      response_memory)  # fmt: skip
        utility[k] = answer_utility * got
    return utility
