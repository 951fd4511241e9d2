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
  acts on nearly everyone (discovery, joining), ``Streams.per_person(name, members,
  k)`` where it acts on a few (posting, audience, experience, muting, spam; strategies:
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

from commsim.compiled import kernel, normal_quantile, poisson_cdf

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
    """The random streams of one run, created when first asked for and kept; each is
    handed out at the start of today's draws (``start_day``) the first time it is asked
    for on a day, and draws on from there for the rest of the day.

    A stream is used in two ways, which share its position: as a numpy ``Generator``
    (``streams[name]``) and for the keys of ``per_person`` (``streams.per_person(name,
    ...)``: ``keys``). Most streams only give keys, a few a day; moving a ``Generator``
    to the day's start costs more than a day's keys (its state is set and advanced), so
    the keys are computed from the stream's state as plain integers (PCG64's step and
    output, ``_Stream``), exactly the numbers ``random_raw`` gives, and the ``Generator``
    is moved only when it is asked for.

    Args:
        entropy: the run's entropy (``entropy_of``).
    """

    def __init__(self, entropy) -> None:
        self.entropy = entropy
        self.day = 0
        self._streams: dict[str, _Stream] = {}

    def start_day(self, day: int) -> None:
        """Today is ``day``: each stream moves to the start of its draws when first used."""
        self.day = day

    def _stream(self, name: str) -> _Stream:
        entry = self._streams.get(name)
        if entry is None:
            seed = np.random.SeedSequence(self.entropy, spawn_key=(zlib.crc32(name.encode()),))
            entry = self._streams[name] = _Stream(np.random.Generator(np.random.PCG64(seed)))
        return entry

    def __getitem__(self, name: str) -> np.random.Generator:
        """The stream named ``name`` (``MECHANISMS`` or ``strategy.<key>``), at today's
        draws."""
        entry = self._stream(name)
        if entry.today != self.day:
            entry.today = self.day
            entry.hand_out(entry.start(self.day), (0, 0))
        elif entry.state is not None:  # keys were drawn today: go on from there
            entry.hand_out(entry.state, entry.buffer)
        return entry.generator

    def keys(self, name: str, rows: int) -> np.ndarray:
        """The next ``rows`` raw 64-bit outputs of stream ``name`` today (what
        ``self[name].bit_generator.random_raw(rows)`` gives, without moving the
        ``Generator`` when it is not in use today)."""
        entry = self._stream(name)
        if entry.today != self.day:
            entry.today = self.day
            entry.state, entry.buffer = entry.start(self.day), (0, 0)
        elif entry.state is None:  # the Generator is in use today: it draws them
            return entry.generator.bit_generator.random_raw(rows)
        return entry.raw(rows)

    def per_person(self, name: str, people, rows: int = 1) -> np.ndarray:
        """Uniforms for ``people`` from stream ``name`` today, keyed by person:
        ``per_person(self.keys(name, rows), people)``."""
        return per_person(self.keys(name, rows), people)


_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's (numpy's pcg64.h)
_MASK128, _MASK64 = 2**128 - 1, 2**64 - 1


def _lcg_jump(delta: int, increment: int) -> tuple[int, int]:
    """The multiplier and increment of ``delta`` steps of PCG64's generator
    ``s -> s * _MULTIPLIER + increment`` (mod 2**128), by squaring (numpy's
    ``pcg_advance_lcg_128``, as ``PCG64.advance`` does)."""
    multiplier, plus, step_multiplier, step_plus = 1, 0, _MULTIPLIER, increment
    while delta:
        if delta & 1:
            multiplier = multiplier * step_multiplier & _MASK128
            plus = (plus * step_multiplier + step_plus) & _MASK128
        step_plus = (step_multiplier + 1) * step_plus & _MASK128
        step_multiplier = step_multiplier * step_multiplier & _MASK128
        delta >>= 1
    return multiplier, plus


class _Stream:
    """One stream: its ``Generator`` (PCG64), and its position as plain integers while
    only keys are drawn from it today (``state``; None while the ``Generator`` is in use
    today, which then holds the position)."""

    __slots__ = ("generator", "increment", "origin", "jump", "day", "day_state", "today",
                 "state", "buffer")  # fmt: skip

    def __init__(self, generator: np.random.Generator) -> None:
        self.generator = generator
        state = generator.bit_generator.state["state"]
        self.increment, self.origin = state["inc"], state["state"]
        self.jump = _lcg_jump(JUMP, self.increment)  # one day further
        self.day, self.day_state = 0, self.origin  # the start of the last day computed
        self.today = None  # the day it was last used
        self.state = None
        self.buffer = (0, 0)  # the Generator's spare 32 bits (has_uint32, uinteger)

    def start(self, day: int) -> int:
        """The state at the start of ``day``: ``day * JUMP`` steps from day 0 (a day's
        jump at a time from the last day computed, or straight from day 0)."""
        if 0 <= day - self.day <= 64:
            multiplier, plus = self.jump
            state = self.day_state
            for _ in range(day - self.day):
                state = (multiplier * state + plus) & _MASK128
        else:
            multiplier, plus = _lcg_jump(day * JUMP % 2**128, self.increment)
            state = (multiplier * self.origin + plus) & _MASK128
        self.day, self.day_state = day, state
        return state

    def hand_out(self, state: int, buffer: tuple[int, int]) -> None:
        """Put the ``Generator`` at ``state`` (its spare 32 bits ``buffer``): it draws on
        from there for the rest of the day."""
        bits = self.generator.bit_generator
        bits.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": self.increment},
                      "has_uint32": buffer[0], "uinteger": buffer[1]}  # fmt: skip
        self.state = None

    def raw(self, rows: int) -> np.ndarray:
        """The next ``rows`` raw outputs from ``state``: PCG64's step, then its XSL-RR
        output (the high and low 64 bits xor-ed, rotated right by the top 6 bits)."""
        state, increment, out = self.state, self.increment, []
        for _ in range(rows):
            state = (state * _MULTIPLIER + increment) & _MASK128
            high = state >> 64
            x, turn = (high ^ state) & _MASK64, high >> 58
            out.append((x >> turn | x << (64 - turn)) & _MASK64)
        self.state = state
        return np.array(out, dtype=np.uint64)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX = (np.uint64(30), np.uint64(0xBF58476D1CE4E5B9), np.uint64(27),
        np.uint64(0x94D049BB133111EB), np.uint64(31))  # fmt: skip


def per_person(keys: np.ndarray, people) -> np.ndarray:
    """Uniforms in (0, 1) for ``people`` (person indices), one row for each of ``keys``
    (64-bit keys, the next raw outputs of a stream: ``Streams.per_person``; shape
    ``(len(keys), len(people))``, or ``(len(people),)`` for one key), keyed by person:
    person ``i``'s number in row ``j`` is the SplitMix64 output of position ``i`` after
    key ``k_j``,

        x = mix(k_j + (i + 1) * 0x9E3779B97F4A7C15),   u = (floor(x / 2**11) + 1/2) / 2**53

    (``mix``: SplitMix64's finalizer). It is what drawing one number for every person of
    the population and taking ``people``'s entries gives, at a cost in the people asked
    for, not in the population: a mechanism over the members of a large population pays
    for its members only. The stream is taken ``len(keys)`` numbers further whoever is
    asked for, so the stream's next draws stay aligned too."""
    people = np.asarray(people, dtype=np.int64)
    u = _keyed_uniforms(keys, people)
    return u if keys.size > 1 else u[0]


@kernel
def _keyed_uniforms(keys: np.ndarray, people: np.ndarray) -> np.ndarray:
    """``per_person``'s rows for 64-bit ``keys`` and int64 ``people`` (a kernel; array
    operations wrap around mod 2**64 silently both ways)."""
    shift1, times1, shift2, times2, shift3 = _MIX
    gamma = keys + _GOLDEN  # the (i + 1)'s gamma
    position = people.astype(np.uint64) * _GOLDEN
    u = np.empty((keys.size, people.size))
    for row in range(keys.size):
        x = position + gamma[row]
        x ^= x >> shift1
        x *= times1
        x ^= x >> shift2
        x *= times2
        x ^= x >> shift3
        x >>= np.uint64(11)
        u[row] = x * 2.0**-53 + 2.0**-54
    return u


def poisson_quantile(u: np.ndarray, mean) -> np.ndarray:
    """Poisson counts of ``mean`` from uniforms ``u`` in [0, 1): the smallest ``k >= 0``
    with ``P(K <= k) >= u`` (the inverse of the distribution function, ``pdtr``), so a
    count with a uniform ``u`` is Poisson(``mean``) and a person's count comes from their
    own uniform: two runs whose means differ still share it (numpy's ``poisson`` takes a
    number of draws that depends on the mean). ``mean`` is one for all or one per
    uniform; the kernel ``poisson_counts`` does it for flat arrays, in kernels too."""
    u = np.asarray(u, dtype=float)
    mean = np.asarray(mean, dtype=float)
    if mean.shape != u.shape:
        mean = np.broadcast_to(mean, u.shape)
    return poisson_counts(u.ravel(), np.ascontiguousarray(mean).ravel()).reshape(u.shape)


SUMMED_BELOW, SUMMED_UP_TO = 250.0, 1.0 - 2.0**-30
"""Poisson means below which, and uniforms up to which, ``poisson_quantile`` sums the
probabilities: fewer than 400 terms, ``e^-m`` far from underflow (``e^-745`` is the
smallest), and the sum's rounding (about ``k`` times ``2**-53``) far below the steps of
the distribution function near ``u``. Above ``u = 1 - 2**-30`` those steps come close to
the rounding, so those rare uniforms (one in 10**9) are searched with ``pdtr``, exact to
the last one."""


@kernel
def poisson_counts(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """``poisson_quantile`` of flat arrays ``u`` and ``mean`` (a kernel), count by count:

    - a mean below ``SUMMED_BELOW`` (nearly all: a day's turns and replies) by inversion,
      the probabilities ``e^-m m^k / k!`` summed from ``k = 0`` until they reach ``u``
      (a few steps for a small mean; the same counts as ``pdtr``, whose sums differ by
      rounding only), bar uniforms above ``SUMMED_UP_TO``;
    - the others by search, from the Cornish-Fisher quantile
      ``floor(m + z sqrt(m) + (z**2 - 1) / 6)`` (``z`` the normal quantile of ``u``; 0
      if that is negative or undefined) stepped to the exact one with ``pdtr``: up while
      ``P(K <= k) < u``, or down while ``P(K <= k - 1) >= u`` (never both: a count that
      steps up had ``P(K <= k - 1) < u``), a step or two for any mean.
    """
    k = np.empty(u.size, dtype=np.int64)
    for i in range(u.size):
        m = mean[i]
        if m < SUMMED_BELOW and u[i] <= SUMMED_UP_TO:
            count, term = 0, np.exp(-m)
            total = term
            while total < u[i]:
                count += 1
                term *= m / count
                total += term
            k[i] = count
            continue
        z = normal_quantile(u[i])  # u = 0: -inf, and 0 * inf for a mean of 0: nan
        guess = np.floor(m + z * np.sqrt(m) + (z * z - 1.0) / 6.0)
        found = guess if guess > 0.0 else 0.0
        if poisson_cdf(found, m) < u[i]:  # below the quantile: step up
            found += 1.0
            while poisson_cdf(found, m) < u[i]:
                found += 1.0
        elif poisson_cdf(found - 1.0, m) >= u[i]:  # above it (k = 0: nan): step down
            found -= 1.0
            while found > 0.0 and poisson_cdf(found - 1.0, m) >= u[i]:
                found -= 1.0
        k[i] = int(found)
    return k
