"""``Member``: a person of the population, as a Mesa agent.

A ``Member`` holds no copy of its own state: each attribute reads the model's arrays at
the member's index, so ``member.need`` or ``member.state`` always shows the live value
that the model's rules use; setting a trait goes through ``CommunityModel.set_traits``
and is seen by the rules on the next step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from commsim.population import ENTRY_ROUTE_NAMES, ROLE_NAMES, STATE_NAMES

if TYPE_CHECKING:
    from commsim.model import CommunityModel


def _trait(name: str, doc: str) -> property:
    def get(self) -> float:
        return float(getattr(self.model.population, name)[self.index])

    def set(self, value: float) -> None:
        self.model.set_traits(self.index, **{name: float(value)})

    return property(get, set, doc=doc)


class Member(mesa.Agent):
    """A person who may join, contribute to, lurk in and leave a group.

    Attributes:
        index: position of this person in the model's arrays and node in its network.
        need: what the person wants from the group, in [0, 1].
        value: what the person can give (quality of their posts), in [0, 1].
        patience: how long they tolerate a disappointing group, in [0, 1].
        activity: talkativeness, the base chance of posting on a day, in [0, 1].
        role: "regular", "kol" or "spammer".
        state: "outsider", "contributor", "lurker", "muted" (a member who muted the
            group: counted in it, reading little, posting nothing) or "left".
        group: the group the person is in, or None.
        tenure: days in the group (until leaving, for leavers).
        satisfaction: utility received minus utility expected, on the last day.
        contributions: messages written since joining.
        entry_route: "founder", "ambient", "friends", "kol pull" or "operator"; None for
            people who never joined.
    """

    model: CommunityModel

    def __init__(self, model: CommunityModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    need = _trait("need", "What the person wants from the group, in [0, 1].")
    value = _trait("value", "What the person can give, in [0, 1].")
    patience = _trait("patience", "Tolerance of a disappointing group, in [0, 1].")
    activity = _trait("activity", "Talkativeness: base chance of posting on a day, in [0, 1].")

    @property
    def role(self) -> str:
        return ROLE_NAMES[self.model.population.role[self.index]]

    @property
    def state(self) -> str:
        return STATE_NAMES[self.model.population.state[self.index]]

    @property
    def muted(self) -> bool:
        """Whether this member has muted their group (``CommunityModel.mute_members``)."""
        return self.state == "muted"

    @property
    def group(self) -> int | None:
        group = int(self.model.population.group[self.index])
        return None if group < 0 else group

    @property
    def tenure(self) -> int:
        return int(self.model.population.tenure(self.model.day)[self.index])

    @property
    def satisfaction(self) -> float:
        return float(self.model.population.satisfaction[self.index])

    @property
    def contributions(self) -> int:
        return int(self.model.population.contributions[self.index])

    @property
    def entry_route(self) -> str | None:
        route = int(self.model.population.entry_route[self.index])
        return None if route < 0 else ENTRY_ROUTE_NAMES[route]

    def __repr__(self) -> str:
        return (
            f"Member(index={self.index}, state={self.state!r}, role={self.role!r}, "
            f"need={self.need:.2f}, value={self.value:.2f}, patience={self.patience:.2f})"
        )
