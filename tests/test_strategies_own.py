"""The "Write your own strategy" example (docs/strategies-own.md, its module
docs/examples/welcome.py outside ``commsim/``) works as the built-ins do: through a flat
keyword on ``CommunityModel`` with a replicated effect, by name in an experiment file run
with ``commsim sweep`` on the process pool, by class name in a sweep from Python, and as a
section of the classroom app."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from commsim import CommunityModel
from commsim.classroom import ClassroomModel
from commsim.outcomes import run_outcomes
from commsim.strategies import registry
from commsim.sweep import ResultStore, model_for

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
PAGE = ROOT / "docs" / "strategies-own.md"
SEEDS = range(20)
#: A group that holds no novelty for its joiners (see the page: with the default novelty,
#: a joiner's first days are warm already and a welcome changes little).
MATURE = {"population": 1000, "novelty": 0.0}


@pytest.fixture(scope="module")
def welcome():
    """The example module, imported as a user would (from its own folder); unregistered
    and forgotten afterwards, so other tests see only their own strategies."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        yield importlib.import_module("welcome")
    finally:
        if "Welcome" in registry.registered_strategies():
            registry.unregister("Welcome")
        sys.modules.pop("welcome", None)
        sys.path.remove(str(EXAMPLES))


def environment() -> dict[str, str]:
    """A user's shell: their module's folder on PYTHONPATH (and this checkout's commsim)."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(EXAMPLES)])}


def early_leavers(model: CommunityModel, within: int = 10) -> float:
    """Share of the people who joined after day 0 that left within ``within`` days."""
    population = model.population
    joined = population.joined_day > 0
    left = joined & (population.left_day >= 0)
    early = left & (population.left_day - population.joined_day <= within)
    return early.sum() / max(joined.sum(), 1)


def test_the_page_shows_the_module_the_suite_runs():
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(), flags=re.S)
    assert (EXAMPLES / "welcome.py").read_text() in blocks
    assert "commsim" not in str(EXAMPLES.relative_to(ROOT))  # outside the package


def test_registered_when_defined_with_its_flat_keywords(welcome):
    assert registry.registered_strategies()["Welcome"] is welcome.Welcome
    parameters = inspect.signature(CommunityModel).parameters
    for name in ("welcome", "welcome_warmth", "welcome_days", "welcome_cost"):
        assert parameters[name].default is None
    with pytest.raises(ValueError, match=r"welcome_days=0 is out of range"):
        CommunityModel(rng=1, population=100, welcome_days=0)


def test_a_flat_keyword_keeps_more_joiners_over_replications(welcome):
    """``welcome=True`` (its defaults: warmth 0.3 for 3 days, 1 per message): fewer joiners
    leave within 10 days, over 20 paired seeds (one-sided paired t-test, p < 0.01), and
    the books hold exactly one message per joiner."""
    bare, welcomed = [], []
    for seed in SEEDS:
        model = CommunityModel(rng=seed, **MATURE)
        model.run_for(90)
        bare.append(early_leavers(model))
        model = CommunityModel(rng=seed, welcome=True, **MATURE)
        model.run_for(90)
        welcomed.append(early_leavers(model))
        (strategy,) = model.strategies
        frame = model.datacollector.get_model_vars_dataframe()
        assert isinstance(strategy, welcome.Welcome)
        assert strategy.spent == frame["spend"].sum() == frame["joined"].iloc[1:].sum() * 1.0
    test = stats.ttest_rel(welcomed, bare, alternative="less")
    assert test.pvalue < 0.01, (np.mean(bare), np.mean(welcomed), test)


EXPERIMENT = """\
name = "welcome"
days = 40
replications = 2
seed = 3

[parameters]
population = 300
novelty = 0.0

[strategies."welcome:Welcome"]
days = 5

[vary]
"welcome:Welcome.warmth" = [0.0, 0.5]
"""


def test_by_name_in_an_experiment_file_on_the_process_pool(welcome, tmp_path):
    path, out = tmp_path / "welcome.toml", tmp_path / "results" / "welcome"
    path.write_text(EXPERIMENT)
    command = [sys.executable, "-m", "commsim.cli", "sweep", str(path), "--workers", "2",
               "--no-progress", "--out", str(out.parent)]  # fmt: skip
    refused = subprocess.run(command, capture_output=True, text=True, env=environment())
    assert refused.returncode == 1 and "--allow-import welcome" in refused.stderr
    done = subprocess.run(
        [*command, "--allow-import", "welcome"], capture_output=True, text=True,
        env=environment(), timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "4 of 4 runs" in done.stderr

    store = ResultStore(out)
    stored = store.outcomes().set_index(["setting", "replication"])
    assert (stored["status"] == "ok").all() and len(stored) == 4
    for run in store.experiment().runs(store.settings()):  # the same numbers here
        model = model_for(run)
        assert isinstance(model.strategies[0], welcome.Welcome)
        model.run_for(40)
        outcomes = run_outcomes(model.datacollector.get_model_vars_dataframe())
        row = stored.loc[(run.setting, run.replication)]
        assert row["total_spend"] == outcomes["total_spend"] > 0
        assert row["end_members"] == outcomes["end_members"]


def test_by_class_name_in_a_sweep_from_python_on_the_process_pool(tmp_path):
    script = textwrap.dedent(f"""
        import json, sys
        import welcome  # registers Welcome: from now on it has its name
        from commsim.sweep import Experiment, ResultStore, SerialExecutor, run_sweep

        experiment = Experiment(days=30, replications=2, seed=5,
                                parameters={{"population": 300, "novelty": 0.0}},
                                strategies={{"Welcome": {{"warmth": 0.5}}}})
        pool = run_sweep(experiment, {str(tmp_path / "pool")!r}, workers=2, progress=False)
        here = run_sweep(experiment, {str(tmp_path / "here")!r}, executor=SerialExecutor(),
                         progress=False)
        tables = [ResultStore(s.path).outcomes().sort_values(["setting", "replication"])
                  for s in (pool, here)]
        print(json.dumps([t["status"].tolist() for t in tables]
                         + [t["total_spend"].tolist() for t in tables]))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=environment(), timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    pool_status, here_status, pool_spend, here_spend = json.loads(done.stdout)
    assert pool_status == here_status == ["ok", "ok"]
    assert pool_spend == here_spend and min(pool_spend) > 0


def test_a_section_of_the_classroom_from_its_controls(welcome):
    """The classroom's sections are the registered strategies' switches and ``CONTROLS``
    as flat keywords; the classroom model takes them as the app passes them."""
    cls = registry.registered_strategies()["Welcome"]
    flat = registry.flat_parameters()
    section = [cls.key] + [f"{cls.key}_{control.name}" for control in cls.CONTROLS]
    assert section == ["welcome", "welcome_warmth", "welcome_days"]
    for control in cls.CONTROLS:
        parameter = flat[f"{cls.key}_{control.name}"]
        assert parameter.low <= control.low < control.high <= parameter.high
    model = ClassroomModel(seed="4", population=300, welcome=True, welcome_warmth="0.5",
                           welcome_days=7, welcome_cost=None)  # fmt: skip
    (strategy,) = model.strategies
    assert isinstance(strategy, welcome.Welcome) and strategy.warmth == 0.5
    off = ClassroomModel(seed="4", population=300, welcome=False, welcome_warmth=0.5)
    assert off.strategies == []
