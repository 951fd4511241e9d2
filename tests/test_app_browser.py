"""The classroom app in a real browser: Debian's headless Chromium driven by Playwright.

The test starts ``solara run commsim.classroom.app`` on a free loopback port, as ``scripts/app.sh``
does, loads the page, picks a preset, steps and plays the model, moves a slider and types a
seed, and checks from the page that the figures and plots changed. Every request the browser
makes is recorded: any that leaves this machine (a CDN, a font, telemetry) fails the test,
and so does any asset the server cannot serve from solara-assets. A screenshot is saved in
the test's temporary directory.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``; ``.ci/run`` installs it) and the
``playwright`` package (the ``dev`` extra). Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
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
TIMEOUT_MS = 60_000

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served on 127.0.0.1 at a free port, as ``scripts/app.sh`` serves it."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "solara.log"
    env = {
        **os.environ,
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",  # never the real CDN
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "MPLBACKEND": "Agg",
    }
    solara = shutil.which("solara", path=str(Path(sys.executable).parent)) or "solara"
    command = [solara, "run", "commsim.classroom.app", "--host", "127.0.0.1", "--port", str(port),
               "--production", "--no-open", "--no-check-version"]  # fmt: skip
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(f"solara exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"solara did not answer at {url}:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield url, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Session:
    """One browser tab on the app, recording where its requests go."""

    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 1000})
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
        self.wait_for_day(0)

    def numbers(self) -> str:
        return self.page.locator(".commsim-numbers").inner_text()

    def day(self) -> int:
        return int(re.match(r"Day (\d+)", self.numbers()).group(1))

    def wait_for_day(self, day: int, at_least: bool = False) -> None:
        compare = ">=" if at_least else "==="
        self.page.wait_for_function(
            f"""() => {{
                const e = document.querySelector('.commsim-numbers');
                const m = e && e.innerText.match(/Day (\\d+)/);
                return m && Number(m[1]) {compare} {day};
            }}"""
        )

    def settled_day(self, quiet_ms: int = 1500, limit_ms: int = 20_000) -> int:
        """The day shown once it has not changed for ``quiet_ms``."""
        day, quiet, waited = self.day(), 0, 0
        while quiet < quiet_ms and waited < limit_ms:
            self.page.wait_for_timeout(250)
            waited += 250
            now = self.day()
            quiet = quiet + 250 if now == day else 0
            day = now
        return day

    def button(self, label: str):
        return self.page.locator("button", has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))

    def picture(self) -> bytes:
        return self.page.locator(".commsim-group-picture img").screenshot()

    def plots(self) -> bytes:
        return self.page.locator(".commsim-lifecycle-plots img").screenshot()

    def settings(self) -> str:
        return self.page.locator(".commsim-settings").inner_text()

    def outside_requests(self) -> list[str]:
        outside = []
        for address in self.requests:
            parts = urlsplit(address)
            if parts.scheme in LOCAL_SCHEMES:
                continue
            if parts.scheme not in {"http", "https", "ws", "wss"} or parts.hostname not in LOOPBACK:
                outside.append(address)
        return outside


def test_classroom_app_in_chromium(server, browser, tmp_path):
    url, log_path = server
    session = Session(browser, url)
    page = session.page
    assert "members: 12" in session.numbers()  # the default preset's founders

    # pick a preset: the scenario starts afresh with its own settings
    page.locator(".commsim-scenario .v-select").click()
    page.locator(".v-menu__content .v-list-item", has_text="Paid threshold").click()
    page.wait_for_function(
        "() => document.querySelector('.commsim-settings')"
        "?.innerText.includes('Strategies on: EntryThreshold(kind=fee')"
    )
    page.wait_for_function(
        "() => document.querySelector('.v-toolbar__title')?.innerText.endsWith('Paid threshold')"
    )
    session.wait_for_day(0)
    before = (session.numbers(), session.picture(), session.plots())

    # step three days: the figures and both pictures change
    for day in (1, 2, 3):
        session.button("Step").click()
        session.wait_for_day(day)
    page.wait_for_timeout(500)
    stepped = (session.numbers(), session.picture(), session.plots())
    assert stepped[0] != before[0]
    assert stepped[1] != before[1], "the picture of the group did not change"
    assert stepped[2] != before[2], "the lifecycle plots did not change"

    # play, let it run, pause
    session.button("▶").click()
    session.wait_for_day(8, at_least=True)
    session.button("❚❚").click()
    played = session.settled_day()  # a step under way when pausing still finishes (Mesa)
    assert played >= 8
    page.wait_for_timeout(1500)
    assert session.day() == played, "the model kept running after pause"
    assert session.plots() != stepped[2]

    # a second browser session has its own model, still on day 0
    other = Session(browser, url)
    assert other.day() == 0 and "members: 12" in other.numbers()
    other.context.close()
    assert session.day() == played

    # a mistyped seed is reported on the page, which keeps working
    seed = page.get_by_label(re.compile("^seed"))
    seed.fill("abc")
    seed.press("Enter")
    session.button("Reset").click()
    page.locator(".commsim-seed-error", has_text="seed='abc' is not valid").wait_for()
    session.wait_for_day(0)

    # move a slider (population, to its maximum) and type a seed, then reset
    page.get_by_role("slider", name="population").focus()
    page.keyboard.press("End")
    seed.fill("7")  # no Enter: leaving the box for Reset is enough
    session.button("Reset").click()
    page.wait_for_function(
        "() => document.querySelector('.commsim-settings')?.innerText.includes('population 5000')"
    )
    session.wait_for_day(0)
    assert "seed 7" in session.numbers()
    assert "Strategies on: EntryThreshold(kind=fee" in session.settings()  # still the scenario
    assert page.locator(".commsim-seed-error").count() == 0
    reset = (session.numbers(), session.plots())
    for day in (1, 2):
        session.button("Step").click()
        session.wait_for_day(day)
    page.wait_for_timeout(500)
    assert "seed 7" in session.numbers() and session.numbers() != reset[0]
    assert session.plots() != reset[1]

    page.wait_for_timeout(500)
    shot = tmp_path / "classroom.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    assert session.outside_requests() == [], "requests left this machine"
    assert session.failed == [], "the server could not serve these"
    server_log = log_path.read_text()
    assert "Could not load URL" not in server_log, server_log
    assert "Traceback" not in server_log, server_log
    session.context.close()
