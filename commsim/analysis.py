"""Analysis of runs: lifecycle stages, cooling, participation inequality and survival.

Every function takes the daily DataFrame of one run
(``model.datacollector.get_model_vars_dataframe()``: one row a day, the day as index) or a
long frame of many runs (the same columns plus a run column, ``seed`` or ``run``, and a
``day`` column), as ``run_replications`` builds. Functions of a model's population take
the model (or its ``Population``).

Definitions used throughout:

* activity ``a(t)``: the 7-day trailing mean of non-spam messages
  (``commsim.outcomes.daily_activity``); ``A = max a`` is the peak and ``t*`` the first day
  it is reached.
* silence: a day ``t >= t*`` with ``a(t) < 0.05 * A``; the first such day is
  ``commsim.outcomes.days_until_silence`` (one definition, shared).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import scipy.stats

from commsim.inequality import gini, top_share
from commsim.model import CommunityModel
from commsim.outcomes import SILENCE_SHARE, SILENCE_WINDOW, daily_activity, days_until_silence
from commsim.parameters import validate
from commsim.population import ENTRY_ROUTE_NAMES, LEFT, ROLE_NAMES, Population
from commsim.strategies.keywords import strategies_from_keywords

STAGES = ("sprout", "rapid growth", "active interaction", "decline", "silence")
"""The five lifecycle stages of a group (004: 萌芽期-高速成长期-活跃互动期-衰亡期-沉寂期)."""

RUN_COLUMNS = ("run", "seed")
SURVIVAL_GROUPS = ("role", "entry_route")


# ---------------------------------------------------------------------- runs and frames
def _check_parameters(parameters: dict) -> None:
    """Raise ``ValueError`` for a bad model parameter or flat strategy keyword, as
    ``CommunityModel`` would, before any run starts."""
    _, rest = strategies_from_keywords(parameters)
    validate(rest)


def run_replications(
    seeds: Iterable[int],
    days: int,
    strategies: Callable[[], list] | None = None,
    **parameters,
) -> pd.DataFrame:
    """Run ``CommunityModel`` once per seed and stack the daily frames into one long frame.

    Args:
        seeds: one run per seed (``rng=seed``).
        days: days to simulate in each run (at least 1).
        strategies: a function returning a fresh list of strategies for each run (strategies
            hold state, so runs must not share them); None for none.
        **parameters: model parameters and flat strategy keywords (e.g.
            ``red_packets_budget=500``), as for ``CommunityModel``.

    Returns:
        One row per run and day: ``seed``, ``day`` and the model's reporters.

    Raises:
        ValueError: for ``days < 1``, no seeds, or a bad model parameter (before any run).
    """
    seeds = [int(seed) for seed in seeds]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days={days!r} is not valid: expected an integer >= 1")
    if not seeds:
        raise ValueError("seeds=[] is not valid: expected at least one seed")
    _check_parameters(parameters)
    frames = []
    for seed in seeds:
        model = CommunityModel(
            rng=seed, strategies=strategies() if strategies else (), **parameters
        )
        model.run_for(days)
        frame = model.datacollector.get_model_vars_dataframe()
        frame.index.name = "day"
        frames.append(frame.reset_index().assign(seed=seed))
    long = pd.concat(frames, ignore_index=True)
    return long[["seed", "day", *long.columns.drop(["seed", "day"])]]


def run_configurations(
    configurations: dict[str, dict], seeds: Iterable[int], days: int, **common
) -> pd.DataFrame:
    """``run_replications`` for each of several named configurations, stacked.

    Args:
        configurations: name -> model parameters of that configuration; the key
            ``"strategies"`` may hold a function returning a fresh list of strategies.
        seeds: the seeds, the same for every configuration (common random numbers).
        days: days per run.
        **common: parameters shared by all configurations (a configuration overrides them).

    Returns:
        The long frame with ``configuration`` and a ``run`` column unique across
        configurations (``"<configuration>/<seed>"``) before ``seed`` and ``day``.

    Raises:
        ValueError: for no configurations, or any bad parameter (before any run).
    """
    if not configurations:
        raise ValueError("configurations={} is not valid: expected at least one configuration")
    settings = {}
    for name, configuration in configurations.items():
        parameters = {**common, **configuration}
        strategies = parameters.pop("strategies", None)
        _check_parameters(parameters)
        settings[name] = (strategies, parameters)
    seeds = list(seeds)
    frames = []
    for name, (strategies, parameters) in settings.items():
        frame = run_replications(seeds, days, strategies, **parameters)
        run = name + "/" + frame["seed"].astype(str)
        frames.append(frame.assign(configuration=name, run=run))
    long = pd.concat(frames, ignore_index=True)
    first = ["configuration", "run", "seed", "day"]
    return long[[*first, *long.columns.drop(first)]]


def run_column(df: pd.DataFrame, run: str | None = None) -> str | None:
    """The column that tells runs apart: ``run`` if given, else ``run`` or ``seed`` if the
    frame has one, else None (a single run).

    Raises:
        ValueError: if ``run`` is given and is not a column of ``df``.
    """
    if run is not None:
        if run not in df.columns:
            raise ValueError(f"run={run!r} is not a column: expected one of {list(df.columns)}")
        return run
    return next((name for name in RUN_COLUMNS if name in df.columns), None)


def mean_run(df: pd.DataFrame, run: str | None = None) -> pd.DataFrame:
    """The average run: each numeric column's mean over runs on each day, indexed by day
    (a single run comes back indexed by day, unchanged)."""
    column = run_column(df, run)
    if column is None:
        return _one_run(df)
    numeric = df.drop(columns=[c for c in RUN_COLUMNS if c in df.columns]).select_dtypes("number")
    if "day" not in numeric.columns:
        raise ValueError("df has no 'day' column: expected a long frame of runs with days")
    return numeric.groupby("day").mean()


def _one_run(df: pd.DataFrame) -> pd.DataFrame:
    """A single run's frame indexed by day (moves a ``day`` column into the index)."""
    if "day" in df.columns:
        df = df.set_index("day")
    if len(df) == 0:
        raise ValueError("df has no rows: expected at least one day of a run")
    return df


def _per_run(df: pd.DataFrame, run: str | None, function: Callable) -> pd.DataFrame | dict:
    """Apply ``function`` to each run of a long frame (or to the single run)."""
    column = run_column(df, run)
    if column is None:
        return function(_one_run(df))
    return {key: function(_one_run(part)) for key, part in df.groupby(column, sort=True)}


# ---------------------------------------------------------------------- lifecycle
def members_growth(df: pd.DataFrame, window: int = SILENCE_WINDOW) -> pd.Series:
    """Smoothed growth of a group: the ``window``-day trailing mean of the daily change in
    members, ``g(t) = mean(m(s) - m(s-1) for s in t-window+1..t)`` (day 0, the founding, has
    no growth)."""
    df = _one_run(df)
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


def _check_share(name: str, value: float) -> None:
    if not 0 < value < 1:
        raise ValueError(f"{name}={value!r} is out of range: expected a number in (0, 1)")


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
    _check_share("growth_share", growth_share)
    _check_share("active_share", active_share)
    dtype = pd.CategoricalDtype(STAGES, ordered=True)

    def stages(one: pd.DataFrame) -> np.ndarray:
        codes, _ = _stage_days(one, growth_share, active_share, SILENCE_SHARE)
        return codes.to_numpy()

    column = run_column(df, run)
    if column is None:
        codes = stages(_one_run(df))
    else:
        codes = np.empty(len(df), dtype=np.int64)
        for _, rows in df.groupby(column, sort=False).indices.items():
            codes[rows] = stages(_one_run(df.iloc[rows]))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), index=df.index, name="stage")


LIVE_GROWTH_RATE = 0.02
"""Net growth per day (2%) that counts as rapid growth in ``stages_so_far``."""


def stages_so_far(
    df: pd.DataFrame, window: int = SILENCE_WINDOW, active_share: float = 0.5
) -> pd.Series:
    """The lifecycle stage of each day as it can be told on that day, without hindsight.

    ``lifecycle_stages`` judges a finished run knowing its peak; a live display (the
    classroom app, the teaching panel) knows only the days so far. With ``a(t)`` the
    ``window``-day mean of non-spam messages, ``A(t) = max a(s), s <= t`` its running peak,
    ``m(t)`` the members and ``g(t)`` the ``window``-day mean of ``(joined - left) / m(t-1)``
    (net growth per day), the stage on day ``t`` is the first that applies of:

    * silence: no members, or ``a(t) < 0.05 * A(t)``;
    * decline: ``a(t) < active_share * A(t)``;
    * sprout: the group has never had twice its founding size, ``max m(s) < 2 m(0)``;
    * rapid growth: ``g(t) >= 2%`` a day (``LIVE_GROWTH_RATE``);
    * active interaction: otherwise.

    Args:
        df: one run's daily frame, or an observed series (one row a day, ``members`` and
            ``messages``): without ``joined``/``left`` the net joiners are the change in
            members, and members not observed (NaN) are interpolated between observed days.
        window: days in the trailing means, at least 1.
        active_share: share of the running peak activity below which a group declines.

    Returns:
        An ordered categorical Series of stage names aligned with ``df``'s rows.
    """
    _check_window(window)
    _check_share("active_share", active_share)
    dtype = pd.CategoricalDtype(STAGES, ordered=True)
    if df.empty:
        return pd.Series(pd.Categorical([], dtype=dtype), index=df.index, name="stage")
    messages = df["messages"] - df.get("spam_messages", 0.0)
    activity = messages.rolling(window, min_periods=1).mean().to_numpy()
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
    sprout, rapid, active, decline, silence = range(len(STAGES))
    codes = np.full(members.size, active, dtype=np.int64)
    codes[growth.to_numpy() >= LIVE_GROWTH_RATE] = rapid
    codes[~grown] = sprout
    codes[activity < active_share * peak] = decline
    codes[(members == 0) | ((peak > 0) & (activity < SILENCE_SHARE * peak))] = silence
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
    _check_share("growth_share", growth_share)

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

    result = _per_run(df, run, summary)
    if run_column(df, run) is None:
        return pd.DataFrame([result])
    table = pd.DataFrame.from_dict(result, orient="index")
    table.index.name = run_column(df, run)
    return table


# ---------------------------------------------------------------------- cooling
def _check_window(window: int) -> None:
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window={window!r} is not valid: expected an integer >= 1")


def _flow_values(one: pd.DataFrame, window: int) -> pd.DataFrame:
    joined = one["joined"].where(one.index > 0, 0).astype(float)
    left = one["left"].astype(float)
    joined_value = (joined * one["joiner_value"].fillna(0.0)).rolling(window, 1).sum()
    left_value = (left * one["leaver_value"].fillna(0.0)).rolling(window, 1).sum()
    joined, left = joined.rolling(window, 1).sum(), left.rolling(window, 1).sum()
    return pd.DataFrame(
        {
            "joiner_value": joined_value / joined.where(joined > 0),
            "leaver_value": left_value / left.where(left > 0),
        }
    )


def _per_row(df: pd.DataFrame, run: str | None, function: Callable) -> pd.DataFrame:
    """``function`` of each run (a frame indexed by day), stacked back onto ``df``'s rows."""
    column = run_column(df, run)
    if column is None:
        return function(_one_run(df)).set_axis(df.index)
    result = None
    for _, rows in df.groupby(column, sort=False).indices.items():
        values = function(_one_run(df.iloc[rows]))
        if result is None:
            result = pd.DataFrame(index=df.index, columns=values.columns, dtype=float)
        result.iloc[rows] = values.to_numpy()
    return result


def flow_values(df: pd.DataFrame, window: int = 14, run: str | None = None) -> pd.DataFrame:
    """Mean value of the people joining and of those leaving, over trailing windows.

        joiners(t) = sum(joined_s * joiner_value_s) / sum(joined_s)
        leavers(t) = sum(left_s * leaver_value_s) / sum(left_s)

    with sums over the ``window`` days ``s = t-window+1..t``: count-weighted means, so a
    day with many joiners weighs more than a day with one. The founders (day 0) are not
    joiners. NaN while the window holds nobody joining (or leaving).

    Returns:
        Columns ``joiner_value`` and ``leaver_value`` aligned with ``df``'s rows.
    """
    _check_window(window)
    return _per_row(df, run, lambda one: _flow_values(one, window))


def cooling_index(df: pd.DataFrame, window: int = 14, run: str | None = None) -> pd.Series:
    """How far the value of leavers exceeds that of joiners, day by day.

        C(t) = leavers(t) - joiners(t)

    the count-weighted mean values of ``flow_values`` over the trailing ``window`` days.
    ``C > 0`` is evaporative cooling: the group loses more valuable people than it gains.
    NaN while the window holds no leaver or no joiner.

    Args:
        df: one run's daily frame or a long frame of runs.
        window: days in the trailing window, at least 1.
        run: the run column of a long frame; found automatically when None.

    Returns:
        A Series aligned with ``df``'s rows.
    """
    flows = flow_values(df, window, run)
    return (flows["leaver_value"] - flows["joiner_value"]).rename("cooling_index")


# ---------------------------------------------------------------------- bands
def band(
    df: pd.DataFrame,
    column: str,
    run: str | None = None,
    interval: str = "runs",
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean of ``column`` across runs on each day, with an interval.

    Args:
        df: a long frame of runs with a ``day`` column (or a single run).
        column: the daily figure, e.g. ``"members"``.
        run: the run column; found automatically when None.
        interval: ``"runs"`` for the central ``level`` range of the runs (their
            (1-level)/2 and (1+level)/2 quantiles: where a single run falls), or ``"mean"``
            for the t confidence interval of the mean, ``mean +- t_{n-1} * sd / sqrt(n)``.
        level: coverage of the interval, in (0, 1).

    Returns:
        Indexed by day: ``mean``, ``low``, ``high`` and ``runs`` (runs with a value).
    """
    if interval not in ("runs", "mean"):
        raise ValueError(f"interval={interval!r} is not valid: expected 'runs' or 'mean'")
    _check_share("level", level)
    if column not in df.columns:
        raise ValueError(f"column={column!r} is not a column: expected one of {list(df.columns)}")
    if run_column(df, run) is None:
        one = _one_run(df)[column].astype(float)
        return pd.DataFrame({"mean": one, "low": one, "high": one, "runs": one.notna() * 1})
    day = df["day"] if "day" in df.columns else df.index.to_series(index=df.index)
    grouped = df[column].astype(float).groupby(day.to_numpy())
    table = pd.DataFrame({"mean": grouped.mean(), "runs": grouped.count()})
    if interval == "runs":
        table["low"] = grouped.quantile((1 - level) / 2)
        table["high"] = grouped.quantile((1 + level) / 2)
    else:
        sem = grouped.std(ddof=1) / np.sqrt(table["runs"])
        half = scipy.stats.t.ppf((1 + level) / 2, table["runs"] - 1) * sem
        table["low"], table["high"] = table["mean"] - half, table["mean"] + half
    table.index.name = "day"
    return table[["mean", "low", "high", "runs"]]


# ---------------------------------------------------------------------- inequality
def _population(source) -> Population:
    population = getattr(source, "population", source)
    if not isinstance(population, Population):
        raise ValueError(f"expected a CommunityModel or a Population, got {type(source).__name__}")
    return population


def lorenz_curve(values) -> tuple[np.ndarray, np.ndarray]:
    """The Lorenz curve of non-negative values (e.g. messages per member).

        L(k/n) = sum of the k smallest values / sum of all values,  k = 0..n

    Returns:
        ``(people_share, value_share)``: two arrays of length n + 1 from (0, 0) to (1, 1).

    Raises:
        ValueError: for no values, a negative value, or values that sum to zero.
    """
    values = np.sort(np.asarray(values, dtype=float))
    if values.size == 0:
        raise ValueError("values is empty: expected at least one value")
    if values[0] < 0:
        raise ValueError(f"values contains {values[0]:g}: expected non-negative values")
    total = values.sum()
    if total == 0:
        raise ValueError("values sum to 0: the Lorenz curve needs a positive total")
    people = np.arange(values.size + 1) / values.size
    share = np.concatenate([[0.0], np.cumsum(values) / total])
    return people, share


def participation_inequality(source, members_only: bool = True) -> dict[str, float]:
    """Inequality of participation: who writes the messages.

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        members_only: count current members only (as the model's daily ``gini``); False
            counts everyone who ever joined, leavers included.

    Returns:
        ``gini`` (``commsim.inequality.gini`` of messages written per person),
        ``top1_share`` and ``top10_share`` (share of messages by the top 1% / 10% of writers,
        ``commsim.inequality.top_share``), ``people`` (how many were counted) and
        ``silent_share`` (share who never wrote).
    """
    population = _population(source)
    chosen = population.group >= 0 if members_only else population.joined_day >= 0
    contributions = population.contributions[chosen]
    return {
        "gini": gini(contributions),
        "top1_share": top_share(contributions, 0.01),
        "top10_share": top_share(contributions, 0.10),
        "people": float(contributions.size),
        "silent_share": float(np.mean(contributions == 0)) if contributions.size else math.nan,
    }


# ---------------------------------------------------------------------- survival
def kaplan_meier(durations, observed, confidence: float = 0.95) -> pd.DataFrame:
    """Kaplan-Meier estimate of the survival function with right-censoring.

        S(t) = prod over event days t_j <= t of (1 - d_j / n_j)

    with ``d_j`` events on day ``t_j`` and ``n_j`` at risk (duration >= t_j). Censored
    durations (``observed`` False) leave the risk set after their day. Computed with
    ``scipy.stats.ecdf`` on ``scipy.stats.CensoredData``; the interval is its log-log
    (Greenwood) confidence interval, taken as the estimate itself where it is undefined
    (survival 0 or 1).

    Args:
        durations: days each member stayed (tenure), non-negative.
        observed: True where the member left on that day, False where still in (censored).
        confidence: coverage of the interval, in (0, 1).

    Returns:
        One row per distinct duration, after a first row at day 0 with survival 1 (when no
        duration is 0): ``days``, ``survival``, ``low``, ``high``, ``at_risk``, ``events``.
    """
    durations = np.asarray(durations, dtype=float)
    observed = np.asarray(observed, dtype=bool)
    if durations.shape != observed.shape or durations.ndim != 1:
        raise ValueError(
            f"durations {durations.shape} and observed {observed.shape} must be 1-d and of "
            "equal length"
        )
    if durations.size == 0:
        raise ValueError("durations is empty: expected at least one member")
    if durations.min() < 0:
        raise ValueError(f"durations contains {durations.min():g}: expected values >= 0")
    _check_share("confidence", confidence)
    data = scipy.stats.CensoredData(uncensored=durations[observed], right=durations[~observed])
    curve = scipy.stats.ecdf(data).sf
    days = curve.quantiles
    table = pd.DataFrame({"days": days, "survival": curve.probabilities})
    if observed.any():
        with warnings.catch_warnings():  # undefined where S is 0 or 1: filled below
            warnings.simplefilter("ignore", RuntimeWarning)
            interval = curve.confidence_interval(confidence, method="log-log")
        table["low"] = np.where(
            np.isnan(interval.low.probabilities), table["survival"], interval.low.probabilities
        )
        table["high"] = np.where(
            np.isnan(interval.high.probabilities), table["survival"], interval.high.probabilities
        )
    else:
        table["low"] = table["high"] = 1.0
    table["at_risk"] = (durations[None, :] >= days[:, None]).sum(axis=1)
    table["events"] = ((durations[None, :] == days[:, None]) & observed[None, :]).sum(axis=1)
    if days[0] > 0:
        start = {"days": 0.0, "survival": 1.0, "low": 1.0, "high": 1.0}
        start.update(at_risk=durations.size, events=0)
        table = pd.concat([pd.DataFrame([start]), table], ignore_index=True)
    return table


def member_tenures(source, day: int | None = None) -> pd.DataFrame:
    """Everyone who ever joined, one row each: how long they stayed and whether they left.

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        day: today, for the tenure of members still in; the model's day by default
            (required with a bare ``Population``).

    Returns:
        Columns ``person``, ``role`` and ``entry_route`` (names), the traits ``need``,
        ``value`` and ``patience``, ``joined_day``, ``tenure``
        (days in the group, up to ``day`` for members), ``left`` (left of their own accord:
        an observed event), ``banned`` (removed by moderation). Members still in and banned
        members are censored: the survival curve is that of staying against leaving by
        choice.
    """
    population = _population(source)
    if day is None:
        if not hasattr(source, "day"):
            raise ValueError("day=None is not valid with a Population: expected today's day")
        day = int(source.day)
    people = np.flatnonzero(population.joined_day >= 0)
    banned = population.banned[people]
    routes = population.entry_route[people]
    return pd.DataFrame(
        {
            "person": people,
            "role": np.asarray(ROLE_NAMES)[population.role[people]],
            "entry_route": [
                ENTRY_ROUTE_NAMES[r] if 0 <= r < len(ENTRY_ROUTE_NAMES) else f"route {r}"
                for r in routes
            ],
            "need": population.need[people],
            "value": population.value[people],
            "patience": population.patience[people],
            "joined_day": population.joined_day[people],
            "tenure": population.tenure(day)[people],
            "left": (population.state[people] == LEFT) & ~banned,
            "banned": banned,
        }
    )


def member_survival(
    source, by: str | None = None, confidence: float = 0.95, day: int | None = None
) -> pd.DataFrame:
    """Kaplan-Meier survival of membership (``kaplan_meier`` on ``member_tenures``).

    Args:
        source: a ``CommunityModel`` or its ``Population``.
        by: None for everyone, ``"role"`` or ``"entry_route"`` for a curve per group.
        confidence: coverage of the interval.
        day: today (see ``member_tenures``).

    Returns:
        The ``kaplan_meier`` table with a ``group`` column first (``"all"`` when ``by`` is
        None).
    """
    if by is not None and by not in SURVIVAL_GROUPS:
        raise ValueError(f"by={by!r} is not valid: expected None, 'role' or 'entry_route'")
    tenures = member_tenures(source, day)
    if tenures.empty:
        raise ValueError("nobody ever joined: there is no membership to analyse")
    groups = tenures.groupby(by, sort=True) if by else [("all", tenures)]
    tables = [
        kaplan_meier(part["tenure"], part["left"], confidence).assign(group=name)
        for name, part in groups
    ]
    table = pd.concat(tables, ignore_index=True)
    return table[["group", *table.columns.drop("group")]]
