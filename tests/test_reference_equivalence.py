"""The vectorised ``CommunityModel`` and the per-agent Mesa reference in ``benchmarks/``
produce statistically the same trajectories.

Both models are run over the same 40 seeds (different random streams: the two draw their
numbers in different orders) at 400 people for 150 days, in two scenarios: the default
parameters, and a crowded group (chatty members, a small attention budget, more
spammers) in which overload and spam, dormant by default at this size, drive the
dynamics. Each run is summed up by figures of its whole trajectory: the peak and its
day, members on days 30, 60 and 120, contributor-days, messages, joiners and leavers over
the run, the lurker share, the posting rate, messages per post, the daily leaving hazard,
and the members' mean value at the peak and on day 120 (the cooling signature). For each
figure a Welch t-test (means) and a two-sample Kolmogorov-Smirnov test (distributions)
compare the two models; a scenario fails when any p-value falls below ``FAMILY_ALPHA``
divided by the number of tests (Bonferroni), so equivalent models fail a scenario with
probability at most 1% for a given set of seeds.

Power was checked by perturbing one rule of the reference at a time in a scratch run (not
committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from commsim import CommunityModel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from mesa_reference import CORE_COLUMNS, ReferenceModel  # noqa: E402

POPULATION = 400
DAYS = 150
SEEDS = range(2000, 2040)
FAMILY_ALPHA = 0.01
SCENARIOS = {
    "default": {},
    # a chatty group with more spammers: overload and spam matter here, not by default
    "crowded": {"attention_budget": 40.0, "activity_mean": 0.25, "spammer_share": 0.04},
}


def trajectory_figures(df: pd.DataFrame) -> dict[str, float]:
    """Figures that sum up one run's daily trajectory."""
    members = df["members"].to_numpy(dtype=float)
    peak_day = int(members.argmax())
    present = members > 0
    return {
        "peak_members": members[peak_day],
        "peak_day": float(peak_day),
        "members_day_30": members[30],
        "members_day_60": members[60],
        "members_day_120": members[120],
        "contributor_days": float(df["contributors"].sum()),
        "total_messages": float(df["messages"].sum()),
        "total_joined": float(df["joined"].sum()),
        "total_left": float(df["left"].sum()),
        "lurker_share": float((df["lurkers"].to_numpy()[present] / members[present]).mean()),
        "posting_rate": float(df["contributors"].sum() / members.sum()),
        "messages_per_post": float(df["messages"].sum() / max(df["contributors"].sum(), 1)),
        "leave_hazard": float(df["left"].sum() / members[:-1].sum()),
        "mean_value_at_peak": float(df["mean_value"].iloc[peak_day]),
        "mean_value_day_120": float(np.nan_to_num(df["mean_value"].iloc[120])),
    }


def replicate(model_class, seeds=SEEDS, **parameters) -> pd.DataFrame:
    """One row of ``trajectory_figures`` per seed."""
    rows = []
    for seed in seeds:
        model = model_class(rng=seed, population=POPULATION, **parameters)
        model.run_for(DAYS)
        rows.append(trajectory_figures(model.datacollector.get_model_vars_dataframe()))
    return pd.DataFrame(rows)


def compare(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Welch and KS p-values per figure, and whether each passes the Bonferroni level."""
    tests = 2 * len(first.columns)
    rows = []
    for name in first.columns:
        a, b = first[name].to_numpy(), second[name].to_numpy()
        welch = stats.ttest_ind(a, b, equal_var=False).pvalue
        ks = stats.ks_2samp(a, b).pvalue
        rows.append({"figure": name, "mean_first": a.mean(), "mean_second": b.mean(),
                     "welch_p": welch, "ks_p": ks})  # fmt: skip
    table = pd.DataFrame(rows).set_index("figure")
    table["passes"] = table[["welch_p", "ks_p"]].min(axis=1) >= FAMILY_ALPHA / tests
    return table


def test_reference_reports_the_core_columns():
    model = ReferenceModel(rng=1, population=200)
    model.run_for(20)
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(CORE_COLUMNS)
    members = df["members"].to_numpy()
    previous = np.concatenate([[0], members[:-1]])
    assert np.array_equal(members, previous + df["joined"].to_numpy() - df["left"].to_numpy())
    assert (df["contributors"] + df["lurkers"] == df["members"]).all()


def test_reference_same_seed_same_numbers():
    runs = []
    for _ in range(2):
        model = ReferenceModel(rng=7, population=200)
        model.run_for(30)
        runs.append(model.datacollector.get_model_vars_dataframe())
    pd.testing.assert_frame_equal(runs[0], runs[1])


def test_reference_validates_parameters():
    with pytest.raises(ValueError, match="population"):
        ReferenceModel(rng=1, population=-5)
    with pytest.raises(ValueError, match="groups"):
        ReferenceModel(rng=1, groups=2)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_trajectories_are_statistically_the_same(scenario):
    parameters = SCENARIOS[scenario]
    vectorised = replicate(CommunityModel, **parameters)
    reference = replicate(ReferenceModel, **parameters)
    for figures in (vectorised, reference):  # not a vacuous comparison: a lifecycle
        assert figures["peak_members"].median() > 3 * 12
        assert (figures["members_day_120"] < figures["peak_members"]).mean() > 0.9
    table = compare(vectorised, reference)
    assert table["passes"].all(), f"the models differ ({scenario}):\n{table.to_string()}"
