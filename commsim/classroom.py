"""The classroom app's model side: presets, sliders, seed handling and a lifecycle stage rule.

Nothing here imports a web framework, so it is tested without a browser and reused by the
benchmark. ``commsim.app`` puts it on a page with Mesa's SolaraViz.

* ``ClassroomModel`` is a ``CommunityModel`` built from flat keyword arguments only (a seed
  as typed in a text box and slider values), as SolaraViz passes them when it resets a model.
* ``PRESETS`` are the ready scenarios a teacher picks from.
* ``SLIDERS`` are the model parameters a teacher can move, with ranges and defaults taken from
  ``commsim.parameters.PARAMETERS`` (narrowed to a useful span where that table is unbounded);
  ``STRATEGY_CONTROLS`` the same for each strategy's switch and main parameters (its flat
  keywords, ``commsim.strategies.FLAT_PARAMETERS``).
* the lifecycle stage of each day comes from ``commsim.analysis.stages_so_far``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from commsim.analysis import stages_so_far
from commsim.model import CommunityModel
from commsim.parameters import PARAMETERS, Choice, Parameter
from commsim.strategies import FLAT_PARAMETERS

DEFAULT_SEED = "1"


def coerce_seed(seed: Any) -> int | None:
    """Turn a seed as typed in the app (a string) into one the model accepts.

    Rule: surrounding blanks are ignored; an empty text (or ``None``) means a fresh random
    seed (``None``); a whole number >= 0 (``"42"``, ``" 7 "``, ``42``, ``42.0``) is that
    number. Anything else is refused.

    Raises:
        ValueError: naming ``seed``, the value and what is allowed.
    """
    if seed is None:
        return None
    if isinstance(seed, bool):
        raise ValueError(f"seed={seed!r} is not valid: expected a whole number >= 0 or blank")
    if isinstance(seed, (int, np.integer)):
        number = int(seed)
    elif isinstance(seed, float):
        if not seed.is_integer():
            raise ValueError(f"seed={seed!r} is not valid: expected a whole number >= 0 or blank")
        number = int(seed)
    elif isinstance(seed, str):
        text = seed.strip()
        if not text:
            return None
        try:
            number = int(text)
        except ValueError:
            raise ValueError(
                f"seed={seed!r} is not valid: expected a whole number >= 0 or blank "
                "(blank: a new random seed at each reset)"
            ) from None
    else:
        raise ValueError(f"seed={seed!r} is not valid: expected a whole number >= 0 or blank")
    if number < 0:
        raise ValueError(f"seed={seed!r} is out of range: expected a whole number >= 0 or blank")
    return number


# --------------------------------------------------------------------------- sliders
def _parameter(name: str) -> Parameter | Choice:
    """The table entry of a model parameter or of a strategy's flat keyword."""
    return PARAMETERS[name] if name in PARAMETERS else FLAT_PARAMETERS[name]


@dataclass(frozen=True)
class SliderSpec:
    """A slider over one model parameter or strategy parameter (flat keyword).

    ``low`` and ``high`` lie inside the parameter's allowed range (``PARAMETERS`` or
    ``commsim.strategies.FLAT_PARAMETERS``); they differ from it only where that range is
    unbounded or far wider than a class needs.
    """

    name: str
    low: float
    high: float
    step: float

    @property
    def parameter(self) -> Parameter:
        return _parameter(self.name)

    @property
    def label(self) -> str:
        """The name, readably: ``ambient_inflow`` -> ``ambient inflow``."""
        return self.name.replace("_", " ")

    def short_label(self, key: str) -> str:
        """The label without a strategy's prefix: ``red_packets_budget`` -> ``budget``."""
        return self.name.removeprefix(f"{key}_").replace("_", " ")

    @property
    def is_int(self) -> bool:
        return self.parameter.kind is int


@dataclass(frozen=True)
class ChoiceSpec:
    """A pick among a strategy parameter's choices: a checkbox for on/off, else a list."""

    name: str

    @property
    def parameter(self) -> Choice:
        return _parameter(self.name)

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")

    def short_label(self, key: str) -> str:
        """``red_packets`` -> ``use red packets``; ``size_cap_split`` -> ``split``."""
        if self.name == key:
            return f"use {self.label}"
        return self.name.removeprefix(f"{key}_").replace("_", " ")

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
    SliderSpec("attention_budget", 20.0, 500.0, 10.0),
    SliderSpec("novelty", 0.0, 2.0, 0.05),
    SliderSpec("expectation", 0.0, 1.5, 0.05),
    SliderSpec("cooling", 0.0, 3.0, 0.1),
    SliderSpec("patience_days", 1.0, 60.0, 1.0),
)
"""The main model parameters, each on a slider."""

STRATEGY_CONTROLS: dict[str, tuple[ChoiceSpec | SliderSpec, ...]] = {
    "EntryThreshold": (
        ChoiceSpec("entry_threshold"), ChoiceSpec("entry_threshold_kind"),
        SliderSpec("entry_threshold_level", 0.0, 1.0, 0.05),
        SliderSpec("entry_threshold_price", 0.0, 500.0, 10.0),
    ),
    "RedPackets": (
        ChoiceSpec("red_packets"), SliderSpec("red_packets_budget", 0.0, 10000.0, 100.0),
        SliderSpec("red_packets_amount", 10.0, 1000.0, 10.0),
        SliderSpec("red_packets_every", 1, 30, 1), SliderSpec("red_packets_start", 1, 200, 1),
        SliderSpec("red_packets_fatigue", 0.0, 2.0, 0.05),
    ),
    "Badges": (
        ChoiceSpec("badges"), SliderSpec("badges_threshold", 1, 200, 1),
        SliderSpec("badges_gain", 0.0, 5.0, 0.1), SliderSpec("badges_letdown", 0.0, 1.0, 0.05),
    ),
    "InviteLeaderboard": (
        ChoiceSpec("invite_leaderboard"),
        SliderSpec("invite_leaderboard_prize", 0.0, 2000.0, 50.0),
        SliderSpec("invite_leaderboard_period", 1, 60, 1),
        SliderSpec("invite_leaderboard_periods", 1, 20, 1),
    ),
    "KOLSeeding": (
        ChoiceSpec("kol_seeding"), SliderSpec("kol_seeding_count", 1, 20, 1),
        SliderSpec("kol_seeding_value", 0.0, 1.0, 0.05),
        SliderSpec("kol_seeding_sharing_every", 1, 30, 1),
        SliderSpec("kol_seeding_leave_on", 0, 365, 1),
    ),
    "SizeCap": (
        ChoiceSpec("size_cap"), SliderSpec("size_cap_max_members", 20, 1000, 10),
        ChoiceSpec("size_cap_split"), SliderSpec("size_cap_overload", 0.0, 5.0, 0.1),
        ChoiceSpec("size_cap_matrix"),
    ),
    "Moderation": (
        ChoiceSpec("moderation"), SliderSpec("moderation_spam_removal", 0.0, 1.0, 0.05),
        SliderSpec("moderation_strictness", 0.0, 1.0, 0.01),
    ),
    "ScheduledEvents": (
        ChoiceSpec("scheduled_events"), SliderSpec("scheduled_events_every", 1, 30, 1),
        SliderSpec("scheduled_events_boost", 0.0, 5.0, 0.1),
        SliderSpec("scheduled_events_habit", 0.0, 1.0, 0.05),
    ),
    "Referral": (ChoiceSpec("referral"), SliderSpec("referral_reward", 0.0, 100.0, 1.0)),
    "ContentMix": (
        ChoiceSpec("content_mix"), SliderSpec("content_mix_operator_posts", 0.0, 100.0, 1.0),
        SliderSpec("content_mix_on_topic", 0.0, 1.0, 0.05),
    ),
    "Conversion": (
        ChoiceSpec("conversion"), SliderSpec("conversion_rate", 0.0, 1.0, 0.01),
        SliderSpec("conversion_revenue", 0.0, 1000.0, 10.0),
    ),
}  # fmt: skip
"""Each strategy's switch and main parameters (flat keywords, ``commsim.strategies``)."""


def describe_strategies(model: CommunityModel) -> str:
    """The model's strategies with the values of their controls, e.g.
    ``RedPackets(budget=5000, amount=1000, every=7, start=60, fatigue=0.3)``; ``none``."""
    described = []
    for strategy in model.strategies:
        name = type(strategy).__name__
        key = getattr(type(strategy), "key", "")
        controls = STRATEGY_CONTROLS.get(name, ())[1:]
        values = []
        for control in controls:
            value = getattr(strategy, control.name.removeprefix(f"{key}_"))
            values.append(f"{control.short_label(key).replace(' ', '_')}={value:g}"
                          if isinstance(value, float) else
                          f"{control.short_label(key).replace(' ', '_')}={value}")  # fmt: skip
        described.append(f"{name}({', '.join(values)})")
    return ", ".join(described) or "none"


def default_settings() -> dict[str, Any]:
    """Every keyword of ``ClassroomModel`` at its default: model parameters, and every
    strategy off (switch ``False``) with its parameters at their defaults."""
    values: dict[str, Any] = {"seed": DEFAULT_SEED}
    values.update({name: p.default for name, p in PARAMETERS.items()})
    values.update({name: p.default for name, p in FLAT_PARAMETERS.items()})
    return values


# --------------------------------------------------------------------------- presets
@dataclass(frozen=True)
class Preset:
    """A ready scenario: settings that differ from the defaults, and what to watch for.

    Attributes:
        name: what the teacher picks in the app.
        description: what to watch for, in one or two sentences.
        parameters: model parameters and strategy flat keywords (``red_packets=True``,
            ``red_packets_budget=3000``) that differ from ``default_settings()``.
    """

    name: str
    description: str
    parameters: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def settings(self) -> dict[str, Any]:
        """Every keyword of ``ClassroomModel`` for this preset, defaults filled in."""
        return {**default_settings(), **self.parameters}

    def build(self, seed: Any = DEFAULT_SEED, **overrides: Any) -> ClassroomModel:
        """A fresh model of this scenario (``overrides`` replace any setting)."""
        return ClassroomModel(**{**self.settings(), "seed": seed, **overrides})


def _preset(name: str, description: str, **parameters: Any) -> Preset:
    return Preset(name, description, MappingProxyType(parameters))


# A classroom population: big enough for a group of several hundred, small enough to redraw
# fast. The scenarios below differ from it only in what the story needs.
_CLASS = {"population": 2000, "ambient_inflow": 0.03}

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        _preset(
            "Open group cooling",
            "An open group that anyone may join: it booms, fills with people who bring less "
            "than its founders, and its most valuable members leave first (evaporative "
            "cooling). Watch the big dots disappear and the mean value fall.",
            **_CLASS,
        ),
        _preset(
            "Paid threshold",
            "An entry fee: only people who need the group enough pay to get in, and paying "
            "makes them more patient. Fewer join, more stay, and the group keeps its value "
            "for longer than the open group.",
            **_CLASS, entry_threshold=True, entry_threshold_kind="fee",
            entry_threshold_level=0.6,
        ),
        _preset(
            "Red-packet spike",
            "From day 60, as the group cools, the operator drops a red packet every week: "
            "messages jump on drop days (grabbing and thanks, no value) and fall back between "
            "them; fatigue makes each spike smaller, and the members do not come back.",
            **_CLASS, red_packets=True, red_packets_budget=5000.0, red_packets_amount=1000.0,
            red_packets_every=7, red_packets_start=60,
        ),
        _preset(
            "KOL who leaves",
            "Three opinion leaders (stars) share high-value content every week and draw "
            "their followers in; on day 60 they leave. Watch messages and value drop after.",
            **_CLASS, kol_seeding=True, kol_seeding_count=3, kol_seeding_leave_on=60,
        ),
        _preset(
            "Capped and split group",
            "Groups hold at most 200 members; a full group splits, half its members moving "
            "to a new sub-group, so no group drowns in chatter. Watch new groups appear.",
            **{**_CLASS, "population": 3000, "ambient_inflow": 0.05}, size_cap=True,
            size_cap_max_members=200, size_cap_split=True,
        ),
    ]
}  # fmt: skip
DEFAULT_PRESET = "Open group cooling"


# --------------------------------------------------------------------------- the model
class ClassroomModel(CommunityModel):
    """A ``CommunityModel`` built from flat keywords, as the app's controls give them.

    Args:
        seed: the seed as typed in the app: a whole number, or blank for a random one
            (see ``coerce_seed``).
        scenario: what SolaraViz's Reset passes: an empty ``mesa.experimental.scenarios``
            Scenario, accepted and unused (the seed comes from ``seed``, the parameters
            from the keywords). One that carries a seed or parameters is refused.
        **parameters: model parameters (``PARAMETERS``) and strategies' flat keywords
            (``commsim.strategies.keywords``).

    Attributes:
        seed: the seed actually used (an int, drawn at random when none was typed).
        last_group: for every person, the group they were last seen in (-1: never a
            member); leavers keep theirs, so the picture can show where they left from.
    """

    def __init__(self, *, seed: Any = DEFAULT_SEED, scenario: Any = None, **parameters: Any):
        if scenario is not None and (scenario.rng is not None or set(dict(scenario)) - {"rng"}):
            raise ValueError(
                f"scenario={scenario!r} is not valid: expected None or an empty Scenario "
                "(give the seed as seed= and the parameters as keywords)"
            )
        chosen = coerce_seed(seed)
        if chosen is None:
            chosen = int(np.random.SeedSequence().generate_state(1)[0])
        self.seed = chosen
        super().__init__(rng=chosen, **parameters)
        self.last_group = self.population.group.copy()

    def step(self) -> None:
        """One day of ``CommunityModel.step``; then remember where each member is, and
        where each of today's leavers left from (``today.left_groups``)."""
        super().step()
        members = self.population.member_mask
        self.last_group[members] = self.population.group[members]
        self.last_group[self.today.left] = self.today.left_groups


def current_numbers(model: CommunityModel) -> dict[str, Any]:
    """Today's headline figures of a model, as the app shows them."""
    df = model.datacollector.get_model_vars_dataframe()
    row = df.iloc[-1]
    stage = str(stages_so_far(df).iloc[-1])
    mean_value = float(row["mean_value"])
    return {
        "day": int(model.day),
        "members": int(row["members"]),
        "contributors": int(row["contributors"]),
        "lurkers": int(row["lurkers"]),
        "left_total": int(df["left"].sum()),
        "messages": int(row["messages"]),
        "mean_value": None if math.isnan(mean_value) else round(mean_value, 3),
        "groups": int(row["active_groups"]),
        "stage": stage,
    }
