"""Checks of single entries of an experiment: its name, texts and integers, a model
parameter's value, a list of varied values or a range, and the largest sizes allowed.

Each raises ``commsim.sweep.experiment.ExperimentError`` naming the key it was given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from commsim.parameter_kinds import shown
from commsim.parameters import PARAMETERS
from commsim.strategies import STRATEGIES
from commsim.sweep.design import Range
from commsim.sweep.experiment import ExperimentError

#: Largest experiment sizes besides days and runs (settings x replications), which are
#: ``commsim.replications``'s: replications, settings (design points), and the root seed
#: (SeedSequence takes any size; a bound keeps files readable).
MAX_REPLICATIONS = 1_000_000
MAX_SETTINGS = 1_000_000
MAX_SEED = 2**128 - 1


def table(key: tuple[str, ...], value: Any) -> dict[str, Any]:
    """``value`` as a dict, or ``ExperimentError`` at ``key`` if it is not a table."""
    if not isinstance(value, Mapping):
        raise ExperimentError(key, f"expected a table, got {value!r}")
    return dict(value)


def check_name(key, value: Any) -> None:
    """A name that becomes one folder inside the results (or output) folder: non-empty
    text of at most 100 characters, without a path separator or a NUL, not ``.`` or
    ``..``, not starting with ``.`` (hidden) or ``-`` (read as an option)."""
    check_text(key, value)
    bad = [c for c in ("/", "\\", "\0", os.sep, os.altsep) if c and c in value]
    if (
        bad
        or value in (".", "..")
        or value[0] in ".-"
        or len(value) > 100
        or (os.path.isabs(value))
    ):
        raise ExperimentError(
            key,
            f"{value!r} cannot name a folder: expected a plain name of at most 100 characters "
            "(letters, digits, '-', '_', ...), without '/', '\\' or a leading '.' or '-'",
        )


def repeated(values: Sequence[Any]) -> tuple[Any, Any] | None:
    """The first two of ``values`` that make the same setting (``1`` and ``1.0``; a
    boolean only equals a boolean), or None."""
    seen: dict[tuple[str, Any], Any] = {}
    for value in values:
        kind = "bool" if isinstance(value, (bool, np.bool_)) else type(value).__name__
        if isinstance(value, (int, float, np.number)) and kind != "bool":
            kind = "number"
        try:
            key = (kind, value)
            hash(key)
        except TypeError:
            key = (kind, repr(value))
        if key in seen:
            return seen[key], value
        seen[key] = value
    return None


def check_text(key, value, empty: bool = False) -> None:
    """Text (non-empty unless ``empty``), or ``ExperimentError`` at ``key``."""
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise ExperimentError(
            key, f"expected {'a' if empty else 'a non-empty'} text, got {value!r}"
        )


def check_int(key, value, low: int, high: int) -> None:
    """An integer in ``[low, high]`` (a boolean is not one), or ``ExperimentError`` at ``key``."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ExperimentError(key, f"expected an integer in [{low}, {high:,}], got {shown(value)}")


def check_model_value(key, name: str, value: Any) -> Any:
    """Model parameter ``name``'s ``value`` converted by its table entry; refused at ``key``
    when ``name`` is unknown (a strategy's flat keyword is pointed to its table), the value
    is not a number, or it is out of range."""
    parameter = PARAMETERS.get(name)
    flat = {
        f"{cls.key}_{p}": f"{cls.__name__}.{p}"
        for cls in STRATEGIES.values()
        for p in cls.PARAMETERS
    }
    if name in flat:
        raise ExperimentError(
            key,
            f"{name} is a strategy's flat keyword; in an experiment write "
            f"[strategies.{flat[name].split('.')[0]}] {flat[name].split('.')[1]} = ..., or "
            f'vary "{flat[name]}"',
        )
    if parameter is None:
        raise ExperimentError(
            key, f"unknown model parameter {name!r}; known parameters are: " + ", ".join(PARAMETERS)
        )
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExperimentError(
            key, f"{name}={value!r} has the wrong type: expected {parameter.allowed}"
        )
    try:
        return parameter.check(value)
    except ValueError as error:
        raise ExperimentError(key, str(error)) from None


def range_or_values(key: tuple[str, ...], value: Any) -> Range | list[Any]:
    """A varied entry as a ``Range`` (a table of exactly ``low`` and ``high``, numbers) or a
    list of values, or ``ExperimentError`` at ``key``."""
    if isinstance(value, Range):
        return value
    if isinstance(value, Mapping):
        extra = sorted(set(value) - {"low", "high"})
        if extra or not {"low", "high"} <= set(value):
            raise ExperimentError(
                key, f"a range is a table with exactly the keys low and high, got {dict(value)!r}"
            )
        for end in ("low", "high"):
            if isinstance(value[end], bool) or not isinstance(value[end], (int, float)):
                raise ExperimentError(key + (end,), f"expected a number, got {value[end]!r}")
        return Range(value["low"], value["high"])
    if isinstance(value, (list, tuple)):
        return list(value)
    raise ExperimentError(
        key, f"expected a list of values or a range {{low = ..., high = ...}}, got {value!r}"
    )
