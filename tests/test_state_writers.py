"""The model's mutators are the only writers of member and group state.

Two halves: a source check that no module outside the model's own (the strategies, the
classroom, the analysis, validation, sweeps, forecasting...) assigns into the
population's arrays, the model's group arrays, its ties or the day's outcomes (it must
use ``CommunityModel``'s mutators and ``Day.add_messages``/``remove_messages``), with the
patterns themselves checked against planted violations; and unit tests that each mutator
keeps every derived array consistent.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from commsim import CommunityModel
from commsim.model import Day
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    KOL,
    LEFT,
    LURKER,
    MUTED,
    NO_GROUP,
    OPERATOR,
    OUTSIDER,
    REGULAR,
)

PACKAGE = Path(__file__).resolve().parents[1] / "commsim"

_OWNER = r"\b(?:pop|population|self\.population|model\.population)"
_ASSIGN = r"\s*(?:[-+*/%&|^@]|//|\*\*|<<|>>)?=(?!=)"
_OUTCOMES = r"(?:messages|valued_messages|spam|joined|left|left_groups|moved|muted|unmuted)"
FORBIDDEN = {
    "assignment into a population array": rf"{_OWNER}\.\w+\[.*\]{_ASSIGN}",
    "rebinding a population array": rf"{_OWNER}\.\w+{_ASSIGN}|\bmodel\.population{_ASSIGN}",
    "in-place numpy write to state": rf"(?:\.at\(|out=)\s*(?:{_OWNER}|\btoday)\.",
    "writing group_open": rf"\b_?group_open(?:\[.*\])?{_ASSIGN}",
    "the model's private state": (
        r"\.(?:_group_open|_load|_adjacency\w*|_join|_remove|_mute|_unmute|_add)\b"
    ),
    "rebinding the adjacency": rf"\.adjacency{_ASSIGN}",
    "setattr on anything but the strategy itself": r"\bsetattr\((?!\s*self\s*,)",
    "writing the day's outcomes": rf"\btoday\.{_OUTCOMES}(?:\[.*\])?{_ASSIGN}",
}
PATTERN = re.compile("|".join(f"(?:{p})" for p in FORBIDDEN.values()))

PLANTED = [  # each must be caught
    "pop.group[movers] = new_group",
    "    model.population.reservoir[warned] -= rebuke",
    "pop.contributions[inside] += 20",
    "self.population.role[kols]=KOL",
    "model.population.patience = np.ones(n)",
    "model.population = draw_population(rng, params)",
    "np.add.at(pop.contributions, writers, 1)",
    "np.maximum(x, 0, out=model.population.reservoir)",
    "model.group_open[private] = False",
    "model._group_open = np.append(model._group_open, True)",
    "model.adjacency = adjacency",
    "model._join(people, groups, today, OPERATOR)  # the unchecked path is the model's",
    'setattr(model.today, "messages", grown)',
    "today.messages += shared",
    "today.valued_messages -= np.bincount(group, weights=lost)",
    "today.spam[g] = 0.0",
    "np.maximum(today.valued_messages, 0.0, out=today.valued_messages)",
    "today.joined = np.concatenate([today.joined, people])",
    "model._mute(members, today)",
    "today._add(groups, counts, values, spam)  # the model's posting, unchecked",
]
ALLOWED = [  # reading, the day's levers and the mutators themselves must pass
    "members = np.flatnonzero(pop.group == group)",
    "if pop.group[top] != NO_GROUP and pop.value[top] >= level:",
    "due &= (sizes >= 2) & model.group_open",
    "today.posting_boost = today.posting_boost * gain",
    "today.social_pull *= 1.0 + gain",
    "today.utility_bonus = today.utility_bonus + bonus",
    "model.move_members(invited, self.private, today)",
    "today.add_messages(active, self.operator_posts, self.on_topic * self.value)",
    "self.habit_of[members] += self.habit * (attended - self.habit_of[members])",
    "self.last_group[members] = self.population.group[members]",
    "rows = model.adjacency[joiners]",
    "setattr(self, name, value)  # a strategy's own parameters",
    "pop = model.population",
    "adjacency = model.adjacency.tocsc()",
    "pop, p = model.population, model.params",
]


#: The model's own modules: the mutators and the steps of the day, which write the state.
MODEL_CORE = {
    "model.py", "mutators.py", "population.py", "day.py",
    "discovery.py", "posting.py", "audience.py", "muting.py", "spam.py",
}  # fmt: skip


def _checked_modules() -> list[Path]:
    """Every module of the package but the model's own (``MODEL_CORE``)."""
    paths = sorted(PACKAGE.rglob("*.py"))
    return [path for path in paths if path.relative_to(PACKAGE).as_posix() not in MODEL_CORE]


def violations(text: str) -> list[str]:
    """Lines of ``text`` that write member, group, tie or outcome state directly."""
    return [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if PATTERN.search(line)
    ]


@pytest.mark.parametrize("line", PLANTED)
def test_the_pattern_catches_a_planted_violation(line):
    assert violations(line), line


@pytest.mark.parametrize("line", ALLOWED)
def test_the_pattern_lets_reading_and_levers_pass(line):
    assert not violations(line), line


def test_the_check_covers_every_module_but_the_models_own():
    names = {path.relative_to(PACKAGE).as_posix() for path in _checked_modules()}
    assert {"strategies/kol_seeding.py", "strategies/size_cap.py"} <= names
    assert {"classroom/session_day.py", "classroom/app.py", "validation/alternatives.py"} <= names
    assert any(name.startswith("analysis/") for name in names)
    assert all((PACKAGE / name).is_file() for name in MODEL_CORE)  # no stale exemption
    assert not names & MODEL_CORE


@pytest.mark.parametrize(
    "path", _checked_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix()
)
def test_no_module_outside_the_model_writes_state_directly(path):
    found = violations(path.read_text(encoding="utf-8"))
    assert not found, f"{path.name} writes state directly (use the model's mutators): {found}"


# ---------------------------------------------------------------- the mutators
@pytest.fixture
def model():
    return CommunityModel(rng=3, population=300, groups=2, initial_members=10)


def _check_consistent(model):
    """Every member's derived state agrees with their group; leavers are out."""
    pop = model.population
    inside = pop.group >= 0
    assert np.isin(pop.state[inside], (CONTRIBUTOR, LURKER, MUTED)).all()
    assert (pop.joined_day[inside] >= 0).all() and (pop.entry_route[inside] >= 0).all()
    assert (pop.left_day[inside] == -1).all()
    left = pop.state == LEFT
    assert (pop.group[left] == NO_GROUP).all() and (pop.left_day[left] >= 0).all()
    assert np.array_equal(model.group_sizes(), np.bincount(pop.group[inside], minlength=2))
    assert model.group_sizes().size == model.n_groups == model.today.messages.size
    assert np.array_equal(model._member_index(), np.flatnonzero(inside))


def test_admit_makes_lurking_members_with_full_patience_and_counts_them(model):
    pop, today = model.population, model.today
    people = np.flatnonzero(pop.state == OUTSIDER)[:5]
    before = today.joined.size
    model.admit(people, 1, today, route=AMBIENT)
    assert (pop.group[people] == 1).all() and (pop.state[people] == LURKER).all()
    assert (pop.joined_day[people] == model.day).all()
    assert (pop.entry_route[people] == AMBIENT).all()
    capacity = pop.patience[people] * model.params["patience_days"]
    assert np.array_equal(pop.reservoir[people], capacity)
    assert np.array_equal(today.joined[before:], people)
    _check_consistent(model)


def test_admit_takes_one_group_and_route_per_person(model):
    pop = model.population
    people = np.flatnonzero(pop.state == OUTSIDER)[:4]
    model.admit(people, np.array([0, 1, 1, 0]), model.today)
    assert pop.group[people].tolist() == [0, 1, 1, 0]
    assert (pop.entry_route[people] == OPERATOR).all()  # the default route


def test_only_outsiders_join_and_only_existing_groups(model):
    pop = model.population
    member = np.flatnonzero(pop.group >= 0)[:1]
    outsider = np.flatnonzero(pop.state == OUTSIDER)[:1]
    with pytest.raises(ValueError, match="are not outsiders"):
        model.admit(member, 0, model.today)
    with pytest.raises(ValueError, match=r"groups: 2\.\.2 do not all exist"):
        model.admit(outsider, 2, model.today)
    assert pop.state[outsider] == OUTSIDER  # nothing changed


def test_remove_members_records_the_day_left_and_the_groups_left(model):
    model.step()
    pop, today = model.population, model.today
    people = np.flatnonzero(pop.group >= 0)[:3]
    groups = pop.group[people].copy()
    n = today.left.size
    model.remove_members(people, today, banned=True)
    assert (pop.group[people] == NO_GROUP).all() and (pop.state[people] == LEFT).all()
    assert (pop.left_day[people] == model.day).all() and pop.banned[people].all()
    assert np.array_equal(today.left[n:], people)
    assert np.array_equal(today.left_groups[n:], groups)
    assert today.left_groups.size == today.left.size
    _check_consistent(model)


def test_the_day_records_each_leavers_group_over_a_run():
    model = CommunityModel(rng=4, population=500, groups=3)
    for _ in range(40):
        before = model.population.group.copy()
        model.step()
        today = model.today
        at_dawn = before[today.left] >= 0  # others joined today (a spammer may leave at once)
        assert np.array_equal(today.left_groups[at_dawn], before[today.left][at_dawn])
        assert np.isin(today.left[~at_dawn], today.joined).all()
        assert (today.left_groups >= 0).all()


def test_removing_or_moving_outsiders_is_refused(model):
    outsider = np.flatnonzero(model.population.state == OUTSIDER)[:1]
    with pytest.raises(ValueError, match="not members"):
        model.remove_members(outsider, model.today)
    with pytest.raises(ValueError, match="not members"):
        model.move_members(outsider, 0, model.today)
    with pytest.raises(ValueError, match="group=7 does not exist"):
        model.move_members(np.flatnonzero(model.population.group >= 0)[:1], 7, model.today)


def test_a_move_keeps_tenure_route_and_patience_and_is_no_joining(model):
    for _ in range(3):
        model.step()
    pop, today = model.population, model.today
    movers = np.flatnonzero(pop.group == 0)[:4]
    kept = {
        name: getattr(pop, name)[movers].copy()
        for name in ("joined_day", "entry_route", "reservoir", "state", "contributions")
    }
    joined, left = today.joined.size, today.left.size
    model.move_members(movers, 1, today)
    assert (pop.group[movers] == 1).all()
    for name, values in kept.items():
        assert np.array_equal(getattr(pop, name)[movers], values), name
    assert today.joined.size == joined and today.left.size == left
    assert np.array_equal(today.moved, movers)
    _check_consistent(model)


def test_add_group_grows_every_per_group_array_and_moves_its_founders(model):
    founders = np.flatnonzero(model.population.group == 0)[:3]
    group = model.add_group(founders)
    assert group == 2 and model.n_groups == 3 and model.group_open[group]
    assert model.reading_load.size == 3 and model.today.groups == 3
    for outcome in (model.today.messages, model.today.valued_messages, model.today.spam):
        assert outcome.size == 3 and outcome[group] == 0.0
    assert model.group_sizes()[group] == 3
    model.step()  # the next day runs with three groups
    assert model.today.messages.size == 3


def test_groups_open_and_close_only_through_the_model(model):
    model.close_group(1)
    assert not model.group_open[1]
    with pytest.raises(ValueError):
        model.group_open[1] = True  # read-only: close_group and open_group change it
    for _ in range(20):
        model.step()
    assert (model.population.joined_day[model.population.group == 1] == 0).all()
    model.open_group(1)
    assert model.group_open[1]


def test_roles_traits_and_patience(model):
    pop = model.population
    people = np.flatnonzero(pop.state == OUTSIDER)[:3]
    model.set_role(people, KOL)
    model.set_traits(people, value=0.9, patience=np.array([0.2, 0.5, 1.0]))
    assert (pop.role[people] == KOL).all() and (pop.value[people] == 0.9).all()
    model.admit(people, 0, model.today)
    days = model.params["patience_days"]
    assert np.allclose(pop.reservoir[people], [0.2 * days, 0.5 * days, days])
    model.adjust_patience(people, -3.0)
    assert np.allclose(pop.reservoir[people], [0.2 * days - 3, 0.5 * days - 3, days - 3])
    model.adjust_patience(people, 100.0)  # capped at the capacity
    assert np.allclose(pop.reservoir[people], [0.2 * days, 0.5 * days, days])
    model.set_role(people, REGULAR)
    assert (pop.role[people] == REGULAR).all()
    with pytest.raises(ValueError, match=r"value=1\.5 is out of range"):
        model.set_traits(people, value=1.5)
    with pytest.raises(ValueError, match="role=9"):
        model.set_role(people, 9)
    with pytest.raises(ValueError, match=r"need=1\.5 is out of range"):
        model.people[int(people[0])].need = 1.5  # an agent's traits go through set_traits


def test_add_ties_are_one_way_and_counted_as_friends(model):
    leader = int(np.flatnonzero(model.population.state == OUTSIDER)[0])
    followers = np.setdiff1d(np.arange(10, 20), [leader])
    model.add_ties(followers, leader)
    adjacency = model.adjacency
    assert (adjacency[followers][:, [leader]].toarray() == 1).all()
    assert (model._friend_counts(np.array([leader]))[followers] == 1).all()  # the hot path


def test_add_posts_adds_messages_contributions_and_activity(model):
    pop, today = model.population, model.today
    kols = np.flatnonzero(pop.group == 1)[:2]
    written = pop.contributions[kols].copy()
    model.add_posts(kols, 20.0, 0.9, today)
    assert today.messages[1] == 40.0 and today.valued_messages[1] == pytest.approx(36.0)
    assert (pop.contributions[kols] == written + 20).all()
    assert (pop.state[kols] == CONTRIBUTOR).all()


def test_day_adds_and_removes_messages_by_one_rule():
    today = Day(1, 3, 0.05, on_topic=0.5)
    value = today.message_value(np.array([0.8, 0.0, 0.4]))
    assert np.allclose(value, [0.4, 0.0, 0.2])  # v_i * on_topic
    today.add_messages([0, 2, 2], [3, 2, 5], value, spam=[False, True, False])
    assert today.messages.tolist() == [3.0, 0.0, 7.0] and today.spam.tolist() == [0, 0, 2]
    assert np.allclose(today.valued_messages, [1.2, 0.0, 1.0])
    today.remove_messages([2, 2], [2, 5], value[1:], spam=[True, False])
    assert today.messages.tolist() == [3.0, 0.0, 0.0] and today.spam.tolist() == [0, 0, 0]
    assert np.allclose(today.valued_messages, [1.2, 0.0, 0.0])
    assert (today.valued_messages >= 0).all()
    today.add_group()
    assert today.groups == 4 and today.messages.size == today.spam.size == 4
    today.add_messages(np.array([3, 3]), 2.0, 0.5, spam=True)  # one count, value, flag for all
    assert today.messages[3] == 4.0 and today.valued_messages[3] == 2.0 and today.spam[3] == 4
    with pytest.raises(ValueError, match=r"groups must be in \[0, 3\]"):
        today.add_messages([1, 4], [1.0, 1.0])
    with pytest.raises(ValueError, match="spam must be one number or 2 values"):
        today.add_messages([1, 2], [1.0, 1.0], spam=[True, False, True])
    with pytest.raises(ValueError, match=r"groups must be in \[0, 3\], got -1..3"):
        today.remove_messages([3, -1], 1.0)
    assert today.messages.tolist() == [3.0, 0.0, 0.0, 4.0]  # nothing added or removed


def test_mute_and_unmute_keep_members_and_are_recorded(model):
    model.run_for(5)
    members = model.population.members
    chosen = members[:6]
    model.mute_members(chosen, model.today)
    pop = model.population
    assert (pop.state[chosen] == MUTED).all() and (pop.group[chosen] >= 0).all()
    capacity = pop.patience[chosen] * model.params["patience_days"]
    assert np.allclose(pop.reservoir[chosen], capacity)  # muting refills patience
    assert set(model.today.muted) == set(chosen)
    model.mute_members(chosen, model.today)  # already muted: not counted again
    assert model.today.muted.size == chosen.size
    model.unmute_members(chosen[:3], model.today)
    assert (pop.state[chosen[:3]] == LURKER).all() and (pop.state[chosen[3:]] == MUTED).all()
    assert set(model.today.unmuted) == set(chosen[:3])
    _check_consistent(model)
    outsiders = np.flatnonzero(pop.state == OUTSIDER)[:2]
    for mutator in (model.mute_members, model.unmute_members):
        with pytest.raises(ValueError, match="not members"):
            mutator(outsiders, model.today)


def test_muted_members_post_nothing_until_a_pull_brings_them_up():
    model = CommunityModel(rng=4, population=400, mention_pull=0.0, resurfacing=0.0)
    model.run_for(10)
    muted = model.population.members
    model.mute_members(muted, model.today)
    written = model.population.contributions[muted].copy()
    model.step()  # no pull, no mentions: nobody surfaces, nobody posts
    assert (model.population.contributions[muted] == written).all()
    assert model._metrics["muted"] == muted.size - model._metrics["left"]


def test_the_member_index_the_mutators_keep_is_the_members_every_day():
    """The day's steps read the members from the index the mutators keep
    (``_member_index``), and each person's friends inside from ``_inside_friend_counts``
    (kept from day to day by the mutators): through joining, leaving, muting, unmuting,
    moves, splits, bans, new ties and a strategy's admissions they are the members, in
    increasing order, and the friends who are members and have not muted, counted anew."""
    from commsim import strategies as s

    model = CommunityModel(rng=21, population=600, groups=2, strategies=[
        s.SizeCap(max_members=60, split=True), s.Moderation(), s.KOLSeeding(count=3),
        s.EntryThreshold(kind="review", level=0.2), s.Referral(), s.RedPackets(),
    ])  # fmt: skip
    pop = model.population

    def counted_anew():
        members = pop.members
        return model._friend_counts(members[pop.state[members] != MUTED])

    changes = np.zeros(3, dtype=int)  # left, muted, unmuted over the days
    for _ in range(60):
        model.step()
        today = model.today
        changes += (today.left.size, today.muted.size, today.unmuted.size)
        assert np.array_equal(model._member_index(), pop.members)
        assert np.array_equal(model._inside_friend_counts(), counted_anew())
    assert (changes > 0).all(), changes  # each change happened
    outsiders = np.flatnonzero(pop.state == OUTSIDER)[:3]
    model.admit(np.repeat(outsiders, 2)[::-1], 0, model.today)  # twice, unsorted: once
    assert np.array_equal(model._member_index(), pop.members)
    members = pop.members[:4]
    model.mute_members(np.repeat(members, 2), model.today)  # twice: muted once
    assert np.array_equal(model._inside_friend_counts(), counted_anew())
    model.unmute_members(np.repeat(members, 2), model.today)
    model.remove_members(np.repeat(members[:2], 2)[::-1], model.today)  # twice: once
    assert np.array_equal(model._member_index(), pop.members)
    assert np.array_equal(model._inside_friend_counts(), counted_anew())
    model.add_ties(np.flatnonzero(pop.state == OUTSIDER)[:5], members[2])
    assert np.array_equal(model._inside_friend_counts(), counted_anew())
