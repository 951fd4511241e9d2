"""``ScheduledEvents``: fixed-time sharing days or daily check-ins (定时分享, 打卡; 002, 004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.population import CONTRIBUTOR
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class ScheduledEvents(Strategy):
    """An event every ``every`` days from day ``start`` (``every=1``: a daily check-in).

    On an event day each member's chance to post is multiplied and their day gains a
    utility of belonging, both growing with their habit ``h_i`` in [0, 1]:

        posting_i *= 1 + boost * (1 + habit_gain * h_i)
        U_i       += bonus * (1 + habit_gain * h_i)
        pull_i    += surface * (1 + habit_gain * h_i)   (muted members come back up)

    After each event the habit moves toward attendance (posting that day):

        h_i <- h_i + habit * (attended_i - h_i)

    so members who keep coming form a habit and come back more (004: about 300 messages
    on the weekly expert day against under 100 on others; a fixed format keeps groups
    over ~40 members alive). A joiner starts with no habit. Cost: ``cost`` per event in
    each group with members.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("every", 7, int, 1, 10_000, "days between events (1: daily check-in)"),
            Parameter("start", 7, int, 1, 100_000, "day of the first event"),
            Parameter("boost", 1.5, float, 0, 100, "posting gain on an event day, no habit"),
            Parameter("habit", 0.3, float, 0, 1, "how fast attendance becomes a habit"),
            Parameter("habit_gain", 1.0, float, 0, 100,
                      "extra event-day pull of a full habit, relative to none"),
            Parameter("bonus", 0.05, float, 0, 10, "utility of an event day, no habit"),
            Parameter("surface", 0.1, float, 0, 100,
                      "hazard that a muted member comes back up on an event day, no habit"),
            Parameter("cost", 50.0, float, 0, math.inf, "money per event per group"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("every", 1, 30, 1),
        Control("boost", 0.0, 5.0, 0.1),
        Control("habit", 0.0, 1.0, 0.05),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.habit_of = np.zeros(model.population.size)
        self.event_days: list[int] = []

    def marks(self) -> dict[str, list[int]]:
        """The event days so far (``event_days``)."""
        return {"event": list(self.event_days)}

    def is_event_day(self, day: int) -> bool:
        """Whether ``day`` is an event day."""
        return day >= self.start and (day - self.start) % self.every == 0

    def start_day(self, model: CommunityModel, today: Day) -> None:
        if not self.is_event_day(today.day):
            return
        self.event_days.append(today.day)
        pull = 1.0 + self.habit_gain * self.habit_of
        today.posting_boost = today.posting_boost * (1.0 + self.boost * pull)
        today.utility_bonus = today.utility_bonus + self.bonus * pull
        today.surface_pull = today.surface_pull + self.surface * pull

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        self.habit_of[joiners] = 0.0

    def end_day(self, model: CommunityModel, today: Day) -> None:
        if not self.is_event_day(today.day):
            return
        pop = model.population
        members = pop.members
        attended = (pop.state[members] == CONTRIBUTOR).astype(float)
        self.habit_of[members] += self.habit * (attended - self.habit_of[members])
        groups = np.unique(pop.group[members]).size
        if groups:
            self.pay(today, self.cost * groups)
