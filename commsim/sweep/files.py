"""Experiment and scenario files (TOML), validated before any run with errors that name
the key and its line.

An experiment file holds the fields of ``commsim.sweep.Experiment``::

    name = "fee-level"
    question = "How high should the entry fee be to keep the best members?"
    days = 180
    replications = 20
    seed = 7

    [parameters]                     # fixed model parameters
    population = 1000

    [strategies.EntryThreshold]      # applied in every run
    kind = "fee"

    [vary]                           # a list is a grid; {low, high} is sampled
    "EntryThreshold.level" = [0.0, 0.2, 0.4, 0.6]

    [report]
    x = "EntryThreshold.level"
    outcomes = ["end_contributors", "end_mean_value"]
    best = {outcome = "end_contributors", goal = "max"}

A scenario file (``commsim run``) is one run: ``name``, ``days``, ``seed``,
``[parameters]``, ``[strategies.*]`` and ``metrics``, nothing varied.

``tomllib`` reports syntax errors with their line but gives no line for a value, so
``key_lines`` finds each key's line in the text itself.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

from commsim.strategies.registry import allowed_imports
from commsim.sweep.experiment import Experiment, ExperimentError, dotted_key

SCENARIO_KEYS = ("name", "question", "days", "seed", "parameters", "strategies", "metrics")

_SEGMENT = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_PATH = rf"{_SEGMENT}(?:\s*\.\s*{_SEGMENT})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_PATH})\s*\]\]?")
_ASSIGNMENT = re.compile(rf"^\s*({_PATH})\s*=(.*)$")
_INLINE_KEY = re.compile(rf"[{{,]\s*({_PATH})\s*=")


class ExperimentFileError(ValueError):
    """A file that cannot be run; the message starts with ``file, line N: key``."""


def _split_path(path: str) -> tuple[str, ...]:
    parts = re.findall(_SEGMENT, path)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line of every key path in TOML ``text``: table headers, assignments,
    and the keys of one-line inline tables (``best = {outcome = "x"}``)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"""') % 2 or line.count("'''") % 2:
            in_string = not in_string
            if not in_string:
                continue
        elif in_string:
            continue
        header = _HEADER.match(line)
        if header:
            table = _split_path(header.group(1))
            lines.setdefault(table, number)
            continue
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            key = table + _split_path(assignment.group(1))
            lines.setdefault(key, number)
            for inner in _INLINE_KEY.finditer(assignment.group(2)):
                lines.setdefault(key + _split_path(inner.group(1)), number)
    return lines


def line_of(key: Sequence[str], lines: dict[tuple[str, ...], int]) -> int | None:
    """The line of ``key``, or of its nearest enclosing key that has one."""
    key = tuple(key)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


def _read(path: str | Path) -> tuple[dict, str]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ExperimentFileError(f"{path}: cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ExperimentFileError(
            f"{path}: not a text file in UTF-8 (byte {error.start}: {error.reason}); "
            "TOML files are UTF-8"
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise ExperimentFileError(f"{path}: not valid TOML: {error}") from None


def _located(path: str | Path, text: str, error: ExperimentError) -> ExperimentFileError:
    line = line_of(error.key, key_lines(text))
    where = f"{path}, line {line}" if line else str(path)
    return ExperimentFileError(f"{where}: {dotted_key(error.key)}: {error.reason}")


def load_experiment(path: str | Path, allow_import: Iterable[str] = ()) -> Experiment:
    """The experiment in TOML file ``path``; its name defaults to the file's stem.

    A strategy named ``"package.module:Class"`` imports its module only if it is in
    ``allow_import`` (or allowed by ``commsim.strategies.allowed_imports``) or already
    imported; otherwise the file is refused, naming the key (no code runs from a file).

    Raises:
        ExperimentFileError: for a syntax error, an unknown key, parameter, strategy,
            metric or outcome, a value of the wrong type or out of range, or a range with
            low >= high; the message names the file, the line and the key.
    """
    data, text = _read(path)
    data.setdefault("name", Path(path).stem)
    try:
        with allowed_imports(*allow_import):
            return Experiment.from_dict(data)
    except ExperimentError as error:
        raise _located(path, text, error) from None


def load_scenario(path: str | Path, allow_import: Iterable[str] = ()) -> Experiment:
    """The single run described by TOML file ``path``, as a one-setting ``Experiment``
    with one replication (its ``seed`` seeds the model directly in ``commsim run``);
    ``allow_import`` as in ``load_experiment``.

    Raises:
        ExperimentFileError: as ``load_experiment``, and for keys a single run cannot
            have (``vary``, ``policies``, ``replications``, ...).
    """
    data, text = _read(path)
    data.setdefault("name", Path(path).stem)
    try:
        for key in data:
            if key not in SCENARIO_KEYS:
                raise ExperimentError(
                    (key,),
                    "a scenario file describes one run; it may hold only "
                    + ", ".join(SCENARIO_KEYS)
                    + " (use commsim sweep for experiments)",
                )
        with allowed_imports(*allow_import):
            return Experiment.from_dict({**data, "replications": 1})
    except ExperimentError as error:
        raise _located(path, text, error) from None
