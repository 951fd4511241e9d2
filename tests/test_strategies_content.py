"""Content and money: operator content beside members' own, conversion, and strategies
combined."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel
from commsim.outcomes import run_outcomes
from commsim.strategies import (
    ContentMix,
    Conversion,
    EntryThreshold,
    KOLSeeding,
    ScheduledEvents,
    Strategy,
)


class ValuedMessages(Strategy, register=False):
    """Sums the value-weighted messages members read (an observer, last in the list)."""

    def setup(self, model):
        super().setup(model)
        self.valued = 0.0

    def end_day(self, model, today):
        self.valued += float(today.valued_messages.sum())


# ---------------------------------------------------------------------- content mix
def test_off_topic_content_raises_activity_without_value():
    """All-chatter operator content: more messages than the bare group over the first
    month, but less value per message."""

    def month(make):
        models = runs(lambda: [*make(), ValuedMessages()], days=30)
        messages = np.array([frame(m)["messages"].sum() for m in models])
        valued = np.array([m.strategies[-1].valued for m in models])
        return messages, valued / messages

    chatter_messages, chatter_value = month(lambda: [ContentMix(on_topic=0.0)])
    bare_messages, bare_value = month(lambda: [])
    assert stats.ttest_rel(chatter_messages, bare_messages, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(bare_value, chatter_value, alternative="greater").pvalue < 0.01


def test_on_topic_operator_content_keeps_more_members_than_chatter():
    def members(on_topic):
        return np.array(
            [frame(m)["members"].iloc[-1] for m in runs(lambda: [ContentMix(on_topic=on_topic)])]
        )

    assert stats.ttest_rel(members(1.0), members(0.0), alternative="greater").pvalue < 0.01


def test_content_mix_costs_per_operator_message():
    model = CommunityModel(
        rng=1, population=300, strategies=[ContentMix(operator_posts=4, cost_per_post=0.5)]
    )
    model.run_for(20)
    df = frame(model)
    assert df["spend"].iloc[1:].tolist() == [2.0] * 20  # one group with members every day
    assert (df["messages"].iloc[1:] >= 4).all()


# ---------------------------------------------------------------------- conversion
def test_conversion_sells_at_the_rate_and_books_the_revenue():
    def conversions(rate):
        return np.array(
            [frame(m)["conversions"].sum() for m in runs(lambda: [Conversion(rate=rate)], 60)]
        )

    low, high = conversions(0.05), conversions(0.3)
    assert stats.ttest_rel(high, low, alternative="greater").pvalue < 0.01
    strategy = Conversion(rate=0.2, revenue=50, promotion_cost=3)
    model = CommunityModel(rng=2, population=400, strategies=[strategy])
    model.run_for(60)
    df = frame(model)
    assert df["revenue"].sum() == pytest.approx(50 * df["conversions"].sum())
    assert strategy.bought.sum() == df["conversions"].sum() > 0
    assert df["spend"].sum() == pytest.approx(3 * (df["members"].iloc[1:] > 0).sum())
    outcomes = run_outcomes(df)
    assert outcomes["return_on_spend"] == pytest.approx(
        (df["revenue"].sum() - df["spend"].sum()) / df["spend"].sum()
    )


def test_needy_members_convert_more():
    """Conversion follows need: buyers' mean need is above that of all members."""
    gaps = []
    for m in runs(lambda: [Conversion(rate=0.3)], 60):
        pop = m.population
        ever = (pop.joined_day >= 0) & (pop.need > 0)
        bought = m.strategies[0].bought
        gaps.append(pop.need[bought].mean() - pop.need[ever].mean())
    assert stats.ttest_1samp(gaps, 0.0, alternative="greater").pvalue < 0.01


# ---------------------------------------------------------------------- combined
def test_threshold_kol_and_events_combine():
    """Together they act as each does alone: higher member value than the bare group
    (threshold), more messages on event days (events), spending from KOLs and events,
    fee revenue; the books and the member count add up."""

    def combined():
        return [
            EntryThreshold(kind="fee", level=0.3),
            KOLSeeding(count=2),
            ScheduledEvents(every=7),
        ]

    together = runs(combined)
    bare = runs(lambda: [])
    value = [
        np.array([np.nanmean(frame(m)["mean_value"].iloc[30:]) for m in r])
        for r in (together, bare)
    ]
    assert stats.ttest_rel(value[0], value[1], alternative="greater").pvalue < 0.01
    event_days = np.arange(7, 121, 7)
    other_days = np.setdiff1d(np.arange(1, 121), event_days)
    lift = np.array(
        [
            np.log(
                (frame(m)["messages"].iloc[event_days].mean() + 1)
                / (frame(m)["messages"].iloc[other_days].mean() + 1)
            )
            for m in together
        ]
    )
    assert stats.ttest_1samp(lift, 0.0, alternative="greater").pvalue < 0.01
    for m in together:
        df = frame(m)
        threshold, kols, events = m.strategies
        assert df["spend"].sum() == pytest.approx(kols.spent + events.spent)
        assert df["revenue"].sum() == pytest.approx(threshold.earned) and threshold.earned > 0
        assert (
            df["members"] == df["members"].shift(fill_value=0) + df["joined"] - df["left"]
        ).all()
