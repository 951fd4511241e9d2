"""The examples in the package's docstrings run, and show what they say.

Every module of ``commsim`` is imported and its docstrings' examples run with
``doctest`` (``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` on). An example that cannot run
here (a year-long run, a browser, a plot window) says so with ``# doctest: +SKIP``.
"""

import doctest
import importlib
import pkgutil

import pytest

import commsim

MODULES = sorted(info.name for info in pkgutil.walk_packages(commsim.__path__, prefix="commsim."))


def test_every_module_is_found():
    assert {"commsim.model", "commsim.stats", "commsim.analysis.lifecycle"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    runner = doctest.DocTestRunner(optionflags=flags)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        runner.run(test)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed (output above)"
