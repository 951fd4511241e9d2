"""``ResultStore``: read and write a results folder (see ``commsim.sweep.store``)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commsim.strategies.registry import allowed_imports
from commsim.sweep.experiment import Experiment, ExperimentError
from commsim.sweep.store.layout import (
    EXPERIMENT_FILE,
    LOCK_FILE,
    OUTCOMES,
    PARTS_FILE,
    REPORT,
    RUN_KEY,
    SETTINGS_FILE,
    STATUS_OK,
    TIMESERIES,
    ResultsFolderError,
    append_line,
    write_atomically,
)
from commsim.sweep.store.lock import folder_lock
from commsim.sweep.store.parts import (
    DamagedPart,
    describe_damage,
    outcomes_table,
    read_records,
    row_problem,
    rows,
    timeseries_table,
)
from commsim.sweep.worker import RunResult


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
            write_atomically(
                self.path / SETTINGS_FILE,
                lambda f: pq.write_table(
                    pa.Table.from_pandas(experiment.settings(), preserve_index=False), f
                ),
            )
        for folder in (OUTCOMES, TIMESERIES):
            (self.path / folder).mkdir(exist_ok=True)
        manifest = {"fingerprint": experiment.fingerprint(), "experiment": experiment.to_dict()}
        text = json.dumps(manifest, indent=2, default=str)
        write_atomically(self.path / EXPERIMENT_FILE, lambda f: f.write(text.encode()))
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
        with folder_lock(self.path):
            yield

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
            series = timeseries_table(ok, experiment)
            write_atomically(self.path / TIMESERIES / name, lambda f: pq.write_table(series, f))
        outcomes = outcomes_table(results, experiment, settings)
        write_atomically(self.path / OUTCOMES / name, lambda f: pq.write_table(outcomes, f))
        record = {
            "part": name,
            "outcomes": outcomes.num_rows,
            "timeseries": series.num_rows if ok else 0,
            "runs": [[r.run.setting, r.run.replication] for r in results],
        }
        append_line(self.path / PARTS_FILE, json.dumps(record))

    # ------------------------------------------------------------------ damage
    def damaged_parts(self) -> list[DamagedPart]:
        """Parts that are missing, unreadable or hold other row counts than written.

        A part listed in the manifest must exist with the manifest's rows; an outcomes
        part missing from it (killed before its line was appended) must be readable and
        its time series must have ``days + 1`` rows per successful run.
        """
        records = read_records(self.path)
        days = None
        damaged = []
        for name in sorted(set(records) | set(self.complete_parts())):
            record = records.get(name)
            runs = tuple(tuple(run) for run in record["runs"]) if record else ()
            outcomes = rows(self.path / OUTCOMES / name)
            problem = row_problem(OUTCOMES, outcomes, record and record["outcomes"])
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
                    found = rows(self.path / TIMESERIES / name)
                    problem = row_problem(TIMESERIES, found, series)
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
        kept = [json.dumps(r) for n, r in read_records(self.path).items() if n not in names]
        text = "".join(line + "\n" for line in kept)
        write_atomically(self.path / PARTS_FILE, lambda f: f.write(text.encode()))
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


def _differences(stored: dict[str, Any], current: dict[str, Any]) -> str:
    keys = [
        k
        for k in current
        if k not in ("name", "question", "report", "replications")
        and stored.get(k) != json.loads(json.dumps(current[k], default=str))
    ]
    return "changed: " + ", ".join(keys) if keys else "a different version of the experiment"
