"""The answer of a forecast: ``Forecast``, its bands, tables, summary and plot."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from commsim import calibrate
from commsim.forecasting.arms import AS_IT_IS, FIGURES
from commsim.model import REPORTERS


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
