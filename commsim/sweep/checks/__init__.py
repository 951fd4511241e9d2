"""The checks of an experiment: every entry of ``commsim.sweep.experiment.Experiment``,
alone and together, before anything is built or run.

``check_experiment`` is called when an ``Experiment`` is created; it raises
``ExperimentError`` naming the first bad key (files turn the key into a line), and
normalises the containers (tables become dicts, lists of names tuples, range tables
``Range``).

=======================  ==============================================================
``checks.experiment``    ``check_experiment``: the checks in the order they run
``checks.entries``       single entries: names, texts, integers, model values, value
                         lists and ranges; the largest sizes (``MAX_DAYS``...)
``checks.strategies``    strategies' tables and the varied factors (parameters, strategy
                         parameters, strategies switched on and off)
``checks.options``       the report's options and the adaptive rounds
``checks.settings``      the settings made: counted, bounded, each one buildable
=======================  ==============================================================
"""

from commsim.sweep.checks.experiment import check_experiment

__all__ = ["check_experiment"]
