"""The students' side of a class session: their page and its JSON routes, served by the
same server as the teacher's app (``commsim.classroom.asgi``).

    GET  /student             the page: plain HTML with its script and style inline
                              (nothing is loaded from anywhere else; it works offline)
    POST /student/api/join    {"name": ...}    -> the new student's view and "token"
    GET  /student/api/state                    -> the student's view
    POST /student/api/choose  {"choice": ...}  -> the student's view

Every route but ``join`` takes the student's token in the ``X-Student-Token`` header and
acts for that student only (``ClassSession``); an unknown or missing token gets 401. The
page keeps its token in the tab's ``sessionStorage`` (each tab its own student) and asks
for its state every second, which is also how the session knows the student is still
there. ``ROOM`` holds this server's one current session; the teacher's app starts it.
"""

from __future__ import annotations

import json
import socket
import threading

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from commsim.classroom.session import ClassSession, UnknownStudent

TOKEN_HEADER = "X-Student-Token"
PATH = "/student"


class Room:
    """The server's current class session (none until the teacher starts one)."""

    def __init__(self) -> None:
        self._session: ClassSession | None = None
        self._lock = threading.Lock()

    @property
    def session(self) -> ClassSession | None:
        with self._lock:
            return self._session

    def open(self, session: ClassSession) -> None:
        """Make ``session`` the current one, once the previous one has ended: anyone on
        the network can open the teacher's page, and starting a session there must not
        take over the class's.

        Raises:
            RuntimeError: another session is running.
        """
        with self._lock:
            current = self._session
            if current is not None and current is not session and not current.ended:
                raise RuntimeError(
                    "a class session is already running on this server: end it on the page "
                    "that started it first"
                )
            self._session = session


ROOM = Room()


def lan_address() -> str:
    """This machine's address on its local network, as other devices reach it: the
    address of the interface a datagram to a private address would leave by (no packet
    is sent, so this works offline); the loopback address when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def join_url(host: str, port: int | str) -> str:
    """The link students open: the server's own address, or the machine's LAN address
    when it listens on every interface (``0.0.0.0``)."""
    shown = lan_address() if host in ("0.0.0.0", "", "::") else host
    return f"http://{shown}:{port}{PATH}"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _current() -> ClassSession | JSONResponse:
    session = ROOM.session
    if session is None:
        return _error(404, "No class session is running: ask your teacher to start one.")
    return session


async def _body(request: Request) -> dict:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


async def join(request: Request) -> JSONResponse:
    session = _current()
    if isinstance(session, JSONResponse):
        return session
    try:
        student = session.join(str((await _body(request)).get("name", "")))
    except (ValueError, RuntimeError) as error:
        return _error(409 if isinstance(error, RuntimeError) else 400, str(error))
    return JSONResponse({**session.view(student.token), "token": student.token})


async def state(request: Request) -> JSONResponse:
    session = _current()
    if isinstance(session, JSONResponse):
        return session
    try:
        return JSONResponse(session.view(request.headers.get(TOKEN_HEADER, "")))
    except UnknownStudent as error:
        return _error(401, str(error))


async def choose(request: Request) -> JSONResponse:
    session = _current()
    if isinstance(session, JSONResponse):
        return session
    token = request.headers.get(TOKEN_HEADER, "")
    try:
        session.choose(token, str((await _body(request)).get("choice", "")))
        return JSONResponse(session.view(token))
    except UnknownStudent as error:
        return _error(401, str(error))
    except ValueError as error:
        return _error(400, str(error))


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE)


ROUTES = [
    Route(PATH, page),
    Route(f"{PATH}/api/join", join, methods=["POST"]),
    Route(f"{PATH}/api/state", state),
    Route(f"{PATH}/api/choose", choose, methods=["POST"]),
]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>commsim class: your group</title>
<style>
 body { font: 18px/1.4 system-ui, sans-serif; margin: 0; padding: 12px; max-width: 640px; }
 h1 { font-size: 24px; margin: 4px 0 8px; }
 .traits { font-size: 20px; } .traits b { font-size: 24px; }
 .message { background: #f1f3f5; padding: 8px; border-radius: 6px; margin: 8px 0; }
 .choices button { font-size: 18px; padding: 10px 12px; margin: 4px 4px 4px 0;
   border: 2px solid #1f78b4; border-radius: 8px; background: white; }
 .choices button.chosen { background: #1f78b4; color: white; }
 .choices button:disabled { opacity: 0.5; }
 table { border-collapse: collapse; font-size: 15px; width: 100%; }
 td, th { border-bottom: 1px solid #ddd; padding: 3px 4px; text-align: right; }
 th:first-child, td:first-child { text-align: left; }
 .bar { background: #eee; height: 14px; border-radius: 7px; }
 .bar div { background: #2a9d8f; height: 14px; border-radius: 7px; }
 .error { color: #b00020; }
 .hint { font-size: 15px; color: #555; }
</style></head>
<body>
<div id="join">
 <h1>Join the group</h1>
 <p>You become one member of the simulated group. Type a name the class will see:</p>
 <form id="join-form"><input id="name" name="name" maxlength="24" required
   style="font-size:20px;padding:6px;width:60%" aria-label="your name">
 <button type="submit" style="font-size:20px;padding:6px 14px">Join</button></form>
 <p class="error" id="join-error"></p>
</div>
<div id="member" hidden>
 <h1 id="who"></h1>
 <div class="traits">Your need of the group <b id="need"></b> &middot;
   your value to it <b id="value"></b></div>
 <p class="hint">Need: how much you want what the group offers. Value: how much your
   posts give the others.</p>
 <div class="message" id="message"></div>
 <div><b id="day"></b> &middot; you are: <b id="status"></b> &middot; your choice:
   <b id="choice"></b></div>
 <div class="choices" id="choices"></div>
 <h2 style="font-size:20px;margin:10px 0 4px">What the group gave you</h2>
 <div id="today" class="hint">Nothing yet: the first day in the group is still to come.</div>
 <div style="overflow-x:auto"><table id="days"><thead><tr><th>day</th><th>you did</th>
   <th>you wrote</th>
   <th>group wrote</th><th>read by</th><th>benefit</th><th>cost</th><th>satisfied</th>
   <th>patience</th></tr></thead><tbody></tbody></table></div>
 <p class="error" id="error"></p>
</div>
<script>
const KEY = "commsim-student-token";
let token = sessionStorage.getItem(KEY);
const $ = (id) => document.getElementById(id);
const fmt = (x) => (Math.round(x * 100) / 100).toFixed(2);

async function call(path, body) {
  const options = {headers: {"Content-Type": "application/json"}};
  if (token) options.headers["X-Student-Token"] = token;
  if (body !== undefined) { options.method = "POST"; options.body = JSON.stringify(body); }
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

function show(view) {
  $("join").hidden = true; $("member").hidden = false;
  $("who").textContent = "You are " + view.name + " (member " + view.number + ")";
  $("need").textContent = fmt(view.need); $("value").textContent = fmt(view.value);
  $("message").textContent = view.message;
  $("day").textContent = "Day " + view.day;
  $("status").textContent = view.status;
  $("choice").textContent = view.choices[view.choice] || view.choice;
  const here = !view.ended && (view.status === "member" || view.status === "waiting");
  const box = $("choices"); box.replaceChildren();
  for (const [key, label] of Object.entries(view.choices)) {
    const button = document.createElement("button");
    button.textContent = label; button.dataset.choice = key; button.disabled = !here;
    if (key === view.choice) button.classList.add("chosen");
    button.onclick = () => call("/student/api/choose", {choice: key}).then(show, fail);
    box.appendChild(button);
  }
  const last = view.days[0];
  if (last) {
    $("today").innerHTML = "Day " + last.day + ": the group wrote <b>" + last.messages +
      "</b> messages, read by <b>" + last.audience + "</b> members; the content gave you <b>" +
      fmt(last.benefit) + "</b>, reading cost you <b>" + fmt(last.cost) +
      "</b>; satisfaction <b>" + fmt(last.satisfaction) + "</b> (above 0: more than you " +
      "expected). Patience left: <div class='bar'><div style='width:" +
      Math.round(100 * last.patience) + "%'></div></div>";
  }
  const rows = $("days").tBodies[0]; rows.replaceChildren();
  for (const d of view.days.slice(0, 10)) {
    const row = rows.insertRow();
    for (const cell of [d.day, d.did, d.wrote, d.messages, d.audience, fmt(d.benefit),
                        fmt(d.cost), fmt(d.satisfaction), Math.round(100 * d.patience) + "%"])
      row.insertCell().textContent = cell;
  }
  $("error").textContent = "";
}

function fail(error) { $("error").textContent = error.message; }

$("join-form").onsubmit = async (event) => {
  event.preventDefault();
  try {
    const view = await call("/student/api/join", {name: $("name").value});
    token = view.token; sessionStorage.setItem(KEY, token); show(view);
  } catch (error) { $("join-error").textContent = error.message; }
};

async function poll() {
  if (token) { try { show(await call("/student/api/state")); } catch (error) { fail(error); } }
  setTimeout(poll, 1000);
}
poll();
</script>
</body></html>
"""
