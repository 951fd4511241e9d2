"""Plots of runs for papers and classes (matplotlib).

Every function draws on the ``ax`` it is given (a new figure when None) and returns the
Axes, so plots compose into figures::

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True)
    plot_lifecycle(runs, ["members", "contributors"], ax=top)
    shade_stages(runs, ax=top)
    plot_cooling_index(runs, ax=bottom)

Inputs are the frames of ``commsim.analysis``: a run's daily frame, a long frame of runs
(``analysis.run_replications``), a tidy table with one row per run, a model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from commsim import analysis
from commsim.inequality import gini
from commsim.population import CONTRIBUTOR, KOL, LEFT, LURKER, OUTSIDER, SPAMMER
from commsim.stats import t_intervals

UNITS = {
    "members": "people",
    "contributors": "people",
    "lurkers": "people",
    "joined": "people per day",
    "left": "people per day",
    "messages": "messages per day",
    "spam_messages": "messages per day",
    "mean_value": "value (0-1)",
    "joiner_value": "value (0-1)",
    "leaver_value": "value (0-1)",
    "cooling_index": "value (0-1)",
    "gini": "Gini (0-1)",
    "top1_share": "share (0-1)",
    "top10_share": "share (0-1)",
    "active_groups": "groups",
    "spend": "money per day",
    "revenue": "money per day",
    "conversions": "people per day",
    # per-run outcomes (commsim.outcomes.run_outcomes, analysis.lifecycle_summary)
    "peak_members": "people",
    "end_members": "people",
    "end_contributors": "people",
    "end_mean_value": "value (0-1)",
    "total_joined": "people",
    "total_left": "people",
    "total_messages": "messages",
    "total_spend": "money",
    "total_revenue": "money",
    "total_conversions": "people",
    "cost_per_retained_contributor": "money per contributor",
    "peak_day": "day",
    "peak_members_day": "day",
    "peak_activity": "messages per day",
    "half_life": "days",
    "days_until_silence": "days",
}
"""Unit of each daily figure and per-run outcome, for axis labels."""

STAGE_COLOURS = {
    "sprout": "#c7e9c0",
    "rapid growth": "#74c476",
    "active interaction": "#fdd0a2",
    "decline": "#fc9272",
    "silence": "#d9d9d9",
}
STATE_COLOURS = {
    "contributor": "#d62728",
    "lurker": "#1f77b4",
    "left": "#bbbbbb",
    "outsider": "#f2f2f2",
}


def _axes(ax: Axes | None, size: tuple[float, float] = (7, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _label(column: str) -> str:
    return column.replace("_", " ")


def _with_unit(column: str) -> str:
    """``"half life (days)"``: a column's name with its unit when ``UNITS`` knows it."""
    unit = UNITS.get(column)
    return f"{_label(column)} ({unit})" if unit and unit != _label(column) else _label(column)


def _units(columns: Sequence[str]) -> str:
    units = list(dict.fromkeys(UNITS.get(column, column.replace("_", " ")) for column in columns))
    return " / ".join(units)


# ---------------------------------------------------------------------- lifecycle
def plot_lifecycle(
    df: pd.DataFrame,
    columns: str | Sequence[str] = ("members", "contributors"),
    by: str | None = None,
    run: str | None = None,
    interval: str = "runs",
    level: float = 0.95,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
) -> Axes:
    """Daily figures of one run (lines) or of many runs (mean line and a band).

    Args:
        df: one run's daily frame, or a long frame of runs (``analysis.run_replications``).
        columns: the daily figures to draw, e.g. ``["members", "messages"]``.
        by: a column of ``df`` naming a configuration (e.g. ``"strategy"``): one line
            (and band) per configuration and figure.
        run: the run column of a long frame; found automatically when None.
        interval: ``"runs"`` (where ``level`` of the runs fall) or ``"mean"`` (confidence
            interval of the mean); see ``analysis.band``.
        level: coverage of the band.
        ax: the Axes to draw on.
        labels: legend label of a column (default: its name, ``joiner_value`` drawn as
            "joiner value").

    Returns:
        The Axes, with day on x, the figures' units on y, a legend and a title.
    """
    columns = [columns] if isinstance(columns, str) else list(columns)
    if not columns:
        raise ValueError("columns=[] is not valid: expected at least one column")
    if by is not None and by not in df.columns:
        raise ValueError(f"by={by!r} is not a column: expected one of {list(df.columns)}")
    ax = _axes(ax)
    groups = df.groupby(by, sort=False) if by else [(None, df)]
    many = analysis.run_column(df, run) is not None
    count = 0
    for name, part in groups:
        for column in columns:
            table = analysis.band(part, column, run=run, interval=interval, level=level)
            label = (labels or {}).get(column, _label(column))
            label = label if name is None else f"{name}: {label}"
            (line,) = ax.plot(table.index, table["mean"], label=label)
            if many:
                ax.fill_between(
                    table.index, table["low"], table["high"], color=line.get_color(), alpha=0.2
                )
                count = max(count, int(table["runs"].max()))
    ax.set_xlabel("day")
    ax.set_ylabel(_units(columns))
    if many:
        what = "runs" if interval == "runs" else "mean"
        ax.set_title(f"Mean of {count} runs, band: {level:.0%} interval of the {what}")
    else:
        ax.set_title("One run")
    ax.legend()
    return ax


def plot_cooling_index(
    df: pd.DataFrame,
    window: int = 14,
    by: str | None = None,
    run: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The cooling index (``analysis.cooling_index``) over time, mean and band over runs
    (per configuration named in column ``by``), with a line at zero: above it, leavers are
    worth more than joiners."""
    column = analysis.run_column(df, run)
    frame = df.assign(cooling_index=analysis.cooling_index(df, window=window, run=run).values)
    ax = plot_lifecycle(frame, "cooling_index", by=by, run=column, ax=ax)
    ax.axhline(0.0, color="black", linewidth=0.8, linestyle=":")
    ax.set_ylabel("leavers' minus joiners' value (0-1)")
    ax.set_title(f"Evaporative cooling ({window}-day windows)")
    return ax


def lifecycle_figure(df: pd.DataFrame, title: str | None = None, window: int = 14) -> Figure:
    """The lifecycle of a group in two panels: members, contributors and messages per day
    over the shaded lifecycle stages (top); the mean value of members, and that of joiners
    and of leavers as count-weighted ``window``-day means (``analysis.flow_values``,
    bottom).

    Args:
        df: one run's daily frame, or a long frame of runs (mean and band; the stages are
            those of the average run).
        title: the top panel's title (default: what ``plot_lifecycle`` says).
        window: days in the joiners' and leavers' means.

    Returns:
        A matplotlib ``Figure`` (not registered with pyplot: save it with ``savefig``).
    """
    fig = Figure(figsize=(9, 7))
    top, bottom = fig.subplots(2, 1, sharex=True)
    plot_lifecycle(df, ["members", "contributors", "messages"], ax=top)
    shade_stages(df, ax=top)
    if title is not None:
        top.set_title(title)
    top.set_xlabel("")
    flows = analysis.flow_values(df, window=window)
    values = df.assign(joiner_value=flows["joiner_value"], leaver_value=flows["leaver_value"])
    names = {
        "mean_value": "mean value of members",
        "joiner_value": f"joiners' value (count-weighted {window}-day mean)",
        "leaver_value": f"leavers' value (count-weighted {window}-day mean)",
    }
    plot_lifecycle(values, list(names), ax=bottom, labels=names)
    bottom.set_title("")
    fig.tight_layout()
    return fig


def shade_stages(
    stages: pd.Series | pd.DataFrame, ax: Axes | None = None, legend: bool = True
) -> Axes:
    """Shade the lifecycle stages behind a plot.

    Args:
        stages: ``analysis.lifecycle_stages`` of one run (indexed by day), or a daily frame
            (one run, or a long frame of runs of one configuration whose average run,
            ``analysis.mean_run``, is classified).
        ax: the Axes to draw on.
        legend: add the stages to the legend.
    """
    if isinstance(stages, pd.DataFrame):
        stages = analysis.lifecycle_stages(analysis.mean_run(stages))
    ax = _axes(ax)
    seen = set()
    for span in analysis.stage_spans(stages).itertuples():
        label = span.stage if span.stage not in seen else None
        seen.add(span.stage)
        ax.axvspan(
            span.start - 0.5,
            span.end + 0.5,
            color=STAGE_COLOURS[span.stage],
            alpha=0.5,
            label=label,
            zorder=0,
            linewidth=0,
        )
    if legend:
        ax.legend()
    ax.set_xlabel("day")
    return ax


# ---------------------------------------------------------------------- comparisons
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
    ax = _axes(ax)
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
    ax.set_xlabel(_label(by))
    ax.set_ylabel(_with_unit(metric))
    ax.set_title(f"{_label(metric)} by {_label(by)} (mean of {int(n.min())}+ runs, {level:.0%} CI)")
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
    ax = _axes(ax, (6, 5))
    grid = table.pivot_table(index=y, columns=x, values=value, aggfunc=aggfunc).sort_index()
    grid = grid[sorted(grid.columns)]
    image = ax.imshow(grid.to_numpy(), origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(grid.shape[1]), [f"{v:g}" for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [f"{v:g}" for v in grid.index])
    ax.set_xlabel(_label(x))
    ax.set_ylabel(_label(y))
    ax.figure.colorbar(image, ax=ax, label=f"{_with_unit(value)}, {aggfunc} of runs")
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
    ax.set_title(f"{_label(value)} over {_label(x)} and {_label(y)}")
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
    ax = _axes(ax)
    positions = np.arange(len(indices))
    width = 0.4
    ax.bar(
        positions - width / 2,
        indices["S1"],
        width,
        yerr=indices["S1_conf"],
        capsize=3,
        label="first order (S1)",
    )
    ax.bar(
        positions + width / 2,
        indices["ST"],
        width,
        yerr=indices["ST_conf"],
        capsize=3,
        label="total (ST)",
    )
    names = indices["parameter"] if "parameter" in indices.columns else indices.index
    ax.set_xticks(positions, [str(name) for name in names], rotation=30, ha="right")
    ax.set_xlabel("parameter")
    ax.set_ylabel("Sobol index (share of variance)")
    ax.set_title("Sensitivity: Sobol indices with 95% intervals")
    ax.axhline(0, color="grey", linewidth=0.5)
    ax.legend(loc="upper right", fontsize="small")
    return ax


# ---------------------------------------------------------------------- members
def plot_lorenz(source, members_only: bool = True, ax: Axes | None = None) -> Axes:
    """The Lorenz curve of messages per person, with the line of equality.

    Args:
        source: a ``CommunityModel``, its ``Population``, or an array of messages per
            person.
        members_only: with a model, current members only (False: all who ever joined).
        ax: the Axes to draw on.
    """
    population = getattr(source, "population", source)
    if hasattr(population, "contributions"):
        chosen = population.group >= 0 if members_only else population.joined_day >= 0
        values = population.contributions[chosen]
    else:
        values = np.asarray(source)
    people, share = analysis.lorenz_curve(values)
    ax = _axes(ax, (5, 5))
    ax.plot(people, share, label=f"Lorenz curve (Gini {gini(values):.2f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="equality")
    ax.set_xlabel("share of members, least active first")
    ax.set_ylabel("share of messages")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"Participation inequality ({values.size} members)")
    ax.legend()
    return ax


def plot_survival(table: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """Kaplan-Meier survival curves with their confidence bands, one per group.

    Args:
        table: ``analysis.member_survival`` (or ``kaplan_meier`` with a ``group`` column).
        ax: the Axes to draw on.
    """
    if "group" not in table.columns:
        table = table.assign(group="all")
    ax = _axes(ax)
    for name, part in table.groupby("group", sort=True):
        (line,) = ax.step(
            part["days"],
            part["survival"],
            where="post",
            label=f"{name} ({int(part['at_risk'].iloc[0])})",
        )
        ax.fill_between(
            part["days"], part["low"], part["high"], step="post", color=line.get_color(), alpha=0.2
        )
    ax.set_xlabel("days in the group")
    ax.set_ylabel("share still in the group")
    ax.set_ylim(0, 1.02)
    ax.set_title("Member survival (Kaplan-Meier, 95% band)")
    ax.legend(title="group (members)")
    return ax


def plot_network(
    model,
    group: int | None = None,
    max_nodes: int = 300,
    seed: int = 0,
    ax: Axes | None = None,
) -> Axes:
    """The group's people and their friends, coloured by state.

    Shows the members of ``group`` (of every group, and everyone who left, when None) and
    their friends, at most ``max_nodes`` people: members first, then leavers, then
    friends, each chosen at random with ``seed`` when there are too many. KOLs are
    drawn as stars, spammers as crosses. The layout is ``networkx.spring_layout`` with
    ``seed``, so the same model gives the same picture.

    Args:
        model: a ``CommunityModel``.
        group: the group to show; None for all.
        max_nodes: most people to draw (a spring layout of a few hundred is quick).
        seed: seed of the sampling and the layout.
        ax: the Axes to draw on.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes={max_nodes!r} is not valid: expected an integer >= 1")
    population = model.population
    if group is not None and not 0 <= group < model.n_groups:
        raise ValueError(f"group={group!r} is out of range: expected 0..{model.n_groups - 1}")
    rng = np.random.default_rng(seed)
    in_group = population.group >= 0 if group is None else population.group == group
    members = np.flatnonzero(in_group)
    # A leaver's group is not kept: with all groups every leaver is shown, with one group
    # only those who are friends of its members.
    leavers = np.flatnonzero(population.state == LEFT) if group is None else members[:0]
    shown = np.union1d(members, leavers)
    friends = np.setdiff1d(model.adjacency[shown].indices, shown) if shown.size else shown

    chosen: list[np.ndarray] = []
    room = max_nodes
    for people in (members, leavers, friends):
        take = min(room, people.size)
        chosen.append(np.sort(rng.choice(people, size=take, replace=False)) if take else people[:0])
        room -= take
    nodes = np.concatenate(chosen)
    graph = nx.Graph()
    graph.add_nodes_from(nodes.tolist())
    sub = model.adjacency[nodes][:, nodes].tocoo()
    graph.add_edges_from(
        (int(nodes[i]), int(nodes[j])) for i, j in zip(sub.row, sub.col, strict=True) if i < j
    )
    layout = nx.spring_layout(graph, seed=seed, iterations=40)

    ax = _axes(ax, (6, 6))
    nx.draw_networkx_edges(graph, layout, ax=ax, edge_color="#cccccc", width=0.5)
    state = population.state[nodes]
    role = population.role[nodes]
    names = {CONTRIBUTOR: "contributor", LURKER: "lurker", LEFT: "left", OUTSIDER: "outsider"}
    shapes = [
        ("o", role < KOL, 40, ""),
        ("*", role == KOL, 160, ", KOL"),
        ("X", role == SPAMMER, 60, ", spammer"),
    ]
    for code, name in names.items():
        for marker, mask, size, suffix in shapes:
            picked = nodes[(state == code) & mask]
            if picked.size == 0:
                continue
            nx.draw_networkx_nodes(
                graph,
                layout,
                nodelist=picked.tolist(),
                node_color=STATE_COLOURS[name],
                node_shape=marker,
                node_size=size,
                edgecolors="#555555",
                linewidths=0.5,
                label=f"{name}{suffix} ({picked.size})",
                ax=ax,
            )
    ax.legend(loc="upper right", fontsize=8, markerscale=0.8)
    where = "all groups" if group is None else f"group {group}"
    ax.set_title(f"{where} on day {model.day}: {members.size} members ({nodes.size} shown)")
    ax.set_axis_off()
    return ax
