"""Serve the classroom app: ``python -m commsim.classroom.serve [--host H] [--port N]
[--away-seconds S]``.

The one place that says how the app is served (``scripts/app.sh``, the browser tests and
the page benchmark all start it so): uvicorn runs ``commsim.classroom.asgi`` (solara's own
application serving ``commsim.classroom.app`` in production mode, with the students'
routes of a class session in front, ``commsim.classroom.student``) with ``ENVIRONMENT``
set, which keeps it offline by construction (the page's scripts, styles and fonts come
from solara-assets; an unreachable loopback address stands in for the CDN, so a missing
asset fails loudly), turns solara's telemetry and "runs on Solara" banner off (solara's
version check belongs to ``solara run`` only), titles the tab, and shuts down a tab that
vanished without closing (a crashed browser) after 15 minutes instead of solara's day.

For a class, serve on every interface (``--host 0.0.0.0``) so that students' devices on
the same network reach it; the teacher's app then shows the machine's LAN address.
``SERVER_NAME`` and ``SERVER_PORT`` tell the app where it is served (as ``solara run``
sets them), ``COMMSIM_AWAY_SECONDS`` after how long a silent student is away.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import IO

ENVIRONMENT = {
    "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "commsim classroom",
    "SOLARA_KERNEL_CULL_TIMEOUT": "15m",
    "MPLBACKEND": "Agg",
}


def command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The uvicorn command line serving the app at ``host:port``."""
    return [sys.executable, "-m", "uvicorn", "commsim.classroom.asgi:app", "--host", host,
            "--port", str(port), "--log-level", "warning", "--no-access-log"]  # fmt: skip


def environment(
    host: str = "127.0.0.1", port: int = 8765, away_seconds: float | None = None
) -> dict[str, str]:
    """This process's environment with ``ENVIRONMENT`` over it (a cull timeout already set
    is kept), and where the app is served; ``away_seconds`` when given."""
    env = {**os.environ, **ENVIRONMENT, "SERVER_NAME": host, "SERVER_PORT": str(port)}
    if "SOLARA_KERNEL_CULL_TIMEOUT" in os.environ:
        env["SOLARA_KERNEL_CULL_TIMEOUT"] = os.environ["SOLARA_KERNEL_CULL_TIMEOUT"]
    if away_seconds is not None:
        env["COMMSIM_AWAY_SECONDS"] = f"{away_seconds:g}"
    return env


def free_port() -> int:
    """A TCP port free on the loopback address right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(
    port: int, log: IO, limit: float = 120.0, away_seconds: float | None = None
) -> tuple[subprocess.Popen, str]:
    """Start serving on ``127.0.0.1:port`` in the background, its output to ``log``; return
    the process and the address once the page answers (the browser tests and the page
    benchmark use it). ``away_seconds``: see ``commsim.classroom.session.AWAY_SECONDS``.

    Raises:
        RuntimeError: the server exited, or did not answer within ``limit`` seconds.
    """
    process = subprocess.Popen(command("127.0.0.1", port), stdout=log, stderr=subprocess.STDOUT,
                               env=environment("127.0.0.1", port, away_seconds))  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the classroom server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"the classroom server did not answer at {url} within {limit:g} s")
        time.sleep(0.5)


def stop(process: subprocess.Popen) -> None:
    """Stop a server ``start`` started (killed if it has not ended 15 s after asked)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m commsim.classroom.serve",
                                     description="Serve the commsim classroom app.")  # fmt: skip
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on")
    parser.add_argument("--away-seconds", type=float, default=None,
                        help="seconds without a sign of life after which a student of a class "
                        "session is away (default 20)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.away_seconds is not None and not args.away_seconds > 0:
        parser.error(f"--away-seconds={args.away_seconds:g} is not valid: expected a number > 0")
    print(f"commsim classroom app: open http://{args.host}:{args.port}/ in a browser "
          "(Ctrl-C stops it)", file=sys.stderr)  # fmt: skip
    run = command(args.host, args.port)
    os.execvpe(run[0], run, environment(args.host, args.port, args.away_seconds))


if __name__ == "__main__":
    main()
