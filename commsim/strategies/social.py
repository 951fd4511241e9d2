"""Who brought whom: joiners' active friends inside, for referral rewards and leaderboards.

An outsider is brought in by friends who are active members (contributors; see
``rules.discovery_probability``). These helpers look at a joiner's friends at the moment
of joining (before today's posting changes who is active).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim.population import CONTRIBUTOR

if TYPE_CHECKING:
    from commsim.model import CommunityModel


def active_friends_inside(model: CommunityModel, people: np.ndarray) -> np.ndarray:
    """Number of friends of each of ``people`` who are contributors (``A[people] @ c``),
    counted over the rows of ``people`` only."""
    rows = model.adjacency[people]
    active = model.population.state[rows.indices] == CONTRIBUTOR
    row_of = np.repeat(np.arange(people.size), np.diff(rows.indptr))
    return np.bincount(row_of[active], minlength=people.size)


def credit_inviters(model: CommunityModel, joiners: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """For each joiner, one of their active friends inside drawn uniformly (the friend who
    invited them: friend ``floor(u_i * k_i)`` of the ``k_i``, in index order, with the
    joiner's uniform ``draws[i]``), or -1 for a joiner with none (they came through ads)."""
    rows = model.adjacency[joiners]
    active = model.population.state[rows.indices] == CONTRIBUTOR
    row_of = np.repeat(np.arange(joiners.size), np.diff(rows.indptr))
    friends, row_of = rows.indices[active], row_of[active]
    counts = np.bincount(row_of, minlength=joiners.size)
    starts = np.cumsum(counts) - counts
    pick = starts + np.floor(draws * counts).astype(np.int64)
    inviters = np.full(joiners.size, -1, dtype=np.int64)
    has = counts > 0
    inviters[has] = friends[pick[has]]
    return inviters
