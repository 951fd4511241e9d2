"""Local worker processes that never outlive the process that started them.

``process_pool`` makes the pool a sweep (``commsim.sweep.process_executor``) or a forecast
(``commsim forecast --workers``) runs on; ``local_workers`` checks how many processes to
start; ``remove_when_gone`` starts a lifeline process (``commsim/lifeline.py``) that
removes a temporary folder when this process dies. Standard library only, so that the
demo's install (without the sweep extra) has it.
"""

from __future__ import annotations

import atexit
import multiprocessing
import multiprocessing.util
import numbers
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor

from commsim import lifeline
from commsim.lifeline import exit_when_gone

#: Local worker processes per core, at most: the runs are CPU-bound, so workers past one
#: per core only share the cores, and a slip (``--workers 100000``) would start that
#: many processes (a local dask cluster starts them all at once).
WORKERS_PER_CORE = 4


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the system reports one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def local_workers(workers: int | None = None, name: str = "workers") -> int:
    """How many local worker processes to start: ``workers`` (an integer from 1 to
    ``WORKERS_PER_CORE`` times the available cores), or one per core when ``None``.

    Raises:
        ValueError: naming ``name``, the value and the range, before anything starts.
    """
    cores = available_cores()
    if workers is None:
        return cores
    limit = WORKERS_PER_CORE * cores
    if (
        isinstance(workers, bool)
        or not isinstance(workers, numbers.Integral)
        or not 1 <= workers <= limit
    ):
        raise ValueError(
            f"{name}={workers!r}: expected an integer in [1, {limit}] local worker processes "
            f"(at most {WORKERS_PER_CORE} per core; this process may use {cores})"
        )
    return int(workers)


#: Lifeline processes removing multiprocessing's temporary folder of this process when it
#: dies, by (process id, folder): one each, started by the first process pool.
_KEEPERS: dict[tuple[int, str], subprocess.Popen] = {}


def _start_worker(owner: int) -> None:
    """Worker initializer: Ctrl-C goes to the process that owns the pool, which stops the
    workers; and a lifeline thread ends the worker when the owner ``owner`` is gone,
    however it died (see ``exit_when_gone``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=exit_when_gone, args=(owner,), name="commsim-lifeline", daemon=True
    ).start()


def process_pool(workers: int | None = None, preload: Sequence[str] = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes (default: one per core; at most
    ``WORKERS_PER_CORE`` per core, see ``local_workers``), the modules ``preload`` imported
    once in the forkserver.

    Workers start by ``forkserver`` where the system has it (``spawn`` otherwise), so
    they never inherit the threads of the process that owns the pool, they ignore
    Ctrl-C, which that process handles, and they exit within a moment when it dies, even
    by SIGKILL (``exit_when_gone``), taking the forkserver and the resource tracker with
    them.

    multiprocessing's temporary folder (``pymp-*``, which holds the forkserver's socket)
    lives as long as this process: multiprocessing removes it when the process exits, and
    a lifeline process (``remove_when_gone``), started with the first pool, when the
    process dies without exiting (SIGKILL), while the pool works or after it.
    """
    workers = local_workers(workers)
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))  # import once, fork often
    else:  # pragma: no cover - Windows
        context = multiprocessing.get_context("spawn")
    folder = multiprocessing.util.get_temp_dir()
    if (os.getpid(), folder) not in _KEEPERS:
        _KEEPERS[os.getpid(), folder] = remove_when_gone(folder)
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    )


def remove_when_gone(folder: str) -> subprocess.Popen:
    """A lifeline process (``commsim/lifeline.py``, run by path: a bare interpreter) that
    removes ``folder`` once this process is gone, however it died; it holds none of this
    process's pipes, and Ctrl-C at the terminal is not its to handle."""
    return subprocess.Popen(
        [sys.executable, "-I", lifeline.__file__, str(os.getpid()), folder],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


@atexit.register
def _end_keepers() -> None:
    """At exit multiprocessing removes its folder itself: end this process's lifeline
    processes (a forked child's inherited entries are its parent's)."""
    for (pid, _), keeper in list(_KEEPERS.items()):
        if pid == os.getpid():
            keeper.kill()
            keeper.wait()
