"""The classroom app in a real browser: Debian's headless Chromium driven by Playwright.

The tests serve the app on a free loopback port as ``scripts/app.sh`` does
(``commsim.classroom.serve``), load the page at 1280x720, pick presets, step, play and
pause, move a slider and type a seed, and check from the page that the figures and plots
changed. Every wait is on the page's state, with generous limits (the machine may be
loaded); nothing asserts how many days pass in a given time. Every request the browser
makes is recorded: any that leaves this machine (a CDN, a font, telemetry) fails the test,
and so does any asset the server cannot serve from solara-assets. A class session is
driven as a class would use it: the teacher and three students, each in their own Chromium
context, join, post, chat, read, mute and come back, leave, and close their browser (away).
Screenshots of every preset and of the class session (the teacher's screen with three
students, a student's phone, the debrief) are saved under one folder,
``output/screenshots/`` (gitignored), where the plots and the controls are also checked to
lie inside the viewport without overlapping.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it) and the
``playwright`` package (the ``dev`` extra). Playwright's own browser download is never used.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"blob", "data", "about"}
TIMEOUT_MS = 180_000  # a loaded machine may take long; a wait ends as soon as its state holds
VIEWPORT = {"width": 1280, "height": 720}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "output" / "screenshots"
AWAY_SECONDS = 6  # a student's tab silent this long is away (the page asks every second)
PHONE = {"width": 390, "height": 844}

if not CHROMIUM.exists():
    pytest.skip(
        f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium) to run "
        "the classroom app's browser test",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the playwright package is missing: install commsim's dev extra to run the "
    "classroom app's browser test",
)
pytest.importorskip("solara", reason="the app extra (solara) is not installed")

from commsim.classroom import PRESETS, serve  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served on 127.0.0.1 at a free port, as ``scripts/app.sh`` serves it (a
    class session's students are away after ``AWAY_SECONDS`` of silence)."""
    log_path = tmp_path_factory.mktemp("server") / "solara.log"
    with open(log_path, "w") as log:
        try:
            process, url = serve.start(serve.free_port(), log, away_seconds=AWAY_SECONDS)
        except RuntimeError as error:
            pytest.fail(f"{error}:\n{log_path.read_text()}")
    try:
        yield url, log_path
    finally:
        serve.stop(process)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


DAY_JS = """() => {
    const e = document.querySelector('.commsim-numbers');
    const m = e && e.innerText.match(/Day (\\d+)/);
    return m ? Number(m[1]) : null;
}"""


class Session:
    """One browser tab on the app, recording where its requests go."""

    def __init__(self, browser, url: str, viewport: dict = VIEWPORT, teacher: bool = True):
        self.context = browser.new_context(viewport=viewport)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        self.page.goto(url)
        if teacher:
            self.wait_for_day(0)

    def numbers(self) -> str:
        return self.page.locator(".commsim-numbers").inner_text()

    def day(self) -> int:
        return int(re.match(r"Day (\d+)", self.numbers()).group(1))

    def wait_for_day(self, day: int, at_least: bool = False) -> None:
        compare = ">=" if at_least else "==="
        self.page.wait_for_function(
            f"() => {{ const d = ({DAY_JS})(); return d !== null && d {compare} {day}; }}"
        )

    def button(self, label: str):
        return self.page.locator("button", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))

    def image(self, which: str) -> str:
        """The current source of a figure (``group-picture`` or ``lifecycle-plots``)."""
        return self.page.locator(f".commsim-{which} img").get_attribute("src")

    def wait_for_new_image(self, which: str, before: str) -> str:
        """Wait until the figure's image is no longer ``before``; return the new source."""
        self.page.wait_for_function(
            "([selector, before]) => document.querySelector(selector)?.src !== before",
            arg=[f".commsim-{which} img", before],
        )
        return self.image(which)

    def wait_for_figures_of_today(self) -> None:
        """Wait until the figures show the day the numbers line shows (while playing, a
        redraw may lag it; after a pause the last frame catches up)."""
        self.page.wait_for_function(
            f"() => {{ const d = ({DAY_JS})(); const drawn = document.querySelector("
            "'.commsim-drawn-day'); return d !== null && drawn && Number(drawn.textContent)"
            " === d; }"
        )

    def settings(self) -> str:
        return self.page.locator(".commsim-settings").inner_text()

    def pick(self, preset: str) -> None:
        """Pick a preset and wait for its fresh model on day 0."""
        self.page.locator(".commsim-scenario .v-select").click()
        self.page.locator(".v-menu__content .v-list-item", has_text=preset).click()
        self.page.wait_for_function(
            "(name) => document.querySelector('.v-toolbar__title')?.innerText.endsWith(name)",
            arg=preset,
        )
        self.wait_for_day(0)

    def play_until(self, day: int) -> int:
        """Play at full speed until the page shows ``day`` or later, pause, and return the
        day shown once the play loop has ended (Step is enabled again)."""
        self.page.get_by_role("slider", name=re.compile("^speed")).focus()
        self.page.keyboard.press("End")
        self.page.get_by_text(re.compile(r"^speed = 30 days a second$")).wait_for()
        self.button("▶").click()
        self.wait_for_day(day, at_least=True)
        self.button("❚❚").click()
        sync_api.expect(self.button("Step")).to_be_enabled(timeout=TIMEOUT_MS)  # loop ended
        # the numbers line drawn after the loop ended carries the day it ended on
        self.page.wait_for_function(
            "() => document.querySelector('.commsim-numbers .commsim-looping')"
            "?.textContent === 'ended'",
            timeout=TIMEOUT_MS,
        )
        return self.day()

    def outside_requests(self) -> list[str]:
        outside = []
        for address in self.requests:
            parts = urlsplit(address)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname not in LOOPBACK:
                outside.append(address)
        return outside

    def check_clean(self, log_path: Path, refused: tuple[str, ...] = ()) -> None:
        """No request left this machine, the server served every one (but those of
        ``refused``, refused on purpose), and its log holds no traceback."""
        assert self.outside_requests() == [], "requests left this machine"
        failed = [f for f in self.failed if not any(f.endswith(r) for r in refused)]
        assert failed == [], "the server could not serve these"
        server_log = log_path.read_text()
        assert "Could not load URL" not in server_log, server_log
        assert "Traceback" not in server_log, server_log


LAYOUT = {
    "app bar": ".v-toolbar",
    "today's numbers": ".commsim-numbers",
    "group picture": ".commsim-group-picture img",
    "lifecycle plots": ".commsim-lifecycle-plots img",
    "scenario": ".commsim-scenario",
    "run controls": ".commsim-controls",
}


def check_layout(page, layout: dict[str, str] = LAYOUT) -> None:
    """The figures, the numbers and the main controls (``layout``: name -> selector) lie
    inside the viewport and do not overlap one another."""
    boxes = {name: page.locator(selector).bounding_box() for name, selector in layout.items()}
    for name, box in boxes.items():
        assert box is not None, f"{name} is not shown"
        inside = (box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"]
                  and box["y"] + box["height"] <= VIEWPORT["height"])  # fmt: skip
        assert inside, f"{name} lies outside the {VIEWPORT} viewport: {box}"
    names = list(boxes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            p, q = boxes[a], boxes[b]
            apart = (p["x"] + p["width"] <= q["x"] + 0.5 or q["x"] + q["width"] <= p["x"] + 0.5
                     or p["y"] + p["height"] <= q["y"] + 0.5
                     or q["y"] + q["height"] <= p["y"] + 0.5)  # fmt: skip
            assert apart, f"{a} {p} overlaps {b} {q}"


def test_classroom_app_in_chromium(server, browser):
    url, log_path = server
    session = Session(browser, url)
    page = session.page
    assert page.title() == "commsim classroom"
    assert "members 12" in session.numbers()  # the default preset's founders
    assert page.get_by_text(re.compile(r"^Time")).count() == 0  # no "Time: 32.0" panel
    # every slider shows its value, not only while dragged
    assert page.get_by_text("population = 2000").count() == 1

    # pick a preset: the scenario starts afresh with its own settings
    session.pick("Paid threshold")
    assert "Strategies on: EntryThreshold (kind fee, level 0.3" in session.settings()
    picture, plots = session.image("group-picture"), session.image("lifecycle-plots")

    # step three days: the figures and both pictures change
    for day in (1, 2, 3):
        session.button("Step").click()
        session.wait_for_day(day)
    picture = session.wait_for_new_image("group-picture", picture)
    plots = session.wait_for_new_image("lifecycle-plots", plots)

    # play, pause: the play loop ends and the day stays
    played = session.play_until(8)
    assert played >= 8
    plots = session.wait_for_new_image("lifecycle-plots", plots)

    # a second browser session has its own model, still on day 0
    other = Session(browser, url)
    assert other.day() == 0 and "members 12" in other.numbers()
    other.context.close()
    assert session.day() == played, "the model kept running after pause"

    # a mistyped seed is reported on the page, which keeps working
    seed = page.get_by_label(re.compile("^seed"))
    seed.fill("abc")
    seed.press("Enter")
    session.button("Reset").click()
    page.locator(".commsim-seed-error", has_text="seed='abc' is not valid").wait_for()
    session.wait_for_day(0)

    # move a slider (population, to its maximum) and type a seed, then reset
    page.get_by_role("slider", name=re.compile("^population")).focus()
    page.keyboard.press("End")
    page.get_by_text("population = 5000").wait_for()
    seed.fill("7")  # no Enter: leaving the box for Reset is enough
    session.button("Reset").click()
    page.wait_for_function(
        "() => document.querySelector('.commsim-settings')?.innerText.includes('population 5000')"
    )
    session.wait_for_day(0)
    assert "Seed 7." in session.settings()
    # still the scenario
    assert "Strategies on: EntryThreshold (kind fee, level 0.3" in session.settings()
    assert page.locator(".commsim-seed-error").count() == 0
    numbers, plots = session.numbers(), session.image("lifecycle-plots")
    for day in (1, 2):
        session.button("Step").click()
        session.wait_for_day(day)
    session.wait_for_new_image("lifecycle-plots", plots)
    assert session.numbers() != numbers

    session.check_clean(log_path)
    session.context.close()


STORY_DAY = {name: 100 for name in PRESETS} | {"Capped and split group": 60}
"""How far to play each preset for its screenshot: past its events (drops from day 60,
KOLs leaving on day 60, the first splits)."""


def test_every_preset_fits_the_screen_with_its_events_marked(server, browser):
    url, log_path = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    session = Session(browser, url)
    for index, name in enumerate(PRESETS):
        if index:
            session.pick(name)
        plots = session.image("lifecycle-plots")
        session.play_until(STORY_DAY[name])
        session.wait_for_new_image("lifecycle-plots", plots)
        session.wait_for_figures_of_today()
        check_layout(session.page)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        session.page.screenshot(path=str(SCREENSHOTS / f"{index + 1}-{slug}.png"))
    session.check_clean(log_path)
    session.context.close()


# --------------------------------------------------------------------------- class session
CLASS_LAYOUT = {
    **{k: v for k, v in LAYOUT.items()},
    "class session": ".commsim-class",
    "students": ".commsim-roster",
}
FORGE_JS = """async (token) => {
    const response = await fetch('/student/api/choose', {method: 'POST',
        headers: {'Content-Type': 'application/json', 'X-Student-Token': token},
        body: JSON.stringify({choice: 'leave'})});
    return response.status;
}"""


class Student(Session):
    """A student's own browser (a separate context: its own storage and identity), on a
    phone-sized screen, joined under ``name`` through the link the teacher's page shows."""

    def __init__(self, browser, link: str, name: str) -> None:
        super().__init__(browser, link, viewport=PHONE, teacher=False)
        self.name = name
        self.page.fill("#name", name)
        self.page.locator("#join-form button").click()
        self.page.locator("#who", has_text=f"You are {name}").wait_for()

    def choose(self, choice: str) -> None:
        self.page.locator(f"#choices button[data-choice={choice}]").click()
        self.page.locator(f"#choices button.chosen[data-choice={choice}]").wait_for()

    def wait_for_record(self, day: int) -> list[str]:
        """Wait until the page shows the student's record of ``day``; return its cells."""
        row = self.page.locator("#days tbody tr").first
        sync_api.expect(row.locator("td").first).to_have_text(str(day), timeout=TIMEOUT_MS)
        return row.locator("td").all_inner_texts()


def roster_says(teacher: Session, text: str | re.Pattern) -> None:
    teacher.page.locator(".commsim-roster", has_text=text).wait_for()


def muted_shown(teacher: Session) -> int:
    """The members who muted the group, as the teacher's numbers line shows them."""
    return int(re.search(r"\bmuted (\d+)\b", teacher.numbers()).group(1))


def step_to(teacher: Session, day: int) -> None:
    while teacher.day() < day:
        next_day = teacher.day() + 1
        teacher.button("Step").click()
        teacher.wait_for_day(next_day)


@contextlib.contextmanager
def page_shown_on_failure(page, name: str):
    """On a failure inside, save a screenshot of ``page`` (``failed-<name>.png``) and add
    the page's text to the error, for the reason to be seen."""
    try:
        yield
    except Exception as failure:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"failed-{name}.png"))
            failure.add_note(f"the page said: {page.locator('body').inner_text()[:3000]}")
        raise


def test_a_class_session_with_three_students(server, browser):
    url, log_path = server
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    teacher = Session(browser, url)
    with page_shown_on_failure(teacher.page, "class-session"):
        class_session(browser, url, log_path, teacher)


def class_session(browser, url: str, log_path: Path, teacher: Session) -> None:
    """The class session's story (``test_a_class_session_with_three_students``)."""
    page = teacher.page
    page.get_by_role("button", name="Start a class session").click()
    link = page.locator(".commsim-join-url").inner_text()
    assert link == f"{url}student"  # served on loopback here; on 0.0.0.0, the LAN address
    assert page.locator(".commsim-qr svg").count() == 1  # drawn here, no image fetched
    assert teacher.button("Reset").is_disabled()  # the session's model stays
    roster_says(teacher, "No student yet")

    # three students join from their own browsers, each a member with a need and a value
    ana, ben, cy = (Student(browser, link, name) for name in ("Ana", "Ben", "Cy"))
    for number, student in enumerate((ana, ben, cy), start=1):
        assert f"(member {number})" in student.page.locator("#who").inner_text()
        assert re.fullmatch(r"0\.\d\d|1\.00", student.page.locator("#need").inner_text())
        assert re.fullmatch(r"0\.\d\d|1\.00", student.page.locator("#value").inner_text())
    roster_says(teacher, "3 Cy")
    # anyone on the network can open the teacher's page, but not take the class over
    intruder = Session(browser, url)
    intruder.page.get_by_role("button", name="Start a class session").click()
    intruder.page.locator(".commsim-class-error", has_text="already running").wait_for()
    intruder.context.close()

    ana.choose("post")
    ben.choose("chat")
    cy.choose("lurk")
    # no student can act for another: a made-up or missing token is refused
    assert ana.page.evaluate(FORGE_JS, "made-up-token") == 401
    assert ana.page.evaluate(FORGE_JS, "") == 401
    sync_api.expect(ben.page.locator("#choice")).to_have_text("Chat (off-topic)")
    roster_says(teacher, "1 Ana joining, then posting")  # admitted on the next day
    roster_says(teacher, "2 Ben joining, then chatting")

    # the teacher steps; the students are admitted on day 1 and see what the group gives
    picture = teacher.image("group-picture")
    step_to(teacher, 3)
    teacher.wait_for_new_image("group-picture", picture)
    ana_day = ana.wait_for_record(3)
    assert ana_day[1] == "post" and int(ana_day[2]) > 0 and int(ana_day[3]) >= int(ana_day[2])
    assert int(ana_day[4]) > 10  # read by the group's members
    ben_day = ben.wait_for_record(3)
    assert ben_day[1] == "chat" and int(ben_day[2]) > 0
    cy_day = cy.wait_for_record(3)
    assert cy_day[1] == "lurk" and cy_day[2] == "0"
    assert "the content gave you" in ana.page.locator("#today").inner_text()
    roster_says(teacher, "1 Ana posting")
    roster_says(teacher, "3 Cy reading")
    teacher.wait_for_figures_of_today()
    check_layout(page, CLASS_LAYOUT)
    page.screenshot(path=str(SCREENSHOTS / "6-class-session-three-students.png"))
    ana.page.screenshot(path=str(SCREENSHOTS / "7-class-session-a-students-phone.png"))

    # Ana mutes the group and Cy leaves it, both from the next day
    ana.choose("mute")
    cy.choose("leave")
    roster_says(teacher, "1 Ana posting, then muted")
    roster_says(teacher, "3 Cy reading, then leaving")
    step_to(teacher, 4)
    cy.page.locator("#message", has_text="You left the group on day 4").wait_for()
    assert cy.page.locator("#choices button:not([disabled])").count() == 0
    roster_says(teacher, "3 Cy left on day 4")
    # Ana is still a member, muted by the model (the roster reads its state), writing nothing
    roster_says(teacher, re.compile(r"1 Ana muted \(v "))
    assert muted_shown(teacher) >= 1
    ana_day = ana.wait_for_record(4)
    assert ana_day[1] == "mute" and ana_day[2] == "0" and int(ana_day[4]) > 10
    # she comes back up by choice; Ben closes his browser and, silent, becomes a simulated
    # member
    ana.choose("post")
    roster_says(teacher, "1 Ana muted, then posting")
    ben.context.close()
    roster_says(teacher, "2 Ben away since day")
    step_to(teacher, 6)
    ana_day = ana.wait_for_record(6)
    assert ana_day[1] == "post" and int(ana_day[2]) > 0
    roster_says(teacher, re.compile(r"1 Ana posting \(v "))
    teacher.play_until(40)  # long enough for members to leave and go quiet
    roster_says(teacher, "1 Ana")

    # the debrief
    page.get_by_role("button", name="End session and debrief").click()
    table = page.locator(".commsim-debrief-table")
    table.wait_for()
    rows = table.locator("tr").all_inner_texts()
    assert len(rows) == 4  # a header and the three students
    assert re.search("stayed|patience ran out", rows[1]), rows[1]
    assert "went away on day" in rows[2] and "left on day 4" in rows[3]
    check_layout(page, {"debrief figure": ".commsim-debrief-figure img",
                        "debrief table": ".commsim-debrief-table",
                        "back to the group": ".commsim-back"})  # fmt: skip
    page.screenshot(path=str(SCREENSHOTS / "8-class-session-debrief.png"))
    ana.page.locator("#message", has_text="The class session has ended").wait_for()

    teacher.check_clean(log_path)
    for student in (ana, cy):
        student.check_clean(log_path, refused=("/student/api/choose",))
    for session in (teacher, ana, cy):
        session.context.close()
