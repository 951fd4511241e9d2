"""The names of a results folder's files, its error, and the two ways a file is written
into it (atomically by rename, or a line appended)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

EXPERIMENT_FILE = "experiment.json"
SETTINGS_FILE = "settings.parquet"
LOCK_FILE = ".lock"
PARTS_FILE = "parts.jsonl"
OUTCOMES, TIMESERIES = "outcomes", "timeseries"
REPORT = "report"  # written by commsim.sweep.report
RUN_KEY = ["setting", "replication"]
STATUS_OK, STATUS_FAILED = "ok", "failed"


class ResultsFolderError(ValueError):
    """A results folder that this sweep must not write to (another experiment's, or a
    folder of other files); nothing in it is changed."""


def write_atomically(path: Path, write) -> None:
    """Write a file by ``write(handle)`` to a hidden temporary beside ``path``, flush it
    to disk and rename it into place: readers see the whole file or none."""
    temporary = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def append_line(path: Path, line: str) -> None:
    """Append one line to ``path`` and flush it to disk (``O_APPEND``: one write call)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(path, flags, 0o644)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
