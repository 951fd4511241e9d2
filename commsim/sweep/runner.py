"""Run an experiment's runs on an executor, streaming results to the results folder.

``run_sweep`` validates the folder before any run starts, skips runs already finished
there (so an interrupted sweep resumes with the same call), sends runs to the executor in
batches of about ``batch_seconds`` of work, keeps a bounded number of batches in flight,
and writes finished runs to Parquet every ``flush_seconds``: memory stays flat whatever
the number of runs. A run that raises is recorded as failed with its error; the others go
on. Ctrl-C (or SIGTERM through the command line) saves every finished run, then stops.

An adaptive experiment (``commsim.sweep.adaptive``) runs in rounds: each round's runs
are run as above, then the next round is planned from the stored results, until the
plan is complete; a resumed sweep replays the rounds from what is stored.
"""

from __future__ import annotations

import math
import numbers
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from commsim.processes import available_cores, local_workers
from commsim.strategies.registry import experiment_modules
from commsim.sweep.adaptive import adaptive_state
from commsim.sweep.executors import process_executor
from commsim.sweep.experiment import Experiment, Run
from commsim.sweep.store import ResultStore, describe_damage
from commsim.sweep.worker import RunResult, execute_batch

#: Restarts of an owned process pool whose worker died, before the sweep gives up.
POOL_RESTARTS = 3


class SweepError(RuntimeError):
    """The executor failed (not a run: those are recorded). Finished runs are saved; the
    same call resumes the sweep."""


@dataclass
class SweepSummary:
    """What one call of ``run_sweep`` did.

    Attributes:
        path: the results folder.
        total: runs in the experiment.
        skipped: runs finished before this call.
        finished: runs that finished in this call (``failed`` of them with an error).
        failed: runs of this call that raised.
        wall_seconds: time from the first submitted batch to the last write.
        run_seconds: time the runs of this call took inside the workers, summed.
        workers: workers the executor had.
    """

    path: Path
    total: int
    skipped: int
    finished: int
    failed: int
    wall_seconds: float
    run_seconds: float
    workers: int

    @property
    def remaining(self) -> int:
        """Runs not finished yet (0 when the sweep is complete)."""
        return self.total - self.skipped - self.finished

    @property
    def overhead_per_run(self) -> float:
        """Seconds of worker time per run not spent running models:
        ``(wall * workers - run_seconds) / runs`` (0 for no runs)."""
        if not self.finished:
            return 0.0
        return (self.wall_seconds * self.workers - self.run_seconds) / self.finished


def run_sweep(
    experiment: Experiment,
    out: str | os.PathLike,
    *,
    executor: Executor | None = None,
    workers: int | None = None,
    progress: bool = True,
    batch_seconds: float = 0.1,
    flush_seconds: float = 1.0,
    on_batch: Callable[[int, int], None] | None = None,
) -> SweepSummary:
    """Run every unfinished run of ``experiment`` and store the results in ``out``.

    Args:
        experiment: what to run.
        out: results folder (created; resumed if it holds this experiment's results).
        executor: where to run; by default a pool of local processes, one per core
            (closed at the end). Any ``concurrent.futures.Executor`` works, e.g.
            ``SerialExecutor()`` or a dask client's ``get_executor()``.
        workers: workers of the default pool (at most a few per core, see
            ``commsim.processes.local_workers``), or of ``executor`` (to size batches); default:
            the pool's size, else the number of cores.
        progress: show a progress bar (runs done, failed, time remaining) on stderr.
        batch_seconds: target work per task; batches of runs amortise the executor's
            per-task overhead.
        flush_seconds: longest time finished runs wait in memory before being written.
        on_batch: called as ``on_batch(finished, failed)`` (runs of this call so far)
            each time a batch of results arrives, e.g. to monitor memory.

    Returns:
        What was run; ``summary.remaining`` is 0 when the sweep is complete.

    Raises:
        ValueError: ``workers``, ``batch_seconds`` or ``flush_seconds`` out of range,
            named before anything is read or written.
        ResultsFolderError: ``out`` holds another experiment's results or other files, or
            a link out of it (before anything is written). Damaged parts of ``out`` are
            not an error: they are deleted and their runs run again (said on stderr).
        SweepError: the executor broke; finished runs are saved.
        KeyboardInterrupt: after saving every finished run.
    """
    _check_seconds("batch_seconds", batch_seconds, zero=False)
    _check_seconds("flush_seconds", flush_seconds, zero=True)
    owned = executor is None
    if owned:
        workers = local_workers(workers)
    elif workers is None:
        workers = executor._max_workers if isinstance(executor, ProcessPoolExecutor) else None
        workers = workers or available_cores()
    elif isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 1:
        raise ValueError(
            f"workers={workers!r}: expected an integer >= 1 (the executor's workers, which "
            "size the batches)"
        )
    store = ResultStore(out)
    with store.lock():
        settings = store.prepare(experiment)
        if store.repaired:
            runs = sum(len(part.runs) for part in store.repaired)
            print(
                f"Damaged parts deleted, their runs run again: {describe_damage(store.repaired)}"
                + (f"; {runs} runs" if runs else ""),
                file=sys.stderr,
            )
        before = {r for r in store.finished_runs() if r[1] < experiment.replications}
        total, done = len(settings) * experiment.replications, 0
        finished, failed, wall, run_seconds = 0, 0, 0.0, 0.0
        while True:
            finished_now = {r for r in store.finished_runs() if r[1] < experiment.replications}
            wanted = None
            if experiment.adaptive:
                state = adaptive_state(experiment, settings, store.outcomes())
                # runs kept from an earlier width or cap count too (the report uses them)
                wanted, total = state.pending, len(state.planned() | finished_now)
            pending = iter(sorted(
                (run for run in experiment.runs(settings)
                 if (run.setting, run.replication) not in finished_now
                 and (wanted is None or (run.setting, run.replication) in wanted)),
                key=_replication_first,
            ))  # fmt: skip
            done = len(finished_now) if wanted is None else total - len(wanted)
            sweep = _Sweep(
                experiment, store, settings, pending, workers, batch_seconds, flush_seconds
            )
            _run_round(sweep, executor, owned, experiment.name, total, done, progress, on_batch)
            finished, failed = finished + sweep.finished, failed + sweep.failed
            wall, run_seconds = wall + sweep.wall_seconds, run_seconds + sweep.run_seconds
            if not experiment.adaptive or not sweep.finished:
                break
    return SweepSummary(
        store.path,
        total,
        len(before),
        finished,
        failed,
        wall,
        run_seconds,
        workers,
    )


def _replication_first(run: Run) -> tuple[int, int]:
    """Runs go out replication by replication, each replication's settings together: under
    common random numbers they share their people and network, which a worker then draws
    once (``commsim.setup_cache``; at 1,000 people 0.9 ms to build a model instead of 1.8)."""
    return run.replication, run.setting


def _check_seconds(name: str, value: object, zero: bool) -> None:
    """Refuse ``value`` for ``name`` unless it is a finite number above 0 (or 0 itself,
    with ``zero``)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
        or (value == 0 and not zero)
    ):
        raise ValueError(f"{name}={value!r}: expected a finite number {'>=' if zero else '>'} 0")


def _run_round(sweep, executor, owned, name, total, done, progress, on_batch) -> None:
    """Run ``sweep``'s pending runs with a progress bar; Ctrl-C saves and says so."""
    bar = tqdm(
        total=total,
        initial=done,
        unit="run",
        desc=name,
        disable=not progress,
        smoothing=0.05,
        dynamic_ncols=True,
    )
    bar.set_postfix(failed=0)
    sweep.bar, sweep.on_batch = bar, on_batch
    try:
        sweep.run(executor, owned)
    except KeyboardInterrupt:
        print(
            f"\nInterrupted: {len(sweep.store.finished_runs())} of {total} runs are saved "
            f"in {sweep.store.path}; run the same command to resume.",
            file=sys.stderr,
        )
        raise
    finally:
        bar.close()


class _Sweep:
    """The loop of ``run_sweep``: submit batches, collect results, write them."""

    def __init__(
        self,
        experiment,
        store,
        settings,
        pending: Iterator[Run],
        workers: int,
        batch_seconds: float,
        flush_seconds: float,
    ) -> None:
        self.experiment, self.store, self.settings = experiment, store, settings
        self.pending = pending
        self.retry: deque[Run] = deque()  # runs of batches lost with a dead worker
        self.workers = workers
        self.batch_seconds, self.flush_seconds = batch_seconds, flush_seconds
        self.buffer: list[RunResult] = []
        self.last_flush = time.perf_counter()
        self.finished = self.failed = 0
        self.run_seconds = self.wall_seconds = 0.0
        self.timed_runs = 0
        self.bar = None
        self.on_batch: Callable[[int, int], None] | None = None

    # ------------------------------------------------------------------ batches
    def _batch_size(self) -> int:
        """Runs per task: about ``batch_seconds`` of work at the mean run time seen so far
        (one run until a run has finished)."""
        if not self.timed_runs:
            return 1
        mean = self.run_seconds / self.timed_runs
        return max(1, min(256, math.ceil(self.batch_seconds / max(mean, 1e-6))))

    def _next_batch(self) -> list[Run]:
        batch: list[Run] = []
        size = self._batch_size()
        while self.retry and len(batch) < size:
            batch.append(self.retry.popleft())
        for run in self.pending:
            batch.append(run)
            if len(batch) >= size:
                break
        return batch

    def _submit(self, executor: Executor, batch: list[Run]) -> Future:
        e = self.experiment
        # the experiment's import names were resolved here, with the user's permission
        modules = experiment_modules(name for run in batch for name, _ in run.strategies)
        return executor.submit(execute_batch, batch, e.days, e.metrics, e.outcomes, modules)

    # ------------------------------------------------------------------ loop
    def run(self, executor: Executor | None, owned: bool) -> None:
        start = time.perf_counter()
        restarts = 0
        if owned:
            executor = process_executor(self.workers)
        in_flight: dict[Future, list[Run]] = {}
        try:
            while True:
                while len(in_flight) < 2 * self.workers:
                    batch = self._next_batch()
                    if not batch:
                        break
                    in_flight[self._submit(executor, batch)] = batch
                if not in_flight:
                    break
                done, _ = wait(
                    in_flight, timeout=self.flush_seconds or None, return_when=FIRST_COMPLETED
                )
                broken = None
                for future in done:
                    batch = in_flight.pop(future)
                    error = future.exception()
                    if error is None:
                        self._collect(future.result())
                    else:
                        self.retry.extend(batch)
                        broken = error
                if broken is not None:
                    if not (
                        owned and isinstance(broken, BrokenProcessPool) and restarts < POOL_RESTARTS
                    ):
                        raise SweepError(
                            f"the executor failed ({broken!r}); finished runs "
                            "are saved: run the same command to resume"
                        ) from broken
                    for batch in in_flight.values():  # the pool is gone with them
                        self.retry.extend(batch)
                    in_flight.clear()
                    executor.shutdown(wait=True, cancel_futures=True)
                    executor = process_executor(self.workers)
                    restarts += 1
                if time.perf_counter() - self.last_flush >= self.flush_seconds:
                    self._flush()
        finally:
            for future in in_flight:
                future.cancel()
            for future in list(in_flight):  # finished before we stopped: keep them
                if future.done() and not future.cancelled() and future.exception() is None:
                    self._collect(future.result())
            self._flush()
            if owned and executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
            self.wall_seconds = time.perf_counter() - start

    def _collect(self, results: list[RunResult]) -> None:
        self.buffer.extend(results)
        failed = sum(r.error is not None for r in results)
        self.finished += len(results)
        self.failed += failed
        self.run_seconds += sum(r.seconds for r in results)
        self.timed_runs += len(results)
        if self.bar is not None:
            self.bar.update(len(results))
            if failed:
                self.bar.set_postfix(failed=self.failed)
        if self.on_batch is not None:
            self.on_batch(self.finished, self.failed)

    def _flush(self) -> None:
        """Write the buffered results. The buffer is emptied first: a write interrupted
        half-way leaves its runs absent (done again on resume), never written twice."""
        results, self.buffer = self.buffer, []
        self.store.write(results, self.experiment, self.settings)
        self.last_flush = time.perf_counter()
