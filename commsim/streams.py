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

Within a stream, draws stay aligned too: each day's draws start at a fixed place of the
stream (day t at ``t * JUMP``, ``Streams.start_day``), however many numbers earlier days
took, and the model's mechanisms draw one number per person (``random(population)``,
then the members' entries), Poisson counts included (``poisson_quantile``): a person's
chance to post, join, mute or be reported on day t comes from the same uniform in every
setting of a replication, so two settings differ only through what their settings change.

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


JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835
"""Day t of a stream starts ``t * JUMP`` (mod 2**128) draws into it (``PCG64.advance``):
the golden ratio times 2**128, as ``PCG64.jumped`` uses, so days are far apart (a power
of two would leave the low bits of the state, and so the draws, alike from day to day)."""


class Streams:
    """The random streams of one run, created when first asked for and kept.

    Args:
        entropy: the run's entropy (``entropy_of``).
    """

    def __init__(self, entropy) -> None:
        self.entropy = entropy
        self.day = 0
        # name -> [its Generator, its state at day 0, the day it was last moved to]
        self._streams: dict[str, list] = {}

    def start_day(self, day: int) -> None:
        """Today is ``day``: each stream moves to the start of its draws when first used."""
        self.day = day

    def __getitem__(self, name: str) -> np.random.Generator:
        """The stream named ``name`` (``MECHANISMS`` or ``strategy.<key>``), at today's
        draws."""
        entry = self._streams.get(name)
        if entry is None:
            seed = np.random.SeedSequence(self.entropy, spawn_key=(zlib.crc32(name.encode()),))
            bits = np.random.PCG64(seed)
            entry = self._streams[name] = [np.random.Generator(bits), bits.state, 0]
        stream, start, day = entry
        if day != self.day:
            bits = stream.bit_generator
            bits.state = start
            bits.advance(self.day * JUMP % 2**128)
            entry[2] = self.day
        return stream


def poisson_quantile(u: np.ndarray, mean) -> np.ndarray:
    """Poisson counts of ``mean`` from uniforms ``u`` in [0, 1): the smallest ``k`` with
    ``P(K <= k) >= u`` (the inverse of the distribution function). A person's count comes
    from their own uniform, so two runs whose means differ still share it (numpy's
    ``poisson`` takes a number of draws that depends on the mean). The distribution
    function is summed up to ``mean + 10 sd + 10`` at once; a uniform beyond it (chance
    below 1e-20) and means above 100 take scipy's quantile."""
    u = np.asarray(u, dtype=float)
    mean = np.broadcast_to(np.asarray(mean, dtype=float), u.shape)
    counts = np.zeros(u.shape, dtype=np.int64)
    if u.size == 0:
        return counts
    small = mean <= 100.0
    m, uu = mean[small], u[small]
    top = float(m.max()) if m.size else 0.0
    ks = np.arange(1, int(np.ceil(top + 10.0 * np.sqrt(top) + 10.0)) + 1)
    terms = np.concatenate([np.exp(-m)[:, None], m[:, None] / ks], axis=1)
    cdf = np.cumsum(np.cumprod(terms, axis=1), axis=1)  # P(K <= k), k = 0..len(ks)
    counts[small] = np.count_nonzero(cdf < uu[:, None], axis=1)
    rest = ~small
    rest[small] = cdf[:, -1] < uu
    if rest.any():
        from scipy.stats import poisson

        counts[rest] = poisson.ppf(u[rest], mean[rest]).astype(np.int64)
    return counts
