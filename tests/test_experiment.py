"""Experiments: designs, seeds and validation (no sweep is run here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers.strategies import PostingBoost, name

from commsim import CommunityModel
from commsim.population import CONTRIBUTOR, SPAMMER
from commsim.sweep import Experiment, ExperimentError, Range, model_for, run_seed
from commsim.sweep.worker import execute_run

SMALL = {"population": 300}


def test_grid_is_every_combination_with_policies_slowest():
    e = Experiment(
        days=30, replications=3, parameters=SMALL,
        vary={"ambient_inflow": [0.01, 0.02, 0.03], "EntryThreshold.level": [0.0, 0.5]},
        policies={"none": {}, "moderated": {"Moderation": {}}},
    )  # fmt: skip
    settings = e.settings()
    assert list(settings.columns) == ["setting", "policy", "ambient_inflow", "EntryThreshold.level"]
    assert len(settings) == 2 * 3 * 2 and e.run_count() == 36
    assert list(settings.setting) == list(range(12))
    columns = ["policy", "ambient_inflow", "EntryThreshold.level"]
    combos = set(settings[columns].itertuples(index=False))
    assert len(combos) == 12
    assert list(settings.policy[:6]) == ["none"] * 6


def test_run_carries_fixed_varied_and_policy_strategies():
    e = Experiment(
        parameters=SMALL, strategies={"EntryThreshold": {"kind": "fee"}},
        vary={"EntryThreshold.level": [0.2, 0.4], "ambient_inflow": [0.02]},
        policies={"plain": {}, "packets": {"RedPackets": {"budget": 100.0}}},
    )  # fmt: skip
    runs = list(e.runs())
    last = runs[-1]
    assert last.parameters == {"population": 300, "ambient_inflow": 0.02}
    assert dict(last.strategies) == {
        "EntryThreshold": {"kind": "fee", "level": 0.4},
        "RedPackets": {"budget": 100.0},
    }
    assert dict(runs[0].strategies) == {"EntryThreshold": {"kind": "fee", "level": 0.2}}


def test_strategy_named_only_by_a_varied_parameter_is_added():
    e = Experiment(parameters=SMALL, vary={"RedPackets.budget": [0.0, 50.0]})
    assert e.strategies == {"RedPackets": {}}
    assert dict(next(e.runs()).strategies) == {"RedPackets": {"budget": 0.0}}


def test_latin_design_covers_each_range_once_per_stratum():
    e = Experiment(
        parameters=SMALL, design="latin", samples=20,
        vary={"ambient_inflow": Range(0.01, 0.05), "initial_members": Range(5, 14)},
    )  # fmt: skip
    settings = e.settings()
    assert len(settings) == 20 and list(settings["sample"]) == list(range(20))
    strata = np.floor((settings.ambient_inflow - 0.01) / 0.04 * 20).astype(int)
    assert sorted(strata) == list(range(20))  # one point in each twentieth
    members = settings.initial_members
    assert members.dtype.kind == "i" and members.min() >= 5 and members.max() <= 14
    assert np.bincount(members - 5).tolist() == [2] * 10  # integers equally often
    again = Experiment(**{**_fields(e), "seed": e.seed}).settings()
    pd.testing.assert_frame_equal(settings, again)  # same seed, same design
    other = Experiment(**{**_fields(e), "seed": e.seed + 1}).settings()
    assert not other.ambient_inflow.equals(settings.ambient_inflow)


def test_sobol_design_has_saltelli_size_and_crosses_lists():
    e = Experiment(
        parameters=SMALL, design="sobol", samples=8,
        vary={"ambient_inflow": Range(0.01, 0.05), "social_pull": Range(0.0, 0.1),
              "novelty": [0.2, 0.4]},
    )  # fmt: skip
    settings = e.settings()
    assert len(settings) == 2 * 8 * (2 + 2)
    for _, block in settings.groupby("novelty"):
        assert list(block["sample"]) == list(range(32))
        assert block.ambient_inflow.between(0.01, 0.05).all()


def test_seeds_come_from_spawned_seed_sequences_and_rerun_alone():
    e = Experiment(days=40, replications=2, seed=11, parameters=SMALL,
                   vary={"ambient_inflow": [0.01, 0.03]})  # fmt: skip
    runs = list(e.runs())
    spawned = [child.spawn(2) for child in np.random.SeedSequence(11).spawn(2)[1].spawn(2)]
    for run in runs:
        grandchild = spawned[run.setting][run.replication]
        assert run.spawn_key == grandchild.spawn_key == (1, run.setting, run.replication)
        assert run.seed == int(grandchild.generate_state(1, np.uint64)[0] >> np.uint64(1))
        assert (run.seed, run.spawn_key) == run_seed(11, run.setting, run.replication)
    assert len({run.seed for run in runs}) == len(runs)
    run = runs[3]
    result = execute_run(run, 40, ["members", "messages"], ["end_members"])
    alone = CommunityModel(rng=run.seed, **run.parameters)
    alone.run_for(40)
    frame = alone.datacollector.get_model_vars_dataframe()
    np.testing.assert_array_equal(result.timeseries, frame[["members", "messages"]].to_numpy(float))
    assert model_for(run).params == alone.params


def test_contributor_outcomes_count_members_who_posted_spammers_left_out():
    e = Experiment(days=40, replications=1, seed=3,
                   parameters={**SMALL, "spammer_share": 0.2, "spam_rate": 1.0})  # fmt: skip
    (run,) = e.runs()
    result = execute_run(run, 40, ["contributors"], ["end_contributors", "active_member_days"])
    model = model_for(run)
    model.run_for(40)
    pop = model.population
    posted = pop.state[pop.members] == CONTRIBUTOR
    spammer = pop.role[pop.members] == SPAMMER
    assert np.count_nonzero(posted & spammer) > 0  # spammers posted ads on the last day
    assert result.outcomes["end_contributors"] == np.count_nonzero(posted & ~spammer)
    assert result.outcomes["active_member_days"] == result.timeseries[1:, 0].sum()


def test_seeds_do_not_depend_on_the_number_of_replications():
    base = dict(parameters=SMALL, vary={"ambient_inflow": [0.01, 0.03]}, seed=5)
    few = {(r.setting, r.replication): r.seed for r in Experiment(replications=2, **base).runs()}
    many = {(r.setting, r.replication): r.seed for r in Experiment(replications=5, **base).runs()}
    assert all(many[key] == seed for key, seed in few.items())
    assert Experiment(replications=2, **base).fingerprint() == Experiment(
        replications=5, **base).fingerprint()  # fmt: skip


def test_custom_strategy_by_import_path_changes_the_numbers():
    e = Experiment(days=40, replications=1, parameters=SMALL,
                   vary={f"{name(PostingBoost)}.factor": [1.0, 3.0]})  # fmt: skip
    plain, boosted = (execute_run(r, 40, ["messages"], ["total_messages"]) for r in e.runs())
    assert boosted.outcomes["total_messages"] > plain.outcomes["total_messages"]


@pytest.mark.parametrize(
    ("fields", "key", "words"),
    [
        ({"parameters": {"populaton": 300}}, ("parameters", "populaton"), "unknown model"),
        ({"parameters": {"population": "300"}}, ("parameters", "population"), "wrong type"),
        ({"parameters": {"red_packets_budget": 5}}, ("parameters", "red_packets_budget"),
         "[strategies.RedPackets] budget"),
        ({"parameters": {"population": 1}}, ("parameters", "population"), "out of range"),
        ({"vary": {"ambient_inflow": Range(0.3, 0.1)}, "design": "latin"},
         ("vary", "ambient_inflow"), "low=0.3 must be below high=0.1"),
        ({"vary": {"ambient_inflow": Range(0.01, 2.0)}, "design": "latin"},
         ("vary", "ambient_inflow"), "out of range"),
        ({"vary": {"ambient_inflow": Range(0.01, 0.1)}}, ("vary", "ambient_inflow"),
         "needs design"),
        ({"vary": {"ambient_inflow": [0.01, "high"]}}, ("vary", "ambient_inflow"), "all numbers"),
        ({"vary": {"ambient_inflow": []}}, ("vary", "ambient_inflow"), "at least one value"),
        ({"vary": {"RedPackets.budgt": [1.0]}}, ("vary", "RedPackets.budgt"), "unknown parameter"),
        ({"vary": {"RedPacket.budget": [1.0]}}, ("vary", "RedPacket.budget"), "unknown strategy"),
        ({"vary": {"EntryThreshold.kind": Range(0, 1)}, "design": "latin"},
         ("vary", "EntryThreshold.kind"), "not a range"),
        ({"vary": {"EntryThreshold.kind": ["fee", "bribe"]}}, ("vary", "EntryThreshold.kind"),
         "bribe"),
        ({"strategies": {"EntryThreshold": {"level": "high"}}},
         ("strategies", "EntryThreshold", "level"), "wrong type"),
        ({"strategies": {"EntryThreshold": {"levle": 0.2}}},
         ("strategies", "EntryThreshold", "levle"), "unknown parameter"),
        ({"strategies": {"Moderation": {}}, "policies": {"a": {"Moderation": {}}}},
         ("policies", "a", "Moderation"), "one place"),
        ({"metrics": ["members", "memberz"]}, ("metrics",), "unknown metric 'memberz'"),
        ({"outcomes": ["peak"]}, ("outcomes",), "unknown outcome 'peak'"),
        ({"days": 0}, ("days",), "integer in [1, 100,000]"),
        ({"replications": 2.5}, ("replications",), "integer in [1, 1,000,000]"),
        ({"design": "random"}, ("design",), "not a design"),
        ({"design": "sobol", "samples": 10, "vary": {"novelty": Range(0.1, 0.5)}},
         ("samples",), "power of two"),
        ({"report": {"x": "novelty"}}, ("report", "x"), "not varied"),
        ({"report": {"best": {"outcome": "end_members", "goal": "most"}}},
         ("report", "best", "goal"), "max"),
        ({"report": {"sensitivity": ["end_members"]}}, ("report", "sensitivity"), "sobol"),
    ],
)  # fmt: skip
def test_bad_experiments_fail_naming_the_key(fields, key, words):
    with pytest.raises(ExperimentError) as caught:
        Experiment(**{"parameters": SMALL, **fields})
    assert caught.value.key == key
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_to_dict_round_trips():
    e = Experiment(parameters=SMALL, design="latin", samples=4, question="q?",
                   vary={"ambient_inflow": Range(0.01, 0.05), "EntryThreshold.level": [0.1]},
                   report={"x": "ambient_inflow"})  # fmt: skip
    again = Experiment.from_dict(e.to_dict())
    assert again == e and again.fingerprint() == e.fingerprint()
    with pytest.raises(ExperimentError, match="unknown key"):
        Experiment.from_dict({**e.to_dict(), "replication": 3})


def _fields(e: Experiment) -> dict:
    return {k: getattr(e, k) for k in e.__dataclass_fields__}


def test_settings_that_cannot_be_built_together_fail_before_any_run():
    with pytest.raises(ExperimentError, match=r"vary.initial_members: setting 3: "
                       r"initial_members=60 x groups=2 is larger than population=100"):
        Experiment(days=5, parameters={"population": 100},
                   vary={"initial_members": [10, 60], "groups": [1, 2]})  # fmt: skip
    with pytest.raises(ExperimentError, match=r"^parameters: setting 0: initial_members=30"):
        Experiment(days=5, parameters={"population": 50, "initial_members": 30, "groups": 2})
