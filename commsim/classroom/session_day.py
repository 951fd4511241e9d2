"""A class session inside the model's day: the ``Students`` strategy, which applies the
students' standing choices at fixed points of the day through the model's mutators (the
rules are in ``commsim.classroom.session``'s docstring) and keeps each student's record.

What a student sees each day (``Student.days``): what they did, the messages they wrote,
the group's messages and members (their audience), what the day's content gave them
(``rules.content_benefit``), what reading cost them (``rules.reading_cost``), their
satisfaction (utility minus expectation), the patience they have left, and whether they
ended the day muted (by choice, or by the model when their patience ran out: the next
morning unmutes a student who chose anything but mute).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from commsim import rules
from commsim.classroom.student_record import LEFT, MEMBER, WAITING, Student
from commsim.population import CONTRIBUTOR, MUTED, OPERATOR, OUTSIDER
from commsim.strategies.base import Strategy

if TYPE_CHECKING:
    from commsim.classroom.session import ClassSession


class Students(Strategy, register=False):
    """The class session's hooks into the model's day: ``start_day`` (the students' joining,
    leaving and muting), ``add_content`` (their posts) and ``end_day`` (their records). Not
    registered: it has no parameters and no control; the teacher's app adds it when a
    session starts (``ClassSession`` makes it). Each hook takes the session's lock."""

    def __init__(self, session: ClassSession) -> None:
        super().__init__()
        self.session = session

    def setup(self, model) -> None:
        super().setup(model)
        self.session.attach(model)

    def start_day(self, model, today) -> None:
        """Before anyone joins: the away are let go, the waiting admitted, the leavers
        removed, the muters muted (and the unmuters unmuted); the model's own posting
        draw is switched off for the students here."""
        session = self.session
        with session.lock:
            if session.ended:
                return
            session.check_away(today.day)
            here = [s for s in session.students.values() if s.here]
            self._admit([s for s in here if s.status == WAITING], model, today)
            leaving = [s for s in here if s.status == MEMBER and s.choice == "leave"]
            if leaving:
                model.remove_members([s.person for s in leaving], today)
                for student in leaving:
                    student.status, student.left_day = LEFT, today.day
                    student.left_by_choice = True
            members = [s for s in here if s.status == MEMBER]
            model.mute_members([s.person for s in members if s.choice == "mute"], today)
            model.unmute_members([s.person for s in members if s.choice != "mute"], today)
            if members:
                boost = np.broadcast_to(today.posting_boost, model.population.size).copy()
                boost[[s.person for s in members]] = 0.0
                today.posting_boost = boost

    def _admit(self, waiting: list[Student], model, today) -> None:
        """The waiting students admitted (route ``OPERATOR``) into the open group with the
        most members; one whose person the model let in meanwhile is given another."""
        pop = model.population
        for student in waiting:
            if pop.state[student.person] != OUTSIDER:  # the model let them in meanwhile
                person = self.session.free_person()
                if person is None:
                    continue
                student.person = person
                student.need, student.value = float(pop.need[person]), float(pop.value[person])
        waiting = [s for s in waiting if pop.state[s.person] == OUTSIDER]
        if not waiting or not model.group_open.any():
            return
        sizes = np.where(model.group_open, model.group_sizes(), -1)
        model.admit([s.person for s in waiting], int(np.argmax(sizes)), today, route=OPERATOR)
        for student in waiting:
            student.status, student.joined_day = MEMBER, today.day

    def add_content(self, model, today) -> None:
        """After members have posted: the students' posts (``post``: their value; ``chat``:
        none), through ``add_posts``."""
        session = self.session
        with session.lock:
            if session.ended:
                return
            messages = model.params["messages_per_post"]
            for student in session.students.values():
                if student.status != MEMBER or student.choice not in ("post", "chat"):
                    continue
                value = today.message_value(student.value) if student.choice == "post" else 0.0
                model.add_posts([student.person], messages, value, today)

    def end_day(self, model, today) -> None:
        """After the leavers left: who posted today (for the debrief's "went quiet"), and
        each student's day."""
        session, pop = self.session, model.population
        with session.lock:
            session.last_posted[pop.member_mask & (pop.state == CONTRIBUTOR)] = today.day
            if session.ended:
                return
            left = set(today.left.tolist())
            load = model.reading_load
            cost = rules.reading_cost(load, model.params["reading_cost"],
                                      model.params["overload_cost"])  # fmt: skip
            for student in session.students.values():
                if student.status != MEMBER and student.left_day != today.day:
                    continue
                person = student.person
                if person in left and student.status == MEMBER:  # their patience ran out
                    student.status, student.left_day = LEFT, today.day
                group = int(pop.group[person]) if student.status == MEMBER else None
                student.days.append(_record(model, today, student, group, cost))
            session.day_recorded(today.day)


def _record(model, today, student: Student, group: int | None, cost) -> dict:
    """One day of one student (``Student.days``); ``group`` None for a student who left
    today, ``cost`` the reading cost of each group today."""
    pop, p = model.population, model.params
    person = student.person
    record = {"day": today.day, "did": student.choice if group is not None else "left",
              "wrote": 0, "messages": 0, "audience": 0, "benefit": 0.0, "cost": 0.0,
              "satisfaction": float(pop.satisfaction[person]), "patience": 0.0,
              "muted": False}  # fmt: skip
    if group is None:
        return record
    wrote = p["messages_per_post"] if student.choice in ("post", "chat") else 0
    capacity = float(pop.patience[person]) * p["patience_days"]
    record.update(
        wrote=int(round(wrote)),
        messages=int(round(today.messages[group])),
        audience=int(np.count_nonzero(pop.group == group)),
        benefit=float(
            rules.content_benefit(student.need, today.valued_messages[group], p["content_scale"])
        ),
        cost=float(cost[group]),
        patience=float(max(pop.reservoir[person], 0.0) / capacity) if capacity > 0 else 0.0,
        muted=bool(pop.state[person] == MUTED),
    )
    return record
