"""The class session's logic without a browser (``commsim.classroom.session``): students
join as members through the model's mutators, their daily choice is applied to the model,
the day advances only when the model steps, a silent student goes away, and no student
can act for another. The students' HTTP routes and the debrief are checked here too; the
pages themselves are driven in ``test_app_browser.py``."""

from __future__ import annotations

import asyncio
import json

import numpy as np
import pytest
from starlette.requests import Request

from commsim.classroom import PRESETS, ClassroomModel, serve
from commsim.classroom import student as routes
from commsim.classroom.debrief import QUIET_DAYS, DebriefFigure, departures, students_table
from commsim.classroom.figures import GroupPicture
from commsim.classroom.session import (
    AWAY_SECONDS,
    ClassSession,
    UnknownStudent,
    configured_away_seconds,
)
from commsim.classroom.student_record import CHOICES
from commsim.population import CONTRIBUTOR, LEFT, LURKER, MUTED, OPERATOR, OUTSIDER, REGULAR

SETTINGS = {**PRESETS["Open group cooling"].settings(), "population": 600, "seed": 5}


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def session_of(clock=None, **settings) -> ClassSession:
    return ClassSession.build(ClassroomModel, {**SETTINGS, **settings},
                              clock=clock or Clock(), away_seconds=10)  # fmt: skip


def test_joining_gives_each_student_an_unguessable_token_and_an_outsider():
    session = session_of()
    students = [session.join(name) for name in ("Ana", "Ben", "Cy")]
    tokens = [s.token for s in students]
    assert len(set(tokens)) == 3 and all(len(t) >= 32 for t in tokens)  # 192 random bits
    persons = [s.person for s in students]
    assert len(set(persons)) == 3
    pop = session.model.population
    assert (pop.state[persons] == OUTSIDER).all() and (pop.role[persons] == REGULAR).all()
    for student in students:  # shown their own need and value, as the model drew them
        assert student.need == pop.need[student.person]
        assert student.value == pop.value[student.person]
        assert "token" not in student.public()
    assert session.join("  Dee   Eve ").name == "Dee Eve"
    with pytest.raises(ValueError, match="name is blank"):
        session.join("   ")


def test_students_are_admitted_on_the_next_day_through_admit():
    session = session_of()
    ana = session.join("Ana")
    model = session.model
    assert model.population.state[ana.person] == OUTSIDER and ana.status == "waiting"
    model.step()
    pop = model.population
    assert ana.status == "member" and ana.joined_day == 1
    assert pop.group[ana.person] == 0 and pop.joined_day[ana.person] == 1
    assert pop.entry_route[ana.person] == OPERATOR
    assert ana.person in model.today.joined
    assert model.daily()["joined"].iloc[-1] == model.today.joined.size


def test_the_day_advances_only_when_the_model_steps():
    session = session_of()
    ana = session.join("Ana")
    session.choose(ana.token, "post")
    for _ in range(5):
        session.view(ana.token)
    assert session.model.day == 0 and ana.days == []
    session.model.step()
    session.model.step()
    assert [d["day"] for d in ana.days] == [1, 2]


def test_a_lurking_student_never_posts_and_a_posting_one_posts_every_day():
    session = session_of()
    lurker, poster, chatter = (session.join(n) for n in ("Lu", "Po", "Cha"))
    session.choose(poster.token, "post")
    session.choose(chatter.token, "chat")
    model = session.model
    per_post = round(model.params["messages_per_post"])
    for day in range(1, 21):
        model.step()
        pop = model.population
        assert pop.state[lurker.person] == LURKER  # the model's own draw is off for them
        assert pop.state[poster.person] == CONTRIBUTOR == pop.state[chatter.person]
        assert pop.contributions[poster.person] == day * per_post
    assert model.population.contributions[lurker.person] == 0
    assert [d["did"] for d in poster.days] == ["post"] * 20
    assert all(d["wrote"] == per_post for d in poster.days)


def test_the_group_reads_a_students_posts_as_any_members():
    """Two runs of one seed, the students posting in one and reading in the other: on
    their first day in the group, the day's draws are the same (their own posting draw is
    off in both), so the group's valued messages differ by exactly their posts, and the
    other members get more from the day's content (nearly all of them: the replies that
    members' own posts draw are random, and the students' posts take some of those draws)."""
    days = {}
    for choice in ("post", "lurk"):
        session = session_of()
        students = [session.join(n) for n in ("Ana", "Ben", "Cy")]
        for student in students:
            session.choose(student.token, choice)
        session.model.step()
        pop = session.model.population
        members = np.flatnonzero(pop.member_mask)
        others = np.setdiff1d(members, [s.person for s in students])
        days[choice] = (session, students, others, session.model.today)
    posting, lurking = days["post"], days["lurk"]
    per_post = posting[0].model.params["messages_per_post"]
    values = sum(s.value for s in posting[1])
    assert posting[3].messages[0] == pytest.approx(lurking[3].messages[0] + 3 * per_post)
    assert posting[3].valued_messages[0] == pytest.approx(
        lurking[3].valued_messages[0] + per_post * values
    )
    np.testing.assert_array_equal(posting[2], lurking[2])  # the same members
    benefit_posting = [d["benefit"] for d in (s.days[0] for s in posting[1])]
    benefit_lurking = [d["benefit"] for d in (s.days[0] for s in lurking[1])]
    assert all(p > q for p, q in zip(benefit_posting, benefit_lurking, strict=True))
    pop_p, pop_l = posting[0].model.population, lurking[0].model.population
    others = posting[2]
    gained = pop_p.satisfaction[others] > pop_l.satisfaction[others]
    assert gained.mean() >= 0.9, gained
    assert pop_p.satisfaction[others].mean() > pop_l.satisfaction[others].mean()


def test_chat_carries_no_value():
    values = {}
    for choice in ("chat", "lurk"):
        session = session_of()
        session.choose(session.join("Ana").token, choice)
        session.model.step()
        values[choice] = session.model.today
    per_post = values["chat"].messages[0] - values["lurk"].messages[0]
    assert per_post == pytest.approx(session.model.params["messages_per_post"])
    assert values["chat"].valued_messages[0] == pytest.approx(values["lurk"].valued_messages[0])


def test_leaving_removes_the_student_for_good_on_the_next_day():
    session = session_of()
    ana, ben = session.join("Ana"), session.join("Ben")
    model = session.model
    model.step()
    session.choose(ana.token, "leave")
    assert ana.status == "member"  # not before the next day
    model.step()
    pop = model.population
    assert pop.state[ana.person] == LEFT and pop.left_day[ana.person] == 2
    assert ana.status == "left" and ana.left_by_choice and ana.left_day == 2
    assert ana.person in model.today.left
    assert ben.status == "member" and pop.member_mask[ben.person]
    with pytest.raises(ValueError, match="can no longer choose"):
        session.choose(ana.token, "post")
    assert "You left the group on day 2" in session.view(ana.token)["message"]


def test_no_student_can_act_for_another():
    session = session_of()
    ana, ben = session.join("Ana"), session.join("Ben")
    session.choose(ana.token, "post")
    assert ben.choice == "lurk"
    session.choose(ben.token, "leave")
    assert ana.choice == "post"
    for forged in ("", "Ana", str(ana.person), ana.token[:-1], ana.token + "x", None):
        with pytest.raises(UnknownStudent):
            session.choose(forged, "leave")
        with pytest.raises(UnknownStudent):
            session.view(forged)
    assert (ana.choice, ben.choice) == ("post", "leave")
    view = session.view(ana.token)
    assert view["name"] == "Ana" and "token" not in view
    assert all("token" not in row for row in session.roster())


def test_a_choice_not_offered_is_refused():
    session = session_of()
    ana = session.join("Ana")
    with pytest.raises(ValueError, match="choice='shout' is not valid: expected one of"):
        session.choose(ana.token, "shout")
    assert set(session.choices) == set(CHOICES)


def test_a_muting_student_stays_a_member_posts_nothing_and_comes_back_up_by_choice():
    session = session_of()
    muter = session.join("Mu")
    session.choose(muter.token, "post")
    model = session.model
    model.step()
    model.step()
    written = model.population.contributions[muter.person]
    assert written > 0
    session.choose(muter.token, "mute")
    for _ in range(10):
        model.step()
        assert model.population.state[muter.person] == MUTED
        assert model.population.is_member(muter.person)
    assert model.population.contributions[muter.person] == written  # posted nothing
    assert model.datacollector.get_model_vars_dataframe()["muted"].iloc[-1] >= 1
    session.choose(muter.token, "post")
    model.step()
    assert model.population.state[muter.person] == CONTRIBUTOR
    assert model.population.contributions[muter.person] > written


def test_the_roster_shows_a_student_muted_once_the_model_has_muted_them():
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    from commsim.classroom.teacher import doing

    session = session_of()
    muter = session.join("Mu")
    session.choose(muter.token, "post")
    model = session.model

    def row() -> dict:
        return next(r for r in session.roster() if r["name"] == "Mu")

    assert doing(row()) == "joining, then posting"
    model.step()
    assert (row()["did"], row()["muted"], doing(row())) == ("post", False, "posting")
    session.choose(muter.token, "mute")
    assert doing(row()) == "posting, then muted"  # the choice applies from the next day
    model.step()
    assert model.population.state[muter.person] == MUTED
    assert (row()["did"], row()["muted"], doing(row())) == ("mute", True, "muted")
    assert muter.days[-1]["muted"] and muter.days[-1]["wrote"] == 0
    session.choose(muter.token, "post")
    assert doing(row()) == "muted, then posting"
    model.step()
    assert (row()["muted"], doing(row())) == (False, "posting")
    # muted by the model itself (patience used up) while choosing to post; a muter the
    # group pulled back up read that day
    assert doing({**row(), "muted": True}) == "muted, then posting"
    assert doing({**row(), "did": "mute", "choice": "mute"}) == "reading, then muted"
    session.choose(muter.token, "leave")
    model.step()
    assert (row()["muted"], doing(row())) == (False, f"left on day {model.day}")


def test_a_silent_student_goes_away_and_becomes_an_ordinary_member():
    clock = Clock()
    session = session_of(clock)
    ana, ben = session.join("Ana"), session.join("Ben")
    model = session.model
    model.step()
    session.choose(ana.token, "post")
    session.choose(ben.token, "post")
    clock.now = 8.0
    session.view(ben.token)  # Ben's page still asks; Ana's tab is closed
    clock.now = 12.0
    model.step()
    assert ana.status == "away" and ana.away_day == 2
    assert ben.status == "member"
    boost = np.broadcast_to(model.today.posting_boost, model.population.size)
    assert boost[ben.person] == 0.0 and boost[ana.person] > 0.0  # the model decides for Ana
    assert model.population.member_mask[ana.person]  # still in the group
    assert ana.days[-1]["day"] == 1  # no more days recorded for her
    with pytest.raises(ValueError, match="can no longer choose"):
        session.choose(ana.token, "post")
    assert "simulated member" in session.view(ana.token)["message"]
    posts = model.population.contributions[ana.person]
    for _ in range(30):
        model.step()
    per_post = round(model.params["messages_per_post"])
    assert model.population.contributions[ana.person] < posts + 30 * per_post  # not daily


def test_a_student_away_before_joining_never_joins():
    clock = Clock()
    session = session_of(clock)
    ana = session.join("Ana")
    clock.now = 11.0
    session.model.step()
    assert ana.status == "away" and session.model.population.state[ana.person] == OUTSIDER


def test_the_same_seed_and_the_same_choices_give_the_same_numbers():
    frames = []
    for _ in range(2):
        session = session_of()
        students = [session.join(n) for n in ("Ana", "Ben", "Cy")]
        for student, choice in zip(students, ("post", "chat", "lurk"), strict=True):
            session.choose(student.token, choice)
        for day in range(30):
            if day == 10:
                session.choose(students[2].token, "leave")
            session.model.step()
        frames.append((session.model.daily(), [s.person for s in students]))
    assert frames[0][1] == frames[1][1]
    assert frames[0][0].equals(frames[1][0])


def test_ending_the_session_hands_the_students_back_to_the_model():
    session = session_of()
    ana = session.join("Ana")
    session.choose(ana.token, "post")
    session.model.step()
    session.end()
    assert session.ended_day == 1
    with pytest.raises(RuntimeError, match="has ended"):
        session.join("Late")
    with pytest.raises(ValueError, match="can no longer choose"):
        session.choose(ana.token, "lurk")
    session.model.step()
    assert len(ana.days) == 1 and session.view(ana.token)["ended"]


def test_away_seconds_are_checked():
    with pytest.raises(ValueError, match="away_seconds=0 is not valid"):
        ClassSession(away_seconds=0)
    assert configured_away_seconds({}) == AWAY_SECONDS
    assert configured_away_seconds({"COMMSIM_AWAY_SECONDS": "4.5"}) == 4.5
    for bad in ("-1", "soon", "nan"):
        with pytest.raises(ValueError, match="COMMSIM_AWAY_SECONDS"):
            configured_away_seconds({"COMMSIM_AWAY_SECONDS": bad})


# --------------------------------------------------------------------------- debrief
def test_the_debrief_shows_who_left_or_went_quiet_and_where_the_students_stood():
    session = session_of()
    ana, ben = session.join("Ana"), session.join("Ben")
    session.choose(ana.token, "post")
    model = session.model
    for day in range(60):
        if day == 20:
            session.choose(ana.token, "leave")
        model.step()
    session.end()
    gone = departures(session)
    pop = model.population
    left = gone[gone["what"] == "left"]
    assert set(left["person"]) == set(np.flatnonzero(pop.left_day >= 0))
    assert (left["day"].to_numpy() == pop.left_day[left["person"]]).all()
    quiet = gone[gone["what"] == "went quiet"]
    last = session.last_posted[quiet["person"]]
    stop = np.where(pop.left_day[quiet["person"]] >= 0, pop.left_day[quiet["person"]], 60)
    assert (quiet["day"].to_numpy() == last).all() and (stop - last >= QUIET_DAYS).all()
    assert gone.loc[gone["person"] == ana.person, "name"].tolist() == ["Ana"]
    rows = {row["name"]: row for row in students_table(session)}
    assert rows["Ana"]["fate"] == "left on day 21"
    left_day = pop.left_day[ben.person]  # Ben only read: did his patience last?
    assert rows["Ben"]["fate"] == (f"patience ran out on day {left_day}" if left_day >= 0
                                   else "stayed")  # fmt: skip
    members = (pop.joined_day >= 0) & (pop.joined_day <= 1)
    members &= (pop.left_day < 0) | (pop.left_day > 1)
    expected = 100 * np.mean(pop.value[members] < ana.value)
    assert rows["Ana"]["stood"] == pytest.approx(expected)
    figure = DebriefFigure().update(session)
    names = {t.get_text() for ax in figure.axes for t in ax.texts}
    assert {"Ana", "Ben"} <= names


def test_the_teachers_picture_rings_and_names_the_students_in_the_group():
    session = session_of()
    ana, ben = session.join("Ana"), session.join("Ben")
    session.choose(ben.token, "leave")
    model = session.model
    model.step()
    model.step()  # Ben left on day 2
    picture = GroupPicture(model.params["population"], students=True)
    marked = {s["person"]: s["name"] for s in session.roster()}
    picture.update(model, marked)
    people, xy = picture.positions(model)
    names = [t.get_text() for t in picture.student_names]
    assert names == ["Ana", "Ben"] or names == ["Ben", "Ana"]  # Ben as a recent leaver
    rings = picture.students.get_offsets()
    for text in picture.student_names:
        person = ana.person if text.get_text() == "Ana" else ben.person
        assert tuple(text.xy) == tuple(xy[people == person][0])
        assert any(np.allclose(ring, text.xy) for ring in rings)
    picture.update(model, {})
    assert picture.student_names == [] and len(picture.students.get_offsets()) == 0
    labels = [t.get_text() for t in picture.figure.legends[0].get_texts()]
    assert "a student" in labels
    assert "a student" not in [
        t.get_text() for t in GroupPicture(600).figure.legends[0].get_texts()
    ]


# --------------------------------------------------------------------------- routes
def call(endpoint, method="GET", body=None, token=None):
    """One request to a students' route, as starlette hands it over; (status, json)."""
    headers = [(b"content-type", b"application/json")]
    if token is not None:
        headers.append((routes.TOKEN_HEADER.lower().encode(), token.encode()))
    payload = json.dumps(body or {}).encode()

    async def receive():
        return {"type": "http.request", "body": payload, "more_body": False}

    scope = {"type": "http", "method": method, "path": "/", "headers": headers,
             "query_string": b""}  # fmt: skip
    response = asyncio.run(endpoint(Request(scope, receive)))
    return response.status_code, json.loads(response.body)


def test_the_routes_act_for_the_tokens_student_only(monkeypatch):
    room = routes.Room()
    monkeypatch.setattr(routes, "ROOM", room)
    status, body = call(routes.join, "POST", {"name": "Ana"})
    assert status == 404 and "No class session" in body["error"]
    session = session_of()
    room.open(session)
    status, ana = call(routes.join, "POST", {"name": "Ana"})
    assert status == 200 and ana["name"] == "Ana" and ana["status"] == "waiting"
    _, ben = call(routes.join, "POST", {"name": "Ben"})
    assert call(routes.join, "POST", {"name": " "})[0] == 400
    status, view = call(routes.choose, "POST", {"choice": "post"}, ana["token"])
    assert status == 200 and view["choice"] == "post" and view["name"] == "Ana"
    assert call(routes.state, token=ben["token"])[1]["choice"] == "lurk"
    for forged in (None, "", ben["token"][:-2], "Ben"):
        assert call(routes.choose, "POST", {"choice": "leave"}, forged)[0] == 401
        assert call(routes.state, token=forged)[0] == 401
    assert call(routes.choose, "POST", {"choice": "shout"}, ben["token"])[0] == 400
    assert [s.choice for s in session.students.values()] == ["post", "lurk"]
    with pytest.raises(RuntimeError, match="already running"):  # no take-over from the LAN
        room.open(session_of())
    assert call(routes.state, token=ana["token"])[0] == 200
    session.end()
    room.open(session_of())  # a new session: the old tokens name nobody
    assert call(routes.state, token=ana["token"])[0] == 401


def test_the_join_link_is_the_servers_address():
    assert routes.join_url("127.0.0.1", 8765) == "http://127.0.0.1:8765/student"
    lan = routes.join_url("0.0.0.0", 9000)
    assert lan.startswith("http://") and lan.endswith(":9000/student")
    assert "0.0.0.0" not in lan


def test_serve_tells_the_app_where_it_is_and_checks_the_away_time(capsys):
    env = serve.environment("0.0.0.0", 9000, 4.5)
    assert (env["SERVER_NAME"], env["SERVER_PORT"], env["COMMSIM_AWAY_SECONDS"]) == (
        "0.0.0.0", "9000", "4.5",
    )  # fmt: skip
    assert configured_away_seconds(env) == 4.5
    assert "COMMSIM_AWAY_SECONDS" not in serve.environment("127.0.0.1", 8765)
    assert serve.command("0.0.0.0", 9000)[1:4] == ["-m", "uvicorn", "commsim.classroom.asgi:app"]
    with pytest.raises(SystemExit):
        serve.main(["--away-seconds", "0"])
    assert "--away-seconds=0 is not valid: expected a number > 0" in capsys.readouterr().err


def test_the_roster_version_moves_when_a_days_records_are_written_not_when_it_starts():
    """The teacher's page redraws the roster when ``version()`` changes; a version read in
    the middle of a step (after the day's first moves, before its records) must change
    again once the day is done, or the roster drawn then would stay."""
    session = session_of()
    student = session.join("Ana")
    session.model.step()  # Ana admitted
    session.choose(student.token, "mute")
    before = session.version()
    seen = {}

    from commsim.strategies.base import Strategy

    class Peek(Strategy, register=False):  # reads the version after the day's first moves
        def start_day(self, model, today):
            seen["start"] = session.version()

    session.model.strategies.append(Peek())
    session.model.step()
    assert seen["start"] == before  # the day has started: nothing recorded yet
    assert session.version() != before  # its records are written: the roster redraws
    assert session.roster()[0]["muted"]
