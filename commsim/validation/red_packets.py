"""Red packets: the busiest days, less with each repeat, no lasting rise (003, 004).

Sources: 004, "万年潜水看见红包才冒泡" (people who have lurked for ages surface when they
see a red packet): a drop day is the group's busiest; 003, "靠发红包维系着一个群, 但也容易
进入一个疲倦的状态" (a group kept up by red packets tires of them); 000 and 004: activity
bought with red packets is cheap heat that does not last.

Design: the strategy ``RedPackets`` by name with ``CAMPAIGN`` (ten weekly drops from day 7)
against the same seeds without it, until 60 days after the last drop.

Statistics: members' own messages (spam apart) on each drop day, treated over control;
the first drops' ratio (their messages summed over drops 1 and 2; geometric mean over
replications); the slope of the log ratio over
the drops' order (fatigue); members 60 days after the last drop, treated over control.

Tolerances (fixed before any run): the first drops' ratio has a one-sided 95% lower bound
of at least 1.5 (over replications, on the log scale); the slope's upper bound is below 0;
the relative rise in members 60 days after the last drop has an upper bound of at most 10%.
"""

from __future__ import annotations

import math

import numpy as np

from commsim.validation.arms import build, split_own, strategy_named
from commsim.validation.bounds import finite, lower_bound, upper_bound
from commsim.validation.framework import (
    Check,
    Figure,
    Unavailable,
    at_most,
    own_messages,
    replicate,
)

STRATEGY = "RedPackets"
CAMPAIGN = {"budget": 1000.0, "amount": 100.0, "every": 7, "start": 7}
FIRST_DROPS = 2
SPIKE = 1.5
AFTER = 60
LASTING = 0.10


def drop_ratios(treated, control, drops) -> np.ndarray:
    """Members' own messages on each drop day, treated over control (NaN where the
    control has none)."""
    treated = np.asarray(treated, dtype=float)[list(drops)]
    control = np.asarray(control, dtype=float)[list(drops)]
    return np.divide(treated, control, out=np.full(len(drops), math.nan), where=control > 0)


def first_drops_ratio(treated, control, drops) -> float:
    """Members' own messages on the first ``FIRST_DROPS`` drop days, treated over control
    (sums over those days; NaN when the control wrote nothing on them)."""
    first = list(drops)[:FIRST_DROPS]
    control_sum = float(np.asarray(control, dtype=float)[first].sum())
    treated_sum = float(np.asarray(treated, dtype=float)[first].sum())
    return treated_sum / control_sum if control_sum > 0 else math.nan


def fatigue_slope(ratios) -> float:
    """Least-squares slope of ``log(ratio)`` over the drops' order 0, 1, 2, ..."""
    ratios = np.asarray(ratios, dtype=float)
    order = np.arange(ratios.size)
    keep = np.isfinite(ratios) & (ratios > 0)
    if keep.sum() < 2:
        return math.nan
    return float(np.polyfit(order[keep], np.log(ratios[keep]), 1)[0])


def _red_packets(size, seed, parameters, strategies=None):
    cls = strategy_named(STRATEGY)
    own, rest = split_own(parameters, cls)
    settings = {**CAMPAIGN, **own}
    drops = list(range(int(settings["start"]), 100_000, int(settings["every"])))
    drops = drops[: int(settings["budget"] // settings["amount"])]
    if len(drops) < FIRST_DROPS + 1:
        raise Unavailable(f"the campaign {settings} has fewer than {FIRST_DROPS + 1} drops")
    last = drops[-1]
    days = last + AFTER

    def treated_strategies():
        return [build(cls, settings), *(strategies() if strategies else [])]

    treated = replicate(size, seed, days, rest, treated_strategies)
    control = replicate(size, seed, days, rest, strategies)
    first, slopes, lasting = [], [], []
    for t, c in zip(treated, control, strict=True):
        ratios = drop_ratios(own_messages(t.frame), own_messages(c.frame), drops)
        first.append(first_drops_ratio(own_messages(t.frame), own_messages(c.frame), drops))
        slopes.append(fatigue_slope(ratios))
        lasting.append(float(t.frame.members.iloc[-1] / max(c.frame.members.iloc[-1], 1) - 1))
    # a run whose control was silent on those days has no ratio; a silent treated run
    # counts as a ratio of 1e-6 (on the log scale, not an infinity the bounds would drop)
    log_first = np.log(np.maximum(finite(first), 1e-6))
    low = float(np.exp(lower_bound(log_first)))
    campaign = ", ".join(f"{k}={v:g}" for k, v in settings.items())
    design = (f"{STRATEGY}({campaign}): {len(drops)} drops, days {drops[0]}-{last}, against "
              f"no red packets on the same seeds, {days} days; members' own messages on drop "
              "days, treated over control")  # fmt: skip
    figures = [
        Figure(f"first {FIRST_DROPS} drops' messages, treated over control",
               float(np.exp(log_first.mean())), low, "the group's busiest days",
               f"95% lower bound >= x{SPIKE}", bool(low >= SPIKE)),
        Figure("slope of log ratio per repeat", float(np.nanmean(slopes)), upper_bound(slopes),
               "less with each repeat (疲倦)", "95% upper bound < 0",
               bool(upper_bound(slopes) < 0)),
        at_most(f"members {AFTER} days after the last drop, relative rise", lasting, LASTING,
                "no lasting rise", f"95% upper bound <= {LASTING:.0%}"),
    ]  # fmt: skip
    return design, figures


CHECK = Check(
    "red_packets",
    "a red packet makes the group's busiest day, each repeat less, and leaves no more "
    "members behind",
    "003 (疲倦), 004 (万年潜水看见红包才冒泡)",
    _red_packets,
)
