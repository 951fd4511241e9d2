"""Plots of runs for papers and classes (matplotlib).

Every function draws on the ``ax`` it is given (a new figure when None) and returns the
Axes, so plots compose into figures::

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    plot_lifecycle(runs, ["members", "contributors"], ax=top)
    shade_stages(runs, ax=top)
    plot_cooling_index(runs, ax=bottom)

Inputs are the frames of ``commsim.analysis``: a run's daily frame, a long frame of runs
(``analysis.run_replications``), a tidy table with one row per run, a model.

The modules: ``plots.lifecycle`` (``plot_lifecycle``, ``plot_cooling_index``,
``shade_stages``, ``lifecycle_figure``), ``plots.comparisons``
(``plot_strategy_comparison``, ``plot_heatmap``, ``plot_sobol``), ``plots.members``
(``plot_lorenz``, ``plot_survival``, ``plot_network``) and ``plots.style`` (``UNITS``,
``STAGE_COLOURS``, ``STATE_COLOURS``); all are exported here.
"""

from commsim.plots.comparisons import plot_heatmap, plot_sobol, plot_strategy_comparison
from commsim.plots.lifecycle import (
    lifecycle_figure,
    plot_cooling_index,
    plot_lifecycle,
    shade_stages,
)
from commsim.plots.members import plot_lorenz, plot_network, plot_survival
from commsim.plots.style import STAGE_COLOURS, STATE_COLOURS, UNITS

__all__ = [
    "STAGE_COLOURS",
    "STATE_COLOURS",
    "UNITS",
    "lifecycle_figure",
    "plot_cooling_index",
    "plot_heatmap",
    "plot_lifecycle",
    "plot_lorenz",
    "plot_network",
    "plot_sobol",
    "plot_strategy_comparison",
    "plot_survival",
    "shade_stages",
]
