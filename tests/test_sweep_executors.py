"""The same sweep gives the same Parquet contents in this process, on local processes and
on a real dask LocalCluster of worker processes on the loopback interface."""

from __future__ import annotations

import math
import os
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import pytest

from commsim.processes import WORKERS_PER_CORE, available_cores, local_workers
from commsim.sweep import (
    Experiment,
    ResultStore,
    SerialExecutor,
    SweepError,
    dask_executor,
    process_executor,
    run_sweep,
)

EXPERIMENT = Experiment(
    name="executors", days=60, replications=3, seed=21, parameters={"population": 300},
    vary={"ambient_inflow": [0.01, 0.03], "RedPackets.budget": [0.0, 400.0]},
)  # fmt: skip


def contents(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both datasets, read back in a fixed order."""
    store = ResultStore(path)
    return store.outcomes(), store.timeseries()


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    path = tmp_path_factory.mktemp("serial") / "results"
    summary = run_sweep(EXPERIMENT, path, executor=SerialExecutor(), workers=1, progress=False)
    assert summary.finished == summary.total == 12 and summary.failed == 0
    return contents(path)


def assert_same(found, expected):
    for got, want in zip(found, expected, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_serial_results_are_complete(serial):
    outcomes, series = serial
    assert len(outcomes) == 12 and (outcomes.status == "ok").all()
    assert series.groupby(["setting", "replication"]).size().eq(61).all()
    assert outcomes.groupby("RedPackets.budget").total_spend.mean()[400.0] > 0


def test_local_processes_give_the_same_parquet_contents(serial, tmp_path):
    with process_executor(2) as executor:
        summary = run_sweep(EXPERIMENT, tmp_path / "p", executor=executor, progress=False,
                            batch_seconds=0.05, flush_seconds=0.0)  # fmt: skip
    assert summary.workers == 2 and summary.finished == 12
    assert_same(contents(tmp_path / "p"), serial)
    parts = list((tmp_path / "p" / "outcomes").glob("part-*.parquet"))
    assert len(parts) > 1  # streamed as batches finished, not written once at the end


def test_default_executor_is_local_processes(serial, tmp_path):
    summary = run_sweep(EXPERIMENT, tmp_path / "d", workers=2, progress=False)
    assert summary.finished == 12
    assert_same(contents(tmp_path / "d"), serial)


def test_dask_local_cluster_gives_the_same_parquet_contents(serial, tmp_path):
    import dask

    with dask_executor(workers=2) as (executor, threads):
        scratch = Path(dask.config.get("temporary-directory"))  # the cluster's, made for it
        assert scratch.name.startswith("commsim-dask-") and any(scratch.iterdir())
        assert threads == 2
        worker_pids = {executor.submit(os.getpid).result() for _ in range(8)}
        assert os.getpid() not in worker_pids  # worker processes, not threads of this one
        # the workers the library starts run without dask's MALLOC_TRIM_THRESHOLD_
        assert executor.submit(os.environ.get, "MALLOC_TRIM_THRESHOLD_").result() is None
        summary = run_sweep(EXPERIMENT, tmp_path / "k", executor=executor, workers=threads,
                            progress=False)  # fmt: skip
    assert summary.finished == 12 and summary.failed == 0
    assert_same(contents(tmp_path / "k"), serial)
    assert not scratch.exists()  # removed when the cluster closed


def test_dask_scheduler_address_connects_to_a_running_cluster(serial, tmp_path):
    import dask
    from distributed import LocalCluster

    # the test's own cluster (its scheduler, nanny and worker) keeps its scratch space in
    # the test's folder, not in the temporary directory
    with (
        dask.config.set({"temporary-directory": str(tmp_path)}),
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                     dashboard_address=None) as cluster,
    ):  # fmt: skip
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        with dask_executor(cluster.scheduler_address) as (executor, threads):
            assert threads == 1
            run_sweep(EXPERIMENT, tmp_path / "s", executor=executor, workers=threads,
                      progress=False)  # fmt: skip
    assert_same(contents(tmp_path / "s"), serial)


class RecordingExecutor(SerialExecutor):
    """Runs tasks in this process and records how many runs each task carried."""

    def __init__(self) -> None:
        self.batches: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        self.batches.append(len(args[0]))
        return super().submit(fn, *args, **kwargs)


def test_short_runs_are_batched_into_tasks_of_about_the_target_time(tmp_path):
    # A target of 5 s of work per task is far above any run of this size, loaded machine or
    # not, so batching must kick in after the first (timed) run; no timing is asserted.
    experiment = Experiment(days=20, replications=60, parameters={"population": 300})
    executor = RecordingExecutor()
    summary = run_sweep(experiment, tmp_path / "b", executor=executor, workers=1,
                        progress=False, batch_seconds=5.0)  # fmt: skip
    assert sum(executor.batches) == 60 and executor.batches[0] == 1  # one run to time first
    assert summary.finished == 60
    assert max(executor.batches) >= 2
    assert max(executor.batches) <= 256  # the cap on runs per task


class BrokenExecutor(SerialExecutor):
    """Fails every task after the first two, as a cluster that lost its workers would."""

    def __init__(self) -> None:
        self.tasks = 0

    def submit(self, fn, /, *args, **kwargs):
        self.tasks += 1
        if self.tasks > 2:
            future = Future()
            future.set_exception(ConnectionError("scheduler unreachable"))
            return future
        return super().submit(fn, *args, **kwargs)


def test_a_broken_executor_stops_the_sweep_keeping_finished_runs(tmp_path):
    experiment = Experiment(days=20, replications=10, parameters={"population": 300})
    with pytest.raises(SweepError, match="scheduler unreachable.*run the same command"):
        run_sweep(experiment, tmp_path / "x", executor=BrokenExecutor(), workers=1,
                  progress=False)  # fmt: skip
    saved = ResultStore(tmp_path / "x").outcomes()
    assert len(saved) == 2  # the two tasks that ran (one run each) are on disk
    resumed = run_sweep(experiment, tmp_path / "x", executor=SerialExecutor(), progress=False)
    assert (resumed.skipped, resumed.finished) == (2, 8)


def test_local_workers_are_checked_before_anything_starts(tmp_path):
    """A slip such as ``--workers 100000`` would start that many processes (a local dask
    cluster starts them all at once): local workers are at most a few per core."""
    cores = available_cores()
    limit = WORKERS_PER_CORE * cores
    assert local_workers() == cores and local_workers(limit) == limit
    for bad in (0, -1, limit + 1, 100_000, True, 2.0, "2"):
        with pytest.raises(ValueError, match=rf"^workers={bad!r}: expected an integer in \[1, "
                           rf"{limit}\] local worker processes"):  # fmt: skip
            local_workers(bad)
        with pytest.raises(ValueError, match=r"^workers="):
            process_executor(bad)
        with pytest.raises(ValueError, match=r"^workers="):
            with dask_executor(workers=bad):
                pass  # pragma: no cover - refused before the cluster starts
    out = tmp_path / "never"
    for options in ({"workers": 100_000}, {"workers": -3, "executor": SerialExecutor()},
                    {"workers": 2.5, "executor": SerialExecutor()},
                    {"batch_seconds": math.nan}, {"batch_seconds": math.inf},
                    {"batch_seconds": 0}, {"flush_seconds": -1.0}, {"flush_seconds": math.nan},
                    {"flush_seconds": True}):  # fmt: skip
        name = next(iter(options))
        with pytest.raises(ValueError, match=rf"^{name}="):
            run_sweep(EXPERIMENT, out, progress=False, **options)
        assert not out.exists()  # refused before the results folder is made


def test_the_command_line_refuses_too_many_local_workers_before_starting(tmp_path, capsys):
    from commsim import cli

    path = tmp_path / "e.toml"
    path.write_text("days = 5\nreplications = 1\n[parameters]\npopulation = 50\n")
    limit = WORKERS_PER_CORE * available_cores()
    for where in ([], ["--dask"]):
        code = cli.main(["sweep", str(path), *where, "--workers", "100000", "--out",
                         str(tmp_path / "r"), "--no-progress"])  # fmt: skip
        assert code == 1
        error = capsys.readouterr().err
        assert f"--workers=100000: expected an integer in [1, {limit}]" in error
        assert not (tmp_path / "r").exists()
