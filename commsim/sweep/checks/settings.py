"""Checks of the settings an experiment makes: counted before any is built (at most
``MAX_SETTINGS`` settings and ``MAX_RUNS`` runs), then each one's model parameters and
varied strategies together, so that a sweep whose settings cannot all be built fails
before any run.
"""

from __future__ import annotations

import math

from commsim.parameters import check_together, validate
from commsim.replications import MAX_RUNS
from commsim.strategies.building import build_strategy
from commsim.sweep.checks.entries import MAX_SETTINGS
from commsim.sweep.design import factor_kind, plain_value
from commsim.sweep.experiment import Experiment, ExperimentError


def setting_count(e: Experiment) -> int:
    """Settings of ``e`` (policies x grid values x design points), counted without
    building them."""
    count = max(len(e.policies), 1) * math.prod(len(e.vary[name]) for name in e.grid)
    if e.ranges:
        per_sample = 1 if e.design == "latin" else len(e.ranges) + 2
        count *= e.samples * per_sample
    return count


def check_size(e: Experiment) -> None:
    """At most ``MAX_SETTINGS`` settings and ``MAX_RUNS`` runs, counted before any table
    is built (a 1000 x 1000 x 1000 grid is refused, not built until memory runs out)."""
    settings = setting_count(e)
    if settings > MAX_SETTINGS:
        raise ExperimentError(
            ("vary",) if e.vary else ("policies",),
            f"{settings:,} settings (design points): expected at most {MAX_SETTINGS:,}; vary "
            "fewer values or sample ranges with fewer samples",
        )
    if settings * e.replications > MAX_RUNS:
        raise ExperimentError(
            ("replications",),
            f"{settings:,} settings x {e.replications:,} replications = "
            f"{settings * e.replications:,} runs: expected at most {MAX_RUNS:,}",
        )


def check_settings(e: Experiment) -> None:
    """Every setting's model parameters together (``parameters.check_together``) and each
    of its strategies with its varied parameters together (``Strategy.check_together``:
    ``KOLSeeding.leaving`` at most its ``count``), so a sweep whose settings cannot all be
    built fails before any run, not run by run."""
    varied = [name for name in e.vary if factor_kind(name) == "parameter"]
    by_strategy: dict[str, list[str]] = {}
    for name in e.vary:
        if factor_kind(name) == "strategy":
            by_strategy.setdefault(name.rpartition(".")[0], []).append(name)
    built: set[tuple[str, str]] = set()  # (strategy, repr of its parameters) checked
    for row in e.settings().to_dict("records"):
        parameters = validate({**e.parameters, **{
            name: plain_value(row[name]) for name in varied
        }})  # fmt: skip
        try:
            check_together(parameters)
        except ValueError as error:
            key = ("vary", varied[0]) if varied else ("parameters",)
            raise ExperimentError(key, f"setting {row['setting']}: {error}") from None
        if not by_strategy:
            continue
        for strategy, params in e.strategies_in(row).items():
            if strategy not in by_strategy or (strategy, repr(params)) in built:
                continue
            try:
                build_strategy(strategy, params)
            except ValueError as error:
                text, names = str(error), by_strategy[strategy]
                named = [n for n in names if f"{n.rpartition('.')[2]}=" in text]
                key = min(
                    named, key=lambda n: text.index(f"{n.rpartition('.')[2]}="), default=names[0]
                )  # the varied name the error names first
                raise ExperimentError(("vary", key), f"setting {row['setting']}: {error}") from None
            built.add((strategy, repr(params)))
