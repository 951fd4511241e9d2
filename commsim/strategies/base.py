"""The base of every operator strategy: hooks the model calls at fixed points of a day.

A strategy overrides only the hooks it needs. The model calls them in this order each
day (see ``CommunityModel.step``)::

    start_day(model, today)        before joining: set today's boosts and multipliers
    admit(model, applicants, groups)  filter who may join (returns a boolean mask)
    on_join(model, joiners)        after joiners are members: e.g. a fee raises patience
    add_content(model, today)      after members post: operator or KOL content
    end_day(model, today)          after leaving: moderation, conversion, spending

Spending, revenue and conversions are added to ``today`` (``today.spend`` etc.), so the
model reports them per day.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from commsim.model import CommunityModel, Day


class Strategy:
    """An operator policy. Subclasses override the hooks they need; all default to no-ops."""

    def setup(self, model: CommunityModel) -> None:
        """Called once, after the population, network and founders exist."""

    def start_day(self, model: CommunityModel, today: Day) -> None:
        """Called at the start of each day, before anyone joins."""

    def admit(
        self, model: CommunityModel, applicants: np.ndarray, groups: np.ndarray
    ) -> np.ndarray:
        """Return a boolean mask of the applicants (person indices) allowed into ``groups``."""
        return np.ones(applicants.size, dtype=bool)

    def on_join(self, model: CommunityModel, joiners: np.ndarray) -> None:
        """Called with the person indices of today's new members."""

    def add_content(self, model: CommunityModel, today: Day) -> None:
        """Called after members have posted; may add messages to ``today``."""

    def end_day(self, model: CommunityModel, today: Day) -> None:
        """Called after today's leavers have left."""
