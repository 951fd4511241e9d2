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
``answer_utility * A_i``, added to their day. One kernel (``commsim.compiled``) does it
over the writers, their keyed uniforms and Poisson counts (``streams.poisson_counts``)
drawn in it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.compiled import kernel
from commsim.streams import _keyed_uniforms, poisson_counts

if TYPE_CHECKING:
    from commsim.model import CommunityModel

_responders = kernel(rules.responders)
_expected_replies = kernel(rules.expected_replies)
_answered_share = kernel(rules.answered_share)
_response_memory_after = kernel(rules.response_memory_after)


def answer(model: CommunityModel, writers: np.ndarray, written: np.ndarray, audience: np.ndarray,
           chances: np.ndarray, chance: np.ndarray, own: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Draw the replies each of today's ``writers`` who are not spammers (``own``; aligned
    with ``writers``, ``written`` messages each and ``chance`` their chance to post) drew
    from their group's responders (``rules.responders`` of the group's ``audience``
    ``R_g`` and its readers' posting ``chances`` ``P_g``; ``rules.expected_replies``),
    with their keyed uniforms from the ``audience`` stream; update their memory of being
    answered (``rules.answered_share``, ``rules.response_memory_after``). One kernel does
    it all (``_replies_drawn``).

    Returns:
        Those writers and the utility each gets from it, ``answer_utility * A_i``
        (``model._answered``).
    """
    pop, p = model.population, model.params
    return _replies_drawn(
        writers, written, own, chance, model.streams.keys("audience", 1), pop.group, audience,
        chances, pop.answered, p["reply_from_posters"], p["reply_rate"], p["reply_half"],
        p["response_memory"], p["answer_utility"],
    )  # fmt: skip


@kernel
def _replies_drawn(writers, written, own, chance, keys, group, audience, chances, answered,
                   reply_from_posters, reply_rate, reply_half, response_memory,
                   answer_utility):  # fmt: skip
    """The ``own`` writers' replies, Poisson of their expected replies
    (``_replies_expected``) from their keyed uniforms (``keys``), remembered
    (``_remember_replies``).

    Returns:
        Those writers and the utility each gets from being answered.
    """
    chosen = writers[own]
    expected = _replies_expected(chosen, written[own], chance[own], group, audience, chances,
                                 reply_from_posters, reply_rate)  # fmt: skip
    replies = poisson_counts(_keyed_uniforms(keys, chosen)[0], expected)
    return chosen, _remember_replies(chosen, replies, answered, reply_half, response_memory,
                                     answer_utility)  # fmt: skip


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
