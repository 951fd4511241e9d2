"""``Referral``: fission through the social network, paid per successful invite (裂变; 000, 002)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.strategies.base import Strategy, saturating
from commsim.strategies.social import active_friends_inside

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class Referral(Strategy):
    """Members invite friends for a reward per friend who joins (老带新, 裂变).

    The reward makes each active member invite harder: the chance that one active friend
    inside brings an outsider in (``social_pull``) is multiplied by

        1 + gain * reward / (reward + half_reward)

    and every joiner who had at least one active friend inside at the moment of joining
    (an arrival through friends) earns the inviter ``reward``, paid by the operator.
    ``referred`` counts them per day.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("reward", 10.0, float, 0, math.inf, "money paid per friend who joins"),
            Parameter("gain", 2.0, float, 0, 100, "social-pull gain at an unlimited reward"),
            Parameter("half_reward", 10.0, float, 0, math.inf,
                      "reward at which the gain is half its maximum", low_open=True),
        ]
    }  # fmt: skip
    CONTROLS = (Control("reward", 0.0, 100.0, 1.0),)

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.referred: dict[int, int] = {}

    def start_day(self, model: CommunityModel, today: Day) -> None:
        today.social_pull *= 1.0 + self.gain * saturating(self.reward, self.half_reward)

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        count = int(np.count_nonzero(active_friends_inside(model, joiners) > 0))
        self.referred[today.day] = count
        if count:
            self.pay(today, self.reward * count)
