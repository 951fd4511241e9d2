"""Parameter sweeps: define an experiment, run it on any executor, report on it.

Quick start::

    from commsim.sweep import Experiment, run_sweep, load_experiment

    experiment = Experiment(days=120, replications=20, seed=1,
                            parameters={"population": 400},
                            vary={"ambient_inflow": [0.01, 0.02, 0.04]})
    summary = run_sweep(experiment, "results/inflow")     # local processes, all cores

or from the command line: ``commsim sweep experiments/<name>.toml`` then
``commsim report results/<name>``. See ``commsim.sweep.experiment`` for the seeds,
``commsim.sweep.store`` for the results folder.
"""

from commsim.sweep.design import Range
from commsim.sweep.executors import SerialExecutor, dask_executor, process_executor
from commsim.sweep.experiment import OUTCOMES, Experiment, ExperimentError, Run, run_seed
from commsim.sweep.files import ExperimentFileError, load_experiment, load_scenario
from commsim.sweep.runner import SweepError, SweepSummary, run_sweep
from commsim.sweep.store import ResultsFolderError, ResultStore
from commsim.sweep.worker import model_for

__all__ = [
    "OUTCOMES",
    "Experiment",
    "ExperimentError",
    "ExperimentFileError",
    "Range",
    "ResultStore",
    "ResultsFolderError",
    "Run",
    "SerialExecutor",
    "SweepError",
    "SweepSummary",
    "dask_executor",
    "load_experiment",
    "load_scenario",
    "model_for",
    "process_executor",
    "run_seed",
    "run_sweep",
]
