"""Helpers shared by the tests, imported as ``helpers`` (``tests/conftest.py`` puts the
``tests`` folder on ``sys.path``; a subprocess gets it through ``PYTHONPATH``):

* ``helpers.replications``: replicated runs of the strategy tests (``runs``, ``frame``);
* ``helpers.strategies``: small strategies for the sweep tests (``Sleepy``, ``FailOn``,
  ``PostingBoost``, ``KillWorkerOnce``), found by name in worker processes (``name``).
"""
