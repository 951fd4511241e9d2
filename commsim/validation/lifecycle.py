"""A group's life and evaporative cooling (004).

Sources: 004, the life cycle of a group, 萌芽期-高速成长期-活跃互动期-衰亡期-沉寂期 (sprout,
fast growth, active interaction, decline, silence), and 蒸发冷却效应 (evaporative cooling):
as newcomers flow into an open group its most valuable members find it no longer worth
staying and leave first, which lowers its value further.

``lifecycle``. Statistic: whether each run (default group, 365 days) goes through sprout
(day-7 members under half the peak), growth (a peak of at least 5x the founders), decline
(the 7-day mean of members' own messages on day 365 under half its maximum; muted members
may stay) and silence (that mean under 5% of its maximum,
``commsim.outcomes.days_until_silence``, after growth has ended: after the first day with
at least ``GROWN`` = 90% of the largest membership; muted members stay, so membership
plateaus and the day of its maximum could fall anywhere on the plateau). Tolerance: the
exact one-sided 95% lower bound of the share of complete runs is at least 0.75.

``evaporative_cooling``. Statistic: while the group grows (day 1 to its peak of
membership), the mean value of those who left against the mean value of those who stayed
(members on the peak day who joined by then), spammers aside; in the default group and,
same seeds, with the cooling term off (``cooling=0``). Tolerance: with cooling, the
one-sided 95% lower bound of the difference is above 0 (leavers more valuable); without it
the difference is gone: its upper bound is below a quarter of the mean difference with
cooling.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from commsim.outcomes import days_until_silence
from commsim.validation.bounds import lower_bound, share_lower_bound, upper_bound
from commsim.validation.framework import Check, Figure, members_on, own_messages, regular, replicate

DAYS = 365
COMPLETE = 0.75
GROWTH = 5
GROWN = 0.9
COOLING_DAYS = 240
GONE = 0.25


def stages(members, messages, founders: int) -> dict[str, bool]:
    """Which stages one run went through (``members`` and members' own ``messages`` per
    day, from day 0)."""
    members = np.asarray(members, dtype=float)
    messages = np.asarray(messages, dtype=float)
    peak = members.max()
    activity = pd.Series(messages).rolling(7, min_periods=1).mean().to_numpy()
    silence = days_until_silence(pd.DataFrame({"messages": messages}))
    grown_day = int(np.argmax(members >= GROWN * peak))
    result = {"sprout": bool(members[min(7, members.size - 1)] < 0.5 * peak),
              "growth": bool(peak >= GROWTH * founders),
              "decline": bool(activity[-1] < 0.5 * activity.max()),
              "silence": bool(not math.isnan(silence) and silence > grown_day)}  # fmt: skip
    result["complete"] = all(result.values())
    return result


def _lifecycle(size, seed, parameters, strategies=None):
    rows = []
    for run in replicate(size, seed, DAYS, parameters, strategies):
        founders = run.model.params["initial_members"] * run.model.params["groups"]
        rows.append(stages(run.frame.members, own_messages(run.frame), founders))
    complete = sum(r["complete"] for r in rows)
    low = share_lower_bound(complete, len(rows))
    parts = ", ".join(f"{k} {np.mean([r[k] for r in rows]):.0%}"
                      for k in ("sprout", "growth", "decline", "silence"))  # fmt: skip
    design = (f"{DAYS} days, default group: sprout, growth (peak >= {GROWTH}x founders), "
              "decline and silence of members' own messages")  # fmt: skip
    figures = [Figure("share of runs through every stage", complete / len(rows), low,
                      "萌芽-成长-活跃-衰亡-沉寂", f"exact 95% lower bound >= {COMPLETE}",
                      bool(low >= COMPLETE))]  # fmt: skip
    return design, figures, f"share of runs through each stage: {parts}"


def leaver_value_gap(model, peak_day: int) -> float:
    """Mean value of those who left by ``peak_day`` minus that of the members on it, over
    people who joined by then, spammers aside (NaN when nobody left)."""
    pop = model.population
    joined = (pop.joined_day >= 0) & (pop.joined_day <= peak_day) & regular(model)
    left = joined & (pop.left_day >= 0) & (pop.left_day <= peak_day)
    stayed = joined & members_on(model, peak_day)
    if not left.any() or not stayed.any():
        return math.nan
    return float(pop.value[left].mean() - pop.value[stayed].mean())


def _cooling_gaps(size, seed, parameters, strategies):
    gaps = []
    for run in replicate(size, seed, COOLING_DAYS, parameters, strategies):
        gaps.append(leaver_value_gap(run.model, int(run.frame.members.idxmax())))
    return np.asarray(gaps)


def _evaporative_cooling(size, seed, parameters, strategies=None):
    with_cooling = _cooling_gaps(size, seed, parameters, strategies)
    without = _cooling_gaps(size, seed, {**parameters, "cooling": 0.0}, strategies)
    mean = float(np.nanmean(with_cooling)) if np.isfinite(with_cooling).any() else math.nan
    low, high = lower_bound(with_cooling), upper_bound(without)
    bar = GONE * mean if math.isfinite(mean) and mean > 0 else 0.0
    design = (f"{COOLING_DAYS} days, default group and, same seeds, cooling=0; while the group "
              "grows (day 1 to the peak of membership): mean value of those who left minus "
              "that of the members at the peak")  # fmt: skip
    figures = [
        Figure("leavers' minus stayers' value during growth", mean, low,
               "the most valuable leave first", "95% lower bound > 0", bool(low > 0)),
        Figure("the same with cooling=0", float(np.nanmean(without)), high,
               "gone without the comparison", f"95% upper bound < {GONE:.0%} of the above",
               bool(high < bar)),
    ]  # fmt: skip
    return design, figures


LIFECYCLE = Check(
    "lifecycle",
    "without intervention a group sprouts, grows, peaks, declines and falls silent",
    "004 (萌芽期-高速成长期-活跃互动期-衰亡期-沉寂期)",
    _lifecycle,
)
COOLING = Check(
    "evaporative_cooling",
    "while an open group grows, those who leave are more valuable than those who stay, "
    "and not without the comparison with the group",
    "004 (蒸发冷却效应)",
    _evaporative_cooling,
)
