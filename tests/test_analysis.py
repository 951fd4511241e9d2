"""commsim.analysis against hand-computed values on small constructed series."""

import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

from commsim import CommunityModel, analysis
from commsim.outcomes import days_until_silence
from commsim.parameters import validate
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    FOUNDER,
    FRIENDS,
    KOL,
    LEFT,
    LURKER,
    REGULAR,
    draw_population,
)


def constructed_run() -> pd.DataFrame:
    """46 days whose stages are worked out by hand in ``test_lifecycle_stages_by_hand``.

    Members grow by 1 a day on days 1-3, by 10 on days 4-20, by 1 on days 21-40, then lose 5
    a day. Non-spam messages rise as 7t until day 30 and stop; day 40 has 1000 spam only.
    """
    days = np.arange(46)
    change = np.select([days == 0, days <= 3, days <= 20, days <= 40], [10, 1, 10, 1], default=-5)
    messages = np.where(days <= 30, 7.0 * days, 0.0)
    spam = np.where(days == 40, 1000.0, 0.0)
    return pd.DataFrame(
        {"members": np.cumsum(change), "messages": messages + spam, "spam_messages": spam},
        index=pd.RangeIndex(46, name="day"),
    )


def test_lifecycle_stages_by_hand():
    # Growth g(t) (7-day mean of daily change): g(1..3) = 1, g(4) = 13/4, g(5) = 23/5,
    # g(6) = 33/6 = 5.5 >= 0.5 * G with G = 10 (days 10-20): rapid growth from day 6.
    # g(21) = 61/7, g(22) = 52/7, g(23) = 43/7, g(24) = 34/7 < 5 and 1 from day 27 on:
    # day 23 is the last of the growth spurt, active from day 24.
    # Activity a(t) = 7 * mean(t-6..t) peaks at a(30) = 7 * 27 = 189; after day 30
    # a(31) = 165, a(32) = 140, a(33) = 114, a(34) = 87 < 94.5 (half): decline from 34;
    # a(35) = 59, a(36) = 30 >= 9.45, a(37) = 0 < 9.45: silence from 37 (spam ignored).
    df = constructed_run()
    stages = analysis.lifecycle_stages(df)
    expected = (
        ["sprout"] * 6
        + ["rapid growth"] * 18
        + ["active interaction"] * 10
        + ["decline"] * 3
        + ["silence"] * 9
    )
    assert stages.tolist() == expected
    assert list(stages.cat.categories) == list(analysis.STAGES)
    spans = analysis.stage_spans(stages)
    assert spans.to_dict("list") == {
        "stage": list(analysis.STAGES),
        "start": [0, 6, 24, 34, 37],
        "end": [5, 23, 33, 36, 45],
    }
    summary = analysis.lifecycle_summary(df).iloc[0]
    assert summary["peak_day"] == 30
    assert summary["peak_activity"] == pytest.approx(189.0)
    assert summary["half_life"] == 4
    assert summary["days_until_silence"] == 37 == days_until_silence(df)
    assert (summary["growth_start"], summary["active_start"], summary["active_end"]) == (
        6,
        24,
        33,
    )
    assert summary["peak_members"] == df["members"].max()


def test_silence_has_hysteresis_by_hand():
    # Peak A = 189: silent below 9.45, back to decline only at 18.9. 100 messages on day 38
    # give a(38..44) = 100/7 = 14.3 (still silent); 200 on day 45 give a(45) = 28.6.
    df = constructed_run()
    df.loc[38, "messages"] = 100.0
    df.loc[45, "messages"] = 200.0
    stages = analysis.lifecycle_stages(df)
    assert stages.loc[37:44].eq("silence").all()
    assert stages.loc[45] == "decline"


def test_lifecycle_of_many_runs_is_per_run():
    one = constructed_run().reset_index()
    late = one.assign(messages=one["messages"].shift(5, fill_value=0.0))  # peak on day 35
    runs = pd.concat([one.assign(seed=1), late.assign(seed=2)], ignore_index=True)
    stages = analysis.lifecycle_stages(runs)
    pd.testing.assert_series_equal(
        stages[runs.seed == 1].reset_index(drop=True),
        analysis.lifecycle_stages(constructed_run()).reset_index(drop=True),
    )
    summary = analysis.lifecycle_summary(runs)
    assert summary.index.tolist() == [1, 2]
    assert summary["peak_day"].tolist() == [30, 35]


def test_a_run_without_messages_is_silent_and_bad_shares_are_refused():
    df = constructed_run().assign(messages=0.0, spam_messages=0.0)
    assert set(analysis.lifecycle_stages(df)) == {"silence"}
    assert math.isnan(analysis.lifecycle_summary(df)["half_life"].iloc[0])
    with pytest.raises(ValueError, match="active_share=1.5"):
        analysis.lifecycle_stages(df, active_share=1.5)
    with pytest.raises(ValueError, match="run='replicate'"):
        analysis.lifecycle_stages(df, run="replicate")


def test_cooling_index_by_hand():
    df = pd.DataFrame(
        {
            "joined": [5, 2, 0, 1],
            "joiner_value": [0.9, 0.2, np.nan, 0.5],
            "left": [0, 1, 1, 0],
            "leaver_value": [np.nan, 0.8, 0.6, np.nan],
        }
    )
    # window 2: day 1: 0.8 - 0.2 (founders of day 0 are no joiners); day 2: 0.7 - 0.2;
    # day 3: 0.6 - 0.5. window 3, day 3: (0.8 + 0.6) / 2 - (2 * 0.2 + 0.5) / 3 = 0.4.
    np.testing.assert_allclose(
        analysis.cooling_index(df, window=2), [np.nan, 0.6, 0.5, 0.1], equal_nan=True
    )
    assert analysis.cooling_index(df, window=3).iloc[3] == pytest.approx(0.4)
    flows = analysis.flow_values(df, window=3)
    assert flows.loc[3].tolist() == pytest.approx([0.3, 0.7])
    assert math.isnan(flows.loc[0, "joiner_value"])  # founders are no joiners
    runs = pd.concat([df.assign(run=0, day=range(4)), df.assign(run=1, day=range(4))])
    np.testing.assert_allclose(
        analysis.cooling_index(runs, window=2), [np.nan, 0.6, 0.5, 0.1] * 2, equal_nan=True
    )
    with pytest.raises(ValueError, match="window=0"):
        analysis.cooling_index(df, window=0)


def test_band_over_runs_by_hand():
    runs = pd.DataFrame(
        {"seed": [1, 2, 3] * 2, "day": [0, 0, 0, 1, 1, 1], "members": [10, 12, 14, 1, 2, 6]}
    )
    ci = analysis.band(runs, "members", interval="mean")
    half = scipy.stats.t.ppf(0.975, 2) * 2.0 / math.sqrt(3)  # sd of 10, 12, 14 is 2
    assert ci.loc[0, "mean"] == 12 and ci.loc[0, "runs"] == 3
    assert ci.loc[0, "low"] == pytest.approx(12 - half)
    assert ci.loc[0, "high"] == pytest.approx(12 + half)
    spread = analysis.band(runs, "members", interval="runs", level=0.5)
    # quartiles of 1, 2, 6 (linear interpolation): 1.5 and 4
    assert spread.loc[1, ["low", "high"]].tolist() == [1.5, 4.0]
    with pytest.raises(ValueError, match="interval='sd'"):
        analysis.band(runs, "members", interval="sd")


def small_population(contributions, group, state=None):
    params = validate({"population": len(contributions)})
    population = draw_population(np.random.default_rng(0), params)
    population.contributions[:] = contributions
    population.group[:] = group
    population.joined_day[:] = 0
    if state is not None:
        population.state[:] = state
    return population


def test_gini_lorenz_and_top_shares_by_hand():
    people, share = analysis.lorenz_curve([4, 1, 3, 2])
    np.testing.assert_allclose(people, [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(share, [0, 0.1, 0.3, 0.6, 1])
    # G = 2 * sum(i x_(i)) / (n sum x) - (n + 1) / n: [0, 0, 0, 10] -> 80/40 - 5/4 = 0.75.
    population = small_population([0, 0, 0, 10, 7], group=[0, 0, 0, 0, -1])
    figures = analysis.participation_inequality(population)
    assert figures["gini"] == pytest.approx(0.75)
    assert figures["top10_share"] == 1.0 and figures["top1_share"] == 1.0
    assert figures["people"] == 4 and figures["silent_share"] == 0.75
    everyone = analysis.participation_inequality(population, members_only=False)
    # [0, 0, 0, 7, 10]: 2 * (4 * 7 + 5 * 10) / (5 * 17) - 6/5
    assert everyone["gini"] == pytest.approx(2 * 78 / 85 - 1.2)
    with pytest.raises(ValueError, match="sum to 0"):
        analysis.lorenz_curve([0, 0])
    with pytest.raises(ValueError, match="expected a CommunityModel or a Population"):
        analysis.participation_inequality([1, 2])


def test_kaplan_meier_by_hand():
    # Tenures 1, 2, 2+, 3, 4+ (+: still in). At risk 5, 4, 2, 1; S = 4/5, 4/5 * 3/4 = 0.6,
    # 0.6 * 1/2 = 0.3, then flat at the censored 4.
    table = analysis.kaplan_meier([1, 2, 2, 3, 4], [True, True, False, True, False])
    assert table["days"].tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(table["survival"], [1, 0.8, 0.6, 0.3, 0.3])
    assert table["at_risk"].tolist() == [5, 5, 4, 2, 1]
    assert table["events"].tolist() == [0, 1, 1, 1, 0]
    # Log-log interval at day 1: V = d / (n (n - d)) = 1/20, sigma = sqrt(V) / |ln S|,
    # S ** exp(+-z sigma).
    sigma = math.sqrt(1 / 20) / abs(math.log(0.8))
    z = scipy.stats.norm.ppf(0.975)
    assert table.loc[1, "low"] == pytest.approx(0.8 ** math.exp(z * sigma))
    assert table.loc[1, "high"] == pytest.approx(0.8 ** math.exp(-z * sigma))
    nobody_left = analysis.kaplan_meier([3, 5], [False, False])
    assert nobody_left["survival"].tolist() == [1, 1, 1]
    with pytest.raises(ValueError, match="durations contains -1"):
        analysis.kaplan_meier([-1, 2], [True, True])


def test_member_survival_by_role_and_route_by_hand():
    population = small_population([0] * 6, group=[0, -1, 0, -1, -1, 0])
    population.state[:] = [LURKER, LEFT, CONTRIBUTOR, LEFT, LEFT, LURKER]
    population.role[:] = [KOL, KOL, REGULAR, REGULAR, REGULAR, REGULAR]
    population.entry_route[:] = [FOUNDER, FOUNDER, AMBIENT, FRIENDS, FRIENDS, AMBIENT]
    population.joined_day[:] = [0, 0, 2, 3, 4, 6]
    population.left_day[:] = [-1, 4, -1, 5, 6, -1]
    population.banned[4] = True  # removed by moderation: censored, not an event
    tenures = analysis.member_tenures(population, day=10)
    assert tenures["tenure"].tolist() == [10, 4, 8, 2, 2, 4]
    assert tenures["left"].tolist() == [False, True, False, True, False, False]
    by_role = analysis.member_survival(population, by="role", day=10)
    kol = by_role[by_role.group == "kol"]
    np.testing.assert_allclose(kol["survival"], [1, 0.5, 0.5])  # 4 (left), 10+
    regular = by_role[by_role.group == "regular"]
    # 2 (left), 2+ (banned), 4+, 8+: S(2) = 3/4, then flat.
    np.testing.assert_allclose(regular["survival"], [1, 0.75, 0.75, 0.75])
    by_route = analysis.member_survival(population, by="entry_route", day=10)
    assert sorted(by_route.group.unique()) == ["ambient", "founder", "friends"]
    assert analysis.member_survival(population, day=10).group.unique().tolist() == ["all"]
    with pytest.raises(ValueError, match="by='state'"):
        analysis.member_survival(population, by="state", day=10)
    with pytest.raises(ValueError, match="day=None"):
        analysis.member_tenures(population)


def test_analysis_of_a_model():
    model = CommunityModel(rng=5, population=300)
    model.run_for(40)
    tenures = analysis.member_tenures(model)
    assert len(tenures) == np.count_nonzero(model.population.joined_day >= 0)
    assert (tenures.tenure <= 40).all()
    figures = analysis.participation_inequality(model)
    df = model.datacollector.get_model_vars_dataframe()
    assert figures["gini"] == pytest.approx(df["gini"].iloc[-1])


@settings(max_examples=150, deadline=None)
@given(
    messages=st.lists(st.integers(0, 300), min_size=1, max_size=90),
    changes=st.lists(st.integers(-20, 30), min_size=90, max_size=90),
)
def test_stages_come_in_order_and_silence_matches_outcomes(messages, changes):
    days = len(messages)
    members = np.maximum(12 + np.cumsum(changes[:days]), 0)
    df = pd.DataFrame({"members": members, "messages": messages, "spam_messages": 0.0})
    stages = analysis.lifecycle_stages(df)
    codes = stages.cat.codes.to_numpy()
    assert (np.diff(np.minimum(codes, 3)) >= 0).all()  # only decline and silence alternate
    silent = np.flatnonzero(codes == 4)
    expected = days_until_silence(df)
    if silent.size and max(messages) > 0:
        assert silent[0] == expected
    elif max(messages) > 0:
        assert math.isnan(expected)
    if max(messages) > 0:
        peak = analysis.lifecycle_summary(df)["peak_day"].iloc[0]
        assert stages.iloc[int(peak)] == "active interaction"


# ---------------------------------------------------------------------- stages so far
SPROUT, RAPID_GROWTH, ACTIVE, DECLINE, SILENCE = range(len(analysis.STAGES))


def live_stages(df: pd.DataFrame, window: int = 7) -> list[int]:
    return analysis.stages_so_far(df, window=window).cat.codes.tolist()


def test_stages_so_far_by_hand():
    df = pd.DataFrame(
        {
            "members": [10, 12, 25, 40, 40, 40, 40, 0],
            "joined": [10, 2, 13, 15, 0, 0, 0, 0],
            "left": [0, 0, 0, 0, 0, 0, 0, 40],
            "messages": [0, 4, 10, 20, 18, 5, 0.5, 0],
            "spam_messages": [0] * 8,
        }
    )
    # window 1: activity = messages; running peak 0,4,10,20,20,20,20,20; growth per day
    # 0, .2, 1.08, .6, 0, 0, 0, -1; founders 10, so the group has grown from day 2 (25).
    expected = [SPROUT, SPROUT, RAPID_GROWTH, RAPID_GROWTH, ACTIVE, DECLINE, SILENCE, SILENCE]
    assert live_stages(df, window=1) == expected
    assert analysis.stages_so_far(df.iloc[:0]).empty
    with pytest.raises(ValueError, match="window=0"):
        analysis.stages_so_far(df, window=0)


def test_stages_so_far_change_only_past_a_second_line():
    df = pd.DataFrame(
        {
            "members": [10, 25] + [40] * 8,
            "joined": [10, 15, 15] + [0] * 7,
            "left": [0] * 10,
            "messages": [0, 10, 20, 9, 14, 16, 0.9, 1.5, 2.5, 16],
            "spam_messages": [0] * 10,
        }
    )
    # peak 20 from day 2: decline below 10, left only at 15; silence below 1, left at 2
    assert live_stages(df, window=1) == [
        SPROUT, RAPID_GROWTH, RAPID_GROWTH, DECLINE, DECLINE, ACTIVE, SILENCE, SILENCE,
        DECLINE, ACTIVE,
    ]  # fmt: skip


def test_stages_so_far_smooth_over_the_window_and_ignore_spam():
    """(What counts as activity, spam apart, is ``outcomes.daily_activity``'s to say.)"""
    df = pd.DataFrame(
        {
            "members": [10, 30, 30, 30],
            "joined": [10, 20, 0, 0],
            "left": [0, 0, 0, 0],
            "messages": [0, 10, 10, 14],
            "spam_messages": [0, 0, 0, 10],
        }
    )
    # window 2: non-spam 0,10,10,4 -> activity 0,5,10,7 ; peak 0,5,10,10; growth
    # 0, 2/1 -> mean(0, 2) = 1, mean(2, 0) = 1, 0 -> rapid growth on days 1-2, then active.
    assert live_stages(df, window=2) == [SPROUT, RAPID_GROWTH, RAPID_GROWTH, ACTIVE]


def test_stages_so_far_never_look_ahead():
    """The stage of day t is the same whether or not the days after t are known."""
    df = analysis.run_replications([3], 120, population=400).set_index("day")
    whole = live_stages(df)
    assert all(live_stages(df.iloc[: t + 1])[-1] == whole[t] for t in range(0, 120, 7))


def test_the_package_exports_every_name_the_module_had():
    """``commsim.analysis`` was one module; its public names stay importable from it."""
    before = """LIVE_GROWTH_RATE RUN_COLUMNS SILENCE_SHARE SILENCE_WINDOW STAGES SURVIVAL_GROUPS
    band cooling_index daily_activity days_until_silence flow_values gini kaplan_meier
    lifecycle_stages lifecycle_summary lorenz_curve mean_run member_survival member_tenures
    members_growth participation_inequality run_column run_configurations run_replications
    stage_spans stages_so_far top_share""".split()
    assert sorted(analysis.__all__) == sorted(before)
    assert all(callable(getattr(analysis, name)) or name.isupper() for name in before)
