"""EntryThreshold: a higher bar gives fewer members, of higher value, who stay longer."""

import numpy as np
import pytest
from helpers.replications import frame, runs
from scipy import stats

from commsim import CommunityModel
from commsim.strategies import EntryThreshold

DAYS = 120


def run_outcomes_per_seed(**threshold):
    """Per seed: mean members a day, member-weighted mean value, and the share of joiners
    (days 1-90) who stayed at least 30 days."""
    rows = []
    for model in runs(lambda: [EntryThreshold(**threshold)], days=DAYS, population=400):
        strategy = model.strategies[0]
        df = frame(model).iloc[1:]
        pop = model.population
        joiners = (pop.joined_day > 0) & (pop.joined_day <= DAYS - 30)
        tenure = pop.tenure(model.day)[joiners]
        weighted = (df["members"] * df["mean_value"].fillna(0)).sum() / df["members"].sum()
        retained = np.mean(tenure >= 30) if tenure.size else np.nan
        rows.append((df["members"].mean(), weighted, retained, strategy.earned))
    return np.array(rows).T


@pytest.mark.filterwarnings("ignore:Precision loss")
@pytest.mark.parametrize("kind", ["fee", "invitation", "review", "task"])
def test_a_higher_threshold_gives_fewer_members_higher_value_and_longer_tenure(kind):
    low_members, low_value, low_retained, _ = run_outcomes_per_seed(kind=kind, level=0.1)
    high_members, high_value, high_retained, _ = run_outcomes_per_seed(kind=kind, level=0.5)
    assert stats.ttest_rel(low_members, high_members, alternative="greater").pvalue < 0.01
    assert stats.ttest_rel(high_value, low_value, alternative="greater").pvalue < 0.01
    retained = stats.ttest_ind(
        high_retained, low_retained, alternative="greater", nan_policy="omit", equal_var=False
    )
    assert retained.pvalue < 0.01


def test_a_fee_earns_its_price_from_every_joiner_and_other_kinds_earn_nothing():
    model = CommunityModel(rng=1, population=300, strategies=[EntryThreshold(level=0.3)])
    model.run_for(40)
    df = model.datacollector.get_model_vars_dataframe()
    assert df["revenue"].sum() == pytest.approx(100 * 0.3 * df["joined"].iloc[1:].sum())
    *_, earned = run_outcomes_per_seed(kind="review", level=0.3)
    assert not earned.any()


def test_invitation_admits_only_friends_of_members():
    strategy = EntryThreshold(kind="invitation", level=0.0)
    model = CommunityModel(rng=2, population=400, strategies=[strategy])
    for _ in range(40):
        members_before = model.population.group >= 0
        model.step()
        joiners = model.today.joined
        if joiners.size:
            friends_inside = model.adjacency[joiners] @ members_before.astype(np.float32)
            assert (friends_inside > 0).all()


def test_commitment_raises_the_joiners_patience():
    model = CommunityModel(rng=3, population=300)
    committed = CommunityModel(
        rng=3, population=300, strategies=[EntryThreshold(kind="task", level=0.0)]
    )
    assert np.array_equal(model.population.patience, committed.population.patience)
    lifted = CommunityModel(
        rng=3, population=300, strategies=[EntryThreshold(kind="task", level=0.25, noise=0)]
    )
    lifted.run_for(20)
    pop = lifted.population
    joiners = pop.joined_day > 0
    base = model.population.patience[joiners]
    assert np.allclose(pop.patience[joiners], base + (1 - base) * 0.5)
