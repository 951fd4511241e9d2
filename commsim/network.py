"""Friendship networks: the default Watts-Strogatz small world, drawn as arrays of ties,
and the adjacency matrix the model's rules read.

``small_world`` draws exactly the graph that ``networkx.watts_strogatz_graph(n, k, p,
seed)`` draws for the seed it takes from ``rng``, tie for tie, without building a
networkx graph and without a Python loop over ties. networkx rewires the ring's ties
in order (the ``k // 2`` ring distances, outer loop, then every node): for each tie
``(u, u + j)`` it draws ``random() < p`` and, for a rewired tie, a new end
``w = choice(nodes)`` again until ``w != u`` and ``u``-``w`` is no tie yet (giving up
when ``u`` already knows everyone). Those draws come from Python's
``random.Random(seed)``, a Mersenne Twister whose 32-bit words numpy's ``MT19937``
gives in bulk from the same state. So:

- ``random()`` of the words at positions ``(i, i + 1)`` is
  ``((w_i >> 5) * 2**26 + (w_(i+1) >> 6)) / 2**53`` for every ``i`` at once;
- a tie is kept when its ``random()`` is ``>= p``, and between two rewired ties every
  tie reads two words, so the next rewired tie is the next position of the right parity
  whose ``random()`` is ``< p`` (found by bisection, no loop over the kept ties);
- only the rewired ties (a share ``p`` of them) run in Python: ``choice`` reads one
  word, ``w = word >> (32 - n.bit_length())``, drawing again while ``w >= n``, and the
  tie test looks at the ring distance and the sets of ties removed and added so far.

The networkx graph itself is made only when asked (``SmallWorld.graph``, behind
``CommunityModel.network``), by the same additions and removals in the same order, so it
is the graph networkx draws, with the same order of nodes and neighbours.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

_TWO_53 = 9007199254740992.0
_SPARSE = 32  # walk (``_Rewiring``) when n >= _SPARSE * (k + 1): few choices clash
_FIRST_WALK = 64  # rewirings walked before the first check, doubling while none clash


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
    ``(u, v, w)`` in order, and their indices (see the module's docstring)."""
    if n * (k // 2) == 0 or p <= 0.0:
        return np.zeros((0, 3), dtype=np.int64), np.zeros(0, dtype=np.int64)
    if n < _SPARSE * (k + 1):
        return _rewire_one_by_one(n, k // 2, p, seed)
    return _Rewiring(n, k // 2, p, seed).run()


def _rewire_one_by_one(n: int, half: int, p: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """networkx's loop itself, on sets of ties instead of a graph: for dense rings, where
    a choice is often already a tie and ``_Rewiring`` would check too often."""
    draws = random.Random(seed)
    nodes = list(range(n))
    neighbours = [set() for _ in nodes]
    for j in range(1, half + 1):
        for u in nodes:
            v = (u + j) % n
            neighbours[u].add(v)
            neighbours[v].add(u)
    rows, ties = [], []
    for j in range(1, half + 1):
        for u in nodes:
            if draws.random() < p:
                v = (u + j) % n
                w = draws.choice(nodes)
                while w == u or w in neighbours[u]:
                    w = draws.choice(nodes)
                    if len(neighbours[u]) >= n - 1:
                        break
                else:
                    neighbours[u].discard(v)
                    neighbours[v].discard(u)
                    neighbours[u].add(w)
                    neighbours[w].add(u)
                    rows.append((u, v, w))
                    ties.append((j - 1) * n + u)
    return np.array(rows, dtype=np.int64).reshape(-1, 3), np.array(ties, dtype=np.int64)


class _Rewiring:
    """networkx's rewiring, read off a block of the seed's words.

    Every rewired tie reads its ``random()`` at a position of the words below ``p``
    (a "hit") and its first ``choice`` at the next position whose node is ``< n``; the
    next rewired tie is the next hit of the right parity after that. So, from the words
    alone, each hit has a successor (``_next``) and a count of kept ties to it
    (``_skipped``), and the rewirings are a walk along successors. The walk assumes each
    first ``choice`` is a new tie; the walked rewirings are then checked together for a
    ``choice`` that is ``u`` itself or already a tie (rare: about ``k / n`` of them),
    and from the first such one networkx's loop of draws is followed one word at a time,
    after which the walk resumes. When the draws run past the block, the block is
    drawn again twice as long (the same words and more) and the rewiring goes on.
    """

    def __init__(self, n: int, half: int, p: float, seed: int) -> None:
        self.n, self.half, self.total, self.p = n, half, n * half, p
        state = random.Random(seed).getstate()[1]
        self._state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(state[:624], dtype=np.uint32), "pos": state[624]},
        }
        self.rows: list[np.ndarray] = []  # accepted rewirings: columns u, v, w, tie
        self.added = np.zeros(0, dtype=np.int64)  # their new ties' keys, sorted
        self.rewired = np.zeros(0, dtype=np.int64)  # their ring ties' indices, increasing
        self._draw(2 * self.total + int(4 * p * self.total) + 1024)  # 2 a tie, ~2 a rewiring

    def _draw(self, size: int) -> None:
        """The first ``size`` words of ``random.Random(seed)`` (numpy's MT19937 set to its
        state) and what the walk reads off them."""
        source = np.random.MT19937()
        source.state = self._state
        words = source.random_raw(size).astype(np.int64)
        self.size = size
        self.node = words >> (32 - self.n.bit_length())  # choice's candidate at each word
        self.usable = np.flatnonzero(self.node < self.n)  # words where choice stops
        pair = ((words[:-1] >> 5) << 26) | (words[1:] >> 6)  # random() = pair / 2**53
        hits = self.hits = np.flatnonzero(pair < math.ceil(self.p * _TWO_53))
        self.parity = [np.flatnonzero(hits % 2 == side) for side in (0, 1)]
        self.parity_hits = [hits[chosen] for chosen in self.parity]
        self.choice = self._first_usable(hits + 2)
        after = self.choice + 1  # where the search for the next rewired tie starts
        following = self._first_hits(after)
        following[self.choice >= size] = -1
        self.skipped = np.where(following >= 0, (hits[following] - after) // 2, 0)
        self._next = following.tolist()

    def _first_usable(self, starts: np.ndarray) -> np.ndarray:
        """For each start, the first word at or after it where choice stops (the block's
        size if none)."""
        place = np.searchsorted(self.usable, starts)
        return np.append(self.usable, self.size)[place]

    def _first_hits(self, starts: np.ndarray) -> np.ndarray:
        """For each start, the index in ``hits`` of the first hit at or after it with its
        parity (-1 if none among the words)."""
        found = np.full(starts.size, -1, dtype=np.int64)
        for side, chosen in enumerate(self.parity):
            at = starts % 2 == side
            place = np.searchsorted(self.parity_hits[side], starts[at])
            inside = place < chosen.size
            found[np.flatnonzero(at)[inside]] = chosen[place[inside]]
        return found

    def run(self) -> tuple[np.ndarray, np.ndarray]:
        start, tie = 0, 0  # the next word to read and the next ring tie
        limit = _FIRST_WALK
        while tie < self.total:
            walked = self._walk(start, tie, limit)
            if walked is None:
                self._draw(2 * self.size)
                continue
            hits, first, more = walked
            batch = self._events(hits, first)
            clash = self._first_clash(batch)
            if clash == len(hits):
                self._accept(batch)
                if not more:
                    break
                start, tie = int(self.choice[hits[-1]]) + 1, int(batch[-1, 3]) + 1
                limit *= 2  # no clash: walk further at once
                continue
            u, v, w, at = batch[clash].tolist()
            drawn = self._draw_again(u, int(self.choice[hits[clash]]) + 1, batch[:clash])
            if drawn is None:
                self._draw(2 * self.size)
                continue
            self._accept(batch[:clash])
            w, start, rewired = drawn
            if rewired:
                self._accept(np.array([[u, v, w, at]], dtype=np.int64))
            tie = at + 1
            limit = _FIRST_WALK
        rows = np.concatenate(self.rows) if self.rows else np.zeros((0, 4), np.int64)
        return rows[:, :3].copy(), rows[:, 3].copy()

    def _accept(self, rows: np.ndarray) -> None:
        """Record rewirings ``rows`` as done."""
        if rows.shape[0] == 0:
            return
        self.rows.append(rows)
        keys = np.sort(_keys(rows[:, 0], rows[:, 2], self.n))
        self.added = np.insert(self.added, np.searchsorted(self.added, keys), keys)
        self.rewired = np.concatenate([self.rewired, rows[:, 3]])

    def _walk(self, start: int, tie: int, limit: int) -> tuple[list[int], int, bool] | None:
        """At most ``limit`` rewired ties from word ``start`` and ring tie ``tie`` on,
        assuming every first choice is a new tie: their hit indices, the first one's tie
        index and whether more may follow (None: more words are needed)."""
        hit = int(self._first_hits(np.array([start]))[0])
        if hit < 0:
            if start + 2 * (self.total - 1 - tie) > self.size - 2:
                return None  # not enough words to know that no hit is left
            return [], tie, False
        tie += (int(self.hits[hit]) - start) // 2
        first = tie
        hits = []
        following, skipped, total = self._next, self.skipped, self.total
        for _ in range(limit):
            if hit < 0 or tie >= total:
                break
            hits.append(hit)
            tie += 1 + skipped.item(hit)
            hit = following[hit]
        if hits and self.choice[hits[-1]] >= self.size:
            return None  # the last rewiring's choice is past the words
        if len(hits) == limit:
            return hits, first, True
        if hit < 0 and tie < total:  # no hit left: enough words to know none is left?
            start = int(self.choice[hits[-1]]) + 1
            if start + 2 * (total - 1 - tie) > self.size - 2:
                return None
        return hits, first, False

    def _events(self, hits: list[int], first: int) -> np.ndarray:
        """Rows ``(u, v, w, tie)`` of walked rewirings from tie ``first`` on, ``w`` each
        one's first choice."""
        hits = np.array(hits, dtype=np.int64)
        steps = np.concatenate([[0], 1 + self.skipped[hits[:-1]]])[: hits.size]
        tie = first + np.cumsum(steps)
        u = tie % self.n
        v = (u + tie // self.n + 1) % self.n
        w = self.node[self.choice[hits]]
        return np.stack([u, v, w, tie], axis=1).reshape(-1, 4)

    def _first_clash(self, batch: np.ndarray) -> int:
        """Index of the first walked rewiring whose ``w`` is ``u`` or already a tie of
        ``u`` (given the accepted rewirings and the batch's earlier ones); the batch's
        length if none."""
        if batch.shape[0] == 0:
            return 0
        n, half = self.n, self.half
        u, w, tie = batch[:, 0], batch[:, 2], batch[:, 3]
        distance = (w - u) % n
        forward = (distance >= 1) & (distance <= half)
        backward = (n - distance >= 1) & (n - distance <= half) & ~forward
        ring_tie = np.where(forward, (distance - 1) * n + u, (n - distance - 1) * n + w)
        removed = (_among(self.rewired, ring_tie) | _among(tie, ring_tie)) & (ring_tie < tie)
        keys = _keys(u, w, n)
        order = np.argsort(keys, kind="stable")
        repeated = np.zeros(keys.size, dtype=bool)
        repeated[order[1:]] = keys[order[1:]] == keys[order[:-1]]
        added = _among(self.added, keys) | repeated
        clash = (w == u) | added | ((forward | backward) & ~removed)
        return int(np.argmax(clash)) if clash.any() else batch.shape[0]

    def _draw_again(self, u: int, start: int, before: np.ndarray) -> tuple[int, int, bool] | None:
        """networkx's loop for a first choice that is ``u`` or a tie of ``u``, after the
        accepted rewirings and ``before``: draw again from word ``start`` until the
        choice is neither, giving up (not rewiring) when ``u`` knows everyone. Returns the
        choice, the next word and whether to rewire (None: more words are needed)."""
        rows = np.concatenate(self.rows + [before])
        n, half = self.n, self.half
        one, lost, gained = rows[:, 0], rows[:, 1], rows[:, 2]
        degree = 2 * half - np.count_nonzero(lost == u) + np.count_nonzero(gained == u)
        added = set(gained[one == u].tolist()) | set(one[gained == u].tolist())
        removed = set(lost[one == u].tolist()) | set(one[lost == u].tolist())
        usable = self.usable
        place = int(np.searchsorted(usable, start))
        while True:
            if place >= usable.size:
                return None
            start = usable.item(place) + 1
            w = self.node.item(start - 1)
            place += 1
            if degree >= n - 1:
                return w, start, False
            distance = (w - u) % n
            on_ring = 0 < min(distance, n - distance) <= half
            if w != u and w not in added and (not on_ring or w in removed):
                return w, start, True


def _among(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in the sorted array ``sorted_values``."""
    if sorted_values.size == 0:
        return np.zeros(values.shape, dtype=bool)
    place = np.minimum(np.searchsorted(sorted_values, values), sorted_values.size - 1)
    return sorted_values[place] == values


def _keys(one: np.ndarray, other: np.ndarray, n: int) -> np.ndarray:
    """One integer per unordered pair: ``min * n + max``."""
    return np.minimum(one, other) * n + np.maximum(one, other)


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
