"""The validation package: each measurement on constructed cases with known answers, each
check's failure on its plausible alternative model, the framework's rules and the CLI.

Whether the default model passes the checks is what ``commsim validate`` reports (and
``docs/validation.md`` shows); it is not asserted here, since the model is being fitted.
"""

import math

import numpy as np
import pytest
import scipy.sparse as sp

from commsim.validation import (
    CHECKS,
    SIZES,
    CheckResult,
    Figure,
    arms,
    bounds,
    main,
    results_table,
    run_checks,
)
from commsim.validation import framework as fw
from commsim.validation.alternatives import (
    ALTERNATIVES,
    ActiveFriendsOnly,
    Lottery,
    SilentLeave,
)
from commsim.validation.audience import audience_ratio, draw_removed, remaining_contributors
from commsim.validation.joining import MAX_FRIENDS, JoiningCounter, friends_inside, joining_curve
from commsim.validation.lifecycle import leaver_value_gap, stages
from commsim.validation.participation import participation_shares
from commsim.validation.quiet_decline import decline_figures
from commsim.validation.red_packets import drop_ratios, fatigue_slope, first_drops_ratio
from commsim.validation.report import BEGIN, END, markdown, write_docs
from commsim.validation.social_comparison import relative_change, sides

TINY = fw.Size(replications=3, population=300)


# ---------------------------------------------------------------- participation
def test_participation_shares_of_a_known_population():
    # 100 ever-members: 80 silent, 1 wrote 60, 9 wrote 2 each, 10 wrote 1 each; 2 spammers
    written = np.array([0] * 80 + [60] + [2] * 9 + [1] * 10 + [500, 500])
    ever = np.ones(written.size, bool)
    spammer = np.zeros(written.size, bool)
    spammer[-2:] = True
    outsiders = np.zeros(5)
    shares = participation_shares(np.concatenate([written, outsiders]),
                                  np.concatenate([ever, np.zeros(5, bool)]),
                                  np.concatenate([spammer, np.zeros(5, bool)]))  # fmt: skip
    assert shares["never_posted"] == pytest.approx(0.80)
    assert shares["top1"] == pytest.approx(60 / 88)
    assert shares["top10"] == pytest.approx((60 + 18) / 88)


def test_participation_shares_with_nobody_is_nan():
    shares = participation_shares(np.zeros(3), np.zeros(3, bool), np.zeros(3, bool))
    assert all(math.isnan(v) for v in shares.values())


# ---------------------------------------------------------------- joining
def _path_and_triangle():
    """0 is an outsider with friends 1, 2, 3; 1-2 linked; 4 has friends 1 and 3 (unlinked)."""
    edges = [(0, 1), (0, 2), (0, 3), (1, 2), (4, 1), (4, 3)]
    rows, cols = zip(*(edges + [(b, a) for a, b in edges]), strict=True)
    return sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(5, 5))


def test_friends_inside_counts_member_friends_and_linked_pairs():
    members = np.array([False, True, True, True, False])
    k, pairs = friends_inside(_path_and_triangle(), members, np.array([0, 4]))
    assert list(k) == [3, 2]
    assert list(pairs) == [1, 0]
    members[2] = False  # 2 no longer a member: 0 keeps 1 and 3, unlinked
    k, pairs = friends_inside(_path_and_triangle(), members, np.array([0]))
    assert list(k) == [2] and list(pairs) == [0]


def _counter(history):
    """A counter fed a hand-made history: (k, linked, joined) outsider-days."""
    counter = JoiningCounter()
    k, linked, joined = (np.array(v) for v in zip(*history, strict=True))
    counter.add(k, linked, joined.astype(bool))
    return counter


def test_joining_counter_gives_the_known_hazard():
    # k = 1: 1000 outsider-days, 10 joins; k = 3: 500 days, 20 joins; k = 5: 200, 10 joins
    history = ([(1, 0, j) for j in [1] * 10 + [0] * 990]
               + [(3, 0, j) for j in [1] * 20 + [0] * 480]
               + [(5, 1, j) for j in [1] * 10 + [0] * 190])  # fmt: skip
    curve = joining_curve([_counter(history), _counter(history)])
    assert curve["rate"][1] == pytest.approx(0.01)
    assert curve["rate"][3] == pytest.approx(0.04)
    assert curve["rate"][5] == pytest.approx(0.05)
    assert curve["concave"][0] == pytest.approx(2 * 0.04 - 0.01 - 0.05)
    assert curve["rise_1_3"][0] == pytest.approx(0.03)
    # two identical replications: no spread between them, a zero standard error
    assert curve["rise_1_3"][1] == pytest.approx(0.0, abs=1e-12)


def test_linked_gain_compares_linked_and_unlinked_at_the_same_k():
    history = ([(2, 0, j) for j in [1] * 5 + [0] * 495]
               + [(2, 1, j) for j in [1] * 15 + [0] * 485])  # fmt: skip
    curve = joining_curve([_counter(history), _counter(history)])
    assert curve["linked"][2] == pytest.approx(0.03)
    assert curve["unlinked"][2] == pytest.approx(0.01)
    assert curve["linked_gain"][0] == pytest.approx(0.02)


def test_joining_counter_counts_at_most_max_friends():
    counter = JoiningCounter()
    assert counter.trials.shape == (2, MAX_FRIENDS + 1)


def test_ratio_contrast_standard_error_follows_the_spread_of_replications():
    # rates 0.1 and 0.3 in two replications of equal trials: pooled 0.2; the linearised
    # standard error of the pooled rate is |0.1 - 0.3| / 2
    events = np.array([[10.0], [30.0]])
    trials = np.array([[100.0], [100.0]])
    estimate, se = bounds.ratio_contrast(events, trials, [1.0])
    assert estimate == pytest.approx(0.2)
    assert se == pytest.approx(0.1)


# ---------------------------------------------------------------- audience
def test_audience_measurement_on_constructed_counts():
    before = np.array([0, 5, 0, 3, 1, 0])
    at = np.array([0, 9, 0, 3, 4, 2])  # 1, 4 and 5 wrote in the window; 3 did not
    members = np.array([True] * 6)
    is_regular = np.array([True, True, True, True, True, False])  # 5 is a spammer
    people = remaining_contributors(before, at, members, np.array([4]), is_regular)
    assert list(people) == [1]
    control_after = at + np.array([0, 10, 0, 0, 0, 0])
    treated_after = at + np.array([0, 4, 0, 0, 0, 0])
    assert audience_ratio(people, at, control_after, at, treated_after) == pytest.approx(0.4)
    assert math.isnan(audience_ratio(people, at, at, at, treated_after))


def test_removed_half_is_reproducible_and_half():
    members = np.arange(100, 300)
    first, again = draw_removed(members, 7), draw_removed(members, 7)
    assert first.size == 100 and np.array_equal(first, again)
    assert np.isin(first, members).all()


def test_audience_without_the_removal_is_exactly_one():
    # the same seeds and no removal: the two runs are the same run
    design, figures = CHECKS["audience"].experiment(TINY, 0, {}, remove=False)
    assert figures[0].measured == pytest.approx(1.0)


# ---------------------------------------------------------------- quiet decline
def test_decline_figures_read_the_right_days():
    days = np.arange(99)
    expert = (days >= 7) & ((days - 7) % 7 == 0)
    messages = np.where(days <= 7, 1000.0, np.where(expert, 300.0, 80.0))
    messages[0] = 0.0
    figures = decline_figures(messages, expert, 330, 0.9)
    assert figures["first_week"] == pytest.approx((6 * 1000 + 1000) / 7)
    assert figures["late_ordinary"] == pytest.approx(80.0)
    assert figures["late_expert"] == pytest.approx(300.0)
    assert figures["peak_members"] == 330 and figures["retained"] == 0.9


# ---------------------------------------------------------------- red packets
def test_first_drops_ratio_sums_the_first_drop_days():
    treated = np.array([0.0, 30.0, 0.0, 10.0, 99.0])
    control = np.array([5.0, 0.0, 0.0, 10.0, 1.0])
    assert first_drops_ratio(treated, control, [1, 3, 4]) == pytest.approx(40 / 10)
    assert math.isnan(first_drops_ratio(treated, control, [1, 2]))


def test_drop_ratios_and_fatigue_slope():
    treated = np.array([10.0, 40.0, 10.0, 20.0, 10.0])
    control = np.array([10.0, 10.0, 10.0, 10.0, 0.0])
    ratios = drop_ratios(treated, control, [1, 3, 4])
    assert ratios[:2] == pytest.approx([4.0, 2.0]) and math.isnan(ratios[2])
    assert fatigue_slope([4.0, 2.0, 1.0]) == pytest.approx(-math.log(2))
    assert math.isnan(fatigue_slope([4.0, math.nan]))


# ---------------------------------------------------------------- social comparison
def test_sides_split_contributors_at_their_median():
    written = np.array([0, 1, 2, 3, 10, 20, 0])
    eligible = np.array([True, True, True, True, True, False, True])
    below, above = sides(written, eligible)  # contributors 1, 2, 3, 10: median 2.5
    assert list(below) == [1, 2] and list(above) == [3, 4]
    assert relative_change([1], np.zeros(7), np.full(7, 6.0), np.zeros(7), np.full(7, 2.0)) == 2


# ---------------------------------------------------------------- lifecycle and cooling
def test_stages_of_a_rise_and_fall():
    days = np.arange(366)
    members = np.minimum(days * 10 + 12, 300) - np.maximum(days - 100, 0)
    messages = np.where(days < 100, 100.0, np.maximum(100.0 - (days - 100), 0.0))
    result = stages(members, messages, founders=12)
    assert result == {"sprout": True, "growth": True, "decline": True, "silence": True,
                      "complete": True}  # fmt: skip
    flat = stages(np.full(366, 300), np.full(366, 50.0), founders=12)
    assert not flat["sprout"] and not flat["decline"] and not flat["complete"]


def test_silence_counts_once_growth_has_ended_while_muted_members_creep_in():
    days = np.arange(366)
    # 90% of the largest membership on day 30, then a slow creep to the maximum on day 365
    members = np.where(days < 30, 12 + days * 9, 282 + (days - 30) * 18 / 335)
    messages = np.where(days < 60, 500.0, 0.0)  # silent from day 60
    assert stages(members, messages, founders=12)["complete"]
    early = np.where(days < 20, 500.0, 0.0)  # silent from day 20, before growth ends
    assert not stages(members, early, founders=12)["silence"]


class _Population:
    def __init__(self, value, joined, left, role):
        self.value, self.joined_day, self.left_day, self.role = value, joined, left, role
        self.group = np.where(left < 0, 0, -1)


class _Model:
    def __init__(self, population):
        self.population = population


def test_leaver_value_gap_on_a_constructed_group():
    value = np.array([0.9, 0.8, 0.2, 0.1, 0.5, 1.0])
    joined = np.array([0, 0, 0, 5, 50, 0])
    left = np.array([10, 20, -1, -1, -1, 5])
    role = np.array([0, 0, 0, 0, 0, 2])  # 5 is a spammer
    gap = leaver_value_gap(_Model(_Population(value, joined, left, role)), peak_day=30)
    assert gap == pytest.approx(0.85 - 0.15)  # 4 joined after the peak day


# ---------------------------------------------------------------- framework
def test_figures_pass_by_their_bounds():
    values = [0.8, 0.82, 0.81, 0.79]
    assert fw.at_least("x", values, 0.75, "", "").passed
    assert not fw.at_least("x", values, 0.81, "", "").passed
    assert fw.at_most("x", values, 0.85, "", "").passed
    assert fw.within("x", values, 0.7, 0.9, "", "").passed
    assert not fw.within("x", values, 0.805, 0.9, "", "").passed
    assert math.isnan(bounds.lower_bound([1.0]))
    assert bounds.share_lower_bound(20, 20) == pytest.approx(0.05 ** (1 / 20))


def test_a_check_without_its_strategy_fails_with_the_reason():
    result = CHECKS["social_comparison"](size="small", seed=0, options={"strategy": "NoSuch"})
    assert not result.passed
    assert "NoSuch" in result.reason and "NoSuch" in result.report()


def test_results_table_and_markdown(tmp_path):
    passed = CheckResult("a", "finding", "000", "design",
                         [Figure("f", 0.8, 0.78, "75%", ">= 75%", True)])  # fmt: skip
    failed = CheckResult("b", "finding", "004", "", [], "no strategy named 'X'")
    table = results_table([passed, failed])
    assert list(table.check) == ["a", "b"]
    assert list(table.result) == ["pass", "FAIL"]
    page = tmp_path / "validation.md"
    page.write_text("# Validation\n\nintro\n", encoding="utf-8")
    write_docs(page, markdown([passed, failed], "small", 0))
    write_docs(page, markdown([passed], "small", 0))  # replaces, does not append again
    text = page.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1 and text.startswith("# Validation")
    assert "| f | 0.8 | 0.78 | 75% | >= 75% | pass |" in text


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"size": "huge"}, "size"), ({"seed": -1}, "seed"), ({"novelty": -1.0}, "novelty")],
)
def test_bad_input_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        CHECKS["lifecycle"](**kwargs)


def test_unknown_check_name_is_refused():
    with pytest.raises(ValueError, match="unknown check"):
        run_checks(["nonsense"])


def test_same_seed_same_measurement(monkeypatch):
    monkeypatch.setitem(fw.SIZES, "small", TINY)
    first = CHECKS["participation"](size="small", seed=3)
    again = CHECKS["participation"](size="small", seed=3)
    assert [f.measured for f in first.figures] == [f.measured for f in again.figures]


def test_sizes_are_ordered():
    assert SIZES["small"].replications >= 10
    assert SIZES["full"].replications > SIZES["small"].replications


def test_main_prints_a_table_and_returns_the_verdict(capsys, monkeypatch):
    monkeypatch.setitem(fw.SIZES, "small", TINY)
    code = main(["--size", "small", "--check", "lifecycle", "--check", "social_comparison"])
    out = capsys.readouterr().out
    assert code == 1  # with 3 runs of 300 people lifecycle fails (too few runs): not all pass
    assert "checks pass" in out and "lifecycle" in out and "social_comparison" in out


def test_cli_entry_runs_validate(capsys, monkeypatch, tmp_path):
    from commsim import cli

    monkeypatch.setitem(fw.SIZES, "small", TINY)
    page = tmp_path / "v.md"
    argv = ["validate", "--size", "small", "--check", "lifecycle", "--alternatives"]
    cli.main([*argv, "--write-docs", str(page)])
    out = capsys.readouterr().out
    assert "lifecycle" in out and "1/1 checks fail on their alternative model" in out
    text = page.read_text(encoding="utf-8")
    assert BEGIN in text and "| lifecycle | members who never tire | yes |" in text


def test_members_own_messages_are_what_members_wrote():
    # over a run without strategies, the members' own messages of all days add up to the
    # messages written by everyone who is not a spammer
    model = _tiny_model(spammer_share=0.1)
    model.run_for(20)
    own = fw.own_messages(model.datacollector.get_model_vars_dataframe())
    written = model.population.contributions[fw.regular(model)].sum()
    assert own.sum() == pytest.approx(written)
    assert model.population.contributions[~fw.regular(model)].sum() > 0  # there was spam


# ---------------------------------------------------------------- alternative models
# the figure of each check that its alternative model must fail (the check's point)
MUST_FAIL = {
    "participation": "never posted",
    "joining": "concavity",
    "audience": "removal over none",
    "quiet_decline": "still members",
    "red_packets": "first 2 drops",
    "social_comparison": "below the median",
    # a lottery's smaller group is calmer, so its joiners may leave a little less too; what
    # a lottery cannot do is keep the group alive (it lets in the uncommitted)
    "thresholds": ("leaving per member-day", "alive on day 365"),
    "lifecycle": "every stage",
    # without cooling in either arm, the gap is small but, with enough seeds, above zero
    # (founders, chosen by value, have been members longest): the check fails on its
    # second figure, or on the first when the gap is not above zero
    "evaporative_cooling": ("leavers' minus stayers'", "the same with cooling=0"),
}


def test_every_check_has_an_alternative():
    assert set(ALTERNATIVES) == set(CHECKS) == set(MUST_FAIL)


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_check_fails_on_its_alternative_model(name):
    result = ALTERNATIVES[name](size="small", seed=0)
    assert not result.passed, result.report()
    assert not result.reason, result.report()  # it was measured, and it failed
    names = MUST_FAIL[name] if isinstance(MUST_FAIL[name], tuple) else (MUST_FAIL[name],)
    failing = [f for f in result.figures if any(n in f.name for n in names) and not f.passed]
    assert failing, result.report()


def _tiny_model(**kwargs):
    from commsim.model import CommunityModel

    return CommunityModel(rng=5, population=400, **kwargs)


def test_lottery_admits_at_random_by_its_level():
    model = _tiny_model()
    applicants = np.arange(4000)
    assert Lottery(0.0).admit(model, applicants, np.zeros(4000)).all()
    assert not Lottery(1.0).admit(model, applicants, np.zeros(4000)).any()
    share = Lottery(0.3).admit(model, applicants, np.zeros(4000)).mean()
    assert share == pytest.approx(0.7, abs=0.03)


def test_silent_members_leave_after_their_quiet_days():
    model = _tiny_model(strategies=[SilentLeave(days=5)])
    model.run_for(30)
    pop = model.population
    members = np.flatnonzero(fw.members_now(model) & fw.regular(model))
    # everyone still in joined within 5 days or wrote within 5 days; many quiet ones left
    assert (pop.left_day >= 0).sum() > 0
    for person in members:
        assert model.day - pop.joined_day[person] < 5 or pop.contributions[person] > 0


def test_active_friends_only_brings_people_in_through_friends():
    from commsim.population import AMBIENT, FRIENDS

    model = _tiny_model(strategies=[ActiveFriendsOnly()], ambient_inflow=0.0, social_pull=0.2,
                        activity_mean=0.3)  # fmt: skip
    model.run_for(30)
    routes = model.population.entry_route
    assert (routes == FRIENDS).sum() > 0
    assert (routes == AMBIENT).sum() == 0  # no ambient inflow and the model's own pull is off


def test_from_day_acts_only_from_its_day():
    from commsim.strategies.incentives import RedPackets

    late = arms.FromDay(RedPackets(start=1, every=1, budget=10_000, amount=10), day=5)
    model = _tiny_model(strategies=[late])
    model.run_for(8)
    assert late.drop_days == [5, 6, 7, 8]


# ---------------------------------------------------------------- the docs cannot drift
def _generated_section(text):
    assert BEGIN in text and END in text, "docs/validation.md has no generated section"
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def _rows(section):
    """(check, figure, source, tolerance) of every figure row of the generated tables."""
    rows, check = [], None
    for line in section.splitlines():
        if line.startswith("### "):
            check = line[4:].split(":")[0]
        elif line.startswith("| ") and not line.startswith("| figure") and check in CHECKS:
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.append((check, cells[0], cells[3], cells[4]))
    return rows


def test_docs_show_every_check_with_the_code_s_figures_sources_and_tolerances(monkeypatch):
    """The generated section of docs/validation.md lists, for every check, the figures,
    sources and tolerances the code measures today (its numbers come from the full run
    recorded at its head; re-run ``commsim validate --alternatives --write-docs``)."""
    from pathlib import Path

    page = Path(__file__).resolve().parent.parent / "docs" / "validation.md"
    section = _generated_section(page.read_text(encoding="utf-8"))
    monkeypatch.setitem(fw.SIZES, "small", TINY)
    fresh = _generated_section(markdown(run_checks(size="small", echo=None), "small", 0))
    assert _rows(section) == _rows(fresh)
    for name, alternative in ALTERNATIVES.items():
        assert f"| {name} | {alternative.description} |" in section
