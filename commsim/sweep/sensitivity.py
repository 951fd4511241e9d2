"""Sobol sensitivity indices of a sweep's outcomes to its varied ranges (SALib).

A ``design = "sobol"`` experiment samples its ranges by Saltelli's scheme (``N * (k + 2)``
points for ``k`` ranges, no second-order terms). For an outcome ``Y``, the first-order
index of parameter ``i`` is ``S1_i = Var(E[Y | X_i]) / Var(Y)`` (the share of the
variance that ``X_i`` explains alone) and the total index is
``ST_i = E[Var(Y | X_~i)] / Var(Y)`` (its share with all its interactions); SALib
estimates both with bootstrap 95% confidence intervals. Each design point's ``Y`` is the
mean over its replications. With policies or list-valued parameters, indices are
computed for each of their combinations separately.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from commsim.plots import plot_sobol
from commsim.sweep.experiment import Experiment

BOOTSTRAP_SEED = 1  # SALib's bootstrap seed (SALib ignores 0): same results, same intervals


def sobol_indices(outcomes: pd.DataFrame, experiment: Experiment, outcome: str) -> pd.DataFrame:
    """First-order and total Sobol indices of ``outcome`` for each varied range.

    Args:
        outcomes: one row per run (``ResultStore.outcomes()``), with the settings columns.
        experiment: the experiment (``design`` must be ``"sobol"``).
        outcome: the outcome to explain.

    Returns:
        One row per block (combination of policy and listed values) and range:
        the block's columns, ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf``.

    Raises:
        ValueError: when the design is not Sobol, or a block misses runs or has an
            outcome that is NaN at some design point (e.g. a group never silent).
    """
    from SALib.analyze import sobol

    if experiment.design != "sobol":
        raise ValueError(f"design={experiment.design!r}: Sobol indices need design='sobol'")
    names = experiment.ranges
    points = experiment.samples * (len(names) + 2)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[experiment.vary[n].low, experiment.vary[n].high] for n in names],
    }
    ok = outcomes[outcomes["status"] == "ok"]
    block_columns = [c for c in experiment.setting_columns if c not in names]
    rows = []
    groups = ok.groupby(block_columns, sort=False) if block_columns else [((), ok)]
    for block, runs in groups:
        block = block if isinstance(block, tuple) else (block,)
        means = runs.groupby("sample")[outcome].mean().reindex(range(points))
        label = ", ".join(f"{c}={v}" for c, v in zip(block_columns, block, strict=True))
        if means.isna().any():
            missing = int(means.isna().sum())
            raise ValueError(
                f"{outcome}: {missing} of {points} design points{' of ' + label if label else ''}"
                " have no value (runs missing, failed, or NaN outcomes such as a group that "
                "never fell silent); finish the sweep or choose another outcome"
            )
        result = sobol.analyze(
            problem,
            means.to_numpy(dtype=float),
            calc_second_order=False,
            print_to_console=False,
            seed=BOOTSTRAP_SEED,
        )
        for i, name in enumerate(names):
            row = dict(zip(block_columns, block, strict=True))
            row.update(
                outcome=outcome,
                parameter=name,
                S1=result["S1"][i],
                S1_conf=result["S1_conf"][i],
                ST=result["ST"][i],
                ST_conf=result["ST_conf"][i],
            )
            rows.append(row)
    return pd.DataFrame(rows)


def sobol_figure(table: pd.DataFrame) -> Figure:
    """S1 and ST (with 95% intervals) per parameter, one panel (``commsim.plots.plot_sobol``)
    per outcome and block of a ``sobol_indices`` table."""
    keys = [c for c in table.columns if c not in ("parameter", "S1", "S1_conf", "ST", "ST_conf")]
    panels = list(table.groupby(keys, sort=False))
    fig = Figure(figsize=(8, 2.8 * len(panels) + 0.6))
    axes = fig.subplots(len(panels), 1, squeeze=False)
    for ax, (key, rows) in zip(axes[:, 0], panels, strict=True):
        plot_sobol(rows, ax=ax)
        key = key if isinstance(key, tuple) else (key,)
        ax.set_title(
            ", ".join(
                f"{k}={v}" if k != "outcome" else str(v) for k, v in zip(keys, key, strict=True)
            )
        )
    fig.tight_layout()
    return fig
