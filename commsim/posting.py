"""Posting (step 2 of the day): each member who has not muted the group contributes or
lurks, and a contributor's turn runs to a number of messages.

A member's propensity to post is ``rules.posting_propensity`` of their talkativeness
``a_i * posting_boost * g_i`` (raised by being answered, ``rules.response_factor``), their
last surplus, the novelty of the group (``rules.novelty_utility`` of
``rules.posting_tenure``) and yesterday's reading load; their chance to post is
``min(x_i, 1)`` and a contributor writes 1 + Poisson(``rules.turn_length``) messages.
Spammers post ads with probability ``spam_rate``, turns of ``messages_per_post``. Then
the members' posts are answered or not (``audience.answer``).

Each member's chance, choice and turn length come from one compiled loop over the members
(``_choose_writers``, a kernel: ``commsim.compiled``), which also sums each group's
audience ``R_g`` and its readers' chances ``P_g`` (``rules.responders``); the kernel
around it (``_written``) draws the members' keyed uniforms and the writers' Poisson
counts (``streams.poisson_counts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import audience, rules
from commsim.compiled import kernel, lever, lever_array
from commsim.day import _tallied, message_value
from commsim.population import CONTRIBUTOR, LURKER, MUTED, SPAMMER
from commsim.streams import _keyed_uniforms, poisson_counts

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel

_posting_tenure = kernel(rules.posting_tenure)
_response_factor = kernel(rules.response_factor)
_novelty = kernel(rules.novelty_utility)
_propensity = kernel(rules.posting_propensity)
_turn_length = kernel(rules.turn_length)


def post(model: CommunityModel, today: Day) -> None:
    """Today's posts of the members who have not muted their group: who posts
    (``CONTRIBUTOR``, the others ``LURKER``), how many messages each writes (added to
    their ``contributions`` and to ``today``'s messages), the replies they draw
    (``audience.answer``: kept for the day's experience as ``model._answered``) and each
    group's audience (``model._readers``, ``R_g``); then the strategies add content.

    Two kernels do it, ``_written`` (who posts and how much, and what it adds to
    today's messages) and ``audience.answer`` (what it draws), with the keyed uniforms
    (``commsim.streams``: a pair per person from ``posting``, one per writer from
    ``audience``) drawn inside them."""
    pop, p = model.population, model.params
    boost = lever_array(today.posting_boost, pop.size, "posting_boost")
    writers, written, chance, own, readers, chances = _written(
        model._member_index(), model.streams.keys("posting", 2), model.day, boost, pop.activity,
        pop.answered, pop.satisfaction, pop.joined_day, pop.verbosity, pop.role, pop.group,
        model._founded_day, model._load, p["response_gain"], p["group_novelty"], p["novelty"],
        p["novelty_days"], p["engagement_steepness"], p["spam_rate"], p["messages_per_post"],
        p["turn_growth"], p["daily_capacity"], pop.state, pop.value, pop.contributions,
        float(today.on_topic), today.messages, today.valued_messages, today.spam,
    )  # fmt: skip
    model._readers = readers
    model._answered = audience.answer(model, writers, written, readers, chances, chance, own)
    for strategy in model.strategies:
        strategy.add_content(model, today)


@kernel
def _written(members, keys, day, boost, activity, answered, satisfaction, joined_day, verbosity,
             role, group, founded_day, load, response_gain, group_novelty, novelty,
             novelty_days, steepness, spam_rate, messages_per_post, turn_growth,
             daily_capacity, state, value, contributions, on_topic, messages, valued,
             spammed):  # fmt: skip
    """Who of ``members`` (person indices; the muted left out) posts today and how much,
    with their keyed uniforms from the ``posting`` stream's two ``keys``
    (``streams.per_person``): the first decides (``_choose_writers``), the second gives
    the turn's extra messages, Poisson of the turn's mean (``streams.poisson_counts``).
    The messages are added to the writers' ``contributions`` and to today's per-group
    ``messages``, ``valued`` and ``spammed`` (``day._tallied``, each message worth
    ``day.message_value``).

    Returns:
        The writers (person indices, increasing), the messages each writes, their chance
        to post, whether each is not a spammer, and per group the readers ``R_g`` and
        their summed chances ``P_g``.
    """
    reading = members[state[members] != MUTED]
    draws = _keyed_uniforms(keys, reading)
    posts, chance, extra, readers, chances = _choose_writers(
        reading, draws[0], day, boost, activity, answered, satisfaction, joined_day, verbosity,
        role, group, founded_day, load, response_gain, group_novelty, novelty, novelty_days,
        steepness, spam_rate, messages_per_post, turn_growth, daily_capacity, state,
    )  # fmt: skip
    writers = reading[posts]
    written = 1 + poisson_counts(draws[1][posts], extra[posts])
    contributions[writers] += written
    own = role[writers] != SPAMMER
    _tallied(group[writers].astype(np.int64), written.astype(np.float64),
             message_value(value[writers], on_topic), ~own, messages, valued, spammed, False)
    return writers, written, chance[posts], own, readers, chances


@kernel
def _choose_writers(members, chance_draw, day, boost, activity, answered, satisfaction,
                    joined_day, verbosity, role, group, founded_day, load, response_gain,
                    group_novelty, novelty, novelty_days, steepness, spam_rate,
                    messages_per_post, turn_growth, daily_capacity, state):  # fmt: skip
    """For each of ``members`` (person indices, none muted) with their uniform
    ``chance_draw``: whether they post (``chance_draw < min(x_i, 1)``, ``x_i`` the
    propensity, ``spam_rate`` for spammers; ``state`` set to ``CONTRIBUTOR`` or
    ``LURKER``), their chance ``min(x_i, 1)`` and, for those who post, their turn's mean
    extra messages (``rules.turn_length``; 0 for the others). Per group (``load``'s
    length): the readers ``R_g`` and their summed chances ``P_g``, spammers left out.
    ``boost`` is ``posting_boost`` as ``lever_array`` gives it (one value for everyone,
    or one per person); the other arrays are per person, but ``founded_day`` and
    ``load`` per group."""
    posts = np.zeros(members.size, dtype=np.bool_)
    chance = np.empty(members.size)
    extra = np.zeros(members.size)
    readers = np.zeros(load.size)
    chances = np.zeros(load.size)
    for k in range(members.size):
        person = members[k]
        g = group[person]
        regular = role[person] != SPAMMER
        if regular:
            tenure = _posting_tenure(day - joined_day[person], day - founded_day[g],
                                     group_novelty)  # fmt: skip
            talk = (activity[person] * lever(boost, person)
                    * _response_factor(answered[person], response_gain))  # fmt: skip
            propensity = _propensity(talk, satisfaction[person],
                                     _novelty(tenure, novelty, novelty_days), load[g],
                                     steepness)  # fmt: skip
        else:
            propensity = spam_rate  # ads: a chance, and turns of plain length
        chance[k] = np.minimum(propensity, 1.0)
        if regular:
            readers[g] += 1.0
            chances[g] += chance[k]
        posts[k] = chance_draw[k] < chance[k]
        state[person] = CONTRIBUTOR if posts[k] else LURKER
        if posts[k]:
            extra[k] = _turn_length(messages_per_post, propensity, verbosity[person],
                                    turn_growth, daily_capacity)  # fmt: skip
    return posts, chance, extra, readers, chances
