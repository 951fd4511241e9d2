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

Within a stream, draws stay aligned too (aligned common random numbers): a person's
numbers on day t are the same in every setting of a replication, however many numbers
earlier days took and whoever else is drawn for. The rule:

- day t of a stream starts at a fixed place of it, ``t * JUMP`` draws in
  (``Streams.start_day``; the model calls it at the start of each day, and a stream is
  moved there when first used that day), so the numbers one day takes do not shift the
  next day's;
- a mechanism draws one number per person of the population, not per member or per
  applicant, and takes the entries of the people it acts on, so that who else is a
  member does not move a person's number: ``random(population)[outsiders]`` where it
  acts on nearly everyone (discovery, joining), ``per_person(stream, members, k)``
  where it acts on a few (posting, audience, experience, muting, spam; strategies:
  ``Strategy.uniforms``), which gives each person their numbers at a cost in those
  asked for; a normal is the inverse normal distribution function of a uniform;
- counts come from the person's uniform by the inverse distribution function
  (``poisson_quantile``), not from a sampler whose number of draws depends on the mean;
  a random subset is the people with the lowest uniforms (``SizeCap``'s invitations,
  ``KOLSeeding``'s KOLs), not ``choice``;
- a mechanism that draws more than once a day does so in the same order every day, and
  draws even on days it has nobody to act on (``muting``: surfacing, then settling); a
  use that draws only on some days gets a stream of its own (``Strategy.stream(model,
  use)``).

So a person's chance to post, join, mute, be answered or be reported on day t is read
off the same uniform in every setting, and two settings differ only through what their
settings change. What they change still spreads (a member who stays posts, is read,
brings friends), so outcomes far downstream of a setting pair less well than those near
it (docs/experiments.md: the widths measured).

The run's entropy is taken from the model's seed (``rng=``): the same seed gives the same
streams in any process (sweeps, dask workers); a Generator given as ``rng`` gives its
entropy by one draw of 128 bits, so the same Generator state gives the same run.
"""

from __future__ import annotations

import zlib

import numpy as np
from scipy import special

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


_PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's 128-bit LCG multiplier


def _lcg_jump(delta: int) -> tuple[int, int]:
    """``(A, B)`` with ``advance(s, delta) = A * s + B * inc  (mod 2**128)`` for PCG64's
    LCG ``s <- m * s + inc``: ``A = m**delta`` and ``B = (m**delta - 1) / (m - 1)``, by
    squaring (Brown 1994, as PCG64's own ``advance`` computes them)."""
    mask = 2**128 - 1
    power, total, multiplier, plus = 1, 0, _PCG_MULTIPLIER, 1
    while delta:
        if delta & 1:
            power, total = power * multiplier & mask, (total * multiplier + plus) & mask
        plus = (multiplier + 1) * plus & mask
        multiplier = multiplier * multiplier & mask
        delta >>= 1
    return power, total


_DAY_JUMP = _lcg_jump(JUMP)  # one day further: the state's LCG advanced JUMP draws


class Streams:
    """The random streams of one run, created when first asked for and kept; each is
    handed out at the start of today's draws (``start_day``) the first time it is asked
    for on a day, and draws on from there for the rest of the day.

    Args:
        entropy: the run's entropy (``entropy_of``).
    """

    def __init__(self, entropy) -> None:
        self.entropy = entropy
        self.day = 0
        # name -> [its Generator, its LCG increment, its LCG state at day 0, the day it
        # was last moved to, its LCG state at the start of that day]
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
            start, inc = bits.state["state"]["state"], bits.state["state"]["inc"]
            entry = self._streams[name] = [np.random.Generator(bits), inc, start, 0, start]
        stream, inc, first, day, state = entry
        if day != self.day:  # move to the start of today's draws, day t at t * JUMP
            if day > self.day:
                day, state = 0, first
            times, plus = _DAY_JUMP
            for _ in range(self.day - day):  # PCG64.advance(JUMP), a day at a time
                state = (times * state + plus * inc) & (2**128 - 1)
            stream.bit_generator.state = {
                "bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                "has_uint32": 0, "uinteger": 0,
            }  # fmt: skip
            entry[3:] = [self.day, state]
        return stream


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX = (np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27),
        np.uint64(0x94D049BB133111EB), np.uint64(31))  # fmt: skip


def per_person(stream: np.random.Generator, people, rows: int = 1) -> np.ndarray:
    """Uniforms in (0, 1) for ``people`` (person indices), ``rows`` of them each (shape
    ``(rows, len(people))``, or ``(len(people),)`` for one), keyed by person: row ``j``
    takes a 64-bit key ``k_j`` from ``stream`` (its next raw output) and person ``i``'s
    number is the SplitMix64 output of position ``i`` after it,

        x = mix(k_j + (i + 1) * 0x9E3779B97F4A7C15),   u = (floor(x / 2**11) + 1/2) / 2**53

    (``mix``: SplitMix64's finalizer). It is what drawing one number for every person of
    the population and taking ``people``'s entries gives, at a cost in the people asked
    for, not in the population: a mechanism over the members of a large population pays
    for its members only. The stream is taken ``rows`` numbers further whoever is asked
    for, so the stream's next draws stay aligned too."""
    keys = stream.bit_generator.random_raw(rows) + _GOLDEN  # the (i + 1)'s gamma
    shift1, times1, shift2, times2, shift3 = _MIX
    x = np.asarray(people, dtype=np.uint64) * _GOLDEN
    x = x + keys[:, None]
    x ^= x >> shift1
    x *= times1
    x ^= x >> shift2
    x *= times2
    x ^= x >> shift3
    x >>= np.uint64(11)
    u = x * 2.0**-53
    u += 2.0**-54
    return u if rows > 1 else u[0]


def poisson_quantile(u: np.ndarray, mean) -> np.ndarray:
    """Poisson counts of ``mean`` from uniforms ``u`` in [0, 1): the smallest ``k >= 0``
    with ``P(K <= k) >= u`` (the inverse of the distribution function, ``pdtr``), so a
    count with a uniform ``u`` is Poisson(``mean``) and a person's count comes from their
    own uniform: two runs whose means differ still share it (numpy's ``poisson`` takes a
    number of draws that depends on the mean). The search starts at the Cornish-Fisher
    quantile ``mean + z sqrt(mean) + (z**2 - 1) / 6`` (``z`` the normal quantile of
    ``u``) and steps to the exact one, a step or two for any mean."""
    u = np.asarray(u, dtype=float)
    mean = np.asarray(mean, dtype=float)
    if mean.shape != u.shape:
        mean = np.broadcast_to(mean, u.shape)
    if u.size == 0:
        return np.zeros(u.shape, dtype=np.int64)
    z = special.ndtri(u)
    with np.errstate(invalid="ignore"):  # u = 0: z = -inf, and 0 * inf for a mean of 0
        guess = np.floor(mean + z * np.sqrt(mean) + (z * z - 1.0) / 6.0)
    k = np.where(np.isfinite(guess), np.maximum(guess, 0.0), 0.0)
    low = np.flatnonzero(special.pdtr(k, mean) < u)  # below the quantile: step up
    while low.size:
        k[low] += 1.0
        low = low[special.pdtr(k[low], mean[low]) < u[low]]
    high = np.flatnonzero(k > 0)
    high = high[special.pdtr(k[high] - 1.0, mean[high]) >= u[high]]  # above it: step down
    while high.size:
        k[high] -= 1.0
        high = high[k[high] > 0]
        high = high[special.pdtr(k[high] - 1.0, mean[high]) >= u[high]]
    return k.astype(np.int64)
