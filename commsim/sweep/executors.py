"""Executors a sweep runs on: in this process, on local processes, or on a dask cluster.

The sweep runner accepts any ``concurrent.futures.Executor``; these helpers make the
three it knows how to start. The numbers do not depend on which one runs a sweep: each
run is seeded by its own seed (``commsim.sweep.experiment.run_seed``).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import multiprocessing.util
import numbers
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from commsim.sweep import lifeline
from commsim.sweep.lifeline import exit_when_gone

#: dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in workers it starts, which makes
#: numpy's allocations ~1.5x slower; the workers commsim starts run without it.
DASK_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


class SerialExecutor(Executor):
    """Runs each task at once, in this process, when it is submitted (no parallelism;
    the reference the other executors must match, and the easiest to debug)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


#: Local worker processes per core, at most: a sweep's runs are CPU-bound, so workers past
#: one per core only share the cores, and a slip (``--workers 100000``) would start that
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


def _start_worker(sweeper: int) -> None:
    """Worker initializer: Ctrl-C goes to the sweep's process, which stops the workers;
    and a lifeline thread ends the worker when the sweeping process ``sweeper`` is gone,
    however it died (see ``exit_when_gone``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=exit_when_gone, args=(sweeper,), name="commsim-lifeline", daemon=True
    ).start()


def process_executor(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes (default: one per core; at most
    ``WORKERS_PER_CORE`` per core, see ``local_workers``).

    Workers start by ``forkserver`` where the system has it (``spawn`` otherwise), so
    they never inherit the threads of the process that runs the sweep, they ignore
    Ctrl-C, which the sweep handles, and they exit within a moment when this process
    dies, even by SIGKILL (``exit_when_gone``), taking the forkserver and the resource
    tracker with them.

    multiprocessing's temporary folder (``pymp-*``, which holds the forkserver's socket)
    lives as long as this process: multiprocessing removes it when the process exits, and
    a lifeline process (``commsim.sweep.lifeline``), started with the first pool, when
    the process dies without exiting (SIGKILL), during a sweep or after it.
    """
    workers = local_workers(workers)
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["commsim.sweep.worker"])  # import once, fork often
    else:  # pragma: no cover - Windows
        context = multiprocessing.get_context("spawn")
    folder = multiprocessing.util.get_temp_dir()
    if (os.getpid(), folder) not in _KEEPERS:
        _KEEPERS[os.getpid(), folder] = _remove_when_gone(folder)
    return ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    )


def _remove_when_gone(folder: str) -> subprocess.Popen:
    """A lifeline process (``commsim.sweep.lifeline``, run by path: a bare interpreter) that
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


@contextmanager
def dask_executor(
    scheduler: str | None = None, workers: int | None = None
) -> Iterator[tuple[Executor, int]]:
    """A dask.distributed executor and its number of worker threads.

    Args:
        scheduler: address of a running scheduler (``"tcp://host:8786"``); without one,
            a local cluster of ``workers`` single-threaded worker processes is started on
            the loopback interface and closed afterwards.
        workers: worker processes of the local cluster (default: one per core; at most
            ``WORKERS_PER_CORE`` per core, see ``local_workers``); unused with a scheduler.

    Yields:
        ``(executor, worker threads)``; the executor's futures are
        ``concurrent.futures.Future`` objects.
    """
    if scheduler is None:
        workers = local_workers(workers)  # checked before dask is imported
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with dask.config.set(DASK_CONFIG):
            client = Client(scheduler)
        try:
            yield client.get_executor(pure=False), sum(client.nthreads().values()) or 1
        finally:
            client.close()
        return
    with (
        _scratch_folder() as scratch,
        dask.config.set({**DASK_CONFIG, "temporary-directory": scratch}),
    ):
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        client = Client(cluster)
        try:
            yield client.get_executor(pure=False), sum(client.nthreads().values()) or 1
        finally:
            client.close()
            cluster.close()


@contextmanager
def _scratch_folder() -> Iterator[str]:
    """A temporary folder for a local dask cluster's scratch space (its scheduler's, its
    nannies' and its workers' folders), removed when the block ends, and by a lifeline
    process (``commsim.sweep.lifeline``, run by path: a bare interpreter) when this
    process dies without ending it, even by SIGKILL."""
    folder = tempfile.mkdtemp(prefix="commsim-dask-")
    janitor = _remove_when_gone(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        janitor.kill()
        janitor.wait()
