"""The default network drawn as arrays is networkx's Watts-Strogatz graph, tie for tie, and
the model's agents and graph are made when first asked for."""

from __future__ import annotations

import mesa
import networkx as nx
import pytest

from commsim import CommunityModel, Member
from commsim.network import SmallWorld, _rewire, adjacency_matrix
from commsim.streams import Streams, entropy_of

CASES = [
    (n, k, p, seed)
    for n in (2, 3, 5, 10, 31, 100)
    for k in sorted({1, 2, 3, 4, n - 2, n - 1})
    if 1 <= k < n
    for p in (0.05, 0.3, 1.0)
    for seed in (0, 7)
] + [
    (n, k, p, seed)
    for n, k, p in [(2_000, 10, 0.1), (5_000, 6, 0.5), (3_001, 31, 0.9), (400, 10, 0.2)]
    for seed in (1, 2, 3)
]


@pytest.mark.parametrize(("n", "k", "p", "seed"), CASES)
def test_the_arrays_give_networkx_s_graph(n, k, p, seed):
    expected = nx.watts_strogatz_graph(n, k, p, seed=seed)
    world = SmallWorld(n, k, *_rewire(n, k, p, seed))
    graph = world.graph()
    assert list(graph.nodes) == list(expected.nodes)
    assert all(list(graph[u]) == list(expected[u]) for u in expected)  # same order, too
    one, other = world.ties()
    assert one.size == expected.number_of_edges()
    assert {frozenset(t) for t in zip(one.tolist(), other.tolist(), strict=True)} == {
        frozenset(t) for t in expected.edges
    }
    assert (world.adjacency() != adjacency_matrix(expected, n)).nnz == 0


def test_the_model_s_network_is_the_seeded_networkx_graph():
    model = CommunityModel(rng=4, population=3_000)
    seed = int(Streams(entropy_of(4))["network"].integers(2**31))  # as small_world draws it
    k, p = model.params["mean_degree"], model.params["rewiring"]
    expected = nx.watts_strogatz_graph(3_000, k, p, seed=seed)
    graph = model.network
    assert model.network is graph  # made once
    assert all(list(graph[u]) == list(expected[u]) for u in expected)
    assert (adjacency_matrix(expected, 3_000) != model.adjacency).nnz == 0


def test_people_are_mesa_agents_made_when_first_asked_for():
    model = CommunityModel(rng=2, population=200)
    assert model._people is None  # setup did not make them
    model.run_for(5)
    agents = model.agents
    assert len(agents) == 200 and all(isinstance(a, Member) for a in agents)
    assert [a.unique_id for a in model.people] == list(range(1, 201))
    assert list(model.agents_by_type[Member]) == model.people
    assert model.people[3].index == 3 and model.people[3] in agents


def test_a_user_s_agent_comes_after_the_people():
    class Operator(mesa.Agent):
        pass

    model = CommunityModel(rng=2, population=50)
    operator = Operator(model)
    assert operator.unique_id == 51
    assert [a.unique_id for a in model.people] == list(range(1, 51))
    assert model.agent_types == [Member, Operator]


@pytest.mark.parametrize("hub", [False, True])
def test_friend_counts_are_the_adjacency_s_product(hub):
    """``_friend_counts`` counts friends among the chosen as ``A @ x`` does, for none,
    few and all of the people, with or without a hub."""
    import numpy as np

    network = nx.star_graph(299) if hub else None
    model = CommunityModel(rng=5, population=300, network=network)
    model.add_ties(np.arange(10, 20), 3)  # one-way ties widen some rows
    rng = np.random.default_rng(0)
    for size in (0, 3, 14, 16, 150, 300):
        chosen = np.sort(rng.choice(300, size, replace=False))
        x = np.zeros(300, dtype=np.float32)
        x[chosen] = 1.0
        counts = model._friend_counts(chosen)
        assert counts.dtype == np.float32
        assert np.array_equal(counts, model.adjacency @ x)
