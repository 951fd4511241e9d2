"""The parts of a results folder: the tables of a batch of runs, the manifest of the parts
written (``parts.jsonl``), and the damage a part can have (missing, unreadable, rows
other than written)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from commsim.sweep.experiment import Experiment
from commsim.sweep.store.layout import PARTS_FILE, STATUS_FAILED, STATUS_OK
from commsim.sweep.worker import RunResult


def read_records(folder: Path) -> dict[str, dict[str, Any]]:
    """The manifest's record of each part (a torn last line, from a kill while it
    was appended, is skipped: its part is then checked on its own)."""
    path = folder / PARTS_FILE
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


def rows(path: Path) -> int | None:
    """Rows of a Parquet file from its footer; None if it is missing, -1 if unreadable."""
    if not path.is_file():
        return None
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (OSError, pa.ArrowException):
        return -1


def row_problem(folder: str, found: int | None, expected: int | None) -> str | None:
    if found is None:
        return f"{folder} part missing"
    if found < 0:
        return f"{folder} part unreadable (truncated or damaged)"
    if expected is not None and found != expected:
        return f"{folder} part has {found} rows, {expected} were written"
    return None


def outcomes_table(
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


def timeseries_table(results: Sequence[RunResult], experiment: Experiment) -> pa.Table:
    lengths = [len(r.timeseries) for r in results]
    values = np.concatenate([r.timeseries for r in results])
    columns = {
        "setting": np.repeat([r.run.setting for r in results], lengths).astype(np.int64),
        "replication": np.repeat([r.run.replication for r in results], lengths).astype(np.int64),
        "day": np.concatenate([np.arange(n, dtype=np.int64) for n in lengths]),
    }
    columns.update({name: values[:, i] for i, name in enumerate(experiment.metrics)})
    return pa.table(columns)
