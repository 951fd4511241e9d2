"""The examples in the package's docstrings run, and show what they say.

Every module of ``commsim`` is imported and its docstrings' examples run with
``doctest`` (``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` on). An example that cannot run
here (a year-long run, a browser, a plot window) says so with ``# doctest: +SKIP``.
A module whose import changes the whole process is imported in a process of its own.
"""

import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import commsim

MODULES = sorted(info.name for info in pkgutil.walk_packages(commsim.__path__, prefix="commsim."))
# Importing solara's server (``solara.server.app``) patches ipywidgets' Output, IPython's
# shell, threading and matplotlib's backend for the rest of the process, which would leave
# every later test in this worker running beside a solara server.
OWN_PROCESS = {"commsim.classroom.asgi"}


def test_every_module_is_found():
    assert {"commsim.model", "commsim.stats", "commsim.analysis.lifecycle"} <= set(MODULES)


def run_examples(name: str) -> tuple[int, int]:
    """Run the examples in module ``name``'s docstrings: (failed, attempted)."""
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        runner.run(test)
    return tuple(runner.summarize(verbose=False))


def test_the_modules_run_apart_exist():
    assert OWN_PROCESS <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name in OWN_PROCESS:
        code = f"import test_doctests; print(*test_doctests.run_examples({name!r}))"
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
            cwd=Path(__file__).parent,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        print(done.stdout)
        failed, attempted = map(int, done.stdout.split()[-2:])
    else:
        failed, attempted = run_examples(name)
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed (output above)"
