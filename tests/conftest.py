"""Shared by every test: the ``tests`` folder on ``sys.path``, so that the helpers in
``tests/helpers/`` import as ``helpers`` (``from helpers.strategies import FailOn``) in the
tests and in the worker processes of a sweep, whatever pytest's import mode."""

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
