"""Nothing left running: a sweep (or a forecast) killed by SIGKILL leaves no worker,
forkserver or resource tracker alive, holds no pipe open and leaves no ``pymp-*`` folder;
SIGTERM while a dask cluster starts is a clean interruption. Waits are on state, with
generous limits."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest
from test_sweep_resume import slow_sweep, wait_for_first_part

from commsim.datasets import load_brand_group

TESTS = Path(__file__).resolve().parent
LIMIT = 60  # seconds: generous, for a loaded machine; "a few seconds" when idle


@pytest.fixture
def tmp_path():
    """A short folder of the test's own, also its processes' temporary directory: the
    forkserver's socket goes in it (in ``pymp-*``), and a socket's path is at most 107
    bytes, which pytest's folders under a long temporary directory can exceed."""
    folder = Path(tempfile.mkdtemp(prefix="cs-", dir="/tmp" if os.path.isdir("/tmp") else None))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def start(args, tmp_path, marker):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
        "COMMSIM_TEST_MARKER": marker,  # inherited by every process the sweep starts
        "TMPDIR": str(tmp_path),  # multiprocessing's pymp-* folder goes here
    }
    return subprocess.Popen(
        [sys.executable, "-m", "commsim.cli", *args], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def marked(marker):
    """Processes that carry ``marker`` in their environment."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("COMMSIM_TEST_MARKER") == marker:
                found.append(process)
        except psutil.Error:
            continue
    return found


def wait_until(condition, limit=LIMIT, what="the condition"):
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {limit} s"
        time.sleep(0.1)


def test_sigkill_leaves_no_process_no_open_pipe_and_no_temporary_folder(tmp_path):
    marker = uuid.uuid4().hex
    command, out = slow_sweep(tmp_path, 0.3)
    process = start(command, tmp_path, marker)
    wait_for_first_part(out, process)
    started = marked(marker)
    names = " ".join(" ".join(p.cmdline()) for p in started)
    assert len(started) >= 4 and "forkserver" in names and "resource_tracker" in names
    assert list(tmp_path.glob("pymp-*"))

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=LIMIT)
    closed = threading.Event()  # stderr reaches EOF once no process holds it open
    reader = threading.Thread(target=lambda: (process.stderr.read(), closed.set()), daemon=True)
    reader.start()
    try:
        wait_until(lambda: not marked(marker), what="every worker's exit")
        wait_until(closed.is_set, what="the end of the sweep's stderr")
        wait_until(lambda: not list(tmp_path.glob("pymp-*")), what="removing pymp-*")
    finally:
        for left in marked(marker):  # do not leave them to the next test
            left.kill()


AFTER_A_SWEEP = """\
import sys
from commsim.sweep import Experiment, run_sweep

if __name__ == "__main__":
    experiment = Experiment(days=10, replications=4, parameters={"population": 100})
    run_sweep(experiment, sys.argv[1], workers=2, progress=False)
    print("swept", flush=True)
    sys.stdin.read()  # a session that goes on after the sweep, until it is killed
"""


def test_a_python_session_killed_after_a_sweep_leaves_no_temporary_folder(tmp_path):
    """multiprocessing's ``pymp-*`` folder lives as long as the process that ran a pool
    (it holds the forkserver's socket): removed when that process exits, and when it is
    killed later on (a notebook's kernel killed an hour after its sweep)."""
    marker = uuid.uuid4().hex
    script, out = tmp_path / "session.py", tmp_path / "results"
    script.write_text(AFTER_A_SWEEP)
    env = {**os.environ, "COMMSIM_TEST_MARKER": marker, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, str(script), str(out)], env=env, cwd=tmp_path,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout.readline() == "swept\n", process.communicate()
        assert len(list(tmp_path.glob("pymp-*"))) == 1  # in use until the session ends
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=LIMIT)
        wait_until(lambda: not list(tmp_path.glob("pymp-*")), what="removing pymp-*")
        wait_until(lambda: not marked(marker), what="every helper process's exit")
        assert {p.name for p in tmp_path.iterdir()} == {script.name, out.name}
    finally:
        for left in marked(marker):
            left.kill()


def test_a_sweep_that_ends_leaves_no_temporary_folder_and_nothing_running(tmp_path):
    """On the process pool and on a local dask cluster, a finished ``commsim sweep``
    leaves nothing in the temporary directory or the working directory but its results."""
    marker = uuid.uuid4().hex
    path = tmp_path / "e.toml"
    path.write_text('name = "e"\ndays = 10\nreplications = 4\n[parameters]\npopulation = 100\n')
    temporary, cwd = tmp_path / "tmp", tmp_path / "cwd"
    temporary.mkdir()
    cwd.mkdir()
    for where in (["--workers", "2"], ["--dask", "--workers", "2"]):
        env = {**os.environ, "COMMSIM_TEST_MARKER": marker, "TMPDIR": str(temporary)}
        done = subprocess.run(
            [sys.executable, "-m", "commsim.cli", "sweep", str(path), *where, "--out",
             "results", "--no-progress"], env=env, cwd=cwd, capture_output=True, text=True,
            timeout=LIMIT * 5,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "4 of 4 runs in results/e" in done.stderr
        assert not list(temporary.iterdir()), where
        assert [p.name for p in cwd.iterdir()] == ["results"], where
        wait_until(lambda: not marked(marker), what="every process's exit")
        shutil.rmtree(cwd / "results")


def test_sigkill_of_a_sweep_on_a_local_dask_cluster_leaves_nothing_behind(tmp_path):
    """The local cluster's scheduler and nannies live in the sweeping process; its worker
    processes, their multiprocessing helpers and their scratch folders must go with it."""
    marker = uuid.uuid4().hex
    command, out = slow_sweep(tmp_path, 0.3, ("--dask", "--workers", "2"))
    process = start(command, tmp_path, marker)
    wait_for_first_part(out, process, limit=LIMIT * 3)
    started = marked(marker)
    assert len(started) >= 3  # the sweep and its two workers
    ours = {out.parent.name, Path(command[1]).name}  # the results and the experiment file
    scratch = [p.name for p in tmp_path.iterdir() if p.name not in ours]
    assert scratch, "the cluster's scratch folder is in the temporary directory (TMPDIR)"

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=LIMIT)
    closed = threading.Event()
    reader = threading.Thread(target=lambda: (process.stderr.read(), closed.set()), daemon=True)
    reader.start()
    try:
        wait_until(lambda: not marked(marker), what="every dask worker's exit")
        wait_until(closed.is_set, what="the end of the sweep's stderr")
        wait_until(
            lambda: {p.name for p in tmp_path.iterdir()} == ours,
            what=f"removing the temporary folders {scratch}",
        )
    finally:
        for survivor in marked(marker):
            survivor.kill()


def test_sigkill_of_a_forecast_on_worker_processes_leaves_nothing_behind(tmp_path):
    """``commsim forecast --workers 2`` runs on the same pool as a sweep: its workers (which
    stayed alive, orphaned, on the default pool) exit when it is killed."""
    marker = uuid.uuid4().hex
    series = tmp_path / "group.csv"
    load_brand_group().to_csv(series)
    env = {**os.environ, "COMMSIM_TEST_MARKER": marker, "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "commsim.cli", "forecast", str(series), "--fit-days", "30",
         "--workers", "2", "--draws", "4000", "--out", str(tmp_path / "out")], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def workers() -> list[psutil.Process]:
        """Processes forked from the forkserver or, on a plain pool, from the forecast."""
        found = []
        for p in marked(marker):
            try:
                if p.pid != process.pid and (
                    p.ppid() != process.pid or p.cmdline() == process.args
                ):
                    found.append(p)
            except psutil.Error:
                continue
        return found

    try:
        wait_until(lambda: len(workers()) >= 2 or process.poll() is not None,
                   limit=LIMIT * 3, what="the forecast's workers' start")  # fmt: skip
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=LIMIT)
        wait_until(lambda: not marked(marker), what="every worker's exit")
        wait_until(lambda: not list(tmp_path.glob("pymp-*")), what="removing pymp-*")
        assert not (tmp_path / "out").exists()
    finally:
        for left in marked(marker):
            left.kill()


def test_sigterm_while_a_dask_cluster_starts_is_a_clean_interruption(tmp_path):
    marker = uuid.uuid4().hex
    path = tmp_path / "e.toml"
    path.write_text("days = 20\nreplications = 2\n[parameters]\npopulation = 100\n")
    out = tmp_path / "r"
    process = start(["sweep", str(path), "--dask", "--workers", "1", "--out", str(out),
                     "--no-progress", "--allow-import", "helpers.strategies"], tmp_path,
                    marker)  # fmt: skip
    header = process.stderr.readline()  # printed once SIGTERM is handled, before dask starts
    assert "2 runs of 20 days" in header
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=LIMIT * 2)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    try:
        wait_until(lambda: not marked(marker), what="the dask workers' exit")
        left = {p.name for p in tmp_path.iterdir()} - {path.name, out.name}
        assert not left, f"temporary folders left behind: {left}"
    finally:
        for left in marked(marker):
            left.kill()
