"""``Moderation``: group rules (群规) that remove spam and off-topic posting (004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Control, Parameter
from commsim.population import REGULAR, SPAMMER
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class Moderation(Strategy):
    """A moderator who enforces the group's rules after members post, before they read.

    Each writer of the day is judged once (``u_i ~ Uniform(0, 1)``):

        spammer caught:        u_i < spam_removal              -> messages deleted, banned
        regular member warned: u_i < strictness * (1 - v_i)    -> messages deleted as
                                                                   off-topic, patience
                                                                   reservoir -= rebuke

    Deleted messages are taken out of the day's messages, spam and value-weighted
    messages before anyone reads them, so moderation lowers the spam share of messages
    and the reading cost (004: spam left alone turns a group into a dead group). A strict
    regime also deletes ordinary members' low-value posts and the rebuke drains their
    patience, so too strict a regime drives ordinary members away too (004: the operator
    must not be a "独裁者"). KOLs are never sanctioned. Cost: ``daily_cost`` a day while
    the group has members.
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("spam_removal", 0.8, float, 0, 1,
                      "chance that a spammer's posting day is caught (then banned)"),
            Parameter("strictness", 0.02, float, 0, 1,
                      "chance that a regular post of value 0 is deleted as off-topic"),
            Parameter("rebuke", 3.0, float, 0, math.inf,
                      "days of patience a warned member loses"),
            Parameter("daily_cost", 10.0, float, 0, math.inf, "money per day for moderating"),
        ]
    }  # fmt: skip
    CONTROLS = (Control("spam_removal", 0.0, 1.0, 0.05), Control("strictness", 0.0, 1.0, 0.01))

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.banned = 0
        self.warned = 0

    def start_day(self, model: CommunityModel, today: Day) -> None:
        self._written_before = model.population.contributions.copy()

    def add_content(self, model: CommunityModel, today: Day) -> None:
        pop = model.population
        inside = pop.member_mask
        if not inside.any():
            return
        self.pay(today, self.daily_cost)
        writers = np.flatnonzero(inside & (pop.contributions > self._written_before))
        written = (pop.contributions[writers] - self._written_before[writers]).astype(float)
        role = pop.role[writers]
        draw = self.uniforms(model, writers)
        caught = (role == SPAMMER) & (draw < self.spam_removal)
        warned = (role == REGULAR) & (draw < self.strictness * (1.0 - pop.value[writers]))
        deleted = caught | warned
        today.remove_messages(
            pop.group[writers[deleted]], written[deleted],
            today.message_value(pop.value[writers[deleted]]), spam=caught[deleted],
        )  # fmt: skip
        model.adjust_patience(writers[warned], -self.rebuke)
        model.remove_members(writers[caught], today, banned=True)
        self.banned += int(np.count_nonzero(caught))
        self.warned += int(np.count_nonzero(warned))
