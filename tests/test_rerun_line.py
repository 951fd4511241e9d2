"""``commsim run <results> --setting S --replication R`` prints Python that re-runs the run."""

from __future__ import annotations

import math
import types

from commsim import cli
from commsim.outcomes import run_outcomes
from commsim.sweep import ResultStore

EXPERIMENT = """\
name = "pasted"
days = 30
replications = 2
seed = 4

[parameters]
population = 300
promotion_days = 30.0

[strategies.RedPackets]
every = 3

[vary]
RedPackets = [false, true]
"RedPackets.budget" = [0.0, 500.0]
ambient_inflow = [0.01, 0.03]
"""


def test_the_printed_line_re_runs_the_run_when_pasted(tmp_path, capsys):
    path = tmp_path / "pasted.toml"
    path.write_text(EXPERIMENT)
    out = tmp_path / "results" / "pasted"
    assert cli.main(["sweep", str(path), "--workers", "0", "--out", str(out.parent),
                     "--no-progress"]) == 0  # fmt: skip
    stored = ResultStore(out).outcomes()
    settings = ResultStore(out).settings()
    checked = 0
    for setting in range(len(settings)):
        capsys.readouterr()
        args = ["run", str(out), "--setting", str(setting), "--replication", "1",
                "--out", str(tmp_path / f"x{setting}")]  # fmt: skip
        assert cli.main(args) == 0
        printed = capsys.readouterr().out.splitlines()
        line = printed[printed.index(next(p for p in printed if p.startswith("Re-running"))) + 1]
        assert "CommunityModel(rng=" in line and "promotion_days=30.0" in line
        namespace: dict = {}
        exec(line, namespace)  # noqa: S102 - the test pastes the printed line
        outcomes = run_outcomes(namespace["model"].datacollector.get_model_vars_dataframe())
        row = stored[(stored.setting == setting) & (stored.replication == 1)].iloc[0]
        for name, value in outcomes.items():
            if name in row.index:
                assert (math.isnan(value) and math.isnan(row[name])) or value == row[name], name
        checked += "RedPackets(" in line
    assert checked >= 2  # the lines with a strategy were pasted too


def test_a_users_strategy_is_imported_from_its_module():
    parameters = {"population": 200, "patience_days": float("inf")}
    strategies = (("mypkg.policies:Quiet", {"level": 0.5}),)
    run = types.SimpleNamespace(seed=7, parameters=parameters, strategies=strategies)
    line = cli.rerun_line(run, 10)
    assert line == (
        "from commsim import CommunityModel; from mypkg.policies import Quiet; "
        "model = CommunityModel(rng=7, strategies=[Quiet(level=0.5)], population=200, "
        "patience_days=float('inf')); "
        "model.run_for(10)"
    )
