"""EntryThreshold: each kind tests what it really tests; fewer join, and those who pass are
committed (longer stays, lower expectations)."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel, rules
from commsim.population import SPAMMER
from commsim.strategies import EntryThreshold

DAYS = 180
STAY = 60  # days; at 30 nearly every joiner stays (tired members mute first)
KINDS = ["fee", "invitation", "review", "task"]


def joined_and_retained(**threshold):
    """Per seed: joiners after the founders, and the share of joiners (days 1 to
    ``DAYS - STAY``) who stayed at least ``STAY`` days."""
    rows = []
    for model in runs(lambda: [EntryThreshold(**threshold)], days=DAYS, population=400):
        pop = model.population
        joiners = (pop.joined_day > 0) & (pop.joined_day <= DAYS - STAY)
        tenure = pop.tenure(model.day)[joiners]
        retained = np.mean(tenure >= STAY) if tenure.size else np.nan
        rows.append((frame(model)["joined"].iloc[1:].sum(), retained))
    return np.array(rows).T


@pytest.mark.filterwarnings("ignore:Precision loss")
@pytest.mark.parametrize("kind", KINDS)
def test_a_higher_bar_lets_fewer_in_and_they_stay_longer(kind):
    low_joined, low_retained = joined_and_retained(kind=kind, level=0.05)
    high_joined, high_retained = joined_and_retained(kind=kind, level=0.6)
    assert stats.ttest_rel(low_joined, high_joined, alternative="greater").pvalue < 0.01
    retained = stats.ttest_ind(
        high_retained, low_retained, alternative="greater", nan_policy="omit", equal_var=False
    )
    assert retained.pvalue < 0.01


def applicants_of(model):
    """Every outsider of ``model`` who is not a spammer (as applicants to group 0)."""
    pop = model.population
    people = np.flatnonzero((pop.group < 0) & (pop.role != SPAMMER))
    return people, np.zeros(people.size, dtype=np.int64)


@pytest.mark.parametrize(
    ("kind", "score"),
    [("fee", lambda pop, i: pop.need[i] * pop.willingness_to_pay[i]),
     ("review", lambda pop, i: pop.value[i]),
     ("task", lambda pop, i: pop.effort[i])],
)  # fmt: skip
def test_each_kind_tests_its_own_trait(kind, score):
    model = CommunityModel(rng=4, population=500)
    strategy = EntryThreshold(kind=kind, level=0.3, noise=0)
    people, groups = applicants_of(model)
    passed = strategy.admit(model, model.today, people, groups)
    assert np.array_equal(passed, score(model.population, people) >= 0.3)


def test_no_two_kinds_are_the_same_rule():
    model = CommunityModel(rng=5, population=800)
    people, groups = applicants_of(model)
    masks = {kind: EntryThreshold(kind=kind, level=0.3, noise=0).admit(
                 model, model.today, people, groups) for kind in KINDS}  # fmt: skip
    for i, a in enumerate(KINDS):
        for b in KINDS[i + 1 :]:
            assert (masks[a] != masks[b]).mean() > 0.1, (a, b)


def test_willingness_to_pay_and_effort_shift_no_other_draw():
    pop = CommunityModel(rng=6, population=300).population
    for trait in (pop.willingness_to_pay, pop.effort):
        assert trait.min() >= 0 and trait.max() <= 1
        assert abs(np.corrcoef(trait, pop.need)[0, 1]) < 0.2
    assert not np.allclose(pop.willingness_to_pay, pop.effort)


def test_an_invitation_needs_friends_inside_and_more_friends_invite_likelier():
    model = CommunityModel(rng=2, population=2000)
    model.run_for(20)  # the 12 founders alone give no outsider two friends inside
    pop = model.population
    people, groups = applicants_of(model)
    inside = (pop.member_mask & (pop.role != SPAMMER)).astype(np.float32)
    friends = np.asarray(model.adjacency[people] @ inside)
    strategy = EntryThreshold(kind="invitation", level=0.5)
    passed = np.array([strategy.admit(model, model.today, people, groups) for _ in range(200)])
    assert not passed[:, friends == 0].any()
    for k in (1, 2):
        chosen = friends == k
        assert chosen.any()
        share = passed[:, chosen].mean()
        margin = 4 * np.sqrt(0.25 / passed[:, chosen].size)
        assert abs(share - rules.invitation_chance(k, 0.5)) < margin


def test_invitation_admits_only_friends_of_members():
    model = CommunityModel(rng=2, population=400,
                           strategies=[EntryThreshold(kind="invitation", level=0.0)])  # fmt: skip
    for _ in range(40):
        pop = model.population
        members_before = (pop.group >= 0) & (pop.role != SPAMMER)
        model.step()
        joiners = model.today.joined
        if joiners.size:
            friends_inside = model.adjacency[joiners] @ members_before.astype(np.float32)
            assert (friends_inside > 0).all()


def test_a_fee_earns_its_price_from_every_joiner_and_other_kinds_earn_nothing():
    model = CommunityModel(rng=1, population=300, strategies=[EntryThreshold(level=0.3)])
    model.run_for(40)
    df = model.datacollector.get_model_vars_dataframe()
    assert df["joined"].iloc[1:].sum() > 0
    assert df["revenue"].sum() == pytest.approx(100 * 0.3 * df["joined"].iloc[1:].sum())
    review = CommunityModel(rng=1, population=300,
                            strategies=[EntryThreshold(kind="review", level=0.3)])  # fmt: skip
    review.run_for(40)
    assert review.strategies[0].earned == 0


def test_commitment_raises_the_joiners_patience():
    model = CommunityModel(rng=3, population=300)
    committed = CommunityModel(
        rng=3, population=300, strategies=[EntryThreshold(kind="task", level=0.0)]
    )
    assert np.array_equal(model.population.patience, committed.population.patience)
    lifted = CommunityModel(
        rng=3, population=300,
        strategies=[EntryThreshold(kind="task", level=0.25, noise=0, commitment=4)],
    )  # fmt: skip
    lifted.run_for(20)
    pop = lifted.population
    joiners = pop.joined_day > 0
    assert joiners.any()
    base = model.population.patience[joiners]
    assert np.allclose(pop.patience[joiners], base + (1 - base) * 0.5)  # x = 1: c = 1/2


def test_the_committed_expect_less_each_day():
    strategy = EntryThreshold(kind="review", level=0.25, noise=0, commitment=4)
    model = CommunityModel(rng=7, population=500, strategies=[strategy])
    model.run_for(15)
    pop, p = model.population, model.params
    committed = np.flatnonzero(pop.member_mask & (strategy.committed > 0))
    assert committed.size and np.allclose(strategy.committed[committed], 0.5)
    model.step()
    bonus = model.today.utility_bonus
    members = pop.members
    mean_value = np.bincount(pop.group[members], pop.value[members]) / members.size
    assert np.all(bonus[pop.joined_day == 0] == 0)  # the founders did not pass the door
    kept = committed[pop.member_mask[committed] & (pop.joined_day[committed] < model.day)]
    assert kept.size
    # the bonus was set before today's joiners and leavers: compare with yesterday's group
    expected = rules.expected_utility(pop.need[kept], pop.value[kept], mean_value[0],
                                      p["expectation"], p["cooling"])  # fmt: skip
    assert np.allclose(bonus[kept], 0.5 * expected, rtol=0.2)
    assert np.all(bonus[kept] > 0)


def test_a_review_refuses_the_same_applicant_at_every_try_and_a_fee_redraws():
    """A review's judging error is the person's, kept between tries; a fee's is the day's.
    Over 10 days of applications by the same 400 outsiders near the bar, a review's
    verdicts never change, while a fee's change for some."""
    model = CommunityModel(rng=7, population=800)
    people, groups = applicants_of(model)
    verdicts = {}
    for kind in ("review", "fee"):
        door = EntryThreshold(kind=kind, level=0.3, noise=0.1)
        door.setup(model)
        verdicts[kind] = np.array([door.admit(model, model.today, people, groups)
                                   for _ in range(10)])  # fmt: skip
    assert (verdicts["review"] == verdicts["review"][0]).all()
    assert 0 < verdicts["review"][0].mean() < 1
    changed = (verdicts["fee"] != verdicts["fee"][0]).any(axis=0)
    assert changed.mean() > 0.05
