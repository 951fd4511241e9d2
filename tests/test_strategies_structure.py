"""Structure and rules: a size cap with splitting and a matrix of groups; moderation."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel
from commsim.population import MUTED, SPAMMER
from commsim.strategies import (
    InviteLeaderboard,
    KOLSeeding,
    Moderation,
    RedPackets,
    Referral,
    SizeCap,
    Strategy,
)


class LargestGroup(Strategy, register=False):
    """Records the largest group's size at the end of every day (an observer)."""

    def setup(self, model):
        super().setup(model)
        self.sizes = []

    def end_day(self, model, today):
        self.sizes.append(int(model.group_sizes().max()))


# ---------------------------------------------------------------------- size cap
def every_route_in() -> list[Strategy]:
    """Strategies that bring people in besides ads and friends: seeded KOLs and their
    followers' pull, referrals, invitations for the leaderboard, red packets' pull."""
    return [KOLSeeding(count=4), Referral(), InviteLeaderboard(), RedPackets()]


@pytest.mark.parametrize("cap", [{}, {"split": True}, {"matrix": True}])
def test_no_route_into_a_group_exceeds_its_cap(cap):
    """Ads, friends, KOLs, referrals, invitations, a split's new group and the private
    group of a matrix all stop at the cap, day after day."""
    make = lambda: [SizeCap(max_members=25, **cap), *every_route_in(), LargestGroup()]  # noqa: E731
    models = runs(make, days=40, population=600, groups=2, ambient_inflow=0.2, social_pull=0.4)
    largest = [max(m.strategies[-1].sizes) for m in models]
    assert max(largest) == 25  # the cap was reached, so it was tested
    for model in models:
        assert (model.group_sizes() <= 25).all()


def test_splitting_keeps_more_active_members_than_the_capped_group_without_splitting():
    def members(split):
        models = runs(lambda: [SizeCap(max_members=40, split=split)])
        return np.array([frame(m)["members"].iloc[1:].mean() for m in models]), models

    capped, _ = members(False)
    split, models = members(True)
    assert stats.ttest_rel(split, capped, alternative="greater").pvalue < 0.01
    assert all(m.strategies[0].splits for m in models)
    assert max(m.n_groups for m in models) > 1


def test_an_overloaded_group_splits_before_it_is_full():
    strategy = SizeCap(max_members=10_000, split=True, overload=0.5)
    model = CommunityModel(rng=1, population=600, attention_budget=20, strategies=[strategy])
    model.run_for(40)
    assert strategy.splits
    day, parent, child = strategy.splits[0]
    assert frame(model)["members"].iloc[day] < 10_000 and child > parent


def test_the_matrix_keeps_valuable_members_in_a_private_group():
    """The private group holds only members of value >= private_value, outsiders never
    join it directly, and more of the valuable joiners who posted (those it invites) are
    still members at the end than without it. Under issue 10's model about 0.7 of all valuable
    joiners end as members in either arm, nearly all muted, so the claim is about those who
    took part. In a population of 400 a run has one or two such joiners, too few for the
    test (0.9 kept against 0.55 before aligned draws, p = 0.003; against 0.7 after them,
    p = 0.05); in one of 800, 0.97 against 0.74 over the 20 seeds (p = 0.0002)."""

    def valuable_kept(matrix):
        models = runs(lambda: [SizeCap(max_members=500, matrix=matrix, private_value=0.5)],
                      population=800)  # fmt: skip
        kept = []
        for m in models:
            pop = m.population
            valuable = (pop.joined_day >= 0) & (pop.value >= 0.5) & (pop.contributions > 0)
            kept.append(np.mean(pop.group[valuable] >= 0) if valuable.any() else np.nan)
        return np.array(kept), models

    plain, _ = valuable_kept(False)
    matrix, models = valuable_kept(True)
    assert stats.ttest_rel(matrix, plain, alternative="greater", nan_policy="omit").pvalue < 0.01
    for m in models:
        private = m.strategies[0].private
        inside = m.population.group == private
        assert (m.population.value[inside] >= 0.5).all()
        assert not m.group_open[private]


# ---------------------------------------------------------------------- moderation
def spam_share(model):
    df = frame(model)
    return df["spam_messages"].sum() / max(df["messages"].sum(), 1)


def test_moderation_lowers_the_spam_share_of_messages():
    moderated = np.array([spam_share(m) for m in runs(lambda: [Moderation()])])
    bare = np.array([spam_share(m) for m in runs(lambda: [])])
    assert stats.ttest_rel(bare, moderated, alternative="greater").pvalue < 0.01
    assert moderated.mean() < 0.5 * bare.mean()


def test_too_strict_a_regime_drives_ordinary_members_away():
    """More of the ordinary members who wrote (those the regime judges) have gone away by
    day 60 (left, or muted the group) under a strict regime than under none. A member whose
    patience a rebuke drained mostly mutes rather than leaves (the strict regime's deletions
    also lighten the reading), so going away counts both ways out of the conversation;
    most lurkers of a group mute it in time whatever its regime, so they are not counted."""

    def writers_away(strictness):
        shares = []
        for m in runs(lambda: [Moderation(strictness=strictness)], days=60):
            pop = m.population
            writers = (pop.joined_day >= 0) & (pop.role != SPAMMER) & (pop.contributions > 0)
            away = (pop.left_day[writers] >= 0) | (pop.state[writers] == MUTED)
            shares.append(np.mean(away))
        return np.array(shares)

    strict, none = writers_away(0.5), writers_away(0.0)
    assert stats.ttest_rel(strict, none, alternative="greater").pvalue < 0.01


def test_moderation_bans_caught_spammers_and_costs_a_daily_wage():
    strategy = Moderation(spam_removal=1.0, strictness=0.0, daily_cost=4.0)
    model = CommunityModel(rng=2, population=400, spammer_share=0.1, strategies=[strategy])
    model.run_for(30)
    pop = model.population
    assert strategy.banned > 0 and strategy.banned == pop.banned.sum()
    assert (pop.role[pop.banned] == SPAMMER).all() and (pop.group[pop.banned] == -1).all()
    assert frame(model)["spam_messages"].iloc[1:].sum() == 0  # every spam caught is deleted
    assert frame(model)["spend"].sum() == pytest.approx(4.0 * 30)
