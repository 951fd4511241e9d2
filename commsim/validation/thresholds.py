"""Entry thresholds: fewer join, the group lives, and its members stay longer (000, 004).

Sources: 000 (门槛: "没有门槛的社群不可能形成社群生态", a group without a bar at entry
forms no ecology) and 004 ("一个群在入群阶段设置的筛选和挑战门槛越高, 这个群加入后流失率反而越低":
the higher the bar at entry, the lower the loss afterwards; a paid group's members keep
its rules; money as a vote: 金钱既是一定的门槛; closed, invitation-only groups resist
evaporative cooling; 加入必须有门槛).

Design: for every kind of the strategy ``EntryThreshold`` (by name; its ``kind`` choices)
at the moderate ``LEVEL``, against the open group on the same seeds, for a year.

Statistics, per kind: the peak of membership, barred over open (fewer members: a bar
lets fewer in, though a living group may gather more joiners over a year than one that
empties); whether the group is alive on day 365 (at least ``ALIVE_MEMBERS`` members and at least
``ALIVE_MESSAGES`` members' own messages a day over the last week); the joiners' daily rate
of leaving (leavers per member-day), barred minus open.

Tolerances (fixed before any run), for every kind: the upper bound of the joiners' ratio is
below 1 (fewer members); the exact one-sided 95% lower bound of the share of runs alive is at
least 0.5; the upper bound of the difference in leaving rates is below 0 (they stay
longer). One-sided 95% bounds over replications.
"""

from __future__ import annotations

import numpy as np

from commsim.validation.arms import build, split_own, strategy_named
from commsim.validation.bounds import share_lower_bound, upper_bound
from commsim.validation.framework import (
    Check,
    Figure,
    members_now,
    own_messages,
    regular,
    replicate,
)

STRATEGY = "EntryThreshold"
LEVEL = 0.3
DAYS = 365
ALIVE_MEMBERS = 24
ALIVE_MESSAGES = 5.0
ALIVE_SHARE = 0.5


def joiner_figures(model, frame) -> dict[str, float]:
    """One run's peak membership, its joiners' (after the founders, spammers aside) leaving
    rate per member-day, and whether the group is alive at the end."""
    pop = model.population
    joiners = (pop.joined_day > 0) & regular(model)
    member_days = float(pop.tenure(model.day)[joiners].sum())
    left = float((pop.left_day[joiners] >= 0).sum())
    last_week = float(own_messages(frame).iloc[-7:].mean())
    alive = members_now(model).sum() >= ALIVE_MEMBERS and last_week >= ALIVE_MESSAGES
    return {"peak": float(frame.members.max()),
            "leave_rate": left / member_days if member_days > 0 else np.nan,
            "alive": float(alive)}  # fmt: skip


def _thresholds(size, seed, parameters, strategies=None, barrier=None):
    """``barrier(level)``, when given, is another door in place of every kind."""
    cls = strategy_named(STRATEGY)
    own, rest = split_own(parameters, cls)
    if barrier is not None:
        doors = {type(barrier(LEVEL)).__name__: lambda: barrier(LEVEL)}
    else:
        kinds = cls.PARAMETERS["kind"].choices if "kind" in cls.PARAMETERS else (None,)
        doors = {kind or STRATEGY: lambda kind=kind: build(
                     cls, {"level": LEVEL, **({"kind": kind} if kind else {}), **own})
                 for kind in kinds}  # fmt: skip

    def runs(factory):
        return [joiner_figures(r.model, r.frame)
                for r in replicate(size, seed, DAYS, rest, factory)]  # fmt: skip

    extra = strategies if strategies else list
    open_ = runs(extra)
    figures = []
    for label, door in doors.items():
        barred = runs(lambda door=door: [door(), *extra()])
        ratio = [b["peak"] / max(o["peak"], 1) for b, o in zip(barred, open_, strict=True)]
        leave = [b["leave_rate"] - o["leave_rate"] for b, o in zip(barred, open_, strict=True)]
        alive = int(sum(b["alive"] for b in barred))
        share_low = share_lower_bound(alive, len(barred))
        figures += [
            Figure(f"{label}: peak members, barred over open", float(np.mean(ratio)),
                   upper_bound(ratio), "fewer join", "95% upper bound < 1",
                   bool(upper_bound(ratio) < 1)),
            Figure(f"{label}: share of runs alive on day {DAYS}", alive / len(barred), share_low,
                   "the group lives", f"exact 95% lower bound >= {ALIVE_SHARE}",
                   bool(share_low >= ALIVE_SHARE)),
            Figure(f"{label}: joiners' leaving per member-day, barred minus open",
                   float(np.nanmean(leave)), upper_bound(leave), "lower loss (流失率更低)",
                   "95% upper bound < 0", bool(upper_bound(leave) < 0)),
        ]  # fmt: skip
    design = (f"doors {', '.join(doors)} at level {LEVEL} against the open group, same "
              f"seeds, {DAYS} days; alive: at least {ALIVE_MEMBERS} members and "
              f"{ALIVE_MESSAGES:g} members' messages a day over the last week")  # fmt: skip
    return design, figures


CHECK = Check(
    "thresholds",
    "with a moderate entry threshold of any kind fewer join, the group stays alive, and "
    "its members stay longer",
    "000 (门槛), 004 (门槛越高, 流失率反而越低; 用金钱来投票; closed groups resist cooling)",
    _thresholds,
)
