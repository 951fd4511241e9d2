"""``SizeCap``: a hard cap on a group's size, splitting, and a matrix of groups (004)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from commsim.parameter_kinds import Choice, Control, Parameter
from commsim.population import CONTRIBUTOR
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class SizeCap(Strategy):
    """A hard cap on members per group (a WeChat group holds 500), with optional splitting
    into sub-groups and a matrix of groups.

    Cap: an applicant is admitted to group g only while ``size_g + admitted_g <
    max_members`` (applicants in the order drawn); no group ever exceeds the cap.

    Split (``split=True``): at the start of a day, every general group that is full
    (``size_g >= max_members``) or overloaded (yesterday's reading load, in attention
    budgets, ``L_g / A >= overload``, when ``overload > 0``) spawns a sub-group, and a
    random share ``split_share`` of its members move there, its first members (004: split when
    the cap or the overload point is reached): member i moves when their uniform of the day
    (``Strategy.uniforms``, keyed by person) is below ``split_share``. A move
    (``model.move_members``) keeps a member's joined day, entry route and patience.

    Matrix (``matrix=True``): beside the general groups stands one private group
    (私密, high-end; 004's STC case) that outsiders cannot find. Each day, members of the
    general groups who contributed today and whose value is at least ``private_value``
    are invited into it (moved), while it has room (when more qualify, those with the lowest
    uniforms of the day, keyed by person). Its members see only each other's
    content, so the most valuable members escape the general group's cooling.
    Cost: ``cost_per_group`` a day for each group with members (an admin's time).
    """

    PARAMETERS = {
        p.name: p
        for p in [
            Parameter("max_members", 500, int, 2, 10_000_000, "members a group can hold"),
            Choice("split", False, (False, True), "full or overloaded groups spawn sub-groups"),
            Parameter("split_share", 0.5, float, 0, 1,
                      "share of a splitting group's members who move to the sub-group",
                      low_open=True),
            Parameter("overload", 0.0, float, 0, math.inf,
                      "reading load (attention budgets) that also triggers a split (0: never)"),
            Choice("matrix", False, (False, True),
                   "keep a private group of high-value members beside the general ones"),
            Parameter("private_value", 0.6, float, 0, 1,
                      "value that earns an invitation to the private group"),
            Parameter("cost_per_group", 0.0, float, 0, math.inf,
                      "money per day for each group with members"),
        ]
    }  # fmt: skip
    CONTROLS = (
        Control("max_members", 20, 1000, 10),
        Control("split"),
        Control("overload", 0.0, 5.0, 0.1),
        Control("matrix"),
    )

    def setup(self, model: CommunityModel) -> None:
        super().setup(model)
        self.private = -1
        if self.matrix:
            self.private = model.add_group()
            model.close_group(self.private)
        self.splits: list[tuple[int, int, int]] = []  # (day, from group, new group)

    def marks(self) -> dict[str, list[int]]:
        """The days a group split (``splits``), each once."""
        return {"group splits": sorted({day for day, _, _ in self.splits})}

    def start_day(self, model: CommunityModel, today: Day) -> None:
        if not self.split:
            return
        sizes = model.group_sizes()
        due = sizes >= self.max_members
        if self.overload > 0:
            due |= model.reading_load >= self.overload
        due &= (sizes >= 2) & model.group_open
        pop = model.population
        if not due.any():
            return
        draws = self.uniforms(model, slice(None), "split")  # one a person, whatever group
        for group in np.flatnonzero(due):
            members = np.flatnonzero(pop.group == group)
            movers = draws[members] < self.split_share
            if movers.all() or not movers.any():
                continue
            self.splits.append((today.day, int(group), model.add_group(members[movers])))

    def admit(
        self, model: CommunityModel, today: Day, applicants: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        room = np.maximum(self.max_members - model.group_sizes(), 0)
        order = np.argsort(groups, kind="stable")
        sorted_groups = groups[order]
        first = np.searchsorted(sorted_groups, sorted_groups, side="left")
        rank = np.empty(groups.size, dtype=np.int64)
        rank[order] = np.arange(groups.size) - first
        return rank < room[groups]

    def end_day(self, model: CommunityModel, today: Day) -> None:
        pop = model.population
        if self.matrix:
            room = self.max_members - int(np.count_nonzero(pop.group == self.private))
            invited = np.flatnonzero(
                pop.member_mask & (pop.group != self.private)
                & (pop.state == CONTRIBUTOR) & (pop.value >= self.private_value)
            )  # fmt: skip
            if invited.size > room:
                invited = np.sort(self.pick(model, invited, room, "invite"))
            model.move_members(invited, self.private, today)
        if self.cost_per_group:
            active = np.unique(pop.group[pop.member_mask]).size
            self.pay(today, self.cost_per_group * active)
