"""The strategies' public interface: construction, validation, flat keywords, names, accounts."""

import inspect

import mesa
import numpy as np
import pandas as pd
import pytest

import commsim
from commsim import CommunityModel
from commsim.outcomes import run_outcomes
from commsim.strategies import (
    FLAT_PARAMETERS,
    STRATEGIES,
    Badges,
    ContentMix,
    EntryThreshold,
    KOLSeeding,
    Moderation,
    RedPackets,
    Referral,
    ScheduledEvents,
    SizeCap,
    Strategy,
    build,
    build_dotted,
    registry,
)

#: Settings that make each built-in strategy act within a short run (the others: defaults).
ACTING = {
    "EntryThreshold": {"kind": "fee", "level": 0.2},
    "RedPackets": {"start": 3, "every": 5},
    "Badges": {"threshold": 5},
    "InviteLeaderboard": {"period": 10, "owner_invites": 2},
    "KOLSeeding": {"count": 2, "sharing_every": 3},
    "SizeCap": {"max_members": 30, "split": True, "matrix": True, "private_value": 0.5},
    "Moderation": {"strictness": 0.05},
    "ScheduledEvents": {"every": 4, "start": 2},
    "Conversion": {"rate": 0.3},
    "SocialComparison": {"start": 5, "cost": 1.0},
}


def every_strategy() -> list[Strategy]:
    """One of each built-in (``registry.BUILT_INS``), at settings that make each act
    within a short run."""
    return [STRATEGIES[name](**ACTING.get(name, {})) for name in registry.BUILT_INS]


def frame(model: CommunityModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def test_every_strategy_is_exported_and_registered():
    for name in registry.BUILT_INS:
        cls = STRATEGIES[name]
        assert getattr(commsim.strategies, name) is cls and name in commsim.strategies.__all__
        assert issubclass(cls, Strategy)
        assert list(inspect.signature(cls).parameters) == list(cls.PARAMETERS)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: RedPackets(budget=-1), ["RedPackets", "budget=-1", "[0, inf)"]),
        (lambda: EntryThreshold(kind="bribe"), ["EntryThreshold", "kind='bribe'", "'fee'",
                                                "'invitation'", "'review'", "'task'"]),
        (lambda: SizeCap(max_members=1), ["SizeCap", "max_members=1", "[2,"]),
        (lambda: SizeCap(split="maybe"), ["split='maybe'", "False, True"]),
        (lambda: Moderation(strictness=2), ["strictness=2", "[0, 1]"]),
        (lambda: ScheduledEvents(every=0), ["every=0", "an integer in [1,"]),
        (lambda: Referral(rewrad=3), ["Referral", "rewrad", "reward"]),
        (lambda: build("Lottery", {}), ["Lottery", "RedPackets", "SizeCap"]),
        (lambda: build_dotted({"RedPackets.budgte": 5}), ["budgte", "budget"]),
        (lambda: CommunityModel(red_packets_budget=-5), ["red_packets_budget=-5.0", "[0, inf)"]),
        (lambda: CommunityModel(entry_threshold_kind="bribe"), ["entry_threshold_kind", "'fee'"]),
        (lambda: CommunityModel(size_cap_max_members=1), ["size_cap_max_members=1", "[2,"]),
        (lambda: CommunityModel(size_cap=False, size_cap_max_members=1), ["size_cap_max_members"]),
        (lambda: CommunityModel(moderation="sometimes"), ["moderation='sometimes'", "True"]),
    ],
)  # fmt: skip
def test_bad_input_names_parameter_value_and_allowed_values(make, words):
    with pytest.raises(ValueError) as error:
        make()
    for word in words:
        assert word in str(error.value)


def test_kol_count_larger_than_the_outsiders_is_refused():
    with pytest.raises(ValueError, match="count=50"):
        CommunityModel(rng=1, population=40, strategies=[KOLSeeding(count=50)])


def test_flat_keywords_follow_the_switch_rule():
    """The switch decides when given; otherwise any given parameter switches a strategy on."""
    assert CommunityModel(rng=1, population=100).strategies == []
    (on,) = CommunityModel(rng=1, population=100, red_packets_budget=500).strategies
    assert isinstance(on, RedPackets) and on.budget == 500 and on.every == 7
    (on,) = CommunityModel(rng=1, population=100, moderation=True).strategies
    assert isinstance(on, Moderation) and on.params == Moderation().params
    off = CommunityModel(rng=1, population=100, moderation=False, moderation_strictness=0.5)
    assert off.strategies == []
    # a slider interface passes every keyword; None means "not given"
    everything = {name: None for name in FLAT_PARAMETERS}
    assert CommunityModel(rng=1, population=100, **everything).strategies == []
    both = CommunityModel(
        rng=1, population=100, strategies=[Badges()], entry_threshold_kind="review",
        entry_threshold_level="0.3", size_cap_split="true",
    )  # fmt: skip
    assert [type(s) for s in both.strategies] == [Badges, EntryThreshold, SizeCap]
    assert both.strategies[1].level == 0.3 and both.strategies[2].split is True


def test_flat_keywords_are_in_the_signature_and_table():
    signature = inspect.signature(CommunityModel)
    for name, parameter in FLAT_PARAMETERS.items():
        assert signature.parameters[name].default is None
        assert parameter.name == name
    assert FLAT_PARAMETERS["red_packets_budget"].default == RedPackets.PARAMETERS["budget"].default
    assert "kol_seeding_leave_on" in FLAT_PARAMETERS and "size_cap" in FLAT_PARAMETERS
    assert not set(FLAT_PARAMETERS) & set(commsim.PARAMETERS)


def test_build_by_name_and_by_dotted_names():
    assert build("RedPackets", {"budget": 300}).params == RedPackets(budget=300).params
    assert build("red_packets").params == RedPackets().params
    built = build_dotted(
        {"EntryThreshold.kind": "fee", "RedPackets.budget": 300, "EntryThreshold.level": 0.7,
         "Moderation": True, "Badges.threshold": 9, "Badges": False}
    )  # fmt: skip
    assert [type(s) for s in built] == [EntryThreshold, RedPackets, Moderation]
    assert built[0].kind == "fee" and built[0].level == 0.7 and built[1].budget == 300


def test_objects_flat_keywords_and_names_give_the_same_run():
    objects = CommunityModel(rng=5, population=300, strategies=[RedPackets(budget=400)])
    flat = CommunityModel(rng=5, population=300, red_packets_budget=400)
    named = CommunityModel(
        rng=5, population=300, strategies=build_dotted({"RedPackets.budget": 400})
    )
    for model in (objects, flat, named):
        model.run_for(40)
    pd.testing.assert_frame_equal(frame(objects), frame(flat))
    pd.testing.assert_frame_equal(frame(objects), frame(named))


def test_batch_run_sets_flat_keywords():
    results = mesa.batch_run(
        CommunityModel,
        {"population": 150, "red_packets_budget": [0.0, 300.0], "moderation": True},
        rng=[1], max_steps=20, number_processes=1, data_collection_period=1,
        display_progress=False,
    )  # fmt: skip
    spend = {row["red_packets_budget"]: row["spend"] for row in results if row["Step"] == 20}
    assert set(spend) == {0.0, 300.0}
    totals = {
        budget: sum(r["spend"] for r in results if r["red_packets_budget"] == budget)
        for budget in spend
    }
    assert totals[300.0] > totals[0.0] > 0  # moderation costs in both, red packets in one


def test_all_strategies_together_keep_the_books_and_the_member_count():
    strategies = every_strategy()
    model = CommunityModel(rng=3, population=500, strategies=strategies)
    model.run_for(60)
    df = frame(model)
    previous = df["members"].shift(fill_value=0)
    assert (df["members"] == previous + df["joined"] - df["left"]).all()
    assert df["spend"].sum() == pytest.approx(sum(s.spent for s in strategies))
    assert df["revenue"].sum() == pytest.approx(sum(s.earned for s in strategies))
    for strategy in strategies:
        if not isinstance(strategy, SizeCap):  # costs nothing by default
            assert strategy.spent > 0 or strategy.earned > 0, strategy
    assert model.n_groups > 2  # the private group and at least one split
    outcomes = run_outcomes(df)
    assert outcomes["total_spend"] > 0 and np.isfinite(outcomes["return_on_spend"])


def test_same_seed_same_numbers_with_every_strategy():
    first = CommunityModel(rng=11, population=400, strategies=every_strategy())
    second = CommunityModel(rng=11, population=400, strategies=every_strategy())
    first.run_for(40)
    second.run_for(40)
    pd.testing.assert_frame_equal(frame(first), frame(second))


def test_a_strategy_object_can_be_reused_in_a_new_model():
    strategy = RedPackets(start=2, every=2, budget=300)
    first = CommunityModel(rng=2, population=200, strategies=[strategy])
    first.run_for(30)
    second = CommunityModel(rng=2, population=200, strategies=[strategy])
    second.run_for(30)
    pd.testing.assert_frame_equal(frame(first), frame(second))
    assert strategy.spent == 300


def test_no_strategy_leaves_the_model_unchanged():
    """Strategies that never act leave the run identical to the bare model."""
    bare = CommunityModel(rng=4, population=300)
    idle = CommunityModel(
        rng=4, population=300,
        strategies=[RedPackets(budget=0), ScheduledEvents(start=10_000), ContentMix(
            operator_posts=0)],
    )  # fmt: skip
    bare.run_for(50)
    idle.run_for(50)
    pd.testing.assert_frame_equal(frame(bare), frame(idle))
