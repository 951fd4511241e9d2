"""Factors as users think of them: a strategy switched on and off, axes chosen from the
values, policies that cannot silently ignore a varied parameter."""

from __future__ import annotations

from pathlib import Path

import pytest

from commsim.sweep import (
    Experiment,
    ExperimentError,
    ExperimentFileError,
    SerialExecutor,
    load_experiment,
    run_sweep,
)
from commsim.sweep.figures import axis_kind
from commsim.sweep.report import write_report
from commsim.sweep.worker import execute_run

EXAMPLE = Path(__file__).resolve().parents[1] / "experiments" / "cap-split.toml"


def switched(**extra) -> Experiment:
    return Experiment(
        days=30, replications=2, seed=3, seeds="common", parameters={"population": 300},
        vary={"SizeCap": [False, True], "SizeCap.max_members": [20, 60],
              "SizeCap.split": [False, True]}, **extra,
    )  # fmt: skip


def test_a_switched_off_strategy_appears_once_without_its_parameters():
    e = switched()
    table = e.settings()
    assert len(table) == 1 + 2 * 2
    off = table[~table["SizeCap"].astype(bool)]
    assert len(off) == 1 and off[["SizeCap.max_members", "SizeCap.split"]].isna().all(axis=None)
    runs = {r.setting: r for r in e.runs() if r.replication == 0}
    assert runs[0].strategies == ()  # off: no SizeCap at all
    assert dict(runs[1].strategies)["SizeCap"] == {"max_members": 20, "split": False}


def test_the_off_setting_is_the_run_without_the_strategy():
    off = next(r for r in switched().runs() if r.setting == 0 and r.replication == 1)
    plain = Experiment(days=30, replications=2, seed=3, seeds="common",
                       parameters={"population": 300})  # fmt: skip
    bare = next(r for r in plain.runs() if r.replication == 1)
    assert (off.seed, off.strategies, off.parameters) == (bare.seed, (), bare.parameters)
    names = ["end_members", "total_messages"]
    assert execute_run(off, 30, ["members"], names).outcomes == execute_run(
        bare, 30, ["members"], names).outcomes  # fmt: skip


def test_a_switch_takes_true_and_false_only():
    with pytest.raises(ExperimentError, match=r"vary\.SizeCap: .*expected a list of true/false"):
        Experiment(vary={"SizeCap": [0, 500]})
    with pytest.raises(ExperimentError, match="vary.Sizecap: .*Sizecap"):
        Experiment(vary={"Sizecap": [False, True]})


def test_a_policy_without_the_varied_strategy_is_refused_by_name():
    with pytest.raises(ExperimentError) as error:
        Experiment(policies={"none": {}, "cap": {"SizeCap": {"split": True}}},
                   vary={"SizeCap.max_members": [100, 200]})  # fmt: skip
    assert str(error.value).startswith("vary.\"SizeCap.max_members\": policy 'none' has no SizeCap")
    Experiment(
        policies={"a": {"SizeCap": {}}, "b": {"SizeCap": {"split": True}}},
        vary={"SizeCap.max_members": [100, 200]},
    )  # fmt: skip  (every policy has it)


def test_a_file_switching_a_strategy_names_the_line_of_a_bad_value(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('days = 10\n\n[vary]\nSizeCap = [false, "yes"]\n')
    with pytest.raises(ExperimentFileError, match=r"bad.toml, line 4: vary.SizeCap: "):
        load_experiment(path)
    path.write_text('days = 10\n[vary]\nambient_inflow = [0.01, 0.02]\n[report]\naxis = "polar"\n')
    with pytest.raises(ExperimentFileError, match="line 5: report.axis: 'polar': expected one"):
        load_experiment(path)


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        (["fee", "review"], "categorical"),
        ([False, True], "categorical"),
        ([50, 100, 200, 500], "log"),
        ([float("nan"), 50, 500], "log"),  # an off level beside caps
        ([0.0, 300.0, 1000.0, 3000.0], "categorical"),
        ([1, 2, 3, 5, 8], "linear"),
        ([0.0, 0.1, 0.2], "linear"),
    ],
)
def test_the_axis_is_chosen_from_the_values(values, kind):
    assert axis_kind(values) == kind
    assert axis_kind(values, "linear") == "linear"


def test_the_example_file_switches_the_cap_and_draws_a_categorical_or_log_axis(tmp_path):
    e = load_experiment(EXAMPLE)
    assert e.vary["SizeCap"] == [False, True]
    assert e.report["baseline"] == {"SizeCap": False}
    small = Experiment.from_dict({**e.to_dict(), "days": 20, "replications": 2,
                                  "parameters": {"population": 300}, "adaptive": {}})  # fmt: skip
    run_sweep(small, tmp_path / "r", executor=SerialExecutor(), progress=False)
    report = write_report(tmp_path / "r").read_text()
    assert "Baseline: SizeCap = False." in report
    assert "(x: SizeCap.max_members, log axis)" in report
    assert "| False | – | – |" in report  # the off setting: no cap, no split


def kols_leaving(**vary) -> Experiment:
    return Experiment(
        days=30, replications=2, seed=3, seeds="common", parameters={"population": 300},
        vary={"KOLSeeding.count": [1, 3], "KOLSeeding.leave_on": [0, 10], **vary},
    )  # fmt: skip


def test_an_inert_parameter_is_left_out_and_its_settings_run_once():
    # leaving acts only when KOLs leave on a day, and of one KOL "one" is "all"
    e = kols_leaving(**{"KOLSeeding.leaving": [1, 0]})
    table = e.settings()
    rows = table[["KOLSeeding.count", "KOLSeeding.leave_on", "KOLSeeding.leaving"]]
    assert rows.astype(object).where(rows.notna(), None).values.tolist() == [
        [1, 0, None], [1, 10, None], [3, 0, None], [3, 10, 1], [3, 10, 0]
    ]  # fmt: skip
    runs = {r.setting: dict(r.strategies)["KOLSeeding"] for r in e.runs() if r.replication == 0}
    assert runs[1] == {"count": 1, "leave_on": 10} and runs[3]["leaving"] == 1
    one, every = (execute_run(r, 30, ["members"], ["end_members", "total_messages"])
                  for r in e.runs() if r.setting in (3, 4) and r.replication == 0)  # fmt: skip
    assert one.outcomes != every.outcomes  # 1 of 3 leaving is not all 3 leaving


def test_settings_whose_strategy_cannot_be_built_are_refused_naming_the_key():
    with pytest.raises(ExperimentError, match=r'vary\."KOLSeeding\.leaving": setting \d+: '
                       r"KOLSeeding: leaving=2 is more than count=1"):  # fmt: skip
        kols_leaving(**{"KOLSeeding.leaving": [2, 0]})
