"""commsim.setup_cache: runs of one seed share the drawn people and network, with the
numbers of drawing them anew."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from commsim import CommunityModel, setup_cache
from commsim import strategies as s
from commsim.parameters import validate
from commsim.population import TRAIT_PARAMETERS, Population, draw_population


@pytest.fixture(autouse=True)
def empty_cache():
    setup_cache.clear()
    yield
    setup_cache.clear()


def metrics(model: CommunityModel):
    return model.datacollector.get_model_vars_dataframe()


def test_a_kept_setup_gives_the_numbers_of_a_fresh_one():
    fresh = []
    for cooling in (0.5, 1.0):
        setup_cache.clear()
        model = CommunityModel(rng=3, population=600, cooling=cooling)
        model.run_for(60)
        fresh.append(metrics(model))
    setup_cache.clear()
    for cooling, expected in zip((0.5, 1.0), fresh, strict=True):
        model = CommunityModel(rng=3, population=600, cooling=cooling)  # the second is kept
        model.run_for(60)
        assert metrics(model).equals(expected)
    assert len(setup_cache._kept) == 2  # one population, one network


def test_a_run_leaves_the_kept_population_as_drawn():
    first = CommunityModel(rng=4, population=500, strategies=[s.KOLSeeding(count=3)])
    first.run_for(40)
    assert first.population.contributions.sum() > 0
    second = CommunityModel(rng=4, population=500)
    drawn = draw_population(second.streams["population"], second.params)
    founders = second.population.group >= 0
    for f in fields(Population):
        kept = getattr(second.population, f.name)
        if f.name in ("state", "group", "joined_day", "reservoir", "entry_route"):
            kept = kept[~founders]  # founders joined on day 0
            np.testing.assert_array_equal(kept, getattr(drawn, f.name)[~founders], f.name)
        else:
            np.testing.assert_array_equal(kept, getattr(drawn, f.name), f.name)
    assert second.adjacency.nnz == CommunityModel(rng=4, population=500).adjacency.nnz
    assert second.adjacency.nnz < first.adjacency.nnz  # the KOLs' followers' ties stayed


def test_other_traits_or_another_seed_draw_anew():
    base = CommunityModel(rng=5, population=400).population.need
    assert not np.array_equal(CommunityModel(rng=5, population=400, need_mean=0.3)
                              .population.need, base)  # fmt: skip
    assert not np.array_equal(CommunityModel(rng=6, population=400).population.need, base)
    assert np.array_equal(CommunityModel(rng=5, population=400, cooling=0.1).population.need,
                          base)  # fmt: skip


def test_draw_population_reads_only_its_parameters():
    params = validate({"population": 300})
    only = {name: params[name] for name in TRAIT_PARAMETERS}
    a = draw_population(np.random.default_rng(1), only)
    b = draw_population(np.random.default_rng(1), params)
    assert np.array_equal(a.need, b.need) and np.array_equal(a.verbosity, b.verbosity)


def test_at_most_kept_bytes_are_kept(monkeypatch):
    CommunityModel(rng=7, population=2000)
    one_run = sum(size for _, size in setup_cache._kept.values())
    monkeypatch.setattr(setup_cache, "KEPT_BYTES", one_run + 1)
    for seed in range(8, 12):
        CommunityModel(rng=seed, population=2000)
    kept = sum(size for _, size in setup_cache._kept.values())
    assert kept == setup_cache._kept_bytes <= one_run + 1  # the running count is the sum
    assert len(setup_cache._kept) <= 2  # the last run's population and network
    assert {key[1] for key in setup_cache._kept} == {11}
