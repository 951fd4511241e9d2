"""The report's plots: each outcome against the x factor, on an axis chosen from its
values, and the mean daily metrics of the settings.

The x axis (``axis_kind``), unless ``report.axis`` declares it:

* **categorical** for text or true/false values (policies, kinds, a strategy on/off),
  and for numbers that include 0 or less beside positive values spanning ten times or
  more (``[0, 300, 1000, 3000]``: evenly spaced, in the given order);
* **log** for positive numbers whose largest is at least ten times the smallest
  (caps ``50 .. 500``);
* **linear** otherwise.

A setting whose x value is missing (its strategy switched off, ``vary."SizeCap" =
[false, true]``) is drawn as a horizontal line with its interval as a band on a numeric
axis, and as the first category, labelled ``off``, on a categorical one. A point whose
outcome has no value in some runs says how many (``2 undefined``); a setting without
any value is marked at the bottom of the axis (``no value``) instead of being dropped.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from commsim.sweep.design import missing
from commsim.sweep.experiment import AXES

MAX_LINES = 12  # settings drawn in the time-series plot
OFF = "off"


def axis_kind(values: Sequence, declared: str | None = None) -> str:
    """The kind of x axis for ``values`` (module docstring); ``declared`` wins."""
    if declared is not None:
        if declared not in AXES:
            raise ValueError(f"axis={declared!r}: expected one of {AXES}")
        return declared
    present = [v for v in values if not missing(v)]
    if not present or any(isinstance(v, (str, bool, np.bool_)) for v in present):
        return "categorical"
    numbers = np.asarray(present, dtype=float)
    positive = numbers[numbers > 0]
    spread = positive.size >= 2 and positive.max() >= 10 * positive.min()
    if spread and positive.size == numbers.size:
        return "log"
    return "categorical" if spread else "linear"


def _text(value) -> str:
    if missing(value):
        return OFF
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return f"{value:.0f}"
    return str(value)


def _annotate(ax, xs, rows: pd.DataFrame, name: str) -> None:
    """Say how many runs of each point have no value; mark points without any."""
    for x, (_, row) in zip(xs, rows.iterrows(), strict=True):
        undefined = int(row.get(f"{name}_undefined", 0) or 0)
        if math.isnan(row[name]):
            ax.annotate(
                "no value", (x, 0), xycoords=("data", "axes fraction"), xytext=(0, 4),
                textcoords="offset points", ha="center", fontsize="x-small", color="0.3",
            )  # fmt: skip
            ax.plot([x], [0], marker="x", color="0.3", transform=ax.get_xaxis_transform())
        elif undefined:
            ax.annotate(
                f"{undefined} undefined", (x, row[name]), xytext=(4, 4),
                textcoords="offset points", fontsize="x-small", color="0.3",
            )  # fmt: skip


def _errors(rows: pd.DataFrame, name: str) -> list[np.ndarray]:
    return [
        np.nan_to_num((rows[name] - rows[f"{name}_low"]).to_numpy(dtype=float)),
        np.nan_to_num((rows[f"{name}_high"] - rows[name]).to_numpy(dtype=float)),
    ]


def outcomes_figure(
    summary: pd.DataFrame,
    names: Sequence[str],
    x: str | None,
    others: Sequence[str],
    *,
    title: str,
    sampled: bool = False,
    axis: str | None = None,
) -> tuple[Figure, str]:
    """Each outcome's mean and 95% interval (``summary_table``'s columns) against ``x``,
    one line per combination of the ``others`` (points only for a ``sampled`` design).
    Returns the figure and the axis kind used."""
    kind = axis_kind(summary[x].tolist() if x else [], axis)
    fig = Figure(figsize=(8, 2.9 * len(names) + 0.5))
    axes = fig.subplots(len(names), 1, squeeze=False)
    off = summary[x].map(missing) if x else pd.Series(False, index=summary.index)
    categories = list(dict.fromkeys(_text(v) for v in summary[x])) if x else ["all runs"]
    if OFF in categories:
        categories.remove(OFF)
        categories.insert(0, OFF)
    for ax, name in zip(axes[:, 0], names, strict=True):
        shown = summary if kind == "categorical" else summary[~off]
        groups = list(shown.groupby(list(others), sort=False, dropna=False)) if others else [
            ((), shown)]  # fmt: skip
        width = 0.8 / max(len(groups), 1)
        for index, (key, rows) in enumerate(groups):
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{c}={_text(v)}" for c, v in zip(others, key, strict=True))
            if kind == "categorical":
                ticks = rows[x].map(_text) if x else pd.Series(["all runs"] * len(rows))
                positions = np.array([categories.index(t) for t in ticks], dtype=float)
                positions += (index - (len(groups) - 1) / 2) * width
                ax.bar(positions, np.nan_to_num(rows[name].to_numpy(dtype=float)), width,
                       yerr=_errors(rows, name), capsize=3, label=label or None)  # fmt: skip
                _annotate(ax, positions, rows, name)
            elif sampled:
                ax.scatter(rows[x], rows[name], s=10, alpha=0.7, label=label or None)
            else:
                rows = rows.sort_values(x)
                ax.errorbar(rows[x], rows[name], yerr=_errors(rows, name), marker="o",
                            capsize=3, label=label or None)  # fmt: skip
                _annotate(ax, rows[x].to_numpy(dtype=float), rows, name)
        if kind == "categorical":
            ax.set_xticks(range(len(categories)), categories,
                          rotation=20 if len(categories) > 5 else 0)  # fmt: skip
        else:
            switch = f"{x.rpartition('.')[0] or x} off"
            for _, row in summary[off].iterrows():  # a strategy off: a reference line
                if math.isnan(row[name]):
                    ax.annotate(f"{switch}: no value", (0.01, 0.02), xycoords="axes fraction",
                                fontsize="x-small", color="0.3")  # fmt: skip
                    continue
                ax.axhline(row[name], color="0.4", linestyle="--", linewidth=1, label=switch)
                if not math.isnan(row[f"{name}_low"]):
                    ax.axhspan(row[f"{name}_low"], row[f"{name}_high"], color="0.4", alpha=0.12)
            if kind == "log":
                ax.set_xscale("log")
                ticks = sorted(set(summary.loc[~off, x].astype(float)))
                ax.set_xticks(ticks, [_text(t) for t in ticks])
                ax.minorticks_off()
        ax.set_ylabel(name)
        ax.set_xlabel(f"{x or ''} ({kind} axis)" if x else "")
        if ax.get_legend_handles_labels()[1]:
            ax.legend(fontsize="small")
    axes[0, 0].set_title(title)
    fig.tight_layout()
    return fig, kind


def plot_timeseries(
    means: pd.DataFrame,
    settings: pd.DataFrame,
    label,
    metrics: Sequence[str],
    path: os.PathLike,
) -> None:
    """Mean daily metrics of up to ``MAX_LINES`` settings (evenly chosen); ``label(row)``
    names a setting's row."""
    chosen = settings["setting"].to_numpy()
    if len(chosen) > MAX_LINES:
        chosen = chosen[np.linspace(0, len(chosen) - 1, MAX_LINES).round().astype(int)]
    fig = Figure(figsize=(8, 2.8 * len(metrics) + 0.5))
    axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics, strict=True):
        for setting in chosen:
            rows = means[means["setting"] == setting]
            row = settings.loc[settings["setting"] == setting].iloc[0]
            ax.plot(rows["day"], rows[metric], label=label(row) or "all runs")
        ax.set_ylabel(f"mean {metric}")
    axes[-1, 0].set_xlabel("day")
    axes[0, 0].legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
