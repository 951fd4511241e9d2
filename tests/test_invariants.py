"""Invariants that hold on every day, whatever the parameters (property-based)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commsim import CommunityModel
from commsim.population import CONTRIBUTOR, LEFT, LURKER, MUTED, OUTSIDER, SPAMMER

unit = st.floats(0.0, 1.0)
positive_unit = st.floats(0.01, 1.0)

parameters = st.fixed_dictionaries(
    {
        "population": st.integers(20, 300),
        "mean_degree": st.integers(2, 12),
        "rewiring": unit,
        "groups": st.integers(1, 3),
        "initial_members": st.integers(1, 6),
        "need_mean": positive_unit,
        "value_mean": positive_unit,
        "patience_mean": positive_unit,
        "activity_mean": positive_unit,
        "spammer_share": st.floats(0.0, 0.3),
        "ambient_inflow": st.floats(0.0, 0.2),
        "social_pull": st.floats(0.0, 0.5),
        "attention_budget": st.floats(1.0, 500.0),
        "overload_cost": st.floats(0.0, 3.0),
        "cooling": st.floats(0.0, 5.0),
        "novelty": st.floats(0.0, 2.0),
        "patience_days": st.floats(0.5, 60.0),
        "mood_noise": st.floats(0.0, 1.0),
        "messages_per_post": st.floats(1.0, 20.0),
        "muting": unit,
        "muted_reading": unit,
        "mention_pull": st.floats(0.0, 2.0),
        "resurfacing": st.floats(0.0, 1.0),
    }
)


def check_day(model, previous_members, row):
    pop = model.population
    counts = [row[k] for k in ("members", "contributors", "lurkers", "muted", "joined", "left")]
    assert min(counts) >= 0 and row["messages"] >= 0 and row["spam_messages"] >= 0
    assert row["members"] == previous_members + row["joined"] - row["left"]
    # muted members are members: every member contributes, lurks or has muted the group
    # (``contributors`` leaves out the spammers who posted today)
    spamming = np.count_nonzero(
        (pop.group >= 0) & (pop.role == SPAMMER) & (pop.state == CONTRIBUTOR)
    )
    assert row["members"] == row["contributors"] + spamming + row["lurkers"] + row["muted"]
    assert row["spammers"] == np.count_nonzero((pop.group >= 0) & (pop.role == SPAMMER))
    for trait in (pop.need, pop.value, pop.patience, pop.activity):
        assert np.all((trait >= 0) & (trait <= 1))
    # one state each, consistent with group membership
    assert np.all(np.isin(pop.state, (OUTSIDER, CONTRIBUTOR, LURKER, MUTED, LEFT)))
    inside = pop.group >= 0
    assert np.all(np.isin(pop.state[inside], (CONTRIBUTOR, LURKER, MUTED)))
    assert np.count_nonzero(pop.state == MUTED) == row["muted"]
    assert np.all(np.isin(pop.state[~inside], (OUTSIDER, LEFT)))
    assert np.count_nonzero(inside) == row["members"]
    assert np.all(pop.contributions >= 0)
    assert 0 <= row["gini"] <= 1 or np.isnan(row["gini"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=parameters, seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_every_day(params, seed):
    most = params["population"] // params["groups"]
    params["initial_members"] = min(params["initial_members"], most)
    model = CommunityModel(rng=seed, **params)
    previous = 0
    for _ in range(40):
        row = model._metrics
        check_day(model, previous, row)
        previous = row["members"]
        model.step()
    df = model.datacollector.get_model_vars_dataframe()
    assert (df.members.diff().iloc[1:] == (df.joined - df.left).iloc[1:]).all()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), share=st.floats(0.0, 1.0), days=st.integers(1, 30))
def test_muting_and_unmuting_keep_members(seed, share, days):
    """Muting and unmuting through the mutators change no one's membership: muted members
    stay counted, every person keeps exactly one state."""
    model = CommunityModel(rng=seed, population=300)
    model.run_for(days)
    members = model.population.members
    chosen = members[np.random.default_rng(seed).random(members.size) < share]
    before = model._metrics["members"]
    model.mute_members(chosen, model.today)
    assert np.all(model.population.state[chosen] == MUTED)
    assert np.count_nonzero(model.population.member_mask) == before
    model.unmute_members(chosen[::2], model.today)
    assert np.all(model.population.state[chosen[::2]] == LURKER)
    previous = before
    for _ in range(5):
        model.step()
        check_day(model, previous, model._metrics)
        previous = model._metrics["members"]
