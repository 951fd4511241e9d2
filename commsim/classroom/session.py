"""A class session: students, on their own devices, as members of the simulated group.

The teacher's app starts a ``ClassSession`` on a fresh model of the scenario; every student
who opens the join link calls ``join`` and gets a token (``secrets.token_urlsafe``, 192
random bits) that is their identity from then on: every later request names the token,
never a person, so no student can act for another. Nothing here imports a web framework;
``commsim.classroom.student`` puts it behind HTTP routes and ``commsim.classroom.app``
shows it to the teacher.

The rules of a session (all applied inside the model's day, by the ``Students`` strategy of
``commsim.classroom.session_day``, through the model's mutators):

* **joining**: a student is given a person of the population, an outsider with the regular
  role, drawn by the session's own generator (seeded from the model's seed), and sees that
  person's need and value at once. They are admitted (``model.admit``, route
  ``OPERATOR``) at the start of the next day, into the open group with the most members.
* **the daily choice** is standing: it applies to every day from the next one until the
  student changes it (the teacher may play several days a second):

      post   ``add_posts(person, messages_per_post, today.message_value(value))``: on-topic
             messages that carry the student's value, as any member's own posts
      chat   ``add_posts(person, messages_per_post, 0)``: off-topic chatter, no value
      lurk   read only
      mute   ``mute_members``: still a member, reading a little, posting nothing; a student
             who chooses anything else is unmuted (``unmute_members``) the next morning
      leave  ``remove_members``: out of the group for good

  The model's own posting draw is switched off for a student who is here (their share of
  ``today.posting_boost`` is 0), so only their choice makes them post; the rest of the day
  is the model's, for them as for everyone: the group reads their posts (value-weighted
  messages, reading load, friends seeing them active), and their benefit, reading cost,
  expectation and patience follow the rules, so a student whose patience is used up
  leaves like any member.
* **away**: a student from whom no request came for ``away_seconds`` (the page asks for its
  state every second, so a closed tab or a sleeping phone stops) becomes an ordinary
  simulated member from the next day on: the model's own posting draw decides for them
  again. Their token no longer acts. A student away before being admitted never joins.

The modules of a session: this one (``ClassSession``: students' requests, the teacher's
roster, the away rule), ``commsim.classroom.student_record`` (``Student``: one student's
record, statuses and daily choices) and ``commsim.classroom.session_day`` (``Students``:
the session inside the model's day).
"""

from __future__ import annotations

import math
import os
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from commsim.classroom.session_day import Students
from commsim.classroom.student_record import (
    AWAY,
    CHOICES,
    LEFT,
    MEMBER,
    NAME_LENGTH,
    WAITING,
    Student,
)
from commsim.population import OUTSIDER, REGULAR

AWAY_SECONDS = 20.0
"""Seconds without a request after which a student is away (an ordinary member again);
the server's ``COMMSIM_AWAY_SECONDS`` overrides it (``configured_away_seconds``)."""


def configured_away_seconds(environ=os.environ) -> float:
    """``COMMSIM_AWAY_SECONDS`` from the environment (``serve --away-seconds``), else
    ``AWAY_SECONDS``.

    Raises:
        ValueError: a value that is not a number > 0.
    """
    text = environ.get("COMMSIM_AWAY_SECONDS", "")
    if not text:
        return AWAY_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not seconds > 0:
        raise ValueError(f"COMMSIM_AWAY_SECONDS={text!r} is not valid: expected a number > 0")
    return seconds


class UnknownStudent(LookupError):
    """A token that names no student of this session."""


class ClassSession:
    """The students of one class session on one model (see the module's docstring).

    Args:
        model: a ``CommunityModel`` built with ``strategies=[session.strategy, ...]``;
            ``ClassSession.build`` makes both.
        clock: the time in seconds (``time.monotonic``; tests pass their own).
        away_seconds: seconds without a request after which a student is away.

    Thread safety: students' requests (``join``, ``choose``, ``view``) and the model's day
    (the ``Students`` strategy's hooks) take the session's lock; requests never touch the
    model's state, only the session's.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 away_seconds: float = AWAY_SECONDS) -> None:  # fmt: skip
        if not away_seconds > 0:
            raise ValueError(f"away_seconds={away_seconds!r} is not valid: expected a number > 0")
        self.clock = clock
        self.away_seconds = float(away_seconds)
        self.students: dict[str, Student] = {}
        self.lock = threading.RLock()
        self.strategy = Students(self)
        self.model = None
        self.ended_day: int | None = None
        self._rng: np.random.Generator | None = None
        self.last_posted: np.ndarray | None = None
        self._version = 0
        self._recorded_day = 0  # the last day whose students' records are written

    @classmethod
    def build(cls, model_class, settings: dict[str, Any], **options: Any) -> ClassSession:
        """A session and its fresh model ``model_class(strategies=[...], **settings)``."""
        session = cls(**options)
        model_class(strategies=[session.strategy], **settings)  # setup attaches it
        return session

    def attach(self, model) -> None:
        """Bind the session to ``model`` (the ``Students`` strategy's setup calls it)."""
        self.model = model
        self._rng = np.random.default_rng([int(getattr(model, "seed", 0) or 0), 12])
        self.last_posted = np.full(model.population.size, -1, dtype=np.int64)

    # ------------------------------------------------------------------ students' requests
    @property
    def choices(self) -> dict[str, str]:
        """The choices a student has (``CHOICES``)."""
        return dict(CHOICES)

    @property
    def ended(self) -> bool:
        return self.ended_day is not None

    def join(self, name: str) -> Student:
        """A new student named ``name``, given a person (see the module's docstring).

        Raises:
            ValueError: a blank name.
            RuntimeError: the session has ended, or no outsider is left to become.
        """
        name = " ".join(str(name).split())[:NAME_LENGTH]
        if not name:
            raise ValueError("name is blank: type a name to join")
        with self.lock:
            if self.ended:
                raise RuntimeError("the class session has ended")
            person = self.free_person()
            if person is None:
                raise RuntimeError("nobody is left outside the group to become: the room is full")
            pop = self.model.population
            token = secrets.token_urlsafe(24)
            student = Student(token=token, name=name, person=person,
                              need=float(pop.need[person]), value=float(pop.value[person]),
                              number=len(self.students) + 1, last_seen=self.clock())  # fmt: skip
            self.students[token] = student
            self._version += 1
            return student

    def free_person(self) -> int | None:
        """An outsider of the regular role no student has been given, drawn by the
        session's generator, or None when none is left."""
        pop = self.model.population
        taken = [s.person for s in self.students.values()]
        free = (pop.state == OUTSIDER) & (pop.role == REGULAR)
        free[taken] = False
        candidates = np.flatnonzero(free)
        return int(self._rng.choice(candidates)) if candidates.size else None

    def student(self, token: str) -> Student:
        """The student whose token this is; a request with it counts as a sign of life.

        Raises:
            UnknownStudent: no student of this session has that token.
        """
        with self.lock:
            student = self.students.get(str(token))
            if student is None:
                raise UnknownStudent("this link is not a student of the current class session")
            self.check_away()
            if student.here:
                student.last_seen = self.clock()
            return student

    def choose(self, token: str, choice: str) -> Student:
        """Set the standing choice of the student with ``token`` (from the next day on).

        Raises:
            UnknownStudent: an unknown token.
            ValueError: a choice not offered, or a student no longer here (left or away).
        """
        with self.lock:
            student = self.student(token)
            if choice not in self.choices:
                raise ValueError(f"choice={choice!r} is not valid: expected one of "
                                 f"{', '.join(self.choices)}")  # fmt: skip
            if not student.here or self.ended:
                raise ValueError(f"{student.name} can no longer choose: {self._why(student)}")
            student.choice = choice
            self._version += 1
            return student

    def view(self, token: str) -> dict[str, Any]:
        """What the student with ``token`` sees: their person, status, standing choice,
        the choices on offer and their days (the last one first)."""
        with self.lock:
            student = self.student(token)
            return {
                **student.public(),
                "day": None if self.model is None else int(self.model.day),
                "choices": self.choices,
                "ended": self.ended,
                "message": self._why(student),
                "days": student.days[::-1][:30],
            }

    def _why(self, student: Student) -> str:
        if self.ended:
            return "The class session has ended: look at the teacher's screen."
        if student.status == WAITING:
            return "You join the group on the next day."
        if student.status == LEFT:
            how = "You left" if student.left_by_choice else "Your patience ran out: you left"
            return f"{how} the group on day {student.left_day}."
        if student.status == AWAY:
            return (f"You were away from day {student.away_day}: your person is now a "
                    "simulated member. Open the link again to join as someone new.")  # fmt: skip
        return "Your choice applies to every day from the next one, until you change it."

    def check_away(self, day: int | None = None) -> None:
        """Students silent for ``away_seconds`` are away from now on: from ``day``, the
        first day the model decides for them again (by default the next day)."""
        now = self.clock()
        if day is None:
            day = 0 if self.model is None else int(self.model.day) + 1
        for student in self.students.values():
            if student.here and now - student.last_seen > self.away_seconds:
                student.status, student.away_day = AWAY, day
                self._version += 1

    # ------------------------------------------------------------------ for the teacher
    def version(self) -> int:
        """A number that changes whenever a student joins, chooses or goes away, or a day's
        records are written (the teacher's page redraws its roster when it changes). It
        follows the days recorded, not ``model.day``, which counts a day from its start:
        a roster drawn in the middle of a step would show the day's first moves and not
        be drawn again once the day was done."""
        with self.lock:
            self.check_away()
            return self._version + self._recorded_day

    def day_recorded(self, day: int) -> None:
        """Note that the students' records of ``day`` are written (``Students.end_day``)."""
        with self.lock:
            self._recorded_day = day

    def roster(self) -> list[dict[str, Any]]:
        """Every student as anyone in the room may see them, in order of joining."""
        with self.lock:
            self.check_away()
            return [s.public() for s in self.students.values()]

    def people(self, statuses=(WAITING, MEMBER)) -> np.ndarray:
        """The persons of the students with one of ``statuses``."""
        with self.lock:
            return np.array([s.person for s in self.students.values() if s.status in statuses],
                            dtype=np.int64)  # fmt: skip

    def end(self) -> None:
        """End the session: the students' persons are ordinary simulated members from now
        on; the record stays for the debrief."""
        with self.lock:
            if not self.ended:
                self.ended_day = int(self.model.day)
