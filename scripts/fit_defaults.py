"""Fit the defaults of the model's mechanisms to the validation checks: a seeded search.

The procedure behind the defaults in ``commsim/parameters.py`` of the mechanisms of muting,
audience and response, exposure through friends and spam (and the few older parameters
listed in ``SPACE``), as ``docs/validation.md`` describes:

1. draw ``--candidates`` points of ``SPACE`` from a scrambled Sobol sequence (seed
   ``--seed``), around the current defaults (each range below);
2. run the checks of this model (``CHECKS``: participation, joining, audience, quiet
   decline, red packets, lifecycle, cooling) on each point at a reduced size
   (``--replications`` seeds, the checks' own population), through the checks' own
   experiments, so the statistics and tolerances are the checks' own;
3. score each point by its misfit: for every figure, how far its confidence bound lies
   on the wrong side of the tolerance, relative to the tolerance (0 when it passes),
   summed over figures;
4. refine: ``--refine`` more points drawn (same Sobol seed) in a box around the best point
   so far, ``--shrink`` times each range wide, the box re-centred on each new best;
   print the candidates ranked by misfit, with the figures' passes.

The best point is then confirmed with ``commsim validate --size full`` at the new
defaults. The search is reproducible: the same seed and sizes give the same table.

Usage:
    python scripts/fit_defaults.py [--candidates 24] [--replications 4] [--seed 0]
        [--checks participation audience ...] [--set name=value ...] [--search name ...]
"""

from __future__ import annotations

import argparse
import math
import re
import time

import numpy as np
import pandas as pd
from scipy.stats import qmc

from commsim.parameters import PARAMETERS
from commsim.validation.framework import Size
from commsim.validation.registry import CHECKS as ALL_CHECKS

CHECKS = ("participation", "joining", "audience", "quiet_decline", "red_packets",
          "lifecycle", "evaporative_cooling")  # fmt: skip
"""The checks these defaults answer to (social comparison and thresholds belong to their
strategies' own parameters)."""

SPACE: dict[str, tuple[float, float]] = {
    "muting": (0.7, 1.0),
    "muted_reading": (0.02, 0.15),
    "mention_pull": (0.0, 0.03),
    "resurfacing": (0.0, 0.03),
    "reply_rate": (0.02, 0.2),
    "reply_half": (10.0, 80.0),
    "reply_from_posters": (0.0, 1.0),
    "turn_growth": (0.3, 1.0),
    "daily_capacity": (200.0, 1500.0),
    "response_gain": (15.0, 70.0),
    "response_memory": (0.1, 0.8),
    "answer_utility": (0.0, 0.2),
    "silent_exposure": (0.1, 0.6),
    "social_pull": (0.002, 0.02),
    "ambient_inflow": (0.015, 0.06),
    "promotion_days": (6.0, 24.0),
    "activity_mean": (0.03, 0.12),
    "activity_concentration": (0.2, 1.0),
    "messages_per_post": (3.0, 8.0),
    "novelty": (2.0, 10.0),
    "novelty_days": (4.0, 14.0),
    "attention_budget": (300.0, 1500.0),
    "overload_cost": (0.05, 0.4),
    "expectation": (0.3, 1.2),
    "content_scale": (100.0, 600.0),
    "group_novelty": (0.0, 1.0),
    "verbosity_spread": (0.0, 1.5),
    "engagement_steepness": (2.0, 20.0),
}
"""Each searched parameter's range."""


def _bar(text: str) -> float:
    """The last number of a tolerance's text (a percentage as a share; none: 0)."""
    numbers = re.findall(r"(-?\d+(?:\.\d+)?)(%?)", text)
    if not numbers:
        return 0.0
    value, percent = numbers[-1]
    return float(value) / 100 if percent else float(value)


def misfit(figure) -> float:
    """How far a figure's bound is on the wrong side of its tolerance, relative to the
    tolerance's size, plus 0.05 for failing (0 when the figure passes; 1 when nothing
    could be measured)."""
    if figure.passed:
        return 0.0
    bound, text = figure.bound, figure.tolerance
    if isinstance(bound, tuple):
        low_bar, high_bar = (float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)[-2:])
        if not (math.isfinite(bound[0]) and math.isfinite(bound[1])):
            return 1.0
        return (
            0.05
            + max(low_bar - bound[0], 0) / max(abs(low_bar), 1)
            + max(bound[1] - high_bar, 0) / max(abs(high_bar), 1)
        )
    if not math.isfinite(bound):
        return 1.0
    bar = _bar(text)
    gap = bound - bar if "<" in text else bar - bound
    return 0.05 + max(gap, 0.0) / max(abs(bar), 0.05)


def evaluate(point: dict, replications: int, seed: int, checks) -> dict:
    """Every check's figures at ``point``: the misfit, passes and measured values."""
    row = dict(point)
    total = 0.0
    for name in checks:
        check = ALL_CHECKS[name]
        size = Size(replications=replications, population=2000)
        design, figures, *_ = check.experiment(size, seed, dict(point))
        score = sum(misfit(f) for f in figures)
        total += score
        row[name] = score
        row[name + "_passed"] = f"{sum(f.passed for f in figures)}/{len(figures)}"
        for f in figures:
            row[f"{name}: {f.name}"] = f.measured
    row["misfit"] = total
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=24)
    parser.add_argument("--replications", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--checks", nargs="+", default=list(CHECKS))
    parser.add_argument("--set", nargs="*", default=[], help="fixed name=value")
    parser.add_argument(
        "--search",
        nargs="+",
        default=None,
        metavar="NAME",
        help="search only these parameters of SPACE (the others at their defaults)",
    )
    parser.add_argument("--out", default=None, help="write the table as CSV")
    parser.add_argument("--only-defaults", action="store_true")
    parser.add_argument("--refine", type=int, default=0, help="points around the best")
    parser.add_argument("--shrink", type=float, default=0.25)
    args = parser.parse_args(argv)
    fixed = {k: float(v) for k, v in (s.split("=") for s in args.set)}
    unknown = sorted(set(args.search or ()) - set(SPACE))
    if unknown:
        parser.error(f"--search {' '.join(unknown)}: not in SPACE ({', '.join(SPACE)})")
    searched = args.search or list(SPACE)
    space = {k: v for k, v in SPACE.items() if k in searched and k not in fixed}
    points = [{**{k: PARAMETERS[k].default for k in space}, **fixed}]
    if not args.only_defaults and args.candidates > 1:
        sobol = qmc.Sobol(len(space), scramble=True, seed=args.seed)
        unit = sobol.random(args.candidates - 1)
        low = np.array([r[0] for r in space.values()])
        high = np.array([r[1] for r in space.values()])
        for u in qmc.scale(unit, low, high):
            points.append({**dict(zip(space, (float(x) for x in u), strict=True)), **fixed})
    rows = []

    def run(i, point):
        start = time.time()
        rows.append(evaluate(point, args.replications, args.seed, args.checks))
        passed = " ".join(f"{c[:5]}={rows[-1][c + '_passed']}" for c in args.checks)
        print(f"[{i}] misfit {rows[-1]['misfit']:.3f} {passed} ({time.time() - start:.0f} s)",
              flush=True)  # fmt: skip
        if args.out:  # as it goes: an interrupted search keeps what it measured
            pd.DataFrame(rows).to_csv(args.out, index=False)

    for i, point in enumerate(points):
        run(i, point)
    if args.refine:
        local = qmc.Sobol(len(space), scramble=True, seed=args.seed + 1).random(args.refine)
        for j, u in enumerate(local):
            best = min(rows, key=lambda r: r["misfit"])
            point = dict(fixed)
            for (name, (low, high)), x in zip(space.items(), u, strict=True):
                half = args.shrink * (high - low) / 2
                centre = min(max(best[name], low + half), high - half)
                point[name] = float(centre - half + 2 * half * x)
            run(len(points) + j, point)
    table = pd.DataFrame(rows).sort_values("misfit")
    if args.out:
        table.to_csv(args.out, index=False)
    with pd.option_context("display.width", 200, "display.max_columns", 60):
        print(table.head(5).T.to_string())


if __name__ == "__main__":
    main()
