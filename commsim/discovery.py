"""Discovery and joining (step 1 of the day): outsiders hear of a group through ads and
through friends who are members, and join if they need it.

Exposure through friends who are members, not only through friends who posted today
(Backstrom, Huttenlocher, Kleinberg & Lan 2006, KDD): the chance of joining rises with the
number ``k`` of friends inside with diminishing returns, and is higher when those friends
are linked to each other. A friend who posted yesterday counts fully, one who reads
without posting counts ``silent_exposure``, one who muted the group not at all (they do not
bring it up); the linked share is over all friends who are members
(``rules.friend_exposure``).

The linked share of an outsider's member friends costs a sparse product per outsider; it is
computed only for the few whose draw could make them join at the highest possible linked
share (thinning): with ``u_i`` the outsider's uniform draw and ``p_i(c)`` the chance at
linked share ``c`` (increasing in ``c``), ``u_i < p_i(1)`` picks the candidates and
``u_i < p_i(c_i)`` the joiners, exactly the same as drawing ``u_i < p_i(c_i)`` for all.
Likewise the interest (at most 1) is computed only for outsiders whose draw is below
their chance without it, and the chance through friends only for outsiders with a
friend inside (for the others it is the ambient reach): in a large population nearly
every outsider costs one uniform and one comparison.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from commsim import rules
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    FRIENDS,
    KOL,
    KOL_PULL,
    OUTSIDER,
    SPAMMER,
)

if TYPE_CHECKING:
    from commsim.day import Day
    from commsim.model import CommunityModel


def linked_share(adjacency: sp.csr_array, edge_keys: np.ndarray, members: np.ndarray,
                 people: np.ndarray) -> np.ndarray:  # fmt: skip
    """For each of ``people``, the share of pairs of their friends who are members that are
    friends of each other:

        c_i = pairs_i / (k_i (k_i - 1) / 2),   pairs_i = 1/2 sum_j sum_l A_ij m_j A_jl m_l A_il

    (0 when ``k_i < 2``; a tie counts as ``A_jl``, j counting l as a friend). Every ordered
    pair of a person's member friends is looked up among the ties' sorted keys
    ``edge_keys`` (``j * N + l``), so the cost is the pairs', not a product of matrices.
    """
    indptr, indices = adjacency.indptr, adjacency.indices
    starts, counts = indptr[people], indptr[people + 1] - indptr[people]
    owner = np.repeat(np.arange(people.size), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    friends = indices[np.repeat(starts, counts) + within]
    inside = members[friends]
    friends, owner = friends[inside], owner[inside]
    k = np.bincount(owner, minlength=people.size)
    size = k[owner]  # each entry is paired with every entry of its owner's
    first = np.repeat(np.arange(friends.size), size)
    offset = (np.cumsum(k) - k)[owner[first]]
    second = offset + np.arange(first.size) - np.repeat(np.cumsum(size) - size, size)
    one, other = friends[first], friends[second]
    keys = one.astype(np.int64) * adjacency.shape[1] + other
    found = np.searchsorted(edge_keys, keys)
    linked = (found < edge_keys.size) & (edge_keys[np.minimum(found, edge_keys.size - 1)] == keys)
    pairs = np.bincount(owner[first][linked & (one != other)], minlength=people.size) / 2.0
    possible = k * (k - 1.0) / 2.0
    return np.divide(pairs, possible, out=np.zeros(people.size), where=possible > 0)


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
    if not model.group_open.any():
        return
    pop, p = model.population, model.params
    outsider = pop.state == OUTSIDER
    if not outsider.any():
        return
    inside = model._member_index()
    member_friends = model._inside_friend_counts()  # muted members do not bring it up
    ambient = today.ambient_boost * rules.ambient_inflow_rate(
        p["ambient_inflow"], model.day, p["promotion_days"]
    )
    pull, reach = today.social_pull, min(ambient, 1.0)
    silent, gain = p["silent_exposure"], p["linked_gain"]
    draws = model.stream("joining").random(pop.size)
    # thinning: interest <= 1, so only outsiders whose draw is below their chance at the
    # highest linked share, p_i(1), can join; with no friend inside it is the reach
    highest = np.full(pop.size, rules.discovery_probability(reach, 0.0, pull))
    exposed = np.flatnonzero(outsider & ((member_friends > 0) | (posted_friends > 0)))
    most = rules.friend_exposure(posted_friends[exposed], member_friends[exposed], silent, 1.0,
                                 gain)  # fmt: skip
    highest[exposed] = rules.discovery_probability(reach, most, pull)
    near = np.flatnonzero(outsider & (draws < highest))
    if near.size == 0:  # nobody can join today
        return
    if model.group_open.sum() > 1:  # the groups of all outsiders: see choose_groups
        outsiders = np.flatnonzero(outsider)
        groups = choose_groups(model, outsiders, ambient, pull)[np.searchsorted(outsiders, near)]
    else:
        groups = choose_groups(model, near, ambient, pull)
    draws, highest = draws[near], highest[near]
    interest = _interest(model, near, groups)
    candidates = np.flatnonzero(draws < highest * interest)
    outsiders, draws, interest = near[candidates], draws[candidates], interest[candidates]
    if outsiders.size == 0:
        return
    groups = groups[candidates]
    posted, member_friends = posted_friends[outsiders], member_friends[outsiders]
    linked = linked_share(model.adjacency, model._edge_keys, pop.member_mask, outsiders)
    exposure = rules.friend_exposure(posted, member_friends, silent, linked, gain)
    chance = rules.discovery_probability(reach, exposure, pull) * interest
    applies = draws < chance
    applicants, groups = outsiders[applies], groups[applies]
    if applicants.size == 0:
        return
    draws, chance, exposure = draws[applies], chance[applies], exposure[applies]
    share = rules.friend_share_of_discovery(reach, exposure, pull)
    routes = np.where(draws < chance * share, FRIENDS, AMBIENT)
    active_kols = inside[(pop.state[inside] == CONTRIBUTOR) & (pop.role[inside] == KOL)]
    if active_kols.size:
        kols = model._friend_counts(active_kols)[applicants]
        kol_share = np.minimum(np.divide(kols, posted[applies] + silent * (
            member_friends[applies] - posted[applies]), out=np.zeros(applicants.size),
            where=member_friends[applies] > 0), 1.0)  # fmt: skip
        routes[draws < chance * share * kol_share] = KOL_PULL
    admitted = np.ones(applicants.size, dtype=bool)
    for strategy in model.strategies:
        admitted &= strategy.admit(model, today, applicants, groups)
    joiners = applicants[admitted]
    model._join(joiners, groups[admitted], today, routes[admitted])
    for strategy in model.strategies:
        strategy.on_join(model, today, joiners)


def _interest(model: CommunityModel, outsiders: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``rules.join_interest`` of each outsider in the group they would join; spammers 1."""
    pop, p = model.population, model.params
    mean_value = model._group_mean_value()
    # one group: a scalar, not an array of outsiders
    mean_value = mean_value[0] if mean_value.size == 1 else mean_value[groups]
    interest = rules.join_interest(pop.need[outsiders], pop.value[outsiders], mean_value,
                                   p["cooling"])  # fmt: skip
    interest[pop.role[outsiders] == SPAMMER] = 1.0  # spammers join to advertise
    return interest


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
    if open_groups.size == 1:
        return np.full(people.size, open_groups[0], dtype=np.int32)
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
    draws = model.stream("discovery").random(pop.size)[people] * (ambient + social_weight)
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
