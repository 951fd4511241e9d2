"""Each validation check passes with the defaults at the small size, and fails under a
setting that removes the mechanism it is about (so the check can fail)."""

import pytest

from commsim.validation import CHECKS, SIZES, CheckResult, main, results_table, run_checks

BROKEN = {
    # everyone equally talkative and chatty: nobody lurks
    "participation_inequality": {"activity_mean": 0.9, "activity_concentration": 1000.0},
    # nobody expects anything: nobody leaves, no decline, no silence
    "lifecycle": {"expectation": 0.0},
    # no comparison with the group: the valuable leave no faster than the rest
    "evaporative_cooling": {"cooling": 0.0},
    # friends bring nobody in
    "joining_through_friends": {"social_pull": 0.0},
    # reading past the budget costs nothing extra
    "overload": {"overload_cost": 0.0},
    # a bar at level 0 lets everyone in: no fewer joiners
    "entry_barriers": {"entry_threshold_level": 0.0},
    # a bar everyone clears and a moderator who does nothing: nothing is dampened
    "cooling_dampened": {
        "entry_threshold_kind": "review",
        "entry_threshold_level": 0.0,
        "entry_threshold_noise": 0.0,
        "moderation_spam_removal": 0.0,
        "moderation_strictness": 0.0,
    },
    # a red packet whose pull and pleasure never fade leaves a lasting rise
    "red_packets": {"red_packets_decay_days": 1000.0, "red_packets_bonus": 1.0},
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_passes_with_the_defaults(name):
    result = CHECKS[name](size="small", seed=0)
    assert result.passed, result.report()
    assert result.source and result.expected and result.measured
    assert "[PASS]" in result.report()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_fails_when_its_mechanism_is_removed(name):
    result = CHECKS[name](size="small", seed=0, **BROKEN[name])
    assert not result.passed, result.report()
    assert "[FAIL]" in result.report()


def test_same_seed_same_measurement():
    first = CHECKS["participation_inequality"](size="small", seed=3)
    again = CHECKS["participation_inequality"](size="small", seed=3)
    assert first.figures == again.figures


def test_main_prints_a_table_and_returns_the_verdict(capsys):
    code = main(["--size", "small", "--check", "participation_inequality"])
    out = capsys.readouterr().out
    assert code == 0
    assert "1/1 checks pass" in out
    assert "participation_inequality" in out and "pass" in out


def test_results_table_has_one_row_per_check():
    passed = CheckResult("a", "finding", "000", "rule", "figures", True)
    failed = CheckResult("b", "finding", "004", "rule", "figures", False)
    table = results_table([passed, failed])
    assert list(table.index) == ["a", "b"]
    assert list(table.result) == ["pass", "FAIL"]


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


def test_sizes_are_ordered():
    assert SIZES["small"].replications >= 20
    assert SIZES["full"].replications >= SIZES["small"].replications
