"""The lock of a results folder: a second sweep on the same folder fails at once."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from commsim.sweep.store.layout import LOCK_FILE, ResultsFolderError

try:  # POSIX: keep two sweeps from writing to one folder at once
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the lock file of ``folder`` (created without truncating, never through a link)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    # No O_TRUNC: an existing file keeps its bytes; O_NOFOLLOW: a link is refused.
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        descriptor = os.open(path, flags, 0o644)
    except OSError as error:
        raise ResultsFolderError(
            f"{path} cannot be opened as the folder's lock ({error.strerror}); "
            "it must be a plain file inside the folder, not a link"
        ) from None
    with os.fdopen(descriptor, "rb+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ResultsFolderError(
                f"another sweep is writing to {folder}; wait for it or stop it"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
