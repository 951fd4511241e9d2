"""Plots of a group's life over time: daily figures with bands, the cooling index, the
lifecycle stages shaded behind, and the two-panel lifecycle figure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from commsim import analysis
from commsim.plots.style import STAGE_COLOURS, axes, units, words


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
    ax = axes(ax)
    groups = df.groupby(by, sort=False) if by else [(None, df)]
    many = analysis.run_column(df, run) is not None
    count = 0
    for name, part in groups:
        for column in columns:
            table = analysis.band(part, column, run=run, interval=interval, level=level)
            label = (labels or {}).get(column, words(column))
            label = label if name is None else f"{name}: {label}"
            (line,) = ax.plot(table.index, table["mean"], label=label)
            if many:
                ax.fill_between(
                    table.index, table["low"], table["high"], color=line.get_color(), alpha=0.2
                )
                count = max(count, int(table["runs"].max()))
    ax.set_xlabel("day")
    ax.set_ylabel(units(columns))
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
    ax = axes(ax)
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
