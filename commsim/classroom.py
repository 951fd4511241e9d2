"""The classroom app's model side: presets, sliders, seed handling and a lifecycle stage rule.

Nothing here imports a web framework, so it is tested without a browser and reused by the
benchmark. ``commsim.app`` puts it on a page with Mesa's SolaraViz.

* ``ClassroomModel`` is a ``CommunityModel`` built from flat keyword arguments only (a seed
  as typed in a text box and slider values), as SolaraViz passes them when it resets a model.
* ``PRESETS`` are the ready scenarios a teacher picks from.
* ``SLIDERS`` are the model parameters a teacher can move, with ranges and defaults taken from
  ``commsim.parameters.PARAMETERS`` (narrowed to a useful span where that table is unbounded).
* ``lifecycle_stages`` labels each day with one of the five lifecycle stages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from commsim.model import CommunityModel
from commsim.parameters import PARAMETERS
from commsim.population import NO_GROUP

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
@dataclass(frozen=True)
class SliderSpec:
    """A slider over one model parameter.

    ``low`` and ``high`` lie inside the parameter's allowed range in ``PARAMETERS``; they
    differ from it only where that range is unbounded or far wider than a class needs.
    """

    name: str
    low: float
    high: float
    step: float

    @property
    def parameter(self):
        return PARAMETERS[self.name]

    @property
    def label(self) -> str:
        """The name, readably: ``ambient_inflow`` -> ``ambient inflow``."""
        return self.name.replace("_", " ")

    @property
    def is_int(self) -> bool:
        return self.parameter.kind is int


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


# --------------------------------------------------------------------------- presets
@dataclass(frozen=True)
class Preset:
    """A ready scenario: model parameters that differ from the defaults, and a story.

    Attributes:
        name: what the teacher picks in the app.
        description: what to watch for, in one or two sentences.
        parameters: model parameters (``PARAMETERS`` names) that differ from the defaults.
    """

    name: str
    description: str
    parameters: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))

    def settings(self) -> dict[str, Any]:
        """Every keyword of ``ClassroomModel`` for this preset, defaults filled in."""
        values = {name: p.default for name, p in PARAMETERS.items()}
        values.update(self.parameters)
        return {"seed": DEFAULT_SEED, **values}

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
            "cooling). Watch the dots shrink and the mean value fall.",
            **_CLASS,
        ),
        _preset(
            "Paid threshold",
            "Only people who need the group badly enough get in (an entry fee): fewer join, "
            "they are more patient, and the group keeps its value for longer.",
            **{**_CLASS, "need_mean": 0.7, "patience_mean": 0.7, "ambient_inflow": 0.01},
        ),
        _preset(
            "Red-packet spike",
            "Cash drops make a quiet group talk: messages jump on drop days and fall back "
            "between them.",
            **_CLASS,
        ),
        _preset(
            "KOL who leaves",
            "A few opinion leaders carry the group with regular high-value sharing; watch "
            "what happens to activity and value when they leave.",
            **_CLASS,
        ),
        _preset(
            "Capped and split group",
            "A group capped at its platform limit splits into sub-groups when full, so no "
            "group drowns in chatter.",
            **{**_CLASS, "population": 3000, "ambient_inflow": 0.05},
        ),
    ]
}
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
        **parameters: model parameters (``PARAMETERS``).

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
        """One day of ``CommunityModel.step``; then remember where each member is."""
        super().step()
        members = self.population.group >= 0
        self.last_group[members] = self.population.group[members]

    def remove_members(self, people, today, banned: bool = False) -> None:
        """Remember the group of each leaver before ``CommunityModel.remove_members``."""
        people = np.asarray(people, dtype=np.int64)
        inside = self.population.group[people] != NO_GROUP
        self.last_group[people[inside]] = self.population.group[people[inside]]
        super().remove_members(people, today, banned)


# --------------------------------------------------------------------------- lifecycle
STAGES = ("sprout", "rapid growth", "active interaction", "decline", "silence")
SPROUT, RAPID_GROWTH, ACTIVE, DECLINE, SILENCE = range(5)
STAGE_WINDOW = 7
GROWTH_RATE = 0.02
DECLINE_SHARE = 0.5
SILENCE_SHARE = 0.05


def lifecycle_stages(df: pd.DataFrame, window: int = STAGE_WINDOW) -> pd.Series:
    """The lifecycle stage of each day (an index into ``STAGES``), by a simple rule.

    With ``a(t)`` the ``window``-day mean of non-spam messages, ``A(t) = max a(s), s <= t``
    its running peak, ``m(t)`` the members and ``g(t)`` the ``window``-day mean of
    ``(joined - left) / m(t-1)`` (net growth per day), the stage on day ``t`` is the first
    that applies of:

    * silence: no members, or ``a(t) < 5% A(t)``;
    * decline: ``a(t) < 50% A(t)``;
    * sprout: the group has never had twice its founding size, ``max m(s) < 2 m(0)``;
    * rapid growth: ``g(t) >= 2%`` a day;
    * active interaction: otherwise.

    This is the app's own rule, used until ``commsim.analysis`` provides the library's.
    """
    if df.empty:
        return pd.Series([], dtype=np.int64, name="stage")
    messages = df["messages"] - df.get("spam_messages", 0.0)
    activity = messages.rolling(window, min_periods=1).mean().to_numpy()
    peak = np.maximum.accumulate(activity)
    members = df["members"].to_numpy(dtype=float)
    previous = np.concatenate([[members[0]], members[:-1]])
    net = (df["joined"] - df["left"]).to_numpy(dtype=float)
    net[0] = 0.0  # day 0 "joined" counts the founders
    growth = pd.Series(net / np.maximum(previous, 1.0)).rolling(window, min_periods=1).mean()
    grown = np.maximum.accumulate(members) >= 2 * max(members[0], 1.0)
    stage = np.full(members.size, ACTIVE, dtype=np.int64)
    stage[growth.to_numpy() >= GROWTH_RATE] = RAPID_GROWTH
    stage[~grown] = SPROUT
    stage[activity < DECLINE_SHARE * peak] = DECLINE
    stage[(members == 0) | ((peak > 0) & (activity < SILENCE_SHARE * peak))] = SILENCE
    return pd.Series(stage, index=df.index, name="stage")


def current_numbers(model: CommunityModel) -> dict[str, Any]:
    """Today's headline figures of a model, as the app shows them."""
    df = model.datacollector.get_model_vars_dataframe()
    row = df.iloc[-1]
    stage = STAGES[int(lifecycle_stages(df).iloc[-1])]
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
