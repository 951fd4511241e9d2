"""The lifeline of the processes commsim starts: wait until the process that started them
is gone, however it died (SIGKILL included), remove the temporary folder it could not
remove, and end.

Used as a thread in each worker of a process pool (``commsim.processes``: sweeps and
forecasts), and run as a script by path to remove a folder when the process that made it
dies (multiprocessing's ``pymp-*`` folder, a local dask cluster's scratch folder)::

    python commsim/lifeline.py PID FOLDER

The module imports only the standard library, so that the script costs a bare
interpreter (it does not import commsim).
"""

from __future__ import annotations

import os
import select
import shutil
import sys
import time


def exit_when_gone(pid: int, temporary: str | None = None, poll: float = 0.5) -> None:
    """Block until process ``pid`` has exited, remove its ``temporary`` folder (the
    ``pymp-*`` folder multiprocessing could not remove, or a local dask cluster's scratch
    folder, the process being killed) and end this process at once (``os._exit``).

    The wait is a ``pidfd`` (Linux: readable when the process exits, immune to pid
    reuse), else a poll of ``os.kill(pid, 0)`` every ``poll`` seconds. A worker that
    ends this way lets the forkserver and the resource tracker end too: they live only
    while a process holds their pipes, and the workers are the last to hold them.
    """
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        descriptor = None
    except (AttributeError, OSError):  # pragma: no cover - not Linux >= 5.3
        descriptor = -1
    if descriptor is not None and descriptor >= 0:
        select.select([descriptor], [], [])
    elif descriptor == -1:  # pragma: no cover
        while _alive(pid):
            time.sleep(poll)
    if temporary:
        shutil.rmtree(temporary, ignore_errors=True)
    os._exit(1)


def _alive(pid: int) -> bool:  # pragma: no cover - the pidfd is used on Linux
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


if __name__ == "__main__":
    exit_when_gone(int(sys.argv[1]), sys.argv[2])
