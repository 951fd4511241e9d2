"""A brand group goes quiet while its members stay (004, 三个爸爸).

Source: 004 (line 48 of ``sources/004_*.txt``): the brand group of 三个爸爸, created June
2015, grew "in a short time" to 330 members; at first close to 1,000 chat messages a day,
then "gradually" under 100 a day on average, reaching 300 only on the weekly expert-sharing
day; a survey still reached a group of 330. WeChat members mute a group and go quiet far
more often than they quit.

Scenario: the default group with weekly expert days (the strategy ``ScheduledEvents`` by
name, every 7 days from day 7), in a population of ``POPULATION``; nothing else changed.

Statistics: members at the peak; members' own messages (spam apart) per day in the first
week (days 1-7); on ordinary days and on expert days three months later (days 84-98); and
the share of the members of the peak day still members on day 90 (muted members count).

Tolerances (fixed before any run; the source is one practitioner's account, so "about" is
read as within a factor): the 95% interval over replications of the mean lies within

- peak members: [220, 500] (about 330, within x1.5);
- first-week messages per day: [500, 2000] (about 1,000, within x2);
- ordinary-day messages, days 84-98: [0, 150] (under 100, with x1.5 room);
- expert-day messages, days 84-98: [150, 600] (about 300, within x2);
- share of the peak day's members still in the group on day 90: [0.5, 1] (most).
"""

from __future__ import annotations

import numpy as np

from commsim.validation.arms import build, split_own, strategy_named
from commsim.validation.framework import Check, members_on, own_messages, replicate, within

POPULATION = 2000
EVENTS = "ScheduledEvents"
EXPERT_DAYS = {"every": 7, "start": 7}
LATE = (84, 98)
RETAINED_DAY = 90
DAYS = LATE[1]


def decline_figures(messages, expert_day, peak_members, retained) -> dict[str, float]:
    """The source's figures of one run.

    Args:
        messages: members' own messages per day, indexed by day 0..DAYS.
        expert_day: whether each day is an expert day.
        peak_members: members on the busiest day of membership.
        retained: share of that day's members still members on ``RETAINED_DAY``.
    """
    messages = np.asarray(messages, dtype=float)
    expert_day = np.asarray(expert_day, dtype=bool)
    day = np.arange(messages.size)
    late = (day >= LATE[0]) & (day <= LATE[1])
    return {"peak_members": float(peak_members),
            "first_week": float(messages[1:8].mean()),
            "late_ordinary": float(messages[late & ~expert_day].mean()),
            "late_expert": float(messages[late & expert_day].mean()),
            "retained": float(retained)}  # fmt: skip


def _quiet_decline(size, seed, parameters, strategies=None):
    cls = strategy_named(EVENTS)
    own, rest = split_own(parameters, cls)
    settings = {**EXPERT_DAYS, **own}

    def chosen():
        return [build(cls, settings), *(strategies() if strategies else [])]

    rest = {"population": max(size.population, POPULATION), **rest}
    rows = []
    for run in replicate(size, seed, DAYS, rest, chosen):
        frame = run.frame
        peak_day = int(frame.members.idxmax())
        at_peak = members_on(run.model, peak_day)
        retained = (at_peak & members_on(run.model, RETAINED_DAY)).sum() / max(at_peak.sum(), 1)
        day = np.arange(len(frame))
        expert = (day >= settings["start"]) & ((day - settings["start"]) % settings["every"] == 0)
        rows.append(decline_figures(own_messages(frame).to_numpy(), expert,
                                    frame.members.max(), retained))  # fmt: skip
    design = (f"default group with weekly expert days ({EVENTS} every {settings['every']} "
              f"days from day {settings['start']}), population {rest['population']}, "
              f"{DAYS} days; members' own messages per day")  # fmt: skip

    def column(name):
        return [r[name] for r in rows]

    figures = [
        within("peak members", column("peak_members"), 220, 500, "330", "95% CI in [220, 500]"),
        within("messages per day, first week", column("first_week"), 500, 2000,
               "close to 1,000", "95% CI in [500, 2000]"),
        within(f"messages per ordinary day, days {LATE[0]}-{LATE[1]}", column("late_ordinary"),
               0, 150, "under 100", "95% CI in [0, 150]"),
        within(f"messages per expert day, days {LATE[0]}-{LATE[1]}", column("late_expert"),
               150, 600, "about 300", "95% CI in [150, 600]"),
        within(f"peak-day members still members on day {RETAINED_DAY}", column("retained"),
               0.5, 1.0, "most (330 surveyed)", "95% CI in [0.5, 1]"),
    ]  # fmt: skip
    return design, figures


CHECK = Check(
    "quiet_decline",
    "a brand group reaches about 330 members and 1,000 messages a day, then goes quiet "
    "(under 100 a day, 300 on expert days) while most members stay",
    "004 (三个爸爸 brand group)",
    _quiet_decline,
)
