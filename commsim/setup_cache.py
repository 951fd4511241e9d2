"""People and network drawn once per seed: what the runs of one replication share.

A run's population comes from its stream ``population`` and its default network from its
stream ``network``; each stream depends only on the run's entropy, and the draws only on
the parameters that ``draw_population`` reads (``population.TRAIT_PARAMETERS``) and on
those of ``small_world``. Under common random numbers every setting of a sweep's
replication has the same entropy, so a worker that runs several settings of a replication
(a strategy's budgets, a cooling rate) would draw the same people and the same network
each time: at 1,000 people half of the 1.8 ms of building a model. Kept here instead,
for the next model of the same entropy in this process:

    population(streams, params)   a copy of the ``Population`` drawn for this entropy and
                                  these traits' parameters (its arrays change in a run)
    network(streams, n, k, p)     the ``SmallWorld`` and its adjacency (a copy)

The numbers are the same as drawing anew (``tests/test_setup_cache.py``). At most
``KEPT_BYTES`` are kept, the least recently used going first; ``clear()`` empties it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import fields

import numpy as np
import scipy.sparse as sp

from commsim.network import SmallWorld, small_world
from commsim.population import TRAIT_PARAMETERS, Population, draw_population
from commsim.streams import Streams

KEPT_BYTES = 64 * 2**20
"""Most bytes of populations and networks kept (64 MiB: about 250 runs' worth at 1,000
people, two at 100,000)."""

_kept: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
_kept_bytes = 0  # the sizes in _kept, summed


def population(streams: Streams, params: dict) -> Population:
    """The population of a run with ``streams``' entropy: ``draw_population(streams
    ["population"], params)``, drawn once and copied after."""
    key = ("population", streams.entropy, *(params[name] for name in TRAIT_PARAMETERS))
    drawn = _get(key)
    if drawn is None:
        drawn = _keep(key, draw_population(streams["population"], params))
    return Population(**{f.name: getattr(drawn, f.name).copy() for f in fields(Population)})


def network(streams: Streams, n: int, mean_degree: int, rewiring: float
            ) -> tuple[SmallWorld, sp.csr_array]:  # fmt: skip
    """The default network of a run with ``streams``' entropy: ``small_world(streams
    ["network"], ...)`` and its adjacency, drawn once; the adjacency is a copy."""
    key = ("network", streams.entropy, n, mean_degree, rewiring)
    drawn = _get(key)
    if drawn is None:
        world = small_world(streams["network"], n, mean_degree, rewiring)
        drawn = _keep(key, (world, world.adjacency()))
    world, adjacency = drawn
    return world, adjacency.copy()


def clear() -> None:
    """Forget every kept population and network."""
    global _kept_bytes
    _kept.clear()
    _kept_bytes = 0


def _get(key: tuple):
    entry = _kept.get(key)
    if entry is None:
        return None
    _kept.move_to_end(key)
    return entry[0]


def _keep(key: tuple, value):
    """Keep ``value`` under ``key`` (not kept yet), dropping the least recently used past
    ``KEPT_BYTES`` (their bytes counted as they come and go, not summed anew: a sweep of
    distinct seeds keeps hundreds)."""
    global _kept_bytes
    size = _bytes(value)
    _kept[key] = (value, size)
    _kept_bytes += size
    while len(_kept) > 1 and _kept_bytes > KEPT_BYTES:
        _kept_bytes -= _kept.popitem(last=False)[1][1]
    return value


def _bytes(value) -> int:
    if isinstance(value, Population):
        return sum(getattr(value, f.name).nbytes for f in fields(Population))
    world, adjacency = value
    arrays = (world.rewired, world.rewired_ties, adjacency.data, adjacency.indices,
              adjacency.indptr)  # fmt: skip
    return sum(np.asarray(a).nbytes for a in arrays)
