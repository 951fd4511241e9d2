"""``check_experiment``: every entry of an experiment checked in the order the checks run
(names and sizes, values, strategies, varied values, report options, the settings they
make), its containers normalised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from commsim.model import REPORTERS
from commsim.replications import MAX_DAYS
from commsim.sweep.checks.entries import (
    MAX_REPLICATIONS,
    MAX_SEED,
    MAX_SETTINGS,
    check_int,
    check_model_value,
    check_name,
    check_text,
    range_or_values,
    table,
)
from commsim.sweep.checks.options import check_adaptive, check_report
from commsim.sweep.checks.settings import check_settings, check_size
from commsim.sweep.checks.strategies import check_strategy, check_varied, is_strategy
from commsim.sweep.design import factor_kind
from commsim.sweep.experiment import DESIGNS, OUTCOMES, SEEDS, Experiment, ExperimentError


def check_experiment(e: Experiment) -> None:
    """Check every entry of ``e`` and normalise its containers; raise ``ExperimentError``
    naming the first bad key. A strategy named only by a varied parameter is added to
    ``e.strategies`` with its defaults."""
    check_name(("name",), e.name)
    check_text(("question",), e.question, empty=True)
    check_int(("days",), e.days, 1, MAX_DAYS)
    check_int(("replications",), e.replications, 1, MAX_REPLICATIONS)
    check_int(("seed",), e.seed, 0, MAX_SEED)
    check_int(("samples",), e.samples, 1, MAX_SETTINGS)
    if e.seeds not in SEEDS:
        raise ExperimentError(
            ("seeds",), f"{e.seeds!r}: expected one of " + ", ".join(map(repr, SEEDS))
        )
    if e.design not in DESIGNS:
        raise ExperimentError(
            ("design",), f"{e.design!r} is not a design: expected one of " + ", ".join(DESIGNS)
        )
    for key in ("parameters", "strategies", "vary", "policies", "report", "adaptive"):
        if not isinstance(getattr(e, key), Mapping):
            raise ExperimentError((key,), f"expected a table, got {getattr(e, key)!r}")
    e.parameters = dict(e.parameters)
    e.strategies = {name: table(("strategies", name), p) for name, p in e.strategies.items()}
    e.policies = {
        policy: {
            name: table(("policies", policy, name), p)
            for name, p in table(("policies", policy), strategies).items()
        }
        for policy, strategies in e.policies.items()
    }
    e.vary = {name: range_or_values(("vary", name), v) for name, v in e.vary.items()}
    e.report = dict(e.report)
    e.adaptive = dict(e.adaptive)
    for key, names, known, what in (
        ("metrics", e.metrics, REPORTERS, "metric"),
        ("outcomes", e.outcomes, OUTCOMES, "outcome"),
    ):
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ExperimentError((key,), f"expected a list of {what} names, got {names!r}")
        for name in names:
            if name not in known:
                raise ExperimentError(
                    (key,), f"unknown {what} {name!r}; known: " + ", ".join(known)
                )
        if not names:
            raise ExperimentError(
                (key,), f"expected at least one {what}; known: {', '.join(known)}"
            )
        if len(set(names)) < len(names):
            raise ExperimentError((key,), f"{what}s repeat: {list(names)!r}")
    e.metrics, e.outcomes = tuple(e.metrics), tuple(e.outcomes)

    for name, value in e.parameters.items():
        e.parameters[name] = check_model_value(("parameters", name), name, value)
    for name, params in e.strategies.items():
        check_strategy(("strategies", name), name, params)
    for policy, strategies in e.policies.items():
        check_text(("policies", policy), policy)
        for name, params in strategies.items():
            if name in e.strategies:
                raise ExperimentError(
                    ("policies", policy, name),
                    f"strategy {name} is already applied in every run (strategies); "
                    "give it in one place",
                )
            check_strategy(("policies", policy, name), name, params)
    for name in e.vary:
        kind = factor_kind(name)
        strategy = name if kind == "switch" else name.rpartition(".")[0]
        if kind == "parameter" or (kind == "switch" and not is_strategy(name)):
            continue  # a model parameter, or a name check_varied refuses
        homes = [e.strategies, *e.policies.values()]
        if not any(strategy in home for home in homes):
            check_strategy(("vary", name), strategy, {})
            e.strategies[strategy] = {}
        elif strategy not in e.strategies:
            without = [policy for policy, home in e.policies.items() if strategy not in home]
            if without:
                raise ExperimentError(
                    ("vary", name),
                    f"policy {without[0]!r} has no {strategy}, so its settings would ignore "
                    f"the varied {name}: add [policies.{without[0]}.{strategy}], or apply "
                    f"{strategy} in every run ([strategies.{strategy}]) and switch it off "
                    f'with vary."{strategy}" = [false, true]',
                )
    for name, values in e.vary.items():
        check_varied(e, name, values)
    if e.design == "grid" and e.ranges:
        raise ExperimentError(
            ("vary", e.ranges[0]),
            'a range needs design = "latin" or "sobol"; give a list of values for a grid',
        )
    if e.design != "grid" and not e.ranges:
        raise ExperimentError(
            ("design",),
            f"design {e.design!r} samples ranges, but no varied parameter is a range "
            "{low = ..., high = ...}",
        )
    if e.design == "sobol" and e.samples & (e.samples - 1):
        raise ExperimentError(
            ("samples",),
            f"{e.samples} is not a power of two, which the Sobol design needs (e.g. 64, 128)",
        )
    check_report(e)
    check_size(e)
    check_settings(e)
    check_adaptive(e)
    if "baseline" in e.report:
        from commsim.sweep.comparison import baseline_setting

        baseline_setting(e, e.settings())
