"""The classroom app's pure-Python parts: seeds, presets, sliders, stages, figures, sessions.

The browser itself is driven in ``test_app_browser.py``.
"""

from __future__ import annotations

import contextlib
import io
import math
import time

import matplotlib.text
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from commsim import CommunityModel, analysis
from commsim.analysis import STAGES
from commsim.classroom import (
    PRESETS,
    SLIDERS,
    STRATEGY_CONTROLS,
    ChoiceSpec,
    ClassroomModel,
    SliderSpec,
    coerce_seed,
    current_numbers,
    describe_strategies,
)
from commsim.classroom.controls import format_value
from commsim.classroom.figures import RECENT_DAYS, GroupPicture, LifecyclePlots, spiral_slots
from commsim.classroom.model import event_marks
from commsim.parameters import PARAMETERS, validate
from commsim.population import CONTRIBUTOR, KOL, LEFT, MUTED, SPAMMER
from commsim.strategies import FLAT_PARAMETERS, STRATEGIES, strategies_from_keywords

SMALL = {"population": 300, "ambient_inflow": 0.05}
SPROUT, RAPID_GROWTH, ACTIVE, DECLINE, SILENCE = range(len(STAGES))


def lifecycle_stages(df: pd.DataFrame, window: int = 7) -> pd.Series:
    """The app's stages as codes (``analysis.stages_so_far``)."""
    return analysis.stages_so_far(df, window=window).cat.codes


def frame(model) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


# --------------------------------------------------------------------------- seeds
@pytest.mark.parametrize(
    "typed, seed",
    [("42", 42), (" 7 ", 7), ("0", 0), (5, 5), (np.int64(9), 9), (3.0, 3), ("", None),
     ("   ", None), (None, None)],
)  # fmt: skip
def test_coerce_seed_accepts_whole_numbers_and_blank(typed, seed):
    assert coerce_seed(typed) == seed


@pytest.mark.parametrize("typed", ["abc", "1.5", "-1", -3, 2.5, True, [1], "1e3"])
def test_coerce_seed_refuses_anything_else_naming_seed(typed):
    with pytest.raises(ValueError, match=r"seed=.*whole number >= 0 or blank"):
        coerce_seed(typed)


def test_seed_typed_as_text_gives_the_same_run_as_the_number():
    typed = ClassroomModel(seed=" 5 ", **SMALL)
    plain = CommunityModel(rng=5, **SMALL)
    typed.run_for(30)
    plain.run_for(30)
    assert typed.seed == 5
    pd.testing.assert_frame_equal(frame(typed), frame(plain))


def test_blank_seed_draws_a_recorded_seed_that_reproduces_the_run():
    first = ClassroomModel(seed="", **SMALL)
    again = ClassroomModel(seed=str(first.seed), **SMALL)
    first.run_for(20)
    again.run_for(20)
    pd.testing.assert_frame_equal(frame(first), frame(again))


def test_a_scenario_with_content_is_refused():
    from mesa.experimental.scenarios import Scenario

    ClassroomModel(seed="1", scenario=Scenario(), **SMALL)  # what SolaraViz's Reset passes
    with pytest.raises(ValueError, match="scenario="):
        ClassroomModel(seed="1", scenario=Scenario(rng=3), **SMALL)
    with pytest.raises(ValueError, match="scenario="):
        ClassroomModel(seed="1", scenario=Scenario(population=10), **SMALL)


def test_bad_seed_or_parameter_fails_before_building():
    with pytest.raises(ValueError, match="seed='x1'"):
        ClassroomModel(seed="x1", **SMALL)
    with pytest.raises(ValueError, match="need_mean"):
        ClassroomModel(seed="1", need_mean=1.5)


# --------------------------------------------------------------------------- sliders
ALL_SLIDERS = SLIDERS + tuple(
    c for controls in STRATEGY_CONTROLS.values() for c in controls if isinstance(c, SliderSpec)
)


def test_sliders_lie_inside_the_parameter_table():
    for slider in ALL_SLIDERS:
        parameter = PARAMETERS.get(slider.name) or FLAT_PARAMETERS[slider.name]
        assert parameter.check(slider.low) == slider.low
        assert parameter.check(slider.high) == slider.high
        assert slider.low < slider.high and slider.step > 0
        assert slider.low <= parameter.default <= slider.high, slider.name
        if slider.is_int:
            assert all(float(x).is_integer() for x in (slider.low, slider.high, slider.step))


def test_every_preset_value_fits_its_slider():
    for preset in PRESETS.values():
        settings = preset.settings()
        for slider in ALL_SLIDERS:
            assert slider.low <= settings[slider.name] <= slider.high, (preset.name, slider.name)


def test_every_strategy_has_its_switch_first_then_its_own_parameters():
    assert set(STRATEGY_CONTROLS) == set(STRATEGIES)
    for name, controls in STRATEGY_CONTROLS.items():
        key = STRATEGIES[name].key
        switch, *rest = controls
        assert isinstance(switch, ChoiceSpec) and switch.name == key and switch.is_switch
        assert rest and all(c.name.removeprefix(f"{key}_") in STRATEGIES[name].PARAMETERS
                            for c in rest)  # fmt: skip
        for choice in (c for c in rest if isinstance(c, ChoiceSpec)):
            assert FLAT_PARAMETERS[choice.name].default in choice.parameter.choices


# --------------------------------------------------------------------------- presets
def test_the_five_presets_exist():
    assert list(PRESETS) == [
        "Open group cooling", "Paid threshold", "Red-packet spike", "KOL who leaves",
        "Capped and split group",
    ]  # fmt: skip


PRESET_STRATEGIES = {
    "Open group cooling": [], "Paid threshold": ["EntryThreshold"],
    "Red-packet spike": ["RedPackets"], "KOL who leaves": ["KOLSeeding"],
    "Capped and split group": ["SizeCap"],
}  # fmt: skip


@pytest.mark.parametrize("name", list(PRESETS))
def test_each_preset_builds_a_valid_model_that_runs(name):
    preset = PRESETS[name]
    strategies, rest = strategies_from_keywords(dict(preset.parameters))
    validate(rest)
    assert [type(s).__name__ for s in strategies] == PRESET_STRATEGIES[name]
    assert set(preset.settings()) == {"seed", *PARAMETERS, *FLAT_PARAMETERS}
    model = preset.build(seed="3")
    assert [type(s).__name__ for s in model.strategies] == PRESET_STRATEGIES[name]
    model.run_for(20)
    df = frame(model)
    assert len(df) == 21 and df["members"].iloc[-1] > 0
    members = df["members"].to_numpy()
    assert (members[1:] == members[:-1] + df["joined"].to_numpy()[1:]
            - df["left"].to_numpy()[1:]).all()  # fmt: skip
    again = preset.build(seed=3)
    again.run_for(20)
    pd.testing.assert_frame_equal(df, frame(again))


def test_the_page_shows_each_preset_value_and_reset_rebuilds_exactly_the_preset():
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    from commsim.classroom.app import PageModel, initial_parameters, model_inputs, strategy_inputs

    controls = {c.name for cs in STRATEGY_CONTROLS.values() for c in cs}
    for preset in PRESETS.values():
        values = initial_parameters(preset)
        inputs = model_inputs(values)
        for section in strategy_inputs(values).values():
            inputs.update(section)
        assert set(inputs) == {"seed"} | {s.name for s in SLIDERS} | controls
        for name, spec in inputs.items():
            assert spec["value"] == (str(values[name]) if name == "seed" else values[name])
            if spec["type"].startswith("Slider"):  # the value is in the label, always shown
                assert spec["label"].endswith(f" = {format_value(values[name])}")
        model, rebuilt = preset.build(), PageModel(**values)
        model.run_for(15)
        rebuilt.run_for(15)
        pd.testing.assert_frame_equal(frame(model), frame(rebuilt))


def test_describe_strategies_lists_each_strategy_with_its_controls():
    assert describe_strategies(PRESETS["Open group cooling"].build(**SMALL)) == "none"
    model = PRESETS["Red-packet spike"].build(**SMALL, moderation=True)
    assert describe_strategies(model) == (
        "RedPackets (budget 5000, amount 1000, every 7, start 60, fatigue 2); "
        "Moderation (spam removal 0.8, strictness 0.02)"
    )
    capped = PRESETS["Capped and split group"].build(**SMALL)
    described = "SizeCap (max members 200, split on, overload 0, matrix off)"
    assert describe_strategies(capped) == described


@pytest.mark.parametrize(("name", "described"), [
    ("Open group cooling", "none"),
    ("Paid threshold", "EntryThreshold (kind fee, level 0.3, price 100)"),
])  # fmt: skip
def test_a_class_sessions_students_are_not_described_as_a_strategy(name, described):
    """A class session's model carries the ``Students`` hooks before the scenario's own
    strategies; the page's settings line names only the operator's strategies."""
    from commsim.classroom.session import ClassSession
    from commsim.classroom.session_day import Students

    session = ClassSession.build(ClassroomModel, {**PRESETS[name].settings(), **SMALL})
    assert isinstance(session.model.strategies[0], Students)
    assert describe_strategies(session.model) == described


# --------------------------------------------------------------------------- stages
@pytest.mark.parametrize("name", list(PRESETS))
def test_the_stage_band_does_not_flicker_over_10_seeds(name):
    """Flicker is a return to the stage just left within 5 days (A, B, A). A group may pass
    through a stage quickly on its way (growth, active, decline in a few days), and may
    come back when its activity sets a new peak, or from silence when it climbs to four
    times silence's line within a week (a red packet, a wave of joiners: a revival, not a
    group murmuring near the line)."""
    for seed in range(10):
        model = PRESETS[name].build(seed=seed, population=1000)
        model.run_for(300)
        df = frame(model)
        codes = lifecycle_stages(df).to_numpy()
        activity = analysis.daily_activity(df, 7).to_numpy()
        peak = np.maximum.accumulate(activity)
        changes = np.flatnonzero(np.diff(codes) != 0) + 1  # first day of each new stage
        for left, back in zip(changes[:-1], changes[1:], strict=True):
            returned = codes[back] == codes[left - 1] and back - left < 5
            week = activity[back : back + 7]
            revival = (week >= peak[left - 1]).any() or (
                codes[left] == STAGES.index("silence")
                and (week >= 4 * analysis.SILENCE_SHARE * peak[left - 1]).any()
            )
            assert not returned or revival, f"seed {seed}: flicker on days {left}-{back}: {codes}"


def test_open_groups_go_through_the_stages_in_order_over_20_seeds():
    firsts = []
    for seed in range(20):
        model = PRESETS["Open group cooling"].build(seed=seed, population=400)
        model.run_for(150)
        stages = lifecycle_stages(frame(model)).to_numpy()
        assert stages[0] == SPROUT
        grew = np.flatnonzero(stages == RAPID_GROWTH)
        declined = np.flatnonzero(stages >= DECLINE)
        assert grew.size and declined.size, f"seed {seed}: {stages}"
        assert grew[0] < declined[0]
        assert (stages[: grew[0]] == SPROUT).all()
        firsts.append(declined[0])
    assert len(set(firsts)) > 1  # the day differs by seed: the rule reads the run


def test_current_numbers_report_the_last_day():
    model = PRESETS["Open group cooling"].build(population=400)
    model.run_for(12)
    now = current_numbers(model)
    last = frame(model).iloc[-1]
    assert now["day"] == 12 and now["members"] == last["members"]
    assert now["stage"] in STAGES
    assert math.isclose(now["mean_value"], last["mean_value"], abs_tol=5e-4)


def test_current_numbers_count_the_members_who_muted_the_group():
    model = PRESETS["Open group cooling"].build(population=400)
    model.run_for(60)  # long enough for members whose patience ran out to mute
    now, pop = current_numbers(model), model.population
    muted = int(np.count_nonzero(pop.member_mask & (pop.state == MUTED)))
    assert now["muted"] == muted == frame(model)["muted"].iloc[-1] and muted > 0


# --------------------------------------------------------------------------- figures
def test_spiral_slots_are_fixed_and_evenly_spread():
    slots = spiral_slots(500)
    assert np.array_equal(slots, spiral_slots(500))
    assert np.allclose(np.hypot(*slots.T), np.sqrt(np.arange(500) + 0.5))
    gaps = np.sqrt(((slots[:, None] - slots[None]) ** 2).sum(-1)) + np.eye(500) * 99
    nearest = gaps.min(axis=1)  # each slot covers an area pi: neighbours ~1.7 apart
    assert nearest.min() > 1.2 and 1.5 < nearest.mean() < 1.9


def test_group_picture_keeps_people_in_place_and_shows_members_and_recent_leavers():
    model = PRESETS["Open group cooling"].build(seed=2, population=400)
    picture = GroupPicture(400)
    model.run_for(30)
    people, xy = picture.positions(model)
    where = dict(zip(people.tolist(), map(tuple, xy), strict=True))
    model.run_for(10)
    later, later_xy = picture.positions(model)
    stayed = [i for i in later.tolist() if i in where]
    assert stayed, "somebody should still be there"
    for i, position in zip(later.tolist(), map(tuple, later_xy), strict=True):
        if i in where:
            assert position == where[i]
    pop = model.population
    expected = (pop.group >= 0) | ((pop.state == LEFT) & (pop.left_day >= model.day - RECENT_DAYS))
    assert set(later.tolist()) == set(np.flatnonzero(expected).tolist())
    assert len({tuple(p) for p in later_xy}) == later.size  # no two people on one slot


def test_group_picture_marks_kols_and_spammers():
    model = PRESETS["Open group cooling"].build(seed=4, population=400, spammer_share=0.1)
    model.run_for(20)
    members = np.flatnonzero(model.population.group >= 0)
    model.population.role[members[:3]] = KOL  # mark three members as KOLs for the picture
    picture = GroupPicture(400)
    picture.update(model)
    people, _ = picture.positions(model)
    role = model.population.role[people]
    assert len(picture.kols.get_offsets()) == 3
    assert len(picture.spammers.get_offsets()) == int((role == SPAMMER).sum()) > 0
    assert len(picture.regular.get_offsets()) == int(((role != KOL) & (role != SPAMMER)).sum())
    assert "Day 20" in picture.title.get_text()


def test_group_picture_draws_every_group_after_a_split():
    model = PRESETS["Open group cooling"].build(seed=1, population=400)
    model.run_for(15)
    members = np.flatnonzero(model.population.group >= 0)
    model.add_group(founders=members[: members.size // 2])
    model.step()
    picture = GroupPicture(400)
    picture.update(model)
    assert [t.get_text() for t in picture.labels] == [str(n) for n in model.group_sizes()]
    assert picture.rings == []  # no cap, no ring
    people, xy = picture.positions(model)
    group = model.last_group[people]
    assert xy[group == 0, 0].max() < xy[group == 1, 0].min()  # side by side
    model.add_group(founders=members[: members.size // 4])
    model.step()
    people, xy = picture.positions(model)
    group = model.last_group[people]
    assert xy[group == 2, 1].max() < xy[group == 0, 1].min()  # the third starts a new row


def test_lifecycle_plots_show_every_day_with_labelled_axes():
    model = PRESETS["Open group cooling"].build(population=400)
    model.run_for(25)
    plots = LifecyclePlots()
    df = model.daily()
    plots.update(df)
    for line in plots.lines.values():
        assert len(line.get_xdata()) == 26
    assert list(plots.lines["members"].get_ydata()) == df["members"].tolist()
    assert plots.people.get_ylabel() == "people"
    assert plots.talk.get_ylabel() == "per day"
    assert plots.value.get_xlabel() == "day"
    assert [t.get_text() for t in plots.people.get_legend().get_texts()] == [
        "all", "posted", "read only", "muted"
    ]  # fmt: skip
    assert list(plots.lines["muted"].get_ydata()) == df["muted"].tolist()
    stage = analysis.stages_so_far(df).iloc[-1]
    assert plots.band_title.get_text() == f"Stage: {stage}"


def test_joiner_and_leaver_curves_are_the_count_weighted_flow_values():
    model = PRESETS["Open group cooling"].build(population=400)
    model.run_for(60)
    plots = LifecyclePlots()
    df = model.daily()
    plots.update(df)
    flows = analysis.flow_values(df, window=14)
    for name in ("joiner_value", "leaver_value"):
        np.testing.assert_array_equal(plots.lines[name].get_ydata(), flows[name].to_numpy())


def test_members_own_messages_are_drawn_apart_from_spam():
    model = PRESETS["Open group cooling"].build(seed=3, population=400, spammer_share=0.1)
    model.run_for(40)
    df = model.daily()
    # the model's messages leave spam out already: nothing is subtracted twice
    assert (df["own_messages"] == df["messages"]).all()
    written = model.population.contributions[model.population.role != SPAMMER].sum()
    assert df["messages"].sum() == pytest.approx(written)
    assert df["spam_messages"].sum() > 0 and (df["spammers"] > 0).any()
    pop = model.population
    inside = pop.group >= 0
    assert df["spammers"].iloc[-1] == int((inside & (pop.role == SPAMMER)).sum())
    own = int((inside & (pop.role != SPAMMER) & (pop.state == CONTRIBUTOR)).sum())
    assert df["own_contributors"].iloc[-1] == own
    now = current_numbers(model)
    assert (now["messages"], now["spam"]) == (
        round(df["own_messages"].iloc[-1]),
        round(df["spam_messages"].iloc[-1]),
    )
    plots = LifecyclePlots()
    plots.update(df)
    np.testing.assert_array_equal(plots.lines["own_messages"].get_ydata(), df["own_messages"])
    np.testing.assert_array_equal(plots.lines["spam_messages"].get_ydata(), df["spam_messages"])


TITLES = ("left", "center", "right")


def test_legends_and_titles_lie_outside_the_data_and_text_is_12_points_or_more():
    model = PRESETS["Red-packet spike"].build(population=600)
    model.run_for(80)
    picture, plots = GroupPicture(600), LifecyclePlots()
    picture.update(model)
    plots.update(model.daily(), event_marks(model))
    for figure in (picture.figure, plots.figure):
        renderer = FigureCanvasAgg(figure).get_renderer()
        figure.draw(renderer)
        data = [ax.get_window_extent(renderer) for ax in figure.axes]
        legends = [ax.get_legend() for ax in figure.axes if ax.get_legend()] + figure.legends
        assert legends
        titles = [  # the axes' titles, at any of their places (left, centre, right)
            text.get_window_extent(renderer)
            for ax in figure.axes
            for text in ax.findobj(matplotlib.text.Text)
            if text.get_text() and text.get_text() in {ax.get_title(loc) for loc in TITLES}
        ]
        assert len(titles) == (4 if figure is plots.figure else 0)  # the band's, the plots'
        for legend in legends:
            box = legend.get_window_extent(renderer)
            name = legend.get_texts()[0].get_text()
            assert not any(box.overlaps(ax) for ax in data), name
            assert not any(box.overlaps(title) for title in titles), name
            assert figure.bbox.contains(box.x0, box.y0) and figure.bbox.contains(box.x1, box.y1)
        texts = [t for t in figure.findobj(matplotlib.text.Text) if t.get_text().strip()]
        assert min(t.get_fontsize() for t in texts) >= 12


def test_events_are_marked_where_the_strategies_recorded_them():
    model = PRESETS["Red-packet spike"].build(population=600)
    model.run_for(80)
    marks = event_marks(model)
    assert marks == {"red packet": [60, 67, 74]}
    plots = LifecyclePlots()
    plots.update(model.daily(), marks)
    for line in plots.marks["red packet"]:  # one line a drop, in each plot
        assert [segment[0, 0] for segment in line.get_segments()] == [60, 67, 74]
    kol = PRESETS["KOL who leaves"].build(population=600)
    kol.run_for(70)
    assert event_marks(kol) == {"KOLs leave": [60]}
    capped = PRESETS["Capped and split group"].build(seed=1)
    capped.run_for(40)
    splits = event_marks(capped)["group splits"]
    assert splits and splits == sorted({day for day, _, _ in capped.strategies[0].splits})
    fee = PRESETS["Paid threshold"].build(population=600)
    assert event_marks(fee) == {"fee from day 1": [1]}


def test_a_strategy_of_ones_own_marks_its_events_as_the_built_ins_do():
    """``event_marks`` asks each strategy for its ``marks()``: no table of built-in names,
    so an unregistered probe's events are drawn too, and a label two strategies share
    is drawn once with the days of both."""
    from commsim.strategies import RedPackets, Strategy

    class Notice(Strategy, register=False):
        def setup(self, model):
            super().setup(model)
            self.days = []

        def start_day(self, model, today):
            if today.day % 10 == 0:
                self.days.append(today.day)

        def marks(self):
            return {"notice": self.days, "red packet": [3]}

    model = ClassroomModel(seed=2, population=300, strategies=[
        Notice(), RedPackets(start=5, every=7, budget=300, amount=100)])  # fmt: skip
    model.run_for(25)
    marks = event_marks(model)
    assert marks == {"notice": [10, 20], "red packet": [3, 5, 12, 19]}
    plots = LifecyclePlots()
    plots.update(model.daily(), marks)
    for line in plots.marks["notice"]:
        assert [segment[0, 0] for segment in line.get_segments()] == [10, 20]


def test_the_capped_view_shows_each_group_against_its_cap():
    model = PRESETS["Capped and split group"].build(seed=1)
    model.run_for(40)
    assert model.n_groups > 1
    picture = GroupPicture(model.params["population"])
    picture.update(model)
    sizes = model.group_sizes()
    assert [t.get_text() for t in picture.labels] == [f"{n}/200" for n in sizes]
    assert len(picture.rings) == model.n_groups
    assert {round(ring.get_radius() ** 2 - 0.5) for ring in picture.rings} == {200}
    _, xy = picture.positions(model)
    for ring in picture.rings:  # the rings do not overlap
        others = [r for r in picture.rings if r is not ring]
        gaps = [np.hypot(*np.subtract(ring.center, r.center)) for r in others]
        assert min(gaps) >= 2 * ring.get_radius()


def test_lifecycle_plots_rescale_as_the_group_grows():
    model = PRESETS["Open group cooling"].build(population=400)
    plots = LifecyclePlots()
    plots.update(model.daily())  # day 0: 12 founders, no messages
    assert plots.people.get_ylim()[1] < 20
    model.run_for(30)
    df = model.daily()
    plots.update(df)
    assert df["members"].max() <= plots.people.get_ylim()[1] <= 1.1 * df["members"].max()
    top = df[["own_messages", "spam_messages"]].max().max()
    assert top <= plots.talk.get_ylim()[1] <= 1.1 * top
    assert plots.people.get_xlim() == (-0.5, 30.5)


# --------------------------------------------------------------------------- sessions
def render_page():
    """One browser session of the app, rendered without a browser (``solara.render``)."""
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import solara

    import commsim.classroom.app as app

    @solara.component
    def Session():
        with solara.AppLayout():
            app.Page()

    return solara.render(Session(), handle_error=False)[1]


def html_texts(rc) -> list[str]:
    """The HTML of every text widget on a rendered page."""
    import solara.widgets

    return [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]


def test_the_page_reports_a_mistyped_seed_instead_of_failing():
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    from commsim.classroom.app import PageModel

    model = PageModel(seed="abc", **SMALL)
    assert "seed='abc' is not valid" in model.seed_error and isinstance(model.seed, int)
    model = PageModel(seed=" 12", **SMALL)
    assert model.seed_error is None and model.seed == 12


def test_each_session_has_its_own_model():
    first, second = render_page(), render_page()
    import ipyvuetify as v

    import commsim.classroom.app as app

    assert not any(isinstance(value, CommunityModel) for value in vars(app).values())

    def day_shown(rc) -> str:
        return next(t for t in html_texts(rc) if t.startswith("<b>Day")).split("</b>")[0][3:]

    for _ in range(3):
        first.find(v.Btn, children=["Step"]).widget.click()
    assert day_shown(first) == "Day 3"
    numbers = next(t for t in html_texts(first) if t.startswith("<b>Day"))
    assert " | muted 0 | " in numbers and " | posted " in numbers  # no one muted on day 3
    assert day_shown(second) == "Day 0"
    second.find(v.Btn, children=["Step"]).widget.click()
    assert (day_shown(first), day_shown(second)) == ("Day 3", "Day 1")


def test_reset_after_a_change_of_scenario_keeps_the_scenario_and_the_moved_slider():
    rc = render_page()
    import ipyvuetify as v

    def running_with(rc) -> str:
        return next(t for t in html_texts(rc) if "Running with" in t)

    rc.find(v.Select, label="Preset scenario").widget.v_model = "Capped and split group"
    assert "Strategies on: SizeCap (max members 200, split on" in running_with(rc)
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert "Strategies on: SizeCap (max members 200" in running_with(rc)
    assert "population 3000" in running_with(rc)
    rc.find(v.Slider, label="population = 3000").widget.v_model = 4000
    rc.find(v.Checkbox, label="use red packets").widget.v_model = True
    budgets = [w for w in rc.find(v.Slider).widgets if w.label.startswith("budget = ")]
    assert len(budgets) == 1  # only red packets have a budget
    budgets[0].v_model = 700.0
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert "population 4000" in running_with(rc)
    assert "Strategies on: RedPackets (budget 700, " in running_with(rc)
    assert "; SizeCap (max members 200" in running_with(rc)


# --------------------------------------------------------------------------- preset stories
# Each story is strategy behaviour, tested once in tests/test_strategies_*.py (the fee
# keeps fewer, more valuable members; red packets spike messages on drop days; a KOL's
# departure costs messages; no group exceeds its cap). What a preset adds is the scenario
# its story is watched in: the open group, with its strategy switched on.
STORY_STRATEGY = {"Paid threshold": "entry_threshold", "Red-packet spike": "red_packets",
                  "KOL who leaves": "kol_seeding"}  # fmt: skip


@pytest.mark.parametrize("name", list(STORY_STRATEGY))
def test_each_story_is_the_open_group_with_its_strategy_on(name):
    key = STORY_STRATEGY[name]
    open_, story = PRESETS["Open group cooling"].settings(), PRESETS[name].settings()
    changed = {k for k in story if story[k] != open_[k]}
    assert story[key] is True and all(k == key or k.startswith(key + "_") for k in changed)


@pytest.mark.parametrize("seed", range(3))
def test_the_red_packets_story_is_the_open_group_until_its_first_drop(seed):
    """The red packets start on day 60, as the open group cools: until then the story's
    run is the open group's run, day for day (same seed)."""
    runs = []
    for name in ("Open group cooling", "Red-packet spike"):
        model = PRESETS[name].build(seed=seed, population=600)
        model.run_for(59)
        runs.append(frame(model))
    pd.testing.assert_frame_equal(*runs)


def test_a_model_left_playing_stops_when_its_scenario_is_replaced():
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    import ipyvuetify as v

    import commsim.classroom.app as app

    def wait_until(condition, limit=180.0):
        """Poll a state until it holds (a generous limit for a loaded machine)."""
        deadline = time.monotonic() + limit
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert condition()

    built = []
    init = app.PageModel.__init__

    def recording_init(self, **kwargs):
        init(self, **kwargs)
        built.append(self)

    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(io.StringIO()):
        patch.setattr(app.PageModel, "__init__", recording_init)
        rc = render_page()
        first = built[-1]
        rc.find(v.Btn, children=["▶"]).widget.click()
        wait_until(lambda: first.steps >= 2)
        rc.find(v.Select, label="Preset scenario").widget.v_model = "Paid threshold"
        assert not first.running  # told to stop as its scenario went
        with first.lock:  # a day under way ends first
            stopped = first.steps
        app.step_days(first, 5)  # what the play loop calls: a stopped model does not move
        assert first.steps == stopped
        assert built[-1] is not first and built[-1].steps == 0  # the new scenario waits
