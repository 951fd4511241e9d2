"""Decisive experiments: replications added in rounds until every setting's difference
from the baseline is known to a stated width, or a cap on runs is reached.

An experiment with ``adaptive = {width = w, step = k, max_runs = m}`` (``max_runs``
optional) and ``report.best = {outcome = y, ...}`` runs in rounds:

1. round 0 plans ``k`` replications of every setting;
2. when every planned run has finished, the 95% interval of each setting's difference
   from the baseline on ``y`` is computed from the planned runs alone (paired with
   common seeds: ``commsim.sweep.comparison.compare_to_baseline``); a setting is *wide*
   while that interval is wider than ``w`` (or has no bounds yet);
3. each wide setting, widest first, gets ``k`` more replications, the baseline as many
   as the most replicated setting (the pairs need them), as long as no setting exceeds
   the experiment's ``replications`` and the total stays within ``m``;
4. it stops when no setting is wide, or none can get more (the cap).

The plan of round ``j + 1`` depends only on the runs planned up to round ``j``, whose
numbers depend only on their seeds: so an interrupted sweep resumes by replaying the
rounds from its stored runs (``adaptive_state``), and serial, process and dask executors
give the same rounds and the same numbers. Stopping on the width makes the intervals
slightly optimistic (a sequential design); the widths are a precision target, not a
guarantee of coverage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from commsim.sweep.comparison import baseline_setting, compare_to_baseline

LEVEL = 0.95


@dataclass
class AdaptiveState:
    """Where an adaptive experiment stands.

    Attributes:
        outcome: the outcome decided on (``report.best``'s).
        plan: replications planned per setting (the current round's).
        rounds: rounds planned so far (1 after the first).
        widths: width of each non-baseline setting's interval at the last complete
            round (NaN: no bounds yet).
        wide: the settings still wider than the width asked for, with their widths.
        capped: no wide setting can get more runs (``replications`` or ``max_runs``).
        pending: ``(setting, replication)`` planned and not finished yet.
    """

    outcome: str
    plan: dict[int, int]
    rounds: int = 1
    widths: dict[int, float] = field(default_factory=dict)
    wide: dict[int, float] = field(default_factory=dict)
    capped: bool = False
    pending: set[tuple[int, int]] = field(default_factory=set)

    @property
    def done(self) -> bool:
        """No run is pending and no round follows."""
        return not self.pending and (not self.wide or self.capped)

    def planned(self) -> set[tuple[int, int]]:
        """Every ``(setting, replication)`` of the plan."""
        return {(s, r) for s, n in self.plan.items() for r in range(n)}


def interval_widths(
    ok: pd.DataFrame, outcome: str, baseline: int, plan: dict[int, int], *, paired: bool,
    goal: str,
) -> dict[int, float]:  # fmt: skip
    """Width of each non-baseline setting's ``LEVEL`` interval of its difference from the
    baseline, from the replications of the plan (NaN where it has no bounds)."""
    planned = ok[ok["replication"] < ok["setting"].map(plan).fillna(0)]
    if planned.empty or baseline not in set(planned["setting"]):
        return {s: math.nan for s in plan if s != baseline}
    table = compare_to_baseline(planned, outcome, baseline, paired=paired, goal=goal, level=LEVEL)
    widths = {s: math.nan for s in plan if s != baseline}
    widths.update({int(s): float(r.high - r.low) for s, r in table.iterrows()})
    return widths


def adaptive_state(experiment, settings: pd.DataFrame, runs: pd.DataFrame) -> AdaptiveState:
    """Replay the rounds of an adaptive ``experiment`` on its finished ``runs`` (module
    docstring): the plan of the current round, what is pending, and what is still wide."""
    options = experiment.adaptive
    width, step = float(options["width"]), int(options["step"])
    cap = int(options.get("max_runs", len(settings) * experiment.replications))
    outcome, goal = (
        experiment.report["best"]["outcome"],
        experiment.report["best"].get("goal", "max"),
    )
    baseline = baseline_setting(experiment, settings)
    paired = experiment.seeds == "common"
    finished = set(zip(runs["setting"].astype(int), runs["replication"].astype(int), strict=True))
    ok = runs[runs["status"] == "ok"]
    state = AdaptiveState(outcome, {int(s): min(step, experiment.replications)
                                    for s in settings["setting"]})  # fmt: skip
    while True:
        state.pending = state.planned() - finished
        if state.pending:
            return state
        state.widths = interval_widths(ok, outcome, baseline, state.plan, paired=paired, goal=goal)
        state.wide = {s: w for s, w in state.widths.items() if not w <= width}
        if not state.wide:
            return state
        if not _extend(state, baseline, step, experiment.replications, cap):
            state.capped = True
            return state
        state.rounds += 1


def _extend(state: AdaptiveState, baseline: int, step: int, most: int, cap: int) -> bool:
    """Give each wide setting, widest first (no bounds first), ``step`` more
    replications within ``most`` per setting and ``cap`` in all; the baseline keeps as
    many as the most replicated setting. Returns whether any setting got more."""
    order = sorted(state.wide, key=lambda s: (-(math.inf if math.isnan(state.wide[s])
                                                else state.wide[s]), s))  # fmt: skip
    grown = False
    for setting in order:
        target = min(state.plan[setting] + step, most)
        if target <= state.plan[setting]:
            continue
        base = max(state.plan[baseline], target)
        extra = target - state.plan[setting] + base - state.plan[baseline]
        if sum(state.plan.values()) + extra > cap:
            continue
        state.plan[setting], state.plan[baseline] = target, base
        grown = True
    return grown
