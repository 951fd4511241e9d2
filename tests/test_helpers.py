"""The shared test helpers work as the tests use them."""

from helpers.replications import SEEDS, frame, runs
from helpers.strategies import FailOn, name

from commsim.strategies.building import build_strategy


def test_sweep_strategies_are_found_by_name():
    assert name(FailOn) == "helpers.strategies:FailOn"
    assert isinstance(build_strategy(name(FailOn), {"fail": 1}), FailOn)


def test_replicated_runs_are_one_model_per_seed():
    models = runs(list, days=3, population=100)
    assert [model.day for model in models] == [3] * len(SEEDS)
    assert frame(models[0]).index.name == "day" and len(frame(models[0])) == 4
