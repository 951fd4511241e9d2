"""The report of a sweep: a summary table with 95% confidence intervals, the answer to
the experiment's question, and plots, written beside the results.

For each setting and outcome the table gives the mean over the setting's replications
with a value and its 95% bootstrap interval (``commsim.stats.mean_interval``: BCa over
the runs, whose bounds are resampled means, so an interval never leaves the range the
outcome can take, ``commsim.outcomes.RANGES``, and follows its skew), ``n`` the runs with
a value and the runs without one counted as *undefined* with the reason the outcome
declares (days until silence of a group that never fell silent; a cost per contributor
when none is left, stored as ``inf``). Fewer than two values give no interval; failed
runs are counted, not averaged. Every row says how many replications it rests on.

The answer (``commsim.sweep.decision``): the best setting and the settings that cannot
be told from it, which settings are better than the baseline, and the cost of each
setting per unit of effect; with common seeds by paired differences.

``write_report(results)`` writes ``<results>/report/``: ``report.md`` (question, runs,
answer, table), ``summary.csv`` (every setting), ``outcomes.png`` (each outcome against
the x factor, with its interval, on an axis chosen from its values:
``commsim.sweep.figures``), ``timeseries.png`` (mean daily metrics of the settings), and
for a Sobol design ``sensitivity.csv`` and ``sensitivity.png``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from commsim.outcomes import RANGES
from commsim.stats import mean_interval
from commsim.sweep.comparison import baseline_lines, compare_to_baseline
from commsim.sweep.decision import cost_lines, decision_line
from commsim.sweep.design import Range, factor_kind, missing
from commsim.sweep.experiment import Experiment
from commsim.sweep.figures import outcomes_figure, plot_timeseries
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


def summary_table(
    outcomes: pd.DataFrame, experiment: Experiment, names: Sequence[str]
) -> pd.DataFrame:
    """One row per setting: its varied values, ``runs`` (finished replications),
    ``failed``, and for each outcome ``<outcome>`` (mean of the runs with a value),
    ``<outcome>_low``, ``<outcome>_high`` (95% bootstrap interval), ``<outcome>_n`` (runs
    with a value) and ``<outcome>_undefined`` (runs without: NaN or infinite)."""
    columns = experiment.setting_columns + (["sample"] if experiment.ranges else [])
    rows = []
    for setting, runs in outcomes.groupby("setting", sort=True):
        row = {"setting": setting}
        row.update({c: runs[c].iloc[0] for c in columns})
        ok = runs[runs["status"] == STATUS_OK]
        row["runs"] = len(ok)
        row["failed"] = int((runs["status"] == STATUS_FAILED).sum())
        for name in names:
            values = ok[name].to_numpy(dtype=float)
            finite = values[np.isfinite(values)]
            mean, low, high, n = mean_interval(finite, LEVEL)
            row.update({name: mean, f"{name}_low": low, f"{name}_high": high, f"{name}_n": n,
                        f"{name}_undefined": len(values) - n})  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows)


def best_setting(
    outcomes: pd.DataFrame,
    summary: pd.DataFrame,
    outcome: str,
    goal: str,
    columns: Sequence[str],
    *,
    paired: bool = False,
) -> str:
    """A sentence naming the setting with the best mean ``outcome`` and the settings
    whose 95% interval of the difference from it includes 0 (paired differences with
    common seeds, else Welch's: ``commsim.sweep.comparison.compare_to_baseline``)."""
    ranked = summary.dropna(subset=[outcome])
    if ranked.empty:
        return f"No setting has a value of {outcome} yet."
    best = ranked.loc[ranked[outcome].idxmax() if goal == "max" else ranked[outcome].idxmin()]
    ok = outcomes[outcomes["status"] == STATUS_OK]
    ok = ok[ok["setting"].isin(ranked["setting"])]
    method = "paired" if paired else "Welch"
    sentence = (
        f"{'Highest' if goal == 'max' else 'Lowest'} mean {outcome}: "
        f"{_label(best, columns) or 'the only setting'}, {_interval(best, outcome)}."
    )
    if len(ranked) < 2:
        return sentence
    against = compare_to_baseline(ok, outcome, int(best["setting"]), paired=paired, goal=goal)
    row_of = ranked.set_index("setting")
    ties = [_label(row_of.loc[s], columns) for s, r in against.iterrows()
            if r.decision == "indistinguishable"]  # fmt: skip
    if ties:
        sentence += (
            f" Indistinguishable from it ({method} 95% interval of the difference includes "
            "0): " + "; ".join(ties) + "."
        )
    else:
        sentence += f" Every other setting is worse ({method} 95% interval excludes 0)."
    return sentence


def _label(row: pd.Series, columns: Sequence[str]) -> str:
    """``column = value`` of each setting column with a value (a switched-off strategy's
    parameters have none; a switched-on one is implied by its parameters)."""
    shown = [c for c in columns if not missing(row[c])]
    implied = {
        c
        for c in shown
        if factor_kind(c) == "switch"
        and row[c] is not False
        and any(o.startswith(f"{c}.") for o in shown)
    }  # "on" said by its parameters
    return ", ".join(f"{c} = {_number(row[c])}" for c in shown if c not in implied)


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
    undefined = int(row.get(f"{name}_undefined", 0) or 0)
    return (
        text + f" (n={int(row[f'{name}_n'])}" + (f", {undefined} undefined)" if undefined else ")")
    )


def undefined_lines(summary: pd.DataFrame, names: Sequence[str]) -> list[str]:
    """A note for each outcome with runs without a value: how many, and why."""
    lines = []
    for name in names:
        count = int(summary[f"{name}_undefined"].sum())
        if count:
            reason = RANGES[name].undefined if name in RANGES else "no value"
            lines.append(f"- {name}: {count} of {int(summary['runs'].sum())} runs undefined "
                         f"({reason}); left out of the means and intervals.")  # fmt: skip
    return ["Runs without a value:", "", *lines, ""] if lines else []


def markdown_table(
    summary: pd.DataFrame, columns: Sequence[str], names: Sequence[str], limit: int = 60
) -> str:
    """The summary as a Markdown table: varied values, runs, and ``mean [95% CI]``."""
    header = list(columns) + ["runs", "failed"] + list(names)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for _, row in summary.head(limit).iterrows():
        cells = ["–" if missing(row[c]) else _number(row[c]) for c in columns] + [
            str(int(row["runs"])),
            str(int(row["failed"])),
        ]
        cells += [_interval(row, name) for name in names]
        lines.append("| " + " | ".join(cells) + " |")
    if len(summary) > limit:
        lines.append(f"\n({len(summary) - limit} more settings in summary.csv)")
    return "\n".join(lines)


def _x_axis(experiment: Experiment) -> str | None:
    """``report.x``, else the first varied name with numbers, else the first column."""
    x = experiment.report.get("x")
    if x:
        return x
    numeric = [name for name in experiment.grid + experiment.ranges
               if isinstance(experiment.vary[name], Range) or any(
                   isinstance(v, (int, float)) and not isinstance(v, bool)
                   for v in experiment.vary[name])]  # fmt: skip
    return numeric[0] if numeric else (experiment.setting_columns or [None])[0]


def _others(experiment: Experiment, x: str | None) -> list[str]:
    """The columns drawn as separate lines: every setting column but ``x``, the ranges,
    and ``x``'s strategy switched on/off (its off setting has no ``x``: a reference)."""
    strategy = (x or "").rpartition(".")[0]
    return [c for c in experiment.setting_columns
            if c not in (x, strategy) and c not in experiment.ranges]  # fmt: skip


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
    lines = [f"# {experiment.name}", ""]
    if experiment.question:
        lines += [f"**Question:** {experiment.question}", ""]
    failed = int((runs["status"] == STATUS_FAILED).sum()) if len(runs) else 0
    if experiment.adaptive:
        counts = runs.groupby("setting").size() if len(runs) else pd.Series([0])
        lines += [
            f"{len(runs)} runs finished ({failed} failed): {len(settings)} settings, "
            f"{counts.min()} to {counts.max()} replications each (added in rounds until "
            "each setting's interval against the baseline was narrow enough: see Answer), "
            f"{experiment.days} days each, root seed {experiment.seed}, design "
            f"{experiment.design}.",
            "",
        ]
    else:
        total = len(settings) * experiment.replications
        lines += [
            f"{len(runs)} of {total} runs finished ({failed} failed): {len(settings)} "
            f"settings x {experiment.replications} replications, {experiment.days} days "
            f"each, root seed {experiment.seed}, design {experiment.design}.",
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
    label = lambda row: _label(row, columns)  # noqa: E731
    paired = experiment.seeds == "common"
    if best and len(summary):
        goal = best.get("goal", "max")
        lines += [
            "## Answer",
            "",
            best_setting(runs, summary, best["outcome"], goal, columns, paired=paired),
            "",
            *decision_line(runs, experiment, settings, label),
        ]
    lines += baseline_lines(runs, experiment, settings, names, label, LEVEL)
    lines += cost_lines(runs, experiment, settings, label, LEVEL)
    if len(summary):
        summary.to_csv(folder / "summary.csv", index=False)
        lines += [
            "## Outcomes (mean [95% bootstrap interval] (replications with a value))",
            "",
            markdown_table(summary, columns, names),
            "",
            *undefined_lines(summary, names),
        ]
        x = _x_axis(experiment)
        figure, kind = outcomes_figure(
            summary, names, x, _others(experiment, x),
            title=f"{experiment.name}: mean per design point" if experiment.ranges
            else f"{experiment.name}: mean and 95% interval per setting",
            sampled=bool(experiment.ranges), axis=experiment.report.get("axis"),
        )  # fmt: skip
        figure.savefig(folder / "outcomes.png", dpi=110)
        lines += [f"![outcomes](outcomes.png) (x: {x}, {kind} axis)", ""]
    metrics = [
        m
        for m in experiment.report.get("timeseries", DEFAULT_TIMESERIES)
        if m in experiment.metrics
    ]
    if metrics and len(runs):
        means = mean_timeseries(store, metrics)
        if len(means):
            plot_timeseries(means, settings, lambda row: _label(row, columns[:3]), metrics,
                            folder / "timeseries.png")  # fmt: skip
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
    """A sentence naming the parameter with the largest total index in each block, and
    whether its 95% interval lies above every other parameter's (a decided ranking)."""
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
            f"first order {top['S1']:.2f} ± {top['S1_conf']:.2f}" + _apart(top, rows.drop(top.name))
        )
    return " ".join(sentences)


def _apart(top: pd.Series, others: pd.DataFrame) -> str:
    """``"; above every other ..."`` when the top total index's interval lies above the
    others', else the parameters whose intervals overlap it."""
    overlapping = others[others["ST"] + others["ST_conf"] >= top["ST"] - top["ST_conf"]]
    if overlapping.empty:
        return "; its interval lies above every other parameter's."
    return "; its interval overlaps that of " + ", ".join(overlapping["parameter"]) + "."
