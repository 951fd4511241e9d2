"""Reports: t intervals, the answer sentence, time-series means, Sobol indices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from commsim.sweep import Experiment, Range, ResultStore, SerialExecutor, run_sweep
from commsim.sweep.report import (
    best_setting,
    mean_timeseries,
    summary_table,
    write_report,
)
from commsim.sweep.sensitivity import sobol_indices


def test_best_setting_names_the_best_and_the_indistinguishable():
    rng = np.random.default_rng(3)
    rows = [
        {"setting": s, "replication": r, "status": "ok", "level": level, "y": y}
        for s, (level, centre) in enumerate([(0.0, 10.0), (0.2, 10.05), (0.4, 2.0)])
        for r, y in enumerate(rng.normal(centre, 1.0, 20))
    ]
    outcomes = pd.DataFrame(rows)
    e = Experiment(vary={"ambient_inflow": [0.01]})  # only to give summary_table its columns
    summary = summary_table(outcomes.rename(columns={"level": "ambient_inflow"}), e, ["y"])
    summary = summary.rename(columns={"ambient_inflow": "level"})
    sentence = best_setting(outcomes, summary, "y", "max", ["level"])
    assert sentence.startswith("Highest mean y: level = 0")  # 0 or 0.2, whichever came out
    assert "Indistinguishable from it (Welch" in sentence and "level = 0.4" not in sentence
    assert best_setting(outcomes, summary, "y", "min", ["level"]).startswith(
        "Lowest mean y: level = 0.4")  # fmt: skip


def sobol_experiment(**extra) -> Experiment:
    return Experiment(
        days=60, replications=1, seed=5, parameters={"population": 300}, design="sobol",
        samples=64, vary={"ambient_inflow": Range(0.01, 0.05), "social_pull": Range(0.0, 0.1),
                          **extra.pop("vary", {})}, **extra,
    )  # fmt: skip


def test_sobol_indices_find_the_only_parameter_that_matters():
    e = sobol_experiment(vary={"novelty": [0.2, 0.4]})
    outcomes = e.settings().assign(replication=0, status="ok")
    outcomes["y"] = np.sin(40 * outcomes.ambient_inflow) + 0.0 * outcomes.social_pull
    table = sobol_indices(outcomes, e, "y")
    assert set(table.novelty) == {0.2, 0.4} and len(table) == 4  # per block and parameter
    for _, row in table.iterrows():
        if row.parameter == "ambient_inflow":
            assert row.S1 == pytest.approx(1.0, abs=0.05) and row.ST == pytest.approx(1.0, abs=0.05)
        else:
            assert abs(row.S1) < 0.05 and abs(row.ST) < 0.05


def test_sobol_indices_refuse_missing_points():
    e = sobol_experiment()
    outcomes = e.settings().assign(replication=0, status="ok", y=1.0).iloc[:-1]
    with pytest.raises(ValueError, match="1 of 256 design points"):
        sobol_indices(outcomes, e, "y")


def test_report_of_a_sobol_sweep_writes_table_plot_and_sensitivity(tmp_path):
    e = Experiment(
        name="sens", days=40, replications=1, seed=5, parameters={"population": 300},
        design="sobol", samples=4,
        vary={"ambient_inflow": Range(0.01, 0.05), "social_pull": Range(0.0, 0.1)},
        report={"outcomes": ["peak_members", "end_members"], "sensitivity": ["peak_members"]},
    )  # fmt: skip
    run_sweep(e, tmp_path / "s", executor=SerialExecutor(), progress=False)
    text = write_report(tmp_path / "s").read_text()
    folder = tmp_path / "s" / "report"
    assert "## Sensitivity of peak_members (Sobol indices)" in text
    table = pd.read_csv(folder / "sensitivity-peak_members.csv")
    assert list(table.parameter) == ["ambient_inflow", "social_pull"]
    for name in ("sensitivity-peak_members.png", "outcomes.png", "timeseries.png"):
        assert (folder / name).stat().st_size > 0


def test_mean_timeseries_read_part_by_part_equals_the_mean_of_everything(tmp_path):
    e = Experiment(days=30, replications=3, seed=1, parameters={"population": 300},
                   vary={"ambient_inflow": [0.01, 0.03]})  # fmt: skip
    run_sweep(e, tmp_path / "t", executor=SerialExecutor(), progress=False, flush_seconds=0)
    store = ResultStore(tmp_path / "t")
    assert len(list((tmp_path / "t" / "timeseries").glob("part-*"))) > 1
    means = mean_timeseries(store, ["members", "messages"])
    full = store.timeseries(["members", "messages"]).groupby(["setting", "day"])[
        ["members", "messages"]].mean().reset_index()  # fmt: skip
    pd.testing.assert_frame_equal(means, full)


def test_sobol_intervals_are_the_same_every_time():
    e = sobol_experiment()
    outcomes = e.settings().assign(replication=0, status="ok")
    outcomes["y"] = outcomes.ambient_inflow * outcomes.social_pull
    first, again = sobol_indices(outcomes, e, "y"), sobol_indices(outcomes, e, "y")
    pd.testing.assert_frame_equal(first, again)
