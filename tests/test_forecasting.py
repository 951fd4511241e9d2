"""The forecast for one's own group (commsim.forecasting, ``commsim forecast``)."""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd
import pytest

import commsim
from commsim import CommunityModel
from commsim.analysis import STAGES, stages_so_far
from commsim.calibrate import log_rmse
from commsim.cli import main
from commsim.datasets import load_brand_group
from commsim.forecasting import AS_IT_IS, forecast, read_series, start_strategy
from commsim.forecasting.result import _censored_quantiles
from commsim.strategies import RedPackets

SMALL = dict(draws=16, accept=0.25, replications=2, horizon=100, ahead=40, seed=3)


@pytest.fixture(scope="module")
def brand_forecast():
    return forecast(load_brand_group(), fit_days=30, strategies={"red packets": "RedPackets"},
                    **SMALL)  # fmt: skip


# ---------------------------------------------------------------- the series
def test_read_series_gaps_days_and_dates(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("day,members,messages,note\n0,12,0,a\n1,,40,b\n3,30,55,c\n")
    frame = read_series(path)
    assert list(frame.index) == [0, 1, 3] and math.isnan(frame.loc[1, "members"])
    dated = tmp_path / "d.csv"
    dated.write_text("date,messages\n2026-01-05,3\n2026-01-07,9\n")
    assert list(read_series(dated).index) == [0, 2]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("members,messages\n1,2\n", "no 'day' or 'date' column"),
        ("day,messages\n0,1\n1.5,2\n", "day=1.5 on row 3"),
        ("day,messages\n0,1\n0,2\n", "a day appears twice"),
        ("day,size\n0,1\n", "no model metric"),
        ("date,messages\n2026-01-01,1\nsoon,2\n", "date=soon on row 3"),
    ],
)
def test_read_series_names_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as error:
        read_series(path)
    assert str(path) in str(error.value)


# ---------------------------------------------------------------- stages of an observed series
def test_stages_so_far_of_an_observed_series_equal_the_runs():
    """Without joined/left the net joiners are the change in members, which is exactly
    joined - left: a run's stages are the same from members and messages alone."""
    model = CommunityModel(rng=5, population=800)
    model.run_for(200)
    run = model.datacollector.get_model_vars_dataframe()
    observed = run[["members", "messages", "spam_messages"]]
    pd.testing.assert_series_equal(stages_so_far(observed), stages_so_far(run))
    weekly = observed.copy()
    weekly.loc[weekly.index % 7 != 0, "members"] = np.nan
    agree = (stages_so_far(weekly) == stages_so_far(run)).mean()
    assert agree > 0.85, agree


def test_stages_so_far_of_the_brand_group():
    stages = stages_so_far(load_brand_group()[["members", "messages"]])
    assert stages.loc[0] == "sprout" and stages.loc[7] == "rapid growth"
    assert stages.loc[30] == "decline"  # messages halved from their peak of day 7


# ---------------------------------------------------------------- strategies started tomorrow
def test_a_copied_model_runs_on_identically_and_a_strategy_acts_from_tomorrow():
    model = CommunityModel(rng=2, population=600)
    model.run_for(20)
    twin, treated = copy.deepcopy(model), copy.deepcopy(model)
    start_strategy(treated, RedPackets(start=21, amount=50.0, every=5))
    for m in (model, twin, treated):
        m.run_for(15)
    frames = [m.datacollector.get_model_vars_dataframe() for m in (model, twin, treated)]
    pd.testing.assert_frame_equal(frames[0], frames[1])
    pd.testing.assert_frame_equal(frames[0].loc[:20], frames[2].loc[:20])
    assert frames[2]["spend"].loc[21:].tolist()[:6] == [50.0, 0, 0, 0, 0, 50.0]


def test_strategies_that_cannot_start_mid_life_are_refused():
    with pytest.raises(ValueError, match="KOLSeeding cannot start in the middle"):
        forecast(load_brand_group(), fit_days=30, strategies=["KOLSeeding"], **SMALL)
    with pytest.raises(ValueError, match="unknown strategy 'Nope'"):
        forecast(load_brand_group(), fit_days=30, strategies=["Nope"], **SMALL)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(fit_days=0), "fit_days=0"),
        (dict(fit_days=95), "fit_days=95: the series ends on day 90"),
        (dict(fit_days=30, horizon=31), "horizon=31"),
        (dict(fit_days=30, horizon=60, ahead=40), "ahead=40"),
        (dict(fit_days=30, level=1.0), "level=1.0"),
        (
            dict(fit_days=30, horizon=10**9),
            r"horizon=1000000000: expected a whole number in"
            r" \[32, 100,000\]",
        ),
        (dict(fit_days=30, ahead=10**9), r"ahead=1000000000: expected a whole number in"),
        (
            dict(fit_days=30, draws=10**9),
            r"draws=1000000000 x replications=2: 2,000,000,000 "
            r"runs: expected at most 10,000,000",
        ),
        (dict(fit_days=30, draws=True), r"draws=True: expected an integer >= 1"),
        (dict(fit_days=30, replications=0), r"replications=0: expected an integer >= 1"),
        (dict(fit_days=30, fixed={"colour": 1}), "fixed\\['colour'\\]"),
    ],
)
def test_bad_arguments_are_named(options, message):
    arguments = {**SMALL, "strategies": [], **options}
    with pytest.raises(ValueError, match=message):
        forecast(load_brand_group(), **arguments)


# ---------------------------------------------------------------- the forecast
def test_the_runs_ahead_are_the_fitted_runs(brand_forecast):
    """Each accepted draw's runs, cut at today, have the distance the fit accepted it with."""
    f = brand_forecast
    observed = f.observed.loc[: f.today]
    base = f.runs[f.runs.arm == AS_IT_IS]
    seeds = len(f.calibration.seeds)
    for k, distance in enumerate(f.calibration.posterior["distance"]):
        runs = [base[base.run == k * seeds + r].set_index("day") for r in range(seeds)]
        mean = np.mean([log_rmse(run.loc[: f.today], observed) for run in runs])
        assert mean == pytest.approx(distance, rel=1e-12)


def test_arms_share_the_past_and_differ_only_from_tomorrow(brand_forecast):
    f = brand_forecast
    wide = f.runs.set_index(["arm", "run", "day"])["messages"].unstack("arm")
    past = wide[wide.index.get_level_values("day") <= f.today]
    assert (past[AS_IT_IS] == past["red packets"]).all()
    later = wide[wide.index.get_level_values("day") > f.today]
    assert (later[AS_IT_IS] != later["red packets"]).any()
    spend = f.figures.pivot(index="run", columns="arm", values="spend")
    assert (spend[AS_IT_IS] == 0).all() and (spend["red packets"] > 0).all()


def test_the_answer(brand_forecast):
    f = brand_forecast
    assert f.stage == "decline" and f.stage in STAGES
    table = f.table()
    assert list(table.index) == [AS_IT_IS, "red packets"]
    assert (table["runs"] == len(f.calibration.posterior) * 2).all()
    for figure in ("members_ahead", "messages_ahead", "spend"):
        assert (table[f"{figure}_low"] <= table[figure]).all()
        assert (table[figure] <= table[f"{figure}_high"]).all()
    band = f.band("messages")
    assert (band["low"] <= band["median"]).all() and (band["median"] <= band["high"]).all()
    coverage = f.coverage()
    assert set(coverage.index) == {"members", "messages"}
    assert coverage.loc["messages", "days"] == 60 and 0 <= coverage.loc["messages", "covered"] <= 1
    text = f.summary()
    assert "Stage today (day 30): decline." in text and "Days until silence:" in text
    assert "red packets" in text


def test_same_seed_same_forecast(brand_forecast):
    again = commsim.forecast(load_brand_group(), fit_days=30, strategies={"red packets":
                             "RedPackets"}, **SMALL)  # fmt: skip
    pd.testing.assert_frame_equal(again.figures, brand_forecast.figures)


def test_censored_runs_make_bounds_beyond_the_horizon():
    values = np.array([10.0, 20.0, np.nan, np.nan])
    low, median, high = _censored_quantiles(values, 0.9)
    assert (low, median, high) == (10.0, 20.0, math.inf)


def test_a_series_without_members_gets_its_stage_from_the_fitted_members():
    messages = load_brand_group()[["messages"]]
    f = forecast(messages, fit_days=30, strategies=[], **SMALL)
    assert f.stage in STAGES and "members" not in f.observed.columns


# ---------------------------------------------------------------- the command
def test_the_command(tmp_path, capsys):
    path = tmp_path / "group.csv"
    load_brand_group().to_csv(path)
    out = tmp_path / "out"
    code = main(["forecast", str(path), "--fit-days", "30", "--draws", "8", "--accept", "0.25",
                 "--horizon", "70", "--ahead", "30", "--strategies", "RedPackets",
                 "--fixed", "scheduled_events=true", "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "Stage today (day 30):" in printed and "Days until silence:" in printed
    assert "RedPackets" in printed and "inside the band" in printed
    assert [p.name for p in out.iterdir()] == ["forecast-group"]  # --out: the base folder
    written = {p.name for p in (out / "forecast-group").iterdir()}
    assert written == {"forecast.png", "strategies.csv", "bands.csv"}
    assert main(["forecast", str(path), "--fit", "novelty=1"]) == 1
    assert "expected NAME=LOW:HIGH" in capsys.readouterr().err


def test_days_until_silence_counts_from_today_and_is_zero_once_silent():
    from commsim.forecasting.arms import run_figures

    day = np.arange(60)
    messages = np.where(day < 20, 100.0, 0.0)
    frame = pd.DataFrame({"messages": messages, "members": 10.0, "spend": 0.0}, index=day)
    silent_on = 26  # the 7-day mean falls below 5 on day 26
    assert run_figures(frame, 10, 20)["days_until_silence"] == silent_on - 10
    assert run_figures(frame, 40, 10)["days_until_silence"] == 0.0
    frame["messages"] = 100.0
    assert math.isnan(run_figures(frame, 10, 20)["days_until_silence"])


def test_a_group_made_by_the_model_is_forecast_within_its_band():
    """A series the model itself produced (members weekly, messages daily, 150 days) fitted
    on days 0-30: the truth lies within the fit's 5-95% posterior interval, and the 90%
    band of the runs ahead holds at least 70% of the later days (nominal 90%; the band's
    quantiles come from 20 runs, and the truth is one more run) without being wider than
    1.5 times the mean of the messages it bounds (measured: 98% of 120 message days and
    all 17 member counts inside, median width 1.0 times the mean)."""
    truth = dict(population=1000, initial_members=12, ambient_inflow=0.05, promotion_days=10.0,
                 social_pull=0.03, activity_mean=0.15, messages_per_post=3.0, novelty=2.0,
                 novelty_days=15.0, patience_mean=0.5)  # fmt: skip
    bounds = {"ambient_inflow": (0.01, 0.1), "activity_mean": (0.05, 0.3), "novelty": (0.0, 4.0)}
    model = CommunityModel(rng=12, **truth)
    model.run_for(150)
    series = model.datacollector.get_model_vars_dataframe()[["members", "messages"]].copy()
    series.loc[series.index % 7 != 0, "members"] = np.nan
    fixed = {k: v for k, v in truth.items() if k not in bounds}
    f = forecast(series, fit_days=30, bounds=bounds, fixed=fixed, draws=40, accept=0.25,
                 replications=2, horizon=150, ahead=60, strategies=[], seed=12)  # fmt: skip
    for name, row in f.calibration.uncertainty.iterrows():
        assert row.low <= truth[name] <= row.high, (name, row.low, row.high)
    coverage = f.coverage()
    assert coverage.loc["messages", "days"] == 120 and coverage.loc["members", "days"] == 17
    assert (coverage["covered"] >= 0.7).all(), coverage
    band = f.band("messages").loc[31:]
    width = (band["high"] - band["low"]).median()
    assert width < 1.5 * series["messages"].loc[31:].mean()  # a band, not everything
