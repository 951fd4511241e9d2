"""The results folder of a sweep: Parquet datasets written run batch by run batch.

Layout::

    <results>/
      experiment.json        the experiment (plain data) and its fingerprint
      settings.parquet       one row per setting (written once, before any run)
      outcomes/part-*.parquet    one row per finished run: setting, replication, seeds,
                                 status ("ok" or "failed"), error, varied values, outcomes
      timeseries/part-*.parquet  one row per run and day: setting, replication, day, metrics

A part is written to a hidden temporary file, flushed to disk and renamed into place
(``os.replace`` is atomic), the time-series part before its outcomes part. A run counts
as finished only when its outcomes part exists, so a run is either wholly written or
absent: after a kill, a time-series part without its outcomes part is an orphan, which
readers skip and the next sweep deletes before it starts.

Read the datasets with ``pandas.read_parquet(results / "outcomes")`` or with
``ResultStore(results).outcomes()`` / ``.timeseries()``, which also join the settings.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commsim.strategies.registry import allowed_imports
from commsim.sweep.experiment import Experiment
from commsim.sweep.worker import RunResult

try:  # POSIX: keep two sweeps from writing to one folder at once
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

EXPERIMENT_FILE = "experiment.json"
SETTINGS_FILE = "settings.parquet"
LOCK_FILE = ".lock"
OUTCOMES, TIMESERIES = "outcomes", "timeseries"
RUN_KEY = ["setting", "replication"]
STATUS_OK, STATUS_FAILED = "ok", "failed"


class ResultsFolderError(ValueError):
    """A results folder that this sweep must not write to (another experiment's, or a
    folder of other files); nothing in it is changed."""


class ResultStore:
    """Read and write the results folder at ``path``.

    Args:
        path: the folder.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    # ------------------------------------------------------------------ identity
    @property
    def exists(self) -> bool:
        """Whether the folder holds a sweep (its experiment file exists)."""
        return (self.path / EXPERIMENT_FILE).is_file()

    def experiment(self, allow_import: Iterable[str] = ()) -> Experiment:
        """The experiment whose results these are. A strategy named ``"module:Class"`` in
        a received folder imports its module only if allowed (``allow_import``, see
        ``commsim.strategies.registry``) or already imported, else ``ImportNotAllowed``."""
        with allowed_imports(*allow_import):
            return Experiment.from_dict(self._manifest()["experiment"])

    def _manifest(self) -> dict[str, Any]:
        if not self.exists:
            raise ResultsFolderError(
                f"{self.path} holds no sweep results ({EXPERIMENT_FILE} is missing)"
            )
        return json.loads((self.path / EXPERIMENT_FILE).read_text())

    def settings(self) -> pd.DataFrame:
        """The settings table written when the sweep started."""
        return pd.read_parquet(self.path / SETTINGS_FILE)

    def prepare(self, experiment: Experiment) -> pd.DataFrame:
        """Make the folder ready for ``experiment`` and return its settings table.

        A new folder gets the settings table, then the experiment file. A folder of the
        same experiment (same fingerprint) is resumed: its settings are kept, leftovers
        of an interrupted write are deleted, and the experiment file is updated (e.g. to
        more replications).

        Raises:
            ResultsFolderError: when the folder holds another experiment's results or
                other files.
        """
        if self.exists:
            stored = self._manifest()
            if stored["fingerprint"] != experiment.fingerprint():
                raise ResultsFolderError(
                    f"{self.path} holds results of a different experiment "
                    f"({_differences(stored['experiment'], experiment.to_dict())}); "
                    "write to another folder (--out) or delete this one"
                )
            self._remove_leftovers()
        elif self.path.exists() and not self._unstarted():
            raise ResultsFolderError(
                f"{self.path} is not empty and holds no sweep results; choose another folder"
            )
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            self._remove_leftovers()
            _write_atomically(
                self.path / SETTINGS_FILE,
                lambda f: pq.write_table(
                    pa.Table.from_pandas(experiment.settings(), preserve_index=False), f
                ),
            )
        for folder in (OUTCOMES, TIMESERIES):
            (self.path / folder).mkdir(exist_ok=True)
        manifest = {"fingerprint": experiment.fingerprint(), "experiment": experiment.to_dict()}
        text = json.dumps(manifest, indent=2, default=str)
        _write_atomically(self.path / EXPERIMENT_FILE, lambda f: f.write(text.encode()))
        return self.settings()

    def _unstarted(self) -> bool:
        """Whether the folder holds nothing but what a sweep killed while it was creating
        the folder can leave (lock, settings, temporaries, empty part folders)."""
        for entry in self.path.iterdir():
            if entry.is_dir() and entry.name in (OUTCOMES, TIMESERIES):
                if any(entry.iterdir()):
                    return False
            elif entry.name not in (LOCK_FILE, SETTINGS_FILE) and not entry.name.startswith(
                ".tmp-"
            ):
                return False
        return True

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock: a second sweep on the same folder fails at once."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.path / LOCK_FILE, "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ResultsFolderError(
                    f"another sweep is writing to {self.path}; wait for it or stop it"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ parts
    def _parts(self, folder: str) -> list[Path]:
        return sorted((self.path / folder).glob("part-*.parquet"))

    def complete_parts(self) -> list[str]:
        """Names of the parts whose outcomes are written (their runs are finished)."""
        return [part.name for part in self._parts(OUTCOMES)]

    def _remove_leftovers(self) -> None:
        """Delete temporary files and time-series parts without their outcomes part."""
        complete = set(self.complete_parts())
        for folder in (self.path, self.path / OUTCOMES, self.path / TIMESERIES):
            for leftover in folder.glob(".tmp-*"):
                leftover.unlink()
        for part in self._parts(TIMESERIES):
            if part.name not in complete:
                part.unlink()

    def finished_runs(self) -> set[tuple[int, int]]:
        """``(setting, replication)`` of every finished run, ok or failed."""
        parts = self._parts(OUTCOMES)
        if not parts:
            return set()
        table = pq.ParquetDataset(parts).read(columns=RUN_KEY)
        return set(zip(*(table.column(c).to_pylist() for c in RUN_KEY), strict=True))

    def write(
        self, results: Sequence[RunResult], experiment: Experiment, settings: pd.DataFrame
    ) -> None:
        """Write ``results`` as one time-series part and one outcomes part (in that order)."""
        if not results:
            return
        name = f"part-{uuid.uuid4().hex}.parquet"
        ok = [r for r in results if r.error is None]
        if ok:
            series = _timeseries_table(ok, experiment)
            _write_atomically(self.path / TIMESERIES / name, lambda f: pq.write_table(series, f))
        outcomes = _outcomes_table(results, experiment, settings)
        _write_atomically(self.path / OUTCOMES / name, lambda f: pq.write_table(outcomes, f))

    # ------------------------------------------------------------------ reading
    def outcomes(self) -> pd.DataFrame:
        """Every finished run, one row each, sorted by setting and replication."""
        parts = self._parts(OUTCOMES)
        if not parts:
            columns = RUN_KEY + ["status", "error"] + list(self.experiment().outcomes)
            return pd.DataFrame(columns=columns)
        frame = pq.ParquetDataset(parts).read().to_pandas()
        return frame.sort_values(RUN_KEY, ignore_index=True)

    def timeseries_parts(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The time series part by part (finished runs only), for memory-flat reading."""
        read = (
            None
            if columns is None
            else RUN_KEY + ["day"] + [c for c in columns if c not in RUN_KEY + ["day"]]
        )
        complete = set(self.complete_parts())
        for part in self._parts(TIMESERIES):
            if part.name in complete:
                yield pq.read_table(part, columns=read).to_pandas()

    def timeseries(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Daily metrics of every finished run with its setting's varied values, sorted by
        setting, replication and day. Loads them all: see ``timeseries_parts``."""
        parts = list(self.timeseries_parts(columns))
        if not parts:
            return pd.DataFrame(columns=RUN_KEY + ["day"] + list(columns or []))
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.merge(self.settings(), on="setting", how="left")
        return frame.sort_values(RUN_KEY + ["day"], ignore_index=True)


def _outcomes_table(
    results: Sequence[RunResult], experiment: Experiment, settings: pd.DataFrame
) -> pa.Table:
    rows = []
    for result in results:
        run = result.run
        row = {
            "setting": run.setting,
            "replication": run.replication,
            "seed": run.seed,
            "root_seed": experiment.seed,
            "spawn_key": list(run.spawn_key),
            "status": STATUS_OK if result.error is None else STATUS_FAILED,
            "error": result.error,
        }
        values = result.outcomes or {}
        row.update({name: values.get(name, np.nan) for name in experiment.outcomes})
        rows.append(row)
    frame = pd.DataFrame(rows).merge(settings, on="setting", how="left")
    fields = [
        pa.field("setting", pa.int64()),
        pa.field("replication", pa.int64()),
        pa.field("seed", pa.int64()),
        pa.field("root_seed", pa.int64()),
        pa.field("spawn_key", pa.list_(pa.int64())),
        pa.field("status", pa.string()),
        pa.field("error", pa.string()),
    ]
    fields += [pa.field(name, pa.float64()) for name in experiment.outcomes]
    settings_schema = pa.Schema.from_pandas(settings, preserve_index=False)
    fields += [f for f in settings_schema if f.name != "setting"]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def _timeseries_table(results: Sequence[RunResult], experiment: Experiment) -> pa.Table:
    lengths = [len(r.timeseries) for r in results]
    values = np.concatenate([r.timeseries for r in results])
    columns = {
        "setting": np.repeat([r.run.setting for r in results], lengths).astype(np.int64),
        "replication": np.repeat([r.run.replication for r in results], lengths).astype(np.int64),
        "day": np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]),
    }
    columns.update({name: values[:, i] for i, name in enumerate(experiment.metrics)})
    return pa.table(columns)


def _write_atomically(path: Path, write) -> None:
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


def _differences(stored: dict[str, Any], current: dict[str, Any]) -> str:
    keys = [
        k
        for k in current
        if k not in ("name", "question", "report", "replications")
        and stored.get(k) != json.loads(json.dumps(current[k], default=str))
    ]
    return "changed: " + ", ".join(keys) if keys else "a different version of the experiment"
