"""The classroom app: a live commsim group in the browser, on solara (as Mesa's SolaraViz).

Start it with ``bash scripts/app.sh`` (``commsim.classroom.serve``: uvicorn on
``commsim.classroom.asgi``) and open the printed address. The sidebar has a scenario
picker (``PRESETS``), the controls (Reset, Play/Pause, Step and the speed in days a
second), a class session's card, a slider for each main model parameter and a seed box,
and a section per registered strategy; every control shows its value. The main area has
today's figures, the picture of the group and the live plots (``commsim.classroom.figures``),
sized to fit a 1280x720 screen.

A class session (``commsim.classroom.session``; the teacher's side in
``commsim.classroom.teacher``, the students' in ``commsim.classroom.student``) replaces the
page's model with the session's, whose students are marked on the picture.

Each browser session builds its own model (inside the ``Page`` component, never at module
level, where every session would share it). Moving a slider or typing a seed takes effect
at the next Reset; picking a scenario starts it afresh.

Playing is paced by the clock, not by the drawing: a thread (``play``) steps the model so
that ``speed`` days pass each second and redraws the figures at most every ``FRAME_SECONDS``
and only once the last frame has been drawn (a redraw costs far more than a day of the
model), so the days a second do not depend on how long a redraw takes. The model is
stepped and drawn under one lock.

The sidebar uses Mesa's ``UserInputs`` for the parameters; the controller is the app's own
(``Controller``): Mesa's ``ModelController`` redraws after every ``render_interval`` days
and sleeps ``play_interval`` between them, so its speed is set by the redraw's cost.

Why this module is a little over 400 lines: the page is one solara component tree (sidebar,
main area, play loop and the controller they share), kept whole so that the state that
ties them (the model, the lock, the frame requests) has one home.
"""

from __future__ import annotations

import contextlib
import threading
import time
from html import escape

import reacton.ipywidgets as rw
import solara
import solara.server.kernel_context as kernel_context
from mesa.visualization.solara_viz import UserInputs

from commsim.classroom.controls import (
    DEFAULT_SEED,
    SLIDERS,
    STRATEGY_CONTROLS,
    ChoiceSpec,
    SliderSpec,
    coerce_seed,
    describe_strategies,
    format_value,
)
from commsim.classroom.figures import GroupPicture, LifecyclePlots, png
from commsim.classroom.model import (
    DEFAULT_PRESET,
    PRESETS,
    ClassroomModel,
    Preset,
    current_numbers,
    event_marks,
)
from commsim.classroom.session import ClassSession
from commsim.classroom.teacher import ClassCard, Debrief, Roster, use_class_session

FRAME_SECONDS = 0.25
"""Least time between two redraws while playing."""
SPEEDS = (1, 30)
"""The range of the speed slider, in simulated days a second."""
DEFAULT_SPEED = 10


class PageModel(ClassroomModel):
    """The model as the page builds it: a mistyped seed is reported on the page.

    ``ClassroomModel`` refuses a seed that is not a whole number; here Reset would turn
    that into a traceback instead of the page. So a bad seed is replaced by a random one
    and the reason is kept in ``seed_error`` for the page to show.
    """

    def __init__(self, *, seed=DEFAULT_SEED, **parameters) -> None:
        try:
            coerce_seed(seed)
            self.seed_error = None
        except ValueError as error:
            self.seed_error = f"{error}; using a random seed instead"
            seed = ""
        super().__init__(seed=seed, **parameters)
        self.lock = threading.Lock()


def user_input(control: SliderSpec | ChoiceSpec, value, label: str | None = None) -> dict:
    """The ``UserInputs`` entry for one control, set to ``value``; a slider's label shows
    its value (``population = 2000``)."""
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
        "label": f"{label} = {format_value(value)}",
    }


def model_inputs(values: dict) -> dict:
    """The seed box and a slider per ``SLIDERS`` entry, at ``values``."""
    inputs: dict = {
        "seed": {
            "type": "InputText",
            "value": str(values.get("seed", DEFAULT_SEED)),
            "label": "seed (a whole number; blank for a random one)",
        }
    }
    inputs.update({c.name: user_input(c, values[c.name]) for c in SLIDERS})
    return inputs


def strategy_inputs(values: dict) -> dict[str, dict]:
    """For each strategy, its switch and controls (``STRATEGY_CONTROLS``) at ``values``."""
    inputs = {}
    for strategy, controls in STRATEGY_CONTROLS.items():
        key = controls[0].name  # the switch is named by the strategy's key
        inputs[strategy] = {
            c.name: user_input(c, values[c.name], c.short_label(key)) for c in controls
        }
    return inputs


def initial_parameters(preset: Preset) -> dict:
    """What Reset builds the model from before anything is moved: the scenario's settings."""
    return preset.settings()


def step_days(model: PageModel, days: int) -> None:
    """Advance ``model`` by up to ``days`` days (fewer if it stops), under its lock."""
    with model.lock:
        for _ in range(days):
            if not model.running:
                return
            model.step()


def play(model: PageModel, speed, playing, redraw) -> int:
    """Step ``model`` at ``speed()`` days a second while ``playing()``, calling ``redraw()``
    at most every ``FRAME_SECONDS``; returns the days stepped.

    Day ``k`` (from 1) is due ``k / speed`` seconds after the start (or after the last
    change of speed); after a redraw, the days that fell due meanwhile are stepped at once
    (at most one second's worth), so the days a second hold whatever a redraw costs.
    """
    rate = speed()
    start, done, total = time.monotonic(), 0, 0
    drawn = start
    while playing() and model.running:
        if speed() != rate:  # a new speed counts from now
            rate, start, done = speed(), time.monotonic(), 0
        due = int((time.monotonic() - start) * rate)
        if due > done:
            todo = min(due - done, max(int(rate), 1))
            before = model.steps
            step_days(model, todo)
            done += todo
            total += model.steps - before
            if due - done > rate:  # far behind (a stalled machine): forget the lag
                start, done = time.monotonic(), 0
        if time.monotonic() - drawn >= FRAME_SECONDS:
            redraw()
            drawn = time.monotonic()
        wait = start + (done + 1) / rate - time.monotonic()
        if wait > 0:
            time.sleep(min(wait, FRAME_SECONDS))
    return total


@solara.component
def Controller(
    model: solara.Reactive,
    parameters: solara.Reactive,
    frame: solara.Reactive,
    looping: solara.Reactive,
    in_session: bool = False,
    drawn: list | None = None,
):
    """Reset, Play/Pause and Step, and the speed (days a second) while playing; Reset is
    off while a class session runs (``in_session``: its model is the session's).

    Play starts a thread of its own (in the session's kernel context, so that its redraws
    reach this page): solara's threaded tasks held back the redraws of a loop started after
    a Reset and a change of speed.
    """
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    error = solara.use_reactive(None)

    def redraw():
        frame.value += 1

    def next_frame():
        # the play loop asks for a frame only once the last one was drawn (``drawn[0]``,
        # set by ``Figures``): whichever thread renders would otherwise take every request
        # that comes while it draws, and when a redraw is slower than ``FRAME_SECONDS`` (a
        # loaded machine) it would never finish a render and the page would never change
        if drawn is None or drawn[0] >= frame.value:
            redraw()

    def run(context):
        with context if context is not None else contextlib.nullcontext():
            try:
                play(model.value, lambda: speed.value, lambda: playing.value, next_frame)
            except Exception as failure:  # shown on the page instead of a silent stop
                error.value = f"error while playing: {failure}"
            finally:
                playing.value = False
                looping.value = False  # ``Numbers`` shows it with the final day
                redraw()

    def toggle():
        if playing.value:
            playing.value = False
            return
        if looping.value:  # the last loop is still ending
            return
        playing.value = looping.value = True
        has = kernel_context.has_current_context()
        context = kernel_context.get_current_context() if has else None
        threading.Thread(target=run, args=(context,), daemon=True, name="commsim-play").start()

    def reset():
        playing.value = False
        error.value = None
        model.value = PageModel(**parameters.value)
        redraw()

    def step():
        step_days(model.value, 1)
        redraw()

    running = model.value.running
    with solara.Row(justify="space-between"):
        solara.Button(label="Reset", color="primary", on_click=reset, disabled=in_session)
        solara.Button(label="❚❚" if playing.value else "▶", color="primary", on_click=toggle,
                      disabled=not running or (looping.value and not playing.value))  # fmt: skip
        solara.Button(label="Step", color="primary", on_click=step,
                      disabled=playing.value or looping.value or not running)  # fmt: skip
    solara.SliderInt(f"speed = {speed.value} days a second", value=speed, min=SPEEDS[0],
                     max=SPEEDS[1], thumb_label=False)  # fmt: skip
    if error.value:
        solara.Error(error.value)


NUMBERS_STYLE = {"font-size": "18px", "padding": "2px 0", "line-height": "1.3"}


@solara.component
def Numbers(model: PageModel, frame: solara.Reactive, looping: solara.Reactive):
    """Today's headline figures, one line, refreshed at every redraw (``frame``): members,
    those who posted and those who muted the group, members' own messages (spam apart),
    leavers so far, mean value and stage (the number of groups is in the picture's title);
    with a hidden mark of whether the play loop is running, drawn with the same day (so a
    page that shows the loop ended shows the day it ended on)."""
    frame.get()  # only this and ``Figures`` redraw with each frame, not the sidebar
    with model.lock:
        now = current_numbers(model)
    value = "n/a" if now["mean_value"] is None else f"{now['mean_value']:.2f}"
    spam = f" (+{now['spam']} spam)" if now["spam"] else ""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<b>Day {now['day']}</b> | members <b>{now['members']}</b> | posted "
            f"{now['contributors']} | muted {now['muted']} | messages "
            f"<b>{now['messages']}</b>{spam} | left "
            f"{now['left_total']} | value {value} | stage <b>{now['stage']}</b>"
            f'<span class="commsim-looping" hidden>{"playing" if looping.value else "ended"}'
            "</span>"
        ),
        classes=["commsim-numbers"],
        style=NUMBERS_STYLE,
    )
    if getattr(model, "seed_error", None):
        solara.Error(model.seed_error, classes=["commsim-seed-error"])
    settings = ", ".join(f"{slider.label} {model.params[slider.name]:g}" for slider in SLIDERS)
    strategies = describe_strategies(model)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(
            f"Seed {model.seed}. Strategies on: {strategies}. Running with: {settings}."
        ),
        classes=["commsim-settings"],
        style={"font-size": "13px", "color": "#555555", "white-space": "nowrap",
               "overflow": "hidden", "text-overflow": "ellipsis"},
    )  # fmt: skip


@solara.component
def Figures(model: PageModel, frame: solara.Reactive, session: ClassSession | None = None,
            drawn: list | None = None):  # fmt: skip
    """The picture of the group beside the lifecycle plots, redrawn at each ``frame``, with
    a hidden mark of the day they show; a class session's students are marked on the
    picture."""
    population = model.params["population"]
    students = session is not None
    picture = solara.use_memo(lambda: GroupPicture(population, students=students),
                              [population, students])  # fmt: skip
    plots = solara.use_memo(LifecyclePlots, [])

    def draw() -> tuple[bytes, bytes, int]:
        with model.lock:
            marked = {s["person"]: s["name"] for s in session.roster()} if students else None
            picture.update(model, marked)
            plots.update(model.daily(), event_marks(model))
            day = model.day
        return png(picture.figure), png(plots.figure), day

    images = solara.use_memo(draw, [id(model), model.day, frame.get()])
    if drawn is not None:
        drawn[0] = frame.value  # this frame is drawn (``Controller``'s play loop waits for it)
    with solara.Row(style={"flex-wrap": "nowrap", "align-items": "flex-start", "gap": "4px"}):
        with solara.Column(classes=["commsim-group-picture"], style={"width": "auto"}):
            rw.Image(value=images[0], format="png")
        with solara.Column(classes=["commsim-lifecycle-plots"], style={"width": "auto"}):
            rw.Image(value=images[1], format="png")
            # the day the figures show (a redraw may lag the numbers line while playing)
            solara.HTML(tag="span", unsafe_innerHTML=str(images[2]),
                        classes=["commsim-drawn-day"], style={"display": "none"})  # fmt: skip


@solara.component
def ScenarioViz(preset_name: str, in_class: solara.Reactive | None = None):
    """The controls and the figures for one scenario, with its own model (one per browser
    session). Keyed by the scenario in ``Page``, so a new scenario is a new model with
    fresh controls. A class session started here (``ClassCard``) replaces the model with
    the session's (``in_class`` is True while it runs); once it ends, the main area shows
    its debrief."""
    preset = PRESETS[preset_name]
    model = solara.use_reactive(solara.use_memo(lambda: PageModel(**preset.settings()), []))
    # what Reset builds the next model from: the scenario's settings, then each move
    parameters = solara.use_reactive(solara.use_memo(lambda: initial_parameters(preset), []))
    frame = solara.use_reactive(0)
    looping = solara.use_reactive(False)  # the play thread has not ended yet
    drawn = solara.use_memo(lambda: [0], [])  # the last frame ``Figures`` drew
    room = use_class_session(PageModel, model, parameters, frame)

    def on_change(name, value):
        parameters.value = {**parameters.value, name: value}

    def stop_when_gone():
        # the play thread runs until the model stops or pause; without this, a model left
        # playing would go on stepping after a change of scenario or the end of the session
        def stop():
            model.value.running = False

        return stop

    solara.use_effect(stop_when_gone, [])
    if in_class is not None and in_class.value != room.in_session:
        in_class.set(room.in_session)

    with solara.AppBar():
        solara.AppBarTitle(f"commsim classroom: {preset.name}")
    with solara.Sidebar():
        with solara.Column().key(f"sidebar-{preset_name}"):
            with solara.Card("Run", classes=["commsim-controls"]):
                Controller(model, parameters, frame, looping, room.in_session, drawn)
            ClassCard(room, frame, looping.value)
            with solara.Card("Model parameters"):
                UserInputs(model_inputs(parameters.value), on_change=on_change)
            with solara.Card("Strategies", classes=["commsim-strategies"]):
                for strategy, inputs in strategy_inputs(parameters.value).items():
                    on = bool(parameters.value[STRATEGY_CONTROLS[strategy][0].name])
                    with solara.Details(f"{strategy}{' (on)' if on else ''}", expand=on):
                        UserInputs(inputs, on_change=on_change)
    with solara.Column(classes=["commsim-main"], style={"padding": "0", "gap": "0"}):
        if room.debriefing:
            Debrief(room.session, room.close)
        else:
            Numbers(model.value, frame, looping)
            if room.in_session:
                Roster(room.session, room.roster_frame)
            Figures(model.value, frame, room.session if room.in_session else None, drawn)


@solara.component
def Page():
    """The app: a scenario picker above the controls, and the chosen scenario."""
    solara.Title("commsim classroom")
    solara.Style(PAGE_CSS)
    preset_name = solara.use_reactive(DEFAULT_PRESET)
    in_class = solara.use_reactive(False)  # a class session runs: the scenario stays
    with solara.Sidebar():
        with solara.Card("Scenario", classes=["commsim-scenario"]):
            solara.Select(label="Preset scenario", values=list(PRESETS), value=preset_name,
                          disabled=in_class.value)  # fmt: skip
            if not in_class.value:  # room for the class session's card
                # plain text, not solara.Markdown: Markdown loads KaTeX, which solara-assets
                # lacks
                solara.HTML(tag="p",
                            unsafe_innerHTML=escape(PRESETS[preset_name.value].description),
                            style={"font-size": "15px", "margin": "4px 0"})  # fmt: skip
                solara.HTML(
                    tag="p",
                    unsafe_innerHTML="Move a slider or type a seed, then press <b>Reset</b> to "
                    "start over with it.",
                    style={"font-size": "13px", "font-style": "italic", "margin": "0"},
                )
    ScenarioViz(preset_name.value, in_class).key(preset_name.value)


PAGE_CSS = """
/* room for the figures at 1280x720: a narrower sidebar (solara's is 400 px) and less padding */
.v-navigation-drawer--open { min-width: 300px !important; width: 300px !important; }
.v-content[style*="400px"] { padding-left: 300px !important; }
.v-content__wrap > div { padding: 4px 8px !important; }
.solara-autorouter-content > .v-sheet { row-gap: 0 !important; }
.v-navigation-drawer .v-card__title { font-size: 17px; padding: 6px 12px; }
.commsim-debrief-table th, .commsim-debrief-table td { text-align: left; }
"""


__all__ = ["FRAME_SECONDS", "Page", "PageModel", "initial_parameters", "play", "step_days"]
