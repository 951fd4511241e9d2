"""``SocialComparison``: a contribution leaderboard with the median (Chen et al. 2010)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.parameter_kinds import Control, Parameter
from commsim.population import SPAMMER
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class SocialComparison(Strategy):
    """Members are shown where they stand: a leaderboard of messages since joining with
    the median marked (a points ranking, 排行榜), on day ``start`` and every ``every`` days
    after (``every=30``: a monthly newsletter, as MovieLens sent; ``every=1``: a live board).

    On a showing day the ranked members of each group (members, spammers aside, who have
    written at least once, ``c_i >= 1``) are compared with the median ``m_g`` of their
    group's ranked members, and until the next showing each one's chance to post is
    multiplied by (``rules.comparison_gain``)

        g_i = clip((m_g / c_i) ** conformity, 1 / max_gain, max_gain)

    so those below the median write more and those above it less, both toward the norm
    (Chen, Harper, Konstan & Li 2010, American Economic Review 100(4): MovieLens users
    told the median raised their ratings by 530% below it and lowered them by 62% above
    it). Members who had never written are not on the board and are not moved; joiners
    after a showing wait for the next. A live board (``every=1``) moves members less over
    a month: whoever crosses the median is pulled back, so members gather at it.

    Unlike ``Badges`` (a goal gradient: everyone is pushed up toward the next badge) and
    ``InviteLeaderboard`` (prizes for the top inviters: everyone invites harder), the
    comparison moves members below and above the median in opposite directions.
    Cost: ``cost`` a day for each group with members, from the first showing.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("start", 1, int, 1, 100_000, "day the leaderboard is first shown"),
            Parameter("every", 30, int, 1, 10_000,
                      "days between showings (1: a live board, 30: a monthly newsletter)"),
            Parameter("conformity", 2.0, float, 0, 10,
                      "elasticity of posting in the distance from the median"),
            Parameter("max_gain", 30.0, float, 1, 1000,
                      "largest factor on posting (its inverse is the smallest)"),
            Parameter("cost", 0.0, float, 0, math.inf, "money per day for the leaderboard"),
        ]
    }  # fmt: skip
    CONTROLS = (Control("start", 1, 200, 1), Control("conformity", 0.0, 3.0, 0.1))

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.gain = np.ones(model.population.size)
        self.shown_days: list[int] = []

    def start_day(self, model: CommunityModel, today: Day) -> None:
        if today.day < self.start:
            return
        if (today.day - self.start) % self.every == 0:
            self._show(model)
            self.shown_days.append(today.day)
        today.posting_boost = today.posting_boost * self.gain
        self.pay(today, self.cost * np.count_nonzero(model.group_sizes()))

    def _show(self, model: CommunityModel) -> None:
        """Each ranked member's gain from where they stand today (``rules.comparison_gain``),
        kept until the next showing."""
        pop = model.population
        ranked = np.flatnonzero(pop.member_mask & (pop.role != SPAMMER) & (pop.contributions > 0))
        self.gain = np.ones(pop.size)
        if ranked.size == 0:
            return
        groups = pop.group[ranked]
        median = np.zeros(model.n_groups)
        for group in np.unique(groups):
            median[group] = np.median(pop.contributions[ranked[groups == group]])
        self.gain[ranked] = rules.comparison_gain(
            pop.contributions[ranked], median[groups], self.conformity, self.max_gain
        )
