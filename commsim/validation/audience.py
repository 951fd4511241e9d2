"""An audience matters to those who post (Zhang & Zhu 2011).

Source: X. M. Zhang and F. Zhu (2011), "Group size and incentives to contribute: a natural
experiment at Chinese Wikipedia", American Economic Review 101(4):1601-1615. When the
block of Chinese Wikipedia in mainland China removed much of its readership and many
contributors, the contributors who were not blocked cut their contributions by 42.8% on
average: contributors write for an audience.

Statistic (the source's, as a same-seed experiment): on day ``REMOVAL_DAY`` half of the
members (drawn at random, from a generator of its own so the model's draws are untouched)
are removed through ``model.remove_members``. The remaining contributors are the members
not removed who are not spammers and wrote at least one message in the 30 days up to and
including that day. Their messages over the next 30 days in the treated run, over the same
people's messages in a same-seed run without the removal, is the ratio; the removal is the
only difference between the two runs up to that day.

Tolerance (fixed before any run): the one-sided 95% upper bound over replications of the
ratio is at most 0.75 (at least 25% less; the source: 42.8% less, ratio 0.572).
"""

from __future__ import annotations

import math

import numpy as np

from commsim.validation.framework import Check, at_most, members_now, regular, replicate

REMOVAL_DAY = 45
WINDOW = 30
SHARE_REMOVED = 0.5
RATIO = 0.75


def draw_removed(members: np.ndarray, seed: int, share: float = SHARE_REMOVED) -> np.ndarray:
    """A random ``share`` of ``members`` (person indices), from ``default_rng([seed, 1])``."""
    rng = np.random.default_rng([seed, 1])
    return np.sort(rng.choice(members, size=int(round(share * members.size)), replace=False))


def remaining_contributors(before, at_removal, members, removed, is_regular) -> np.ndarray:
    """People who wrote in the window before the removal, were members then, are not
    spammers and were not removed (``before``/``at_removal``: cumulative messages)."""
    wrote = (np.asarray(at_removal) - np.asarray(before)) > 0
    kept = np.asarray(members, dtype=bool).copy()
    kept[np.asarray(removed, dtype=np.int64)] = False
    return np.flatnonzero(wrote & kept & np.asarray(is_regular, dtype=bool))


def audience_ratio(people, control_at, control_after, treated_at, treated_after) -> float:
    """Messages of ``people`` after the removal, treated over control (cumulative counts
    at the removal and ``WINDOW`` days later); NaN when the control wrote nothing."""
    people = np.asarray(people, dtype=np.int64)
    treated = float((np.asarray(treated_after) - np.asarray(treated_at))[people].sum())
    control = float((np.asarray(control_after) - np.asarray(control_at))[people].sum())
    return treated / control if control > 0 else math.nan


def _snapshot(name):
    def action(model, run):
        run.snapshots[name] = model.population.contributions.copy()
        run.snapshots[name + "_members"] = members_now(model)

    return action


def _audience(size, seed, parameters, strategies=None, remove=True):
    start, end = REMOVAL_DAY - WINDOW, REMOVAL_DAY + WINDOW

    def removal(model, run):
        _snapshot("at")(model, run)
        members = np.flatnonzero(members_now(model))
        removed = draw_removed(members, run.seed)
        run.snapshots["removed"] = removed
        if remove:
            model.remove_members(removed, model.today)

    snapshots = {start: _snapshot("before"), REMOVAL_DAY: removal, end: _snapshot("after")}
    control_snaps = {start: _snapshot("before"), REMOVAL_DAY: _snapshot("at"),
                     end: _snapshot("after")}  # fmt: skip
    treated = replicate(size, seed, end, parameters, strategies, snapshots)
    control = replicate(size, seed, end, parameters, strategies, control_snaps)
    ratios = []
    for t, c in zip(treated, control, strict=True):
        s = t.snapshots
        people = remaining_contributors(s["before"], s["at"], s["at_members"], s["removed"],
                                        regular(t.model))  # fmt: skip
        ratios.append(audience_ratio(people, c.snapshots["at"], c.snapshots["after"],
                                     s["at"], s["after"]))  # fmt: skip
    design = (f"on day {REMOVAL_DAY} half of the members removed at random "
              "(model.remove_members); the remaining contributors (wrote in the 30 days "
              f"before) and their messages over the next {WINDOW} days, against the same "
              "people in a same-seed run without the removal")  # fmt: skip
    figures = [at_most("remaining contributors' messages, removal over none", ratios, RATIO,
                       "0.572 (42.8% less)", f"95% upper bound <= {RATIO}")]  # fmt: skip
    return design, figures


CHECK = Check(
    "audience",
    "when half the audience goes, the contributors who remain post less",
    "Zhang & Zhu 2011 (American Economic Review 101(4)): -42.8% after the block",
    _audience,
)
