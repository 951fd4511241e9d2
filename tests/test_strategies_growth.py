"""Growth strategies: KOLs draw people in and their departure hurts; referral brings
friends; events spike activity and form a habit."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel
from commsim.population import KOL
from commsim.strategies import KOLSeeding, Referral, ScheduledEvents, Strategy
from commsim.strategies.social import active_friends_inside


class ArrivalsThroughFriends(Strategy, register=False):
    """Counts joiners who had an active friend inside when they joined (an observer)."""

    def setup(self, model):
        super().setup(model)
        self.count = 0

    def on_join(self, model, today, joiners):
        self.count += int(np.count_nonzero(active_friends_inside(model, joiners) > 0))


# ---------------------------------------------------------------------- KOLs
def test_a_kol_departure_lowers_messages_and_raises_leaving_in_the_following_weeks():
    # members who tire leave rather than mute (muting=0), so leaving is what rises
    staying = runs(lambda: [KOLSeeding()], days=90, muting=0.0)
    leaving = runs(lambda: [KOLSeeding(leave_on=60)], days=90, muting=0.0)
    for stay, leave in zip(staying, leaving, strict=True):  # the same run until day 60
        assert frame(stay).iloc[:60].equals(frame(leave).iloc[:60])
    weeks = slice(61, 89)
    messages = [
        np.array([frame(m)["messages"].iloc[weeks].sum() for m in r]) for r in (staying, leaving)
    ]
    left = [np.array([frame(m)["left"].iloc[weeks].sum() for m in r]) for r in (staying, leaving)]
    assert stats.ttest_rel(messages[0], messages[1], alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(left[1], left[0], alternative="greater").pvalue < 0.01


def test_kols_draw_members_in_and_share_on_schedule():
    kols = np.array([frame(m)["joined"].iloc[1:].sum() for m in runs(lambda: [KOLSeeding()], 60)])
    bare = np.array([frame(m)["joined"].iloc[1:].sum() for m in runs(lambda: [], 60)])
    assert stats.ttest_rel(kols, bare, alternative="greater").pvalue < 0.01

    strategy = KOLSeeding(count=2, sharing_every=5, share_messages=10, fee=30, value=0.9)
    model = CommunityModel(rng=3, population=300, strategies=[strategy])
    model.run_for(20)
    pop = model.population
    assert (pop.role[strategy.kols] == KOL).all() and (pop.value[strategy.kols] == 0.9).all()
    assert (pop.joined_day[strategy.kols] == 1).all() and (pop.group[strategy.kols] >= 0).all()
    spend = frame(model)["spend"]
    assert list(spend[spend > 0].index) == [5, 10, 15, 20] and (spend[spend > 0] == 60).all()
    assert (pop.contributions[strategy.kols] >= 40).all()


def test_kols_leave_on_an_event_when_their_group_shrinks():
    strategy = KOLSeeding(count=2, leave_below=30)
    # a group whose tired members leave (muting=0): one that shrinks
    model = CommunityModel(rng=1, population=300, expectation=0.6, muting=0.0,
                           strategies=[strategy])  # fmt: skip
    model.run_for(120)
    members = frame(model)["members"]
    assert len(strategy.departures) == 2, "the group shrank below 30 members: both KOLs left"
    for day, kol in strategy.departures:
        assert members.iloc[day - 1] < 30 and model.population.left_day[kol] == day
    assert (members.iloc[: strategy.departures[0][0]] >= 30).any()  # it had grown past 30


def kols_inside_on(models, day):
    """Per run: KOLs still members at the end of ``day``."""
    counts = []
    for model in models:
        pop, kols = model.population, model.strategies[0].kols
        gone = (pop.left_day[kols] >= 0) & (pop.left_day[kols] <= day)
        counts.append(int(np.count_nonzero(~gone)))
    return np.array(counts)


def test_unpaid_kols_tire_and_leave_like_members_and_paid_ones_stay_while_paid():
    # members who tire leave rather than mute (muting=0): the story is about KOLs who leave
    unpaid = runs(lambda: [KOLSeeding(fee=0)], days=150, muting=0.0)
    paid = runs(lambda: [KOLSeeding()], days=150, muting=0.0)
    until_60 = runs(lambda: [KOLSeeding(paid_days=60)], days=150, muting=0.0)
    assert (kols_inside_on(paid, 150) == 3).all()  # refilled every day: none ran out
    assert (kols_inside_on(until_60, 60) == 3).all()
    gone_unpaid = 3 - kols_inside_on(unpaid, 150)
    gone_after_pay = 3 - kols_inside_on(until_60, 150)
    # they tire by the members' rule: most leave a cooling group within 150 days
    for gone in (gone_unpaid, gone_after_pay):
        most = stats.binomtest(int(gone.sum()), 3 * gone.size, 0.5, alternative="greater")
        assert most.pvalue < 0.01, gone
    assert all(not m.strategies[0].departures for m in unpaid)  # not an operator's event
    for model in until_60:
        spend = frame(model)["spend"]
        assert spend.iloc[61:].sum() == 0 and spend.iloc[:61].sum() > 0


@pytest.mark.parametrize(("count", "leaving"), [(3, 1), (5, 2), (4, 0)])
def test_k_of_n_kols_leave_on_the_day(count, leaving):
    strategy = KOLSeeding(count=count, leave_on=30, leaving=leaving)
    model = CommunityModel(rng=2, population=500, strategies=[strategy])
    model.run_for(31)
    expected = leaving or count
    assert [day for day, _ in strategy.departures] == [30] * expected
    assert [kol for _, kol in strategy.departures] == strategy.kols[:expected].tolist()
    assert model.population.is_member(strategy.kols[expected:]).all()


def test_one_kol_leaving_costs_fewer_messages_than_all_leaving():
    # members who tire leave rather than mute (muting=0), as in the departure test above
    one = runs(lambda: [KOLSeeding(leave_on=60, leaving=1)], days=90, muting=0.0)
    every = runs(lambda: [KOLSeeding(leave_on=60)], days=90, muting=0.0)
    weeks = slice(61, 89)
    one_m, all_m = (np.array([frame(m)["messages"].iloc[weeks].sum() for m in r])
                    for r in (one, every))  # fmt: skip
    assert stats.ttest_rel(one_m, all_m, alternative="greater").pvalue < 0.01


def test_more_kols_leaving_than_there_are_is_refused_naming_both():
    with pytest.raises(ValueError, match=r"KOLSeeding: leaving=4 is more than count=3"):
        KOLSeeding(leaving=4)
    with pytest.raises(ValueError, match=r"kol_seeding_leaving=-1 is out of range"):
        CommunityModel(kol_seeding_leaving=-1)


# ---------------------------------------------------------------------- referral
def test_referral_raises_arrivals_through_friends_and_pays_per_invite():
    def arrivals(make):
        return np.array(
            [m.strategies[-1].count for m in runs(lambda: [*make(), ArrivalsThroughFriends()], 90)]
        )

    paid, bare = arrivals(lambda: [Referral(reward=10)]), arrivals(lambda: [])
    assert stats.ttest_rel(paid, bare, alternative="greater").pvalue < 0.01

    strategy, observer = Referral(reward=7), ArrivalsThroughFriends()
    model = CommunityModel(rng=1, population=400, strategies=[strategy, observer])
    model.run_for(60)
    assert frame(model)["spend"].sum() == pytest.approx(7 * observer.count)
    assert sum(strategy.referred.values()) == observer.count > 0


# ---------------------------------------------------------------------- events
def event_day_log_ratio(model, every=7, start=7):
    """log of (mean messages on event days + 1) / (mean messages on other days + 1)."""
    messages = frame(model)["messages"].iloc[1:]
    days = messages.index.to_numpy()
    event = (days >= start) & ((days - start) % every == 0)
    return np.log((messages[event].mean() + 1) / (messages[~event].mean() + 1))


def test_scheduled_events_raise_messages_on_event_days_against_other_days():
    events = np.array([event_day_log_ratio(m) for m in runs(lambda: [ScheduledEvents()])])
    bare = np.array([event_day_log_ratio(m) for m in runs(lambda: [])])
    assert stats.ttest_1samp(events, 0.0, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(events, bare, alternative="greater").pvalue < 0.01


def test_event_habit_grows_with_attendance():
    """With a habit, a larger share of members attends (posts on) later event days than
    with none (habit=0)."""

    def attendance(habit):
        models = runs(lambda: [ScheduledEvents(habit=habit)], days=90)
        late = np.arange(35, 90, 7)
        return np.array(
            [
                np.nanmean(frame(m)["contributors"].iloc[late] / frame(m)["members"].iloc[late])
                for m in models
            ]
        )

    assert stats.ttest_rel(attendance(0.8), attendance(0.0), alternative="greater").pvalue < 0.01
    strategy = ScheduledEvents(every=3, start=1, habit=0.5, cost=20)
    model = CommunityModel(rng=2, population=300, strategies=[strategy])
    model.run_for(30)
    members = model.population.group >= 0
    assert strategy.habit_of[members].max() > 0
    assert strategy.event_days == list(range(1, 31, 3))
    assert frame(model)["spend"].sum() == pytest.approx(20 * len(strategy.event_days))
