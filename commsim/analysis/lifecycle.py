"""Lifecycle stages of a group: judged with hindsight over a finished run, or day by day
as a live display can tell them, and the marks of a run's life (peak, half-life, silence).

Activity ``a(t)`` is the 7-day trailing mean of non-spam messages
(``commsim.outcomes.daily_activity``); ``A = max a`` is the peak and ``t*`` the first day
it is reached. Silence: a day ``t >= t*`` with ``a(t) < 0.05 * A``; the first such day is
``commsim.outcomes.days_until_silence`` (one definition, shared).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from commsim.analysis.inputs import check_share, check_window, one_run, per_run, run_column
from commsim.outcomes import SILENCE_SHARE, SILENCE_WINDOW, daily_activity, days_until_silence

STAGES = ("sprout", "rapid growth", "active interaction", "decline", "silence")
"""The five lifecycle stages of a group (004: 萌芽期-高速成长期-活跃互动期-衰亡期-沉寂期)."""


def members_growth(df: pd.DataFrame, window: int = SILENCE_WINDOW) -> pd.Series:
    """Smoothed growth of a group: the ``window``-day trailing mean of the daily change in
    members, ``g(t) = mean(m(s) - m(s-1) for s in t-window+1..t)`` (day 0, the founding, has
    no growth)."""
    df = one_run(df)
    return df["members"].diff().rolling(window, min_periods=1).mean().fillna(0.0)


def _stage_days(
    df: pd.DataFrame, growth_share: float, active_share: float, silence_share: float
) -> tuple[pd.Series, dict[str, float]]:
    activity = daily_activity(df)
    days = df.index.to_numpy()
    a = activity.to_numpy()
    peak = float(a.max())
    codes = np.full(a.size, STAGES.index("silence"))
    marks = {"peak_day": math.nan, "growth_start": math.nan, "active_start": math.nan}
    marks.update(active_end=math.nan, half_life=math.nan)
    if peak <= 0:
        return pd.Series(codes, index=df.index), marks
    top = int(np.argmax(a))  # first day of the peak
    g = members_growth(df).to_numpy()
    fastest = g[: top + 1].max()
    if fastest > 0:
        fast = np.flatnonzero(g[: top + 1] >= growth_share * fastest)
        growth_start = int(fast[0])
        active_start = min(int(fast[-1]) + 1, top)
    else:
        growth_start = active_start = top
    below_half = np.flatnonzero(a[top:] < active_share * peak)
    active_end = top + int(below_half[0]) - 1 if below_half.size else a.size - 1
    position = np.arange(a.size)
    codes[position < active_start] = STAGES.index("rapid growth")
    codes[position < growth_start] = STAGES.index("sprout")
    codes[(position >= active_start) & (position <= active_end)] = STAGES.index(
        "active interaction"
    )
    silent = False
    for day in range(active_end + 1, a.size):  # hysteresis: silent below 5%, revived at 10%
        silent = a[day] < (2 if silent else 1) * silence_share * peak
        codes[day] = STAGES.index("silence" if silent else "decline")
    marks.update(
        peak_day=float(days[top]),
        growth_start=float(days[growth_start]),
        active_start=float(days[active_start]),
        active_end=float(days[active_end]),
        half_life=float(days[active_end + 1] - days[top]) if below_half.size else math.nan,
    )
    return pd.Series(codes, index=df.index), marks


def lifecycle_stages(
    df: pd.DataFrame,
    run: str | None = None,
    growth_share: float = 0.5,
    active_share: float = 0.5,
) -> pd.Series:
    """The lifecycle stage of a group on each day.

    With activity ``a``, its peak ``A`` on day ``t*``, and the smoothed growth ``g``
    (``members_growth``) whose largest value up to ``t*`` is ``G``:

    * sprout: days before ``t_g``, the first day with ``g >= growth_share * G``;
    * rapid growth: from ``t_g`` through the last day up to ``t*`` with
      ``g >= growth_share * G`` (the growth spurt; it ends by ``t*`` at the latest, day
      ``t_a`` being the day after it);
    * active interaction: from ``t_a`` through the days from ``t*`` on while
      ``a >= active_share * A`` (the last of them is ``t_b``);
    * silence: after ``t_b``, from a day with ``a < 0.05 * A`` (the first such day is
      ``commsim.outcomes.days_until_silence``) until activity climbs back to
      ``0.1 * A`` (hysteresis, so that a group murmuring near the line does not flicker);
    * decline: the other days after ``t_b``.

    The stages come in this order (a revival after silence returns to decline); any may be
    empty. A run in which nothing is ever posted is silent throughout.

    Args:
        df: one run's daily frame, or a long frame of runs (see ``run_column``).
        run: the run column of a long frame; found automatically when None.
        growth_share: share of the fastest growth that counts as rapid growth, in (0, 1).
        active_share: share of the peak activity that counts as active interaction, in
            (0, 1); 0.5 makes the active stage end one half-life after the peak.

    Returns:
        An ordered categorical Series of stage names aligned with ``df``'s rows.
    """
    check_share("growth_share", growth_share)
    check_share("active_share", active_share)
    dtype = pd.CategoricalDtype(STAGES, ordered=True)

    def stages(one: pd.DataFrame) -> np.ndarray:
        codes, _ = _stage_days(one, growth_share, active_share, SILENCE_SHARE)
        return codes.to_numpy()

    column = run_column(df, run)
    if column is None:
        codes = stages(one_run(df))
    else:
        codes = np.empty(len(df), dtype=np.int64)
        for _, rows in df.groupby(column, sort=False).indices.items():
            codes[rows] = stages(one_run(df.iloc[rows]))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=df.index, name="stage")


LIVE_GROWTH_RATE = 0.02
"""Net growth per day (2%) that counts as rapid growth in ``stages_so_far``."""


def stages_so_far(
    df: pd.DataFrame, window: int = SILENCE_WINDOW, active_share: float = 0.5
) -> pd.Series:
    """The lifecycle stage of each day as it can be told on that day, without hindsight.

    ``lifecycle_stages`` judges a finished run knowing its peak; a live display (the
    classroom app, the teaching panel) knows only the days so far. With ``a(t)`` the
    ``window``-day activity (``daily_activity``), ``A(t) = max a(s), s <= t`` its running peak,
    ``m(t)`` the members and ``g(t)`` the ``window``-day mean of ``(joined - left) / m(t-1)``
    (net growth per day), the stage on day ``t`` is the first that applies of:

    * silence: no members, or ``a(t) < 0.05 * A(t)``;
    * decline: ``a(t) < active_share * A(t)``;
    * sprout: the group has never had twice its founding size, ``max m(s) < 2 m(0)``;
    * rapid growth: ``g(t) >= 2%`` a day (``LIVE_GROWTH_RATE``);
    * active interaction: otherwise.

    With hysteresis, as in ``lifecycle_stages``, so that a group hovering near a line does
    not flicker between two stages: a group silent yesterday stays silent until
    ``a(t) >= 0.1 * A(t)`` (twice the line), one in decline (or silence) stays below active
    until ``a(t) >= 1.5 * active_share * A(t)``, one in rapid growth stays there until
    ``g(t) < 1%`` (half the line), and one in active interaction grows rapidly again only
    from ``g(t) >= 4%`` (twice the line).

    Args:
        df: one run's daily frame, or an observed series (one row a day, ``members`` and
            ``messages``): without ``joined``/``left`` the net joiners are the change in
            members, and members not observed (NaN) are interpolated between observed days.
        window: days in the trailing means, at least 1.
        active_share: share of the running peak activity below which a group declines.

    Returns:
        An ordered categorical Series of stage names aligned with ``df``'s rows.
    """
    check_window(window)
    check_share("active_share", active_share)
    dtype = pd.CategoricalDtype(STAGES, ordered=True)
    if df.empty:
        return pd.Series(pd.Categorical([], dtype=dtype), index=df.index, name="stage")
    activity = daily_activity(df, window).to_numpy()
    peak = np.maximum.accumulate(activity)
    members = df["members"].interpolate(limit_direction="both").to_numpy(dtype=float)
    previous = np.concatenate([[members[0]], members[:-1]])
    if "joined" in df and "left" in df:
        net = (df["joined"] - df["left"]).to_numpy(dtype=float)
    else:  # an observed series: net growth is the change in members
        net = members - previous
    net[0] = 0.0  # day 0 "joined" counts the founders
    growth = pd.Series(net / np.maximum(previous, 1.0)).rolling(window, min_periods=1).mean()
    grown = np.maximum.accumulate(members) >= 2 * max(members[0], 1.0)
    growth = growth.to_numpy()
    sprout, rapid, active, decline, silence = range(len(STAGES))
    growth_hysteresis = {rapid: 0.5, active: 2.0}  # the growth line's factor, by yesterday
    codes = np.empty(members.size, dtype=np.int64)
    stage = sprout
    for day in range(members.size):
        silent_line = (2.0 if stage == silence else 1.0) * SILENCE_SHARE * peak[day]
        decline_line = (1.5 if stage in (decline, silence) else 1.0) * active_share * peak[day]
        growth_line = LIVE_GROWTH_RATE * growth_hysteresis.get(stage, 1.0)
        if members[day] == 0 or (peak[day] > 0 and activity[day] < silent_line):
            stage = silence
        elif activity[day] < decline_line:
            stage = decline
        elif not grown[day]:
            stage = sprout
        elif growth[day] >= growth_line:
            stage = rapid
        else:
            stage = active
        codes[day] = stage
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=df.index, name="stage")


def stage_spans(stages: pd.Series) -> pd.DataFrame:
    """Consecutive days in the same stage, one row each: ``stage``, ``start``, ``end``
    (inclusive days) of a single run's ``lifecycle_stages``."""
    if stages.empty:
        return pd.DataFrame(columns=["stage", "start", "end"])
    values = stages.astype(str).to_numpy()
    days = stages.index.to_numpy()
    breaks = np.flatnonzero(values[1:] != values[:-1]) + 1
    starts = np.concatenate([[0], breaks])
    ends = np.concatenate([breaks - 1, [values.size - 1]])
    return pd.DataFrame({"stage": values[starts], "start": days[starts], "end": days[ends]})


def lifecycle_summary(
    df: pd.DataFrame, run: str | None = None, growth_share: float = 0.5
) -> pd.DataFrame:
    """Key days of each run's lifecycle, one row per run.

    Columns:
        peak_day: first day of the peak of activity ``t*``.
        peak_activity: the peak ``A`` (messages a day, 7-day mean).
        peak_members_day, peak_members: first day of the most members, and how many.
        growth_start, active_start, active_end: the stage boundaries of
            ``lifecycle_stages`` (first day of rapid growth and of active interaction, last
            day of active interaction).
        half_life: days from ``t*`` until activity first falls below ``A / 2``; NaN when it
            does not within the run.
        days_until_silence: ``commsim.outcomes.days_until_silence``.
    """
    check_share("growth_share", growth_share)

    def summary(one: pd.DataFrame) -> dict[str, float]:
        _, marks = _stage_days(one, growth_share, 0.5, SILENCE_SHARE)
        return {
            "peak_day": marks["peak_day"],
            "peak_activity": float(daily_activity(one).max()),
            "peak_members_day": float(one["members"].idxmax()),
            "peak_members": float(one["members"].max()),
            "growth_start": marks["growth_start"],
            "active_start": marks["active_start"],
            "active_end": marks["active_end"],
            "half_life": marks["half_life"],
            "days_until_silence": days_until_silence(one, SILENCE_WINDOW, SILENCE_SHARE),
        }

    result = per_run(df, run, summary)
    if run_column(df, run) is None:
        return pd.DataFrame([result])
    table = pd.DataFrame.from_dict(result, orient="index")
    table.index.name = run_column(df, run)
    return table
