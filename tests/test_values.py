"""Every value checked: booleans are not numbers, open ends refuse infinities, NaN and
huge integers are named, every lower bound makes a valid run, networks, strategies and
rng are checked, levers combined into a chance stay in [0, 1], experiments have sizes."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from commsim import PARAMETERS, CommunityModel, rules
from commsim.replications import MAX_DAYS, MAX_RUNS
from commsim.strategies import Badges, RedPackets, Referral, SizeCap
from commsim.sweep import Experiment, ExperimentError, Range
from commsim.sweep.checks.entries import MAX_SETTINGS

SMALL = {"population": 60, "initial_members": 5}


@pytest.mark.parametrize(
    "value, words",
    [
        (True, "a boolean is not a number"),
        (np.bool_(True), "a boolean is not a number"),
        (math.inf, "out of range"),
        (-math.inf, "out of range"),
        (math.nan, "not valid"),
        (10**400, "out of range"),
        (-(10**400), "out of range"),
        (2.5, "not valid"),
        (None, "not valid"),
        ([3], "not valid"),
    ],
)
@pytest.mark.parametrize("name", ["population", "groups", "promotion_days", "rewiring"])
def test_bad_numbers_are_refused_naming_parameter_value_and_range(name, value, words):
    if value == 2.5 and PARAMETERS[name].kind is float:
        return  # a fraction is a good float
    with pytest.raises(ValueError, match=rf"^{name}=.*{words}.*expected an? (integer|number) in"):
        CommunityModel(rng=1, **{**SMALL, name: value})


def test_an_open_infinite_end_refuses_infinity_and_a_strategy_says_its_name():
    assert PARAMETERS["promotion_days"].allowed == "a number in (0, inf)"
    with pytest.raises(ValueError, match=r"^Badges: cost=inf is out of range: .*\[0, inf\)"):
        Badges(cost=math.inf)
    with pytest.raises(ValueError, match=r"^RedPackets: every=True is not valid: a boolean"):
        RedPackets(every=True)


def test_every_lower_bound_gives_a_valid_run():
    """Each parameter at its lowest allowed value (or just above an open one), and as
    -0.0 where 0 is allowed, runs three days."""
    for parameter in PARAMETERS.values():
        low = parameter.low
        if parameter.low_open:
            low = math.nextafter(low, math.inf) if parameter.kind is float else low + 1
        values = [low] + ([-0.0] if low == 0 and not parameter.low_open else [])
        for value in values:
            params = {**SMALL, parameter.name: value}
            if parameter.name == "population":
                params["initial_members"] = 1
            model = CommunityModel(rng=2, **params)
            model.run_for(3)
            assert math.copysign(1, model.params[parameter.name]) == 1  # -0.0 became 0.0


@pytest.mark.parametrize(
    "network, words",
    [
        (nx.MultiGraph(nx.path_graph(60)), "network is a MultiGraph: expected a simple"),
        (nx.DiGraph(nx.path_graph(60)), "network is a directed graph"),
        (np.zeros((60, 60)), r"network=ndarray \(60, 60\): expected a networkx.Graph"),
        (sp.csr_array((60, 60)), r"network=csr_array \(60, 60\): expected a networkx.Graph"),
        ([(0, 1)], "network=.*expected a networkx.Graph or None"),
    ],
)
def test_networks_other_than_an_undirected_simple_graph_are_refused(network, words):
    with pytest.raises(ValueError, match=words):
        CommunityModel(rng=1, network=network, **SMALL)


@pytest.mark.parametrize(
    "strategies, words",
    [
        (None, r"strategies=None: expected a list of strategy instances"),
        ("RedPackets", r"strategies='RedPackets' is text: .*red_packets=True"),
        (RedPackets(), r"is one strategy: give a list, strategies=\[RedPackets\(...\)\]"),
        ([RedPackets], r"RedPackets is a class; give an instance, RedPackets\(\)"),
        ([1], r"strategies: 1 is not a commsim strategy"),
        (5, r"strategies=5: expected a list"),
    ],
)
def test_strategies_other_than_a_list_of_instances_are_refused(strategies, words):
    with pytest.raises(ValueError, match=words):
        CommunityModel(rng=1, strategies=strategies, **SMALL)


@pytest.mark.parametrize("rng", ["x", -1, True, 1.5, [1, -2], object()])
def test_a_bad_rng_is_named(rng):
    with pytest.raises(ValueError, match=r"^rng=.*expected None, an integer >= 0"):
        CommunityModel(rng=rng, **SMALL)


def test_seed_points_to_rng_and_a_typo_to_the_right_name():
    with pytest.raises(ValueError, match=r"^seed=1: .*rng=, e.g. CommunityModel\(rng=42\)"):
        CommunityModel(seed=1)
    with pytest.raises(ValueError, match=r"populaton: did you mean population\?"):
        CommunityModel(populaton=100)


def test_a_cap_holds_the_founders_and_the_seeded_kols():
    with pytest.raises(ValueError, match=r"max_members=5 is below the 12 founders of a group"):
        CommunityModel(rng=1, population=200, strategies=[SizeCap(max_members=5)])
    with pytest.raises(ValueError, match=r"12 founders plus 3 seeded KOLs .*>= 15"):
        CommunityModel(rng=1, population=200, size_cap_max_members=12, kol_seeding=True)
    model = CommunityModel(rng=1, population=200, size_cap_max_members=15, kol_seeding=True)
    model.run_for(5)
    assert model.group_sizes().max() <= 15
    with pytest.raises(ValueError, match=r"followers=500 is more than the other people"):
        CommunityModel(rng=1, population=200, kol_seeding_followers=500)


def test_discovery_through_friends_stays_a_probability_whatever_the_levers():
    friends = np.arange(5)
    for pull in (0.5, 1.0, 5.0, 66.8):
        chance = rules.discovery_probability(0.01, friends, pull)
        assert np.all((chance >= 0) & (chance <= 1))
    np.testing.assert_allclose(rules.discovery_probability(0.01, friends, 5.0), [0.01, 1, 1, 1, 1])
    model = CommunityModel(rng=3, population=300, social_pull=0.05,
                           strategies=[Referral(gain=100, reward=1e6)])  # fmt: skip
    model.run_for(10)  # pull far above 1: a certainty, not a negative chance
    assert model.group_sizes().sum() <= 300


@pytest.mark.parametrize(
    "fields, key, words",
    [
        ({"replications": 10**9}, "replications", "expected an integer in [1, 1,000,000]"),
        ({"days": 2**63 - 1}, "days", f"expected an integer in [1, {MAX_DAYS:,}]"),
        (
            {
                "vary": {
                    n: [0.1 + i / 1e4 for i in range(1000)]
                    for n in ("ambient_inflow", "social_pull", "cooling")
                }
            },  # fmt: skip
            "vary",
            f"1,000,000,000 settings (design points): expected at most {MAX_SETTINGS:,}",
        ),
        (
            {"replications": 100_000, "vary": {"ambient_inflow": [0.01 * i for i in range(101)]}},
            "replications",
            f"runs: expected at most {MAX_RUNS:,}",
        ),
        ({"vary": {"ambient_inflow": [0.01, 0.01]}}, "vary.ambient_inflow", "values repeat"),
        ({"vary": {"population": [100, 100.0]}}, "vary.population", "100 and 100.0 are the same"),
        ({"vary": {"RedPackets.every": [1, 1.0]}}, 'vary."RedPackets.every"', "values repeat"),
        ({"outcomes": []}, "outcomes", "expected at least one outcome"),
        ({"metrics": []}, "metrics", "expected at least one metric"),
        ({"outcomes": ["peak_day", "peak_day"]}, "outcomes", "outcomes repeat"),
        (
            {"design": "latin", "vary": {"promotion_days": Range(1, math.inf)}},
            "vary.promotion_days",
            "promotion_days=inf is out of range",
        ),
        ({"parameters": {"population": math.inf}}, "parameters.population", "out of range"),
        ({"parameters": {"groups": True}}, "parameters.groups", "wrong type"),
        ({"strategies": {"Badges": {"cost": math.inf}}}, "strategies.Badges.cost", "inf"),
    ],
)
def test_experiments_have_stated_sizes_and_no_repeats(fields, key, words):
    with pytest.raises(ExperimentError) as error:
        Experiment(**fields)
    assert str(error.value).startswith(f"{key}: ") and words in str(error.value)


def test_negative_zero_noise_is_zero_in_an_experiment():
    assert Experiment(parameters={"mood_noise": -0.0}).parameters["mood_noise"] == 0.0


MECHANISMS = ["muting", "muted_reading", "mention_pull", "resurfacing", "reply_rate",
              "response_gain", "response_memory", "answer_utility", "silent_exposure",
              "linked_gain", "report_rate", "spam_move_on", "spam_readers"]  # fmt: skip
"""Parameters of muting, audience and response, exposure through friends and spam."""


@pytest.mark.parametrize("name", MECHANISMS)
def test_the_mechanisms_parameters_are_refused_out_of_range_by_name(name):
    parameter = PARAMETERS[name]
    below = parameter.low if parameter.low_open else parameter.low - 1
    above = [parameter.high + 1] if math.isfinite(parameter.high) else []
    for value in [below, *above, math.nan, True, "many"]:
        with pytest.raises(ValueError, match=rf"^{name}=.*expected a number in"):
            CommunityModel(rng=1, **{**SMALL, name: value})
    with pytest.raises(ValueError, match=rf"{name}s: did you mean {name}\?"):
        CommunityModel(rng=1, **{**SMALL, name + "s": parameter.default})
