"""Discovery and joining (step 1 of the day): outsiders hear of a group through ads and
through friends who are members, and join if they need it.

Exposure through friends who are members, not only through friends who posted today
(Backstrom, Huttenlocher, Kleinberg & Lan 2006, KDD): the chance of joining rises with the
number ``k`` of friends inside with diminishing returns, and is higher when those friends
are linked to each other. A friend who posted yesterday counts fully, one who reads
without posting counts ``silent_exposure``, one who muted the group not at all (they do not
bring it up); the linked share is over all friends who are members
(``rules.friend_exposure``).

The linked share of an outsider's member friends costs a look through the ties of each of
them; it is computed only for the few whose draw could make them join at the highest
possible linked share (thinning): with ``u_i`` the outsider's uniform draw and ``p_i(c)``
the chance at linked share ``c`` (increasing in ``c``), ``u_i < p_i(1)`` picks the
candidates and ``u_i < p_i(c_i)`` the joiners, exactly the same as drawing
``u_i < p_i(c_i)`` for all. Likewise the interest (at most 1) is computed only for
outsiders whose draw is below their chance without it, and the chance through friends
only for outsiders with a friend inside (for the others it is the ambient reach): in a
large population nearly every outsider costs one uniform and one comparison. Both passes
are compiled loops (``commsim.compiled``): ``_near`` over the population,
``_applications`` over the few it leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from commsim import rules
from commsim.compiled import kernel
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    FRIENDS,
    KOL,
    KOL_PULL,
    OUTSIDER,
    SPAMMER,
)
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


_discovery_probability = kernel(rules.discovery_probability)
_friend_exposure = kernel(rules.friend_exposure)
_friend_share_of_discovery = kernel(rules.friend_share_of_discovery)
_join_interest = kernel(rules.join_interest)


@kernel
def linked_share(indptr: np.ndarray, indices: np.ndarray, group: np.ndarray,
                 person: int, marked: np.ndarray) -> float:  # fmt: skip
    """The share of pairs of ``person``'s friends who are members that are friends of
    each other:

        c_i = pairs_i / (k_i (k_i - 1) / 2),   pairs_i = 1/2 sum_j sum_l A_ij m_j A_jl m_l A_il

    (0 when ``k_i < 2``; a tie counts as ``A_jl``, j counting l as a friend). The rows of
    the adjacency's CSR table (``indptr``, ``indices``) are read: the member friends are
    marked in ``marked`` (all False, and left so), then each one's row is looked through
    for marked friends: it costs the member friends' degrees, not a product of matrices.
    """
    friends = indices[indptr[person]:indptr[person + 1]]
    k = 0
    for friend in friends:
        if group[friend] >= 0:
            marked[friend] = True
            k += 1
    linked = 0
    for friend in friends:
        if marked[friend]:
            for other in indices[indptr[friend]:indptr[friend + 1]]:
                if marked[other] and other != friend:
                    linked += 1
    for friend in friends:
        marked[friend] = False
    return linked / 2.0 / (k * (k - 1.0) / 2.0) if k >= 2 else 0.0


def discover_and_join(model: CommunityModel, today: Day, posted_friends: np.ndarray) -> None:
    """Outsiders discover a group through ads or friends, and join if they need it.

    p_join_i = p_discover(ambient(t), x_i) * interest_i, with ``x_i`` the friends' exposure
    (``rules.friend_exposure``) and interest the need (spammers join to advertise:
    interest 1). See ``rules.discovery_probability``. A joiner's entry route is read off
    the same uniform draw u_i < p_join_i: friends when u_i < p_join_i * share_i
    (``rules.friend_share_of_discovery``), else ambient; of the friends' part, the share
    of the exposure that comes from KOLs who posted is KOL pull.

    Args:
        posted_friends: for every person, friends who posted yesterday (``A @ c``).
    """
    open_groups = model._group_open.nonzero()[0].astype(np.int32)
    if open_groups.size == 0:
        return
    pop, p = model.population, model.params
    member_friends = model._inside_friend_counts()  # muted members do not bring it up
    ambient = today.ambient_boost * rules.ambient_inflow_rate(
        p["ambient_inflow"], model.day, p["promotion_days"]
    )
    pull, reach = today.social_pull, min(ambient, 1.0)
    terms = (reach, pull, p["silent_exposure"], p["linked_gain"])  # of every chance
    draws = model.streams.random("joining", pop.size)
    near, highest = _near(pop.state, draws, posted_friends, member_friends, *terms)
    if near.size == 0:  # nobody can join today
        return
    if open_groups.size > 1:  # the groups of all outsiders: see choose_groups
        outsiders = np.flatnonzero(pop.state == OUTSIDER)
        groups = choose_groups(model, outsiders, ambient, pull)[np.searchsorted(outsiders, near)]
    else:
        groups = open_groups.repeat(near.size)
    adjacency = model.adjacency
    chosen, routes = _applications(
        near, groups, draws, highest, posted_friends, member_friends, pop.need, pop.value,
        pop.role, pop.state, pop.group, model._group_mean_value(), p["cooling"],
        adjacency.indptr, adjacency.indices, *terms,
    )  # fmt: skip
    if chosen.size == 0:
        return
    joiners, groups = near[chosen], groups[chosen]
    admitting = [s for s in model.strategies if type(s).admit is not Strategy.admit]
    if admitting:  # each filters all the applicants (the others admit them all)
        admitted = np.ones(joiners.size, dtype=bool)
        for strategy in admitting:
            admitted &= strategy.admit(model, today, joiners, groups)
        joiners, groups, routes = joiners[admitted], groups[admitted], routes[admitted]
    model._join(joiners, groups, today, routes)
    for strategy in model.strategies:
        strategy.on_join(model, today, joiners)


@kernel
def _near(state, draws, posted, inside, reach, pull, silent, gain):
    """The outsiders whose draw ``u_i`` is below their chance at the highest linked
    share, ``p_i(1)`` (thinning: the interest is at most 1, so no one else can join),
    and that chance; with no friend inside it is the reach alone (``x_i = 0``).

    ``p_i(1)`` depends only on the counts ``p_i`` and ``k_i`` of friends, so it is
    computed once for each pair of counts below ``COUNTS_LOOKED_UP`` (a table) and looked
    up: many outsiders share them (at 100,000 people a fifth have a friend inside).

    Returns:
        The outsiders (increasing) and their ``p_i(1)``.
    """
    alone = _discovery_probability(reach, 0.0, pull)
    known = np.full((COUNTS_LOOKED_UP, COUNTS_LOOKED_UP), -1.0)  # -1: not computed yet
    near, highest = np.empty(state.size, np.int64), np.empty(state.size)
    found = 0
    for person in range(state.size):
        if state[person] != OUTSIDER:
            continue
        chance = alone
        if posted[person] + inside[person] > 0:  # one test, not two: a quarter faster
            posts, friends = int(posted[person]), int(inside[person])
            looked_up = posts < COUNTS_LOOKED_UP and friends < COUNTS_LOOKED_UP
            chance = known[posts, friends] if looked_up else -1.0
            if chance < 0.0:
                most = _friend_exposure(float(posts), float(friends), silent, 1.0, gain)
                chance = _discovery_probability(reach, most, pull)
                if looked_up:
                    known[posts, friends] = chance
        near[found], highest[found] = person, chance  # kept if below: no branch to guess
        found += draws[person] < chance
    return near[:found], highest[:found]


COUNTS_LOOKED_UP = 64
"""``_near`` keeps ``p_i(1)`` for counts of friends below this (a table of 64 x 64)."""


@kernel
def _applications(near, groups, draws, highest, posted, inside, need, value, role, state, group,
                  mean_value, cooling, indptr, indices, reach, pull, silent, gain):
    """Which of the ``near`` outsiders apply to their ``groups``, and by which route.

    Of each, the interest ``I_i`` (``rules.join_interest`` in their group; spammers 1)
    picks the candidates ``u_i < p_i(1) I_i``, and for those alone the linked share
    ``c_i`` (``linked_share``) gives the chance ``p_i(c_i) I_i``, the decision
    ``u_i < p_i(c_i) I_i`` and the route: ``FRIENDS`` when ``u_i`` is below the chance
    times the friends' share (``rules.friend_share_of_discovery``), ``KOL_PULL`` when it
    is below that times the share of the exposure from KOLs who are contributors,

        kols_i / (p_i + silent_exposure * (k_i - p_i)),   at most 1,

    else ``AMBIENT``.

    Returns:
        The positions in ``near`` of those who apply, and their routes.
    """
    chosen, routes = np.empty(near.size, np.int64), np.empty(near.size, np.int8)
    marked = np.zeros(state.size, np.bool_)
    found = 0
    for at in range(near.size):
        person, draw = near[at], draws[near[at]]
        interest = 1.0  # spammers join to advertise
        if role[person] != SPAMMER:
            interest = _join_interest(need[person], value[person], mean_value[groups[at]],
                                      cooling)  # fmt: skip
        if not draw < highest[at] * interest:
            continue
        posts, friends = float(posted[person]), float(inside[person])
        linked = linked_share(indptr, indices, group, person, marked)
        exposure = _friend_exposure(posts, friends, silent, linked, gain)
        chance = _discovery_probability(reach, exposure, pull) * interest
        if not draw < chance:
            continue
        by_friends = chance * _friend_share_of_discovery(reach, exposure, pull)
        route = FRIENDS if draw < by_friends else AMBIENT
        kols = 0
        for friend in indices[indptr[person]:indptr[person + 1]]:
            if group[friend] >= 0 and state[friend] == CONTRIBUTOR and role[friend] == KOL:
                kols += 1
        if kols:  # of the friends' part, the share from KOLs who posted yesterday
            effective = posts + silent * (friends - posts)
            kol_share = min(kols / effective, 1.0) if effective > 0 else 1.0
            route = KOL_PULL if draw < by_friends * kol_share else route
        chosen[found], routes[found] = at, route
        found += 1
    return chosen[:found], routes[:found]


def choose_groups(
    model: CommunityModel, people: np.ndarray, ambient: float, social_pull: float
) -> np.ndarray:
    """The group each of ``people`` joins, through the same two channels as
    ``rules.discovery_probability``: open group g is chosen with probability

        w_g / sum(w),   w_g = ambient / (open groups) + social_pull * e_g

    where ``e_g`` is the person's exposure through their friends who are members of g
    (a friend who posted yesterday counts 1, another member ``silent_exposure``). One
    uniform draw per person picks the channel and the group: ambient reach picks an open
    group uniformly, the social channel the group of a friend chosen by weight.
    """
    open_groups = np.flatnonzero(model.group_open)
    pop = model.population
    inside = model._member_index()
    inside = inside[model.group_open[pop.group[inside]]]
    weight = np.where(pop.state[inside] == CONTRIBUTOR, 1.0, model.params["silent_exposure"])
    in_group = sp.csr_array(
        (weight.astype(np.float32), (inside, pop.group[inside])),
        shape=(pop.size, model.n_groups),
    )
    friends = (model.adjacency[people] @ in_group).tocsr()  # people x groups
    friends.eliminate_zeros()
    ambient = max(ambient, 1e-12)
    social_weight = social_pull * np.asarray(friends.sum(axis=1)).ravel()
    draws = model.streams.random("discovery", pop.size)[people] * (ambient + social_weight)
    chosen = open_groups[
        np.minimum((draws / ambient * open_groups.size).astype(np.int64), open_groups.size - 1)
    ].astype(np.int32)
    social = np.flatnonzero((draws >= ambient) & (social_weight > 0))
    if social.size:
        cumulative = np.cumsum(friends.data, dtype=np.float64)
        before = np.concatenate([[0.0], cumulative])[friends.indptr[social]]
        target = before + (draws[social] - ambient) / social_pull
        position = np.searchsorted(cumulative, target, side="right")
        position = np.minimum(position, friends.indptr[social + 1] - 1)
        chosen[social] = friends.indices[position]
    return chosen
