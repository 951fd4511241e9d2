"""A model to step live in a Jupyter notebook: sliders, a Play control and redrawn plots.

``TeachingPanel`` keeps one ``CommunityModel`` and a figure of four panels (people with
the lifecycle stages shaded, messages, value of joiners and leavers, the group's
network). Its callbacks are plain methods, so a test or a script can drive it without a
browser; ``controls()`` wires them to ipywidgets (install ``commsim[notebooks]``)::

    panel = TeachingPanel(population=500)
    display(panel.controls())        # sliders, seed, Play, Step, Reset and the plots
"""

from __future__ import annotations

import base64
import io
from typing import Any

from matplotlib.figure import Figure

from commsim import analysis, plots
from commsim.classroom.controls import SLIDER_BY_NAME, resolve_seed
from commsim.model import CommunityModel
from commsim.parameters import PARAMETERS

SLIDERS = ("cooling", "social_pull", "ambient_inflow", "expectation", "patience_mean")
"""Parameters the panel offers as sliders (their ranges: ``commsim.classroom.controls``)."""


class TeachingPanel:
    """One model stepped day by day, with plots redrawn after each change.

    Args:
        days: last day of the Play control.
        seed: the model's seed: a whole number >= 0, or blank/None for a random one
            (``commsim.classroom.controls.coerce_seed``).
        **parameters: model parameters (``commsim.parameters.PARAMETERS``); those in
            ``SLIDERS`` become the sliders' starting values.

    Attributes:
        model: the current ``CommunityModel``.
        parameters: the parameters it was built with.
        seed: its seed.
        figure: the figure that ``redraw`` draws on.
    """

    def __init__(self, days: int = 120, seed: int | str | None = 1, **parameters: Any) -> None:
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"days={days!r} is not valid: expected an integer >= 1")
        self.days = days
        self.seed = resolve_seed(seed)
        self.parameters = dict(parameters)
        self.model = CommunityModel(rng=self.seed, **self.parameters)
        self.figure = Figure(figsize=(11, 7))  # outside pyplot: shown only by the panel
        self._widgets: dict[str, Any] = {}
        self._output = None

    # ------------------------------------------------------------------ callbacks
    def reset(self) -> None:
        """Build a fresh model from the current parameters and seed, at day 0."""
        self.model = CommunityModel(rng=self.seed, **self.parameters)
        play = self._widgets.get("play")
        if play is not None and play.value != 0:
            play.value = 0  # its callback, go_to(0), redraws
        else:
            self.redraw()

    def step(self, days: int = 1) -> None:
        """Advance the model by ``days`` days and redraw."""
        self.model.run_for(days)
        self.redraw()

    def go_to(self, day: int) -> None:
        """Run the model to ``day`` (rebuilding it first when ``day`` is in the past)."""
        if day < self.model.day:
            self.model = CommunityModel(rng=self.seed, **self.parameters)
        if day > self.model.day:
            self.model.run_for(day - self.model.day)
        self.redraw()

    def set_parameter(self, name: str, value: float) -> None:
        """Change one parameter (checked against its range) and start the model again."""
        if name not in PARAMETERS:
            raise ValueError(f"unknown parameter {name!r}: expected one of {list(PARAMETERS)}")
        self.parameters[name] = PARAMETERS[name].check(value)
        self.reset()

    def set_seed(self, seed: int | str | None) -> None:
        """Change the seed (text from a box is accepted, ``coerce_seed``'s rule) and start
        the model again."""
        self.seed = resolve_seed(seed)
        self.reset()

    # ------------------------------------------------------------------ drawing
    def redraw(self) -> Figure:
        """Draw the four panels for the model's days so far."""
        figure = self.figure
        figure.clear()
        people, messages, value, network = figure.subplots(2, 2).ravel()
        df = self.model.datacollector.get_model_vars_dataframe()
        plots.plot_lifecycle(df, ["members", "contributors", "lurkers"], ax=people)
        if len(df) > 1:
            plots.shade_stages(analysis.stages_so_far(df), ax=people)
        people.set_title(f"Day {self.model.day}: members, stages shaded")
        plots.plot_lifecycle(df, ["messages", "spam_messages"], ax=messages)
        messages.set_title("Messages per day")
        plots.plot_lifecycle(df, ["mean_value"], ax=value)
        flows = analysis.flow_values(df, window=14)
        value.plot(df.index, flows["joiner_value"], label="joiners' value (14 days)")
        value.plot(df.index, flows["leaver_value"], label="leavers' value (14 days)")
        value.legend()
        value.set_title("Value: evaporative cooling when leavers > joiners")
        plots.plot_network(self.model, max_nodes=150, ax=network)
        figure.tight_layout()
        if self._output is not None:
            # The picture replaces the Output widget's outputs in one assignment, not through
            # ``with output: display(...)``: that route goes through IPython's display hooks,
            # which solara replaces process-wide once its server is imported (and which need
            # a kernel), so the panel draws the same in Jupyter, beside solara or in a script.
            picture = io.BytesIO()
            figure.savefig(picture, format="png", dpi=80)
            png = base64.b64encode(picture.getvalue()).decode("ascii")
            self._output.outputs = (
                {"output_type": "display_data", "data": {"image/png": png}, "metadata": {}},
            )
        return figure

    # ------------------------------------------------------------------ widgets
    def controls(self):
        """The ipywidgets: a slider per parameter in ``SLIDERS``, a seed box, Play, Step,
        Reset, and the plots below them (needs ``pip install commsim[notebooks]``)."""
        try:
            import ipywidgets as widgets
        except ImportError as error:  # pragma: no cover - depends on the environment
            raise ImportError(
                "TeachingPanel.controls needs ipywidgets: pip install 'commsim[notebooks]'"
            ) from error
        sliders = []
        for name in SLIDERS:
            parameter, spec = PARAMETERS[name], SLIDER_BY_NAME[name]
            slider = widgets.FloatSlider(
                value=self.parameters.get(name, parameter.default),
                min=spec.low,
                max=spec.high,
                step=spec.step,
                description=name,
                readout_format=".3f",
                continuous_update=False,
                tooltip=parameter.doc,
            )
            slider.observe(
                lambda change, name=name: self.set_parameter(name, change["new"]), names="value"
            )
            self._widgets[name] = slider
            sliders.append(slider)
        seed = widgets.Text(value=str(self.seed), description="seed", continuous_update=False)
        seed.observe(lambda change: self.set_seed(change["new"]), names="value")
        play = widgets.Play(value=0, min=0, max=self.days, step=1, interval=300, description="play")
        play.observe(lambda change: self.go_to(change["new"]), names="value")
        step = widgets.Button(description="Step")
        step.on_click(lambda _: self.step())
        reset = widgets.Button(description="Reset")
        reset.on_click(lambda _: self.reset())
        self._widgets.update(seed=seed, play=play, step=step, reset=reset)
        self._output = widgets.Output()
        self.redraw()
        buttons = widgets.HBox([play, step, reset, seed])
        return widgets.VBox([widgets.HBox([widgets.VBox(sliders), buttons]), self._output])

    @property
    def widgets(self) -> dict[str, Any]:
        """The controls by name (sliders by parameter name, ``seed``, ``play``, ``step``,
        ``reset``) once ``controls()`` has built them."""
        return self._widgets
