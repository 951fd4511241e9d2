"""``ContentMix``: operator-made content beside members' own (PGC vs UGC; 001, 002)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.strategies.base import Strategy, saturating

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day

CHATTER_HALF = 10.0
"""Off-topic operator posts a day at which their pull on members' chatter is half its
maximum."""


class ContentMix(Strategy):
    """The operator posts ``operator_posts`` messages a day in each group with members; a
    share ``on_topic`` of them is on the group's topic with value ``value``, the rest is
    off-topic chatter (jokes, news, small talk):

        M_g += P,   V_g += P * on_topic * value

    Chatter raises activity without value (001): members reply to it, so their chance
    to post is multiplied by ``m``, and the extra posts are off-topic too (the day's
    on-topic share of members' messages is divided by ``m``):

        m = 1 + chatter * c / (c + CHATTER_HALF),   c = P * (1 - on_topic)

    Cost: ``cost_per_post`` per operator message (an operator's time).
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("operator_posts", 10.0, float, 0, 10_000,
                      "operator messages per day in each group"),
            Parameter("on_topic", 0.7, float, 0, 1, "share of operator messages on topic"),
            Parameter("value", 0.6, float, 0, 1, "value of an on-topic operator message"),
            Parameter("chatter", 1.0, float, 0, 100,
                      "members' posting gain from unlimited off-topic content"),
            Parameter("cost_per_post", 1.0, float, 0, math.inf, "money per operator message"),
        ]
    }  # fmt: skip
    CONTROLS = (Control("operator_posts", 0.0, 100.0, 1.0), Control("on_topic", 0.0, 1.0, 0.05))

    def start_day(self, model: CommunityModel, today: Day) -> None:
        offtopic = self.operator_posts * (1.0 - self.on_topic)
        gain = 1.0 + self.chatter * saturating(offtopic, CHATTER_HALF)
        if gain > 1.0:
            today.posting_boost = today.posting_boost * gain
            today.on_topic = today.on_topic / gain

    def add_content(self, model: CommunityModel, today: Day) -> None:
        active = np.flatnonzero(model.group_sizes() > 0)
        if active.size == 0 or self.operator_posts == 0:
            return
        today.add_messages(active, self.operator_posts, self.on_topic * self.value)
        self.pay(today, self.cost_per_post * self.operator_posts * active.size)
