"""The results folder of a sweep: Parquet datasets written run batch by run batch.

Layout::

    <results>/
      experiment.json        the experiment (plain data) and its fingerprint
      settings.parquet       one row per setting (written once, before any run)
      outcomes/part-*.parquet    one row per finished run: setting, replication, seeds,
                                 status ("ok" or "failed"), error, varied values, outcomes
      timeseries/part-*.parquet  one row per run and day: setting, replication, day, metrics
      parts.jsonl            the manifest of parts: one line per part written (its runs
                             and the rows of its outcomes and time-series files)

A part is written to a hidden temporary file, flushed to disk and renamed into place
(``os.replace`` is atomic), the time-series part before its outcomes part. A run counts
as finished only when its outcomes part exists, so a run is either wholly written or
absent: after a kill, a time-series part without its outcomes part is an orphan, which
readers skip and the next sweep deletes before it starts.

Containment: nothing is written outside the folder. Its ``outcomes``/``timeseries``
folders must be real folders inside it (a symbolic link there is refused, never
followed), the lock file is opened without truncating and never through a link
(``O_NOFOLLOW``), and clean-up deletes only entries of those folders.

Damage: every part is checked against the manifest of the parts written
(``parts.jsonl``: the rows of each), at resume and when read; a missing or truncated
part is named: ``damaged_parts`` lists them, a resume deletes them and re-runs exactly
their runs, and readers refuse to answer without them.

Read the datasets with ``pandas.read_parquet(results / "outcomes")`` or with
``ResultStore(results).outcomes()`` / ``.timeseries()``, which also join the settings.

The modules, all exported here:

=================  ====================================================================
``store.layout``   the files' names, ``ResultsFolderError``, atomic writes
``store.lock``     ``folder_lock``: one sweep at a time on a folder
``store.parts``    the part tables, the manifest of parts, ``DamagedPart``
``store.results``  ``ResultStore``: prepare, check, write and read the folder
=================  ====================================================================
"""

from commsim.sweep.store.layout import (
    EXPERIMENT_FILE,
    LOCK_FILE,
    OUTCOMES,
    PARTS_FILE,
    REPORT,
    RUN_KEY,
    SETTINGS_FILE,
    STATUS_FAILED,
    STATUS_OK,
    TIMESERIES,
    ResultsFolderError,
)
from commsim.sweep.store.parts import DamagedPart, describe_damage
from commsim.sweep.store.results import ResultStore

__all__ = [
    "EXPERIMENT_FILE",
    "LOCK_FILE",
    "OUTCOMES",
    "PARTS_FILE",
    "REPORT",
    "RUN_KEY",
    "SETTINGS_FILE",
    "STATUS_FAILED",
    "STATUS_OK",
    "TIMESERIES",
    "DamagedPart",
    "ResultStore",
    "ResultsFolderError",
    "describe_damage",
]
