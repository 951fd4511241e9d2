"""Friendship networks: the default Watts-Strogatz small world, drawn as arrays of ties,
and the adjacency matrix the model's rules read.

``small_world`` draws exactly the graph that ``networkx.watts_strogatz_graph(n, k, p,
seed)`` draws for the seed it takes from ``rng``, tie for tie, without building a
networkx graph. networkx rewires the ring's ties in order (the ``k // 2`` ring
distances, outer loop, then every node): for each tie ``(u, u + j)`` it draws
``random() < p`` and, for a rewired tie, a new end ``w = choice(nodes)`` again until
``w != u`` and ``u``-``w`` is no tie yet (giving up when ``u`` already knows everyone).
Those draws come from Python's ``random.Random(seed)``, a Mersenne Twister whose 32-bit
words numpy's ``MT19937`` gives in bulk from the same state; a compiled loop
(``_rewired_ties``) reads them as ``random`` and ``choice`` do:

- ``random()`` of the words ``(a, b)`` at the next two positions is
  ``((a >> 5) * 2**26 + (b >> 6)) / 2**53``;
- ``choice`` reads one word, ``w = word >> (32 - n.bit_length())``, drawing again while
  ``w >= n``; the tie test looks at the ring distance and the sets of ties rewired and
  added so far.

The networkx graph itself is made only when asked (``SmallWorld.graph``, behind
``CommunityModel.network``), by the same additions and removals in the same order, so it
is the graph networkx draws, with the same order of nodes and neighbours.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from commsim.compiled import kernel

_TWO_53 = 9007199254740992.0


@dataclass(frozen=True, eq=False)
class SmallWorld:
    """A Watts-Strogatz small world as arrays: a ring where each of ``n`` people knows
    the ``k // 2`` nearest on each side, with the ties ``rewired`` moved.

    Attributes:
        n: number of people (nodes ``0 .. n - 1``).
        k: ring neighbours (``k // 2`` on each side).
        rewired: one row ``(u, v, w)`` per rewired tie, in the order networkx rewires
            them: the ring tie ``u``-``v`` was replaced by ``u``-``w``.
        rewired_ties: index of each rewired ring tie, ``(j - 1) * n + u`` for the tie
            ``(u, (u + j) % n)``.
    """

    n: int
    k: int
    rewired: np.ndarray
    rewired_ties: np.ndarray

    def ties(self) -> tuple[np.ndarray, np.ndarray]:
        """The graph's ties, each once, as two arrays of ends (int64)."""
        n, half = self.n, self.k // 2
        start = np.tile(np.arange(n, dtype=np.int64), half)
        end = (start + np.repeat(np.arange(1, half + 1, dtype=np.int64), n)) % n
        kept = np.ones(start.size, dtype=bool)
        kept[self.rewired_ties] = False
        return (
            np.concatenate([start[kept], self.rewired[:, 0]]),
            np.concatenate([end[kept], self.rewired[:, 2]]),
        )

    def adjacency(self) -> sp.csr_array:
        """The symmetric 0/1 adjacency as float32 CSR (``adjacency_matrix`` of the graph)."""
        one, other = self.ties()
        return _symmetric(one, other, self.n)

    def graph(self) -> nx.Graph:
        """The networkx graph, built as ``networkx.watts_strogatz_graph`` builds it: the
        ring's ties in order, then each rewiring's removal and addition in order."""
        graph = nx.empty_graph(self.n)
        nodes = list(range(self.n))
        for j in range(1, self.k // 2 + 1):
            graph.add_edges_from(zip(nodes, nodes[j:] + nodes[:j], strict=True))
        for u, v, w in self.rewired.tolist():
            graph.remove_edge(u, v)
            graph.add_edge(u, w)
        return graph


def small_world(rng: np.random.Generator, n: int, mean_degree: int, rewiring: float) -> SmallWorld:
    """The default network: a seeded Watts-Strogatz small world of ``n`` people, each
    knowing ``min(mean_degree, n - 1)`` on the ring before a share ``rewiring`` of ties
    is rewired; the graph ``networkx.watts_strogatz_graph`` draws with the seed
    ``rng.integers(2**31)`` (see the module's docstring)."""
    k = min(mean_degree, n - 1)
    seed = int(rng.integers(2**31))
    rewired, ties = _rewire(n, k, rewiring, seed)
    return SmallWorld(n, k, rewired, ties)


def small_world_network(rng: np.random.Generator, n: int, mean_degree: int, rewiring: float):
    """``small_world`` as a networkx graph."""
    return small_world(rng, n, mean_degree, rewiring).graph()


def _rewire(n: int, k: int, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """networkx's rewiring of the ring with ``random.Random(seed)``: the rewired ties
    ``(u, v, w)`` in order, and their indices (see the module's docstring). The words
    are drawn in a block, twice as long again whenever the rewiring runs past it."""
    half = k // 2
    if n * half == 0 or p <= 0.0:
        return np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64)
    state = random.Random(seed).getstate()[1]
    words = np.random.MT19937()
    size = 2 * n * half + int(4 * p * n * half) + 1024  # 2 a tie, about 2 a rewiring
    while True:
        words.state = {"bit_generator": "MT19937",
                       "state": {"key": np.array(state[:624], dtype=np.uint32),
                                 "pos": state[624]}}  # fmt: skip
        rows, ties, done = _rewired_ties(words.random_raw(size).astype(np.int64), n, half,
                                         p * _TWO_53, 32 - n.bit_length())  # fmt: skip
        if done:
            return rows, ties
        size *= 2


@kernel
def _rewired_ties(words: np.ndarray, n: int, half: int, below: float, shift: int):
    """networkx's loop over the ring's ties, read off ``words`` (a kernel): for the tie
    ``(u, u + j)``, j = 1 .. half (outer) and every u, ``random()`` is the words
    ``(a, b)`` at the next two positions, ``(a >> 5) * 2**26 + (b >> 6)`` over 2**53,
    and the tie is rewired when it is below p (the pair below ``below = p * 2**53``);
    then ``choice`` draws ``w = word >> shift`` until ``w < n`` (one word each), and
    again while ``w`` is ``u`` or already a tie of ``u``, giving up when ``u`` knows
    everyone. A tie ``u``-``w`` exists while it is a ring tie not rewired yet, or one
    added. Returns the rewirings ``(u, v, w)``, their ring ties' indices
    ``(j - 1) * n + u`` and whether the words sufficed."""
    rows = np.empty((n * half, 3), dtype=np.int64)
    ties = np.empty(n * half, dtype=np.int64)
    removed = {np.int64(-1)}  # ring ties rewired, by index (-1: none, a typed start)
    added = {np.int64(-1)}  # ties added, by key min * n + max
    degree = np.full(n, 2 * half, dtype=np.int64)
    count, at = 0, 0
    for j in range(1, half + 1):
        for u in range(n):
            if at + 2 > words.size:
                return rows[:count], ties[:count], False
            pair = (words[at] >> 5) * 67108864 + (words[at + 1] >> 6)
            at += 2
            if not pair < below:
                continue
            w, at = _choice(words, at, n, shift)
            rewire = True
            while w >= 0 and (w == u or _is_tie(u, w, n, half, removed, added)):
                w, at = _choice(words, at, n, shift)
                if degree[u] >= n - 1:
                    rewire = False
                    break
            if w < 0:
                return rows[:count], ties[:count], False
            if rewire:
                v = (u + j) % n
                removed.add((j - 1) * n + u)
                added.add(min(u, w) * n + max(u, w))
                degree[v] -= 1
                degree[w] += 1
                rows[count, 0], rows[count, 1], rows[count, 2] = u, v, w
                ties[count] = (j - 1) * n + u
                count += 1
    return rows[:count], ties[:count], True


@kernel
def _choice(words: np.ndarray, at: int, n: int, shift: int):
    """Python's ``choice`` of ``n`` nodes from word ``at`` on: the first ``word >> shift``
    below ``n``, and the next word (-1 when the words run out)."""
    while at < words.size:
        w = words[at] >> shift
        at += 1
        if w < n:
            return w, at
    return -1, at


@kernel
def _is_tie(u: int, w: int, n: int, half: int, removed: set, added: set) -> bool:
    """Whether ``u``-``w`` is a tie: a ring tie (ring distance 1 .. half) not rewired yet,
    or one added."""
    distance = (w - u) % n
    if 1 <= distance <= half and (distance - 1) * n + u not in removed:
        return True
    if 1 <= n - distance <= half and (n - distance - 1) * n + w not in removed:
        return True
    return min(u, w) * n + max(u, w) in added


def adjacency_matrix(graph: nx.Graph, n: int) -> sp.csr_array:
    """The symmetric 0/1 adjacency of the first ``n`` nodes of a user's graph as float32
    CSR.

    Nodes are mapped to people in the graph's node order, so any hashable node labels
    work. ``A @ x`` counts, for every person, the friends for whom ``x`` is 1.
    """
    index = {node: i for i, node in enumerate(graph.nodes)}
    edges = np.array(
        [(index[u], index[v]) for u, v in graph.edges if u != v], dtype=np.int64
    ).reshape(-1, 2)
    edges = edges[(edges[:, 0] < n) & (edges[:, 1] < n)]
    return _symmetric(edges[:, 0], edges[:, 1], n)


def _symmetric(one: np.ndarray, other: np.ndarray, n: int) -> sp.csr_array:
    """The 0/1 float32 CSR with both ``A[one, other]`` and ``A[other, one]`` set."""
    rows = np.concatenate([one, other])
    cols = np.concatenate([other, one])
    matrix = sp.coo_array((np.ones(rows.size, np.float32), (rows, cols)), shape=(n, n)).tocsr()
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix
