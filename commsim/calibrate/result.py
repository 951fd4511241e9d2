"""What a calibration found, and the runs, bands and plot of the fitted model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from commsim.calibrate.distance import StrategyFactory, simulate
from commsim.replications import replication_seeds


@dataclass(eq=False)
class CalibrationResult:
    """What a calibration found.

    Attributes:
        method: ``"de"`` or ``"abc"``.
        parameters: the fitted values (DE optimum, or ABC posterior median).
        uncertainty: one row per fitted parameter: ``estimate``, ``low``, ``high`` (the
            profile interval for DE, the 5%-95% posterior interval for ABC) and ``bounds``.
        distance: mean distance over the replications at ``parameters``.
        distance_se: its standard error over the replications.
        fixed: the parameters held fixed.
        observed: the observed series (indexed by day).
        seeds: the replication seeds.
        posterior: ABC only: the accepted draws with their distance.
        evaluations: every parameter vector evaluated, with its distance.
        strategies: the strategy factory used (to re-simulate the fit).
    """

    method: str
    parameters: dict[str, float]
    uncertainty: pd.DataFrame
    distance: float
    distance_se: float
    fixed: dict
    observed: pd.DataFrame
    seeds: list[int]
    posterior: pd.DataFrame | None = None
    evaluations: pd.DataFrame = field(default_factory=pd.DataFrame)
    strategies: StrategyFactory | None = None

    def simulate(self, replications: int | None = None, seed: int | None = None):
        """Runs of the fitted model: by default with the calibration's own seeds."""
        seeds = (
            self.seeds
            if replications is None
            else replication_seeds(seed if seed is not None else 0, replications)
        )
        days = int(self.observed.index.max())
        return simulate({**self.fixed, **self.parameters}, days, seeds, self.strategies)

    def bands(self, column: str, quantiles=(0.05, 0.5, 0.95), runs=None) -> pd.DataFrame:
        """Quantiles across replications of one simulated column, one row a day."""
        runs = self.simulate() if runs is None else runs
        table = pd.concat([run[column] for run in runs], axis=1)
        return table.quantile(list(quantiles), axis=1).T

    def plot(self, columns: Iterable[str] | None = None, axes=None, quantiles=(0.05, 0.95)):
        """Observed series (dots) against the simulated median and band across replications.

        Args:
            columns: which observed columns to draw (default: all that were fitted).
            axes: matplotlib axes, one per column (default: a new figure).
            quantiles: the band's lower and upper quantile across replications.

        Returns:
            The matplotlib figure.
        """
        import matplotlib.pyplot as plt

        columns = list(self.observed.columns if columns is None else columns)
        if axes is None:
            fig, axes = plt.subplots(len(columns), 1, figsize=(9, 3.2 * len(columns)), sharex=True)
        axes = np.atleast_1d(axes)
        runs = self.simulate()
        for ax, column in zip(axes, columns, strict=True):
            band = self.bands(column, (quantiles[0], 0.5, quantiles[1]), runs)
            ax.fill_between(
                band.index,
                band.iloc[:, 0],
                band.iloc[:, 2],
                alpha=0.3,
                label=f"simulated {quantiles[0]:.0%}-{quantiles[1]:.0%}",
            )
            ax.plot(band.index, band.iloc[:, 1], label="simulated median")
            seen = self.observed[column].dropna()
            ax.plot(seen.index, seen.values, "k.", label="observed")
            ax.set_ylabel(column)
            ax.legend(loc="upper right")
        axes[-1].set_xlabel("day")
        fig = axes[0].figure
        fig.suptitle(f"Calibration ({self.method}): distance {self.distance:.3f}")
        fig.tight_layout()
        return fig

    def summary(self) -> str:
        """A short text report of the fit."""
        lines = [
            f"method {self.method}, {len(self.seeds)} replications, "
            f"distance {self.distance:.4f} (SE {self.distance_se:.4f})"
        ]
        for name, row in self.uncertainty.iterrows():
            lines.append(f"  {name:>20} = {row.estimate:.4g}  [{row.low:.4g}, {row.high:.4g}]")
        return "\n".join(lines)
