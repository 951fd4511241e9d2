"""Days a second while the classroom page plays, measured through the page in Chromium.

Serves the app (``commsim.classroom.serve``), opens it in headless Chromium at 1280x720,
picks the "Paid threshold" preset with a population of 3000 (its group holds 430-600
members from about day 100 to day 365), sets the speed and presses Play. The page itself
records, every 50 ms, the day and the members it shows and whether the plots' image
changed; the figure printed is the days shown per second of wall time, from the first
redraw showing ``--members`` members or more to the last, and the redraws a second over
the same span.

Target: 10 days a second or more at the default speed (10) and at full speed (30) the
most the page reaches. Run with ``python benchmarks/app_page.py`` (needs /usr/bin/chromium
and playwright, the dev extra).
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from commsim.classroom import serve

RECORD_JS = """() => {
    window.samples = [];
    let last = null;
    window.recorder = setInterval(() => {
        const text = document.querySelector('.commsim-numbers')?.innerText || '';
        const day = text.match(/Day (\\d+)/), members = text.match(/members (\\d+)/);
        const src = document.querySelector('.commsim-lifecycle-plots img')?.src;
        if (day && members) {
            window.samples.push([performance.now(), Number(day[1]), Number(members[1]),
                                 src !== last]);
        }
        last = src;
    }, 50);
}"""


def measure(page, speed: int, members: int, days: int) -> tuple[float, float, int, int]:
    """(days a second, redraws a second, fewest and most members shown) over the span of
    play where the page shows at least ``members`` members, up to ``days`` days of it: from
    the first redraw showing that many to the last."""
    population = page.get_by_role("slider", name=re.compile("^population"))
    # 5000, then down by 100s, each step waited for (a key pressed mid-redraw may be lost)
    population.focus()
    page.keyboard.press("End")
    page.get_by_text("population = 5000", exact=True).wait_for()
    for value in range(4900, 2999, -100):
        population.focus()
        page.keyboard.press("ArrowLeft")
        page.get_by_text(f"population = {value}", exact=True).wait_for()
    page.locator("button", has_text=re.compile(r"^\s*Reset\s*$")).click()
    page.wait_for_function("() => /Day 0\\b/.test(document.querySelector('.commsim-numbers')"
                           "?.innerText || '')")  # fmt: skip
    slider = page.get_by_role("slider", name=re.compile("^speed"))
    slider.focus()
    page.keyboard.press("Home")
    for _ in range(speed - 1):
        page.keyboard.press("ArrowRight")
    page.get_by_text(f"speed = {speed} days a second", exact=True).wait_for()
    page.evaluate(RECORD_JS)
    page.locator("button", has_text=re.compile(r"^\s*▶\s*$")).click()
    page.wait_for_function(
        """([members, days]) => {
            const big = window.samples.filter(s => s[2] >= members);
            const last = window.samples[window.samples.length - 1];
            return big.length && big[big.length - 1][1] - big[0][1] >= days
                || last && last[1] >= 365;
        }""",
        arg=[members, days],
        timeout=600_000,
    )
    page.locator("button", has_text=re.compile(r"^\s*❚❚\s*$")).click()
    samples = page.evaluate("() => { clearInterval(window.recorder); return window.samples; }")
    big = [s for s in samples if s[2] >= members]
    if len({s[1] for s in big}) < 2:
        most = max((s[2] for s in samples), default=0)
        raise SystemExit(
            f"the group never reached {members} members (at most {most} shown, "
            f"{len(samples)} samples)"
        )
    seconds = (big[-1][0] - big[0][0]) / 1000.0
    redraws = sum(1 for s in big[1:] if s[3])
    shown = [s[2] for s in big]
    return (big[-1][1] - big[0][1]) / seconds, redraws / seconds, min(shown), max(shown)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=430, help="measure while at least this "
                        "many members are shown")  # fmt: skip
    parser.add_argument("--days", type=int, default=200, help="days to measure over, at most")
    parser.add_argument("--speeds", type=int, nargs="+", default=[10, 30])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "solara.log", "w") as log:
        process, url = serve.start(serve.free_port(), log)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--headless", "--no-sandbox", "--disable-gpu"],
                )
                page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
                page.set_default_timeout(180_000)
                page.goto(url)
                page.locator(".commsim-numbers").wait_for()
                page.locator(".commsim-scenario .v-select").click()
                page.locator(".v-menu__content .v-list-item", has_text="Paid threshold").click()
                page.wait_for_function("() => document.querySelector('.v-toolbar__title')"
                                       "?.innerText.endsWith('Paid threshold')")  # fmt: skip
                for speed in args.speeds:
                    rate, frames, low, high = measure(page, speed, args.members, args.days)
                    print(
                        f"classroom page, Paid threshold at population 3000, speed {speed}: "
                        f"{rate:.1f} simulated days a second, {frames:.1f} redraws a second "
                        f"(while {low}-{high} members were shown; Chromium at 1280x720)"
                    )
                    # fmt: skip
                browser.close()
        finally:
            serve.stop(process)


if __name__ == "__main__":
    main()
