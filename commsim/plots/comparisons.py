"""Plots comparing runs: an outcome per configuration, over two swept parameters, and
the Sobol indices of a sensitivity analysis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from commsim.plots.style import axes, with_unit, words
from commsim.stats import t_intervals


def plot_strategy_comparison(
    table: pd.DataFrame,
    metric: str,
    by: str = "strategy",
    level: float = 0.95,
    ax: Axes | None = None,
) -> Axes:
    """Bars of a per-run outcome for each configuration, with confidence intervals.

    Args:
        table: one row per run, e.g. ``run_outcomes`` or ``analysis.lifecycle_summary``
            rows with a column naming the configuration.
        metric: the column to compare, e.g. ``"end_contributors"``.
        by: the column naming the configuration.
        level: coverage of the t interval of each mean, ``mean +- t * sd / sqrt(n)``
            (``commsim.stats.t_intervals``; no bar for a configuration of one run).
        ax: the Axes to draw on.
    """
    for name in (metric, by):
        if name not in table.columns:
            raise ValueError(f"{name!r} is not a column: expected one of {list(table.columns)}")
    ax = axes(ax)
    order = pd.unique(table[by])
    intervals = t_intervals(table[metric], table[by], level).loc[order]
    mean, n = intervals["mean"], intervals["n"]
    half = (intervals["high"] - intervals["mean"]).fillna(0)
    positions = np.arange(len(mean))
    ax.bar(
        positions,
        mean.to_numpy(),
        yerr=half.to_numpy(),
        capsize=4,
        color=plt.cm.tab10(positions % 10),
    )
    ax.set_xticks(positions, [str(name) for name in mean.index], rotation=20, ha="right")
    ax.set_xlabel(words(by))
    ax.set_ylabel(with_unit(metric))
    ax.set_title(f"{words(metric)} by {words(by)} (mean of {int(n.min())}+ runs, {level:.0%} CI)")
    return ax


def plot_heatmap(
    table: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    aggfunc: str = "mean",
    annotate: bool = True,
    ax: Axes | None = None,
) -> Axes:
    """A heatmap of ``value`` over two swept parameters.

    Args:
        table: a tidy table, one row per run, with columns ``x``, ``y`` and ``value``.
        x, y: the swept parameters (columns).
        value: the outcome to colour by; runs with equal ``x`` and ``y`` are combined with
            ``aggfunc`` (``"mean"``, ``"median"``, ...).
        annotate: write each cell's value in it.
        ax: the Axes to draw on.
    """
    for name in (x, y, value):
        if name not in table.columns:
            raise ValueError(f"{name!r} is not a column: expected one of {list(table.columns)}")
    ax = axes(ax, (6, 5))
    grid = table.pivot_table(index=y, columns=x, values=value, aggfunc=aggfunc).sort_index()
    grid = grid[sorted(grid.columns)]
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(words(x))
    ax.set_ylabel(words(y))
    ax.figure.colorbar(image, ax=ax, label=f"{with_unit(value)}, {aggfunc} of runs")
    if annotate:
        middle = np.nanmean(grid.to_numpy())
        for (row, col), cell in np.ndenumerate(grid.to_numpy()):
            ax.text(
                col,
                row,
                f"{cell:.3g}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if cell < middle else "black",
            )
    ax.set_title(f"{words(value)} over {words(x)} and {words(y)}")
    return ax


def plot_sobol(indices: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """First-order and total Sobol indices per parameter, with their confidence intervals.

    Args:
        indices: one row per parameter, named by a ``parameter`` column or else by the
            index, with columns ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (SALib's
            ``sobol.analyze(...).to_df()`` total and first-order frames joined, or
            ``commsim.sweep.sensitivity.sobol_indices`` for one outcome).
        ax: the Axes to draw on.
    """
    missing = [c for c in ("S1", "S1_conf", "ST", "ST_conf") if c not in indices.columns]
    if missing:
        raise ValueError(f"indices lacks columns {missing}: expected S1, S1_conf, ST, ST_conf")
    ax = axes(ax)
    positions = np.arange(len(indices))
    width = 0.4
    for offset, column, label in ((-1, "S1", "first order (S1)"), (1, "ST", "total (ST)")):
        ax.bar(
            positions + offset * width / 2,
            indices[column],
            width,
            yerr=indices[f"{column}_conf"],
            capsize=3,
            label=label,
        )
    names = indices["parameter"] if "parameter" in indices.columns else indices.index
    ax.set_xticks(positions, [str(name) for name in names], rotation=30, ha="right")
    ax.set_xlabel("parameter")
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title("Sensitivity: Sobol indices with 95% intervals")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.legend(loc="upper right", fontsize="small")
    return ax
