"""Fit model parameters to an observed daily series by simulation.

A calibration compares the model's daily metrics (``commsim.model.REPORTERS``: members,
messages, ...) with an observed series of the same days and searches the parameters that
make them agree. Observed series may have gaps: a NaN day is simply left out.

The distance (the same for both methods)
---------------------------------------
For one simulated run ``s`` and the observed series ``o``, over the observed columns
``C`` (e.g. members and messages) and, for each column, the days ``T_c`` on which it was
observed (not NaN)::

    D(s, o) = sqrt( (1/|C|) * sum_c (1/|T_c|) * sum_{t in T_c} (log1p s_c(t) - log1p o_c(t))^2 )

that is the root mean square error of ``log(1 + count)``: it weighs relative rather than
absolute errors, so a column of hundreds of members and one of a thousand messages count
alike, and the quiet tail of a series counts as much as its busy start. The distance of a
parameter vector is the mean of ``D`` over ``replications`` runs with different seeds::

    distance(theta) = (1/R) * sum_r D(run(theta, seed_r), o)

The seeds ``seed_r`` are ``commsim.replications.replication_seeds(seed, R)`` (replication
``r`` has spawn key ``(r,)`` under ``SeedSequence(seed)``; ABC's prior draws use the next
child, ``(R,)``), recorded in ``CalibrationResult.seeds``, and are the same for every
``theta`` (common random numbers), so the distance is a deterministic function of ``theta``
and a fit is reproducible: the same call gives the same numbers, serially or on any
executor.

Methods
-------
``method="de"``: ``scipy.optimize.differential_evolution`` with the fixed ``seed``
minimises the distance within the bounds. Its uncertainty is a *profile interval* per
parameter: holding the others at the optimum, the parameter's grid values whose distance
is within ``2 * SE`` of the minimum, where ``SE`` is the standard error of the distance
over the replications at the optimum (the simulation noise: differences smaller than it
cannot be told apart).

``method="abc"``: approximate Bayesian computation by rejection. ``draws`` parameter
vectors are drawn uniformly within the bounds (the prior), and the ``accept`` share with
the smallest distance is kept as a sample of the approximate posterior; the estimate is
the posterior median and the interval its 5% and 95% quantiles.

Both evaluate parameter vectors through ``executor.map`` when an executor
(``concurrent.futures.Executor``, e.g. the one a sweep uses) is given, else serially. With
a process executor the ``strategies`` callable must be picklable (a module-level
function, not a lambda).

The package: ``calibrate.distance`` (``log_rmse``, ``simulate``), ``calibrate.result``
(``CalibrationResult``) and ``calibrate.fit`` (``fit``); all are exported here.
"""

from commsim.calibrate.distance import log_rmse, simulate
from commsim.calibrate.fit import METHODS, fit
from commsim.calibrate.result import CalibrationResult
from commsim.datasets import load_brand_group
from commsim.replications import replication_seeds

__all__ = [
    "METHODS",
    "CalibrationResult",
    "fit",
    "log_rmse",
    "load_brand_group",
    "replication_seeds",
    "simulate",
]
