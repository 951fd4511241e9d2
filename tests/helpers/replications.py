"""Replicated runs shared by the strategy tests: ``SEEDS`` and one finished model per seed
(``commsim.replications.run_models``)."""

from commsim.replications import daily_frame, run_models

SEEDS = range(20)


def runs(make, days=120, population=400, **params):
    """One finished model per seed of ``SEEDS``; ``make()`` gives each its strategies."""
    return list(run_models(SEEDS, days, make, population=population, **params))


def frame(model):
    """The model's daily metrics, indexed by day."""
    return daily_frame(model)
