"""A welcome message for every new member: the example of docs/strategies-own.md."""

import numpy as np

from commsim.parameters import Control, Parameter
from commsim.strategies import Strategy


class Welcome(Strategy):
    """A welcome message for each joiner, which warms their first days in the group.

    A member welcomed on the day ``j`` they join gains ``warmth`` of utility on each of
    the days ``j + 1`` to ``j + days``; a higher utility drains less of their patience, so
    fewer leave early. Cost: ``cost`` per message, one message per joiner.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("warmth", 0.3, float, 0, 5, "utility a welcomed member gains each day"),
            Parameter("days", 3, int, 1, 365, "days the welcome warms, after the joining day"),
            Parameter("cost", 1.0, float, 0, 1000, "money per welcome message"),
        ]
    }
    CONTROLS = (Control("warmth", 0.0, 1.0, 0.05), Control("days", 1, 14, 1))

    def setup(self, model):
        super().setup(model)  # resets the accounts
        self.welcomed_on = np.full(model.population.size, -np.inf)  # day of each welcome

    def end_day(self, model, today):
        """Welcome the day's joiners (``today.joined``): one paid message each."""
        self.welcomed_on[today.joined] = today.day
        self.pay(today, self.cost * today.joined.size)

    def start_day(self, model, today):
        """Warm those welcomed on the last ``days`` days: a per-person term added to the
        day's utility bonus (a lever; it counts for members only)."""
        age = today.day - self.welcomed_on
        warm = (age >= 1) & (age <= self.days)
        today.utility_bonus = today.utility_bonus + self.warmth * warm
