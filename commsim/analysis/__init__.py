"""Analysis of runs: lifecycle stages, cooling, participation inequality and survival.

Every function takes the daily DataFrame of one run
(``model.datacollector.get_model_vars_dataframe()``: one row a day, the day as index) or a
long frame of many runs (the same columns plus a run column, ``seed`` or ``run``, and a
``day`` column), as ``run_replications`` builds. Functions of a model's population take
the model (or its ``Population``).

Definitions used throughout:

* activity ``a(t)``: the 7-day trailing mean of non-spam messages
  (``commsim.outcomes.daily_activity``); ``A = max a`` is the peak and ``t*`` the first day
  it is reached.
* silence: a day ``t >= t*`` with ``a(t) < 0.05 * A``; the first such day is
  ``commsim.outcomes.days_until_silence`` (one definition, shared).

The modules, each importable on its own, all exported here:

============================  ================================================================
``analysis.inputs``           run frames and models as inputs: ``run_column``, ``RUN_COLUMNS``
``analysis.runs``             across runs: ``mean_run``, ``band``
``analysis.lifecycle``        ``lifecycle_stages``, ``stages_so_far``, ``lifecycle_summary``, ...
``analysis.cooling``          ``flow_values``, ``cooling_index``
``analysis.inequality``       ``lorenz_curve``, ``participation_inequality``
``analysis.survival``         ``kaplan_meier``, ``member_tenures``, ``member_survival``
``commsim.replications``      ``run_replications``, ``run_configurations`` (running the model)
============================  ================================================================

    >>> from commsim import analysis
    >>> runs = analysis.run_replications([1, 2], days=60, population=300)
    >>> analysis.lifecycle_summary(runs).index.tolist()
    [1, 2]
"""

from commsim.analysis.cooling import cooling_index, flow_values
from commsim.analysis.inequality import lorenz_curve, participation_inequality
from commsim.analysis.inputs import RUN_COLUMNS, run_column
from commsim.analysis.lifecycle import (
    LIVE_GROWTH_RATE,
    STAGES,
    lifecycle_stages,
    lifecycle_summary,
    members_growth,
    stage_spans,
    stages_so_far,
)
from commsim.analysis.runs import band, mean_run
from commsim.analysis.survival import (
    SURVIVAL_GROUPS,
    kaplan_meier,
    member_survival,
    member_tenures,
)
from commsim.inequality import gini, top_share
from commsim.outcomes import SILENCE_SHARE, SILENCE_WINDOW, daily_activity, days_until_silence
from commsim.replications import run_configurations, run_replications

__all__ = [
    "LIVE_GROWTH_RATE",
    "RUN_COLUMNS",
    "SILENCE_SHARE",
    "SILENCE_WINDOW",
    "STAGES",
    "SURVIVAL_GROUPS",
    "band",
    "cooling_index",
    "daily_activity",
    "days_until_silence",
    "flow_values",
    "gini",
    "kaplan_meier",
    "lifecycle_stages",
    "lifecycle_summary",
    "lorenz_curve",
    "mean_run",
    "member_survival",
    "member_tenures",
    "members_growth",
    "participation_inequality",
    "run_column",
    "run_configurations",
    "run_replications",
    "stage_spans",
    "stages_so_far",
    "top_share",
]
