"""SocialComparison: shown the median, members below it write more and members above it
less (Chen, Harper, Konstan & Li 2010)."""

import numpy as np
import pytest
from helpers.replications import SEEDS, frame
from scipy import stats

from commsim import CommunityModel, rules
from commsim.population import SPAMMER
from commsim.strategies import SocialComparison

SHOWN = 40
WINDOW = 30


def test_the_gain_points_toward_the_median_and_is_bounded():
    gain = rules.comparison_gain(np.array([1, 5, 10, 20, 1000]), 10.0, 1.0, 5.0)
    assert np.allclose(gain, [5.0, 2.0, 1.0, 0.5, 0.2])  # 10 and 1/100 clipped to 5, 1/5
    assert np.allclose(rules.comparison_gain(np.array([2, 40]), 10.0, 0.0, 5.0), 1.0)


def sides_messages(seed, strategies):
    """Messages over the window of the members (not spammers, written at least once)
    below and above the median on the day before the showing."""
    model = CommunityModel(rng=seed, population=800, strategies=strategies)
    model.run_for(SHOWN - 1)
    pop = model.population
    ranked = pop.member_mask & (pop.role != SPAMMER) & (pop.contributions > 0)
    written = pop.contributions.copy()
    median = np.median(written[ranked])
    below, above = ranked & (written < median), ranked & (written > median)
    model.run_for(WINDOW + 1)
    gained = pop.contributions - written
    return gained[below].sum(), gained[above].sum(), model


def test_below_the_median_write_more_and_above_it_less_over_seeds():
    changes = []
    for seed in SEEDS:
        low_0, high_0, _ = sides_messages(seed, [])
        low_1, high_1, _ = sides_messages(seed, [SocialComparison(start=SHOWN)])
        changes.append((np.log((low_1 + 1) / (low_0 + 1)), np.log((high_1 + 1) / (high_0 + 1))))
    below, above = np.array(changes).T
    assert stats.ttest_1samp(below, 0, alternative="greater").pvalue < 0.01
    assert stats.ttest_1samp(above, 0, alternative="less").pvalue < 0.01


def test_nothing_changes_before_the_first_showing_and_it_is_shown_on_schedule():
    strategy = SocialComparison(start=20, every=15, cost=2.0)
    shown = CommunityModel(rng=3, population=500, strategies=[strategy])
    bare = CommunityModel(rng=3, population=500)
    shown.run_for(50)
    bare.run_for(50)
    assert frame(shown).iloc[:20].equals(frame(bare).iloc[:20])
    assert not frame(shown).iloc[20:].equals(frame(bare).iloc[20:])
    assert strategy.shown_days == [20, 35, 50]
    spend = frame(shown)["spend"]
    assert (spend.iloc[:20] == 0).all() and (spend.iloc[20:] == 2.0).all()  # one group


def test_members_never_written_and_spammers_are_not_moved():
    strategy = SocialComparison(start=10)
    model = CommunityModel(rng=4, population=600, spammer_share=0.05, strategies=[strategy])
    model.run_for(9)
    pop = model.population
    # the board is drawn at the start of day 10, from the state the day begins with
    # (today's posts and joiners come after it)
    contributions, inside = pop.contributions.copy(), pop.member_mask.copy()
    model.step()
    assert strategy.shown_days == [10]
    off_board = (contributions == 0) | (pop.role == SPAMMER) | ~inside
    assert (strategy.gain[off_board] == 1).all()
    on_board = ~off_board
    median = np.median(contributions[on_board])
    assert (strategy.gain[on_board & (contributions < median)] > 1).all()
    assert (strategy.gain[on_board & (contributions > median)] < 1).all()


@pytest.mark.parametrize(
    ("make", "words"),
    [(lambda: SocialComparison(conformity=-1), ["SocialComparison", "conformity=-1", "[0, 10]"]),
     (lambda: SocialComparison(max_gain=0.5), ["max_gain=0.5", "[1, 1000]"]),
     (lambda: SocialComparison(every=0), ["every=0", "[1, 10000]"]),
     (lambda: CommunityModel(social_comparison_start=0), ["social_comparison_start=0"])],
)  # fmt: skip
def test_bad_parameters_are_refused_by_name(make, words):
    with pytest.raises(ValueError) as error:
        make()
    for word in words:
        assert word in str(error.value)
