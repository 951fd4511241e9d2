"""Settings against a baseline: paired differences under common seeds, Welch otherwise."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from commsim.sweep import Experiment, ExperimentError, SerialExecutor, load_experiment, run_sweep
from commsim.sweep.comparison import compare_to_baseline
from commsim.sweep.report import write_report


def _outcomes(values: dict[int, list[float]]) -> pd.DataFrame:
    rows = [
        {"setting": s, "replication": r, "x": v}
        for s, series in values.items()
        for r, v in enumerate(series)
    ]
    return pd.DataFrame(rows)


def test_paired_interval_is_the_t_interval_of_the_differences():
    rng = np.random.default_rng(1)
    shared = rng.normal(10, 5, 30)  # what a replication's seed decides, shared by settings
    base, better = shared + rng.normal(0, 0.5, 30), shared + 1 + rng.normal(0, 0.5, 30)
    table = compare_to_baseline(_outcomes({0: base, 1: better}), "x", 0, paired=True)
    d = better - base
    low, high = scipy_stats.t.interval(0.95, 29, loc=d.mean(), scale=d.std(ddof=1) / math.sqrt(30))
    row = table.loc[1]
    assert (row.difference, row.low, row.high) == pytest.approx((d.mean(), low, high))
    assert row.n == 30 and row.method == "paired t" and row.decision == "better"
    unpaired = compare_to_baseline(_outcomes({0: base, 1: better}), "x", 0, paired=False).loc[1]
    assert unpaired.method == "Welch" and unpaired.decision == "indistinguishable"
    assert (unpaired.high - unpaired.low) > 5 * (row.high - row.low)


def test_goal_min_and_a_worse_setting():
    values = {0: [1.0, 2.0, 3.0, 4.0], 1: [3.0, 4.1, 5.0, 6.2], 2: [1.1, 1.9, 3.2, 3.9]}
    table = compare_to_baseline(_outcomes(values), "x", 0, paired=True, goal="min")
    assert table.loc[1, "decision"] == "worse"
    assert table.loc[2, "decision"] == "indistinguishable"
    table = compare_to_baseline(_outcomes(values), "x", 0, paired=True, goal="max")
    assert table.loc[1, "decision"] == "better"


def test_missing_values_are_counted_not_filled():
    values = {0: [1.0, np.nan, 3.0, 4.0, 5.0], 1: [2.0, 3.0, np.nan, 5.0, 6.5]}
    row = compare_to_baseline(_outcomes(values), "x", 0, paired=True).loc[1]
    assert row.n == 3 and row.undefined == 2
    row = compare_to_baseline(_outcomes(values), "x", 0, paired=False).loc[1]
    assert row.n == 4 and row.undefined == 2


def test_bad_arguments_are_named():
    outcomes = _outcomes({0: [1.0, 2.0], 1: [1.0, 3.0]})
    with pytest.raises(ValueError, match="baseline=5"):
        compare_to_baseline(outcomes, "x", 5, paired=True)
    with pytest.raises(ValueError, match="goal='up'"):
        compare_to_baseline(outcomes, "x", 0, paired=True, goal="up")
    with pytest.raises(ValueError, match="outcome='y'"):
        compare_to_baseline(outcomes, "y", 0, paired=True)


# ---------------------------------------------------------------- common seeds in sweeps

COMMON = """\
name = "common"
days = 40
replications = 4
seed = 9
seeds = "common"

[parameters]
population = 300

[vary]
"RedPackets.budget" = [0.0, 500.0]
"RedPackets.every" = [3]

[report]
outcomes = ["end_members", "total_messages"]
best = { outcome = "total_messages", goal = "max" }
baseline = { "RedPackets.budget" = 0.0 }
"""


def test_common_seeds_share_each_replications_seed_across_settings():
    plain = Experiment(days=5, replications=3, vary={"ambient_inflow": [0.01, 0.02]})
    common = Experiment(days=5, replications=3, vary={"ambient_inflow": [0.01, 0.02]},
                        seeds="common")  # fmt: skip
    seeds = {(r.setting, r.replication): r.seed for r in common.runs()}
    assert all(seeds[(1, r)] == seeds[(0, r)] for r in range(3))
    assert len(set(seeds.values())) == 3
    independent = {(r.setting, r.replication): r.seed for r in plain.runs()}
    assert independent[(0, 1)] == seeds[(0, 1)] and independent[(1, 1)] != seeds[(1, 1)]
    assert "seeds" not in plain.to_dict() and common.fingerprint() != plain.fingerprint()
    with pytest.raises(ExperimentError, match="seeds.*'shared': expected one of"):
        Experiment(days=5, seeds="shared")


@pytest.mark.parametrize(
    ("baseline", "message"),
    [
        ({"colour": 1}, "'colour' is not a setting column"),
        ({"ambient_inflow": 0.5}, "picks 0 settings"),
        (3, "expected a table of setting values"),
    ],
)
def test_a_bad_baseline_is_named(baseline, message):
    with pytest.raises(ExperimentError, match=message):
        Experiment(days=5, vary={"ambient_inflow": [0.01, 0.02]}, report={"baseline": baseline})


def test_the_report_compares_with_the_baseline_by_paired_differences(tmp_path):
    path = tmp_path / "common.toml"
    path.write_text(COMMON)
    experiment = load_experiment(path)
    assert experiment.seeds == "common"
    run_sweep(experiment, tmp_path / "r", executor=SerialExecutor(), progress=False)
    report = write_report(tmp_path / "r").read_text()
    assert "## Against the baseline" in report
    assert "Baseline: RedPackets.budget = 0, RedPackets.every = 3." in report
    assert "paired differences over replications with common seeds" in report
    row = next(line for line in report.splitlines() if line.startswith("| RedPackets.budget = 500"))
    assert row.count("(n=4") == 2 and row.rstrip(" |").split()[-1] in (
        "better", "worse", "indistinguishable")  # fmt: skip


def test_an_interval_is_cut_to_the_range_a_difference_can_take():
    """days_until_silence lies in [0, days], so a difference in [-days, days]; the t
    interval of three skewed pairs (-8, -2, -37, the case a 60-day sweep gave) reaches
    past -60, and given the runs' length it is cut there, the decision unchanged."""
    values = {0: [47.0, 48.0, 60.0], 1: [39.0, 46.0, 23.0]}
    frame = _outcomes(values).rename(columns={"x": "days_until_silence"})
    raw = compare_to_baseline(frame, "days_until_silence", 0, paired=True).loc[1]
    cut = compare_to_baseline(frame, "days_until_silence", 0, paired=True, days=60).loc[1]
    assert raw.low < -60 and cut.low == -60 and cut.high == raw.high
    assert cut.difference == raw.difference and cut.decision == raw.decision
