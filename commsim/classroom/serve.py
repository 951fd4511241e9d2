"""Serve the classroom app: ``python -m commsim.classroom.serve [--host H] [--port N]``.

The one place that says how the app is served (``scripts/app.sh``, the browser tests and
the page benchmark all start it so): ``solara run commsim.classroom.app`` in production
mode with ``ENVIRONMENT`` set, which keeps it offline by construction (the page's scripts,
styles and fonts come from solara-assets; an unreachable loopback address stands in for
the CDN, so a missing asset fails loudly), turns solara's telemetry, version check and
"runs on Solara" banner off, titles the tab, and shuts down a tab that vanished without
closing (a crashed browser) after 15 minutes instead of solara's day.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
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
    """The ``solara run`` command line serving the app at ``host:port``."""
    solara = shutil.which("solara", path=str(Path(sys.executable).parent)) or "solara"
    return [solara, "run", "commsim.classroom.app", "--host", host, "--port", str(port),
            "--production", "--no-open", "--no-check-version"]  # fmt: skip


def environment() -> dict[str, str]:
    """This process's environment with ``ENVIRONMENT`` over it (a cull timeout already set
    is kept)."""
    env = {**os.environ, **ENVIRONMENT}
    if "SOLARA_KERNEL_CULL_TIMEOUT" in os.environ:
        env["SOLARA_KERNEL_CULL_TIMEOUT"] = os.environ["SOLARA_KERNEL_CULL_TIMEOUT"]
    return env


def free_port() -> int:
    """A TCP port free on the loopback address right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, log: IO, limit: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Start serving on ``127.0.0.1:port`` in the background, its output to ``log``; return
    the process and the address once the page answers (the browser tests and the page
    benchmark use it).

    Raises:
        RuntimeError: the server exited, or did not answer within ``limit`` seconds.
    """
    process = subprocess.Popen(command("127.0.0.1", port), stdout=log, stderr=subprocess.STDOUT,
                               env=environment())  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + limit
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"solara exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"solara did not answer at {url} within {limit:g} s")
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
    args = parser.parse_args(argv)
    print(f"commsim classroom app: open http://{args.host}:{args.port}/ in a browser "
          "(Ctrl-C stops it)", file=sys.stderr)  # fmt: skip
    run = command(args.host, args.port)
    os.execvpe(run[0], run, environment())


if __name__ == "__main__":
    main()
