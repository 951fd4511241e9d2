"""``EntryThreshold``: who gets in (门槛; sources 000 and 004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameters import Choice, Control, Parameter
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class EntryThreshold(Strategy):
    """An entry threshold: a fee, an invitation code, an admin's review or a task.

    Each applicant (an outsider who discovered the group and wants in) passes when a
    kind-specific score clears ``level`` in [0, 1]; ``e_i ~ Normal(0, noise)``:

        fee:        n_i + e_i >= level   (willingness to pay follows need)
        task:       n_i + e_i >= level   (doing the task: buying, downloading, follows need)
        review:     v_i + e_i >= level   (an admin judges the applicant's value, noisily)
        invitation: some member friend j has v_j >= level   (a member vouches; level 0:
                    any friend inside invites)

    Getting over the bar commits a joiner (the higher the initiation, the lower the churn
    afterwards, 000; a fee is money as a vote, 004), whatever the kind:

        patience_i <- patience_i + (1 - patience_i) * min(commitment * level, 1)

    (the reservoir is refilled to the new capacity, ``model.refill_patience``). A fee also
    earns ``price * level`` per joiner, recorded as revenue. Fewer join, and more of them stay.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Choice("kind", "fee", ("fee", "invitation", "review", "task"),
                   "what an applicant must do to get in"),
            Parameter("level", 0.5, float, 0, 1, "height of the bar, from 0 (open) to 1"),
            Parameter("noise", 0.1, float, 0, 10, "standard deviation of the noise of judging"),
            Parameter("price", 100.0, float, 0, math.inf,
                      "fee kind: money a joiner pays at level 1 (pays price * level)"),
            Parameter("commitment", 2.0, float, 0, 10,
                      "share of a joiner's missing patience that a bar of level 1 adds"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("kind"),
        Control("level", 0.0, 1.0, 0.05),
        Control("price", 0.0, 500.0, 10.0),
    )

    def admit(
        self, model: CommunityModel, today: Day, applicants: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        pop = model.population
        if self.kind == "invitation":
            vouchers = (pop.member_mask & (pop.value >= self.level)).astype(np.float32)
            return (model.adjacency[applicants] @ vouchers) > 0
        trait = pop.value if self.kind == "review" else pop.need
        noise = 0.0
        if self.noise > 0:
            noise = self.stream(model).normal(0.0, self.noise, applicants.size)
        return trait[applicants] + noise >= self.level

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        if joiners.size == 0:
            return
        patience = model.population.patience[joiners]
        lift = min(self.commitment * self.level, 1.0)
        model.set_traits(joiners, patience=patience + (1.0 - patience) * lift)
        model.refill_patience(joiners)
        if self.kind == "fee":
            self.earn(today, self.price * self.level * joiners.size)
