"""``EntryThreshold``: who gets in, and how committed they are (门槛; sources 000 and 004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.parameter_kinds import Choice, Control, Parameter
from commsim.population import SPAMMER
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class EntryThreshold(Strategy):
    """An entry threshold: a fee, an invitation code, an admin's review or a task.

    Each applicant (an outsider who discovered the group and wants in) is tested on what
    the door really tests, with a noise ``e_i ~ Normal(0, noise)``. A fee or a task is the
    applicant's own decision on the day, so ``e_i`` is drawn afresh at every try; a review
    is an admin's judgement of the person, so their ``e_i`` is drawn once when the door
    opens and an applicant refused once is refused at every try:

        fee:        n_i * q_i + e_i >= level     need times willingness to pay
                                                 (``rules.fee_worth``)
        invitation: invited with chance 1 - level ** k_i, k_i: friends who are members
                    (not spammers); each invites with chance 1 - level
                    (``rules.invitation_chance``)
        review:     v_i + e_i >= level           an admin judges the applicant's value
        task:       f_i + e_i >= level           doing the task takes effort f_i
                                                 (buying, downloading, a form)

    (``q_i`` and ``f_i``: the population's ``willingness_to_pay`` and ``effort``.)

    Getting over the bar commits a joiner (the higher the initiation, the lower the loss
    afterwards, 000; a fee is money as a vote, 004; Aronson & Mills 1959), whatever the
    kind, with commitment ``c = x / (1 + x)``, ``x = commitment * level``
    (``rules.initiation_commitment``):

        patience_i <- patience_i + (1 - patience_i) * c     (reservoir refilled)
        E_i        <- (1 - c) * E_i                          every day while a member

    The lowered expectation ``E_i`` (``rules.expected_utility``, which carries
    evaporative cooling) is given as a daily utility bonus ``c * E_i`` to the committed
    (``today.utility_bonus``): they are content with less and resist the group's
    cooling. A fee also earns ``price * level`` per joiner, recorded as revenue. Fewer
    join, and more of them stay.
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
            Parameter("commitment", 6.0, float, 0, 100,
                      "how strongly getting over the bar commits (x = commitment * level)"),
        ]
    }  # fmt: skip
    misjudged: np.ndarray | None = None
    """A review's ``e_i`` for each person, how far the admin misjudges them (drawn at the
    review's first applicant, kept for every later try)."""

    CONTROLS = (
        Control("kind"),
        Control("level", 0.0, 1.0, 0.05),
        Control("price", 0.0, 500.0, 10.0),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.committed = np.zeros(model.population.size)
        """Each person's commitment ``c`` from this door (0 for those who did not pass it)."""
        self.misjudged = None

    def marks(self) -> dict[str, list[int]]:
        """The door's first day: it applies from day 1 (labelled by its kind)."""
        return {f"{self.kind} from day 1": [1]}

    def admit(
        self, model: CommunityModel, today: Day, applicants: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        pop = model.population
        if self.kind == "invitation":
            inviters = (pop.member_mask & (pop.role != SPAMMER)).astype(np.float32)
            friends = model.adjacency[applicants] @ inviters
            chance = rules.invitation_chance(friends, self.level)
            return self.uniforms(model, applicants) < chance
        if self.kind == "fee":
            score = rules.fee_worth(pop.need[applicants], pop.willingness_to_pay[applicants])
        else:
            score = (pop.value if self.kind == "review" else pop.effort)[applicants]
        if self.kind == "review":
            if self.misjudged is None:
                self.misjudged = self.stream(model, "review").normal(0.0, self.noise, pop.size)
            return score + self.misjudged[applicants] >= self.level
        noise = 0.0
        if self.noise > 0:
            noise = self.stream(model).normal(0.0, self.noise, pop.size)[applicants]  # by person
        return score + noise >= self.level

    def on_join(self, model: CommunityModel, today: Day, joiners: np.ndarray) -> None:
        if joiners.size == 0:
            return
        commitment = rules.initiation_commitment(self.level, self.commitment)
        self.committed[joiners] = commitment
        patience = model.population.patience[joiners]
        model.set_traits(joiners, patience=patience + (1.0 - patience) * commitment)
        model.refill_patience(joiners)
        if self.kind == "fee":
            self.earn(today, self.price * self.level * joiners.size)

    def start_day(self, model: CommunityModel, today: Day) -> None:
        pop = model.population
        committed = np.flatnonzero(pop.member_mask & (self.committed > 0))
        if committed.size == 0:
            return
        members = pop.members
        sizes = np.bincount(pop.group[members], minlength=model.n_groups)
        total = np.bincount(pop.group[members], weights=pop.value[members],
                            minlength=model.n_groups)  # fmt: skip
        mean_value = np.divide(total, sizes, out=np.zeros(model.n_groups), where=sizes > 0)
        p = model.params
        expected = rules.expected_utility(
            pop.need[committed], pop.value[committed], mean_value[pop.group[committed]],
            p["expectation"], p["cooling"],
        )  # fmt: skip
        bonus = np.zeros(pop.size)
        bonus[committed] = self.committed[committed] * expected
        today.utility_bonus = today.utility_bonus + bonus
