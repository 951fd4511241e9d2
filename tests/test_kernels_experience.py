"""The kernels of experience and leaving (``CommunityModel._experience``,
``_group_mean_value``, ``muting.surface``, ``muting.settle``, ``spam.settle``): the rules
they call compiled for scalars agree with the rules on arrays, the day's levers act the
same as one number or as an array per person, and empty member sets pass through."""

from __future__ import annotations

import numpy as np
import pytest

from commsim import CommunityModel, rules
from commsim.compiled import kernel
from commsim.population import MUTED
from commsim.strategies.base import Strategy

RULES = {  # each rule with arguments drawn for it, positional, as arrays
    "reading_load": lambda u: (u * 300, u[::-1] * 20, 50.0, 3.0),
    "reading_cost": lambda u: (u * 3, 0.1, 0.5),
    "content_benefit": lambda u: (u, u[::-1] * 40, 10.0),
    "expected_utility": lambda u: (u, u[::-1], 0.5, 0.2, 0.5),
    "muted_surplus": lambda u: (u - 0.5, 0.1),
    "patience_after": lambda u: (u * 5, u[::-1] - 0.5, 4.0, 0.3),
    "mute_probability": lambda u: (np.where(u < 0.2, 0.0, u), np.where(u < 0.4, 0.0, u), 0.9),
    "surfacing_probability": lambda u: (u, u[::-1] * 5, 0.1, 0.01),
    "spammer_leaving_probability": lambda u: (u * 100, 0.2, 20.0),
    "report_probability": lambda u: (u * 100, 0.002),
}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_rule_compiled_for_scalars_gives_the_rule_on_arrays(name):
    rule = getattr(rules, name)
    u = np.random.default_rng(5).random(200)
    arguments = RULES[name](u)
    on_arrays = rule(*arguments)
    twin = kernel(rule)
    for i in range(u.size):
        scalars = [a[i] if isinstance(a, np.ndarray) else a for a in arguments]
        assert twin(*[float(a) for a in scalars]) == pytest.approx(on_arrays[i], rel=1e-14)


def test_mute_probability_is_the_muting_share_where_nothing_is_given_or_paid():
    chance = rules.mute_probability(np.array([0.0, 0.2, 0.2, -1.0]), np.array([0.0, 0.0, 1.0, 0.0]),
                                    0.9)  # fmt: skip
    np.testing.assert_array_equal(chance, [0.9, 0.9, 0.9 * (0.2 / 1.2), 0.9])
    assert kernel(rules.mute_probability)(0.0, 0.0, 0.9) == 0.9


def test_patience_drains_fully_and_recovers_by_the_recovery_share():
    after = rules.patience_after(np.array([1.0, 1.0, 1.0]), np.array([-0.4, 0.4, 10.0]), 2.0, 0.5)
    np.testing.assert_array_equal(after, [0.6, 1.2, 2.0])


class Levers(Strategy, register=False):
    """Sets today's ``utility_bonus`` and ``surface_pull`` to the given values."""

    def __init__(self, bonus=0.0, pull=0.0) -> None:
        super().__init__()
        self.bonus, self.pull = bonus, pull

    def start_day(self, model, today) -> None:
        today.utility_bonus = self.bonus
        today.surface_pull = self.pull


def _run(strategy, days=40):
    model = CommunityModel(rng=8, population=600, strategies=[strategy])
    model.run_for(days)
    return model


def test_a_lever_for_everyone_acts_as_the_same_value_per_person():
    one = _run(Levers(bonus=-0.02, pull=0.05))
    each = _run(Levers(bonus=np.full(600, -0.02), pull=np.full(600, 0.05)))
    frames = [m.datacollector.get_model_vars_dataframe() for m in (one, each)]
    assert frames[0]["muted"].sum() > 0  # the pull had muted members to act on
    assert frames[0].equals(frames[1])
    np.testing.assert_array_equal(one.population.reservoir, each.population.reservoir)


def test_a_per_person_bonus_reaches_only_its_person():
    plain = _run(Levers(), days=5)
    member = plain.population.members[3]
    bonus = np.zeros(600)
    bonus[member] = 0.25
    lifted = _run(Levers(bonus=bonus), days=5)
    # same history until day 5's experience, where only ``member`` got the bonus
    gained = lifted.population.satisfaction - plain.population.satisfaction
    muted = plain.population.state[member] == MUTED
    expected = np.where(np.arange(600) == member, 0.25 * (0.1 if muted else 1.0), 0.0)
    # (``muted_reading``'s default 0.1 scales a muted member's day)
    np.testing.assert_allclose(gained, expected, atol=1e-12)


def test_a_per_person_pull_brings_up_only_its_people():
    model = CommunityModel(rng=4, population=400, mention_pull=0.0, resurfacing=0.0)
    model.run_for(10)
    members = model.population.members
    model.mute_members(members, model.today)
    pull = np.zeros(400)
    pull[members[:3]] = 50.0  # a certain pull for three of them, none for the rest
    model.strategies.append(Levers(pull=pull))
    model.step()
    np.testing.assert_array_equal(np.sort(model.today.unmuted), members[:3])


def test_group_means_are_zero_for_an_empty_group_and_the_mean_elsewhere():
    model = CommunityModel(rng=3, population=300, groups=3, initial_members=10)
    model.run_for(3)
    pop = model.population
    model.remove_members(pop.members[pop.group[pop.members] == 1], model.today)
    members = pop.members
    means = model._group_mean_value()
    assert means[1] == 0.0
    for g in (0, 2):
        assert means[g] == pytest.approx(pop.value[members[pop.group[members] == g]].mean())


def test_a_day_with_no_members_passes_through_every_kernel():
    model = CommunityModel(rng=3, population=300, groups=2, initial_members=10,
                           ambient_inflow=0.0, social_pull=0.0)  # fmt: skip
    model.remove_members(model.population.members, model.today)
    model.run_for(3)
    assert model._metrics["members"] == 0 and model._metrics["left"] == 0
    np.testing.assert_array_equal(model._group_mean_value(), [0.0, 0.0])
