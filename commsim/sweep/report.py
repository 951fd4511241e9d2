"""The report of a sweep: a summary table with 95% confidence intervals, the answer to
the experiment's question, and plots, written beside the results.

For each setting and outcome the table gives the mean over the setting's replications
and its 95% confidence interval ``mean ± t(0.975, n - 1) * s / sqrt(n)``
(``commsim.stats.t_interval``; ``s`` the sample standard deviation, ``n`` the runs with a
value: an outcome such as days until silence is NaN for a group that never fell silent,
and ``n`` says how many did; fewer than two values give no interval). Failed runs are
counted, not averaged. The best setting is compared with the others by Welch's t test
(``commsim.stats.welch_test``).

``write_report(results)`` writes ``<results>/report/``: ``report.md`` (question, runs,
answer, table), ``summary.csv`` (every setting), ``outcomes.png`` (each outcome against
the x parameter, with its interval), ``timeseries.png`` (mean daily metrics of the
settings), and for a Sobol design ``sensitivity.csv`` and ``sensitivity.png``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from commsim.stats import t_interval, welch_test
from commsim.sweep.comparison import baseline_lines
from commsim.sweep.experiment import Experiment
from commsim.sweep.sensitivity import sobol_figure, sobol_indices
from commsim.sweep.store import STATUS_FAILED, STATUS_OK, ResultStore

DEFAULT_OUTCOMES = (
    "peak_members",
    "end_members",
    "end_contributors",
    "end_mean_value",
    "days_until_silence",
    "total_spend",
    "return_on_spend",
)
DEFAULT_TIMESERIES = ("members", "contributors")
LEVEL = 0.95
MAX_LINES = 12  # settings drawn in the time-series plot


def summary_table(
    outcomes: pd.DataFrame, experiment: Experiment, names: Sequence[str]
) -> pd.DataFrame:
    """One row per setting: its varied values, runs, failed runs, and for each outcome
    ``<outcome>``, ``<outcome>_low``, ``<outcome>_high`` (95% interval) and ``<outcome>_n``."""
    columns = experiment.setting_columns + (["sample"] if experiment.ranges else [])
    rows = []
    for setting, runs in outcomes.groupby("setting", sort=True):
        row = {"setting": setting}
        row.update({c: runs[c].iloc[0] for c in columns})
        ok = runs[runs["status"] == STATUS_OK]
        row["runs"] = len(ok)
        row["failed"] = int((runs["status"] == STATUS_FAILED).sum())
        for name in names:
            mean, low, high, n = t_interval(ok[name], LEVEL)
            row.update({name: mean, f"{name}_low": low, f"{name}_high": high, f"{name}_n": n})
        rows.append(row)
    return pd.DataFrame(rows)


def best_setting(
    outcomes: pd.DataFrame, summary: pd.DataFrame, outcome: str, goal: str, columns: Sequence[str]
) -> str:
    """A sentence naming the setting with the best mean ``outcome`` and the settings that
    a Welch t-test cannot tell from it at the 5% level."""
    ranked = summary.dropna(subset=[outcome])
    if ranked.empty:
        return f"No setting has a value of {outcome} yet."
    best = ranked.loc[ranked[outcome].idxmax() if goal == "max" else ranked[outcome].idxmin()]
    ok = outcomes[outcomes["status"] == STATUS_OK]
    best_values = ok.loc[ok["setting"] == best["setting"], outcome].dropna()
    ties = []
    for _, row in ranked.iterrows():
        if row["setting"] == best["setting"]:
            continue
        values = ok.loc[ok["setting"] == row["setting"], outcome].dropna()
        if len(values) < 2 or len(best_values) < 2:
            continue
        if not welch_test(best_values, values).pvalue < 0.05:
            ties.append(_label(row, columns))
    sentence = (
        f"{'Highest' if goal == 'max' else 'Lowest'} mean {outcome}: "
        f"{_label(best, columns) or 'the only setting'}, {_interval(best, outcome)}."
    )
    if ties:
        sentence += (
            " Not distinguishable from it (Welch t-test, p >= 0.05): " + "; ".join(ties) + "."
        )
    elif len(ranked) > 1:
        sentence += " Every other setting differs from it (Welch t-test, p < 0.05)."
    return sentence


def _label(row: pd.Series, columns: Sequence[str]) -> str:
    return ", ".join(f"{c} = {_number(row[c])}" for c in columns)


def _number(value) -> str:
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value):
            return str(float(value))
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _interval(row: pd.Series, name: str) -> str:
    text = f"{_number(row[name])}"
    if not math.isnan(row[f"{name}_low"]):
        text += f" [{_number(row[f'{name}_low'])}, {_number(row[f'{name}_high'])}]"
    return text + f" (n={int(row[f'{name}_n'])})"


def markdown_table(
    summary: pd.DataFrame, columns: Sequence[str], names: Sequence[str], limit: int = 60
) -> str:
    """The summary as a Markdown table: varied values, runs, and ``mean [95% CI]``."""
    header = list(columns) + ["runs", "failed"] + list(names)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, row in summary.head(limit).iterrows():
        cells = [_number(row[c]) for c in columns] + [
            str(int(row["runs"])),
            str(int(row["failed"])),
        ]
        cells += [_interval(row, name) for name in names]
        lines.append("| " + " | ".join(cells) + " |")
    if len(summary) > limit:
        lines.append(f"\n({len(summary) - limit} more settings in summary.csv)")
    return "\n".join(lines)


def _x_axis(experiment: Experiment, settings: pd.DataFrame) -> str | None:
    x = experiment.report.get("x")
    if x:
        return x
    numeric = [c for c in experiment.vary if pd.api.types.is_numeric_dtype(settings[c])]
    return numeric[0] if numeric else (experiment.setting_columns or [None])[0]


def plot_outcomes(
    summary: pd.DataFrame,
    experiment: Experiment,
    names: Sequence[str],
    x: str | None,
    path: os.PathLike,
) -> None:
    """Each outcome's mean and 95% interval against ``x``, one line per combination of
    the other varied values (points only for sampled designs)."""
    others = [c for c in experiment.setting_columns if c != x and c not in experiment.ranges]
    fig = Figure(figsize=(8, 2.9 * len(names) + 0.5))
    axes = fig.subplots(len(names), 1, squeeze=False)
    for ax, name in zip(axes[:, 0], names, strict=True):
        groups = summary.groupby(others, sort=False) if others else [((), summary)]
        categorical = x is None or not pd.api.types.is_numeric_dtype(summary[x])
        for index, (key, rows) in enumerate(groups):
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{c}={_number(v)}" for c, v in zip(others, key, strict=True))
            low = (rows[name] - rows[f"{name}_low"]).to_numpy()
            high = (rows[f"{name}_high"] - rows[name]).to_numpy()
            if categorical:
                ticks = rows[x].astype(str) if x else ["all runs"]
                offset = (index - (len(groups) - 1) / 2) * 0.8 / max(len(groups), 1)
                positions = np.arange(len(rows)) + offset
                ax.bar(
                    positions,
                    rows[name],
                    0.8 / max(len(groups), 1),
                    yerr=[low, high],
                    capsize=3,
                    label=label or None,
                )
                ax.set_xticks(np.arange(len(rows)), ticks, rotation=20 if len(rows) > 5 else 0)
            elif experiment.ranges:
                ax.scatter(rows[x], rows[name], s=10, alpha=0.7, label=label or None)
            else:
                rows = rows.sort_values(x)
                ax.errorbar(
                    rows[x],
                    rows[name],
                    yerr=[rows[name] - rows[f"{name}_low"], rows[f"{name}_high"] - rows[name]],
                    marker="o",
                    capsize=3,
                    label=label or None,
                )
        ax.set_ylabel(name)
        ax.set_xlabel(x or "")
        if others:
            ax.legend(fontsize="small")
    axes[0, 0].set_title(
        f"{experiment.name}: mean per design point"
        if experiment.ranges
        else f"{experiment.name}: mean and 95% confidence interval per setting"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def mean_timeseries(store: ResultStore, metrics: Sequence[str]) -> pd.DataFrame:
    """Mean of each metric per setting and day over the finished runs, read part by part
    (memory grows with settings x days, not with runs)."""
    total = None
    for part in store.timeseries_parts(metrics):
        sums = part.groupby(["setting", "day"])[list(metrics)].agg(["sum", "count"])
        total = sums if total is None else total.add(sums, fill_value=0)
    if total is None:
        return pd.DataFrame(columns=["setting", "day", *metrics])
    means = pd.DataFrame({m: total[(m, "sum")] / total[(m, "count")] for m in metrics})
    return means.reset_index()


def plot_timeseries(
    means: pd.DataFrame,
    settings: pd.DataFrame,
    columns: Sequence[str],
    metrics: Sequence[str],
    path: os.PathLike,
) -> None:
    """Mean daily metrics of up to ``MAX_LINES`` settings (evenly chosen)."""
    chosen = settings["setting"].to_numpy()
    if len(chosen) > MAX_LINES:
        chosen = chosen[np.linspace(0, len(chosen) - 1, MAX_LINES).round().astype(int)]
    fig = Figure(figsize=(8, 2.8 * len(metrics) + 0.5))
    axes = fig.subplots(len(metrics), 1, sharex=True, squeeze=False)
    for ax, metric in zip(axes[:, 0], metrics, strict=True):
        for setting in chosen:
            rows = means[means["setting"] == setting]
            row = settings.loc[settings["setting"] == setting].iloc[0]
            ax.plot(rows["day"], rows[metric], label=_label(row, columns) or "all runs")
        ax.set_ylabel(f"mean {metric}")
    axes[-1, 0].set_xlabel("day")
    axes[0, 0].legend(fontsize="x-small", ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_report(results: str | os.PathLike, outcomes: Sequence[str] | None = None) -> Path:
    """Write the report of the sweep in ``results`` to ``results/report/``.

    Args:
        results: a results folder of ``run_sweep``/``commsim sweep``.
        outcomes: outcomes to show (default: the experiment's ``report.outcomes``, else a
            standard set of those kept).

    Returns:
        The path of ``report.md``.
    """
    store = ResultStore(results)
    experiment = store.experiment()
    settings = store.settings()
    runs = store.outcomes()
    names = list(
        outcomes
        or experiment.report.get("outcomes")
        or [n for n in DEFAULT_OUTCOMES if n in experiment.outcomes]
    )
    unknown = [n for n in names if n not in experiment.outcomes]
    if unknown:
        raise ValueError(
            f"outcomes={unknown}: not kept by this experiment; choose from "
            + ", ".join(experiment.outcomes)
        )
    folder = store.path / "report"
    folder.mkdir(exist_ok=True)
    columns = experiment.setting_columns + (["sample"] if experiment.ranges else [])
    best = experiment.report.get("best")
    summary = summary_table(runs, experiment, names + [best["outcome"]] if best else names)
    total = len(settings) * experiment.replications
    lines = [f"# {experiment.name}", ""]
    if experiment.question:
        lines += [f"**Question:** {experiment.question}", ""]
    failed = int((runs["status"] == STATUS_FAILED).sum()) if len(runs) else 0
    lines += [
        f"{len(runs)} of {total} runs finished ({failed} failed): {len(settings)} settings x "
        f"{experiment.replications} replications, {experiment.days} days each, root seed "
        f"{experiment.seed}, design {experiment.design}.",
        "",
    ]
    if experiment.parameters or experiment.strategies:
        fixed = ", ".join(f"{k} = {v}" for k, v in experiment.parameters.items())
        strategies = "; ".join(
            f"{s}({', '.join(f'{k}={v}' for k, v in p.items())})"
            for s, p in experiment.strategies.items()
        )
        lines += [
            f"Fixed: {fixed or 'model defaults'}. Strategies in every run: {strategies or 'none'}.",
            "",
        ]
    if experiment.policies:
        lines += ["Policies compared:", ""]
        for policy, strategies in experiment.policies.items():
            text = (
                "; ".join(
                    f"{s}({', '.join(f'{k}={v}' for k, v in p.items())})"
                    for s, p in strategies.items()
                )
                or "no strategy"
            )
            lines.append(f"- **{policy}**: {text}")
        lines.append("")
    if best and len(summary):
        lines += [
            "## Answer",
            "",
            best_setting(runs, summary, best["outcome"], best.get("goal", "max"), columns),
            "",
        ]
    lines += baseline_lines(
        runs, experiment, settings, names, lambda row: _label(row, columns), LEVEL
    )
    if len(summary):
        summary.to_csv(folder / "summary.csv", index=False)
        lines += [
            "## Outcomes (mean [95% confidence interval] (runs with a value))",
            "",
            markdown_table(summary, columns, names),
            "",
        ]
        x = _x_axis(experiment, settings)
        plot_outcomes(summary, experiment, names, x, folder / "outcomes.png")
        lines += ["![outcomes](outcomes.png)", ""]
    metrics = [
        m
        for m in experiment.report.get("timeseries", DEFAULT_TIMESERIES)
        if m in experiment.metrics
    ]
    if metrics and len(runs):
        means = mean_timeseries(store, metrics)
        if len(means):
            plot_timeseries(means, settings, columns[:3], metrics, folder / "timeseries.png")
            lines += ["## Over time (mean per setting)", "", "![timeseries](timeseries.png)", ""]
    for outcome in experiment.report.get("sensitivity", []):
        lines += [f"## Sensitivity of {outcome} (Sobol indices)", ""]
        try:
            table = sobol_indices(runs, experiment, outcome)
        except ValueError as error:
            lines += [f"Not computed: {error}", ""]
            continue
        table.to_csv(folder / f"sensitivity-{outcome}.csv", index=False)
        sobol_figure(table).savefig(folder / f"sensitivity-{outcome}.png", dpi=110)
        lines += [
            _sobol_answer(table, outcome),
            "",
            _sobol_markdown(table),
            "",
            f"![sensitivity](sensitivity-{outcome}.png)",
            "",
        ]
    path = folder / "report.md"
    path.write_text("\n".join(lines))
    return path


_SOBOL_COLUMNS = ("outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf")


def _sobol_markdown(table: pd.DataFrame) -> str:
    header = [c for c in table.columns if c not in ("S1_conf", "ST_conf", "outcome")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, row in table.iterrows():
        cells = []
        for c in header:
            if c in ("S1", "ST"):
                cells.append(f"{row[c]:.3f} ± {row[c + '_conf']:.3f}")
            else:
                cells.append(_number(row[c]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _sobol_answer(table: pd.DataFrame, outcome: str) -> str:
    """A sentence naming the parameter with the largest total index in each block."""
    keys = [c for c in table.columns if c not in _SOBOL_COLUMNS]
    blocks = table.groupby(keys, sort=False) if keys else [((), table)]
    sentences = []
    for key, rows in blocks:
        key = key if isinstance(key, tuple) else (key,)
        top = rows.loc[rows["ST"].idxmax()]
        where = ", ".join(f"{k} = {_number(v)}" for k, v in zip(keys, key, strict=True))
        sentences.append(
            f"{'With ' + where + ', ' if where else ''}{top['parameter']} explains most of the "
            f"variance of {outcome}: total index {top['ST']:.2f} ± {top['ST_conf']:.2f}, "
            f"first order {top['S1']:.2f} ± {top['S1_conf']:.2f}."
        )
    return " ".join(sentences)
