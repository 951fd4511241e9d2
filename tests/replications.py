"""Replicated runs shared by the strategy tests (imported as a top-level test helper)."""

from commsim import CommunityModel

SEEDS = range(20)


def runs(make, days=120, population=400, **params):
    """One finished model per seed of ``SEEDS``; ``make()`` gives each its strategies."""
    models = []
    for seed in SEEDS:
        model = CommunityModel(rng=seed, population=population, strategies=make(), **params)
        model.run_for(days)
        models.append(model)
    return models


def frame(model):
    """The model's daily metrics."""
    return model.datacollector.get_model_vars_dataframe()
