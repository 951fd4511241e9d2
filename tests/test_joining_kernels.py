"""The compiled loops of discovery and joining (``commsim.discovery``, the friend counts of
``commsim.mutators``) against the array arithmetic they replaced, at their edges."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from commsim import discovery, rules
from commsim.compiled import kernel
from commsim.mutators import count_friends_of
from commsim.population import LURKER, OUTSIDER


def _csr(ties, n):
    rows, cols = zip(*ties, strict=True)
    return sp.csr_array((np.ones(len(ties), np.float32), (rows, cols)), shape=(n, n))


def _linked_share(adjacency, group, person):
    marked = np.zeros(group.size, dtype=bool)
    share = discovery.linked_share(adjacency.indptr, adjacency.indices, group, person, marked)
    assert not marked.any()  # left as it was found, for the next person
    return share


def test_linked_share_counts_pairs_of_member_friends_who_are_friends():
    # 0's friends 1, 2, 3 and 4; 1-2 friends both ways, 2 -> 3 one way; 4 not a member
    both = [(0, 1), (0, 2), (0, 3), (0, 4), (1, 2), (2, 1), (2, 3), (1, 4), (4, 1)]
    group = np.array([-1, 0, 0, 0, -1], dtype=np.int32)
    assert _linked_share(_csr(both, 5), group, 0) == pytest.approx(1.5 / 3.0)
    group[3] = -1  # 3 left: 1 and 2, one pair, linked
    assert _linked_share(_csr(both, 5), group, 0) == 1.0
    group[2] = -1  # one member friend: no pairs
    assert _linked_share(_csr(both, 5), group, 0) == 0.0
    assert _linked_share(_csr(both, 5), group, 3) == 0.0  # no friends at all


def _near_by_arrays(state, draws, posted, inside, reach, pull, silent, gain):
    outsider = state == OUTSIDER
    highest = np.full(state.size, rules.discovery_probability(reach, 0.0, pull))
    exposed = outsider & ((inside > 0) | (posted > 0))
    most = rules.friend_exposure(posted[exposed], inside[exposed], silent, 1.0, gain)
    highest[exposed] = rules.discovery_probability(reach, most, pull)
    near = np.flatnonzero(outsider & (draws < highest))
    return near, highest[near]


@pytest.mark.parametrize("most_friends", [5, discovery.COUNTS_LOOKED_UP + 40])
def test_near_outsiders_are_those_the_arrays_pick(most_friends):
    """``_near`` against the arrays, with counts within its table and beyond it."""
    rng = np.random.default_rng(1)
    n = 5000
    state = np.where(rng.random(n) < 0.7, OUTSIDER, LURKER).astype(np.int8)
    inside = rng.integers(0, most_friends, n).astype(np.float32) * (rng.random(n) < 0.3)
    posted = np.floor(inside * rng.random(n)).astype(np.float32)
    draws = rng.random(n)
    levers = (0.02, 0.3, 0.4, 0.5)
    near, highest = discovery._near(state, draws, posted, inside, *levers)
    expected, expected_highest = _near_by_arrays(state, draws, posted.astype(float),
                                                 inside.astype(float), *levers)  # fmt: skip
    assert near.size > 100 and np.array_equal(near, expected)
    np.testing.assert_allclose(highest, expected_highest, rtol=1e-14)
    nobody = np.full(n, LURKER, dtype=np.int8)
    assert discovery._near(nobody, draws, posted, inside, *levers)[0].size == 0


def test_count_friends_of_adds_the_change_once_per_tie():
    by_friend = _csr([(1, 0), (2, 0), (2, 1), (3, 3)], 4).tocsc()  # who counts whom
    counts = np.zeros(4, dtype=np.float32)
    count_friends_of(counts, by_friend.indptr, by_friend.indices, np.array([0, 3]), 1.0)
    assert counts.tolist() == [0.0, 1.0, 1.0, 1.0]
    count_friends_of(counts, by_friend.indptr, by_friend.indices, np.array([1]), 1.0)
    count_friends_of(counts, by_friend.indptr, by_friend.indices, np.array([0]), -1.0)
    assert counts.tolist() == [0.0, 0.0, 1.0, 1.0]
    count_friends_of(counts, by_friend.indptr, by_friend.indices, np.zeros(0, np.int64), 1.0)
    assert counts.tolist() == [0.0, 0.0, 1.0, 1.0]
    count_friends_of(counts, by_friend.indptr, by_friend.indices, np.array([0, 0, 0]), 1.0)
    assert counts.tolist() == [0.0, 1.0, 2.0, 1.0]  # a person repeated in a row counts once


@pytest.mark.parametrize("ambient", [0.0, 0.1, 1.0, 2.0])
@pytest.mark.parametrize("pull", [0.0, 0.1, 1.0, 3.0])
def test_friend_share_of_discovery_for_a_person_is_the_arrays(ambient, pull):
    """The rule's compiled twin on scalars gives what it gives on arrays, certain
    channels included."""
    friends = np.array([0.0, 0.5, 2.0])
    share = kernel(rules.friend_share_of_discovery)
    one_by_one = [share(ambient, float(x), pull) for x in friends]
    np.testing.assert_allclose(one_by_one, rules.friend_share_of_discovery(ambient, friends, pull),
                               rtol=1e-15)  # fmt: skip
