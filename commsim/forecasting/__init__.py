"""A forecast for one's own group: where it is in its lifecycle, how long until it goes
silent, and what a strategy started tomorrow would change.

``forecast(observed)`` takes a daily series of a real group (``members`` and/or
``messages``, any of ``commsim.model.REPORTERS``; NaN or missing rows for days not
observed) and

1. **fits** the model to the days up to ``today`` (the last day used, ``fit_days``) by
   rejection ABC (``commsim.calibrate.fit(method="abc")``): ``draws`` parameter vectors
   from a uniform prior on ``bounds``, each run on the same ``replications`` seeds, the
   ``accept`` share closest to the series kept as the posterior sample;
2. **simulates ahead**: every accepted vector on every seed is run from day 0 to
   ``horizon``. Its first ``today`` days are the very runs the fit judged (same
   parameters, same seed), so the ensemble is the posterior predictive distribution:
   parameter uncertainty (the draws) and chance (the seeds) together;
3. **starts each strategy tomorrow**: each run is copied at the end of day ``today``
   (state and random generator, ``copy.deepcopy``) and one strategy is added to the
   copy (``Strategy.setup``), which then runs on to ``horizon``. The copy and the run
   without it ("as it is") share everything up to today, so the difference between
   them is the strategy's effect in that run (a paired difference);
4. **reads the stage today** from the observed series itself
   (``commsim.analysis.stages_so_far``, no hindsight).

Figures, for each run ``k`` (a posterior draw on a seed) and arm (as it is, or a
strategy started tomorrow):

* ``days_until_silence``: ``commsim.outcomes.days_until_silence`` of the whole run minus
  ``today``: days from today until the first day after the peak of activity on which
  the 7-day mean of non-spam messages is below 5% of the peak (0 for a run already
  silent today). A run that is not silent by ``horizon`` has no value (censored): it is
  counted, never replaced by a number.
* ``members_ahead``: members on day ``today + ahead``.
* ``messages_ahead``: mean messages a day over days ``today+1 .. today+ahead``.
* ``spend``: the operator's spend over days ``today+1 .. horizon``.

A band is the central ``level`` share of the runs (quantiles ``(1 - level) / 2`` and
``(1 + level) / 2`` across runs); a strategy's change is the same band of its paired
differences ``x_k(strategy) - x_k(as it is)``. When censored runs fall in the band,
its bound is written ``> H`` (H: the days from today to ``horizon``).

The modules, all exported here:

=======================  ==============================================================
``forecasting.series``   ``read_series``, ``observed_metrics``, ``observed_stages``
``forecasting.arms``     ``AS_IT_IS``, ``DEFAULT_STRATEGIES``, ``start_strategy``, the
                         ensemble's ``Member`` and ``run_figures`` (``FIGURES``)
``forecasting.result``   ``Forecast``
``forecasting.fit``      ``forecast``, ``DEFAULT_BOUNDS``
``forecasting.command``  ``main`` (``commsim forecast``)
=======================  ==============================================================
"""

from commsim.forecasting.arms import AS_IT_IS, DEFAULT_STRATEGIES, FIGURES, start_strategy
from commsim.forecasting.command import main
from commsim.forecasting.fit import DEFAULT_BOUNDS, forecast
from commsim.forecasting.result import Forecast
from commsim.forecasting.series import observed_metrics, observed_stages, read_series

__all__ = [
    "AS_IT_IS",
    "DEFAULT_BOUNDS",
    "DEFAULT_STRATEGIES",
    "FIGURES",
    "Forecast",
    "forecast",
    "main",
    "observed_metrics",
    "observed_stages",
    "read_series",
    "start_strategy",
]
