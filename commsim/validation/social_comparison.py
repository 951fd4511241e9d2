"""Social comparison: shown the median, those below raise and those above lower their
contributions (Chen, Harper, Konstan & Li 2010).

Source: Y. Chen, F. M. Harper, J. Konstan and S. X. Li (2010), "Social comparisons and
contributions to online communities: a field experiment on MovieLens", American Economic
Review 100(4):1358-1398. After being told the median number of ratings, members below the
median raised their monthly ratings by 530% and members above it lowered theirs by 62%.

Design: the strategy ``SocialComparison`` by name (a ranking or leaderboard with the
median, built by the model's mechanisms) with its defaults, acting from day ``SHOWN_DAY``
(``framework.FromDay``; a strategy with a ``start`` parameter gets ``start=SHOWN_DAY``),
against the same seeds without it. The members compared are the members on the day before
who are not spammers and had written at least one message (as MovieLens users had rated;
with most members silent, the median of everyone would be zero). Below and above: their
messages since joining under and over the median of that set.

Statistic: each side's messages over the next ``WINDOW`` days, treated over control, minus
one (the relative change).

Tolerance (fixed before any run): at least a third of the source's sizes in its direction:
the one-sided 95% lower bound of the change below the median is at least +530% / 3
(+177%); the upper bound of the change above it is at most -62% / 3 (-20.7%).
"""

from __future__ import annotations

import math

import numpy as np

from commsim.validation.arms import FromDay, build, split_own, strategy_named
from commsim.validation.framework import Check, at_least, at_most, members_now, regular, replicate

STRATEGY = "SocialComparison"
SHOWN_DAY = 60
WINDOW = 30
BELOW = 5.30 / 3
ABOVE = -0.62 / 3


def sides(written, eligible) -> tuple[np.ndarray, np.ndarray]:
    """People below and above the median of ``written`` among the ``eligible`` who wrote
    at least once (the median itself on neither side)."""
    written = np.asarray(written, dtype=float)
    chosen = np.asarray(eligible, dtype=bool) & (written > 0)
    if not chosen.any():
        return np.empty(0, np.int64), np.empty(0, np.int64)
    median = np.median(written[chosen])
    return np.flatnonzero(chosen & (written < median)), np.flatnonzero(chosen & (written > median))


def relative_change(people, treated_at, treated_after, control_at, control_after) -> float:
    """Messages of ``people`` over the window, treated over control, minus one."""
    people = np.asarray(people, dtype=np.int64)
    treated = float((np.asarray(treated_after) - np.asarray(treated_at))[people].sum())
    control = float((np.asarray(control_after) - np.asarray(control_at))[people].sum())
    return treated / control - 1 if control > 0 else math.nan


def _snap(name):
    def action(model, run):
        run.snapshots[name] = model.population.contributions.copy()
        run.snapshots[name + "_members"] = members_now(model) & regular(model)

    return action


def _social_comparison(size, seed, parameters, strategies=None, strategy=STRATEGY, settings=None):
    cls = strategy_named(strategy)
    own, rest = split_own(parameters, cls)
    # a strategy with its own first day is shown on the check's day (its schedule counts
    # from there); the others are held back by FromDay alone
    first = {"start": SHOWN_DAY} if "start" in cls.PARAMETERS else {}
    chosen_settings = {**first, **dict(settings or {}), **own}
    end = SHOWN_DAY + WINDOW
    # the day before it is shown: what members have written when they first see the median
    actions = {SHOWN_DAY - 1: _snap("at"), end: _snap("after")}

    def treated_strategies():
        shown = FromDay(build(cls, chosen_settings), SHOWN_DAY)
        return [shown, *(strategies() if strategies else [])]

    treated = replicate(size, seed, end, rest, treated_strategies, actions)
    control = replicate(size, seed, end, rest, strategies, actions)
    below, above = [], []
    for t, c in zip(treated, control, strict=True):
        low, high = sides(c.snapshots["at"], c.snapshots["at_members"])
        args = (t.snapshots["at"], t.snapshots["after"], c.snapshots["at"], c.snapshots["after"])
        below.append(relative_change(low, *args))
        above.append(relative_change(high, *args))
    shown = ", ".join(f"{k}={v}" for k, v in chosen_settings.items())
    design = (
        f"{strategy}({shown}) from day {SHOWN_DAY} against none on the same seeds; "
        f"members who had written by day {SHOWN_DAY - 1}, split at their median; each "
        f"side's messages over days {SHOWN_DAY}-{end}, treated over control, minus one"
    )
    figures = [
        at_least("change below the median", below, BELOW, "+530%",
                 f"95% lower bound >= +{BELOW:.0%}"),
        at_most("change above the median", above, ABOVE, "-62%",
                f"95% upper bound <= {ABOVE:.1%}"),
    ]  # fmt: skip
    return design, figures


CHECK = Check(
    "social_comparison",
    "shown the median, members below it contribute more and members above it less",
    "Chen, Harper, Konstan & Li 2010 (American Economic Review 100(4); MovieLens)",
    _social_comparison,
)
