"""Fingerprints of whole runs: a restructuring must leave every number as it was.

Each case below is a complete run (or a small sweep); its daily metrics (or outcome
table) are stored in ``tests/data/fingerprints/<case>.csv`` and compared value by value
(relative tolerance 1e-9, for summation order only). A change that is meant to change
the model's numbers regenerates them, deliberately and in its own commit, with

    python tests/test_fingerprints.py --write
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from commsim import CommunityModel
from commsim import strategies as s

HERE = Path(__file__).parent / "data" / "fingerprints"


def one_group() -> pd.DataFrame:
    model = CommunityModel(rng=11, population=1500)
    model.run_for(200)
    return model.datacollector.get_model_vars_dataframe()


def several_groups() -> pd.DataFrame:
    model = CommunityModel(rng=12, population=1500, groups=3)
    model.run_for(150)
    return model.datacollector.get_model_vars_dataframe()


def every_strategy_on() -> list:
    """One of each built-in strategy (``registry.BUILT_INS``), some away from their defaults."""
    return [
        s.EntryThreshold(kind="review", level=0.2),
        s.RedPackets(budget=500),
        s.Badges(),
        s.InviteLeaderboard(),
        s.KOLSeeding(count=3, leave_on=60),
        s.SizeCap(max_members=150, split=True, matrix=True),
        s.Moderation(),
        s.ScheduledEvents(),
        s.Referral(),
        s.ContentMix(),
        s.Conversion(),
        s.SocialComparison(),
    ]


def every_strategy() -> pd.DataFrame:
    model = CommunityModel(rng=13, population=1500, strategies=every_strategy_on())
    model.run_for(120)
    return model.datacollector.get_model_vars_dataframe()


def test_every_strategy_case_runs_every_built_in():
    from commsim.strategies.registry import BUILT_INS

    assert sorted(type(x).__name__ for x in every_strategy_on()) == sorted(BUILT_INS)


def sweep_outcomes(tmp: Path) -> pd.DataFrame:
    from commsim.sweep import Experiment, SerialExecutor, run_sweep
    from commsim.sweep.store import ResultStore

    experiment = Experiment(
        name="fingerprint",
        days=90,
        replications=2,
        seed=5,
        parameters={"population": 600},
        vary={"RedPackets.budget": [0.0, 500.0], "cooling": [0.5, 1.0]},
    )
    run_sweep(experiment, tmp / "fingerprint", executor=SerialExecutor(), progress=False)
    outcomes = ResultStore(tmp / "fingerprint").outcomes()
    keep = [c for c in outcomes.columns if c not in ("error", "status", "seconds")]
    numeric = outcomes[keep].select_dtypes("number")
    return numeric.sort_values(["setting", "replication"]).reset_index(drop=True)


CASES = {
    "one_group": one_group,
    "several_groups": several_groups,
    "every_strategy": every_strategy,
}


def _compare(name: str, frame: pd.DataFrame) -> None:
    stored = pd.read_csv(HERE / f"{name}.csv")
    frame = frame.reset_index(drop=True)
    assert list(frame.columns) == list(stored.columns), name
    assert len(frame) == len(stored), name
    for column in stored.columns:
        np.testing.assert_allclose(
            frame[column].to_numpy(float), stored[column].to_numpy(float),
            rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=f"{name}: {column}",
        )  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_run_matches_its_fingerprint(name):
    _compare(name, CASES[name]())


def test_sweep_outcomes_match_their_fingerprint(tmp_path):
    _compare("sweep_outcomes", sweep_outcomes(tmp_path))


if __name__ == "__main__" and "--write" in sys.argv:
    import tempfile

    HERE.mkdir(parents=True, exist_ok=True)
    for name, case in CASES.items():
        case().reset_index(drop=True).to_csv(HERE / f"{name}.csv", index=False)
    with tempfile.TemporaryDirectory() as tmp:
        sweep_outcomes(Path(tmp)).to_csv(HERE / "sweep_outcomes.csv", index=False)
    print(f"fingerprints written to {HERE}")
