"""The classroom's controls: the one seed parser, the sliders and each strategy's section.

One table of controls serves the app (``commsim.classroom.app``) and the notebook panel
(``commsim.classroom.teaching``): ``SLIDERS`` for the model's main parameters, and
``strategy_controls()`` for every registered strategy, a switch then the parameters its
class declares as controls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from commsim.parameter_kinds import Choice, Parameter
from commsim.parameters import PARAMETERS
from commsim.strategies import FLAT_PARAMETERS, registered_strategies

DEFAULT_SEED = "1"


def coerce_seed(seed: Any) -> int | None:
    """Turn a seed as typed in the app (a string) into one the model accepts.

    Rule: surrounding blanks are ignored; an empty text (or ``None``) means a fresh random
    seed (``None``); a whole number >= 0 (``"42"``, ``" 7 "``, ``42``, ``42.0``) is that
    number. Anything else is refused.

    Raises:
        ValueError: naming ``seed``, the value and what is allowed.
    """
    refused = f"seed={seed!r} is not valid: expected a whole number >= 0 or blank"
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise ValueError(refused)
    if isinstance(seed, (int, np.integer)):
        number = int(seed)
    elif isinstance(seed, float):
        if not seed.is_integer():
            raise ValueError(refused)
        number = int(seed)
    elif isinstance(seed, str):
        text = seed.strip()
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            raise ValueError(f"{refused} (blank: a new random seed at each reset)") from None
    else:
        raise ValueError(refused)
    if number < 0:
        raise ValueError(f"seed={seed!r} is out of range: expected a whole number >= 0 or blank")
    return number


def resolve_seed(seed: Any) -> int:
    """The seed to run with: ``coerce_seed(seed)``, or a fresh random one for a blank."""
    chosen = coerce_seed(seed)
    if chosen is None:
        chosen = int(np.random.SeedSequence().generate_state(1)[0])
    return chosen


# --------------------------------------------------------------------------- sliders
def _parameter(name: str) -> Parameter | Choice:
    """The table entry of a model parameter or of a strategy's flat keyword."""
    return PARAMETERS[name] if name in PARAMETERS else FLAT_PARAMETERS[name]


@dataclass(frozen=True)
class _ControlSpec:
    """What every control shows: its parameter (model parameter or flat keyword) and label."""

    name: str

    @property
    def parameter(self) -> Parameter | Choice:
        return _parameter(self.name)

    @property
    def label(self) -> str:
        """The name, readably: ``ambient_inflow`` -> ``ambient inflow``."""
        return self.name.replace("_", " ")

    def short_label(self, key: str) -> str:
        """The label without a strategy's prefix: ``red_packets_budget`` -> ``budget``."""
        return self.name.removeprefix(f"{key}_").replace("_", " ")


@dataclass(frozen=True)
class SliderSpec(_ControlSpec):
    """A slider over one model parameter or strategy parameter (flat keyword).

    ``low`` and ``high`` lie inside the parameter's allowed range (``PARAMETERS`` or
    ``commsim.strategies.FLAT_PARAMETERS``); they differ from it only where that range is
    unbounded or far wider than a class needs.
    """

    low: float
    high: float
    step: float

    @property
    def is_int(self) -> bool:
        return self.parameter.kind is int


@dataclass(frozen=True)
class ChoiceSpec(_ControlSpec):
    """A pick among a strategy parameter's choices: a checkbox for on/off, else a list."""

    def short_label(self, key: str) -> str:
        """``red_packets`` -> ``use red packets``; ``size_cap_split`` -> ``split``."""
        if self.name == key:
            return f"use {self.label}"
        return super().short_label(key)

    @property
    def is_switch(self) -> bool:
        return set(self.parameter.choices) == {False, True}


SLIDERS: tuple[SliderSpec, ...] = (
    SliderSpec("population", 200, 5000, 100),
    SliderSpec("initial_members", 2, 100, 1),
    SliderSpec("ambient_inflow", 0.0, 0.1, 0.005),
    SliderSpec("promotion_days", 1.0, 120.0, 1.0),
    SliderSpec("social_pull", 0.0, 0.3, 0.01),
    SliderSpec("need_mean", 0.05, 1.0, 0.05),
    SliderSpec("value_mean", 0.05, 1.0, 0.05),
    SliderSpec("patience_mean", 0.05, 1.0, 0.05),
    SliderSpec("activity_mean", 0.01, 0.5, 0.01),
    SliderSpec("spammer_share", 0.0, 0.2, 0.01),
    SliderSpec("attention_budget", 20.0, 2000.0, 10.0),
    SliderSpec("novelty", 0.0, 10.0, 0.1),
    SliderSpec("expectation", 0.0, 1.5, 0.05),
    SliderSpec("cooling", 0.0, 3.0, 0.1),
    SliderSpec("patience_days", 1.0, 60.0, 1.0),
)
"""The main model parameters, each on a slider."""

SLIDER_BY_NAME: dict[str, SliderSpec] = {slider.name: slider for slider in SLIDERS}


# --------------------------------------------------------------------------- strategies
def registered_controls() -> dict[str, tuple[type, tuple]]:
    """Every registered strategy by class name: its class and the controls it declares,
    each ``(name, low, high, step)`` (``low`` None for a pick).

    The one place the classroom learns which strategies exist.
    """
    return {
        name: (cls, tuple((c.name, c.low, c.high, c.step) for c in cls.CONTROLS))
        for name, cls in registered_strategies().items()
    }


def strategy_controls() -> dict[str, tuple[ChoiceSpec | SliderSpec, ...]]:
    """For each registered strategy (by class name), its section: the switch (its key),
    then a slider for each numeric control and a pick for each choice, as flat keywords
    (``red_packets``, ``red_packets_budget``)."""
    sections = {}
    for name, (cls, controls) in registered_controls().items():
        specs: list[ChoiceSpec | SliderSpec] = [ChoiceSpec(cls.key)]
        for control, low, high, step in controls:
            flat = f"{cls.key}_{control}"
            if isinstance(FLAT_PARAMETERS[flat], Choice) or low is None:
                specs.append(ChoiceSpec(flat))
            else:
                specs.append(SliderSpec(flat, low, high, step))
        sections[name] = tuple(specs)
    return sections


STRATEGY_CONTROLS: dict[str, tuple[ChoiceSpec | SliderSpec, ...]] = strategy_controls()
"""Each strategy's switch and its controls (flat keywords, ``commsim.strategies``)."""


def describe_strategies(model) -> str:
    """The model's operator strategies, each by the name of its section in the sidebar
    with its controls' values as the sidebar shows them (``format_value``), e.g.
    ``RedPackets (budget 5000, amount 1000, every 7, start 60, fatigue 1)``; ``none``
    when there is none.

    Rule: an operator strategy is a registered one (``STRATEGY_CONTROLS`` has its
    section). Other hooks on the model's day are left out: a class session's ``Students``
    (its students' presence, not an operator's policy) has no section and no controls.
    """
    described = []
    for strategy in model.strategies:
        name = type(strategy).__name__
        if name not in STRATEGY_CONTROLS:
            continue
        key = type(strategy).key
        values = [
            f"{control.short_label(key)} "
            f"{format_value(getattr(strategy, control.name.removeprefix(f'{key}_')))}"
            for control in STRATEGY_CONTROLS[name][1:]  # the first is the switch
        ]
        described.append(f"{name} ({', '.join(values)})" if values else name)
    return "; ".join(described) or "none"


def format_value(value: Any) -> str:
    """A control's value as the page shows it: ``0.05``, ``2000``, ``on``/``off``, ``fee``."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
