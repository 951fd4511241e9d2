"""Decisive experiments: replications in rounds until each setting's interval against the
baseline is narrow enough, resumable, the same on every executor."""

from __future__ import annotations

import pandas as pd
import pytest

from commsim.sweep import (
    Experiment,
    ExperimentError,
    ResultStore,
    SerialExecutor,
    dask_executor,
    process_executor,
    run_sweep,
)
from commsim.sweep.adaptive import adaptive_state, interval_widths
from commsim.sweep.decision import cost_per_effect
from commsim.sweep.report import write_report

COLUMNS = ["setting", "replication", "seed", "end_members", "status"]


def adaptive(width: float = 15.0, **extra) -> Experiment:
    """No cap (the baseline) against caps of 30, 45 and 1000 members: the last is never
    reached (differences exactly 0: decided in the first round), the others need more
    replications the smaller their effect's spread allows (about 12 and 16)."""
    return Experiment(
        name="adaptive", days=40, replications=24, seed=8, seeds="common",
        parameters={"population": 300},
        vary={"SizeCap": [False, True], "SizeCap.max_members": [30, 45, 1000]},
        adaptive={"width": width, "step": 4, **extra},
        report={"best": {"outcome": "end_members", "goal": "max"}, "baseline": {"SizeCap": False}},
    )  # fmt: skip


def _outcomes(path) -> pd.DataFrame:
    return ResultStore(path).outcomes()[COLUMNS].reset_index(drop=True)


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    out = tmp_path_factory.mktemp("adaptive") / "serial"
    run_sweep(adaptive(), out, executor=SerialExecutor(), progress=False)
    return out


def test_rounds_stop_once_every_interval_is_narrow_enough(serial):
    e = adaptive()
    runs = ResultStore(serial).outcomes()
    state = adaptive_state(e, e.settings(), runs)
    assert state.done and not state.wide and not state.capped and state.rounds > 1
    counts = runs.groupby("setting").size().to_dict()
    assert counts == state.plan and counts[0] == max(counts.values())  # the baseline most
    assert len(set(counts.values())) > 1  # settings decided early got fewer replications
    widths = interval_widths(runs, "end_members", 0, state.plan, paired=True, goal="max")
    assert all(width <= 15.0 for width in widths.values()) and counts[3] == 4
    report = write_report(serial).read_text()
    assert "narrower than 15" in report and f"{len(runs)} runs finished" in report


def test_the_run_cap_stops_the_rounds_and_the_report_says_so(tmp_path):
    e = adaptive(width=0.01, max_runs=20)
    run_sweep(e, tmp_path / "c", executor=SerialExecutor(), progress=False)
    runs = ResultStore(tmp_path / "c").outcomes()
    assert len(runs) <= 20
    state = adaptive_state(e, e.settings(), runs)
    assert state.capped and state.wide and state.done
    assert "the cap on runs was reached" in write_report(tmp_path / "c").read_text()


def test_an_interrupted_adaptive_sweep_resumes_to_the_same_runs(serial, tmp_path):
    class Stop(Exception):
        pass

    def stop_after_two(finished, failed):
        if finished >= 2:
            raise Stop

    for _ in range(3):  # interrupted in the first rounds, more than once
        with pytest.raises(Stop):
            run_sweep(adaptive(), tmp_path / "i", executor=SerialExecutor(), progress=False,
                      flush_seconds=0, on_batch=stop_after_two)  # fmt: skip
    run_sweep(adaptive(), tmp_path / "i", executor=SerialExecutor(), progress=False)
    pd.testing.assert_frame_equal(_outcomes(tmp_path / "i"), _outcomes(serial))


def test_process_pool_and_dask_give_the_same_rounds_and_numbers(serial, tmp_path):
    with process_executor(2) as pool:
        run_sweep(adaptive(), tmp_path / "p", executor=pool, workers=2, progress=False)
    pd.testing.assert_frame_equal(_outcomes(tmp_path / "p"), _outcomes(serial))
    with dask_executor(workers=2) as (executor, threads):
        run_sweep(adaptive(), tmp_path / "d", executor=executor, workers=threads, progress=False)
    pd.testing.assert_frame_equal(_outcomes(tmp_path / "d"), _outcomes(serial))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"width": 0, "step": 2}, r"adaptive.width: expected a number > 0"),
        ({"width": 1.0}, r"adaptive.step: expected the replications added per round"),
        ({"width": 1.0, "step": 30}, r"adaptive.step: expected an integer in \[1, 24\]"),
        (
            {"width": 1.0, "step": 2, "max_runs": 3},
            r"adaptive.max_runs: expected an integer in \[4,",
        ),
        ({"width": 1.0, "step": 2, "until": 3}, r"adaptive.until: unknown option"),
    ],
)
def test_bad_adaptive_options_are_named(options, message):
    with pytest.raises(ExperimentError, match=message):
        Experiment(replications=24, vary={"ambient_inflow": [0.01, 0.02]}, adaptive=options,
                   report={"best": {"outcome": "end_members"}})  # fmt: skip
    with pytest.raises(ExperimentError, match="report.best"):
        Experiment(vary={"ambient_inflow": [0.01, 0.02]}, adaptive={"width": 1.0, "step": 2})


def test_adaptive_options_do_not_change_the_fingerprint():
    assert adaptive(width=3.0).fingerprint() == adaptive(width=1.0, max_runs=50).fingerprint()


def test_cost_per_effect_is_the_ratio_of_the_mean_differences():
    rows = []
    for r, (spend, effect) in enumerate([(10.0, 2.0), (14.0, 3.0), (12.0, 2.5), (16.0, 2.5)]):
        rows.append({"setting": 0, "replication": r, "total_spend": 0.0,
                     "active_member_days": 10.0 + r})  # fmt: skip
        rows.append({"setting": 1, "replication": r, "total_spend": spend,
                     "active_member_days": 10.0 + r + effect})  # fmt: skip
    ratio, low, high = cost_per_effect(pd.DataFrame(rows), 1, 0, "active_member_days",
                                       paired=True)  # fmt: skip
    assert ratio == pytest.approx(13.0 / 2.5)
    assert low <= ratio <= high and 10 / 3 <= low and high <= 16 / 2
