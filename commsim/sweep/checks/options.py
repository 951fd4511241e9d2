"""Checks of an experiment's report options (``report``: the x axis, outcomes, time series,
the best setting, Sobol indices, the baseline's axis) and of its adaptive rounds
(``adaptive``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from commsim.parameter_kinds import shown
from commsim.replications import MAX_RUNS
from commsim.sweep.checks.entries import check_int
from commsim.sweep.experiment import AXES, Experiment, ExperimentError


def check_report(e: Experiment) -> None:
    """``report``'s options: known names, ``x`` a varied column, outcome and metric names
    this experiment keeps, ``axis`` one of ``AXES``, Sobol indices only with the Sobol
    design, ``best`` a table of ``outcome`` and ``goal`` (``"max"`` or ``"min"``)."""
    known = {"x", "outcomes", "timeseries", "best", "sensitivity", "baseline", "axis"}
    for name in e.report:
        if name not in known:
            raise ExperimentError(
                ("report", name), "unknown report option; known: " + ", ".join(sorted(known))
            )
    x = e.report.get("x")
    if x is not None and x not in e.setting_columns:
        raise ExperimentError(
            ("report", "x"),
            f"{x!r} is not varied; choose one of "
            + (", ".join(e.setting_columns) or "(nothing is varied)"),
        )
    for option, allowed in (
        ("outcomes", e.outcomes),
        ("sensitivity", e.outcomes),
        ("timeseries", e.metrics),
    ):
        names = e.report.get(option, [])
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ExperimentError(("report", option), f"expected a list of names, got {names!r}")
        for name in names:
            if name not in allowed:
                raise ExperimentError(
                    ("report", option),
                    f"{name!r} is not kept by this experiment; choose from: {', '.join(allowed)}",
                )
    axis = e.report.get("axis")
    if axis is not None and axis not in AXES:
        raise ExperimentError(
            ("report", "axis"), f"{axis!r}: expected one of " + ", ".join(map(repr, AXES))
        )
    if e.report.get("sensitivity") and e.design != "sobol":
        raise ExperimentError(("report", "sensitivity"), 'Sobol indices need design = "sobol"')
    best = e.report.get("best")
    if best is not None:
        if not isinstance(best, Mapping) or set(best) - {"outcome", "goal"}:
            raise ExperimentError(
                ("report", "best"), 'expected {outcome = ..., goal = "max" | "min"}'
            )
        if best.get("outcome") not in e.outcomes:
            raise ExperimentError(
                ("report", "best", "outcome"),
                f"{best.get('outcome')!r} is not an outcome this experiment keeps",
            )
        if best.get("goal", "max") not in ("max", "min"):
            raise ExperimentError(
                ("report", "best", "goal"), f'{best.get("goal")!r}: expected "max" or "min"'
            )


def check_adaptive(e: Experiment) -> None:
    """``adaptive = {width, step, max_runs}`` (``commsim.sweep.adaptive``): a positive
    width, a step of 1..``replications`` (then the most per setting), a cap of at least
    the first round's runs; needs ``report.best`` (the outcome decided on) and at least
    two settings."""
    if not e.adaptive:
        return
    known = {"width", "max_runs", "step"}
    for option in e.adaptive:
        if option not in known:
            raise ExperimentError(
                ("adaptive", option), "unknown option; known: " + ", ".join(sorted(known))
            )
    width = e.adaptive.get("width")
    if isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width < math.inf:
        raise ExperimentError(
            ("adaptive", "width"),
            f"expected a number > 0 (the widest 95% interval of a difference from the "
            f"baseline to stop at, in the outcome's units), got {shown(width)}",
        )
    if "step" not in e.adaptive:
        raise ExperimentError(
            ("adaptive", "step"),
            "expected the replications added per round (an integer; replications is then "
            "the most a setting gets)",
        )
    check_int(("adaptive", "step"), e.adaptive["step"], 1, e.replications)
    settings = len(e.settings())
    if "max_runs" in e.adaptive:
        check_int(("adaptive", "max_runs"), e.adaptive["max_runs"],
                   settings * e.adaptive["step"], MAX_RUNS)  # fmt: skip
    if "best" not in e.report:
        raise ExperimentError(
            ("adaptive",),
            "an adaptive experiment decides on report.best's outcome: give report.best = "
            '{outcome = ..., goal = "max" | "min"}',
        )
    if settings < 2:
        raise ExperimentError(
            ("adaptive",), "needs at least two settings (a baseline and another) to compare"
        )
