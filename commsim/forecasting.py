"""A forecast for one's own group: where it is in its lifecycle, how long until it goes
silent, and what a strategy started tomorrow would change.

``forecast(observed)`` takes a daily series of a real group (``members`` and/or
``messages``, any of ``commsim.model.REPORTERS``; NaN or missing rows for days not
observed) and

1. **fits** the model to the days up to ``today`` (the last day used, ``fit_days``) by
   rejection ABC (``commsim.calibrate.fit(method="abc")``): ``draws`` parameter vectors
   from a uniform prior on ``bounds``, each run on the same ``replications`` seeds, the
   ``accept`` share closest to the series kept as the posterior sample;
2. **simulates ahead**: every accepted vector on every seed is run from day 0 to
   ``horizon``. Its first ``today`` days are the very runs the fit judged (same
   parameters, same seed), so the ensemble is the posterior predictive distribution:
   parameter uncertainty (the draws) and chance (the seeds) together;
3. **starts each strategy tomorrow**: each run is copied at the end of day ``today``
   (state and random generator, ``copy.deepcopy``) and one strategy is added to the
   copy (``Strategy.setup``), which then runs on to ``horizon``. The copy and the run
   without it ("as it is") share everything up to today, so the difference between
   them is the strategy's effect in that run (a paired difference);
4. **reads the stage today** from the observed series itself
   (``commsim.analysis.stages_so_far``, no hindsight).

Figures, for each run ``k`` (a posterior draw on a seed) and arm (as it is, or a
strategy started tomorrow):

* ``days_until_silence``: ``commsim.outcomes.days_until_silence`` of the whole run minus
  ``today``: days from today until the first day after the peak of activity on which
  the 7-day mean of non-spam messages is below 5% of the peak (0 for a run already
  silent today). A run that is not silent by ``horizon`` has no value (censored): it is
  counted, never replaced by a number.
* ``members_ahead``: members on day ``today + ahead``.
* ``messages_ahead``: mean messages a day over days ``today+1 .. today+ahead``.
* ``spend``: the operator's spend over days ``today+1 .. horizon``.

A band is the central ``level`` share of the runs (quantiles ``(1 - level) / 2`` and
``(1 + level) / 2`` across runs); a strategy's change is the same band of its paired
differences ``x_k(strategy) - x_k(as it is)``. When censored runs fall in the band,
its bound is written ``> H`` (H: the days from today to ``horizon``).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from commsim import calibrate
from commsim.analysis import stages_so_far
from commsim.model import REPORTERS, CommunityModel
from commsim.outcomes import days_until_silence
from commsim.parameters import PARAMETERS
from commsim.strategies import Strategy, build
from commsim.strategies.keywords import FLAT_PARAMETERS

__all__ = ["DEFAULT_BOUNDS", "DEFAULT_STRATEGIES", "Forecast", "forecast", "read_series"]

AS_IT_IS = "as it is"
"""The arm without any new strategy."""

DEFAULT_BOUNDS: dict[str, tuple[float, float]] = {
    "ambient_inflow": (0.002, 0.3),
    "promotion_days": (2.0, 60.0),
    "social_pull": (0.0, 0.1),
    "activity_mean": (0.01, 0.3),
    "messages_per_post": (1.0, 8.0),
    "novelty": (0.0, 8.0),
    "novelty_days": (2.0, 60.0),
    "patience_mean": (0.2, 0.95),
}
"""The prior of an unknown group: how fast people find it (``ambient_inflow`` fading
with ``promotion_days``, and friends bringing friends, ``social_pull``), how much they
post (``activity_mean``, ``messages_per_post``), how much of that is freshness that fades
(``novelty``, ``novelty_days``), and how long they bear a disappointing group
(``patience_mean``)."""

DEFAULT_STRATEGIES: dict[str, str] = {
    "weekly event": "ScheduledEvents",
    "red packets": "RedPackets",
    "operator content": "ContentMix",
    "referral rewards": "Referral",
}
"""The strategies tried by default, each with its own default parameters; a strategy with
a ``start`` day starts it tomorrow."""

FIGURES = ("days_until_silence", "members_ahead", "messages_ahead", "spend")
MID_LIFE_REFUSED = {"KOLSeeding": "its KOLs join on day 1 only"}


# ---------------------------------------------------------------------- the series
def read_series(path: str | Path) -> pd.DataFrame:
    """A group's daily series from a CSV file: a ``day`` column (0 = the founding day) or
    a ``date`` column (days counted from the first date), and columns named after model
    metrics (``members``, ``messages``, ...). Empty cells and days without a row are not
    observed. Other columns are kept; ``forecast`` uses only the metrics.

    Raises:
        ValueError: naming the file and what is wrong.
    """
    path = Path(path)
    try:
        frame = pd.read_csv(path, dtype={"day": str, "date": str})
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: cannot be read as CSV ({error})") from None
    if "day" in frame.columns:
        day = pd.to_numeric(frame["day"], errors="coerce")
        bad = day.isna() | (day < 0) | (day != day.round())
        if bad.any():
            raise ValueError(
                f"{path}: day={frame['day'][bad].iloc[0]} on row {int(bad.idxmax()) + 2}: "
                "expected whole days >= 0"
            )
        frame["day"] = day.astype(int)
    elif "date" in frame.columns:
        dates = pd.to_datetime(frame["date"], errors="coerce")
        if dates.isna().any():
            bad = dates.isna().idxmax()
            raise ValueError(f"{path}: date={frame['date'][bad]} on row {bad + 2}: expected a date")
        frame = frame.drop(columns="date")
        frame["day"] = (dates - dates.min()).dt.days
    else:
        raise ValueError(f"{path}: no 'day' or 'date' column (columns: {list(frame.columns)})")
    if not frame["day"].is_unique:
        raise ValueError(f"{path}: a day appears twice: expected one row a day")
    if not any(c in REPORTERS for c in frame.columns):
        raise ValueError(
            f"{path}: no model metric among the columns {list(frame.columns)}: expected "
            f"at least one of {list(REPORTERS)} (members, messages, ...)"
        )
    return frame.set_index("day").sort_index()


def _metrics(observed: pd.DataFrame) -> pd.DataFrame:
    """The metric columns of an observed series, one row per day 0..last (NaN: not seen)."""
    if not isinstance(observed, pd.DataFrame):
        raise ValueError(f"observed={type(observed).__name__}: expected a pandas DataFrame")
    frame = observed.set_index("day") if "day" in observed.columns else observed
    columns = [c for c in frame.columns if c in REPORTERS]
    if not columns:
        raise ValueError(
            f"observed has no model metric among {list(frame.columns)}: expected at least "
            f"one of {list(REPORTERS)}"
        )
    frame = frame[columns].astype(float)
    index = frame.index.to_numpy()
    if frame.empty or not np.issubdtype(index.dtype, np.integer) or index.min() < 0:
        raise ValueError("observed: expected rows indexed by whole days >= 0")
    days = pd.RangeIndex(int(index.max()) + 1, name="day")
    return frame.reindex(days)


def observed_stages(observed: pd.DataFrame, members: pd.Series | None = None) -> pd.Series:
    """The lifecycle stage of each observed day, as it could be told on that day
    (``commsim.analysis.stages_so_far``, which interpolates members between observed
    days). ``members`` stands in for a series without members (the fitted runs' median).
    A series without messages has no activity to judge and gets no stage (empty)."""
    frame = _metrics(observed)
    if "messages" not in frame or frame["messages"].isna().all():
        return pd.Series(dtype=object, name="stage")
    frame = frame.copy()
    if "members" not in frame or frame["members"].isna().all():
        if members is None:
            raise ValueError("observed has no members: give members= to stand in for them")
        frame["members"] = members.reindex(frame.index).to_numpy()
    return stages_so_far(frame.loc[: frame["messages"].last_valid_index()])


# ---------------------------------------------------------------------- strategies
def _strategy_templates(strategies, tomorrow: int) -> dict[str, Strategy]:
    """Label -> a strategy instance to copy into each run. Names are built with their
    defaults and, when they have a ``start`` day, ``start=tomorrow``."""
    if strategies is None:
        strategies = DEFAULT_STRATEGIES
    if isinstance(strategies, str) or not isinstance(strategies, (Mapping, Iterable)):
        raise ValueError(
            f"strategies={strategies!r}: expected a mapping of label to strategy "
            "(a name or an instance) or a list of strategy names"
        )
    items = strategies.items() if isinstance(strategies, Mapping) else [(s, s) for s in strategies]
    templates = {}
    for label, strategy in items:
        if isinstance(strategy, str):
            cls = build(strategy).__class__
            strategy = build(strategy, {"start": tomorrow} if "start" in cls.PARAMETERS else {})
        if not isinstance(strategy, Strategy):
            raise ValueError(
                f"strategies[{label!r}]={strategy!r}: expected a strategy name or a "
                "commsim.strategies.Strategy instance"
            )
        refused = MID_LIFE_REFUSED.get(type(strategy).__name__)
        if refused:
            raise ValueError(
                f"strategies[{label!r}]: {type(strategy).__name__} cannot start in the middle "
                f"of a group's life ({refused})"
            )
        if str(label) == AS_IT_IS:
            raise ValueError(f"strategies: the label {AS_IT_IS!r} is the run without strategy")
        templates[str(label)] = strategy
    return templates


def start_strategy(model: CommunityModel, strategy: Strategy) -> None:
    """Add ``strategy`` to a running model: it acts from the model's next day on.

    The strategy is set up on the model as it is today (``strategy.setup(model)``) and
    joins the end of ``model.strategies``, so its hooks run after the others'."""
    model.strategies.append(strategy)
    strategy.setup(model)


# ---------------------------------------------------------------------- the runs
@dataclass(frozen=True)
class _Member:
    """One run of the ensemble and its strategy copies (picklable for executors)."""

    parameters: dict
    seed: int
    today: int
    horizon: int
    templates: dict

    def __call__(self, _=None) -> dict[str, pd.DataFrame]:
        model = CommunityModel(rng=self.seed, **self.parameters)
        model.run_for(self.today)
        copies = {}
        for label, template in self.templates.items():
            arm = copy.deepcopy(model)
            start_strategy(arm, copy.deepcopy(template))
            copies[label] = arm
        frames = {}
        for label, arm in {AS_IT_IS: model, **copies}.items():
            arm.run_for(self.horizon - self.today)
            frames[label] = arm.datacollector.get_model_vars_dataframe()
        return frames


def _figures(frame: pd.DataFrame, today: int, ahead: int) -> dict[str, float]:
    after = frame.loc[today + 1 : today + ahead]
    silence = days_until_silence(frame)
    return {
        "days_until_silence": max(silence - today, 0.0),  # NaN stays NaN: not silent
        "members_ahead": float(frame["members"].loc[today + ahead]),
        "messages_ahead": float(after["messages"].mean()),
        "spend": float(frame["spend"].loc[today + 1 :].sum()),
    }


# ---------------------------------------------------------------------- the answer
def _censored_quantiles(values: np.ndarray, level: float) -> tuple[float, float, float]:
    """Low, median and high quantile of ``values``, NaN (censored: beyond the horizon)
    counted as +inf so that a bound among them is inf."""
    filled = np.where(np.isnan(values), np.inf, values)
    q = np.quantile(filled, [(1 - level) / 2, 0.5, (1 + level) / 2], method="inverted_cdf")
    return float(q[0]), float(q[1]), float(q[2])


@dataclass(eq=False)
class Forecast:
    """What ``forecast`` found.

    Attributes:
        observed: the whole observed series (metric columns, one row a day), including
            days after ``today`` when given (for checking the forecast).
        today: the last day fitted; strategies start on ``today + 1``.
        horizon: the last simulated day.
        ahead: the look-ahead of ``members_ahead`` and ``messages_ahead``, days.
        level: the share of runs inside each band.
        calibration: the fit (``commsim.calibrate.CalibrationResult``, with its posterior).
        stages: the observed days' stages so far (``observed_stages``).
        runs: every simulated day: ``arm``, ``run``, ``day`` and the model's metrics.
        figures: one row per arm and run: ``arm``, ``run`` and ``FIGURES``.
    """

    observed: pd.DataFrame
    today: int
    horizon: int
    ahead: int
    level: float
    calibration: calibrate.CalibrationResult
    stages: pd.Series
    runs: pd.DataFrame
    figures: pd.DataFrame

    @property
    def stage(self) -> str | None:
        """The stage today, from the observed series (None without messages)."""
        known = self.stages.loc[: self.today].dropna()
        return str(known.iloc[-1]) if len(known) else None

    @property
    def arms(self) -> list[str]:
        return list(dict.fromkeys(self.figures["arm"]))

    def band(self, column: str, arm: str = AS_IT_IS) -> pd.DataFrame:
        """Daily ``low``, ``median``, ``high`` of ``column`` across the runs of ``arm``."""
        if arm not in self.arms:
            raise ValueError(f"arm={arm!r}: expected one of {self.arms}")
        if column not in REPORTERS:
            raise ValueError(f"column={column!r}: expected one of {list(REPORTERS)}")
        table = self.runs[self.runs.arm == arm].pivot(index="day", columns="run", values=column)
        q = table.quantile([(1 - self.level) / 2, 0.5, (1 + self.level) / 2], axis=1).T
        q.columns = ["low", "median", "high"]
        return q

    def coverage(self) -> pd.DataFrame:
        """For each observed column, the observed days after ``today`` (up to
        ``horizon``) and the share of them inside the as-it-is band."""
        rows = {}
        for column in self.observed.columns:
            seen = self.observed[column].loc[self.today + 1 : self.horizon].dropna()
            if seen.empty:
                continue
            band = self.band(column).loc[seen.index]
            inside = (seen >= band["low"]) & (seen <= band["high"])
            rows[column] = {"days": len(seen), "covered": float(inside.mean())}
        return pd.DataFrame(rows, index=["days", "covered"]).T

    def silence(self, arm: str = AS_IT_IS) -> dict[str, float]:
        """Days from today until silence for ``arm``: ``low``, ``median``, ``high`` (inf:
        beyond the horizon), the runs and the runs not silent by the horizon."""
        values = self.figures.loc[self.figures.arm == arm, "days_until_silence"].to_numpy()
        low, median, high = _censored_quantiles(values, self.level)
        return {"low": low, "median": median, "high": high, "runs": len(values),
                "not_silent": int(np.isnan(values).sum())}  # fmt: skip

    def table(self) -> pd.DataFrame:
        """One row per arm: each figure's median and band, and for strategies the median
        and band of the paired change against "as it is"; ``runs`` on every row and
        ``not_silent``: the runs not silent by the horizon."""
        base = self.figures[self.figures.arm == AS_IT_IS].set_index("run")
        rows = []
        for arm in self.arms:
            mine = self.figures[self.figures.arm == arm].set_index("run").loc[base.index]
            row = {"arm": arm, "runs": len(mine),
                   "not_silent": int(mine["days_until_silence"].isna().sum())}  # fmt: skip
            for figure in FIGURES:
                low, median, high = _censored_quantiles(mine[figure].to_numpy(), self.level)
                row.update({figure: median, f"{figure}_low": low, f"{figure}_high": high})
                if arm == AS_IT_IS:
                    continue
                change = (mine[figure] - base[figure]).to_numpy()
                defined = ~np.isnan(change)
                if figure == "days_until_silence":
                    row["silence_change_runs"] = int(defined.sum())
                if defined.any():
                    low, median, high = _censored_quantiles(change[defined], self.level)
                else:
                    low = median = high = math.nan
                row.update({f"{figure}_change": median, f"{figure}_change_low": low,
                            f"{figure}_change_high": high})  # fmt: skip
            rows.append(row)
        return pd.DataFrame(rows).set_index("arm")

    def summary(self) -> str:
        """The forecast as text: stage, days until silence, and the strategy table."""
        share = f"{self.level:.0%}"
        beyond = self.horizon - self.today
        silence = self.silence()
        fit = self.calibration
        lines = [
            f"Fitted on days 0-{self.today} by rejection ABC: {len(fit.posterior)} of "
            f"{len(fit.evaluations)} prior draws kept, {len(fit.seeds)} seeds each "
            f"({silence['runs']} runs ahead).",
        ]
        for name, row in fit.uncertainty.iterrows():
            lines.append(f"  {name} = {row.estimate:.4g} [{row.low:.4g}, {row.high:.4g}]")
        lines.append(f"Stage today (day {self.today}): {self.stage or 'unknown (no messages)'}.")
        lines.append(
            f"Days until silence: {_days(silence['median'], beyond)} "
            f"[{_days(silence['low'], beyond)}, {_days(silence['high'], beyond)}] "
            f"({share} of runs; {silence['not_silent']} of {silence['runs']} runs not silent "
            f"by day {self.horizon})."
        )
        lines.append(f"Strategies started tomorrow (day {self.today + 1}), change against "
                     f"'{AS_IT_IS}' in the same runs, median [{share} band]:")  # fmt: skip
        lines.append(self.strategy_table().to_string())
        return "\n".join(lines)

    def strategy_table(self) -> pd.DataFrame:
        """``table()`` as text cells: each figure ``median [low, high]``, changes for the
        strategies."""
        table = self.table()
        beyond = self.horizon - self.today
        ahead = self.ahead
        cells = {}
        for arm, row in table.iterrows():
            strategy = arm != AS_IT_IS
            key = "_change" if strategy else ""

            def cell(figure, digits, days=False, row=row, key=key):
                values = [row[f"{figure}{key}{s}"] for s in ("", "_low", "_high")]
                text = [(_days(v, beyond) if days and not key else _number(v, digits, key))
                        for v in values]  # fmt: skip
                return f"{text[0]} [{text[1]}, {text[2]}]"

            silence = cell("days_until_silence", 0, days=True)
            if strategy:
                silence += f" (n={int(row['silence_change_runs'])})"
            cells[arm] = {
                "days until silence": silence,
                f"members day +{ahead}": cell("members_ahead", 0),
                f"messages/day next {ahead}": cell("messages_ahead", 0),
                "spend": cell("spend", 0),
                "runs": int(row["runs"]),
            }
        return pd.DataFrame(cells).T

    def plot(self, path: str | Path | None = None, columns: Iterable[str] | None = None):
        """Observed days (dots; hollow after ``today``), the as-it-is median and band, and
        each strategy's median from tomorrow; one panel per column. Saved to ``path``
        when given. Returns the figure."""
        import matplotlib.pyplot as plt

        columns = list(self.observed.columns if columns is None else columns)
        fig, axes = plt.subplots(len(columns), 1, figsize=(9, 3.2 * len(columns)), sharex=True)
        axes = np.atleast_1d(axes)
        for ax, column in zip(axes, columns, strict=True):
            band = self.band(column)
            ax.fill_between(band.index, band["low"], band["high"], alpha=0.25,
                            label=f"{AS_IT_IS}: {self.level:.0%} of runs")  # fmt: skip
            ax.plot(band.index, band["median"], label=f"{AS_IT_IS}: median")
            for arm in self.arms[1:]:
                median = self.band(column, arm)["median"].loc[self.today :]
                ax.plot(median.index, median, lw=1, label=f"{arm} (median)")
            seen = self.observed[column].dropna()
            fitted, later = seen.loc[: self.today], seen.loc[self.today + 1 :]
            ax.plot(fitted.index, fitted, "k.", label="observed (fitted)")
            if len(later):
                ax.plot(later.index, later, "o", mfc="none", mec="k", ms=4,
                        label="observed (not fitted)")  # fmt: skip
            ax.axvline(self.today, color="grey", lw=0.8, ls="--")
            ax.set_ylabel(column)
            ax.legend(fontsize=7, ncol=2, loc="upper right")
        axes[-1].set_xlabel("day")
        axes[0].set_title(f"Forecast from day {self.today} (stage: {self.stage})")
        fig.tight_layout()
        if path is not None:
            fig.savefig(path, dpi=120)
        return fig


def _days(value: float, beyond: int) -> str:
    return f"> {beyond}" if math.isinf(value) else f"{value:.0f}"


def _number(value: float, digits: int, signed: str) -> str:
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "> horizon" if value > 0 else "< -horizon"
    return f"{value:+,.{digits}f}" if signed else f"{value:,.{digits}f}"


# ---------------------------------------------------------------------- the entry point
def _default_fixed(frame: pd.DataFrame) -> dict:
    """Fixed parameters read from the data: founders from day 0's members, and a
    population of at least 1,000 and three times the most members seen."""
    fixed = {}
    if "members" in frame:
        members = frame["members"].dropna()
        if 0 in members.index and members.loc[0] >= 1:
            fixed["initial_members"] = int(members.loc[0])
        if len(members):
            fixed["population"] = max(1000, int(3 * members.max()))
    return fixed


def forecast(
    observed: pd.DataFrame | str | Path,
    *,
    fit_days: int | None = None,
    horizon: int | None = None,
    ahead: int = 90,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    fixed: Mapping[str, float] | None = None,
    strategies: Mapping[str, str | Strategy] | Iterable[str] | None = None,
    draws: int = 400,
    accept: float = 0.05,
    replications: int = 2,
    level: float = 0.9,
    seed: int = 0,
    executor: Executor | None = None,
) -> Forecast:
    """Fit a group's series up to ``today`` and forecast it (see the module docstring).

    Args:
        observed: a DataFrame indexed by day (or with a ``day`` column), or a CSV file
            (``read_series``); columns among the model's metrics are used, NaN = not seen.
        fit_days: fit days 0..``fit_days`` (``today``); default: every observed day.
        horizon: the last day simulated (> today + 1); default: day 365, or
            ``today + ahead`` when that is later.
        ahead: days after today for ``members_ahead``/``messages_ahead``.
        bounds: the prior's bounds of the fitted parameters (default ``DEFAULT_BOUNDS``).
        fixed: parameters held fixed (model parameters or strategies' flat keywords, e.g.
            ``scheduled_events=True`` for a group that already holds weekly events);
            by default founders and population come from the data (``_default_fixed``).
        strategies: label -> strategy name or instance (copied into each run), or a list
            of names; default ``DEFAULT_STRATEGIES``; ``[]`` for none.
        draws, accept, replications: the ABC's prior draws, accepted share, seeds per draw.
        level: the share of runs inside each band.
        seed: root seed of the fit (prior draws and replication seeds).
        executor: a ``concurrent.futures.Executor`` for the fit and the runs ahead.

    Raises:
        ValueError: naming the argument, the value and what is allowed, before any run.
    """
    if isinstance(observed, (str, Path)):
        observed = read_series(observed)
    frame = _metrics(observed)
    last = int(frame.dropna(how="all").index.max())
    if fit_days is None:
        fit_days = last
    if isinstance(fit_days, bool) or not isinstance(fit_days, (int, np.integer)) or fit_days < 1:
        raise ValueError(f"fit_days={fit_days!r}: expected a whole number of days >= 1")
    today = int(fit_days)
    if today > last:
        raise ValueError(
            f"fit_days={today}: the series ends on day {last}: expected at most {last}"
        )
    if horizon is None:
        horizon = max(365, today + ahead) if isinstance(ahead, (int, np.integer)) else 365
    fitted = frame.loc[:today]
    if fitted.iloc[1:].isna().all().all():
        raise ValueError(f"fit_days={today}: no observed day in 1..{today} to fit")
    for name, value, low in (("horizon", horizon, today + 2), ("ahead", ahead, 1)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name}={value!r}: expected a whole number >= {low}")
    if today + ahead > horizon:
        raise ValueError(f"ahead={ahead}: today ({today}) + ahead must be within horizon={horizon}")
    if not 0 < level < 1:
        raise ValueError(f"level={level!r}: expected a share in (0, 1)")
    fixed = {**_default_fixed(fitted), **dict(fixed or {})}
    bounds = dict(DEFAULT_BOUNDS if bounds is None else bounds)
    for name in fixed:
        if name not in PARAMETERS and name not in FLAT_PARAMETERS:
            raise ValueError(f"fixed[{name!r}]: expected a model parameter or flat keyword")
    fixed = {k: v for k, v in fixed.items() if k not in bounds}
    templates = _strategy_templates(strategies, today + 1)

    calibration = calibrate.fit(
        fitted.dropna(axis=1, how="all"), bounds, fixed=fixed, method="abc",
        replications=replications, seed=seed, executor=executor, draws=draws, accept=accept,
    )  # fmt: skip
    names = list(bounds)
    members = []
    for row in calibration.posterior[names].itertuples(index=False):
        values = {
            name: int(round(x)) if _is_int(name) else float(x)
            for name, x in zip(names, row, strict=True)
        }
        for seed_value in calibration.seeds:
            members.append(_Member({**fixed, **values}, seed_value, today, horizon, templates))
    results = list(executor.map(_call, members) if executor is not None else map(_call, members))

    runs, figures = [], []
    for k, frames in enumerate(results):
        for arm, run in frames.items():
            runs.append(run.assign(arm=arm, run=k).rename_axis("day").reset_index())
            figures.append({"arm": arm, "run": k, **_figures(run, today, ahead)})
    return Forecast(
        observed=frame,
        today=today,
        horizon=horizon,
        ahead=ahead,
        level=level,
        calibration=calibration,
        stages=observed_stages(frame, _median(runs, "members")),
        runs=pd.concat(runs, ignore_index=True),
        figures=pd.DataFrame(figures),
    )


def _median(runs: list[pd.DataFrame], column: str) -> pd.Series:
    """The daily median of ``column`` over the as-it-is runs."""
    table = pd.concat([r.set_index("day")[column] for r in runs if r["arm"].iat[0] == AS_IT_IS],
                      axis=1)  # fmt: skip
    return table.median(axis=1)


def _call(member: _Member) -> dict[str, pd.DataFrame]:
    return member()


def _is_int(name: str) -> bool:
    parameter = PARAMETERS.get(name) or FLAT_PARAMETERS.get(name)
    return getattr(parameter, "kind", None) is int


# ---------------------------------------------------------------------- the command
def _assignment(text: str, kind: str) -> tuple[str, object]:
    import tomllib

    name, sep, value = text.partition("=")
    if not sep or not name:
        raise ValueError(f"--{kind} {text!r}: expected NAME=VALUE")
    if kind == "fit":
        low, sep, high = value.partition(":")
        try:
            return name, (float(low), float(high))
        except ValueError:
            raise ValueError(f"--fit {text!r}: expected NAME=LOW:HIGH (numbers)") from None
    try:
        return name, tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        raise ValueError(
            f"--fixed {text!r}: expected NAME=VALUE with a number, true/false or a quoted text"
        ) from None


def main(argv: list[str] | None = None) -> int:
    """``commsim forecast SERIES.csv [--fit-days N] ...``: print the forecast and write
    ``forecast.png``, ``strategies.csv`` and ``bands.csv`` to ``--out``."""
    import argparse
    import sys
    from concurrent.futures import ProcessPoolExecutor

    parser = argparse.ArgumentParser(
        prog="commsim forecast",
        description="Fit a group's daily series and forecast its lifecycle, its days until "
        "silence and what strategies started tomorrow would change.",
    )
    parser.add_argument("series", type=Path, help="CSV: a day (or date) column, and members "
                        "and/or messages; empty cells are days not observed")  # fmt: skip
    parser.add_argument("--fit-days", type=int, help="fit days 0..N (default: all)")
    parser.add_argument(
        "--horizon", type=int, help="last day simulated (default: 365, or today + ahead when later)"
    )
    parser.add_argument("--ahead", type=int, default=90, help="look-ahead days of the table")
    parser.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="NAME=LOW:HIGH",
        help="a fitted parameter and its prior (replaces the default prior)",
    )
    parser.add_argument(
        "--fixed",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter held fixed (model parameter or flat keyword)",
    )
    parser.add_argument(
        "--strategies",
        nargs="*",
        metavar="NAME",
        help=f"strategies to start tomorrow (default: {' '.join(DEFAULT_STRATEGIES.values())})",
    )
    parser.add_argument("--draws", type=int, default=400, help="prior draws of the ABC fit")
    parser.add_argument("--accept", type=float, default=0.05, help="share of draws kept")
    parser.add_argument("--replications", type=int, default=2, help="seeds per draw")
    parser.add_argument("--level", type=float, default=0.9, help="share of runs in a band")
    parser.add_argument("--seed", type=int, default=0, help="root seed")
    parser.add_argument("--workers", type=int, default=0, help="processes (0: this one)")
    parser.add_argument("--out", type=Path, help="folder for the files "
                        "(default output/forecast-<series name>)")  # fmt: skip
    args = parser.parse_args(argv)
    try:
        if args.workers < 0:
            raise ValueError(f"--workers={args.workers}: expected 0 (this process) or more")
        bounds = dict(_assignment(text, "fit") for text in args.fit) or None
        fixed = dict(_assignment(text, "fixed") for text in args.fixed)
        options = dict(
            fit_days=args.fit_days, horizon=args.horizon, ahead=args.ahead, bounds=bounds,
            fixed=fixed, strategies=args.strategies, draws=args.draws, accept=args.accept,
            replications=args.replications, level=args.level, seed=args.seed,
        )  # fmt: skip
        series = read_series(args.series)
        if args.workers:
            with ProcessPoolExecutor(args.workers) as pool:
                result = forecast(series, executor=pool, **options)
        else:
            result = forecast(series, **options)
    except ValueError as error:
        print(f"commsim forecast: error: {error}", file=sys.stderr)
        return 1
    print(result.summary())
    coverage = result.coverage()
    for column, row in coverage.iterrows():
        print(f"Observed {column} after day {result.today}: {row['covered']:.0%} of "
              f"{int(row['days'])} days inside the band.")  # fmt: skip
    out = args.out or Path("output") / f"forecast-{args.series.stem}"
    out.mkdir(parents=True, exist_ok=True)
    result.plot(out / "forecast.png")
    result.table().to_csv(out / "strategies.csv")
    bands = {c: result.band(c) for c in result.observed.columns}
    pd.concat(bands, axis=1).to_csv(out / "bands.csv")
    print(f"Written: {out}/forecast.png, strategies.csv, bands.csv", file=sys.stderr)
    return 0
