"""Make one plot per strategy against a no-strategy baseline: ``docs/img/strategy_<key>.png``.

Each plot shows the mean over replications (seeds 0..n-1) of one or two daily metrics,
with a 95% confidence band (mean +- 1.96 standard errors), for the bare model and for the
strategy (some plots show two settings). Run from the repository root::

    .venv/bin/python docs/make_strategy_plots.py            # all strategies
    .venv/bin/python docs/make_strategy_plots.py RedPackets --seeds 5
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from commsim.replications import daily_frame, run_models  # noqa: E402
from commsim.strategies import STRATEGIES, Strategy  # noqa: E402

IMAGES = Path(__file__).parent / "img"
BASELINE = "no strategy"

Metric = tuple[str, Callable[[pd.DataFrame], pd.Series]]


def column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df[name]


def weekly(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df[name].rolling(7, min_periods=1).mean()


def cumulative(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df[name].cumsum()


def spam_share(df: pd.DataFrame) -> pd.Series:
    return (df["spam_messages"].rolling(7, min_periods=1).sum()
            / df["messages"].rolling(7, min_periods=1).sum().clip(lower=1))  # fmt: skip


@dataclass(frozen=True)
class StrategyPlot:
    """What to plot for one strategy: its settings (label -> the strategy's parameters,
    the others at their defaults) and the metrics."""

    title: str
    variants: dict[str, dict]
    metrics: list[Metric]
    population: int = 1000
    days: int = 180


PLOTS: dict[str, StrategyPlot] = {
    "EntryThreshold": StrategyPlot(
        "EntryThreshold: fewer join, committed; the group keeps its members",
        {"fee, level 0.3": {"kind": "fee", "level": 0.3},
         "task, level 0.3": {"kind": "task", "level": 0.3}},
        [("members", column("members")), ("leavers per day (7-day mean)", weekly("left"))],
    ),
    "RedPackets": StrategyPlot(
        "RedPackets: weekly drops spike messages; members do not stay",
        {"400 a week, days 7-70": {"budget": 4000, "amount": 400}},
        [("messages per day", column("messages")), ("members", column("members"))],
    ),
    "Badges": StrategyPlot(
        "Badges: posting climbs toward each badge and falls back after it",
        {"badges at 30, 60, 120 messages": {}},
        [("contributors per day", weekly("contributors")), ("members", column("members"))],
    ),
    "InviteLeaderboard": StrategyPlot(
        "InviteLeaderboard: prizes for invitations bring people in",
        {"300 per 14 days, 4 periods": {}},
        [("joined so far", cumulative("joined")), ("members", column("members"))],
    ),
    "KOLSeeding": StrategyPlot(
        "KOLSeeding: three paid KOLs, and what happens when one or all leave on day 90",
        {"3 KOLs stay": {},
         "1 of 3 leaves on day 90": {"leave_on": 90, "leaving": 1},
         "3 KOLs leave on day 90": {"leave_on": 90}},
        [("messages per day (7-day mean)", weekly("messages")),
         ("leavers per day (7-day mean)", weekly("left"))],
    ),
    "SizeCap": StrategyPlot(
        "SizeCap: a cap of 60, without and with splitting",
        {"cap 60": {"max_members": 60},
         "cap 60, split": {"max_members": 60, "split": True}},
        [("members", column("members")), ("groups with members", column("active_groups"))],
    ),
    "Moderation": StrategyPlot(
        "Moderation: spam goes; a strict regime drives members away too",
        {"moderate (strictness 0.02)": {},
         "strict (strictness 0.5)": {"strictness": 0.5}},
        [("spam share of messages (7 days)", spam_share), ("members", column("members"))],
    ),
    "ScheduledEvents": StrategyPlot(
        "ScheduledEvents: a weekly sharing day spikes messages and forms a habit",
        {"weekly event": {}},
        [("messages per day", column("messages")), ("members", column("members"))],
    ),
    "Referral": StrategyPlot(
        "Referral: a reward per invited friend brings arrivals through friends",
        {"10 per friend who joins": {}},
        [("joined so far", cumulative("joined")), ("members", column("members"))],
    ),
    "ContentMix": StrategyPlot(
        "ContentMix: 10 operator posts a day, chatter against on-topic",
        {"all off-topic": {"on_topic": 0.0},
         "all on-topic": {"on_topic": 1.0}},
        [("messages per day (7-day mean)", weekly("messages")), ("members", column("members"))],
    ),
    "Conversion": StrategyPlot(
        "Conversion: 10% of an average member buys within 30 days",
        {"rate 0.1, 100 per sale": {}},
        [("revenue so far", cumulative("revenue")), ("members", column("members"))],
    ),
    "SocialComparison": StrategyPlot(
        "SocialComparison: a monthly median from day 30 pulls posting toward it",
        {"shown monthly from day 30": {"start": 30}},
        [("top 10% share of messages", column("top10_share")),
         ("contributors per day (7-day mean)", weekly("contributors"))],
    ),
}  # fmt: skip


def replicate(
    make: Callable[[], list[Strategy]], seeds: int, population: int, days: int
) -> list[pd.DataFrame]:
    """Daily metrics of ``seeds`` runs (seeds 0..seeds-1) with the strategies ``make()``."""
    return [daily_frame(m) for m in run_models(range(seeds), days, make, population=population)]


def strategy_figure(
    name: str, seeds: int = 10, population: int | None = None, days: int | None = None
) -> plt.Figure:
    """The figure for strategy ``name``: each metric of ``PLOTS[name]`` for the baseline and
    each setting, mean over ``seeds`` runs with a 95% band."""
    plot = PLOTS[name]
    population = population or plot.population
    days = days or plot.days
    runs = {BASELINE: replicate(list, seeds, population, days)}
    cls = STRATEGIES[name]
    for label, params in plot.variants.items():
        runs[label] = replicate(lambda p=params: [cls(**p)], seeds, population, days)
    fig, axes = plt.subplots(len(plot.metrics), 1, figsize=(8, 2.6 * len(plot.metrics) + 0.6),
                             sharex=True, squeeze=False)  # fmt: skip
    for ax, (ylabel, metric) in zip(axes[:, 0], plot.metrics, strict=True):
        for (label, frames), color in zip(runs.items(), ["0.35", "C0", "C3", "C2"], strict=False):
            values = np.array([metric(df).to_numpy(dtype=float) for df in frames])
            mean = np.nanmean(values, axis=0)
            spread = np.nanstd(values, axis=0, ddof=1) if len(frames) > 1 else 0.0 * mean
            half = 1.96 * spread / np.sqrt(len(frames))
            day = np.arange(values.shape[1])
            ax.plot(day, mean, color=color, label=label, lw=1.4)
            ax.fill_between(day, mean - half, mean + half, color=color, alpha=0.2, lw=0)
        ax.set_ylabel(ylabel)
    axes[0, 0].legend(loc="best", fontsize=8)
    axes[0, 0].set_title(f"{plot.title}\n(mean of {seeds} runs, population {population}, 95% band)",
                         fontsize=10)  # fmt: skip
    axes[-1, 0].set_xlabel("day")
    fig.tight_layout()
    return fig


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(PLOTS), help="strategies to plot")
    parser.add_argument("--seeds", type=int, default=10, help="replications per setting")
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the images")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.names:
        fig = strategy_figure(name, seeds=args.seeds)
        path = args.out / f"strategy_{STRATEGIES[name].key}.png"
        fig.savefig(path, dpi=100)
        plt.close(fig)
        print(path)


if __name__ == "__main__":
    main()
