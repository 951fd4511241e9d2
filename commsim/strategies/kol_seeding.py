"""``KOLSeeding``: opinion leaders who share on a schedule and draw others in (000, 002, 003)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.population import KOL, OUTSIDER, SPAMMER
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class KOLSeeding(Strategy):
    """A few high-value members (KOLs, 意见领袖) who share at fixed times and pull others in.

    At setup ``count`` outsiders (not spammers) become KOLs: role KOL, value ``value``,
    patience 1, and ``followers`` extra people who follow each of them (one-way ties,
    ``model.add_ties``, in the matrix that counts active friends inside; the friendship
    graph ``model.network`` is left as it is). They join on day 1 (``model.admit``),
    spread over the groups.

    Every ``sharing_every`` days each KOL inside shares ``share_messages`` messages of
    value ``value`` (a sharing session, 定时分享, ``model.add_posts``), which count as
    contributions:

        M_g += share_messages,   V_g += share_messages * value      (per KOL in g)

    and marks the KOL active, so their friends and followers are brought in with the
    usual chance ``1 - (1 - social_pull) ** k`` (the KOL pulls people in, 000/003).

    KOLs are members too: they read, weigh the group and tire like anyone (as the most
    valuable members, evaporative cooling reaches them first). A paid KOL stays while the
    fee is paid: each session costs ``fee`` per KOL inside for ``paid_days`` days from day
    1 (0: the whole run); while paid, a KOL's patience is refilled each day
    (``model.refill_patience``). Unpaid (``fee = 0``, or after ``paid_days``) they keep
    sharing for free but tire and leave by the members' rule.

    Departures the operator plans: on day ``leave_on`` (0: never) ``leaving`` of the KOLs
    inside leave (0: all; 1: one KOL leaves; k of ``count``: the first k seeded), and a
    KOL whose group, having once had at least ``leave_below`` members, falls below that
    leaves it (a shrinking group no longer worth the KOL's time; 0: never). Their content
    and pull stop, members' benefit falls and more of them run out of patience (the KOL
    who leaves, 002).
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("count", 3, int, 1, 100_000, "number of KOLs"),
            Parameter("value", 0.95, float, 0, 1, "value of a KOL's content"),
            Parameter("sharing_every", 7, int, 1, 10_000, "days between sharing sessions"),
            Parameter("share_messages", 20.0, float, 0, 10_000,
                      "messages a KOL posts in a sharing session"),
            Parameter("followers", 30, int, 0, 10_000_000, "extra people following each KOL"),
            Parameter("leave_on", 0, int, 0, 10_000_000,
                      "day KOLs leave (0: never); how many: leaving"),
            Parameter("leaving", 0, int, 0, 100_000,
                      "KOLs who leave on day leave_on (0: all), at most count"),
            Parameter("leave_below", 0, int, 0, 10_000_000,
                      "a KOL leaves a group with fewer members than this (0: never)"),
            Parameter("fee", 100.0, float, 0, math.inf,
                      "money paid per KOL per sharing session (0: unpaid, they tire)"),
            Parameter("paid_days", 0, int, 0, 10_000_000,
                      "days from day 1 the fee is paid, a paid KOL staying (0: the whole run)"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("count", 1, 20, 1),
        Control("value", 0.0, 1.0, 0.05),
        Control("sharing_every", 1, 30, 1),
        Control("leave_on", 0, 365, 1),
        Control("leaving", 0, 20, 1),
    )

    def check_together(self) -> None:
        if self.leaving > self.count:
            raise ValueError(
                f"leaving={self.leaving} is more than count={self.count}: expected leaving "
                f"in [0, {self.count}] (0: all the KOLs leave on day leave_on)"
            )

    def inert(self) -> frozenset[str]:
        """``leaving`` when no KOL leaves on a day (``leave_on = 0``) and with one KOL
        (whose leaving is all of them leaving)."""
        return frozenset({"leaving"}) if self.leave_on == 0 or self.count == 1 else frozenset()

    def is_paid(self, day: int) -> bool:
        """Whether the KOLs are paid on ``day`` (then they stay)."""
        return self.fee > 0 and (self.paid_days == 0 or day <= self.paid_days)

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        pop = model.population
        candidates = np.flatnonzero((pop.state == OUTSIDER) & (pop.role != SPAMMER))
        if candidates.size < self.count:
            raise ValueError(
                f"KOLSeeding: count={self.count} is more than the {candidates.size} outsiders "
                "who could become KOLs: expected a smaller count or a larger population"
            )
        self.kols = self.pick(model, candidates, self.count)  # the first k of a larger count
        self.departures: list[tuple[int, int]] = []  # (day, KOL)
        self._peak = np.zeros(0, dtype=np.int64)  # most members each group has had
        model.set_role(self.kols, KOL)
        model.set_traits(self.kols, value=self.value, patience=1.0)
        if self.followers:
            others = pop.size - 1
            followers = self.stream(model).integers(0, others, size=(self.count, self.followers))
            followers += followers >= self.kols[:, None]  # never follow oneself
            model.add_ties(followers.ravel(), np.repeat(self.kols, self.followers))

    def marks(self) -> dict[str, list[int]]:
        """The days KOLs left (``departures``), each once."""
        return {"KOLs leave": sorted({day for day, _ in self.departures})}

    def start_day(self, model: CommunityModel, today: Day) -> None:
        pop = model.population
        if today.day == 1:
            outsiders = self.kols[pop.state[self.kols] == OUTSIDER]
            groups = np.flatnonzero(model.group_open)
            if groups.size and outsiders.size:
                model.admit(outsiders, groups[np.arange(outsiders.size) % groups.size], today)
        inside = self.kols[pop.is_member(self.kols)]
        leaving = np.zeros(inside.size, dtype=bool)
        if self.leave_on and today.day == self.leave_on:
            leaving[: self.leaving or inside.size] = True
        if self.leave_below:
            sizes = model.group_sizes()
            self._peak = np.maximum(np.pad(self._peak, (0, sizes.size - self._peak.size)), sizes)
            group = pop.group[inside]
            leaving |= (self._peak[group] >= self.leave_below) & (sizes[group] < self.leave_below)
        model.remove_members(inside[leaving], today)
        self.departures.extend((today.day, int(kol)) for kol in inside[leaving])
        if self.is_paid(today.day):
            model.refill_patience(inside[~leaving])

    def add_content(self, model: CommunityModel, today: Day) -> None:
        if today.day % self.sharing_every:
            return
        inside = self.kols[model.population.is_member(self.kols)]
        if inside.size == 0:
            return
        model.add_posts(inside, self.share_messages, self.value, today)
        if self.is_paid(today.day):
            self.pay(today, self.fee * inside.size)
