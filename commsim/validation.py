"""Checks of the model against what is known about online communities.

Each check is a small experiment with replications: it runs the model (with the default
parameters unless told otherwise), measures what a finding is about, prints the measured
figures against what the finding says, and passes or fails by a stated statistical rule.
The checks and their sources (the practitioner articles 000-004, cited by file name as
in ``docs/model.md``):

- ``participation_inequality``: most members never post, a small minority writes most
  content (the 90-9-1 pattern; 004: "大咖一般不说话", most members dive, "潜水").
- ``lifecycle``: sprout, growth, peak, decline and silence without intervention (004).
- ``evaporative_cooling``: in an open group the mean value falls after growth and the most
  valuable leave at a higher rate (004, "蒸发冷却效应").
- ``joining_through_friends``: the chance of joining rises with the number of friends
  inside, with diminishing returns (000, 004: referral and fission).
- ``overload``: past an attention budget, more messages per member raise the rate of
  leaving (004: groups over ~200 people drown members in chatter).
- ``entry_barriers``: with an entry threshold fewer join, and joiners contribute more and
  stay longer (000, 004; ``EntryThreshold``).
- ``cooling_dampened``: entry thresholds and moderation dampen evaporative cooling (004;
  ``EntryThreshold``, ``Moderation``).
- ``red_packets``: a short spike of activity, no lasting rise (003, 004; ``RedPackets``).

Every check takes a ``size`` (``"small"`` for tests, ``"full"`` for the documentation),
a root ``seed`` (replication seeds from ``numpy.random.SeedSequence``), and model
parameters to override (to see a check fail under a setting that breaks the mechanism).
``python -m commsim.validation`` (or ``commsim.validation.main(argv)``) runs them all and
prints a table.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from commsim.calibrate import replication_seeds
from commsim.inequality import top_share
from commsim.model import CommunityModel
from commsim.outcomes import days_until_silence
from commsim.parameters import validate
from commsim.population import CONTRIBUTOR, OUTSIDER, SPAMMER
from commsim.strategies import STRATEGIES, strategies_from_keywords
from commsim.strategies.base import Strategy

ALPHA = 0.05


@dataclass(frozen=True)
class Size:
    """How big a check's experiment is.

    Attributes:
        replications: seeds per arm of the experiment.
        population: people in each model.
    """

    replications: int
    population: int


SIZES = {"small": Size(replications=20, population=1000), "full": Size(60, 2000)}


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: the check's name.
        finding: what is known, in words.
        source: where it comes from.
        expected: the pass rule, in words.
        measured: what the experiment measured, in words.
        passed: whether the rule held.
        figures: the measured numbers by name.
    """

    name: str
    finding: str
    source: str
    expected: str
    measured: str
    passed: bool
    figures: dict = field(default_factory=dict)

    def report(self) -> str:
        """A few lines: the finding, the source, the rule, the measurement, the verdict."""
        verdict = "PASS" if self.passed else "FAIL"
        return (
            f"[{verdict}] {self.name}: {self.finding}\n"
            f"    source:   {self.source}\n"
            f"    expected: {self.expected}\n"
            f"    measured: {self.measured}"
        )


@dataclass(frozen=True)
class Check:
    """A named check: a finding, its source, and the experiment that tests it."""

    name: str
    finding: str
    source: str
    experiment: Callable[..., tuple[str, str, bool, dict]]

    def __call__(self, size: str = "small", seed: int = 0, **parameters) -> CheckResult:
        """Run the check.

        Args:
            size: ``"small"`` or ``"full"`` (``SIZES``).
            seed: root seed of the replications.
            **parameters: model parameters overriding the defaults, and strategies' flat
                keywords (``red_packets_decay_days=...``): a check about a strategy applies
                those of its own strategy to its treated arm only; other checks run every
                arm with them.

        Raises:
            ValueError: for an unknown size, a bad seed or a bad model parameter.
        """
        if size not in SIZES:
            raise ValueError(f"size={size!r}: expected one of {list(SIZES)}")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed={seed!r}: expected a non-negative integer")
        validate(strategies_from_keywords(parameters)[1])
        expected, measured, passed, figures = self.experiment(SIZES[size], int(seed), parameters)
        return CheckResult(self.name, self.finding, self.source, expected, measured,
                           bool(passed), figures)  # fmt: skip


def _runs(size: Size, seed: int, parameters: dict, days: int, strategies=None):
    """Yield ``(model, daily DataFrame)`` for each replication."""
    for rep_seed in replication_seeds(seed, size.replications):
        chosen = list(strategies()) if strategies is not None else []
        model = CommunityModel(rng=rep_seed, strategies=chosen,
                               **{"population": size.population, **parameters})  # fmt: skip
        model.run_for(days)
        yield model, model.datacollector.get_model_vars_dataframe()


def _lower(values, alpha: float = ALPHA) -> float:
    """One-sided lower ``1 - alpha`` confidence bound of the mean (Student t)."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return math.nan
    sem = values.std(ddof=1) / math.sqrt(values.size)
    return float(values.mean() - stats.t.ppf(1 - alpha, values.size - 1) * sem)


def _greater(a, b) -> float:
    """One-sided p-value that the paired differences ``a - b`` have a positive mean."""
    diff = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    if np.allclose(diff, diff[0]):
        return 0.0 if diff[0] > 0 else 1.0
    return float(stats.ttest_1samp(diff, 0.0, alternative="greater").pvalue)


# ---------------------------------------------------------------- participation inequality
def _participation(size: Size, seed: int, parameters: dict):
    never, top1, top10 = [], [], []
    for model, _ in _runs(size, seed, parameters, days=180):
        pop = model.population
        ever = (pop.joined_day >= 0) & (pop.role != SPAMMER)
        written = pop.contributions[ever]
        never.append(float(np.mean(written == 0)))
        top1.append(np.nan_to_num(top_share(written, 0.01)))
        top10.append(np.nan_to_num(top_share(written, 0.10)))
    figures = {"never_posted": float(np.mean(never)), "top1_share": float(np.mean(top1)),
               "top10_share": float(np.mean(top10)), "never_posted_low": _lower(never),
               "top10_share_low": _lower(top10)}  # fmt: skip
    expected = (
        "90-9-1: ~90% never post, the top 1% write most. Pass: more than half of "
        "everyone who was ever a member never posted and the top 10% of them wrote "
        "more than half the messages (95% lower bounds over replications), 180 days"
    )
    measured = (f"never posted {figures['never_posted']:.0%} (lower bound "
                f"{figures['never_posted_low']:.0%}); top 1% wrote {figures['top1_share']:.0%}, "
                f"top 10% wrote {figures['top10_share']:.0%} (lower bound "
                f"{figures['top10_share_low']:.0%})")  # fmt: skip
    passed = figures["never_posted_low"] > 0.5 and figures["top10_share_low"] > 0.5
    return expected, measured, passed, figures


# ---------------------------------------------------------------- lifecycle
def _lifecycle(size: Size, seed: int, parameters: dict):
    days = 365
    rows = []
    for model, df in _runs(size, seed, parameters, days=days):
        founders = model.params["initial_members"] * model.params["groups"]
        peak, peak_day = float(df.members.max()), int(df.members.idxmax())
        silence = days_until_silence(df)
        sprout = df.members.loc[7] < 0.5 * peak
        growth = peak >= 5 * founders
        decline = df.members.iloc[-1] < 0.5 * peak
        silent = not math.isnan(silence) and silence > peak_day
        rows.append((sprout, growth, decline, silent, peak_day, silence,
                     sprout and growth and decline and silent))  # fmt: skip
    table = pd.DataFrame(rows, columns=["sprout", "growth", "decline", "silence", "peak_day",
                                        "silence_day", "all"])  # fmt: skip
    complete = int(table["all"].sum())
    p_value = stats.binomtest(complete, len(table), 0.75, alternative="greater").pvalue
    figures = {**table[["sprout", "growth", "decline", "silence", "all"]].mean().to_dict(),
               "peak_day": float(table.peak_day.median()),
               "silence_day": float(table.silence_day.median()),
               "p_value": float(p_value)}  # fmt: skip
    expected = (
        "each run goes through sprout (day-7 members under half the peak), growth "
        "(peak at least 5x the founders), decline (day-365 members under half the "
        "peak) and silence (7-day mean of non-spam messages under 5% of its maximum, "
        "after the peak); pass: more than 75% of runs (one-sided binomial test, 5%)"
    )
    measured = (f"{complete}/{len(table)} runs complete (sprout {figures['sprout']:.0%}, "
                f"growth {figures['growth']:.0%}, decline {figures['decline']:.0%}, silence "
                f"{figures['silence']:.0%}); median peak day {figures['peak_day']:.0f}, median "
                f"silence day {figures['silence_day']:.0f}; p = {p_value:.3g}")  # fmt: skip
    return expected, measured, p_value < ALPHA, figures


# ---------------------------------------------------------------- evaporative cooling
def _value_hazards(model: CommunityModel, top: float = 0.75) -> tuple[float, float]:
    """Leaving rates (leavers per member-day) of members from the population's most
    valuable quarter (value at or above its 75th percentile, spammers excluded) and of
    the other members, over everyone who was ever a member."""
    pop = model.population
    regular = pop.role != SPAMMER
    cut = np.quantile(pop.value[regular], top)
    ever = (pop.joined_day >= 0) & regular
    value, tenure = pop.value[ever], pop.tenure(model.day)[ever]
    left = pop.left_day[ever] >= 0
    high = value >= cut
    return (left[high].sum() / max(tenure[high].sum(), 1),
            left[~high].sum() / max(tenure[~high].sum(), 1))  # fmt: skip


def _cooling_measures(size, seed, parameters, days=240, strategies=None):
    start, at_peak, later, high, rest = [], [], [], [], []
    for model, df in _runs(size, seed, parameters, days=days, strategies=strategies):
        peak = int(df.members.idxmax())
        start.append(df.mean_value.iloc[0])
        at_peak.append(df.mean_value.loc[peak])
        later.append(df.mean_value.loc[min(peak + 60, days)])
        h, r = _value_hazards(model)
        high.append(h)
        rest.append(r)
    return {name: np.asarray(v, dtype=float) for name, v in
            zip(("start", "peak", "later", "high", "rest"), (start, at_peak, later, high, rest),
                strict=True)}  # fmt: skip


def _evaporative_cooling(size: Size, seed: int, parameters: dict):
    m = _cooling_measures(size, seed, parameters)
    p_growth = _greater(m["start"], m["peak"])
    p_after = _greater(m["peak"], np.nan_to_num(m["later"]))
    p_leave = _greater(m["high"], m["rest"])
    figures = {"mean_value_start": float(m["start"].mean()),
               "mean_value_peak": float(m["peak"].mean()),
               "mean_value_peak_plus_60": float(np.nanmean(m["later"])),
               "leave_rate_top_quarter": float(m["high"].mean()),
               "leave_rate_rest": float(m["rest"].mean()),
               "p_fall_in_growth": p_growth, "p_fall_after_peak": p_after,
               "p_top_leave_faster": p_leave}  # fmt: skip
    expected = ("the members' mean value falls from founding to the peak and again in the 60 "
                "days after it, and members from the population's most valuable quarter "
                "leave at a higher daily rate than the rest; pass: each one-sided paired "
                "t-test over replications at 5%")  # fmt: skip
    measured = (f"mean value {figures['mean_value_start']:.3f} at founding, "
                f"{figures['mean_value_peak']:.3f} at the peak, "
                f"{figures['mean_value_peak_plus_60']:.3f} 60 days later (p = {p_growth:.2g}, "
                f"{p_after:.2g}); leaving rate per member-day: top quarter "
                f"{figures['leave_rate_top_quarter']:.4f}, rest {figures['leave_rate_rest']:.4f} "
                f"(p = {p_leave:.2g})")  # fmt: skip
    return expected, measured, max(p_growth, p_after, p_leave) < ALPHA, figures


# ---------------------------------------------------------------- joining through friends
class JoiningRecorder(Strategy, register=False):
    """Records the model's own joining decisions against outsiders' friends inside.

    At the start of each day it counts, for every outsider, the friends inside the group
    (members) and the active friends inside (members who posted on the previous day, the
    ones the model's discovery rule lets bring outsiders in); at the end of the day it
    notes who joined. ``trials[k]`` and ``joins[k]`` count outsider-days with ``k``
    friends (``k`` capped at ``max_friends``) and how many of them joined that day.
    """

    def __init__(self, max_friends: int = 6) -> None:
        self.max_friends = max_friends
        size = max_friends + 1
        self.trials = {"members": np.zeros(size), "active": np.zeros(size)}
        self.joins = {"members": np.zeros(size), "active": np.zeros(size)}

    def start_day(self, model, today) -> None:
        pop = model.population
        self._outsiders = np.flatnonzero(pop.state == OUTSIDER)
        counts = {"members": pop.group >= 0, "active": pop.state == CONTRIBUTOR}
        self._friends = {
            kind: np.minimum(model.adjacency @ mask.astype(np.float32), self.max_friends)[
                self._outsiders
            ].astype(np.int64)
            for kind, mask in counts.items()
        }

    def end_day(self, model, today) -> None:
        joined = np.isin(self._outsiders, today.joined)
        size = self.max_friends + 1
        for kind, friends in self._friends.items():
            self.trials[kind] += np.bincount(friends, minlength=size)
            self.joins[kind] += np.bincount(friends[joined], minlength=size)


def _joining(size: Size, seed: int, parameters: dict):
    recorders = []

    def strategies():
        recorders.append(JoiningRecorder())
        return [recorders[-1]]

    for _ in _runs(size, seed, parameters, days=120, strategies=strategies):
        pass
    rates, variances = {}, {}
    for kind in ("active", "members"):
        trials = sum(r.trials[kind] for r in recorders)
        joins = sum(r.joins[kind] for r in recorders)
        rate = np.divide(joins, trials, out=np.full(trials.size, np.nan), where=trials > 0)
        rates[kind] = rate
        variances[kind] = np.divide(rate * (1 - rate), trials, out=np.full(trials.size, np.inf),
                                    where=trials > 0)  # fmt: skip
    p, v = rates["active"], variances["active"]
    # rising: p1 > p0 and p2 > p1; diminishing: the first friend adds more than each of the
    # next two on average, p1 - p0 > (p3 - p1) / 2.
    z_rise1 = (p[1] - p[0]) / math.sqrt(v[1] + v[0])
    z_rise2 = (p[2] - p[1]) / math.sqrt(v[2] + v[1])
    z_concave = (1.5 * p[1] - p[0] - 0.5 * p[3]) / math.sqrt(v[0] + 2.25 * v[1] + 0.25 * v[3])
    z = np.nan_to_num(np.array([z_rise1, z_rise2, z_concave]), nan=-np.inf)
    p_values = stats.norm.sf(z)
    figures = {f"join_rate_{kind}_{k}": float(rates[kind][k]) for kind in rates
               for k in range(5)}  # fmt: skip
    figures.update({"p_rise_0_1": float(p_values[0]), "p_rise_1_2": float(p_values[1]),
                    "p_diminishing": float(p_values[2])})  # fmt: skip
    expected = ("daily chance that an outsider joins, by active friends inside (members who "
                "posted the day before; the model's discovery rule counts these): rises from 0 "
                "to 1 to 2 friends, and the first friend adds more than each of the next two, "
                "p1 - p0 > (p3 - p1) / 2; pass: each one-sided z-test at 5%, 120 days")  # fmt: skip
    curve = ", ".join(f"{k}: {rates['active'][k]:.4f}" for k in range(5))
    members = ", ".join(f"{k}: {rates['members'][k]:.4f}" for k in range(5))
    measured = (f"join rate by active friends {curve} (p = {p_values[0]:.2g}, "
                f"{p_values[1]:.2g}, diminishing {p_values[2]:.2g}); by member friends, for "
                f"comparison, {members}")  # fmt: skip
    return expected, measured, bool((p_values < ALPHA).all()), figures


# ---------------------------------------------------------------- overload
OVERLOAD_LEVELS = (1.5, 3.0, 6.0, 12.0, 24.0)


def _overload(size: Size, seed: int, parameters: dict):
    days = 120
    loads, rates = {}, {}
    for level in OVERLOAD_LEVELS:
        arm = {**parameters, "messages_per_post": level}
        loads[level], rates[level] = [], []
        for model, df in _runs(size, seed, arm, days=days):
            live = df.loc[1:]
            budget = model.params["attention_budget"]
            loads[level].append(float((live.messages / budget).rolling(7).mean().max()))
            rates[level].append(float(live.left.sum() / max(live.members.sum(), 1)))
    mean_load = {level: float(np.mean(v)) for level, v in loads.items()}
    mean_rate = {level: float(np.mean(v)) for level, v in rates.items()}
    past = [level for level in OVERLOAD_LEVELS if mean_load[level] > 1.0]
    rising = len(past) >= 2 and all(
        mean_rate[a] < mean_rate[b] for a, b in zip(past, past[1:], strict=False)
    )
    p_value = _greater(rates[past[-1]], rates[past[0]]) if len(past) >= 2 else math.nan
    figures = {**{f"busiest_week_load_{level:g}": mean_load[level] for level in OVERLOAD_LEVELS},
               **{f"leave_rate_{level:g}": mean_rate[level] for level in OVERLOAD_LEVELS},
               "p_value": p_value}  # fmt: skip
    expected = (f"messages per posting member {', '.join(f'{x:g}' for x in OVERLOAD_LEVELS)} "
                "(same seeds), 120 days; among the levels whose busiest week is past the "
                "attention budget (7-day mean load > 1 budget), the daily rate of leaving "
                "rises with every step; pass: at least two such levels, rising, and a "
                "one-sided paired t-test (highest vs lowest of them) at 5%")  # fmt: skip
    measured = (
        "; ".join(
            f"{level:g}/post: busiest week {mean_load[level]:.2f} budgets, leaving "
            f"{mean_rate[level]:.4f}/member-day"
            for level in OVERLOAD_LEVELS
        )
        + f" (p = {p_value:.2g})"
    )
    passed = rising and p_value < ALPHA
    return expected, measured, passed, figures


# ---------------------------------------------------------------- strategy arms
def _arms(parameters: dict, strategy: str, defaults: dict) -> tuple[dict, dict]:
    """Control and treated keywords for a check about ``strategy`` (a class name).

    The treated arm switches the strategy on with ``defaults`` (flat keywords), overridden
    by the user's flat keywords of that strategy; the control arm has neither. Everything
    else the user gave goes to both arms.
    """
    key = STRATEGIES[strategy].key
    own = {k: v for k, v in parameters.items() if k == key or k.startswith(key + "_")}
    control = {k: v for k, v in parameters.items() if k not in own}
    treated = {**control, key: True, **{f"{key}_{k}": v for k, v in defaults.items()}, **own}
    return control, treated


def _joiner_measures(size, seed, parameters, days=120):
    """Per replication: people who joined after the founders, their leaving rate per
    member-day, messages per member-day and value-weighted messages per member-day."""
    rows = []
    for model, _ in _runs(size, seed, parameters, days=days):
        pop = model.population
        joiners = (pop.joined_day > 0) & (pop.role != SPAMMER)
        days_in = max(float(pop.tenure(model.day)[joiners].sum()), 1.0)
        written = pop.contributions[joiners].astype(float)
        leave_rate = (pop.left_day[joiners] >= 0).sum() / days_in
        value = (written * pop.value[joiners]).sum() / days_in
        rows.append((joiners.sum(), leave_rate, written.sum() / days_in, value))
    return pd.DataFrame(rows, columns=["joined", "leave_rate", "messages", "value"])


# ---------------------------------------------------------------- entry barriers
BARRIER = {"kind": "fee", "level": 0.5}
GROUP_POPULATION = 2000


def _at_least_a_few_hundred(size: Size) -> Size:
    """The size with a population of at least ``GROUP_POPULATION``, in which an open group
    peaks at a few hundred members, as the groups of 004 do. The strategy checks need it:
    a red packet's pull depends on the money per member, and a group barred down to about
    a hundred joiners gives them too little to read to post more (docs/validation.md)."""
    return Size(size.replications, max(size.population, GROUP_POPULATION))


def _entry_barriers(size: Size, seed: int, parameters: dict):
    size = _at_least_a_few_hundred(size)
    control, treated = _arms(parameters, "EntryThreshold", BARRIER)
    open_ = _joiner_measures(size, seed, control)
    barred = _joiner_measures(size, seed, treated)
    p_fewer = _greater(open_.joined, barred.joined)
    p_stay = _greater(open_.leave_rate, barred.leave_rate)
    p_value = _greater(barred.value, open_.value)
    p_messages = _greater(barred.messages, open_.messages)
    figures = {**{f"open_{k}": float(v) for k, v in open_.mean().items()},
               **{f"barrier_{k}": float(v) for k, v in barred.mean().items()},
               "p_fewer_join": p_fewer, "p_stay_longer": p_stay,
               "p_more_value": p_value, "p_more_messages": p_messages}  # fmt: skip
    bar = ", ".join(f"{k}={treated.get(f'entry_threshold_{k}', v)}" for k, v in BARRIER.items())
    expected = (f"an entry threshold ({bar}) against the open group, same seeds, 120 days, "
                f"population {size.population}: "
                "fewer join; joiners contribute more value per member-day (messages weighted "
                "by their writer's value; 004 judges a group by its value contributors) and "
                "post more messages per member-day; and they leave at a lower daily rate; "
                "pass: each one-sided paired t-test at 5%")  # fmt: skip
    measured = (f"joined {open_.joined.mean():.0f} open vs {barred.joined.mean():.0f} "
                f"(p = {p_fewer:.2g}); value per member-day {open_.value.mean():.4f} vs "
                f"{barred.value.mean():.4f} (p = {p_value:.2g}); messages per member-day "
                f"{open_.messages.mean():.3f} vs {barred.messages.mean():.3f} "
                f"(p = {p_messages:.2g}); leaving per member-day "
                f"{open_.leave_rate.mean():.4f} vs {barred.leave_rate.mean():.4f} "
                f"(p = {p_stay:.2g})")  # fmt: skip
    passed = max(p_fewer, p_stay, p_value, p_messages) < ALPHA
    return expected, measured, passed, figures


# ---------------------------------------------------------------- cooling dampened
MODERATION = {"spam_removal": 0.8}


def _cooling_dampened(size: Size, seed: int, parameters: dict):
    key = STRATEGIES["Moderation"].key
    moderation = {k: v for k, v in parameters.items() if k == key or k.startswith(key + "_")}
    others = {k: v for k, v in parameters.items() if k not in moderation}
    control, threshold = _arms(others, "EntryThreshold", BARRIER)
    _, moderated = _arms({**control, **moderation}, "Moderation", MODERATION)
    arms = {"open": control, "threshold": threshold, "moderation": moderated}
    measures = {name: _cooling_measures(size, seed, kw) for name, kw in arms.items()}
    fall = {name: m["start"] - np.nan_to_num(m["later"]) for name, m in measures.items()}
    figures, parts, passed = {}, [], True
    for name, m in measures.items():
        figures[f"{name}_value_fall"] = float(fall[name].mean())
        figures[f"{name}_top_leave_rate"] = float(m["high"].mean())
    for name in ("threshold", "moderation"):
        p_fall = _greater(fall["open"], fall[name])
        p_leave = _greater(measures["open"]["high"], measures[name]["high"])
        figures[f"p_{name}_smaller_fall"] = p_fall
        figures[f"p_{name}_top_stay"] = p_leave
        passed &= max(p_fall, p_leave) < ALPHA
        parts.append(
            f"{name}: fall {fall[name].mean():.3f} (p = {p_fall:.2g}), top-quarter "
            f"leaving {measures[name]['high'].mean():.4f} (p = {p_leave:.2g})"
        )
    bar = ", ".join(f"{k}={threshold.get(f'entry_threshold_{k}', v)}" for k, v in BARRIER.items())
    expected = (f"against the open group (same seeds, 240 days), an entry threshold ({bar}) "
                f"and moderation (spam_removal={moderated.get('moderation_spam_removal')}) each "
                "make the mean value fall less (founding to 60 days after the peak) and "
                "lower the leaving rate of members from the population's most valuable "
                "quarter; pass: each one-sided paired t-test at 5%")  # fmt: skip
    measured = (
        f"open: fall {fall['open'].mean():.3f}, top-quarter leaving "
        f"{measures['open']['high'].mean():.4f}/member-day; " + "; ".join(parts)
    )
    return expected, measured, passed, figures


# ---------------------------------------------------------------- red packets
RED_PACKETS = {"budget": 1000.0, "amount": 100.0, "every": 7, "start": 7}
LASTING_MARGIN = 0.25


def _red_packets(size: Size, seed: int, parameters: dict):
    control, treated = _arms(parameters, "RedPackets", RED_PACKETS)
    size = _at_least_a_few_hundred(size)
    days = 7 * 20
    series, drops = {}, []
    for name, kw in (("control", control), ("treated", treated)):
        runs = list(_runs(size, seed, kw, days=days))
        series[name] = np.array([df.messages.to_numpy() for _, df in runs])
        for strategy in runs[0][0].strategies:
            if isinstance(strategy, STRATEGIES["RedPackets"]):
                drops = strategy.drop_days
    if not drops:
        raise ValueError("red packets: no drop fell within the run; check budget and start")
    spike_days = sorted({d + k for d in drops for k in (0, 1) if d + k <= days})
    last = drops[-1]
    late = np.arange(last + 21, min(last + 49, days) + 1)
    treated_s, control_s = series["treated"], series["control"]
    spike = treated_s[:, spike_days].mean(1) / np.maximum(control_s[:, spike_days].mean(1), 1)
    rise = (treated_s[:, late].mean(1) - control_s[:, late].mean(1)) / max(
        control_s[:, late].mean(), 1.0
    )
    log_spike = np.log(spike)
    p_spike = float(stats.ttest_1samp(log_spike, 0.0, alternative="greater").pvalue)
    upper = float(rise.mean() + stats.t.ppf(0.95, rise.size - 1) * rise.std(ddof=1)
                  / math.sqrt(rise.size))  # fmt: skip
    figures = {"spike_ratio": float(np.exp(log_spike.mean())), "p_spike": p_spike,
               "lasting_rise": float(rise.mean()), "lasting_rise_upper": upper,
               "drops": len(drops)}  # fmt: skip
    expected = (f"red packets ({', '.join(f'{k}={v:g}' for k, v in RED_PACKETS.items())}) "
                f"against no red packets, same seeds, population {size.population}: messages "
                "on drop days and the day after rise (one-sided t-test of the log ratio at "
                "5%), and three to seven weeks "
                f"after the last drop the rise in daily messages is below {LASTING_MARGIN:.0%} "
                "of the control's (equivalence: one-sided 95% upper bound)")  # fmt: skip
    measured = (f"{len(drops)} drops (days {drops[0]}-{last}); drop-day messages x"
                f"{figures['spike_ratio']:.2f} (p = {p_spike:.2g}); days {late[0]}-{late[-1]}: "
                f"rise {rise.mean():+.1%}, upper bound {upper:+.1%}")  # fmt: skip
    passed = p_spike < ALPHA and upper < LASTING_MARGIN
    return expected, measured, passed, figures


CHECKS: dict[str, Check] = {
    check.name: check
    for check in [
        Check("participation_inequality",
              "most members never post; a small minority writes most content (90-9-1)",
              "004 (members who dive, big shots who rarely speak); the 90-9-1 rule of "
              "online communities", _participation),
        Check("lifecycle",
              "without intervention a group sprouts, grows, peaks, declines and falls silent",
              "004 (萌芽期-高速成长期-活跃互动期-衰亡期-沉寂期)", _lifecycle),
        Check("evaporative_cooling",
              "in an open group the mean value falls after growth and the most valuable "
              "leave at a higher rate", "004 (蒸发冷却效应)", _evaporative_cooling),
        Check("joining_through_friends",
              "the chance of joining rises with the friends inside, with diminishing returns",
              "000, 004 (referral, fission through social ties)", _joining),
        Check("overload",
              "past an attention budget, more messages per member raise the rate of leaving",
              "004 (groups over ~200 people drown members in chatter; mute or leave)",
              _overload),
        Check("entry_barriers",
              "with an entry threshold fewer join, and those who join contribute more and "
              "stay longer", "000, 004 (门槛; money as a vote)", _entry_barriers),
        Check("cooling_dampened",
              "entry thresholds and moderation dampen evaporative cooling",
              "004 (closed, invitation-only groups resist it; 群规 against spam)",
              _cooling_dampened),
        Check("red_packets", "red packets buy a short spike of activity, no lasting rise",
              "003, 004 (万年潜水看见红包才冒泡; fatigue)", _red_packets),
    ]
}  # fmt: skip


def run_checks(
    names: Iterable[str] | None = None,
    size: str = "small",
    seed: int = 0,
    echo: Callable[[str], None] | None = print,
) -> list[CheckResult]:
    """Run the named checks (all by default), printing each report through ``echo``."""
    names = list(CHECKS if names is None else names)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown check(s) {unknown}: expected names among {list(CHECKS)}")
    results = []
    for name in names:
        result = CHECKS[name](size=size, seed=seed)
        if echo is not None:
            echo(result.report())
        results.append(result)
    return results


def results_table(results: Sequence[CheckResult]) -> pd.DataFrame:
    """One row per check: its verdict and source."""
    return pd.DataFrame(
        {"check": [r.name for r in results],
         "result": ["pass" if r.passed else "FAIL" for r in results],
         "source": [r.source for r in results]}
    ).set_index("check")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    """``commsim validate``: run the checks and print a table. Returns 0 when all pass."""
    parser = argparse.ArgumentParser(
        prog="commsim validate", description="Check the model against known findings."
    )
    parser.add_argument("--size", choices=list(SIZES), default="full",
                        help="experiment size (default full: a few minutes)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument("--check", action="append", choices=list(CHECKS), dest="checks",
                        help="run only this check (repeatable)")  # fmt: skip
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed={args.seed} must be non-negative")
    results = run_checks(args.checks, size=args.size, seed=args.seed)
    print()
    with pd.option_context("display.width", 140, "display.max_colwidth", 80):
        print(results_table(results).to_string())
    passed = sum(r.passed for r in results)
    print(f"\n{passed}/{len(results)} checks pass")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
