"""The teacher's side of a class session, on the app's page (``commsim.classroom.app``):

* ``ClassCard`` (sidebar): start a session; then the students' link, drawn as a QR code
  on this machine (``segno``, no network), how many have joined, and End session;
* ``Roster`` (above the figures): every student, what they do, and what became of them;
* ``Debrief`` (the main area once the session has ended): who left or went quiet when,
  the cooling curve and where the students stood (``commsim.classroom.debrief``).
"""

from __future__ import annotations

import os
from html import escape

import reacton.ipywidgets as rw
import segno
import solara

from commsim.classroom.debrief import DebriefFigure, students_table
from commsim.classroom.figures import png
from commsim.classroom.session import AWAY, LEFT, WAITING, ClassSession
from commsim.classroom.student import join_url

DOING = {
    "post": "posting",
    "chat": "chatting",
    "lurk": "reading",
    "mute": "muted",
    "leave": "leaving",
}
"""How the roster says what a member's standing choice makes them do."""


def served_at() -> tuple[str, str]:
    """Where this server listens (``SERVER_NAME``, ``SERVER_PORT``, set by ``serve``)."""
    return os.environ.get("SERVER_NAME", "127.0.0.1"), os.environ.get("SERVER_PORT", "8765")


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as an inline SVG element."""
    return segno.make(url, error="m").svg_inline(scale=3, border=1)


def doing(student: dict) -> str:
    """What a student of the roster is doing, or what became of them."""
    if student["status"] == WAITING:
        return f"joining, then {DOING[student['choice']]}"
    if student["status"] == LEFT:
        return f"left on day {student['left_day']}"
    if student["status"] == AWAY:
        return f"away since day {student['away_day']}"
    return DOING[student["choice"]]


@solara.component
def ClassCard(
    session: ClassSession | None, frame: solara.Reactive, looping: bool, on_start, on_end
):
    """Start a class session, or show its link (text and QR code) and end it."""
    frame.get()
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
