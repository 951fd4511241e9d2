"""A results folder keeps to itself: names from files cannot point elsewhere, the lock
truncates nothing and follows no link, clean-up never leaves the folder; damaged parts
are named and exactly their runs re-run; received folders' bad files are named."""

from __future__ import annotations

import pandas as pd
import pytest

from commsim import cli
from commsim.sweep import (
    Experiment,
    ExperimentError,
    ResultsFolderError,
    ResultStore,
    SerialExecutor,
    run_sweep,
)
from commsim.sweep.report import write_report
from commsim.sweep.store import LOCK_FILE, OUTCOMES, TIMESERIES

SMALL = dict(days=12, replications=3, seed=4, parameters={"population": 100},
             vary={"ambient_inflow": [0.01, 0.03]})  # fmt: skip


def sweep(out, experiment=None):
    experiment = experiment or Experiment(**SMALL)
    return run_sweep(
        experiment,
        out,
        executor=SerialExecutor(),
        progress=False,
        flush_seconds=0.0,
        batch_seconds=1e-9,
        workers=1,
    )


def tree(path):
    """Every entry under ``path`` with its bytes (files) or None (folders)."""
    return {
        p.relative_to(path): (p.read_bytes() if p.is_file() else None)
        for p in sorted(path.rglob("*"))
    }


@pytest.mark.parametrize(
    "name", ["/elsewhere/x", "../../x", "..", ".", "a/b", "a\\b", "", ".hidden", "-rf", "x" * 101]
)
def test_a_name_that_is_not_one_plain_folder_is_refused(name):
    with pytest.raises(ExperimentError, match=r"^name: .*(cannot name a folder|non-empty)"):
        Experiment(name=name)


@pytest.mark.parametrize("out", [[], ["--out", "base"]])
@pytest.mark.parametrize("command", ["sweep", "run"])
def test_a_file_naming_a_folder_elsewhere_writes_nothing(tmp_path, monkeypatch, capsys, command,
                                                         out):  # fmt: skip
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    path = work / "bad.toml"
    path.write_text('name = "../../escaped"\ndays = 3\n[parameters]\npopulation = 50\n')
    assert cli.main([command, str(path), *out]) == 1
    assert "name: '../../escaped' cannot name a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["bad.toml", "work"]


@pytest.mark.parametrize(
    "command, extra",
    [(["sweep", "--workers", "0", "--no-progress"], "replications = 1\n"), (["run"], "")],
)
def test_out_names_the_base_folder_and_the_name_the_folder_inside_it(
    tmp_path, monkeypatch, command, extra
):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "plain.toml"
    path.write_text(f'name = "mine"\ndays = 3\n{extra}[parameters]\npopulation = 50\n')
    assert cli.main([command[0], str(path), *command[1:], "--out", "base"]) == 0
    assert [p.name for p in (tmp_path / "base").iterdir()] == ["mine"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["base", "plain.toml"]


@pytest.mark.parametrize("base", [None, "mine"])
def test_a_link_in_place_of_the_named_folder_is_refused(tmp_path, monkeypatch, capsys, base):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / (base or "results")).mkdir()
    (tmp_path / (base or "results") / "linked").symlink_to(elsewhere)
    path = tmp_path / "linked.toml"
    path.write_text("days = 3\n[parameters]\npopulation = 50\n")
    out = ["--out", base] if base else []
    assert cli.main(["sweep", str(path), "--workers", "0", "--no-progress", *out]) == 1
    assert f"is not a folder directly inside {base or 'results'}/" in capsys.readouterr().err
    assert not any(elsewhere.iterdir())


def test_an_existing_lock_file_is_kept_byte_for_byte(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / LOCK_FILE).write_bytes(b"not to be truncated")
    sweep(out)
    assert (out / LOCK_FILE).read_bytes() == b"not to be truncated"
    assert len(ResultStore(out).outcomes()) == 6


def test_a_lock_that_is_a_link_is_refused_and_its_target_untouched(tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("precious")
    out = tmp_path / "d"
    out.mkdir()
    (out / LOCK_FILE).symlink_to(target)
    with pytest.raises(ResultsFolderError, match=r"\.lock is a symbolic link"):
        sweep(out)
    assert target.read_text() == "precious"
    assert sorted(p.name for p in out.iterdir()) == [LOCK_FILE]


@pytest.mark.parametrize("folder", [TIMESERIES, OUTCOMES])
def test_clean_up_never_follows_a_linked_part_folder(tmp_path, folder):
    out = tmp_path / "d"
    sweep(out)
    elsewhere = tmp_path / "elsewhere"
    (out / folder).rename(elsewhere)  # the parts now live outside, reached by a link
    (out / folder).symlink_to(elsewhere)
    (elsewhere / "part-not-yours.parquet").write_bytes(b"someone else's file")
    (elsewhere / ".tmp-not-yours").write_bytes(b"someone else's file")
    before = tree(elsewhere)
    with pytest.raises(ResultsFolderError, match=f"{folder} is a symbolic link"):
        sweep(out)
    assert tree(elsewhere) == before


def test_a_deleted_or_truncated_part_is_named_and_exactly_its_runs_re_run(tmp_path):
    out = tmp_path / "d"
    sweep(out)
    store = ResultStore(out)
    expected = store.outcomes()
    parts = sorted((out / OUTCOMES).glob("part-*.parquet"))
    assert len(parts) >= 3  # one part per run (one-run batches, each flushed)
    runs_of = {p.name: len(pd.read_parquet(p)) for p in parts}
    deleted, truncated, shortened = parts[0].name, parts[1].name, parts[2].name
    (out / TIMESERIES / deleted).unlink()
    data = (out / OUTCOMES / truncated).read_bytes()
    (out / OUTCOMES / truncated).write_bytes(data[: len(data) // 2])
    rows = pd.read_parquet(out / TIMESERIES / shortened)
    rows.iloc[:-1].to_parquet(out / TIMESERIES / shortened)  # a readable part, a row short

    damaged = {part.name: part.problem for part in store.damaged_parts()}
    assert damaged == {
        deleted: "timeseries part missing",
        truncated: "outcomes part unreadable (truncated or damaged)",
        shortened: f"timeseries part has {len(rows) - 1} rows, {len(rows)} were written",
    }
    for read in (store.outcomes, store.timeseries, lambda: write_report(out)):
        with pytest.raises(ResultsFolderError, match=f"{deleted}: timeseries part missing"):
            read()

    summary = sweep(out)
    assert summary.finished == runs_of[deleted] + runs_of[truncated] + runs_of[shortened]
    assert store.damaged_parts() == []
    after = store.outcomes()
    pd.testing.assert_frame_equal(after, expected)
    assert len(store.timeseries()) == len(expected) * (SMALL["days"] + 1)


def test_a_deleted_outcomes_part_is_named_from_the_manifest(tmp_path):
    out = tmp_path / "d"
    sweep(out)
    part = sorted((out / OUTCOMES).glob("part-*.parquet"))[-1]
    runs = len(pd.read_parquet(part))
    part.unlink()
    store = ResultStore(out)
    (damaged,) = store.damaged_parts()
    assert (damaged.name, damaged.problem, len(damaged.runs)) == (
        part.name, "outcomes part missing", runs)  # fmt: skip
    assert sweep(out).finished == runs


def test_fewer_replications_report_only_the_experiment_s_runs(tmp_path):
    out = tmp_path / "d"
    sweep(out)
    fewer = Experiment(**{**SMALL, "replications": 1})
    assert sweep(out, fewer).finished == 0
    assert len(ResultStore(out).outcomes()) == 2
    assert set(ResultStore(out).timeseries().replication) == {0}
    assert "2 of 2 runs finished" in write_report(out).read_text()


def test_a_damaged_experiment_file_or_missing_settings_are_named(tmp_path):
    out = tmp_path / "d"
    sweep(out)
    (out / "settings.parquet").unlink()
    with pytest.raises(ResultsFolderError, match=r"settings\.parquet is missing"):
        ResultStore(out).settings()
    (out / "experiment.json").write_text('{"fingerprint": "x", "exper')
    with pytest.raises(ResultsFolderError, match=r"experiment\.json is damaged"):
        ResultStore(out).experiment()
    (out / "experiment.json").write_bytes(b"\xff\xfe not text")
    with pytest.raises(ResultsFolderError, match=r"experiment\.json is damaged"):
        ResultStore(out).experiment()


def test_a_file_that_is_not_utf8_is_named(tmp_path, capsys):
    path = tmp_path / "latin1.toml"
    path.write_bytes('question = "caf\xe9"\n'.encode("latin-1"))
    assert cli.main(["sweep", str(path), "--no-progress"]) == 1
    assert f"{path}: not a text file in UTF-8" in capsys.readouterr().err


def test_a_linked_report_folder_is_refused_before_writing(tmp_path):
    out = tmp_path / "d"
    sweep(out)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "report").symlink_to(elsewhere)
    with pytest.raises(ResultsFolderError, match="report is a symbolic link"):
        write_report(out)
    assert not any(elsewhere.iterdir())


def test_a_received_folder_naming_a_folder_elsewhere_is_refused(tmp_path, capsys):
    import json

    out = tmp_path / "d"
    sweep(out)
    manifest = json.loads((out / "experiment.json").read_text())
    manifest["experiment"]["name"] = "../../escaped"
    (out / "experiment.json").write_text(json.dumps(manifest))
    args = ["run", str(out), "--setting", "0", "--replication", "0"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "experiment.json: not a valid experiment: name: '../../escaped'" in err
    assert not (tmp_path.parent / "escaped").exists()
