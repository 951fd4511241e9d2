"""Calibration: input checks, reproducibility, executors, and recovery of known parameters."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from commsim.calibrate import fit, log_rmse, replication_seeds, simulate
from commsim.datasets import load_brand_group, reconstruct_brand_group

FIXED = {"population": 400}
LARGE = {"population": 1000}
TRUTH = {"ambient_inflow": 0.03, "activity_mean": 0.25}
BOUNDS = {"ambient_inflow": (0.005, 0.1), "activity_mean": (0.05, 0.6)}
DAYS = 60


def observe(fixed):
    """The mean of 8 runs of the true parameters, from seeds the fits never use, seen with
    gaps: members weekly, messages daily with a few missing days."""
    runs = simulate({**fixed, **TRUTH}, DAYS, replication_seeds(987654, 8))
    frame = pd.concat([run[["members", "messages"]] for run in runs]).groupby(level=0).mean()
    frame.loc[frame.index % 7 != 0, "members"] = np.nan
    frame.loc[[5, 17, 33], "messages"] = np.nan
    return frame


@pytest.fixture(scope="module")
def observed():
    return observe(FIXED)


@pytest.fixture(scope="module")
def observed_large():
    return observe(LARGE)


def test_log_rmse_ignores_gaps_and_is_zero_on_the_observation(observed):
    assert log_rmse(observed.fillna(0.0), observed) == pytest.approx(0.0)
    shifted = observed.fillna(0.0) * np.e - 1 + np.e  # log1p(x e + e - 1) = 1 + log1p(x)
    assert log_rmse(shifted, observed) == pytest.approx(1.0)


def test_replication_seeds_are_deterministic_and_distinct():
    assert replication_seeds(3, 5) == replication_seeds(3, 5)
    assert len(set(replication_seeds(3, 20))) == 20
    assert replication_seeds(3, 5) != replication_seeds(4, 5)


def test_de_recovers_known_parameters_within_tolerance(observed_large):
    """Tolerance: each fitted value within 20% of the truth. Two parameters, 1000 people,
    60 days, 8 replications per candidate (under issue 10's model 4 left ambient_inflow too
    noisy to pin down: 0.0366 against 0.03; at its defaults a group of 400 is too bursty
    for 8: activity_mean 0.30 against 0.25, distance 0.38), 7 generations of 10."""
    result = fit(observed_large, BOUNDS, fixed=LARGE, replications=8, maxiter=6, popsize=5,
                 seed=2)  # fmt: skip
    for name, true in TRUTH.items():
        assert result.parameters[name] == pytest.approx(true, rel=0.2), result.summary()
        row = result.uncertainty.loc[name]
        assert row.low <= result.parameters[name] <= row.high
        assert BOUNDS[name][0] <= row.low < row.high <= BOUNDS[name][1]
    assert result.distance < 0.3
    assert len(result.evaluations) > 40


def test_abc_posterior_covers_known_parameters(observed):
    result = fit(observed, BOUNDS, fixed=FIXED, method="abc", replications=3, draws=120,
                 accept=0.1, seed=2)  # fmt: skip
    assert len(result.posterior) == 12
    for name, true in TRUTH.items():
        row = result.uncertainty.loc[name]
        assert row.low <= true <= row.high, result.summary()
        # the posterior is narrower than the prior
        low, high = BOUNDS[name]
        assert row.high - row.low < 0.8 * (high - low)


def test_same_seed_same_fit_serial_or_on_an_executor(observed):
    kwargs = dict(fixed=FIXED, replications=2, maxiter=2, popsize=3, seed=5, profile_points=2)
    serial = fit(observed, BOUNDS, **kwargs)
    with ThreadPoolExecutor(2) as pool:
        parallel = fit(observed, BOUNDS, executor=pool, **kwargs)
    assert serial.parameters == parallel.parameters
    assert serial.distance == parallel.distance
    pd.testing.assert_frame_equal(serial.uncertainty, parallel.uncertainty)


def test_abc_runs_on_a_process_pool_with_the_serial_numbers(observed):
    kwargs = dict(fixed=FIXED, method="abc", replications=2, draws=6, accept=0.5, seed=1)
    serial = fit(observed, BOUNDS, **kwargs)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        parallel = fit(observed, BOUNDS, executor=pool, **kwargs)
    pd.testing.assert_frame_equal(serial.posterior, parallel.posterior)
    assert serial.parameters == parallel.parameters


def test_strategy_flat_keywords_can_be_fitted(observed):
    result = fit(observed, {"scheduled_events_boost": (0.0, 3.0)},
                 fixed={**FIXED, **TRUTH, "scheduled_events": True}, method="abc", draws=4,
                 accept=0.5, replications=1)  # fmt: skip
    assert 0.0 <= result.parameters["scheduled_events_boost"] <= 3.0
    with pytest.raises(ValueError, match="scheduled_events_boost"):
        fit(observed, {"scheduled_events_boost": (0.0, 500.0)}, fixed=FIXED)


def test_plot_draws_observed_and_bands(observed):
    import matplotlib

    matplotlib.use("Agg")
    result = fit(observed, {"activity_mean": (0.1, 0.4)}, fixed={**FIXED, "ambient_inflow": 0.03},
                 method="abc", draws=4, accept=0.5, replications=2)  # fmt: skip
    fig = result.plot()
    assert len(fig.axes) == 2
    band = result.bands("messages")
    assert (band.iloc[:, 0] <= band.iloc[:, 2]).all()


@pytest.mark.parametrize(
    ("bounds", "kwargs", "match"),
    [
        ({"ambient_inflow": (0.0, 2.0)}, {}, "ambient_inflow"),
        ({"nonsense": (0.0, 1.0)}, {}, "not a model parameter"),
        ({"novelty": (2.0, 1.0)}, {}, "low < high"),
        ({}, {}, "bounds is empty"),
        ({"novelty": (0.1, 1.0)}, {"method": "grid"}, "method"),
        ({"novelty": (0.1, 1.0)}, {"replications": 0}, "replications"),
        ({"novelty": (0.1, 1.0)}, {"fixed": {"novelty": 0.3}}, "both fitted"),
        ({"novelty": (0.1, 1.0)}, {"accept": 1.5}, "accept"),
    ],
)
def test_bad_input_is_refused_before_any_run(observed, bounds, kwargs, match):
    with pytest.raises(ValueError, match=match):
        fit(observed, bounds, **kwargs)


def test_bad_observed_series_is_refused():
    with pytest.raises(ValueError, match="column"):
        fit(pd.DataFrame({"likes": [1.0, 2.0]}), {"novelty": (0.1, 1.0)})
    with pytest.raises(ValueError, match="negative"):
        fit(pd.DataFrame({"members": [1.0, -2.0]}), {"novelty": (0.1, 1.0)})
    with pytest.raises(ValueError, match="no values"):
        fit(pd.DataFrame({"members": [np.nan, np.nan]}), {"novelty": (0.1, 1.0)})


def test_shipped_brand_group_is_its_documented_reconstruction():
    shipped = load_brand_group()
    pd.testing.assert_frame_equal(shipped, reconstruct_brand_group(), check_dtype=False)
    assert shipped.members.max() == 330
    assert 900 <= shipped.messages[~shipped.expert_day].max() <= 1000
    late = shipped.loc[70:]
    assert late.messages[~late.expert_day].max() < 100
    assert late.messages[late.expert_day].between(280, 320).all()
