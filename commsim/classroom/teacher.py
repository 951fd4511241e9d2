"""The teacher's side of a class session, on the app's page (``commsim.classroom.app``):

* ``use_class_session``: the page's class session, and starting and ending it;
* ``ClassCard`` (sidebar): start a session; then the students' link, drawn as a QR code
  on this machine (``segno``, no network), how many have joined, and End session;
* ``Roster`` (above the figures): every student, what they do, and what became of them;
* ``Debrief`` (the main area once the session has ended): who left or went quiet when,
  the cooling curve and where the students stood (``commsim.classroom.debrief``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from html import escape
from typing import Any

import reacton.ipywidgets as rw
import segno
import solara
import solara.server.kernel_context as kernel_context

from commsim.classroom.debrief import DebriefFigure, students_table
from commsim.classroom.figures import png
from commsim.classroom.session import ClassSession, configured_away_seconds
from commsim.classroom.student import ROOM, join_url
from commsim.classroom.student_record import AWAY, LEFT, WAITING

ROSTER_SECONDS = 0.5
"""How often the teacher's page looks for news of a class session's students."""

DOING = {
    "post": "posting",
    "chat": "chatting",
    "lurk": "reading",
    "mute": "muted",
    "leave": "leaving",
}
"""How the roster says what a member's standing choice makes them do."""


@dataclass(frozen=True)
class ClassRoom:
    """A page's class session as ``use_class_session`` gives it.

    Attributes:
        session: the session (None before one starts; kept after it ends, for the debrief).
        in_session: a session runs (started and not ended).
        debriefing: the session has ended and its debrief is shown.
        roster_frame: bumped whenever the session has news (``ClassSession.version``).
        start, end, close: start a session, end it (to the debrief), close the debrief.
        error: why the last start failed (another session runs on this server), or None.
    """

    session: ClassSession | None
    in_session: bool
    debriefing: bool
    roster_frame: solara.Reactive
    start: Any
    end: Any
    close: Any
    error: str | None


def use_class_session(model_class, model: solara.Reactive, parameters: solara.Reactive,
                      frame: solara.Reactive) -> ClassRoom:  # fmt: skip
    """The page's class session: ``start`` builds one on a fresh ``model_class`` of the
    current ``parameters``, makes it the server's (``ROOM``) and the page's ``model``; a
    watcher thread looks for news while it runs; leaving the page ends it."""
    session = solara.use_reactive(None)
    debriefing = solara.use_reactive(False)
    roster_frame = solara.use_reactive(0)
    error = solara.use_reactive(None)
    in_session = session.value is not None and not session.value.ended

    def end_when_gone():
        return lambda: session.value.end() if session.value is not None else None

    solara.use_effect(end_when_gone, [])
    solara.use_effect(lambda: watch(session.value, roster_frame) if in_session else None,
                      [session.value, in_session])  # fmt: skip

    def start():
        started = ClassSession.build(model_class, parameters.value,
                                     away_seconds=configured_away_seconds())  # fmt: skip
        try:
            ROOM.open(started)
        except RuntimeError as refused:
            error.value = str(refused)
            return
        error.value = None
        session.value, debriefing.value = started, False
        model.value = started.model
        frame.value += 1

    def end():
        session.value.end()
        debriefing.value = True
        frame.value += 1

    def close():
        session.value, debriefing.value = None, False
        frame.value += 1

    return ClassRoom(session.value, in_session, debriefing.value, roster_frame, start, end,
                     close, error.value)  # fmt: skip


def watch(session: ClassSession, changed: solara.Reactive):
    """Bump ``changed`` whenever ``session.version()`` changes, checked every
    ``ROSTER_SECONDS`` by a thread in this page's kernel context; returns what stops it."""
    stop = threading.Event()
    has = kernel_context.has_current_context()
    context = kernel_context.get_current_context() if has else None

    def run():
        seen = None
        with context if context is not None else contextlib.nullcontext():
            while not stop.wait(ROSTER_SECONDS):
                version = session.version()
                if version != seen:
                    seen = version
                    changed.value += 1

    threading.Thread(target=run, daemon=True, name="commsim-roster").start()
    return stop.set


def served_at() -> tuple[str, str]:
    """Where this server listens (``SERVER_NAME``, ``SERVER_PORT``, set by ``serve``)."""
    return os.environ.get("SERVER_NAME", "127.0.0.1"), os.environ.get("SERVER_PORT", "8765")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG element."""
    return segno.make(url, error="m").svg_inline(scale=3, border=1)


def doing(student: dict) -> str:
    """What a student of the roster (``ClassSession.roster``) is doing, or what became of
    them.

    Rule: a member is shown as the model left them at the end of the last day: ``muted``
    when the model had them muted (``student["muted"]``), else what they did
    (``DOING``; a muter the group pulled back up read that day); then, when their
    standing choice differs, what they do from the next day: ``posting, then muted``.
    """
    if student["status"] == WAITING:
        return f"joining, then {DOING[student['choice']]}"
    if student["status"] == LEFT:
        return f"left on day {student['left_day']}"
    if student["status"] == AWAY:
        return f"away since day {student['away_day']}"
    then = DOING[student["choice"]]
    if student["muted"]:
        now = DOING["mute"]
    elif student["did"] is None:  # no day recorded yet
        return then
    else:
        now = DOING["lurk" if student["did"] == "mute" else student["did"]]
    return then if now == then else f"{now}, then {then}"


@solara.component
def ClassCard(room: ClassRoom, frame: solara.Reactive, looping: bool):
    """Start a class session, or show its link (text and QR code) and end it."""
    frame.get()
    session, on_start, on_end = room.session, room.start, room.end
    with solara.Card("Class session", classes=["commsim-class"]):
        if session is None or session.ended:
            solara.HTML(
                tag="p",
                unsafe_innerHTML="Students join the group from their own devices on this network.",
                style={"font-size": "14px", "margin": "0"},
            )
            solara.Button(
                "Start a class session", color="primary", on_click=on_start, disabled=looping
            )
            if room.error:
                solara.Error(room.error, classes=["commsim-class-error"])
            return
        url = join_url(*served_at())
        solara.HTML(tag="div", unsafe_innerHTML=qr_svg(url), classes=["commsim-qr"])
        solara.HTML(
            tag="p",
            unsafe_innerHTML=f"Students open <b class='commsim-join-url'>{escape(url)}</b>",
            style={"font-size": "15px", "margin": "2px 0"},
        )
        if host_is_loopback(served_at()[0]):
            solara.HTML(
                tag="p",
                unsafe_innerHTML="Served on this machine only: start it with "
                "<code>--host 0.0.0.0</code> for other devices.",
                style={"font-size": "13px", "margin": "0", "color": "#8a4b00"},
            )
        solara.Button("End session and debrief", color="primary", on_click=on_end)


def host_is_loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def percent(share: float | None) -> str:
    return "" if share is None or share != share else f"{share:.0f}%"


@solara.component
def Roster(session: ClassSession, frame: solara.Reactive):
    """One line per redraw: every student, their need and value, what they are doing."""
    frame.get()
    roster = session.roster()
    if not roster:
        text = "No student yet: they join with the link or the QR code in the sidebar."
    else:
        text = " · ".join(
            f"<b>{s['number']} {escape(s['name'])}</b> {doing(s)} (v {s['value']:.2f})"
            for s in roster
        )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"Students: {text}",
        classes=["commsim-roster"],
        style={"font-size": "15px", "line-height": "1.3", "color": "#8b1a1a"},
    )


@solara.component
def Debrief(session: ClassSession, on_close):
    """The debrief: its figure (``DebriefFigure``) and a line per student."""
    figure = solara.use_memo(DebriefFigure, [])
    with session.model.lock:
        image = png(figure.update(session))
        rows = students_table(session)
    ended = session.ended_day
    with solara.Row(style={"align-items": "center"}):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<b>Debrief</b>: the session ran until day {ended}",
            style={"font-size": "19px"},
        )
        solara.Button("Back to the group", on_click=on_close, classes=["commsim-back"])
    with solara.Column(classes=["commsim-debrief-figure"], style={"width": "auto"}):
        rw.Image(value=image, format="png")
    lines = "".join(
        f"<tr><td>{r['number']} {escape(r['name'])}</td><td>{r['need']:.2f}</td>"
        f"<td>{r['value']:.2f}</td><td>{percent(r['stood'])}</td><td>{r['posts']}</td>"
        f"<td>{escape(r['fate'])}</td></tr>"
        for r in rows
    )
    solara.HTML(
        tag="table",
        unsafe_innerHTML="<tr><th>student</th><th>need</th><th>value</th><th>more valuable "
        "than, when joining</th><th>messages</th><th>what became of them</th></tr>" + lines,
        classes=["commsim-debrief-table"],
        style={"font-size": "15px", "border-spacing": "10px 2px"},
    )
