"""The vectorised ``CommunityModel`` and the per-agent Mesa reference in ``benchmarks/``
produce statistically the same trajectories.

Both models are run over the same 40 seeds (different random streams: the two draw their
numbers in different orders and from different generators) at 400 people for 150 days,
in three scenarios: the default parameters; a crowded group (chatty members, a small
attention budget, more spammers) in which overload and spam, dormant by default at this
size, drive the dynamics; and the three posting terms away from their neutral defaults
(``verbosity_spread`` 1, ``group_novelty`` 0.6, ``engagement_steepness`` 30,
``reply_from_posters`` 0.8 with ``reply_rate`` 0.005, ``turn_growth`` 0.6). Each run is
summed up by figures of its whole trajectory: the peak and its day, members on days 30,
60 and 120, contributor-days, messages, joiners and leavers over the run, the lurker and
muted shares, the posting rate (over the run, over the first 30 days, when novelty is
high, and after day 60), messages per post and how much they vary from day to day (the
spread of log messages per post: verbose members widen it), the daily leaving hazard,
and the members' mean value at the peak and on day 120 (the cooling signature). For each
figure the Welch t statistic (means) and the two-sample Kolmogorov-Smirnov distance
(distributions) compare the two models; their p-values come from 20,000 random
relabellings of the pooled runs and are adjusted for testing all figures at once by the
Westfall-Young min-P method (see ``compare``). A scenario fails when any adjusted
p-value falls below ``FAMILY_ALPHA`` = 0.01, so equivalent models fail a scenario with
probability at most 1% for a given set of seeds; the seeds are fixed, so the outcome is
reproducible.

Power, checked by perturbing one rule of the reference at a time in a scratch run (not
committed; smallest adjusted p in brackets): the test fails when joining counts lurking
friends as fully as contributors (0.0005 default, 0.001 crowded), when the cooling term is
dropped from the expectation (0.001 default, 0.004 crowded) or from joining (< 0.001
both), when the overload factor is dropped from posting (< 0.001 crowded; overload is
rare by default at this size: 0.28 there), when novelty is dropped from posting (0.001
both), and, in the posting scenario, when the reference ignores verbosity (0.001, by the
spread of messages per post), ``group_novelty`` (0.005) or ``engagement_steepness`` (k = 4
instead of 30: 0.003). With the reference as it was before its rewrite, changes whose
effect on these trajectories is small against run-to-run variation at 40 seeds were not
detected (p >= 0.4; not checked again since): recovery 1.0 instead of 0.5, weighing
yesterday's content instead of today's, or joiners starting to post the day after
joining.
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
PERMUTATIONS = 20_000
SCENARIOS = {
    "default": {},
    # a chatty group with more spammers: overload and spam matter here, not by default
    "crowded": {"attention_budget": 40.0, "activity_mean": 0.25, "spammer_share": 0.04},
    # the posting terms away from their neutral defaults (0, 0, 4, 0 and 1): verbose
    # members write long turns, posting novelty fades partly with the group's age,
    # dissatisfaction silences posting sharply, replies come mostly from members who post
    # and eager turns grow less than in proportion
    "posting": {"verbosity_spread": 1.0, "group_novelty": 0.6, "engagement_steepness": 30.0,
                "reply_from_posters": 0.8, "reply_rate": 0.005, "turn_growth": 0.6},  # fmt: skip
}


def trajectory_figures(df: pd.DataFrame) -> dict[str, float]:
    """Figures that sum up one run's daily trajectory."""
    members = df["members"].to_numpy(dtype=float)
    peak_day = int(members.argmax())
    present = members > 0
    posting = df["contributors"].to_numpy() > 0
    turns = df["messages"].to_numpy()[posting] / df["contributors"].to_numpy()[posting]
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
        "muted_share": float((df["muted"].to_numpy()[present] / members[present]).mean()),
        "muted_day_120": float(df["muted"].iloc[120]),
        "posting_rate": float(df["contributors"].sum() / members.sum()),
        "early_posting_rate": float(df["contributors"][1:31].sum() / members[1:31].sum()),
        "late_posting_rate": float(df["contributors"][61:].sum() / max(members[61:].sum(), 1)),
        "messages_per_post": float(df["messages"].sum() / max(df["contributors"].sum(), 1)),
        # how much a day's messages per post vary: verbosity spreads it
        "turn_spread": float(np.log(turns).std()) if turns.size > 1 else 0.0,
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


def welch_t(values: np.ndarray, in_first: np.ndarray) -> np.ndarray:
    """|Welch t| of every figure (column of ``values``) for every labelling (row of
    ``in_first``, True for runs of the first model):
    ``|m1 - m2| / sqrt(s1^2 / n1 + s2^2 / n2)``."""
    n = in_first.shape[1]
    n1 = in_first[0].sum()
    n2 = n - n1
    labels = in_first.astype(float)
    sum1, squares1 = labels @ values, labels @ values**2
    mean1, mean2 = sum1 / n1, (values.sum(0) - sum1) / n2
    var1 = (squares1 - n1 * mean1**2) / (n1 - 1)
    var2 = ((values**2).sum(0) - squares1 - n2 * mean2**2) / (n2 - 1)
    spread = np.sqrt(np.maximum(var1, 0) / n1 + np.maximum(var2, 0) / n2)
    difference = np.abs(mean1 - mean2)
    return np.divide(difference, spread, out=np.where(difference > 0, np.inf, 0.0),
                     where=spread > 0)  # fmt: skip


def ks_distance(values: np.ndarray, in_first: np.ndarray) -> np.ndarray:
    """Two-sample Kolmogorov-Smirnov distance ``max |F1(x) - F2(x)|`` of every figure for
    every labelling (rows of ``in_first``)."""
    n = in_first.shape[1]
    n1 = in_first[0].sum()
    n2 = n - n1
    distances = np.empty((in_first.shape[0], values.shape[1]))
    for column in range(values.shape[1]):
        order = np.argsort(values[:, column], kind="stable")
        ordered = values[order, column]
        step_ends = np.append(ordered[1:] != ordered[:-1], True)  # last of each tie
        first_below = np.cumsum(in_first[:, order], axis=1)[:, step_ends]
        below = np.arange(1, n + 1)[step_ends]
        distances[:, column] = np.abs(first_below / n1 - (below - first_below) / n2).max(1)
    return distances


def compare(first: pd.DataFrame, second: pd.DataFrame, permutations: int = PERMUTATIONS):
    """Welch t and KS distance per figure, with family-wise adjusted permutation p-values.

    Under the null hypothesis (both models give the same distribution of figures) the runs
    are exchangeable between the models, so the null distribution of every statistic is
    that of random relabellings of the pooled runs (``permutations`` of them, from a fixed
    seed). The p-values are adjusted for the 2 x figures tests by the single-step min-P
    method of Westfall and Young (1993): a statistic's adjusted p is the share of
    labellings whose smallest marginal p is at most its own. This controls the
    family-wise error at any level exactly, and is less conservative than Bonferroni
    because the figures are strongly correlated.

    Returns:
        One row per figure: both means, the statistics, their adjusted p-values, and
        ``passes`` (both adjusted p-values at least ``FAMILY_ALPHA``).
    """
    values = np.vstack([first.to_numpy(float), second.to_numpy(float)])
    observed = np.r_[np.ones(len(first), bool), np.zeros(len(second), bool)]
    rng = np.random.default_rng(20240601)
    shuffled = rng.permuted(np.tile(observed, (permutations, 1)), axis=1)
    in_first = np.vstack([observed, shuffled])
    statistics = np.hstack([welch_t(values, in_first), ks_distance(values, in_first)])
    # marginal p of every statistic under every labelling: share of labellings at least as
    # extreme (the observed labelling included, so p >= 1 / (permutations + 1))
    total = in_first.shape[0]
    marginal = np.empty_like(statistics)
    for k in range(statistics.shape[1]):
        ordered = np.sort(statistics[:, k])
        marginal[:, k] = (total - np.searchsorted(ordered, statistics[:, k], side="left")) / total
    smallest = np.sort(marginal.min(axis=1))
    adjusted = np.searchsorted(smallest, marginal[0], side="right") / total
    figures = len(first.columns)
    table = pd.DataFrame(
        {
            "mean_first": values[: len(first)].mean(0),
            "mean_second": values[len(first) :].mean(0),
            "welch_t": statistics[0, :figures],
            "ks_distance": statistics[0, figures:],
            "welch_p_adjusted": adjusted[:figures],
            "ks_p_adjusted": adjusted[figures:],
        },
        index=pd.Index(first.columns, name="figure"),
    )
    table["passes"] = table[["welch_p_adjusted", "ks_p_adjusted"]].min(axis=1) >= FAMILY_ALPHA
    return table


def test_statistics_match_scipy():
    rng = np.random.default_rng(5)
    first = pd.DataFrame({"a": rng.normal(0, 1, 40), "b": rng.integers(0, 5, 40).astype(float)})
    second = pd.DataFrame({"a": rng.normal(0.3, 2, 40), "b": rng.integers(1, 6, 40).astype(float)})
    table = compare(first, second, permutations=200)
    for name in first.columns:
        a, b = first[name].to_numpy(), second[name].to_numpy()
        assert table.loc[name, "welch_t"] == pytest.approx(
            abs(stats.ttest_ind(a, b, equal_var=False).statistic)
        )
        assert table.loc[name, "ks_distance"] == pytest.approx(stats.ks_2samp(a, b).statistic)


def test_permutation_test_holds_its_level_and_detects_a_shift():
    """Equal distributions pass in about 1 - FAMILY_ALPHA of trials; a 1-SD shift of
    one figure among several correlated ones fails."""
    rng = np.random.default_rng(11)

    def sample(shift=0.0):
        common = rng.normal(size=(40, 1))
        data = common + 0.5 * rng.normal(size=(40, 6))
        data[:, 0] += shift
        return pd.DataFrame(data, columns=[f"f{i}" for i in range(6)])

    false_alarms = sum(not compare(sample(), sample(), 500)["passes"].all() for _ in range(100))
    assert false_alarms <= 5  # expected 1; P(more than 5 | 1%) < 0.001
    assert not compare(sample(), sample(shift=1.0), 1000)["passes"].all()


def test_reference_reports_the_core_columns():
    model = ReferenceModel(rng=1, population=200, spammer_share=0.0)
    model.run_for(20)
    df = model.datacollector.get_model_vars_dataframe()
    assert list(df.columns) == list(CORE_COLUMNS)
    members = df["members"].to_numpy()
    previous = np.concatenate([[0], members[:-1]])
    assert np.array_equal(members, previous + df["joined"].to_numpy() - df["left"].to_numpy())
    assert (df["contributors"] + df["lurkers"] + df["muted"] == df["members"]).all()


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
        assert figures["peak_members"].median() > 3 * 12  # the group grows
        quiet = figures["late_posting_rate"] < figures["early_posting_rate"]
        assert quiet.mean() > 0.9  # and goes quiet (muted members stay: size plateaus)
    table = compare(vectorised, reference)
    assert table["passes"].all(), f"the models differ ({scenario}):\n{table.to_string()}"
