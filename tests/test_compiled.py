"""The compiled day and the plain one (``commsim.compiled``): the same numbers both ways.

The plain path (numba missing, or ``NUMBA_DISABLE_JIT=1``) runs each kernel's Python
function interpreted; its runs must match the same fingerprints as the compiled ones.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from commsim import compiled

HERE = Path(__file__).parent

PLAIN_CASE = """
import sys
if {missing!r}:
    sys.modules["numba"] = None  # as if numba were not installed: its import fails
sys.path.insert(0, {tests!r})
from commsim import compiled
assert not compiled.COMPILED, "the plain path was asked for"
import test_fingerprints as f
f._compare({case!r}, f.CASES[{case!r}]())
print("plain path matches", {case!r})
"""


def test_compiled_where_numba_is_installed():
    pytest.importorskip("numba")
    assert compiled.COMPILED == (os.environ.get("NUMBA_DISABLE_JIT", "0") != "1")


@pytest.mark.parametrize(("case", "missing"), [("one_group", False), ("every_strategy", False),
                                             ("several_groups", True)])  # fmt: skip
def test_plain_path_matches_the_fingerprints(case, missing):
    """A run on the plain path, with numba's compiling switched off or numba missing,
    gives the stored daily metrics (the compiled path's test is ``test_fingerprints``)."""
    script = PLAIN_CASE.format(tests=str(HERE), case=case, missing=missing)
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=900)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "plain path matches" in result.stdout


def test_the_kernels_cache_is_a_folder_per_version_of_the_source(tmp_path):
    """An edit of any module (a rule a kernel calls, say) gives the kernels a new cache
    folder, so no kernel compiled from the old rule is loaded."""
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    (package / "rules.py").write_text("def f(x):\n    return x + 1\n")
    (package / "sub" / "kernels.py").write_text("K = 1\n")
    before = compiled.source_digest(package)
    (package / "rules.py").write_text("def f(x):\n    return x + 2\n")
    assert compiled.source_digest(package) != before
    if compiled.COMPILED:
        assert compiled.cache_folder().name == compiled.source_digest()
        assert compiled._CACHE_FOLDER == str(compiled.cache_folder())


def test_load_kernels_loads_every_kernel_a_run_calls():
    """After ``load_kernels`` a run, with every built-in strategy, loads or compiles no
    kernel of its own (the first step pays nothing)."""
    pytest.importorskip("numba")
    if not compiled.COMPILED:
        pytest.skip("the plain path has no kernels to load")
    from test_fingerprints import every_strategy_on

    from commsim import CommunityModel

    compiled.load_kernels()
    loaded = [list(k.signatures) for k in compiled.KERNELS]
    CommunityModel(rng=21, population=1200, groups=3, strategies=every_strategy_on()).run_for(90)
    CommunityModel(rng=22, population=900).run_for(90)
    assert [list(k.signatures) for k in compiled.KERNELS] == loaded


@pytest.mark.parametrize("lever", ["posting_boost", "utility_bonus", "surface_pull"])
def test_a_lever_of_the_wrong_length_is_refused(lever):
    """A kernel does not check its bounds, so a per-person lever of another length than
    the population is refused by name before any kernel reads it."""
    import numpy as np

    from commsim import CommunityModel
    from commsim.strategies.base import Strategy

    class Short(Strategy, register=False):  # a test's own, kept out of the registry
        def start_day(self, model, today):
            setattr(today, lever, np.ones(model.population.size - 1))

    model = CommunityModel(rng=1, population=300, strategies=[Short()])
    with pytest.raises(ValueError, match=rf"{lever} must be one number or 300 values"):
        model.run_for(10)
    assert compiled.lever_array(2.0, 300).tolist() == [2.0]
    assert compiled.lever_array(np.arange(300), 300).size == 300
