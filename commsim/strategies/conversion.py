"""``Conversion``: members buy the operator's product (转化; 000, 001)."""

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


class Conversion(Strategy):
    """Members who have not bought yet buy with a daily hazard that grows with their need
    and their satisfaction with the group; each buys at most once:

        h    = 1 - (1 - rate) ** (1 / horizon)
        p_i  = min(h * 2 n_i * 2 sigmoid(4 s_i), 1)     (s_i: yesterday's surplus U - E;
                                                          ``rules.engagement``)

    ``rate`` is the share of an average member (need 0.5, satisfied as expected) who buys
    within ``horizon`` days; seed 000 puts a typical group near 10% (30-60% for the best
    operators). Revenue: ``revenue`` per sale; cost: ``promotion_cost`` a day while the
    group has members (promotion, the operator's time).
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("rate", 0.1, float, 0, 1,
                      "share of an average member who buys within the horizon"),
            Parameter("horizon", 30.0, float, 0, math.inf, "days over which rate applies",
                      low_open=True),
            Parameter("revenue", 100.0, float, 0, math.inf, "profit per sale"),
            Parameter("promotion_cost", 0.0, float, 0, math.inf, "money per day for promotion"),
        ]
    }  # fmt: skip
    CONTROLS = (Control("rate", 0.0, 1.0, 0.01), Control("revenue", 0.0, 1000.0, 10.0))

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.bought = np.zeros(model.population.size, dtype=bool)
        self._hazard = 1.0 - (1.0 - self.rate) ** (1.0 / self.horizon)

    def end_day(self, model: CommunityModel, today: Day) -> None:
        pop = model.population
        inside = pop.member_mask
        if not inside.any():
            return
        self.pay(today, self.promotion_cost)
        buyers = np.flatnonzero(inside & ~self.bought & (pop.role != SPAMMER))
        engagement = rules.engagement(pop.satisfaction[buyers])
        chance = np.minimum(self._hazard * 2.0 * pop.need[buyers] * engagement, 1.0)
        sold = buyers[self.uniforms(model, buyers) < chance]
        self.bought[sold] = True
        if sold.size:
            self.earn(today, self.revenue * sold.size, sold.size)
