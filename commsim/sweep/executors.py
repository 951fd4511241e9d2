"""Executors a sweep runs on: in this process, on local processes, or on a dask cluster.

The sweep runner accepts any ``concurrent.futures.Executor``; these helpers make the
three it knows how to start. The numbers do not depend on which one runs a sweep: each
run is seeded by its own seed (``commsim.sweep.experiment.run_seed``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from commsim.processes import local_workers, process_pool, remove_when_gone

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


def process_executor(workers: int | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` local processes for a sweep (default: one per core; at most
    ``WORKERS_PER_CORE`` per core), the sweep's worker module imported once
    (``commsim.processes.process_pool``: the workers exit when this process dies, however
    it dies, and leave no temporary folder)."""
    return process_pool(workers, preload=["commsim.sweep.worker"])


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
    process (``remove_when_gone``) when this process dies without ending it, even by
    SIGKILL."""
    folder = tempfile.mkdtemp(prefix="commsim-dask-")
    janitor = remove_when_gone(folder)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        janitor.kill()
        janitor.wait()
