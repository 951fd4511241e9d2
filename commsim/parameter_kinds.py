"""The kinds of entry in a parameter table, each with the check of a value against it.

``Parameter`` is a number with its allowed range (``check`` converts and refuses with a
message naming the parameter, the value and the range); ``Choice`` is one of a few named
values; ``Control`` is how a strategy's parameter is shown in the classroom app (a slider's
ends and step, or a pick). The model's table of them is ``commsim.parameters.PARAMETERS``;
each strategy declares its own (``Strategy.PARAMETERS``, ``Strategy.CONTROLS``).
``shown`` shortens a value for an error message.

A strategy of one's own imports them from ``commsim.parameters``, as the docs show
(``docs/strategies-own.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: keyword name of the parameter.
        default: value used when the user gives none.
        kind: ``int`` or ``float``.
        low: smallest allowed value.
        high: largest allowed value (``math.inf`` for no upper bound).
        doc: one line saying what it means, with its unit.
        low_open: whether ``low`` itself is excluded.
    """

    name: str
    default: float | int
    kind: type
    low: float
    high: float
    doc: str
    low_open: bool = False

    @property
    def allowed(self) -> str:
        """The allowed range in interval notation, e.g. ``(0, 1]``; an infinite bound is
        open (``[0, inf)``: any finite number from 0)."""
        left = "(" if self.low_open else "["
        right = ")" if math.isinf(self.high) else "]"
        high = "inf" if math.isinf(self.high) else f"{self.high:g}"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in {left}{self.low:g}, {high}{right}"

    def check(self, value: Any) -> float | int:
        """Return ``value`` converted to this parameter's kind, or raise ``ValueError``
        naming the parameter, the value and the allowed range.

        Rules: a boolean (also ``numpy.bool_``) is not a number; text is converted (forms
        send text); NaN and infinities are refused (every range's infinite end is open);
        an integer parameter takes whole numbers only (``3.0`` is 3); ``-0.0`` is 0.
        """
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(
                f"{self.name}={shown(value)} is not valid: a boolean is not a number; "
                f"expected {self.allowed}"
            )
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, (int, float)):
            try:
                value = _number(value, self.kind)
            except (TypeError, ValueError, OverflowError, ArithmeticError):
                raise ValueError(
                    f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                ) from None
        if self.kind is float and isinstance(value, int):
            try:
                value = float(value)
            except OverflowError:
                raise ValueError(
                    f"{self.name}={shown(value)} is out of range: expected {self.allowed}"
                ) from None
        if isinstance(value, float):
            if math.isnan(value):
                raise ValueError(
                    f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                )
            if self.kind is int and math.isfinite(value):
                if not value.is_integer():
                    raise ValueError(
                        f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                    )
                value = int(value)
        too_low = value <= self.low if self.low_open else value < self.low
        if (
            (isinstance(value, float) and math.isinf(value)) or too_low or value > self.high
        ):  # compares big ints exactly
            raise ValueError(f"{self.name}={shown(value)} is out of range: expected {self.allowed}")
        return self.kind(value) + (0.0 if self.kind is float else 0)  # -0.0 + 0.0 is 0.0


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)``, shortened to ``limit`` characters (a huge integer, a long text)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def _number(value: Any, kind: type) -> float | int:
    """``value`` (text, a Fraction, a Decimal...) as a Python int or float."""
    if isinstance(value, str):
        text = value.strip()
        if kind is int:
            try:
                return int(text)
            except ValueError:
                return float(text)
        return float(text)
    if kind is int and hasattr(value, "__index__"):
        return int(value.__index__())
    return float(value)


@dataclass(frozen=True)
class Choice:
    """A parameter that takes one of a few named values (e.g. a strategy's ``kind``).

    Attributes:
        name: keyword name of the parameter.
        default: value used when the user gives none.
        choices: the allowed values.
        doc: one line saying what it means.
    """

    name: str
    default: Any
    choices: tuple
    doc: str

    @property
    def allowed(self) -> str:
        """The allowed values, e.g. ``one of 'fee', 'review'``."""
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is one of ``choices`` (``"true"``/``"false"`` strings, as a
        form sends them, count as booleans when the choices are booleans), else raise
        ``ValueError``."""
        if isinstance(value, str) and all(isinstance(c, bool) for c in self.choices):
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        if isinstance(value, np.bool_):
            value = bool(value)
        for choice in self.choices:
            if type(value) is type(choice) and value == choice:
                return choice
        raise ValueError(f"{self.name}={value!r} is not valid: expected {self.allowed}")


@dataclass(frozen=True)
class Control:
    """A strategy parameter shown in the classroom app (a strategy's ``CONTROLS``).

    A number (``Parameter``) is a slider over ``[low, high]`` by ``step``; a ``Choice`` is
    a pick (a checkbox for on/off, else a list), with ``low``, ``high`` and ``step`` None.

    Attributes:
        name: the parameter's name in the strategy's ``PARAMETERS`` (``"budget"``).
        low, high: the slider's ends, inside the parameter's allowed range.
        step: the slider's step (a whole number for an integer parameter).
    """

    name: str
    low: float | None = None
    high: float | None = None
    step: float | None = None

    def check(self, parameter: Parameter | Choice) -> None:
        """Check this control against its parameter's table entry.

        Raises:
            ValueError: naming the control and what is wrong: a slider for a choice, a
                pick for a number, ends outside the parameter's range or not in order, a
                step that is not above 0 (or not whole, for an integer parameter).
        """
        ends = (self.low, self.high, self.step)
        if isinstance(parameter, Choice):
            if ends != (None, None, None):
                raise ValueError(
                    f"control {self.name!r}: {parameter.name} is a choice "
                    f"({parameter.allowed}); give no low, high or step"
                )
            return
        if any(end is None for end in ends):
            raise ValueError(
                f"control {self.name!r}: {parameter.name} is a number; give low, high and step "
                f"of its slider (within {parameter.allowed})"
            )
        for end in (self.low, self.high):
            try:
                parameter.check(end)
            except ValueError as error:
                raise ValueError(f"control {self.name!r}: {error}") from None
        if not self.low < self.high:
            raise ValueError(
                f"control {self.name!r}: low={self.low!r} must be below high={self.high!r}"
            )
        step = self.step
        if isinstance(step, bool) or not isinstance(step, (int, float)) or not step > 0:
            raise ValueError(f"control {self.name!r}: step={step!r} must be a number above 0")
        if parameter.kind is int and float(step) != int(step):
            raise ValueError(
                f"control {self.name!r}: step={step!r} must be a whole number "
                f"({parameter.name} is an integer)"
            )
