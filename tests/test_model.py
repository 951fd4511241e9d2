import mesa
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from commsim import CommunityModel, Member
from commsim.model import REPORTERS
from commsim.population import CONTRIBUTOR, LEFT, LURKER, MUTED, OUTSIDER


def run(days=365, **kwargs):
    model = CommunityModel(**kwargs)
    model.run_for(days)
    return model, model.datacollector.get_model_vars_dataframe()


@pytest.fixture(scope="module")
def default_year():
    return run(rng=1)


def test_first_contact_gives_one_row_a_day_with_every_metric(default_year):
    _, df = default_year
    assert len(df) == 366  # day 0 (the founders) and 365 days
    assert list(df.columns) == list(REPORTERS)
    assert df.members.iloc[0] == df.joined.iloc[0] == 12


def lifecycle_shape(df):
    """(peak day, peak / founders, the last week's messages over the busiest week's, mean
    share of members not posting: lurking or muted). A group declines by going quiet:
    muted members stay members, so the decline is read in its messages."""
    members = df.members
    lurking = ((df.lurkers + df.muted) / members.where(members > 0)).mean()
    weekly = df.messages.rolling(7).mean()
    growth, remaining = members.max() / members.iloc[0], weekly.iloc[-1] / weekly.max()
    return members.idxmax(), growth, remaining, lurking


def test_default_year_shows_a_lifecycle(default_year):
    _, df = default_year
    peak_day, growth, remaining, lurking = lifecycle_shape(df)
    assert 14 <= peak_day <= 180  # rise ...
    assert growth > 10  # ... to a real peak ...
    assert remaining < 0.25  # ... and decline
    assert lurking > 0.5  # most members lurk
    assert df.messages.iloc[-30:].mean() < 0.5 * df.messages.rolling(7).mean().max()


def test_lifecycle_is_the_rule_not_one_seed():
    shapes = np.array([lifecycle_shape(run(days=365, rng=seed)[1]) for seed in range(20)])
    peak_day, growth, remaining, lurking = shapes.T
    assert np.all(growth > 5)
    assert np.mean((peak_day > 14) & (peak_day < 200)) >= 0.9
    assert np.mean(remaining < 0.3) >= 0.9
    assert stats.ttest_1samp(lurking, 0.5, alternative="greater").pvalue < 0.001


def test_same_seed_same_numbers_other_seed_other_numbers():
    _, first = run(days=120, rng=7, population=800)
    _, again = run(days=120, rng=7, population=800)
    _, other = run(days=120, rng=8, population=800)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def cooling_gap(df, start=30, after_peak=30):
    """Count-weighted mean value of leavers minus joiners, from day ``start`` to the
    peak of membership plus ``after_peak`` days (the growth-to-peak phase, after the
    founders' sprout)."""
    window = df.loc[start : df.members.idxmax() + after_peak]
    if window.joined.sum() == 0 or window.left.sum() == 0:
        return np.nan
    leavers = (window.leaver_value.fillna(0) * window.left).sum() / window.left.sum()
    joiners = (window.joiner_value.fillna(0) * window.joined).sum() / window.joined.sum()
    return leavers - joiners


COOLING_SEEDS = range(100)
"""The gap is small against its spread (0.0066 with a spread of 0.017 a run at the
defaults of issue 10; 0.008 and 0.015 before): 60 seeds give p = 0.009, too few for
p < 0.001, and 100 seeds p = 1e-7."""


@pytest.fixture(scope="module")
def cooling_frames():
    """Daily frames of the default group over 240 days, one per seed of ``COOLING_SEEDS``."""
    return [run(days=240, rng=seed)[1] for seed in COOLING_SEEDS]


def test_open_group_cools_leavers_more_valuable_than_joiners(cooling_frames):
    gaps = np.array([cooling_gap(df) for df in cooling_frames])
    assert not np.isnan(gaps).any()
    result = stats.ttest_1samp(gaps, 0.0, alternative="greater")
    assert result.pvalue < 0.001, (gaps.mean(), result)
    # ... and the group's mean value falls from the founders' to the peak's
    falls = [df.mean_value.iloc[0] - df.mean_value.loc[df.members.idxmax()]
             for df in cooling_frames]  # fmt: skip
    assert stats.ttest_1samp(falls, 0.0, alternative="greater").pvalue < 0.001


def test_cooling_needs_the_comparison(cooling_frames):
    """Switching the comparison with the group off removes the cooling signature, on the
    first 60 seeds (paired: p = 3e-6 at the defaults of issue 10, 0.03 on 20 seeds)."""
    seeds = list(COOLING_SEEDS)[:60]
    gaps = np.array([cooling_gap(run(days=240, rng=s, cooling=0.0)[1]) for s in seeds])
    with_cooling = np.array([cooling_gap(cooling_frames[s]) for s in seeds])
    assert stats.ttest_rel(with_cooling, gaps, alternative="greater").pvalue < 0.001


def test_member_attributes_are_live_views_of_the_arrays():
    model = CommunityModel(rng=3, population=300)
    pop = model.population
    member = model.people[5]
    assert isinstance(member, Member) and member in model.agents
    assert member.need == pop.need[5] and member.value == pop.value[5]
    member.need = 0.9
    assert pop.need[5] == 0.9
    with pytest.raises(ValueError, match=r"need=1.5 .*\[0, 1\]"):
        member.need = 1.5
    model.run_for(60)
    for agent in model.people[:50]:
        expected = ("outsider", "contributor", "lurker", "left", "muted")[pop.state[agent.index]]
        assert agent.muted == (expected == "muted")
        assert agent.state == expected
        assert agent.contributions == pop.contributions[agent.index]
    inside = model.members()
    assert len(inside) == np.count_nonzero(pop.group >= 0)
    assert all(m.state in ("contributor", "lurker", "muted") and m.group == 0 for m in inside)
    assert all(m.tenure == model.day - pop.joined_day[m.index] for m in inside)


def test_a_users_network_is_used():
    graph = nx.complete_graph(60)
    model, df = run(days=30, rng=1, population=60, network=graph)
    assert model.network is graph
    assert model.adjacency.shape == (60, 60) and model.adjacency.sum() == 60 * 59
    # with everyone a friend of everyone, friends bring in people quickly
    assert df.members.max() > 20


def test_several_groups_share_one_population():
    model, df = run(days=60, rng=2, groups=3, population=1500)
    sizes = model.group_sizes()
    assert sizes.size == 3 and (sizes > 0).all()
    assert sizes.sum() == df.members.iloc[-1]
    assert df.active_groups.iloc[-1] == 3
    new = model.add_group()
    assert new == 3 and model.n_groups == 4
    model.step()
    assert model.group_sizes().size == 4


def test_batch_run_works():
    results = mesa.batch_run(
        CommunityModel,
        {"population": [200, 400], "social_pull": 0.05},
        rng=[1, 2],
        max_steps=20,
        data_collection_period=1,
        number_processes=1,
        display_progress=False,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 2 * 2 * 21  # settings x seeds x (day 0 + 20 days)
    assert set(frame.population) == {200, 400}
    assert {"members", "messages", "gini"} <= set(frame.columns)


def test_states_are_consistent_with_groups():
    model, _ = run(days=90, rng=4, population=500)
    pop = model.population
    inside = pop.group >= 0
    assert np.all(np.isin(pop.state[inside], (CONTRIBUTOR, LURKER, MUTED)))
    assert np.all(np.isin(pop.state[~inside], (OUTSIDER, LEFT)))
    assert np.all((pop.state == LEFT) == (pop.left_day >= 0))


def test_the_days_metrics_are_their_definitions():
    """The day's metrics, counted in one pass over the members (``_day_metrics``), are
    their definitions' numbers every day: counts by state with spammers apart, the
    members' mean value, the groups with a member (an empty group not among them),
    participation over the contributions of members who are not spammers, and the
    messages and the joiners' and leavers' mean values as numpy sums them, to the bit."""
    from commsim.inequality import participation
    from commsim.population import SPAMMER

    model = CommunityModel(rng=6, population=400, groups=2, spammer_share=0.2)
    model.run_for(5)
    model.close_group(model.add_group())  # stays empty: no one can join it
    for _ in range(30):
        model.step()
        pop, row = model.population, model._metrics
        members = pop.members
        spammer = pop.role[members] == SPAMMER
        state = pop.state[members]
        assert row["members"] == members.size
        assert row["contributors"] == np.count_nonzero(~spammer & (state == CONTRIBUTOR))
        assert row["lurkers"] == np.count_nonzero(state == LURKER)
        assert row["muted"] == np.count_nonzero(state == MUTED)
        assert row["spammers"] == np.count_nonzero(spammer)
        assert row["mean_value"] == pytest.approx(pop.value[members].mean(), rel=1e-12)
        assert row["active_groups"] == np.unique(pop.group[members]).size == 2
        expected = participation(pop.contributions[members[~spammer]])
        np.testing.assert_array_equal([row["gini"], row["top1_share"], row["top10_share"]],
                                      expected)  # fmt: skip
        today = model.today
        np.testing.assert_array_equal(
            [row["messages"], row["spam_messages"], row["joiner_value"], row["leaver_value"]],
            [today.messages.sum() - today.spam.sum(), today.spam.sum(),
             pop.value[today.joined].mean() if today.joined.size else np.nan,
             pop.value[today.left].mean() if today.left.size else np.nan],
        )  # fmt: skip
    assert model._metrics["spammers"] > 0


def test_the_days_sums_are_numpy_s():
    """``_summed`` adds as numpy's pairwise ``sum`` does (in order below 8 values, 8 running
    sums up to 128, halves above): the same number to the bit at every size."""
    from commsim.model import _summed

    rng = np.random.default_rng(8)
    for size in [*range(300), 1000, 8191, 8192, 8193, 20_000]:
        values = rng.lognormal(size=size)
        assert _summed(values) == values.sum()


def test_the_days_metrics_of_no_members():
    """With every member removed, the counts are 0 and the means and inequality NaN."""
    import math

    model = CommunityModel(rng=7, population=200)
    model.run_for(3)
    model.remove_members(model.population.members, model.today)
    model._record(model.today)
    row = model._metrics
    assert row["members"] == row["active_groups"] == row["spammers"] == 0
    assert math.isnan(row["mean_value"]) and math.isnan(row["gini"])
