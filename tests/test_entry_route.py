"""Entry routes: who came in as a founder, through ads, or through friends."""

import math

import numpy as np

from commsim import CommunityModel, rules
from commsim.population import AMBIENT, FOUNDER, FRIENDS, KOL_PULL, NO_ROUTE, OPERATOR


def test_friend_share_of_discovery_matches_the_hazards_by_hand():
    # h_ambient = -ln(0.9), h_friends = -2 ln(0.9): friends bring 2/3 of the discoveries.
    share = rules.friend_share_of_discovery(0.1, np.array([0.0, 1.0, 2.0]), 0.1)
    np.testing.assert_allclose(share, [0.0, 0.5, 2.0 / 3.0])
    # Neither channel can act: no share; a certain ambient channel takes everything.
    assert rules.friend_share_of_discovery(0.0, np.array([0.0]), 0.1)[0] == 0.0
    assert rules.friend_share_of_discovery(1.0, np.array([3.0]), 0.1)[0] == 0.0
    assert rules.friend_share_of_discovery(0.2, np.array([1.0]), 1.0)[0] == 1.0
    assert rules.friend_share_of_discovery(1.0, np.array([1.0]), 1.0)[0] == 0.5


def test_every_member_has_a_route_and_outsiders_none():
    model = CommunityModel(rng=3, population=400, initial_members=8)
    model.run_for(60)
    pop = model.population
    joined = pop.joined_day >= 0
    assert (pop.entry_route[~joined] == NO_ROUTE).all()
    assert (pop.entry_route[pop.joined_day == 0] == FOUNDER).sum() == 8
    later = pop.entry_route[pop.joined_day > 0]
    assert later.size > 0 and np.isin(later, [AMBIENT, FRIENDS]).all()
    member = model.people[int(np.flatnonzero(pop.joined_day == 0)[0])]
    assert member.entry_route == "founder"


def test_routes_follow_the_open_channels():
    no_friends = CommunityModel(rng=4, population=400, social_pull=0.0)
    no_friends.run_for(40)
    routes = no_friends.population.entry_route[no_friends.population.joined_day > 0]
    assert routes.size > 0 and (routes == AMBIENT).all()

    no_ads = CommunityModel(rng=4, population=400, ambient_inflow=0.0, social_pull=0.2)
    no_ads.run_for(40)
    routes = no_ads.population.entry_route[no_ads.population.joined_day > 0]
    assert routes.size > 0 and (routes == FRIENDS).all()


def test_friends_bring_more_joiners_when_social_pull_is_stronger():
    """Over 20 seeds the share of joiners brought by friends rises with social_pull."""

    def friend_share(social_pull: float, seed: int) -> float:
        model = CommunityModel(rng=seed, population=400, social_pull=social_pull)
        model.run_for(60)
        routes = model.population.entry_route[model.population.joined_day > 0]
        return float(np.mean(routes == FRIENDS)) if routes.size else math.nan

    weak = np.array([friend_share(0.02, seed) for seed in range(20)])
    strong = np.array([friend_share(0.1, seed) for seed in range(20)])
    difference = strong - weak
    margin = 2.09 * difference.std(ddof=1) / math.sqrt(difference.size)  # t(19), 95%
    assert difference.mean() > margin


def test_seeded_kols_come_in_by_the_operator_and_pull_their_followers():
    from commsim.strategies import KOLSeeding

    seeding = KOLSeeding(count=3)
    model = CommunityModel(rng=3, population=800, strategies=[seeding])
    model.run_for(60)
    pop = model.population
    assert (pop.entry_route[seeding.kols] == OPERATOR).all()
    pulled = np.flatnonzero(pop.entry_route == KOL_PULL)
    assert pulled.size > 0
    # everyone pulled by a KOL has a KOL among their ties (friends or followed)
    kol_ties = model.adjacency[pulled][:, seeding.kols].sum(axis=1)
    assert (kol_ties > 0).all()
    plain = CommunityModel(rng=3, population=800)
    plain.run_for(60)
    assert not np.isin(plain.population.entry_route, [KOL_PULL, OPERATOR]).any()
