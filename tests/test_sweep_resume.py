"""Interrupted sweeps: a real signal to a real process, then the same command resumes and
every run is in the results exactly once. Also failed runs, foreign folders, leftovers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import psutil
import pytest
from helpers.strategies import FailOn, KillWorkerOnce, Sleepy, name

from commsim.sweep import (
    Experiment,
    ResultsFolderError,
    ResultStore,
    SerialExecutor,
    load_experiment,
    run_sweep,
)
from commsim.sweep.store import OUTCOMES, TIMESERIES

TESTS = Path(__file__).resolve().parent
DAYS = 60
SLOW = f"""\
name = "slow"
days = {DAYS}
replications = 6
seed = 9

[parameters]
population = 300

[strategies."{name(Sleepy)}"]
seconds = SECONDS

[vary]
ambient_inflow = [0.01, 0.03]
"""


def slow_file(tmp_path: Path, seconds: float) -> Path:
    path = tmp_path / f"slow-{seconds}.toml"
    path.write_text(SLOW.replace("SECONDS", str(seconds)))
    return path


def slow_sweep(
    tmp_path: Path, seconds: float, where: tuple[str, ...] = ("--workers", "2")
) -> tuple[list[str], Path]:
    """The ``commsim`` arguments of a sweep of the slow experiment (on two worker
    processes, or ``where``), and its results folder (``--out`` names the base folder, the
    experiment's name the folder inside it)."""
    path, base = slow_file(tmp_path, seconds), tmp_path / "results"
    command = ["sweep", str(path), *where, "--out", str(base), "--no-progress",
               "--allow-import", "helpers.strategies"]  # fmt: skip
    return command, base / "slow"


def start_cli(args: list[str], cwd: Path | None = None, **environ: str) -> subprocess.Popen:
    """``python -m commsim.cli ARGS`` in a process of its own, in ``cwd``, with the
    tests folder on its path and ``environ`` added to its environment."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get(
        "PYTHONPATH", "")]), **environ}  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "commsim.cli", *args], env=env, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_first_part(out: Path, process: subprocess.Popen, limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while not list((out / OUTCOMES).glob("part-*.parquet")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no run finished in time"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> pd.DataFrame:
    """The same runs without the wait, in this process: the numbers to find."""
    folder = tmp_path_factory.mktemp("reference")
    experiment = load_experiment(slow_file(folder, 0.0))
    run_sweep(experiment, folder / "results", executor=SerialExecutor(), progress=False)
    return ResultStore(folder / "results").outcomes()


def assert_every_run_once(out: Path, expected: pd.DataFrame) -> None:
    store = ResultStore(out)
    outcomes = store.outcomes()
    assert not outcomes.duplicated(["setting", "replication"]).any()
    assert len(outcomes) == 12 and (outcomes.status == "ok").all()
    numbers = [c for c in expected.columns if c not in ("error",)]
    pd.testing.assert_frame_equal(outcomes[numbers], expected[numbers])
    days = store.timeseries(["members"]).groupby(["setting", "replication"]).day
    assert days.count().eq(DAYS + 1).all() and len(days.count()) == 12
    assert days.nunique().eq(DAYS + 1).all()
    assert not list((out / OUTCOMES).glob(".tmp-*")) and not list((out / TIMESERIES).glob(".tmp-*"))


def test_sigkill_part_way_then_the_same_command_resumes(tmp_path, reference):
    command, out = slow_sweep(tmp_path, 0.5)
    process = start_cli(command)
    wait_for_first_part(out, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    finished = ResultStore(out).finished_runs()
    assert 0 < len(finished) < 12  # killed part-way

    resumed = start_cli(command)
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert f"12 of 12 runs in {out} ({len(finished)} from before" in stderr
    assert_every_run_once(out, reference)


def test_ctrl_c_saves_finished_runs_and_exits_130_then_resumes(tmp_path, reference):
    command, out = slow_sweep(tmp_path, 0.5)
    process = start_cli(command)
    wait_for_first_part(out, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Interrupted:" in stderr and "run the same command to resume" in stderr
    saved = ResultStore(out).outcomes()
    assert 0 < len(saved) < 12 and not saved.duplicated(["setting", "replication"]).any()

    # the same call from Python resumes too (in this process, without the workers' start)
    summary = run_sweep(load_experiment(command[1]), out, executor=SerialExecutor(), progress=False)
    assert summary.skipped == len(saved) and summary.remaining == 0
    assert_every_run_once(out, reference)


def children_in_a_run(busy: Path, parent: int) -> list[int]:
    """Processes of ``parent`` in the middle of a run (``Sleepy`` marks them in ``busy``)."""
    found = []
    for marker in busy.iterdir():
        try:
            if psutil.Process(int(marker.name)).ppid() == parent:
                found.append(int(marker.name))
        except psutil.NoSuchProcess:
            continue
    return found


@pytest.mark.parametrize("retried", [True, False], ids=["dask-retries", "dask-gives-up"])
def test_a_dask_worker_killed_mid_run_loses_nothing(tmp_path, reference, retried):
    """SIGKILL of a worker process of the local dask cluster while it runs a run, after
    some runs are written. Either dask runs the lost task again (its nanny starts a new
    worker) and the sweep ends normally, or (no retries allowed) the sweep stops saying
    how to resume and the same command resumes it. Either way every run is there once,
    the runs written before the kill are kept as they were, the numbers are those of an
    uninterrupted sweep, and the temporary and working directories are left empty."""
    command, out = slow_sweep(tmp_path, 1.0, ("--dask", "--workers", "2"))
    busy, temporary, cwd = tmp_path / "busy", tmp_path / "tmp", tmp_path / "cwd"
    for folder in (busy, temporary, cwd):
        folder.mkdir()
    environ = {"COMMSIM_TEST_BUSY": str(busy), "TMPDIR": str(temporary)}
    if not retried:
        environ["DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES"] = "0"
    process = start_cli(command, cwd, **environ)
    wait_for_first_part(out, process, limit=360)
    deadline = time.monotonic() + 120
    while not (workers := children_in_a_run(busy, process.pid)):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no worker was seen running a run"
        time.sleep(0.01)
    written = ResultStore(out).outcomes()
    os.kill(workers[0], signal.SIGKILL)
    assert 0 < len(written) < 12  # killed mid-sweep, some runs written

    _, stderr = process.communicate(timeout=600)
    if retried:
        assert process.returncode == 0, stderr
        assert f"12 of 12 runs in {out} (0 from before, 0 failed in this call)" in stderr
    else:
        assert process.returncode == 1, stderr
        assert "KilledWorker" in stderr and "run the same command to resume" in stderr
        saved = ResultStore(out).finished_runs()
        assert len(saved) < 12
        resumed = start_cli(command, cwd, TMPDIR=str(temporary))
        _, stderr = resumed.communicate(timeout=600)
        assert resumed.returncode == 0, stderr
        assert f"12 of 12 runs in {out} ({len(saved)} from before" in stderr
    assert_every_run_once(out, reference)
    kept = ResultStore(out).outcomes().merge(written[["setting", "replication"]])
    pd.testing.assert_frame_equal(kept, written.reset_index(drop=True))
    assert not psutil.pid_exists(workers[0])
    assert not list(temporary.iterdir()) and not list(cwd.iterdir())


def test_a_killed_worker_is_replaced_and_its_runs_redone(tmp_path):
    token = uuid.uuid4().int % 10**9
    experiment = Experiment(
        days=DAYS, replications=4, seed=2, parameters={"population": 300},
        strategies={name(KillWorkerOnce): {"token": token}},
        vary={"ambient_inflow": [0.01, 0.03]},
    )  # fmt: skip
    try:
        summary = run_sweep(experiment, tmp_path / "r", workers=2, progress=False)
    finally:
        Path(os.path.join(__import__("tempfile").gettempdir(), f"commsim-kill-{token}")).unlink(
            missing_ok=True)  # fmt: skip
    assert summary.finished == 8 and summary.failed == 0
    outcomes = ResultStore(tmp_path / "r").outcomes()
    assert len(outcomes) == 8 and not outcomes.duplicated(["setting", "replication"]).any()


def test_failed_runs_are_recorded_and_do_not_stop_the_others(tmp_path):
    experiment = Experiment(days=30, replications=3, parameters={"population": 300},
                            vary={f"{name(FailOn)}.fail": [0, 1]})  # fmt: skip
    summary = run_sweep(experiment, tmp_path / "f", executor=SerialExecutor(), progress=False)
    assert summary.finished == 6 and summary.failed == 3
    outcomes = ResultStore(tmp_path / "f").outcomes()
    failed = outcomes[outcomes.status == "failed"]
    assert len(failed) == 3 and (failed[f"{name(FailOn)}.fail"] == 1).all()
    assert failed.error.str.contains("RuntimeError: planned failure on day 5").all()
    assert failed.end_members.isna().all()
    ok = outcomes[outcomes.status == "ok"]
    assert ok.error.isna().all() and ok.end_members.notna().all()
    assert set(ResultStore(tmp_path / "f").timeseries().setting) == {0}  # no series if failed
    again = run_sweep(experiment, tmp_path / "f", executor=SerialExecutor(), progress=False)
    assert again.skipped == 6 and again.finished == 0  # a failure is a finished run


def test_more_replications_extend_a_finished_sweep(tmp_path):
    base = dict(days=30, seed=4, parameters={"population": 300},
                vary={"ambient_inflow": [0.01, 0.03]})  # fmt: skip
    run_sweep(Experiment(replications=2, **base), tmp_path / "e", executor=SerialExecutor(),
              progress=False)  # fmt: skip
    before = ResultStore(tmp_path / "e").outcomes()
    summary = run_sweep(Experiment(replications=3, **base), tmp_path / "e",
                        executor=SerialExecutor(), progress=False)  # fmt: skip
    assert (summary.skipped, summary.finished) == (4, 2)
    after = ResultStore(tmp_path / "e").outcomes()
    pd.testing.assert_frame_equal(after[after.replication < 2].reset_index(drop=True), before)


def test_another_experiment_or_a_foreign_folder_is_refused_untouched(tmp_path):
    base = dict(days=30, replications=2, parameters={"population": 300})
    run_sweep(Experiment(**base), tmp_path / "x", executor=SerialExecutor(), progress=False)
    files = sorted(p for p in (tmp_path / "x").rglob("*"))
    with pytest.raises(ResultsFolderError, match="different experiment .*changed: days"):
        run_sweep(Experiment(**{**base, "days": 31}), tmp_path / "x", progress=False)
    assert sorted(p for p in (tmp_path / "x").rglob("*")) == files
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("precious")
    with pytest.raises(ResultsFolderError, match="not empty"):
        run_sweep(Experiment(**base), tmp_path / "mine", progress=False)
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "precious"


def test_a_folder_in_use_by_another_sweep_is_refused(tmp_path):
    experiment = Experiment(days=30, replications=1, parameters={"population": 300})
    with ResultStore(tmp_path / "busy").lock():
        with pytest.raises(ResultsFolderError, match="another sweep is writing"):
            run_sweep(experiment, tmp_path / "busy", executor=SerialExecutor(), progress=False)


def test_leftovers_of_a_kill_are_skipped_by_readers_and_removed_on_resume(tmp_path):
    experiment = Experiment(days=30, replications=2, parameters={"population": 300})
    out = tmp_path / "l"
    run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    store = ResultStore(out)
    expected = store.timeseries()
    part = next((out / TIMESERIES).glob("part-*.parquet"))
    orphan = out / TIMESERIES / "part-orphan.parquet"  # killed before its outcomes part
    orphan.write_bytes(part.read_bytes())
    temporary = out / OUTCOMES / ".tmp-123-part-x.parquet"  # killed while writing
    temporary.write_bytes(b"half a file")
    pd.testing.assert_frame_equal(store.timeseries(), expected)
    assert len(store.outcomes()) == 2
    summary = run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    assert summary.finished == 0 and not orphan.exists() and not temporary.exists()


def test_the_progress_bar_counts_runs_done_and_failed(tmp_path, capsys):
    experiment = Experiment(
        name="bar",
        days=20,
        replications=2,
        parameters={"population": 300},
        vary={f"{name(FailOn)}.fail": [0, 1], f"{name(FailOn)}.day": [3]},
    )
    run_sweep(experiment, tmp_path / "p", executor=SerialExecutor(), progress=True)
    bar = capsys.readouterr().err.replace("\r", "\n").splitlines()
    final = [line for line in bar if line.startswith("bar: 100%")][-1]
    assert "4/4" in final and "failed=2" in final
    assert any("<" in line for line in bar if "/4 [" in line)  # elapsed<remaining is shown


def test_a_folder_killed_while_being_created_is_started_again(tmp_path):
    experiment = Experiment(days=20, replications=2, parameters={"population": 300})
    out = tmp_path / "new"
    out.mkdir()
    (out / "settings.parquet").write_bytes(b"settings written, experiment.json not yet")
    (out / ".tmp-1-experiment.json").write_bytes(b"{")
    summary = run_sweep(experiment, out, executor=SerialExecutor(), progress=False)
    assert summary.finished == 2 and len(ResultStore(out).settings()) == 1
    assert not list(out.glob(".tmp-*"))
