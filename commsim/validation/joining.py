"""Joining through friends who are members (Backstrom, Huttenlocher, Kleinberg & Lan 2006).

Source: L. Backstrom et al. (2006), "Group formation in large social networks: membership,
growth, and evolution", KDD '06. In LiveJournal and DBLP the probability that a person
joins a community rises with the number k of their friends who are already members, with
diminishing returns; at fixed k it is higher when those friends are connected to each other.

Statistic (the source's): each day, every outsider at risk (never a member, spammers
aside) is counted with the number k of friends who are members at the start of the day,
whatever those friends do (members, not active friends: the model's discovery input is
not what is counted), and whether any two of those friends are friends of each other; the
daily joining probability at k is the pooled joins over the pooled outsider-days at k.

Tolerance (fixed before any run), over the pooled rates p_k (k = 1..5, standard errors
cluster-robust over replications, ``framework.ratio_contrast``):

- increasing: p3 > p1 and p5 > p3 (one-sided 95% lower bounds of the differences > 0);
- concave (diminishing returns): the chord from 1 to 5 lies below the curve at 3,
  2 p3 - p1 - p5 > 0 (one-sided 95% lower bound > 0);
- linked friends: at fixed k = 2..5, the rate with at least one linked pair exceeds the
  rate with none, averaged over k with weights the outsider-days at k (lower bound > 0).
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from commsim.population import OUTSIDER
from commsim.strategies.base import Strategy
from commsim.validation.arms import PROBE
from commsim.validation.bounds import ratio_contrast, z_lower_bound
from commsim.validation.framework import Check, Figure, regular, replicate

DAYS = 120
MAX_FRIENDS = 5


def friends_inside(adjacency, members: np.ndarray, people: np.ndarray):
    """For each of ``people``: friends who are members, and linked pairs among them.

    ``adjacency[i, j] = 1`` when j is i's friend. The linked pairs of i are the pairs of
    i's member friends who are friends of each other (a tie either way):

        k_i = sum_j A_ij m_j,   pairs_i = 1/2 sum_j sum_l A_ij m_j S_jl m_l A_il

    with ``S`` the symmetrised adjacency without its diagonal.
    """
    adjacency = sp.csr_array(adjacency)
    inside = np.flatnonzero(members)
    rows = adjacency[np.asarray(people, dtype=np.int64)][:, inside]  # people x members
    rows = (rows != 0).astype(np.float64)
    among = adjacency[inside][:, inside]
    among = ((among + among.T) != 0).astype(np.float64)
    among.setdiag(0)
    among.eliminate_zeros()
    k = np.asarray(rows.sum(axis=1)).ravel()
    pairs = np.asarray((rows @ among).multiply(rows).sum(axis=1)).ravel() / 2.0
    return k.astype(np.int64), np.rint(pairs).astype(np.int64)


class JoiningCounter(Strategy, **PROBE):
    """Counts, without acting, outsiders at risk by friends inside and who of them joined.

    ``trials[c, k]`` and ``joins[c, k]`` count outsider-days with ``k`` member friends
    (``k`` up to ``MAX_FRIENDS``; more are not counted) and the joins among them; ``c`` is
    0 when no two of those friends are linked, 1 when at least one pair is. Outsiders at
    risk: never members, not spammers. Friends are counted at the start of the day.
    """

    def __init__(self) -> None:
        self.trials = np.zeros((2, MAX_FRIENDS + 1))
        self.joins = np.zeros((2, MAX_FRIENDS + 1))

    def start_day(self, model, today) -> None:
        pop = model.population
        members = pop.member_mask
        self._at_risk = np.flatnonzero((pop.state == OUTSIDER) & regular(model))
        k, pairs = friends_inside(model.adjacency, members, self._at_risk)
        counted = k <= MAX_FRIENDS
        self._at_risk, self._k = self._at_risk[counted], k[counted]
        self._linked = (pairs[counted] > 0).astype(np.int64)

    def end_day(self, model, today) -> None:
        joined = np.isin(self._at_risk, today.joined)
        self.add(self._k, self._linked, joined)

    def add(self, k: np.ndarray, linked: np.ndarray, joined: np.ndarray) -> None:
        """Count one day's outsiders (``k`` friends inside, ``linked`` 0/1, ``joined``)."""
        cells = linked * (MAX_FRIENDS + 1) + k
        size = 2 * (MAX_FRIENDS + 1)
        self.trials += np.bincount(cells, minlength=size).reshape(2, -1)
        self.joins += np.bincount(cells[joined], minlength=size).reshape(2, -1)


def joining_curve(counters) -> dict:
    """The hazards and the source's contrasts from counters of several replications.

    Returns:
        ``rate[k]`` (k = 0..MAX_FRIENDS, linked or not pooled), ``linked[k]`` and
        ``unlinked[k]``, and for each contrast (``rise_1_3``, ``rise_3_5``, ``concave``,
        ``linked_gain``) its estimate and standard error.
    """
    joins = np.array([c.joins for c in counters])  # reps x 2 x (K + 1)
    trials = np.array([c.trials for c in counters])
    width = MAX_FRIENDS + 1
    pooled_j, pooled_t = joins.sum(axis=1), trials.sum(axis=1)  # reps x (K + 1)
    flat_j, flat_t = joins.reshape(len(counters), -1), trials.reshape(len(counters), -1)
    total_t, total_j = pooled_t.sum(axis=0), pooled_j.sum(axis=0)
    rate = np.divide(total_j, total_t, out=np.full(width, math.nan), where=total_t > 0)
    cell_t, cell_j = flat_t.sum(axis=0), flat_j.sum(axis=0)
    cell = np.divide(cell_j, cell_t, out=np.full(2 * width, math.nan), where=cell_t > 0)

    def on_k(**w):
        vector = np.zeros(width)
        for name, value in w.items():
            vector[int(name[1:])] = value
        return ratio_contrast(pooled_j, pooled_t, vector)

    contrasts = {"rise_1_3": on_k(k3=1, k1=-1), "rise_3_5": on_k(k5=1, k3=-1),
                 "concave": on_k(k3=2, k1=-1, k5=-1)}  # fmt: skip
    # linked minus unlinked at k = 2..5, weighted by the outsider-days at k (cells with
    # both kinds observed)
    weights = np.zeros(2 * width)
    both = [k for k in range(2, width) if cell_t[k] > 0 and cell_t[width + k] > 0]
    if both:
        days = np.array([total_t[k] for k in both])
        for k, w in zip(both, days / days.sum(), strict=True):
            weights[width + k], weights[k] = w, -w
        contrasts["linked_gain"] = ratio_contrast(flat_j, flat_t, weights)
    else:
        contrasts["linked_gain"] = (math.nan, math.nan)
    return {"rate": rate, "unlinked": cell[:width], "linked": cell[width:],
            "trials": total_t, **contrasts}  # fmt: skip


def _joining(size, seed, parameters, strategies=None):
    counters = []

    def chosen():
        counters.append(JoiningCounter())
        return [counters[-1], *(strategies() if strategies else [])]

    replicate(size, seed, DAYS, parameters, chosen)
    curve = joining_curve(counters)
    rates = ", ".join(f"{curve['rate'][k]:.4f}" for k in range(1, MAX_FRIENDS + 1))
    design = (f"{DAYS} days, default group; each day every outsider at risk (never a member, "
              "not a spammer) counted by friends who are members at the start of the day and "
              "whether two of them are linked; pooled daily joining rate by k")  # fmt: skip

    def contrast(name, key, source, rule):
        estimate, se = curve[key]
        low = z_lower_bound(estimate, se) if math.isfinite(se) else math.nan
        return Figure(name, estimate, low, source, rule, bool(low > 0))

    figures = [
        contrast("rise p3 - p1", "rise_1_3", "rising in k",
                 "95% lower bound > 0"),
        contrast("rise p5 - p3", "rise_3_5", "rising in k", "95% lower bound > 0"),
        contrast("concavity 2 p3 - p1 - p5", "concave", "diminishing returns",
                 "95% lower bound > 0"),
        contrast("linked minus unlinked friends, k = 2..5", "linked_gain",
                 "higher when the friends are linked", "95% lower bound > 0"),
    ]  # fmt: skip
    linked = ", ".join(f"{curve['linked'][k]:.4f}/{curve['unlinked'][k]:.4f}"
                       for k in range(2, MAX_FRIENDS + 1))  # fmt: skip
    notes = f"daily joining rate p1..p5 = {rates}; linked/unlinked at k = 2..5: {linked}"
    return design, figures, notes


CHECK = Check(
    "joining",
    "the daily chance of joining rises with the friends who are members, with diminishing "
    "returns, and more when those friends are linked to each other",
    "Backstrom, Huttenlocher, Kleinberg & Lan 2006 (KDD); 000, 004 (fission through friends)",
    _joining,
)
