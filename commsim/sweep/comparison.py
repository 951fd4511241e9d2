"""Each setting of a sweep against a named baseline: the difference of an outcome and its
interval, paired when the settings share their seeds.

With common random numbers (``seeds = "common"`` in the experiment file) replication
``r`` of every setting starts from the same seed: the same population, network and
founders, so the runs of two settings differ only where their settings act. The
difference of setting ``s`` from the baseline ``b`` is then estimated from the pairs::

    d_r = x_{s,r} - x_{b,r},   mean d  ±  t(1 - alpha/2, n - 1) * sd(d) / sqrt(n)

over the ``n`` replications where both runs have a value (the t interval of the
``d_r``, ``commsim.stats.t_interval``). A difference of an outcome in ``[lo, hi]``
(``commsim.outcomes.RANGES``) lies in ``[lo - hi, hi - lo]``: given the runs' ``days``,
an interval reaching past that is cut to it (a t interval over few skewed pairs can). Without common
seeds the runs are independent and the interval is Welch's for ``mean(x_s) - mean(x_b)``
(``scipy.stats.ttest_ind(equal_var=False)``), with ``n`` the smaller of the two
samples. A pair or run without a value (an outcome that is NaN, e.g. no silence within
the run, or infinite, a cost per contributor when none is left) is left out and counted
in ``undefined``.

The decision at ``level``: ``better`` or ``worse`` than the baseline when the interval
excludes 0 on that side (for the goal ``max`` or ``min``), else ``indistinguishable``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from commsim.outcomes import RANGES
from commsim.stats import t_interval

if TYPE_CHECKING:
    from commsim.sweep.experiment import Experiment

DECISIONS = ("better", "worse", "indistinguishable")


def _decision(low: float, high: float, goal: str) -> str:
    if math.isnan(low) or math.isnan(high):
        return "indistinguishable"
    if low > 0:
        return "better" if goal == "max" else "worse"
    if high < 0:
        return "worse" if goal == "max" else "better"
    return "indistinguishable"


def compare_to_baseline(
    outcomes: pd.DataFrame,
    outcome: str,
    baseline: int,
    *,
    paired: bool,
    goal: str = "max",
    level: float = 0.95,
    days: int | None = None,
) -> pd.DataFrame:
    """The difference of ``outcome`` between each setting and the ``baseline`` setting.

    Args:
        outcomes: one row per finished run with ``setting``, ``replication`` and the
            outcome (``ResultStore.outcomes()`` restricted to successful runs).
        outcome: the outcome column.
        baseline: the baseline's setting index.
        paired: pair runs by replication (common seeds) or treat them as independent.
        goal: ``"max"`` or ``"min"``: which sign of the difference is better.
        level: the confidence level of the intervals.
        days: the runs' length; when given, each interval is cut to the range a difference
            of the outcome can take (``RANGES``; an outcome without a declared range is
            left as it is).

    Returns:
        One row per other setting (index ``setting``): ``difference``, ``low``, ``high``,
        ``n`` (pairs, or the smaller sample), ``undefined`` (pairs or runs left out for a
        missing value), ``method`` (``"paired t"`` or ``"Welch"``) and ``decision``.

    Raises:
        ValueError: for an unknown baseline, outcome or goal.
    """
    if goal not in ("max", "min"):
        raise ValueError(f"goal={goal!r}: expected 'max' or 'min'")
    if outcome not in outcomes.columns:
        raise ValueError(f"outcome={outcome!r}: not among the results' columns")
    settings = sorted(outcomes["setting"].unique())
    if baseline not in settings:
        raise ValueError(f"baseline={baseline!r}: expected one of the settings {settings}")
    table = outcomes.pivot_table(
        index="replication", columns="setting", values=outcome, aggfunc="first", dropna=False
    )
    ran = outcomes.pivot_table(index="replication", columns="setting", values=outcome,
                               aggfunc="size").reindex_like(table).fillna(0) > 0  # fmt: skip
    table = table.where(np.isfinite(table.astype(float)))  # inf: no value (a ratio over 0)
    base = table[baseline]
    rows = []
    for setting in settings:
        if setting == baseline:
            continue
        mine = table[setting]
        if paired:
            both = mine.notna() & base.notna()
            undefined = int((ran[setting] & ran[baseline]).sum() - both.sum())
            difference, low, high, n = _paired(mine[both].to_numpy(), base[both].to_numpy(), level)
            method = "paired t"
        else:
            a, b = mine.dropna().to_numpy(), base.dropna().to_numpy()
            undefined = int(
                (ran[setting] & mine.isna()).sum() + (ran[baseline] & base.isna()).sum()
            )
            difference, low, high, n = _welch(a, b, level)
            method = "Welch"
        if days is not None and outcome in RANGES:
            lowest, highest = RANGES[outcome].bounds(days)
            low, high = max(low, lowest - highest), min(high, highest - lowest)
        rows.append({"setting": setting, "difference": difference, "low": low, "high": high,
                     "n": n, "undefined": undefined, "method": method,
                     "decision": _decision(low, high, goal)})  # fmt: skip
    return pd.DataFrame(rows).set_index("setting")


def _paired(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float, int]:
    """Mean of ``a - b`` and its ``level`` t interval (``commsim.stats.t_interval``)."""
    interval = t_interval(a - b, level)
    return interval.mean, interval.low, interval.high, interval.n


def _welch(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float, float, int]:
    """``mean(a) - mean(b)`` and Welch's ``level`` interval; NaN bounds for fewer than two
    values in a sample, the difference itself when neither sample has spread."""
    n = int(min(a.size, b.size))
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    difference = float(a.mean() - b.mean())
    if n < 2:
        return difference, math.nan, math.nan, n
    if a.std() == 0 and b.std() == 0:
        return difference, difference, difference, n
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(level)
    return difference, float(ci.low), float(ci.high), n


# ---------------------------------------------------------------------- in the report
def baseline_setting(experiment: Experiment, settings: pd.DataFrame) -> int:
    """The baseline's setting index: ``report.baseline`` of the experiment, a table of
    setting values (``{"RedPackets.budget" = 0.0, "RedPackets.every" = 3}``, ``{policy =
    "none"}``) that must pick exactly one setting; setting 0 when not given.

    Raises:
        ExperimentError: naming ``report.baseline`` when the table names an unknown
            column or does not pick exactly one setting.
    """
    from commsim.sweep.experiment import ExperimentError

    given = experiment.report.get("baseline")
    if given is None:
        return 0
    key = ("report", "baseline")
    columns = list(experiment.setting_columns)
    if not isinstance(given, Mapping) or not given:
        raise ExperimentError(key, f"expected a table of setting values ({columns}), got {given!r}")
    unknown = [name for name in given if name not in columns]
    if unknown:
        raise ExperimentError(key, f"{unknown[0]!r} is not a setting column: expected {columns}")
    chosen = np.ones(len(settings), dtype=bool)
    for name, value in given.items():
        chosen &= (settings[name] == value).to_numpy()
    if chosen.sum() != 1:
        raise ExperimentError(
            key, f"{dict(given)} picks {int(chosen.sum())} settings: expected exactly one"
        )
    return int(settings["setting"].to_numpy()[chosen][0])


def baseline_lines(
    runs: pd.DataFrame,
    experiment: Experiment,
    settings: pd.DataFrame,
    names: Sequence[str],
    label,
    level: float = 0.95,
) -> list[str]:
    """The report's section comparing every setting with the baseline: a sentence on the
    method, one row per setting with each outcome's difference ``[low, high] (n=..)``,
    and the decision on ``report.best``'s outcome (or the first outcome)."""
    ok = runs[runs["status"] == "ok"]
    if ok.empty or len(settings) < 2:
        return []
    baseline = baseline_setting(experiment, settings)
    paired = experiment.seeds == "common"
    best = experiment.report.get("best") or {"outcome": names[0], "goal": "max"}
    decided = best["outcome"]
    goal = best.get("goal", "max")
    rows = {name: compare_to_baseline(ok, name, baseline, paired=paired, goal=goal, level=level,
                                      days=experiment.days)
            for name in dict.fromkeys([decided, *names])}  # fmt: skip
    method = (
        "paired differences over replications with common seeds (t interval of x_s,r - x_b,r)"
        if paired
        else "differences of means between independent runs (Welch interval); "
        'seeds = "common" pairs them'
    )
    row_of = settings.set_index("setting")
    lines = [
        "## Against the baseline",
        "",
        f"Baseline: {label(row_of.loc[baseline]) or f'setting {baseline}'}. Each setting minus "
        f"the baseline, {level:.0%} interval, {method}; n = pairs (or the smaller sample), "
        "undefined = runs without a value left out.",
        "",
        "| setting | " + " | ".join(rows) + f" | {decided} vs baseline |",
        "|---" * (len(rows) + 2) + "|",
    ]
    for setting, table in rows[decided].iterrows():
        cells = []
        for compared in rows.values():
            r = compared.loc[setting]
            extra = f", {int(r.undefined)} undefined" if r.undefined else ""
            cells.append(f"{r.difference:+.4g} [{r.low:.4g}, {r.high:.4g}] (n={int(r.n)}{extra})")
        lines.append(
            f"| {label(row_of.loc[setting]) or setting} | " + " | ".join(cells)
            + f" | {table.decision} |"
        )  # fmt: skip
    better = [label(row_of.loc[s]) for s, r in rows[decided].iterrows() if r.decision == "better"]
    lines += [
        "",
        f"Better than the baseline on {decided}: " + ("; ".join(better) or "none") + ".",
        "",
    ]
    return lines
