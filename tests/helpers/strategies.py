"""Small strategies for the sweep tests (imported by name in worker processes)."""

from __future__ import annotations

import os
import time

from commsim.parameters import Parameter
from commsim.strategies import Strategy


class Sleepy(Strategy, register=False):
    """Waits ``seconds`` of wall-clock time when a run starts: a slow sweep to interrupt.
    Numbers do not change.

    When the environment names a folder in ``COMMSIM_TEST_BUSY``, a file named by the
    process id is in it while the process waits, so a test can find a worker in the middle
    of a run."""

    PARAMETERS = {"seconds": Parameter("seconds", 0.0, float, 0, 10, "seconds to wait")}

    def setup(self, model) -> None:
        super().setup(model)
        busy = os.environ.get("COMMSIM_TEST_BUSY")
        marker = os.path.join(busy, str(os.getpid())) if busy else None
        if marker:
            os.close(os.open(marker, os.O_CREAT | os.O_WRONLY))
        time.sleep(self.seconds)
        if marker:
            os.unlink(marker)


class FailOn(Strategy, register=False):
    """Raises ``RuntimeError`` on day ``day`` when ``fail`` is 1."""

    PARAMETERS = {
        "fail": Parameter("fail", 0, int, 0, 1, "1 to fail"),
        "day": Parameter("day", 5, int, 1, 10_000, "day of the failure"),
    }

    def start_day(self, model, today) -> None:
        if self.fail and today.day == self.day:
            raise RuntimeError(f"planned failure on day {today.day}")


class PostingBoost(Strategy, register=False):
    """Multiplies every member's chance to post by ``factor``."""

    PARAMETERS = {"factor": Parameter("factor", 1.0, float, 0, 10, "posting multiplier")}

    def start_day(self, model, today) -> None:
        today.posting_boost = today.posting_boost * self.factor


def name(cls: type[Strategy]) -> str:
    """The import path a sweep names ``cls`` by."""
    return f"{cls.__module__}:{cls.__qualname__}"


class KillWorkerOnce(Strategy, register=False):
    """Kills its own worker process with SIGKILL the first time any run with this
    ``token`` starts (a marker file in the temporary folder remembers it)."""

    PARAMETERS = {"token": Parameter("token", 0, int, 0, 10**9, "marker file's number")}

    def setup(self, model) -> None:
        super().setup(model)
        import signal
        import tempfile

        marker = os.path.join(tempfile.gettempdir(), f"commsim-kill-{self.token}")
        try:
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return
        os.kill(os.getpid(), signal.SIGKILL)
