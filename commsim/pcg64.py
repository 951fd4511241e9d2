"""PCG64, numpy's default bit generator, as plain integers and as kernels: the state's jump
by many steps at once (``lcg_jump``), and its steps and outputs in 64-bit halves
(``step``, ``raw_outputs``, ``doubles``), exactly the numbers ``random_raw`` and
``Generator.random`` give, for ``commsim.streams``, which draws from a stream's state
without handing its ``Generator`` out."""

from __future__ import annotations

import functools

import numpy as np

from commsim.compiled import COMPILED, kernel

_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's (numpy's pcg64.h)
MASK128, MASK64 = 2**128 - 1, 2**64 - 1


def lcg_jump(delta: int) -> tuple[int, int]:
    """The multiplier ``a`` and sum ``b`` of ``delta`` steps of PCG64's generator
    ``s -> s * _MULTIPLIER + c`` (mod 2**128): ``delta`` steps take ``s`` to ``a s + b c``,
    whatever the increment ``c`` (each step's increment is multiplied on alike), so one
    computation serves every stream. By squaring, as numpy's ``pcg_advance_lcg_128``
    (``PCG64.advance``) does with the increment 1."""
    multiplier, plus, step_multiplier, step_plus = 1, 0, _MULTIPLIER, 1
    while delta:
        if delta & 1:
            multiplier = multiplier * step_multiplier & MASK128
            plus = (plus * step_multiplier + step_plus) & MASK128
        step_plus = (step_multiplier + 1) * step_plus & MASK128
        step_multiplier = step_multiplier * step_multiplier & MASK128
        delta >>= 1
    return multiplier, plus


def halves(number: int) -> np.ndarray:
    """A 128-bit ``number`` as its high and low 64 bits."""
    return np.array((number >> 64, number & MASK64), dtype=np.uint64)


def wrapping(function):
    """``kernel(function)`` for a kernel whose unsigned 64-bit arithmetic wraps around
    mod 2**64 on purpose (PCG64's and SplitMix64's): compiled, it wraps silently; on the
    plain path numpy's scalars wrap alike but warn of each overflow, so ``function`` runs
    with those warnings off."""
    if COMPILED:
        return kernel(function)

    @functools.wraps(function)
    def plain(*args):
        with np.errstate(over="ignore"):
            return function(*args)

    return plain


_LOW32, _32 = np.uint64(0xFFFFFFFF), np.uint64(32)
_MULTIPLIER_HIGH, _MULTIPLIER_LOW = halves(_MULTIPLIER)


@kernel
def _high_product(a, b):
    """The high 64 bits of the 128-bit product of 64-bit ``a`` and ``b``, from their
    32-bit halves (none of the sums overflows)."""
    a_low, a_high, b_low, b_high = a & _LOW32, a >> _32, b & _LOW32, b >> _32
    low, middle = a_low * b_low, a_high * b_low
    cross = (low >> _32) + (middle & _LOW32) + a_low * b_high
    return a_high * b_high + (middle >> _32) + (cross >> _32)


@kernel
def step(high, low, increment):
    """PCG64's step from the state ``high``, ``low`` (its 64-bit halves) with
    ``increment`` (the same): ``s -> s * _MULTIPLIER + increment`` (mod 2**128), then its
    XSL-RR output (the halves xor-ed, rotated right by the top 6 bits), as numpy's
    ``pcg64.h``. Returns the new state's halves and the raw output."""
    high = _high_product(low, _MULTIPLIER_LOW) + low * _MULTIPLIER_HIGH + high * _MULTIPLIER_LOW
    low = low * _MULTIPLIER_LOW
    moved = low + increment[1]
    high = high + increment[0] + np.uint64(moved < low)  # the carry
    x, turn = high ^ moved, high >> np.uint64(58)
    return high, moved, x >> turn | x << ((np.uint64(64) - turn) & np.uint64(63))


@wrapping
def raw_outputs(state, increment, rows):
    """The next ``rows`` raw outputs of PCG64 from ``state`` (its high and low 64 bits,
    moved on in place) with ``increment`` (the same): what ``random_raw(rows)`` gives."""
    high, low = state[0], state[1]
    out = np.empty(rows, np.uint64)
    for row in range(rows):
        high, low, out[row] = step(high, low, increment)
    state[0], state[1] = high, low
    return out


@wrapping
def doubles(state, increment, size):
    """The next ``size`` uniforms in [0, 1) of PCG64 from ``state`` (moved on in place),
    as ``raw_outputs``: what ``Generator.random(size)`` gives, a raw output's top 53
    bits times 2**-53 each (numpy's ``next_double``)."""
    high, low = state[0], state[1]
    out = np.empty(size)
    for at in range(size):
        high, low, raw = step(high, low, increment)
        out[at] = (raw >> np.uint64(11)) * 2.0**-53
    state[0], state[1] = high, low
    return out
