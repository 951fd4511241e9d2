"""What a report decides: whether an adaptive experiment reached its precision, and what
each setting costs per unit of the effect it buys.

Cost per unit of effect (an incremental cost-effectiveness ratio). For a setting ``s``
against the baseline ``b``, over the replications ``r`` both have (pairs with common
seeds, independent samples otherwise)::

    cost per unit = (mean spend_s - mean spend_b) / (mean effect_s - mean effect_b)

for two effects: extra active member-days (``active_member_days``: non-spam members who
posted, summed over the days) and extra retained non-spam contributors
(``end_contributors``). Its 95% interval is the bootstrap's
(``scipy.stats.bootstrap``, percentile, resampling replications: pairs together with
common seeds). A ratio is given only when the setting spends more than the baseline and
its effect's interval lies above 0; otherwise the report says why not ("no effect
shown", "spends nothing more"), since the ratio of a difference that may be 0 has no
bounded interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from commsim.sweep.comparison import baseline_setting, compare_to_baseline

SPEND = "total_spend"
#: Effects a cost is given per unit of: outcome -> what one unit is.
EFFECTS = {
    "active_member_days": "extra active member-day",
    "end_contributors": "extra retained non-spam contributor",
}
RESAMPLES = 4999


def cost_per_effect(
    outcomes: pd.DataFrame, setting: int, baseline: int, effect: str, *, paired: bool,
    level: float = 0.95,
) -> tuple[float, float, float]:  # fmt: skip
    """The ratio of the extra spend to the extra ``effect`` of ``setting`` over
    ``baseline`` and its bootstrap ``level`` interval (module docstring); NaN bounds when
    the resampled effect can be 0."""
    table = outcomes.pivot_table(index="replication", columns="setting",
                                 values=[SPEND, effect], aggfunc="first")  # fmt: skip
    mine = table.xs(setting, axis=1, level=1).dropna()
    base = table.xs(baseline, axis=1, level=1).dropna()
    if paired:
        both = mine.index.intersection(base.index)
        mine, base = mine.loc[both], base.loc[both]
    spend = (mine[SPEND].to_numpy(), base[SPEND].to_numpy())
    gain = (mine[effect].to_numpy(), base[effect].to_numpy())

    def ratio(*indices, axis=-1):
        i, j = (indices[0], indices[0]) if paired else indices
        extra = np.take(spend[0], i).mean(axis) - np.take(spend[1], j).mean(axis)
        more = np.take(gain[0], i).mean(axis) - np.take(gain[1], j).mean(axis)
        with np.errstate(divide="ignore", invalid="ignore"):
            return extra / more

    samples = (np.arange(len(mine)),) if paired else (np.arange(len(mine)), np.arange(len(base)))
    estimate = float(ratio(*samples))
    if min(len(mine), len(base)) < 2:
        return estimate, math.nan, math.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", scipy_stats.DegenerateDataWarning)
        result = scipy_stats.bootstrap(
            samples, ratio, n_resamples=RESAMPLES, confidence_level=level,
            method="percentile", rng=0, vectorized=True, paired=False,
        )  # fmt: skip
    return estimate, float(result.confidence_interval.low), float(result.confidence_interval.high)


def cost_lines(
    runs: pd.DataFrame,
    experiment,
    settings: pd.DataFrame,
    label: Callable[[pd.Series], str],
    level: float = 0.95,
) -> list[str]:
    """The report's section on the cost per unit of effect of every setting that spends
    more than the baseline (nothing when no setting spends, or the outcomes are not
    kept)."""
    kept = [e for e in EFFECTS if e in experiment.outcomes]
    ok = runs[runs["status"] == "ok"]
    if SPEND not in experiment.outcomes or not kept or ok.empty or len(settings) < 2:
        return []
    if not (ok[SPEND] > 0).any():
        return []
    baseline = baseline_setting(experiment, settings)
    paired = experiment.seeds == "common"
    days = experiment.days
    spend = compare_to_baseline(ok, SPEND, baseline, paired=paired, goal="min", level=level,
                                days=days)  # fmt: skip
    effects = {e: compare_to_baseline(ok, e, baseline, paired=paired, level=level, days=days)
               for e in kept}  # fmt: skip
    row_of = settings.set_index("setting")
    header = ["setting", "extra spend"] + [f"cost per {EFFECTS[e]}" for e in kept]
    lines = [
        "## Cost per unit of effect",
        "",
        f"Extra spend over the baseline divided by the extra effect, {level:.0%} bootstrap "
        "interval over replications" + (" (pairs)" if paired else "") + "; given where the "
        "setting spends more and its effect's interval lies above 0.",
        "",
        "| " + " | ".join(header) + " |",
        "|---" * len(header) + "|",
    ]
    cheapest: dict[str, tuple[float, str]] = {}
    for setting, extra in spend.iterrows():
        spent = f"{extra.difference:+.4g} [{extra.low:.4g}, {extra.high:.4g}] (n={int(extra.n)})"
        cells = [label(row_of.loc[setting]) or str(setting), spent]
        for effect in kept:
            gain = effects[effect].loc[setting]
            if not extra.difference > 0:
                cells.append("spends nothing more")
            elif not gain.low > 0:
                cells.append(f"no effect shown ({gain.difference:+.3g} [{gain.low:.3g}, "
                             f"{gain.high:.3g}])")  # fmt: skip
            else:
                ratio, low, high = cost_per_effect(ok, setting, baseline, effect,
                                                   paired=paired, level=level)  # fmt: skip
                cells.append(f"{ratio:.4g} [{low:.4g}, {high:.4g}]")
                if effect not in cheapest or ratio < cheapest[effect][0]:
                    cheapest[effect] = (ratio, f"{cells[0]}, {cells[-1]}")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    for effect in kept:
        if effect in cheapest:
            lines += [f"Cheapest per {EFFECTS[effect]}: {cheapest[effect][1]}.", ""]
        else:
            lines += [f"No setting shows an {EFFECTS[effect]} over the baseline.", ""]
    return lines


def decision_line(
    runs: pd.DataFrame, experiment, settings: pd.DataFrame, label: Callable[[pd.Series], str]
) -> list[str]:
    """For an adaptive experiment: whether every setting's interval against the baseline
    reached the width asked for, or which did not when the run cap stopped it."""
    if not experiment.adaptive:
        return []
    from commsim.sweep.adaptive import adaptive_state

    state = adaptive_state(experiment, settings, runs)
    width = experiment.adaptive["width"]
    outcome = state.outcome
    row_of = settings.set_index("setting")
    if not state.wide:
        return [f"Every setting's 95% interval of its difference from the baseline on "
                f"{outcome} is narrower than {width:g} ({len(runs)} runs).", ""]  # fmt: skip
    wide = "; ".join(f"{label(row_of.loc[s])} ({w:.3g})" for s, w in state.wide.items())
    reason = (
        "the cap on runs was reached (replications per setting, or adaptive.max_runs)"
        if state.capped
        else "the sweep is not finished"
    )
    return [f"Not every interval against the baseline on {outcome} is narrower than "
            f"{width:g}: {reason} with {wide} still wider.", ""]  # fmt: skip
