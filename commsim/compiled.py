"""Compiled kernels: the model's per-person loops, compiled by numba where it is installed.

``kernel`` compiles a function with ``numba.njit`` (cached on disk, so a process after the
first loads it instead of compiling it), or leaves it as it is where numba is missing or
``NUMBA_DISABLE_JIT=1``: the same Python function runs then, interpreted, with the same
numbers and more slowly. A kernel is written as a loop over plain numpy arrays and scalars,
the subset of Python both ways run; each equation it uses stays in ``commsim.rules``, and
the kernel calls the compiled twin of that rule (``kernel(rules.f)``), one home for each.

Floating point: a compiled kernel's ``exp`` and ``log`` are the C library's (as Python's
``math``), numpy's vectorised ones differ from them in the last bit for a few values in a
hundred. Only continuous state can differ that way (a reservoir of patience, say); a
person's decisions compare a uniform with a chance, so a decision could differ only when a
uniform falls within a rounding error of its chance (about one draw in 10**15). The daily
metrics are the same both ways: ``tests/test_compiled.py`` runs the fingerprints both ways.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

try:
    import numba
except ImportError:  # the plain path: same numbers, interpreted
    numba = None

COMPILED = numba is not None and os.environ.get("NUMBA_DISABLE_JIT", "0") != "1"


def source_digest(package: Path = Path(__file__).parent) -> str:
    """A digest of every module of ``package``: the name of the kernels' cache folder."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_folder() -> Path:
    """Where numba keeps the compiled kernels: a folder per version of the package's source
    (``source_digest``), under ``NUMBA_CACHE_DIR`` if set, else the user's cache
    (``$XDG_CACHE_HOME`` or ``~/.cache``). numba checks only the file of the kernel it
    loads, not the rules in other files that it calls, so a kernel cached beside its own
    file would outlive an edit of ``commsim.rules``; a folder per source cannot."""
    base = (numba.config.CACHE_DIR if COMPILED and numba.config.CACHE_DIR
            else os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")  # fmt: skip
    return Path(base) / "commsim-kernels" / source_digest()


_CACHE_FOLDER = str(cache_folder()) if COMPILED else ""


def kernel(function):
    """``function`` compiled in nopython mode (cached in ``cache_folder()``, released from
    the GIL, numpy's rules for division by zero), or ``function`` itself on the plain
    path."""
    if not COMPILED:
        return function
    users = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = _CACHE_FOLDER  # read when the cache is set up, here
    try:
        made = numba.njit(cache=True, nogil=True, error_model="numpy")(function)
    finally:
        numba.config.CACHE_DIR = users
    KERNELS.append(made)
    return made


KERNELS: list = []
"""Every compiled kernel, in the order made (empty on the plain path)."""


def load_kernels() -> None:
    """Compile (the first time on a machine) or load from the cache every kernel of the
    model's day, ahead of a first step that would otherwise pay for it (about 0.2 s from
    the cache, seconds to compile): a small model run for 60 days with two groups and
    three strategies (nothing to do on the plain path)."""
    if not COMPILED:
        return
    from commsim import strategies
    from commsim.model import CommunityModel

    model = CommunityModel(rng=0, population=400, groups=2, spammer_share=0.05,
                           strategies=[strategies.RedPackets(), strategies.KOLSeeding(count=2),
                                       strategies.SizeCap(max_members=80, split=True)])  # fmt: skip
    model.run_for(60)


def lever_array(lever, size: int, name: str = "lever", dtype=np.float64) -> np.ndarray:
    """A day's lever (``commsim.day.Day``: a number for everyone, or an array of one value
    per person) as a kernel takes it, one type either way: a ``dtype`` array of one value,
    or of ``size`` (one per person; ``lever`` reads it).

    Raises:
        ValueError: for an array of another size (a kernel does not check its bounds).
    """
    values = np.asarray(lever, dtype=dtype).reshape(-1)
    if values.size != 1 and values.size != size:
        raise ValueError(f"{name} must be one number or {size} values (one per person), "
                         f"got {values.size} values")  # fmt: skip
    return values


@kernel
def lever(values, person):
    """Person (or entry) ``person``'s value of a lever given by ``lever_array``: its one
    value, or the person's own."""
    return values[person] if values.size > 1 else values[0]


def callable_in_kernels(function):
    """Mark a rule that other rules call (``rules.engagement`` in
    ``rules.posting_propensity``): compiled code may call ``function``, which numba then
    compiles where it is called (``register_jitable``). ``function`` itself is returned,
    unchanged, for numpy callers and the plain path."""
    if COMPILED:
        numba.extending.register_jitable(function)
    return function


def _scipy_special(name: str, arguments: int, cpdef: bool = False):
    """scipy's ``special.<name>`` of ``arguments`` doubles as a kernel calls it: on the
    plain path the ufunc itself; compiled, the C function behind it
    (``scipy.special.cython_special.<name>``, the same numbers), declared to numba by a
    symbol name so that a kernel calling it is cached like any other. A ``cpdef``
    function of cython_special takes a last int too (0)."""
    from scipy import special

    if not COMPILED:
        return getattr(special, name)
    from llvmlite import binding
    from numba.extending import get_cython_function_address

    symbol = f"commsim_{name}"
    binding.add_symbol(symbol, get_cython_function_address("scipy.special.cython_special", name))
    types = (numba.float64,) * arguments + ((numba.intc,) if cpdef else ())
    return numba.types.ExternalFunction(symbol, numba.float64(*types))


normal_quantile = _scipy_special("ndtri", 1)
"""``z = Phi^-1(u)`` for a uniform ``u`` in (0, 1): scipy's ``ndtri``, callable in kernels."""

if COMPILED:
    _pdtr = _scipy_special("pdtr", 2, cpdef=True)

    @callable_in_kernels
    def poisson_cdf(k, mean):
        """``P(K <= k)`` for ``K`` Poisson(``mean``), NaN for ``k < 0``: scipy's
        ``pdtr``, callable in kernels (compiled, only there)."""
        return _pdtr(k, mean, 0)
else:
    poisson_cdf = _scipy_special("pdtr", 2)
