"""The model's statistics over replications are those of the reference's runs.

A change that must not change what a run is drawn from (aligned common random numbers:
``commsim.streams``, each day of a stream starting at a fixed place, one number per
person, Poisson counts by inverse CDF; a faster day) changes every run's numbers, not
their distribution. ``tests/data/distributions.json`` holds the mean and standard
deviation of a few outcomes over ``SEEDS`` of the reference model; here the model of now
is run over other seeds and each mean must agree within ``Z`` standard errors of the
difference (Welch), each variance within the two-sided 99.9% range of the F
distribution. The reference was first the model before aligned draws (commit c2778b2,
one ``random(members.size)`` a mechanism and numpy's ``poisson``), which the aligned
draws passed; it is now the defaults of issue 10.

A change meant to change the model's dynamics regenerates the reference, in its own
commit, with ``python tests/test_distributions.py --write``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from commsim import CommunityModel
from commsim.replications import daily_frame

REFERENCE = Path(__file__).parent / "data" / "distributions.json"
SEEDS = range(40)
SEEDS_NOW = range(1000, 1040)  # independent of the reference's runs
DAYS, POPULATION = 200, 600
Z = 4.0


def statistics(seeds) -> dict[str, list[float]]:
    """Per run: the peak, its day, members at the end, active member-days, messages and
    muted members at the end."""
    found: dict[str, list[float]] = {}
    for seed in seeds:
        model = CommunityModel(rng=seed, population=POPULATION)
        model.run_for(DAYS)
        daily = daily_frame(model)
        row = {
            "peak_members": daily.members.max(),
            "peak_day": float(daily.members.idxmax()),
            "end_members": daily.members.iloc[-1],
            "active_member_days": daily.contributors.sum(),
            "total_messages": daily.messages.sum(),
            "end_muted": daily.muted.iloc[-1],
        }
        for name, value in row.items():
            found.setdefault(name, []).append(float(value))
    return found


def summary(values: list[float]) -> dict[str, float]:
    return {"mean": float(np.mean(values)), "sd": float(np.std(values, ddof=1)),
            "n": len(values)}  # fmt: skip


@pytest.fixture(scope="module")
def now():
    return {name: summary(values) for name, values in statistics(SEEDS_NOW).items()}


REFERENCE_STATS = json.loads(REFERENCE.read_text()) if REFERENCE.exists() else {}


@pytest.mark.parametrize("name", sorted(REFERENCE_STATS))
def test_mean_and_spread_as_before(now, name):
    old, new = REFERENCE_STATS[name], now[name]
    se = np.hypot(old["sd"] / np.sqrt(old["n"]), new["sd"] / np.sqrt(new["n"]))
    assert abs(new["mean"] - old["mean"]) <= Z * se, (name, old, new)
    if old["sd"] > 0 or new["sd"] > 0:
        ratio = new["sd"] ** 2 / old["sd"] ** 2
        low, high = stats.f.ppf([0.0005, 0.9995], new["n"] - 1, old["n"] - 1)
        assert low <= ratio <= high, (name, old, new)


def test_the_reference_covers_the_outcomes():
    assert set(REFERENCE_STATS) == {
        "peak_members",
        "peak_day",
        "end_members",
        "active_member_days",
        "total_messages",
        "end_muted",
    }


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    found = {name: summary(values) for name, values in statistics(SEEDS).items()}
    REFERENCE.write_text(json.dumps(found, indent=2) + "\n")
    print(f"wrote {REFERENCE}")
