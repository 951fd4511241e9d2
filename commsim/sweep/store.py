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
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commsim.strategies.registry import allowed_imports
from commsim.sweep.experiment import Experiment, ExperimentError
from commsim.sweep.worker import RunResult

try:  # POSIX: keep two sweeps from writing to one folder at once
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

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


class ResultStore:
    """Read and write the results folder at ``path``.

    Args:
        path: the folder.
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        #: parts found damaged and deleted by the last ``prepare`` (their runs re-run).
        self.repaired: list[DamagedPart] = []

    # ------------------------------------------------------------------ identity
    @property
    def exists(self) -> bool:
        """Whether the folder holds a sweep (its experiment file exists)."""
        return (self.path / EXPERIMENT_FILE).is_file()

    def experiment(self, allow_import: Iterable[str] = ()) -> Experiment:
        """The experiment whose results these are (checked as any experiment: a received
        folder's file is data, e.g. its name cannot point out of ``results/``, and a
        strategy named ``"module:Class"`` imports its module only if allowed by
        ``allow_import`` (see ``commsim.strategies.registry``) or already imported)."""
        try:
            with allowed_imports(*allow_import):
                return Experiment.from_dict(self._manifest()["experiment"])
        except ExperimentError as error:
            raise ResultsFolderError(
                f"{self.path / EXPERIMENT_FILE}: not a valid experiment: {error}"
            ) from None

    def _manifest(self) -> dict[str, Any]:
        if not self.exists:
            raise ResultsFolderError(
                f"{self.path} holds no sweep results ({EXPERIMENT_FILE} is missing)"
            )
        path = self.path / EXPERIMENT_FILE
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ResultsFolderError(
                f"{path} is damaged ({error}); it is not an experiment file commsim wrote"
            ) from None
        if not (
            isinstance(manifest, dict)
            and isinstance(manifest.get("fingerprint"), str)
            and isinstance(manifest.get("experiment"), dict)
        ):
            raise ResultsFolderError(
                f"{path} is damaged: expected an object with a fingerprint and an experiment"
            )
        return manifest

    def settings(self) -> pd.DataFrame:
        """The settings table written when the sweep started."""
        path = self.path / SETTINGS_FILE
        try:
            return pd.read_parquet(path)
        except FileNotFoundError:
            raise ResultsFolderError(
                f"{path} is missing: the folder is not a complete results folder"
            ) from None
        except (OSError, pa.ArrowException) as error:
            raise ResultsFolderError(f"{path} is damaged ({error})") from None

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
        self.check_contained()
        if self.exists:
            stored = self._manifest()
            if stored["fingerprint"] != experiment.fingerprint():
                raise ResultsFolderError(
                    f"{self.path} holds results of a different experiment "
                    f"({_differences(stored['experiment'], experiment.to_dict())}); "
                    "write to another folder (--out) or delete this one"
                )
            self.repaired = self._drop_damaged()
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

    def check_contained(self) -> None:
        """Refuse a folder whose ``outcomes``, ``timeseries``, ``report``, lock or files are
        symbolic links or not what they should be: writes and clean-up would land outside
        the folder.

        Raises:
            ResultsFolderError: naming the entry.
        """
        if self.path.exists() and not self.path.is_dir():
            raise ResultsFolderError(f"{self.path} is a file, not a results folder")
        for name in (OUTCOMES, TIMESERIES, REPORT, LOCK_FILE, EXPERIMENT_FILE, SETTINGS_FILE,
                     PARTS_FILE):  # fmt: skip
            entry = self.path / name
            if entry.is_symlink():
                raise ResultsFolderError(
                    f"{entry} is a symbolic link; a results folder's files must be inside "
                    "it (commsim never writes or deletes through a link)"
                )
            if name in (OUTCOMES, TIMESERIES, REPORT) and entry.exists() and not entry.is_dir():
                raise ResultsFolderError(f"{entry} is not a folder")

    def check_writable(self) -> None:
        """Refuse, before anything is created, a folder a sweep must not write to: one
        holding files that are not sweep results, or a link out of it.

        Raises:
            ResultsFolderError: naming the folder and what is wrong.
        """
        self.check_contained()
        if self.path.exists() and not self.exists and not self._unstarted():
            raise ResultsFolderError(
                f"{self.path} is not empty and holds no sweep results; choose another folder"
            )

    def _unstarted(self) -> bool:
        """Whether the folder holds nothing but what a sweep killed while it was creating
        the folder can leave (lock, settings, temporaries, empty part folders)."""
        for entry in self.path.iterdir():
            if entry.is_dir() and entry.name in (OUTCOMES, TIMESERIES):
                if any(entry.iterdir()):
                    return False
            elif entry.name not in (
                LOCK_FILE,
                SETTINGS_FILE,
                PARTS_FILE,
            ) and not entry.name.startswith(".tmp-"):
                return False
        return True

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the folder's lock: a second sweep on the same folder fails at once."""
        self.check_writable()
        if fcntl is None:  # pragma: no cover
            yield
            return
        self.path.mkdir(parents=True, exist_ok=True)
        path = self.path / LOCK_FILE
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
        record = {
            "part": name,
            "outcomes": outcomes.num_rows,
            "timeseries": series.num_rows if ok else 0,
            "runs": [[r.run.setting, r.run.replication] for r in results],
        }
        _append_line(self.path / PARTS_FILE, json.dumps(record))

    # ------------------------------------------------------------------ damage
    def _records(self) -> dict[str, dict[str, Any]]:
        """The manifest's record of each part (a torn last line, from a kill while it
        was appended, is skipped: its part is then checked on its own)."""
        path = self.path / PARTS_FILE
        if not path.is_file():
            return {}
        records = {}
        for line in path.read_bytes().splitlines():
            try:
                record = json.loads(line)
                records[str(record["part"])] = record
            except (ValueError, KeyError, TypeError):
                continue
        return records

    def damaged_parts(self) -> list[DamagedPart]:
        """Parts that are missing, unreadable or hold other row counts than written.

        A part listed in the manifest must exist with the manifest's rows; an outcomes
        part missing from it (killed before its line was appended) must be readable and
        its time series must have ``days + 1`` rows per successful run.
        """
        records = self._records()
        days = None
        damaged = []
        for name in sorted(set(records) | set(self.complete_parts())):
            record = records.get(name)
            runs = tuple(tuple(run) for run in record["runs"]) if record else ()
            outcomes = _rows(self.path / OUTCOMES / name)
            problem = _row_problem(OUTCOMES, outcomes, record and record["outcomes"])
            if problem is None:
                if record is None:
                    status = pq.read_table(self.path / OUTCOMES / name, columns=RUN_KEY + [
                        "status"]).to_pydict()  # fmt: skip
                    runs = tuple(zip(status["setting"], status["replication"], strict=True))
                    if days is None:
                        days = self.experiment().days
                    series = sum(s == STATUS_OK for s in status["status"]) * (days + 1)
                else:
                    series = record["timeseries"]
                if series:
                    found = _rows(self.path / TIMESERIES / name)
                    problem = _row_problem(TIMESERIES, found, series)
            if problem is not None:
                damaged.append(DamagedPart(name, problem, runs))
        return damaged

    def _drop_damaged(self) -> list[DamagedPart]:
        """Delete the damaged parts (both files) and their manifest lines, so that their
        runs count as unfinished and run again."""
        damaged = self.damaged_parts()
        if not damaged:
            return []
        for part in damaged:
            for folder in (OUTCOMES, TIMESERIES):
                (self.path / folder / part.name).unlink(missing_ok=True)
        names = {part.name for part in damaged}
        kept = [json.dumps(r) for n, r in self._records().items() if n not in names]
        text = "".join(line + "\n" for line in kept)
        _write_atomically(self.path / PARTS_FILE, lambda f: f.write(text.encode()))
        return damaged

    def _check_undamaged(self) -> None:
        self.check_contained()  # a report is written beside what is read
        damaged = self.damaged_parts()
        if damaged:
            raise ResultsFolderError(
                f"{self.path} is damaged: {describe_damage(damaged)}. Resume the sweep (the "
                "same commsim sweep command, or run_sweep) to re-run exactly those runs"
            )

    # ------------------------------------------------------------------ reading
    def outcomes(self) -> pd.DataFrame:
        """Every finished run of the experiment, one row each, sorted by setting and
        replication (runs beyond its ``replications``, kept from a sweep that had more,
        are left out).

        Raises:
            ResultsFolderError: when a part is missing or damaged (see ``damaged_parts``).
        """
        self._check_undamaged()
        parts = self._parts(OUTCOMES)
        experiment = self.experiment()
        if not parts:
            columns = RUN_KEY + ["status", "error"] + list(experiment.outcomes)
            return pd.DataFrame(columns=columns)
        frame = pq.ParquetDataset(parts).read().to_pandas()
        frame = frame[frame["replication"] < experiment.replications]
        return frame.sort_values(RUN_KEY, ignore_index=True)

    def timeseries_parts(self, columns: Sequence[str] | None = None) -> Iterator[pd.DataFrame]:
        """The time series part by part (finished runs of the experiment only, as
        ``outcomes``), for memory-flat reading.

        Raises:
            ResultsFolderError: when a part is missing or damaged (see ``damaged_parts``).
        """
        self._check_undamaged()
        replications = self.experiment().replications
        read = (
            None
            if columns is None
            else RUN_KEY + ["day"] + [c for c in columns if c not in RUN_KEY + ["day"]]
        )
        complete = set(self.complete_parts())
        for part in self._parts(TIMESERIES):
            if part.name in complete:
                frame = pq.read_table(part, columns=read).to_pandas()
                yield frame[frame["replication"] < replications].reset_index(drop=True)

    def timeseries(self, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Daily metrics of every finished run with its setting's varied values, sorted by
        setting, replication and day. Loads them all: see ``timeseries_parts``."""
        parts = list(self.timeseries_parts(columns))
        if not parts:
            return pd.DataFrame(columns=RUN_KEY + ["day"] + list(columns or []))
        frame = pd.concat(parts, ignore_index=True)
        frame = frame.merge(self.settings(), on="setting", how="left")
        return frame.sort_values(RUN_KEY + ["day"], ignore_index=True)


@dataclass(frozen=True)
class DamagedPart:
    """A part that is not as it was written.

    Attributes:
        name: the part's file name (the same in ``outcomes/`` and ``timeseries/``).
        problem: what is wrong, e.g. ``"outcomes part missing"``.
        runs: ``(setting, replication)`` of its runs, where known.
    """

    name: str
    problem: str
    runs: tuple[tuple[int, int], ...]


def describe_damage(damaged: Sequence[DamagedPart]) -> str:
    """One line naming each damaged part, its problem and its runs."""
    return "; ".join(
        f"{part.name}: {part.problem}"
        + (f" ({len(part.runs)} run{'s' * (len(part.runs) != 1)})" if part.runs else "")
        for part in damaged
    )


def _rows(path: Path) -> int | None:
    """Rows of a Parquet file from its footer; None if it is missing, -1 if unreadable."""
    if not path.is_file():
        return None
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, pa.ArrowException):
        return -1


def _row_problem(folder: str, found: int | None, expected: int | None) -> str | None:
    if found is None:
        return f"{folder} part missing"
    if found < 0:
        return f"{folder} part unreadable (truncated or damaged)"
    if expected is not None and found != expected:
        return f"{folder} part has {found} rows, {expected} were written"
    return None


def _append_line(path: Path, line: str) -> None:
    """Append one line to ``path`` and flush it to disk (``O_APPEND``: one write call)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(path, flags, 0o644)
    try:
        os.write(descriptor, (line + "\n").encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
