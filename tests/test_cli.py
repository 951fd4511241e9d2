"""The ``commsim`` command: sweep, run, report, through ``main(argv)`` and the installed
console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types

import pandas as pd
import pytest

import commsim
from commsim import cli
from commsim.sweep import ResultStore

EXPERIMENT = """\
name = "tiny"
question = "Does more inflow keep more contributors?"
days = 40
replications = 3
seed = 8

[parameters]
population = 300

[vary]
ambient_inflow = [0.01, 0.03]

[report]
outcomes = ["end_contributors", "peak_members"]
best = { outcome = "peak_members", goal = "max" }
"""


@pytest.fixture
def experiment(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(EXPERIMENT)
    return path


def test_sweep_then_report(experiment, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["sweep", str(experiment), "--workers", "0", "--no-progress"]) == 0
    out = tmp_path / "results" / "tiny"  # the default folder: results/<name>
    assert len(ResultStore(out).outcomes()) == 6
    assert "6 of 6 runs in results/tiny (0 from before" in capsys.readouterr().err

    assert cli.main(["sweep", str(experiment), "--workers", "0", "--no-progress"]) == 0
    assert "(6 from before" in capsys.readouterr().err  # resumed: nothing to do

    assert cli.main(["report", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "**Question:** Does more inflow keep more contributors?" in printed
    assert "Highest mean peak_members: ambient_inflow = 0.03" in printed
    assert "| ambient_inflow | runs | failed | end_contributors | peak_members |" in printed
    for name in ("report.md", "summary.csv", "outcomes.png", "timeseries.png"):
        assert (out / "report" / name).stat().st_size > 0
    summary = pd.read_csv(out / "report" / "summary.csv")
    assert list(summary.runs) == [3, 3]


def test_report_chooses_outcomes_and_rejects_unknown_ones(experiment, tmp_path, capsys):
    out = tmp_path / "r" / "tiny"
    cli.main(
        ["sweep", str(experiment), "--workers", "0", "--out", str(out.parent), "--no-progress"]
    )
    assert cli.main(["report", str(out), "--outcomes", "total_messages"]) == 0
    assert "| total_messages |" in capsys.readouterr().out
    assert cli.main(["report", str(out), "--outcomes", "messagez"]) == 1
    assert "messagez" in capsys.readouterr().err


def test_a_bad_file_fails_before_any_run_naming_key_and_line(experiment, tmp_path, capsys):
    experiment.write_text(EXPERIMENT.replace("population = 300", "population = -3"))
    out = tmp_path / "never"
    assert cli.main(["sweep", str(experiment), "--out", str(out), "--no-progress"]) == 1
    error = capsys.readouterr().err
    assert f"{experiment}, line 8: parameters.population: population=-3 is out of range" in error
    assert not out.exists()


def test_run_a_scenario_and_rerun_one_sweep_run(experiment, tmp_path, capsys):
    scenario = tmp_path / "one.toml"
    scenario.write_text("days = 30\nseed = 3\n[parameters]\npopulation = 300\n"
                        "[strategies.ScheduledEvents]\nevery = 7\n")  # fmt: skip
    assert cli.main(["run", str(scenario), "--out", str(tmp_path / "runs")]) == 0
    one = tmp_path / "runs" / "one"  # --out names the base folder, the file's name the run's
    outcomes = json.loads((one / "outcomes.json").read_text())
    series = pd.read_csv(one / "timeseries.csv")
    assert len(series) == 31 and outcomes["total_spend"] > 0  # the events cost money
    assert (one / "lifecycle.png").stat().st_size > 0

    out = tmp_path / "sweeps" / "tiny"
    cli.main(["sweep", str(experiment), "--workers", "0", "--out", str(out.parent),
              "--no-progress"])  # fmt: skip
    capsys.readouterr()
    args = ["run", str(out), "--setting", "1", "--replication", "2", "--out", str(tmp_path / "x")]
    assert cli.main(args) == 0
    assert "Same outcomes as stored by the sweep." in capsys.readouterr().out
    assert (tmp_path / "x" / "tiny-s1-r2" / "outcomes.json").is_file()
    assert cli.main(["run", str(out), "--setting", "5", "--replication", "0"]) == 1
    assert "--setting=5: expected 0..1" in capsys.readouterr().err
    for replication in ("3", "-1", str(10**30)):  # not a run of the sweep: 3 replications
        assert cli.main(["run", str(out), "--setting", "0", "--replication", replication,
                         "--out", str(tmp_path / "y")]) == 1  # fmt: skip
        error = capsys.readouterr().err
        assert f"--replication={replication}: expected 0..2 (the experiment has 3" in error
    assert not (tmp_path / "y").exists()


def test_console_script_runs_a_sweep_on_a_local_dask_cluster(experiment, tmp_path):
    commsim = shutil.which("commsim", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert commsim, "pip install -e . installs the commsim command"
    out = tmp_path / "dask" / "tiny"
    done = subprocess.run(
        [commsim, "sweep", str(experiment), "--dask", "--workers", "2", "--out", str(out.parent),
         "--no-progress"], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(ResultStore(out).outcomes()) == 6


def test_validate_appears_only_when_its_module_exists(monkeypatch, capsys):
    assert "validate" not in cli._parser().format_help() or _has_validation()
    module = types.ModuleType("commsim.validation")
    calls = []
    module.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, "commsim.validation", module)
    # ``from commsim import validation`` reads the package attribute first, which another
    # test in this process may have set to the real module
    monkeypatch.setattr(commsim, "validation", module, raising=False)
    module.__spec__ = types.SimpleNamespace(name="commsim.validation")
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: module.__spec__)
    assert "validate" in cli._parser().format_help()
    assert cli.main(["validate", "--quick"]) == 0
    assert calls == [["--quick"]]


def _has_validation() -> bool:
    import importlib.util

    return importlib.util.find_spec("commsim.validation") is not None


def test_validate_runs_the_real_checks_from_the_command_line(capsys):
    code = cli.main(["validate", "--size", "small", "--check", "lifecycle"])
    out = capsys.readouterr().out
    assert "lifecycle" in out and f"{1 - code}/1 checks pass" in out
