"""The open strategy registry: registration when a class is defined, flat keywords and the
signature computed when asked, clear refusals of clashing names, ``CONTROLS``, and no code
imported from data (``"module:Class"`` names need the user's permission)."""

from __future__ import annotations

import ast
import inspect
import os
import subprocess
import sys
from pathlib import Path

import mesa
import pytest

from commsim import CommunityModel
from commsim.parameters import Control, Parameter
from commsim.strategies import (
    STRATEGIES,
    ImportNotAllowed,
    RedPackets,
    Strategy,
    allowed_imports,
    build_dotted,
    registry,
)
from commsim.strategies.building import build_strategy
from commsim.sweep import Experiment, ExperimentError, ExperimentFileError, load_experiment

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def scratch_registry():
    """Strategies registered inside a test are unregistered after it."""
    before = set(registry.registered_strategies())
    yield
    for name in set(registry.registered_strategies()) - before:
        registry.unregister(name)


def strategy(name: str, module: str = "user_module", **attributes) -> type[Strategy]:
    """A strategy class ``name`` as if defined at the top of ``module``."""
    namespace = {"__module__": module, "__qualname__": name, **attributes}
    return type(name, (Strategy,), namespace)


LIFT = {"lift": Parameter("lift", 0.0, float, 0, 5, "utility added to every member's day")}


def lift_start_day(self, model, today):
    today.utility_bonus = today.utility_bonus + self.lift


# ---------------------------------------------------------------------- registration
def test_built_ins_come_first_in_order_and_model_imports_none_of_them():
    assert STRATEGIES is registry.registered_strategies()  # a live view
    assert list(STRATEGIES)[: len(registry.BUILT_INS)] == list(registry.BUILT_INS)
    tree = ast.parse((ROOT / "commsim" / "model.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    built_in_modules = {STRATEGIES[name].__module__ for name in registry.BUILT_INS}
    assert "commsim.strategies.registry" in imported
    assert not imported & (built_in_modules | {"commsim.strategies.keywords"})
    assert not {name for name in imported if name.startswith("commsim.strategies")} - {
        "commsim.strategies", "commsim.strategies.registry", "commsim.strategies.base",
        "commsim.strategies.base.Strategy",
    }  # fmt: skip


def test_importing_commsim_registers_the_built_ins():
    code = "import commsim.strategies.registry as r; print(list(r.registered_strategies()))"
    printed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout  # fmt: skip
    assert printed.strip() == repr(list(registry.BUILT_INS))


def test_importing_every_module_of_the_package_registers_only_the_built_ins():
    """The package's own probes and helpers (validation's, the classroom's) opt out."""
    code = (
        "import importlib, pkgutil, commsim\n"
        "from commsim.strategies import registry\n"
        "for module in pkgutil.walk_packages(commsim.__path__, 'commsim.'):\n"
        "    if not module.name.endswith('__main__'):\n"
        "        importlib.import_module(module.name)\n"
        "print(list(registry.registered_strategies()))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == repr(list(registry.BUILT_INS))


def test_a_class_defined_after_import_gets_flat_keywords_signature_and_names(scratch_registry):
    assert "lifter_lift" not in inspect.signature(CommunityModel).parameters
    Lifter = strategy("Lifter", PARAMETERS=LIFT, start_day=lift_start_day)
    assert registry.registered_strategies()["Lifter"] is Lifter
    assert list(STRATEGIES)[-1] == "Lifter"  # after the built-ins, in definition order
    parameters = inspect.signature(CommunityModel).parameters
    assert parameters["lifter"].default is None and parameters["lifter_lift"].default is None
    assert registry.flat_parameters()["lifter_lift"].name == "lifter_lift"

    (on,) = CommunityModel(rng=1, population=100, lifter_lift=0.5).strategies
    assert isinstance(on, Lifter) and on.lift == 0.5
    assert isinstance(build_dotted({"Lifter.lift": 0.2})[0], Lifter)
    assert isinstance(build_strategy("user_module:Lifter", {"lift": 1.0}), Lifter)
    with pytest.raises(ValueError, match=r"lifter_lift=9\.0 is out of range"):
        CommunityModel(rng=1, population=100, lifter_lift=9)
    experiment = Experiment(days=5, replications=1, parameters={"population": 100},
                            vary={"Lifter.lift": [0.0, 1.0]})  # fmt: skip
    assert dict(experiment.runs().__next__().strategies) == {"Lifter": {"lift": 0.0}}

    results = mesa.batch_run(
        CommunityModel, {"population": 120, "lifter_lift": [0.0, 2.0]}, rng=[3],
        max_steps=30, number_processes=1, data_collection_period=-1, display_progress=False,
    )  # fmt: skip
    members = {row["lifter_lift"]: row["members"] for row in results}
    assert set(members) == {0.0, 2.0}
    for lift, count in members.items():  # the same numbers as the keyword given directly
        alone = CommunityModel(rng=3, population=120, lifter_lift=lift)
        alone.run_for(30)
        assert alone.datacollector.get_model_vars_dataframe()["members"].iloc[-1] == count
    assert members[2.0] != members[0.0]

    registry.unregister("Lifter")
    assert "lifter_lift" not in inspect.signature(CommunityModel).parameters


def test_a_class_defined_again_in_its_module_replaces_itself_in_place(scratch_registry):
    first = strategy("Again", PARAMETERS=LIFT)
    strategy("Later")
    second = strategy("Again", PARAMETERS={})
    names = list(STRATEGIES)
    assert STRATEGIES["Again"] is second is not first
    assert names.index("Again") < names.index("Later")
    assert "again_lift" not in registry.flat_parameters()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: strategy("RedPackets"), ["RedPackets", "taken by",
                                          "commsim.strategies.incentives:RedPackets",
                                          "register=False"]),
        (lambda: strategy("RedPACKETS"), ["key 'red_packets'", "taken by"]),
        (lambda: strategy("Social", PARAMETERS={"pull": Parameter("pull", 0.0, float, 0, 1, "")}),
         ["'social_pull'", "a model parameter"]),
        (lambda: strategy("Rng"), ["'rng'", "a model parameter"]),
        (lambda: strategy("Red", PARAMETERS={
            "packets_budget": Parameter("packets_budget", 0.0, float, 0, 1, "")}),
         ["'red_packets_budget'", "flat keyword of commsim.strategies.incentives:RedPackets"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT, CONTROLS=(Control("lyft", 0, 1, 0.1),)),
         ["control 'lyft'", "lift"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT, CONTROLS=(Control("lift", 0, 9, 0.1),)),
         ["control 'lift'", "lift=9", "[0, 5]"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT, CONTROLS=(Control("lift"),)),
         ["control 'lift'", "give low, high and step"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT, CONTROLS=(Control("lift", 1, 0.5, 0.1),)),
         ["low=1", "below high=0.5"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT, CONTROLS=(Control("lift", 0, 1, 0),)),
         ["step=0", "above 0"]),
        (lambda: strategy("Knob", PARAMETERS=dict(RedPackets.PARAMETERS),
                          CONTROLS=(Control("every", 1, 30, 0.5),)),
         ["step=0.5", "whole number"]),
        (lambda: strategy("Knob", PARAMETERS=LIFT,
                          CONTROLS=(Control("lift", 0, 1, 0.1), Control("lift", 0, 2, 0.1))),
         ["control 'lift' is given twice"]),
    ],
)  # fmt: skip
def test_clashes_and_bad_controls_are_refused_when_the_class_is_defined(
    scratch_registry, make, words
):
    before = dict(STRATEGIES)
    with pytest.raises(ValueError) as error:
        make()
    for word in words:
        assert word in str(error.value)
    assert dict(STRATEGIES) == before


def test_register_false_opts_out_and_still_works_as_an_object(scratch_registry):
    Probe = type("Probe", (Strategy,), {"__module__": "user_module", "PARAMETERS": LIFT},
                 register=False)  # fmt: skip
    RedProbe = type("RedPackets", (Strategy,), {"__module__": "elsewhere"}, register=False)
    assert "Probe" not in STRATEGIES and STRATEGIES["RedPackets"] is not RedProbe
    assert "probe_lift" not in inspect.signature(CommunityModel).parameters
    model = CommunityModel(rng=1, population=100, strategies=[Probe(lift=1.0)])
    model.run_for(3)
    with pytest.raises(ValueError, match="unknown strategy 'Probe'"):
        registry.strategy_class("Probe")


def test_the_built_ins_declare_their_classroom_controls():
    for cls in STRATEGIES.values():
        for control in cls.CONTROLS:
            control.check(cls.PARAMETERS[control.name])
    assert RedPackets.CONTROLS[0] == Control("budget", 0.0, 10000.0, 100.0)
    assert [c.name for c in STRATEGIES["SizeCap"].CONTROLS] == [
        "max_members", "split", "overload", "matrix",
    ]  # fmt: skip
    with pytest.raises(ValueError, match="is a choice"):
        Control("kind", 0, 1, 0.1).check(STRATEGIES["EntryThreshold"].PARAMETERS["kind"])


# ---------------------------------------------------------------------- no code from data
PLANTED = '''\
"""A module that leaves a mark when imported."""
from pathlib import Path

from commsim.parameters import Parameter
from commsim.strategies import Strategy

Path(__file__).with_name("imported.txt").write_text("imported")


class Mark(Strategy, register=False):
    PARAMETERS = {"lift": Parameter("lift", 0.0, float, 0, 5, "utility added")}

    def start_day(self, model, today):
        today.utility_bonus = today.utility_bonus + self.lift
'''


def experiment_file(folder: Path, strategy_name: str) -> Path:
    path = folder / "planted.toml"
    path.write_text(
        f"days = 5\nreplications = 2\n\n[parameters]\npopulation = 100\n\n"
        f'[strategies."{strategy_name}"]\n'
    )
    return path


def cli(folder: Path, *args: str) -> subprocess.CompletedProcess:
    """``python -m commsim.cli`` run in ``folder`` (so modules there are importable)."""
    return subprocess.run(
        [sys.executable, "-m", "commsim.cli", *args], cwd=folder, capture_output=True,
        text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def test_a_file_naming_a_module_does_not_import_it():
    for name in ("this:X", "antigravity:X"):
        assert name.partition(":")[0] not in sys.modules
        with pytest.raises(ExperimentError) as error:
            Experiment(strategies={name: {}})
        assert name.partition(":")[0] not in sys.modules
        text = str(error.value)
        assert text.startswith(f'strategies."{name}"')
        assert f"--allow-import {name.partition(':')[0]}" in text and "allow_import=" in text


def test_the_zen_of_python_is_not_printed(tmp_path):
    path = experiment_file(tmp_path, "this:X")
    done = cli(tmp_path, "sweep", str(path), "--workers", "0", "--no-progress")
    assert done.returncode == 1
    assert "Beautiful is better" not in done.stdout + done.stderr
    assert 'strategies."this:X"' in done.stderr and "--allow-import this" in done.stderr


def test_a_module_beside_the_file_runs_only_when_allowed(tmp_path):
    (tmp_path / "planted.py").write_text(PLANTED)
    path = experiment_file(tmp_path, "planted:Mark")
    mark = tmp_path / "imported.txt"
    refused = cli(tmp_path, "sweep", str(path), "--workers", "0", "--no-progress")
    assert refused.returncode == 1 and not mark.exists(), refused.stderr
    assert "line 7" in refused.stderr and "--allow-import planted" in refused.stderr

    out = tmp_path / "results"
    allowed = cli(tmp_path, "sweep", str(path), "--workers", "2", "--no-progress",
                  "--out", str(out), "--allow-import", "planted")  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    assert mark.exists() and "2 of 2 runs" in allowed.stderr

    # the results folder names the module too: reading it back imports nothing unasked
    mark.unlink()
    for command in (["report", str(out)], ["run", str(out), "--setting", "0", "--replication",
                                           "0", "--out", str(tmp_path / "one")]):  # fmt: skip
        refused = cli(tmp_path, *command)
        assert refused.returncode == 1 and not mark.exists(), refused.stderr
        assert "--allow-import planted" in refused.stderr
        allowed = cli(tmp_path, *command, "--allow-import", "planted")
        assert allowed.returncode == 0 and mark.exists(), allowed.stderr
        mark.unlink()


def test_python_callers_allow_imports_explicitly(tmp_path, monkeypatch):
    module = "planted_for_python"
    (tmp_path / f"{module}.py").write_text(PLANTED)
    monkeypatch.syspath_prepend(str(tmp_path))
    path = experiment_file(tmp_path, f"{module}:Mark")
    mark = tmp_path / "imported.txt"
    with pytest.raises(ExperimentFileError, match=f"--allow-import {module}"):
        load_experiment(path)
    with pytest.raises(ImportNotAllowed) as error:
        registry.strategy_class(f"{module}:Mark")
    assert error.value.module == module and not mark.exists()
    try:
        with allowed_imports(module):
            experiment = load_experiment(path)
        assert mark.exists()
        # imported now: its classes are found without asking again
        assert load_experiment(path).strategies == experiment.strategies == {f"{module}:Mark": {}}
    finally:
        sys.modules.pop(module, None)
    assert registry.strategy_class(f"{module}:Mark", allow_import=[module]).__name__ == "Mark"
    sys.modules.pop(module, None)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("mod:", ["not an import name"]),
        ("my mod:X", ["not an import name"]),
        ("Lottery", ["unknown strategy 'Lottery'", "RedPackets"]),
        ("commsim.strategies.incentives:Nothing", ["Nothing is not found"]),
        ("commsim.parameters:Parameter", ["not a subclass of commsim.strategies.Strategy"]),
        ("no_such_module_here:X", ["--allow-import no_such_module_here"]),
    ],
)
def test_bad_names_are_refused_with_their_reason(name, words):
    with pytest.raises(ValueError) as error:
        registry.strategy_class(name)
    for word in words:
        assert word in str(error.value)


def test_allowing_a_missing_module_says_it_cannot_be_imported():
    with pytest.raises(ValueError, match="cannot be imported"):
        registry.strategy_class("no_such_module_here:X", allow_import=["no_such_module_here"])
    with pytest.raises(ValueError, match="not a module name"):
        with allowed_imports("bad name"):
            pass
