"""Random streams: one numpy Generator per mechanism, spawned from the run's seed.

Common random numbers (issue 11): two runs with the same seed should differ only where
their settings act. With one generator for everything, a strategy that draws one number
more shifts every later draw of every mechanism, so two settings differ everywhere. Here
each mechanism draws from its own stream, a child of the run's ``SeedSequence`` named by
the mechanism:

    stream(name) = Generator(PCG64(SeedSequence(entropy, spawn_key=(crc32(name),))))

The key is the name's CRC-32, so a stream depends only on the run's entropy and its name,
not on the order in which streams are first asked for: adding a strategy (a new name)
leaves every other stream's numbers as they were. The population, the network and the
founders have streams of their own too, so replication ``r`` of every setting has the
same people, ties and founders.

The run's entropy is taken from the model's seed (``rng=``): the same seed gives the same
streams in any process (sweeps, dask workers); a Generator given as ``rng`` gives its
entropy by one draw of 128 bits, so the same Generator state gives the same run.
"""

from __future__ import annotations

import zlib

import numpy as np

MECHANISMS = (
    "population", "network", "founders", "discovery", "joining", "posting", "audience",
    "experience", "muting", "spam",
)  # fmt: skip
"""The model's own mechanisms, each with a stream; strategies get ``strategy.<key>``."""


def entropy_of(rng) -> int | tuple[int, ...]:
    """The entropy of a run's root ``SeedSequence`` from what ``CommunityModel`` takes as
    ``rng``: an integer or sequence of them is the entropy itself; a ``SeedSequence`` gives
    its own; a ``Generator`` or ``BitGenerator`` gives 128 bits drawn from it; None gives
    fresh entropy from the operating system."""
    if isinstance(rng, np.random.SeedSequence):
        return rng.entropy if not rng.spawn_key else (rng.entropy, *rng.spawn_key)
    if isinstance(rng, np.random.BitGenerator):
        rng = np.random.Generator(rng)
    if isinstance(rng, np.random.Generator):
        return tuple(int(x) for x in rng.integers(0, 2**63, size=2))
    if rng is None:
        return np.random.SeedSequence().entropy
    return rng


class Streams:
    """The random streams of one run, created when first asked for and kept.

    Args:
        entropy: the run's entropy (``entropy_of``).
    """

    def __init__(self, entropy) -> None:
        self.entropy = entropy
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """The stream named ``name`` (``MECHANISMS`` or ``strategy.<key>``)."""
        stream = self._streams.get(name)
        if stream is None:
            seed = np.random.SeedSequence(self.entropy, spawn_key=(zlib.crc32(name.encode()),))
            stream = self._streams[name] = np.random.Generator(np.random.PCG64(seed))
        return stream
