"""Running a model over seeds: the seed scheme and the one loop (commsim.replications)."""

import numpy as np
import pandas as pd
import pytest

from commsim import CommunityModel, analysis, calibrate
from commsim.replications import (
    daily_frame,
    replication_seeds,
    run_configurations,
    run_model,
    run_models,
    run_replications,
    run_seed,
    spawn_seed,
)
from commsim.sweep import experiment, worker


def test_seeds_are_spawn_keys_of_the_root_seed_sequence():
    children = np.random.SeedSequence(42).spawn(5)
    expected = [int(c.generate_state(1, np.uint64)[0] >> np.uint64(1)) for c in children]
    assert replication_seeds(42, 5) == expected
    assert replication_seeds(42, 3) == expected[:3]  # independent of how many are spawned
    assert len(set(replication_seeds(3, 200))) == 200
    assert replication_seeds(3, 5) != replication_seeds(4, 5)
    assert all(0 <= seed < 2**63 for seed in replication_seeds(9, 50))
    grandchild = np.random.SeedSequence(7).spawn(2)[1].spawn(4)[3].spawn(6)[5]
    assert run_seed(7, 3, 5) == (spawn_seed(7, (1, 3, 5)), (1, 3, 5))
    assert run_seed(7, 3, 5)[0] == int(grandchild.generate_state(1, np.uint64)[0] >> 1)
    with pytest.raises(ValueError, match="replications=-1"):
        replication_seeds(1, -1)
    with pytest.raises(ValueError, match="root=-3"):
        replication_seeds(-3, 2)


def test_one_scheme_and_one_loop_everywhere():
    assert calibrate.replication_seeds is replication_seeds
    assert experiment.run_seed is run_seed
    assert analysis.run_replications is run_replications
    assert analysis.run_configurations is run_configurations


def test_run_model_is_the_model_run_alone():
    model = CommunityModel(rng=5, population=300)
    model.run_for(20)
    again = run_model(5, 20, population=300)
    pd.testing.assert_frame_equal(daily_frame(again), daily_frame(model))
    assert daily_frame(again).index.name == "day"
    with pytest.raises(ValueError, match="days=0"):
        run_model(5, 0)


def test_a_sweep_run_is_run_model_of_its_seed():
    run = experiment.Experiment(days=15, replications=2, parameters={"population": 300}).run(0, 1)
    result = worker.execute_run(run, 15, ["members", "messages"], ["peak_members"])
    frame = daily_frame(run_model(run.seed, 15, **run.parameters))
    np.testing.assert_array_equal(result.timeseries, frame[["members", "messages"]].to_numpy())


def test_run_models_checks_before_any_run_and_gives_fresh_strategies():
    with pytest.raises(ValueError, match="population=1"):
        run_models([1], 10, population=1)  # raised on the call, not on iteration
    made = []

    def strategies():
        from commsim.strategies import RedPackets

        made.append(RedPackets(budget=100))
        return [made[-1]]

    models = list(run_models([1, 2], 5, strategies, population=300))
    assert [m.strategies[0] for m in models] == made and made[0] is not made[1]


def test_run_replications_stacks_runs():
    runs = run_replications([1, 2], 30, population=300)
    assert runs.columns[:2].tolist() == ["seed", "day"]
    assert len(runs) == 62 and runs.groupby("seed").day.max().tolist() == [30, 30]
    again = run_replications([1], 30, population=300)
    pd.testing.assert_frame_equal(again, runs[runs.seed == 1].reset_index(drop=True))
    with pytest.raises(ValueError, match="days=0"):
        run_replications([1], 0)
    with pytest.raises(ValueError, match="seeds=\\[\\]"):
        run_replications([], 10)
    with pytest.raises(ValueError, match="population=1"):
        run_replications([1], 10, population=1)
    paid = run_replications([1], 10, population=300, red_packets_budget=500)
    assert paid["spend"].sum() > 0  # flat strategy keywords work as in CommunityModel
    with pytest.raises(ValueError, match="red_packets_budget"):
        run_replications([1], 10, red_packets_budget=-5)


def test_run_configurations_label_each_run():
    runs = run_configurations(
        {"open": {}, "no cooling": {"cooling": 0.0}}, [1, 2], 10, population=300
    )
    assert runs.columns[:4].tolist() == ["configuration", "run", "seed", "day"]
    assert sorted(runs.run.unique()) == ["no cooling/1", "no cooling/2", "open/1", "open/2"]
    assert analysis.run_column(runs) == "run"
    open_runs = runs[runs.configuration == "open"].drop(columns=["configuration", "run"])
    pd.testing.assert_frame_equal(
        open_runs.reset_index(drop=True), run_replications([1, 2], 10, population=300)
    )
    assert len(analysis.lifecycle_summary(runs)) == 4
    with pytest.raises(ValueError, match="cooling=-1"):
        run_configurations({"bad": {"cooling": -1}}, [1], 10)
    with pytest.raises(ValueError, match="configurations=\\{\\}"):
        run_configurations({}, [1], 10)


def test_actions_run_on_their_day_and_leave_the_run_as_it_was():
    seen = {}

    def snapshot(model):
        seen[model.day] = int(model.group_sizes().sum())

    with_actions = run_model(4, 30, actions={0: snapshot, 10: snapshot, 30: snapshot},
                             population=300)  # fmt: skip
    plain = run_model(4, 30, population=300)
    pd.testing.assert_frame_equal(daily_frame(with_actions), daily_frame(plain))
    members = daily_frame(plain)["members"]
    assert seen == {day: members.iloc[day] for day in (0, 10, 30)}
    with pytest.raises(ValueError, match="actions on days \\[31\\]"):
        run_model(4, 30, actions={31: snapshot})
    models = list(run_models([1, 2], 5, actions={5: snapshot}, population=300))
    assert [m.day for m in models] == [5, 5]
