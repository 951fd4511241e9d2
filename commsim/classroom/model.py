"""The classroom's model side: presets, the model built from the page's keywords, today's
figures.

Nothing here imports a web framework, so it is tested without a browser and reused by the
benchmark. ``commsim.classroom.app`` puts it on a page with Mesa's SolaraViz.

* ``ClassroomModel`` is a ``CommunityModel`` built from flat keyword arguments only (a seed
  as typed in a text box and slider values), as SolaraViz passes them when it resets a model.
* ``PRESETS`` are the ready scenarios a teacher picks from.
* the lifecycle stage of each day comes from ``commsim.analysis.stages_so_far``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from commsim.analysis import stages_so_far
from commsim.classroom.controls import DEFAULT_SEED, resolve_seed
from commsim.model import CommunityModel
from commsim.parameters import PARAMETERS
from commsim.strategies import FLAT_PARAMETERS


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
            "An entry fee: only people who need the group and will pay for it get in, and "
            "paying commits them (more patient, content with less). Fewer join, more stay, "
            "and the group keeps its value and its life for longer than the open group.",
            **_CLASS, entry_threshold=True, entry_threshold_kind="fee",
            entry_threshold_level=0.3,
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
            (``commsim.strategies.registry``).

    Attributes:
        seed: the seed actually used (an int, drawn at random when none was typed).
        last_group: for every person, the group they were last seen in (-1: never a
            member); leavers keep theirs, so the picture can show where they left from.
        spammer_counts: for each day so far (day 0 first), the spammers among the members
            and among the day's contributors, so that the page can tell members' own
            activity apart from spam (the model counts spammers as contributors).
    """

    def __init__(self, *, seed: Any = DEFAULT_SEED, scenario: Any = None, **parameters: Any):
        if scenario is not None and (scenario.rng is not None or set(dict(scenario)) - {"rng"}):
            raise ValueError(
                f"scenario={scenario!r} is not valid: expected None or an empty Scenario "
                "(give the seed as seed= and the parameters as keywords)"
            )
        self.seed = resolve_seed(seed)
        super().__init__(rng=self.seed, **parameters)
        self.last_group = self.population.group.copy()

    def step(self) -> None:
        """One day of ``CommunityModel.step``; then remember where each member is, and
        where each of today's leavers left from (``today.left_groups``)."""
        super().step()
        members = self.population.member_mask
        self.last_group[members] = self.population.group[members]
        self.last_group[self.today.left] = self.today.left_groups

    def daily(self) -> pd.DataFrame:
        """The day-by-day frame of the model (``datacollector``), with ``own_contributors``
        and ``own_messages`` as the app names them: the model's ``contributors`` and
        ``messages`` already leave spammers and spam out (``spammers`` and
        ``spam_messages`` are their own columns)."""
        df = self.datacollector.get_model_vars_dataframe()
        return df.assign(own_contributors=df["contributors"], own_messages=df["messages"])


def current_numbers(model: ClassroomModel, df: pd.DataFrame | None = None) -> dict[str, Any]:
    """Today's headline figures of a model, as the app shows them: members' own activity
    (``contributors`` and ``messages`` without the spammers and their spam) apart from
    ``spammers`` and ``spam``, and the members who have muted the group (``muted``: still
    members, posting nothing). ``df`` is ``model.daily()`` when already at hand."""
    df = model.daily() if df is None else df
    row = df.iloc[-1]
    stage = str(stages_so_far(df).iloc[-1])
    mean_value = float(row["mean_value"])
    return {
        "day": int(model.day),
        "members": int(row["members"]),
        "contributors": int(row["own_contributors"]),
        "lurkers": int(row["lurkers"]),
        "muted": int(row["muted"]),
        "spammers": int(row["spammers"]),
        "left_total": int(df["left"].sum()),
        "messages": int(round(row["own_messages"])),
        "spam": int(round(row["spam_messages"])),
        "mean_value": None if math.isnan(mean_value) else round(mean_value, 3),
        "groups": int(row["active_groups"]),
        "stage": stage,
    }


# --------------------------------------------------------------------------- events
def event_marks(model: CommunityModel) -> dict[str, list[int]]:
    """The days to mark on the plots, by label, as each of the model's strategies gives
    them (``Strategy.marks``: red-packet drops, KOL departures, group splits, scheduled
    events, an entry threshold's first day, or a strategy of one's own); the days of a
    label two strategies share are merged."""
    marks: dict[str, set[int]] = {}
    for strategy in model.strategies:
        for label, days in strategy.marks().items():
            marks.setdefault(label, set()).update(int(day) for day in days)
    return {label: sorted(days) for label, days in marks.items()}


def group_caps(model: CommunityModel) -> np.ndarray | None:
    """Each group's cap (``SizeCap.max_members``; its private group, if any, has none:
    ``-1``), or None when no strategy caps the groups."""
    for strategy in model.strategies:
        if type(strategy).__name__ == "SizeCap":
            caps = np.full(model.n_groups, strategy.max_members, dtype=np.int64)
            if 0 <= strategy.private < model.n_groups:
                caps[strategy.private] = -1
            return caps
    return None
