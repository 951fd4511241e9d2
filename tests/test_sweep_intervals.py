"""Honest intervals: every interval of a report inside its outcome's range, runs without
a value counted and said, replications on every row."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from commsim.outcomes import RANGES  # noqa: E402
from commsim.stats import mean_interval, t_interval  # noqa: E402
from commsim.sweep import (  # noqa: E402
    OUTCOMES,
    Experiment,
    SerialExecutor,
    load_experiment,
    run_sweep,
)
from commsim.sweep.comparison import compare_to_baseline  # noqa: E402
from commsim.sweep.figures import outcomes_figure  # noqa: E402
from commsim.sweep.report import summary_table, write_report  # noqa: E402


def test_every_outcome_declares_its_range():
    assert set(OUTCOMES) == set(RANGES)
    for name, declared in RANGES.items():
        low, high = declared.bounds(365)
        assert low < high, name


def test_a_skewed_count_keeps_its_interval_above_zero_where_the_t_interval_does_not():
    values = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 7.0, 0.0]  # mostly none, one large
    assert t_interval(values).low < 0
    interval = mean_interval(values)
    assert 0 <= interval.low < interval.mean < interval.high <= 7
    assert mean_interval(values) == interval  # seeded: the same every time


@pytest.fixture(scope="module")
def spending_sweep(tmp_path_factory):
    """Red packets over a short run with few replications: skewed, bounded outcomes,
    costs per contributor that are infinite when none is left, NaN when nothing spent."""
    out = tmp_path_factory.mktemp("intervals") / "r"
    e = Experiment(
        name="intervals", days=60, replications=3, seed=11, seeds="common",
        parameters={"population": 200, "spam_rate": 0.3},
        vary={"RedPackets.budget": [0.0, 200.0, 2000.0]},
        report={"outcomes": list(OUTCOMES), "best": {"outcome": "end_contributors"}},
    )  # fmt: skip
    run_sweep(e, out, executor=SerialExecutor(), progress=False)
    write_report(out)
    return e, out


def test_no_interval_of_a_report_leaves_its_outcomes_range(spending_sweep):
    e, out = spending_sweep
    summary = pd.read_csv(out / "report" / "summary.csv")
    runs = pd.read_parquet(out / "outcomes")
    for name in OUTCOMES:
        low, high = RANGES[name].bounds(e.days)
        bounds = summary[[f"{name}_low", f"{name}_high"]].stack().dropna()
        assert ((bounds >= low) & (bounds <= high)).all(), name
        table = compare_to_baseline(runs, name, 0, paired=True, days=e.days)
        shown = table[["low", "high"]].stack().dropna()
        assert ((shown >= low - high) & (shown <= high - low)).all(), name


def test_runs_without_a_value_are_counted_with_their_reason(spending_sweep):
    _, out = spending_sweep
    summary = pd.read_csv(out / "report" / "summary.csv")
    runs = pd.read_parquet(out / "outcomes")
    cost = runs["cost_per_retained_contributor"]
    undefined = int((~np.isfinite(cost)).sum())
    assert undefined > 0  # nothing spent in the baseline
    assert summary["cost_per_retained_contributor_undefined"].sum() == undefined
    report = (out / "report" / "report.md").read_text()
    assert (
        f"- cost_per_retained_contributor: {undefined} of {len(runs)} runs undefined "
        "(nothing spent, or no contributor left)"
    ) in report
    assert "inf" not in summary["cost_per_retained_contributor"].astype(str).tolist()


def test_every_row_of_the_report_states_its_replications(spending_sweep):
    _, out = spending_sweep
    report = (out / "report" / "report.md").read_text()
    rows = [line for line in report.splitlines() if line.startswith("| RedPackets.budget =")]
    rows += [line for line in report.splitlines() if line.startswith(("| 0 |", "| 200 |"))]
    assert len(rows) == 2 + 2 + 2  # the baseline, cost and outcomes tables
    for row in rows:
        assert "(n=" in row, row


def test_the_outcomes_plot_says_which_points_have_no_value():
    outcomes = pd.DataFrame({
        "setting": [0, 0, 1, 1, 2, 2], "replication": [0, 1] * 3, "status": "ok",
        "ambient_inflow": [0.01, 0.01, 0.02, 0.02, 0.04, 0.04],
        "y": [1.0, 2.0, 3.0, math.inf, math.nan, math.nan],
    })  # fmt: skip
    e = Experiment(vary={"ambient_inflow": [0.01, 0.02, 0.04]})
    summary = summary_table(outcomes, e, ["y"])
    assert list(summary["y_undefined"]) == [0, 1, 2] and list(summary["y_n"]) == [2, 1, 0]
    figure, kind = outcomes_figure(summary, ["y"], "ambient_inflow", [], title="t")
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert kind == "linear" and "1 undefined" in texts and "no value" in texts


ANSWERS = Path(__file__).resolve().parents[1] / "docs" / "answers"


@pytest.mark.parametrize(
    "summary", sorted(ANSWERS.glob("*/summary.csv")), ids=lambda p: p.parent.name
)
def test_no_interval_of_the_ready_experiments_reports_leaves_its_range(summary):
    days = load_experiment(
        ANSWERS.parent.parent / "experiments" / f"{summary.parent.name}.toml"
    ).days
    table = pd.read_csv(summary)
    for name in [c[: -len("_low")] for c in table.columns if c.endswith("_low")]:
        low, high = RANGES[name].bounds(days)
        bounds = table[[f"{name}_low", f"{name}_high"]].stack().dropna()
        assert ((bounds >= low) & (bounds <= high)).all(), name
