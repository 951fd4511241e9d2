"""The classroom: commsim's front-ends for teaching.

* ``controls``: the one seed parser, the sliders and each registered strategy's section;
* ``model``: the ready scenarios (``PRESETS``) and ``ClassroomModel``, built from the
  page's keywords;
* ``figures``: the picture of the group and the live lifecycle plots;
* ``app``: the browser page on Mesa's SolaraViz (``bash scripts/app.sh`` serves it);
* ``teaching``: ``TeachingPanel``, a model stepped live in a Jupyter notebook;
* a class session, students inside the group from their own devices: ``session`` (the
  logic, no web framework), ``student`` (their page and routes), ``teacher`` (the app's
  card, roster and debrief view), ``debrief`` (its figures), ``asgi`` (the one web
  application serving both sides) and ``serve`` (how it is run).

Importing this package does not import a web framework (``app`` does).
"""

from commsim.classroom.controls import (
    DEFAULT_SEED,
    SLIDERS,
    STRATEGY_CONTROLS,
    ChoiceSpec,
    SliderSpec,
    coerce_seed,
    describe_strategies,
    resolve_seed,
)
from commsim.classroom.model import (
    DEFAULT_PRESET,
    PRESETS,
    ClassroomModel,
    Preset,
    current_numbers,
    default_settings,
)

__all__ = [
    "DEFAULT_PRESET", "DEFAULT_SEED", "PRESETS", "SLIDERS", "STRATEGY_CONTROLS", "ChoiceSpec",
    "ClassroomModel", "Preset", "SliderSpec", "coerce_seed", "current_numbers",
    "default_settings", "describe_strategies", "resolve_seed",
]  # fmt: skip
