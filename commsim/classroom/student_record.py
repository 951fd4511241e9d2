"""One student of a class session: their record, the statuses they go through and the
daily choices on offer (``commsim.classroom.session`` holds the session's rules).

Statuses: ``waiting`` (to be admitted on the next day), ``member``, ``left`` (by choice,
or their patience ran out) and ``away`` (silent too long: an ordinary simulated member
again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NAME_LENGTH = 24
"""Longest name a student may give (longer names are cut)."""

CHOICES: dict[str, str] = {
    "post": "Post something valuable",
    "chat": "Chat (off-topic)",
    "lurk": "Just read",
    "mute": "Mute the group",
    "leave": "Leave the group",
}
"""The daily choices, by key, with the label a student sees."""

WAITING, MEMBER, LEFT, AWAY = "waiting", "member", "left", "away"


@dataclass(eq=False)
class Student:
    """One student of a session.

    Attributes:
        token: their identity (unguessable; never shown to anyone else).
        name: as they typed it.
        person: the index of the person they are in the population.
        need, value: that person's traits, as the model drew them.
        number: their place in the order of joining (1, 2, ...), shown to the teacher.
        choice: their standing daily choice (a key of ``CHOICES``).
        status: ``waiting`` (to be admitted on the next day), ``member``, ``left`` or
            ``away`` (now an ordinary simulated member).
        last_seen: the session clock's time of their last request.
        joined_day, left_day, away_day: the day they were admitted, left the group, and
            the first day the model decided for them again after they went away (``None``
            until then).
        left_by_choice: whether they chose to leave (else their patience ran out).
        days: one record a day while they are a member here (see the module's docstring).
    """

    token: str
    name: str
    person: int
    need: float
    value: float
    number: int
    last_seen: float
    choice: str = "lurk"
    status: str = WAITING
    joined_day: int | None = None
    left_day: int | None = None
    away_day: int | None = None
    left_by_choice: bool = False
    days: list[dict[str, Any]] = field(default_factory=list)

    @property
    def here(self) -> bool:
        """Whether the student's choices still decide for their person."""
        return self.status in (WAITING, MEMBER)

    def public(self) -> dict[str, Any]:
        """What anyone in the room may see of this student (no token): their attributes,
        what they did on their last day (``did``: their choice then) and whether the model
        had them muted at its end (``muted``: by their choice, or by the model's own rule
        when their patience ran out)."""
        return {
            "number": self.number, "name": self.name, "person": self.person,
            "need": self.need, "value": self.value, "choice": self.choice,
            "status": self.status, "joined_day": self.joined_day, "left_day": self.left_day,
            "away_day": self.away_day, "left_by_choice": self.left_by_choice,
            "posts": sum(d["wrote"] for d in self.days),
            "did": self.days[-1]["did"] if self.days else None,
            "muted": self.status == MEMBER and bool(self.days and self.days[-1]["muted"]),
        }  # fmt: skip
