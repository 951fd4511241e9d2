"""Incentives (激励): red packets, badges and an invitation leaderboard (000, 003, 004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.strategies.base import Strategy, saturating
from commsim.strategies.social import credit_inviters

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class RedPackets(Strategy):
    """Cash drops (红包): a spike of activity that fades, with fatigue growing with repetition.

    A drop of ``amount`` falls on day ``start`` and every ``every`` days after, while the
    remaining ``budget`` covers it. A drop's pull saturates in the money per member
    ``m_d = amount / members``, and each drop pulls less than the one before (fatigue,
    003: "靠发红包维系着一个群, 但也容易进入一个疲倦的状态"):

        pull_d = m_d / (m_d + half_amount) / (1 + fatigue * k_d)   (k_d: earlier drops)
        s(t)   = sum over drops d <= t of pull_d * exp(-(t - d) / decay_days)

    On day t every member's chance to post is multiplied by ``1 + boost * s(t)`` (lurkers
    surface to grab and thank, 004: "万年潜水看见红包才冒泡"), muted members come back up
    with the hazard ``surface * s(t)`` (``today.surface_pull``,
    ``rules.surfacing_probability``), and the day's utility gets ``bonus * s(t)``. On a
    drop day each member, muted or not, grabs with chance ``min(pull_d, 1)`` and writes
    ``thanks`` messages of no value (grabbing and thanks, ``model.add_posts``; a muted
    grabber comes back up). The extra messages are off the group's topic:
    ``today.on_topic`` is divided by the posting factor, so they add reading load but no
    value. Cost: ``amount`` per drop.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("budget", 1000.0, float, 0, math.inf, "money for the whole campaign"),
            Parameter("amount", 100.0, float, 0, math.inf, "money in each drop", low_open=True),
            Parameter("every", 7, int, 1, 10_000, "days between drops"),
            Parameter("start", 7, int, 1, 100_000, "day of the first drop"),
            Parameter("boost", 3.0, float, 0, 100, "posting gain at a fresh, full-pull drop"),
            Parameter("bonus", 0.05, float, 0, 10, "utility of a fresh, full-pull drop"),
            Parameter("surface", 2.0, float, 0, 100,
                      "hazard that a muted member comes back up at a fresh, full-pull drop"),
            Parameter("thanks", 3.0, float, 0, 1000,
                      "messages a member who grabs a drop writes (grabbing and thanks)"),
            Parameter("decay_days", 1.5, float, 0, math.inf, "e-folding time of a drop's effect",
                      low_open=True),
            Parameter("fatigue", 2.0, float, 0, 100, "loss of pull per earlier drop"),
            Parameter("half_amount", 1.0, float, 0, math.inf,
                      "money per member at which a drop has half its full pull", low_open=True),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("budget", 0.0, 10000.0, 100.0),
        Control("amount", 10.0, 1000.0, 10.0),
        Control("every", 1, 30, 1),
        Control("start", 1, 200, 1),
        Control("fatigue", 0.0, 5.0, 0.1),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.strength = 0.0
        self.drop_days: list[int] = []
        self._grab = 0.0

    def marks(self) -> dict[str, list[int]]:
        """The drop days (``drop_days``)."""
        return {"red packet": list(self.drop_days)}

    def start_day(self, model: CommunityModel, today: Day) -> None:
        self.strength *= math.exp(-1.0 / self.decay_days)
        self._grab = 0.0
        due = today.day >= self.start and (today.day - self.start) % self.every == 0
        if due and self.spent + self.amount <= self.budget:
            members = max(int(np.count_nonzero(model.population.member_mask)), 1)
            pull = saturating(self.amount / members, self.half_amount)
            self._grab = pull / (1.0 + self.fatigue * len(self.drop_days))
            self.strength += self._grab
            self.drop_days.append(today.day)
            self.pay(today, self.amount)
        if self.strength > 0:
            gain = 1.0 + self.boost * self.strength
            today.posting_boost = today.posting_boost * gain
            today.on_topic = today.on_topic / gain
            today.utility_bonus = today.utility_bonus + self.bonus * self.strength
            today.surface_pull = today.surface_pull + self.surface * self.strength

    def add_content(self, model: CommunityModel, today: Day) -> None:
        if self._grab <= 0 or self.thanks <= 0:
            return
        members = model.population.members
        grabbers = members[self.uniforms(model, members) < min(self._grab, 1.0)]
        model.add_posts(grabbers, self.thanks, 0.0, today)


class Badges(Strategy):
    """Points, badges and titles for contributors (a growth system; 000, 003).

    Badges of ``levels`` levels: level ``k`` (k = 1..levels) is earned at
    ``T_k = threshold * 2 ** (k - 1)`` messages since joining. On the way to the next badge
    the goal gradient raises a member's posting; once it is earned the pull is spent and
    posting falls back, then climbs again toward the next level. After the last level,
    with no goal left, posting drops by ``letdown`` (the letdown after a reached goal):

        g_i = 1 + gain * ((c_i - T_{k-1}) / (T_k - T_{k-1})) ** 2   on the way to level k
        g_i = 1 - letdown                                            after the last level

    (``c_i``: messages since joining; ``T_0 = 0``). Each member's chance to post is
    multiplied by ``g_i``. Cost: ``cost`` per badge awarded.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("threshold", 30, int, 1, 10_000_000, "messages that earn the first badge"),
            Parameter("levels", 3, int, 1, 30, "badge levels, each at twice the last's messages"),
            Parameter("gain", 1.0, float, 0, 100, "posting gain just before a badge"),
            Parameter("letdown", 0.0, float, 0, 1, "share of posting lost after the last badge"),
            Parameter("cost", 5.0, float, 0, math.inf, "money per badge awarded (a gift)"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("threshold", 1, 200, 1),
        Control("gain", 0.0, 5.0, 0.1),
        Control("letdown", 0.0, 1.0, 0.05),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.level = np.zeros(model.population.size, dtype=np.int64)
        self._gain = np.ones(model.population.size)
        # T_0 = 0, T_1 .. T_levels, and an unreachable bound past the last level
        self._bounds = np.concatenate(
            [[0.0], self.threshold * 2.0 ** np.arange(self.levels), [np.inf]]
        )

    @property
    def badged(self) -> np.ndarray:
        """Whether each person has earned at least the first badge."""
        return self.level > 0

    def start_day(self, model: CommunityModel, today: Day) -> None:
        members = model.population.members
        level = self.level[members]
        previous, goal = self._bounds[level], self._bounds[level + 1]
        progress = (model.population.contributions[members] - previous) / (goal - previous)
        self._gain[members] = np.where(
            level >= self.levels, 1.0 - self.letdown, 1.0 + self.gain * progress**2
        )
        today.posting_boost = today.posting_boost * self._gain

    def end_day(self, model: CommunityModel, today: Day) -> None:
        members = model.population.members
        written = model.population.contributions[members]
        earned = np.searchsorted(self._bounds[1:-1], written, side="right")
        new = earned - self.level[members]
        count = int(new.sum())
        if count:
            self.level[members] = earned
            self.pay(today, self.cost * count)


class InviteLeaderboard(Strategy):
    """A leaderboard of invitations with cash prizes (邀请排行榜; 000).

    For ``periods`` periods of ``period`` days, members invite friends harder: the chance
    that an active friend brings an outsider in is multiplied by

        1 + gain * prize / (prize + half_prize)

    Each joiner with active friends inside is credited to one of them (drawn uniformly).
    At the end of each period the ``winners`` members with the most invitations (at least
    one) share ``prize`` (paid per winner: ``prize / winners`` each); when
    ``owner_invites > 0`` and the top inviter has at least that many, they become the
    owner of a new group and take the members they invited with them.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("prize", 300.0, float, 0, math.inf, "prize money per period"),
            Parameter("period", 14, int, 1, 10_000, "days per leaderboard period"),
            Parameter("periods", 4, int, 1, 10_000, "periods in the campaign"),
            Parameter("winners", 3, int, 1, 10_000, "ranked places that win a prize"),
            Parameter("gain", 1.5, float, 0, 100, "social-pull gain at an unlimited prize"),
            Parameter("half_prize", 300.0, float, 0, math.inf,
                      "prize at which the gain is half its maximum", low_open=True),
            Parameter("owner_invites", 0, int, 0, 10_000_000,
                      "invitations in a period that make the top inviter a group owner "
                      "(0: never)"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("prize", 0.0, 2000.0, 50.0),
        Control("period", 1, 60, 1),
        Control("periods", 1, 20, 1),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.invites = np.zeros(model.population.size, dtype=np.int64)
        self.invited_by = np.full(model.population.size, -1, dtype=np.int64)
        self.results: list[tuple[int, np.ndarray]] = []  # (day, winners)
        self.owned_groups: list[int] = []

    def _running(self, day: int) -> bool:
        return 1 <= day <= self.period * self.periods

    def start_day(self, model: CommunityModel, today: Day) -> None:
        if self._running(today.day):
            today.social_pull *= 1.0 + self.gain * saturating(self.prize, self.half_prize)

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        if not self._running(today.day) or joiners.size == 0:
            return
        inviters = credit_inviters(model, joiners, self.uniforms(model, joiners))
        credited = inviters >= 0
        self.invited_by[joiners[credited]] = inviters[credited]
        np.add.at(self.invites, inviters[credited], 1)

    def end_day(self, model: CommunityModel, today: Day) -> None:
        if not self._running(today.day) or today.day % self.period:
            return
        ranked = np.argsort(-self.invites, kind="stable")[: self.winners]
        ranked = ranked[self.invites[ranked] > 0]
        self.results.append((today.day, ranked))
        if ranked.size:
            self.pay(today, self.prize * ranked.size / self.winners)
            top = ranked[0]
            pop = model.population
            if 0 < self.owner_invites <= self.invites[top] and pop.is_member(top):
                followers = np.flatnonzero((self.invited_by == top) & pop.member_mask)
                self.owned_groups.append(model.add_group(np.append(followers, top)))
        self.invites[:] = 0
