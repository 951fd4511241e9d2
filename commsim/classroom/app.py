"""The classroom app: a live commsim group in the browser, on Mesa's SolaraViz.

Start it with ``bash scripts/app.sh`` (which runs ``solara run commsim.app``) and open the
printed address. The page has, in the sidebar, a scenario picker (``commsim.classroom.PRESETS``),
Mesa's controls (Reset, Play/Pause, Step, play speed) and a slider for each main model
parameter plus a seed box; in the main area the day's figures, a picture of the group and
four live plots (``commsim.app_figures``).

Each browser session builds its own model (inside the ``Page`` component, never at module
level, where every session would share it). Moving a slider or typing a seed takes effect
at the next Reset, as in every Mesa app; picking a scenario starts it afresh.

The sidebar is put together from SolaraViz's own parts (``ModelController``, ``UserInputs``,
``ShowSteps``) rather than by calling ``SolaraViz``: SolaraViz's sidebar cannot be given a
key, so after a change of scenario solara would keep its old parameter store (empty) and
Reset would fall back to the library defaults instead of the scenario's; and it has one
list of inputs, where the strategies' switches and sliders need a section each. A keyed
sidebar is rebuilt with each scenario.
"""

from __future__ import annotations

from html import escape

import solara
from mesa.visualization.solara_viz import ModelController, ShowSteps, UserInputs
from mesa.visualization.utils import update_counter

from commsim.classroom import (
    DEFAULT_PRESET,
    DEFAULT_SEED,
    PRESETS,
    SLIDERS,
    STRATEGY_CONTROLS,
    ChoiceSpec,
    ClassroomModel,
    Preset,
    SliderSpec,
    coerce_seed,
    current_numbers,
    describe_strategies,
)
from commsim.classroom.figures import GroupPicture, LifecyclePlots


class PageModel(ClassroomModel):
    """The model as the page builds it: a mistyped seed is reported on the page.

    ``ClassroomModel`` refuses a seed that is not a whole number; here Mesa's Reset would
    turn that into a traceback instead of the page. So a bad seed is replaced by a random
    one and the reason is kept in ``seed_error`` for the page to show.
    """

    def __init__(self, *, seed=DEFAULT_SEED, **parameters) -> None:
        try:
            coerce_seed(seed)
            self.seed_error = None
        except ValueError as error:
            self.seed_error = f"{error}; using a random seed instead"
            seed = ""
        super().__init__(seed=seed, **parameters)


def user_input(control: SliderSpec | ChoiceSpec, value, label: str | None = None) -> dict:
    """The SolaraViz input (its ``model_params`` entry) for one control, set to ``value``."""
    label = label or control.label
    if isinstance(control, ChoiceSpec):
        if control.is_switch:
            return {"type": "Checkbox", "value": value, "label": label}
        return {"type": "Select", "value": value, "values": list(control.parameter.choices),
                "label": label}  # fmt: skip
    return {
        "type": "SliderInt" if control.is_int else "SliderFloat",
        "value": value,
        "min": control.low,
        "max": control.high,
        "step": control.step,
        "label": label,
    }


def model_inputs(preset: Preset) -> dict:
    """The seed box and a slider per ``SLIDERS`` entry, at the scenario's values."""
    settings = preset.settings()
    inputs: dict = {
        "seed": {
            "type": "InputText",
            "value": DEFAULT_SEED,
            "label": "seed (a whole number; blank for a random one)",
        }
    }
    inputs.update({c.name: user_input(c, settings[c.name]) for c in SLIDERS})
    return inputs


def strategy_inputs(preset: Preset) -> dict[str, dict]:
    """For each strategy, its switch and sliders (``STRATEGY_CONTROLS``) at the scenario's
    values."""
    settings = preset.settings()
    inputs = {}
    for strategy, controls in STRATEGY_CONTROLS.items():
        key = controls[0].name  # the switch is named by the strategy's key
        inputs[strategy] = {
            c.name: user_input(c, settings[c.name], c.short_label(key)) for c in controls
        }
    return inputs


def model_params(preset: Preset) -> dict:
    """SolaraViz's ``model_params`` for a scenario: every input of ``model_inputs`` and
    ``strategy_inputs``, and the scenario's other settings as fixed values."""
    params = model_inputs(preset)
    for inputs in strategy_inputs(preset).values():
        params.update(inputs)
    params.update({k: v for k, v in preset.settings().items() if k not in params})
    return params


def initial_parameters(preset: Preset) -> dict:
    """What Reset passes before anything is moved: each input's value and the fixed rest."""
    return {
        name: spec["value"] if isinstance(spec, dict) else spec
        for name, spec in model_params(preset).items()
    }


@solara.component
def Numbers(model: ClassroomModel):
    """Today's headline figures, one line, refreshed at every step."""
    update_counter.get()
    now = current_numbers(model)
    value = "n/a" if now["mean_value"] is None else f"{now['mean_value']:.3f}"
    groups = f" | groups: {now['groups']}" if model.n_groups > 1 else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<b>Day {now['day']}</b> | members: <b>{now['members']}</b> | contributors: "
            f"{now['contributors']} | lurkers: {now['lurkers']} | left so far: "
            f"{now['left_total']} | messages today: {now['messages']} | mean value: "
            f"{value}{groups} | stage: <b>{now['stage']}</b> | seed {model.seed}"
        ),
        classes=["commsim-numbers"],
        style={"font-size": "15px", "padding": "4px 0"},
    )
    if getattr(model, "seed_error", None):
        solara.Error(model.seed_error, classes=["commsim-seed-error"])
    settings = ", ".join(f"{slider.label} {model.params[slider.name]:g}" for slider in SLIDERS)
    strategies = describe_strategies(model)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(f"Running with: {settings}. Strategies on: {strategies}."),
        classes=["commsim-settings"],
        style={"font-size": "12px", "color": "#666666"},
    )


@solara.component
def Figures(model: ClassroomModel):
    """The picture of the group beside the four lifecycle plots."""
    counter = update_counter.get()
    population = model.params["population"]
    picture = solara.use_memo(lambda: GroupPicture(population), [population])
    plots = solara.use_memo(LifecyclePlots, [])
    key = (id(model), model.day, counter)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Column(classes=["commsim-group-picture"], style={"width": "auto"}):
            solara.FigureMatplotlib(picture.update(model), dependencies=[key], format="png")
        with solara.Column(classes=["commsim-lifecycle-plots"], style={"width": "auto"}):
            df = model.datacollector.get_model_vars_dataframe()
            solara.FigureMatplotlib(plots.update(df), dependencies=[key], format="png")


@solara.component
def ScenarioViz(preset_name: str):
    """Mesa's controls and the figures for one scenario, with its own model (one per
    browser session). Keyed by the scenario in ``Page``, so a new scenario is a new model
    with fresh controls."""
    preset = PRESETS[preset_name]
    model = solara.use_reactive(solara.use_memo(lambda: PageModel(**preset.settings()), []))
    # what Reset builds the next model from: the scenario's settings, then each move
    parameters = solara.use_reactive(solara.use_memo(lambda: initial_parameters(preset), []))
    play_interval = solara.use_reactive(150)
    render_interval = solara.use_reactive(1)

    def on_change(name, value):
        parameters.value = {**parameters.value, name: value}

    def stop_when_gone():
        # Mesa's play loop runs until the model stops (model.running) or pause; without
        # this, a model left playing would go on stepping after a change of scenario or
        # the end of the session, unseen
        def stop():
            model.value.running = False

        return stop

    solara.use_effect(stop_when_gone, [])

    with solara.AppBar():
        solara.AppBarTitle(f"commsim classroom: {preset.name}")
    with solara.Sidebar():
        with solara.Column().key(f"sidebar-{preset_name}"):
            with solara.Card("Controls"):
                solara.SliderInt("Play interval (ms)", value=play_interval, min=50, max=1000,
                                 step=50)  # fmt: skip
                solara.SliderInt("Render every (days)", value=render_interval, min=1, max=30)
                ModelController(
                    model,
                    model_parameters=parameters,
                    play_interval=play_interval,
                    render_interval=render_interval,
                    use_threads=solara.use_reactive(False),
                )
            with solara.Card("Model parameters"):
                UserInputs(model_inputs(preset), on_change=on_change)
            with solara.Card("Strategies", classes=["commsim-strategies"]):
                for strategy, inputs in strategy_inputs(preset).items():
                    on = bool(parameters.value[STRATEGY_CONTROLS[strategy][0].name])
                    with solara.Details(f"{strategy}{' (on)' if on else ''}", expand=on):
                        UserInputs(inputs, on_change=on_change)
            with solara.Card("Information"):
                ShowSteps(model.value)
    with solara.Column(classes=["commsim-main"]):
        Numbers(model.value)
        Figures(model.value)


@solara.component
def Page():
    """The app: a scenario picker above Mesa's controls, and the chosen scenario."""
    preset_name = solara.use_reactive(DEFAULT_PRESET)
    with solara.Sidebar():
        with solara.Card("Scenario", classes=["commsim-scenario"]):
            solara.Select(label="Preset scenario", values=list(PRESETS), value=preset_name)
            # plain text, not solara.Markdown: Markdown loads KaTeX, which solara-assets lacks
            solara.HTML(tag="p", unsafe_innerHTML=escape(PRESETS[preset_name.value].description))
            solara.HTML(
                tag="p",
                unsafe_innerHTML="Move a slider or type a seed, then press <b>Reset</b> to "
                "start over with it.",
                style={"font-size": "13px", "font-style": "italic"},
            )
    ScenarioViz(preset_name.value).key(preset_name.value)


__all__ = ["Page", "PageModel", "initial_parameters", "model_params"]
