"""Incentives: red packets spike and fade, badges pull posting up to the goal, and a
leaderboard of invitations brings people in; each costs what it says."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel
from commsim.replications import run_models
from commsim.strategies import Badges, InviteLeaderboard, RedPackets, Strategy


class PostingByProgress(Strategy, register=False):
    """Counts member-days and messages written by messages written before the day, in
    bands of ``width`` messages (a passive observer: it changes nothing)."""

    def __init__(self, width: int, bands: int):
        super().__init__()
        self.width, self.bands = width, bands

    def setup(self, model):
        super().setup(model)
        self.days = np.zeros(self.bands)
        self.written = np.zeros(self.bands)

    def start_day(self, model, today):
        self.before = model.population.contributions.copy()

    def end_day(self, model, today):
        members = np.flatnonzero(model.population.group >= 0)
        band = np.minimum(self.before[members] // self.width, self.bands - 1)
        written = model.population.contributions[members] - self.before[members]
        self.days += np.bincount(band, minlength=self.bands)
        self.written += np.bincount(band, weights=written, minlength=self.bands)


# ---------------------------------------------------------------------- red packets
DROPS = [7 + 7 * i for i in range(10)]  # default campaign: 1000 / 100 per drop, weekly


def test_red_packets_spike_messages_within_days_of_each_drop():
    packets = runs(lambda: [RedPackets()], days=75)
    bare = runs(lambda: [], days=75)
    assert packets[0].strategies[0].drop_days == DROPS
    window = np.array([[d, d + 1] for d in DROPS])
    ratios = np.array(
        [
            [
                frame(p)["messages"].iloc[w].sum() / max(frame(b)["messages"].iloc[w].sum(), 1)
                for w in window
            ]
            for p, b in zip(packets, bare, strict=True)
        ]
    )
    log_ratio = np.log(ratios.mean(axis=1))
    assert stats.ttest_1samp(log_ratio, 0.0, alternative="greater").pvalue < 0.01
    assert np.exp(log_ratio.mean()) > 1.25
    assert (ratios.mean(axis=0) > 1.0).sum() >= 8  # nearly every drop has its spike


def test_red_packets_leave_no_lasting_rise_in_members_60_days_later():
    """Equivalence: the one-sided 95% upper bound of the paired rise in members 60 days
    after the last drop is below 25% of the bare group's members."""
    day = DROPS[-1] + 60
    packets = np.array([frame(m)["members"].iloc[day] for m in runs(lambda: [RedPackets()], day)])
    bare = np.array([frame(m)["members"].iloc[day] for m in runs(lambda: [], day)])
    rise = packets - bare
    upper = rise.mean() + stats.t.ppf(0.95, rise.size - 1) * rise.std(ddof=1) / np.sqrt(rise.size)
    assert upper < 0.25 * bare.mean()


def test_red_packet_fatigue_shrinks_the_spikes():
    def late_drop_messages(fatigue):
        models = runs(lambda: [RedPackets(fatigue=fatigue)], days=75)
        return np.array([frame(m)["messages"].iloc[DROPS[5:]].sum() for m in models])

    assert (
        stats.ttest_rel(
            late_drop_messages(0.0), late_drop_messages(3.0), alternative="greater"
        ).pvalue
        < 0.01
    )


def test_red_packets_spend_their_budget_and_stop():
    strategy = RedPackets(budget=250, amount=100, every=3, start=2)
    model = CommunityModel(rng=1, population=300, strategies=[strategy])
    model.run_for(30)
    spend = frame(model)["spend"]
    assert strategy.drop_days == [2, 5]
    assert spend.sum() == 200 and spend.iloc[2] == spend.iloc[5] == 100


# ---------------------------------------------------------------------- badges
BADGE_SEEDS = range(30)


def posting_rates(make):
    """Messages written per member-day, by band of messages already written (one row a
    seed of ``BADGE_SEEDS``). Messages, not posting days: a member answered often is
    certain to post, so a badge's pull lengthens their turns rather than raising their
    chance (``rules.turn_length``); the chance of posting by band gave p = 0.05 and 0.15 at
    the defaults of issue 10, messages written 0.0004 and 0.006 on 20 seeds."""
    # turns of about 3 messages, so that a band of 5 messages is a day or two of posting;
    # a population of 800: in one of 400 a band holds a handful of members a run
    observers = [m.strategies[-1]
                 for m in run_models(BADGE_SEEDS, 120,
                                     lambda: [*make(), PostingByProgress(5, 6)],
                                     population=800, messages_per_post=3.0)]  # fmt: skip
    return np.array([o.written / np.maximum(o.days, 1) for o in observers])


def test_badges_raise_posting_on_the_way_to_the_threshold_and_it_falls_back_after():
    """Messages written per member-day by messages already written (bands of 5: 0-4, 5-9,
    10-14, 15-19, 20-24, 25+), one badge at 15 messages, as log ratios over the bare group
    on the same seed: just before the badge (10-14) posting is above the bare group's;
    just after it (15-19) the lift is smaller, and with a letdown posting falls below the
    bare group's."""
    bare = posting_rates(lambda: [])
    lift = np.log(posting_rates(lambda: [Badges(threshold=15, levels=1, gain=2.0)]) / bare)
    letdown = np.log(posting_rates(lambda: [Badges(threshold=15, levels=1, letdown=0.5)]) / bare)
    assert stats.ttest_1samp(lift[:, 2], 0.0, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(lift[:, 2], lift[:, 3], alternative="greater").pvalue < 0.01
    assert stats.ttest_1samp(letdown[:, 3], 0.0, alternative="less").pvalue < 0.01


def test_badges_cost_per_badge_awarded():
    strategy = Badges(threshold=5, levels=3, cost=2.0)
    model = CommunityModel(rng=2, population=300, strategies=[strategy])
    model.run_for(40)
    awarded = int(strategy.level.sum())
    assert strategy.level.max() == 3 and awarded > strategy.badged.sum() > 0
    assert frame(model)["spend"].sum() == pytest.approx(2.0 * awarded)
    written = model.population.contributions
    for level, threshold in [(1, 5), (2, 10), (3, 20)]:
        assert (written[strategy.level >= level] >= threshold).all()
    left = model.population.left_day < 0  # a leaver's badges are frozen when they leave
    assert (strategy.level[left & (written >= 20)] == 3).all()


# ---------------------------------------------------------------------- leaderboard
def test_invite_leaderboard_brings_more_joiners():
    board = np.array(
        [frame(m)["joined"].iloc[1:57].sum() for m in runs(lambda: [InviteLeaderboard()], 56)]
    )
    bare = np.array([frame(m)["joined"].iloc[1:57].sum() for m in runs(lambda: [], 56)])
    assert stats.ttest_rel(board, bare, alternative="greater").pvalue < 0.01


def test_invite_leaderboard_pays_the_winners_and_makes_owners():
    strategy = InviteLeaderboard(prize=300, period=10, periods=3, winners=3, owner_invites=2)
    model = CommunityModel(rng=4, population=600, strategies=[strategy])
    model.run_for(40)
    spend = frame(model)["spend"]
    assert [day for day, _ in strategy.results] == [10, 20, 30]
    for day, winners in strategy.results:
        assert spend.iloc[day] == pytest.approx(100 * winners.size)
    assert spend.sum() == pytest.approx(spend.iloc[[10, 20, 30]].sum())
    assert strategy.owned_groups, "a top inviter with two invitations owns a new group"
    for group in strategy.owned_groups:
        assert model.group_open[group]
