"""The mechanisms of muting, audience and response, exposure through friends who are
members, spam and the random streams: their rules, and what they do over replications."""

from __future__ import annotations

import math

import numpy as np
import pytest

from commsim import CommunityModel, audience, posting, rules
from commsim.compiled import lever_array
from commsim.population import MUTED, SPAMMER
from commsim.stats import lower_bound, paired_test
from commsim.strategies import RedPackets


# ---------------------------------------------------------------- the rules
def test_exposure_rises_with_friends_inside_with_diminishing_returns_and_links():
    k = np.arange(1, 6, dtype=float)
    chance = rules.discovery_probability(0.0, rules.friend_exposure(k, k, 1.0, 0.0, 0.5), 0.05)
    steps = np.diff(chance)
    assert (steps > 0).all() and (np.diff(steps) < 0).all()  # increasing, concave
    linked = rules.discovery_probability(0.0, rules.friend_exposure(k, k, 1.0, 1.0, 0.5), 0.05)
    assert (linked > chance).all()
    silent = rules.friend_exposure(0.0, k, 0.3, 0.0, 0.0)  # members who did not post
    assert (silent < rules.friend_exposure(k, k, 0.3, 0.0, 0.0)).all() and (silent > 0).all()


def test_answers_follow_the_audience_and_raise_posting():
    responders = np.array([0.0, 10.0, 100.0, 1000.0])
    replies = rules.expected_replies(responders, 1.0, 0.002)
    np.testing.assert_allclose(replies, responders * (1 - np.exp(-0.002)))
    half = rules.expected_replies(responders / 2, 1.0, 0.002)
    np.testing.assert_allclose(half, replies / 2)  # half the audience, half the replies
    turns = rules.expected_replies(10.0, np.array([1.0, 10.0, 100.0, 1e5]), 0.05)
    np.testing.assert_allclose(turns[:2], [10 * (1 - np.exp(-0.05)), 10 * (1 - np.exp(-0.5))])
    assert (np.diff(turns) > 0).all() and turns[-1] == pytest.approx(10.0)  # at most D_i
    assert rules.expected_replies(10.0, 2.0, 1e-6) == pytest.approx(10 * 2 * 1e-6, rel=1e-5)
    answered = rules.answered_share(replies, 0.5)
    assert answered[0] == 0 and (np.diff(answered) > 0).all() and answered[-1] < 1
    memory = rules.response_memory_after(np.zeros(3), np.array([1.0, 0.0, 1.0]), 0.3)
    np.testing.assert_allclose(memory, [0.3, 0.0, 0.3])
    assert rules.response_factor(1.0, 4.0) == 5.0 and rules.response_factor(0.0, 4.0) == 1.0


def test_responders_blend_every_reader_and_the_readers_who_post():
    readers, chances, own = np.array([1.0, 10.0, 100.0]), np.array([0.2, 3.0, 12.0]), 0.5
    np.testing.assert_allclose(rules.responders(readers, chances, own, 0.0), [0.0, 9.0, 99.0])
    np.testing.assert_allclose(rules.responders(readers, chances, own, 1.0), [0.0, 2.5, 11.5])
    np.testing.assert_allclose(
        rules.responders(readers, chances, own, 0.25),
        0.75 * np.array([0.0, 9.0, 99.0]) + 0.25 * np.array([0.0, 2.5, 11.5]),
    )


def test_when_answering_is_posting_a_group_that_does_not_post_answers_no_one():
    """At ``reply_from_posters=1`` readers whose chance to post is nil draw no replies,
    however many they are; at 0 the same readers answer."""
    for h, answered in ((1.0, False), (0.0, True)):
        model = CommunityModel(rng=3, population=300, reply_from_posters=h, reply_rate=0.01)
        model.step()
        pop = model.population
        writers = pop.members[pop.role[pop.members] != SPAMMER][:20]
        pop.answered[writers] = 0.0
        audience_size = np.full(model.n_groups, 1000.0)
        _, got = audience.answer(model, writers, np.full(writers.size, 10), audience_size,
                                 np.zeros(model.n_groups), np.zeros(writers.size),
                                 np.ones(writers.size, dtype=bool))  # fmt: skip
        assert (got > 0).any() == answered and (pop.answered[writers] > 0).any() == answered


def _choose(model, members, boost):
    """``posting._choose_writers`` for ``members`` of ``model`` with a ``posting_boost`` of
    ``boost``, on a copy of the state, and the uniforms it used: the same for the same
    members."""
    pop, p = model.population, model.params
    draw = np.random.default_rng(members.size).random(members.size)
    boost = lever_array(boost, pop.size)
    return posting._choose_writers(
        members, draw, model.day, boost, pop.activity, pop.answered, pop.satisfaction,
        pop.joined_day, pop.verbosity, pop.role, pop.group, model._founded_day, model._load,
        p["response_gain"], p["group_novelty"], p["novelty"], p["novelty_days"],
        p["engagement_steepness"], p["spam_rate"], p["messages_per_post"], p["turn_growth"],
        p["daily_capacity"], pop.state.copy(),
    ), draw  # fmt: skip


def test_posting_follows_the_rules_and_sums_each_groups_readers_without_spammers():
    """The posting loop gives each member the chance of the vectorised rules (spammers
    ``spam_rate``), a turn only to those who post, and per group the readers and their
    summed chances, spammers left out."""
    model = CommunityModel(rng=1, population=400, groups=3, initial_members=30, spam_rate=0.3)
    model.run_for(5)
    pop, p = model.population, model.params
    members = pop.members[pop.state[pop.members] != MUTED]
    (posts, chance, extra, readers, chances), draw = _choose(model, members, 1.0)
    group, spammer = pop.group[members], pop.role[members] == SPAMMER
    tenure = rules.posting_tenure(model.day - pop.joined_day[members],
                                  model.day - model._founded_day[group], p["group_novelty"])
    propensity = rules.posting_propensity(
        pop.activity[members] * rules.response_factor(pop.answered[members], p["response_gain"]),
        pop.satisfaction[members], rules.novelty_utility(tenure, p["novelty"], p["novelty_days"]),
        model._load[group], p["engagement_steepness"],
    )  # fmt: skip
    propensity[spammer] = p["spam_rate"]
    np.testing.assert_allclose(chance, np.minimum(propensity, 1.0), rtol=1e-12)
    np.testing.assert_array_equal(posts, draw < chance)
    assert spammer.any() and posts.any() and (extra[~posts] == 0).all()
    np.testing.assert_allclose(extra[posts], rules.turn_length(
        p["messages_per_post"], propensity[posts], pop.verbosity[members[posts]],
        p["turn_growth"], p["daily_capacity"]), rtol=1e-12)  # fmt: skip
    regular = ~spammer
    np.testing.assert_array_equal(readers, np.bincount(group[regular], minlength=3))
    np.testing.assert_allclose(chances, np.bincount(group[regular], chance[regular], 3))


def test_posting_takes_a_per_person_boost_and_no_members():
    """A per-person ``posting_boost`` acts person by person (0: never posts; the scalar's
    value for everyone: the scalar's choices), and no members post nothing."""
    model = CommunityModel(rng=2, population=400, groups=2, initial_members=40)
    model.run_for(3)
    pop = model.population
    members = pop.members[pop.state[pop.members] != MUTED]
    (posts, chance, *_), _ = _choose(model, members, 3.0)
    (same, same_chance, *_), _ = _choose(model, members, np.full(pop.size, 3.0))
    np.testing.assert_array_equal(same, posts)
    np.testing.assert_array_equal(same_chance, chance)
    silenced = np.full(pop.size, 3.0)
    silenced[members[::2]] = 0.0
    (quiet, *_), _ = _choose(model, members, silenced)
    regular = pop.role[members] != SPAMMER
    assert not quiet[::2][regular[::2]].any() and posts[::2][regular[::2]].any()
    np.testing.assert_array_equal(quiet[1::2], posts[1::2])
    (none, none_chance, extra, readers, chances), _ = _choose(model, members[:0], 1.0)
    assert none.size == none_chance.size == extra.size == 0
    np.testing.assert_array_equal(readers, 0.0)
    np.testing.assert_array_equal(chances, 0.0)


def test_a_propensity_above_one_lengthens_the_turn_not_the_chance():
    propensity = rules.posting_propensity(np.array([0.2, 1.0, 5.0]), 0.0, 0.0, 0.0)
    np.testing.assert_allclose(propensity, [0.2, 1.0, 5.0])
    chance = rules.contribution_probability(np.array([0.2, 1.0, 5.0]), 0.0, 0.0, 0.0)
    np.testing.assert_allclose(chance, [0.2, 1.0, 1.0])
    np.testing.assert_allclose(rules.turn_length(3.0, propensity), [2.0, 2.0, 10.0])


def test_turn_growth_sets_how_an_eagerness_above_one_lengthens_the_turn():
    propensity = np.array([0.5, 1.0, 4.0, 16.0])
    np.testing.assert_allclose(rules.turn_length(3.0, propensity, 1.0, 1.0), [2, 2, 8, 32])
    np.testing.assert_allclose(rules.turn_length(3.0, propensity, 1.0, 0.5), [2, 2, 4, 8])
    np.testing.assert_allclose(rules.turn_length(3.0, propensity, 1.0, 0.0), [2, 2, 2, 2])


def test_a_days_turn_saturates_towards_the_daily_capacity():
    desired = np.array([0.0, 10.0, 100.0, 1e6])  # (messages_per_post - 1) * w * x ** gamma
    turn = rules.turn_length(11.0, np.ones(4), desired / 10.0, 1.0, 100.0)
    np.testing.assert_allclose(turn, [0.0, 100 / 11, 50.0, 1e8 / (1e6 + 100)])
    assert np.all(turn < 100.0) and np.all(np.diff(turn) > 0)  # rising, never past K
    uncapped = rules.turn_length(11.0, np.ones(4), desired / 10.0, 1.0)
    np.testing.assert_array_equal(uncapped, desired)  # K = inf: exactly the desired turn


def test_daily_capacity_bounds_what_the_most_verbose_member_writes_in_the_model():
    from commsim.model import CommunityModel

    def heaviest_day(capacity):
        model = CommunityModel(rng=3, population=400, verbosity_spread=2.0,
                               daily_capacity=capacity)  # fmt: skip
        most = 0
        for _ in range(20):
            before = model.population.contributions.copy()
            model.step()
            most = max(most, int((model.population.contributions - before).max()))
        return most

    # 1 + Poisson(T) with T < 40: a day past 100 messages has chance below 1e-15
    assert heaviest_day(40.0) <= 100
    assert heaviest_day(1e12) > 100  # the bound, not the draw, is what held it


def test_verbosity_lengthens_the_turn_and_its_draw_has_mean_one():
    propensity = np.array([0.5, 0.5, 4.0])
    np.testing.assert_allclose(
        rules.turn_length(3.0, propensity, np.array([1.0, 3.0, 0.5])), [2.0, 6.0, 4.0]
    )
    from commsim.population import draw_verbosity

    w = draw_verbosity(np.random.default_rng(0), 200_000, 1.0)
    assert w.mean() == pytest.approx(1.0, abs=0.02)  # log-normal of mean 1
    assert np.median(w) == pytest.approx(np.exp(-0.5), rel=0.02)
    assert (draw_verbosity(np.random.default_rng(0), 10, 0.0) == 1.0).all()


def test_posting_novelty_fades_with_the_groups_age_or_the_members_tenure():
    assert rules.posting_tenure(3, 90, 0.0) == 3  # a newcomer chats like a founder
    assert rules.posting_tenure(3, 90, 1.0) == 90  # a newcomer to an old group lurks
    assert rules.posting_tenure(3, 90, 0.5) == pytest.approx(46.5)


def test_a_steeper_engagement_silences_the_disappointed_sooner():
    surplus = np.array([-0.2, 0.0, 0.2])
    soft, steep = rules.engagement(surplus, 4.0), rules.engagement(surplus, 20.0)
    np.testing.assert_allclose([soft[1], steep[1]], 1.0)
    assert steep[0] < soft[0] < 1 < soft[2] < steep[2] < 2
    np.testing.assert_allclose(rules.posting_propensity(0.5, surplus, 0.0, 0.0, 20.0), 0.5 * steep)


def test_verbosity_has_its_own_stream_the_same_people_and_ties():
    """Verbosity is drawn from a stream of its own: changing its spread changes what is
    written, not who the people are, their friends or the founders."""
    plain = CommunityModel(rng=5, population=600, verbosity_spread=0.0)
    wordy = CommunityModel(rng=5, population=600, verbosity_spread=1.5)
    assert (plain.population.verbosity == 1.0).all()
    assert wordy.population.verbosity.std() > 0.5
    for trait in ("need", "value", "patience", "activity", "role", "willingness_to_pay"):
        np.testing.assert_array_equal(getattr(plain.population, trait),
                                      getattr(wordy.population, trait))  # fmt: skip
    assert (plain.adjacency != wordy.adjacency).nnz == 0
    np.testing.assert_array_equal(plain.population.members, wordy.population.members)
    plain.run_model(30), wordy.run_model(30)
    messages = [m.datacollector.get_model_vars_dataframe()["messages"] for m in (plain, wordy)]
    assert not messages[0].equals(messages[1])


def test_group_novelty_quiets_late_joiners_of_an_old_group():
    """Over 30 paired replications: the messages per day of members who joined after day
    60 are fewer when posting novelty is the group's than when it is their own."""
    own, group = [], []
    for seed in range(30):
        for h, out in ((0.0, own), (1.0, group)):
            model = CommunityModel(rng=seed, population=1500, group_novelty=h)
            model.run_model(60)
            before = model.population.contributions.copy()
            model.run_model(20)
            pop = model.population
            late = pop.joined_day > 60
            written = (pop.contributions - before)[late]
            out.append(written.sum() / max(late.sum(), 1))
    test = paired_test(np.array(group), np.array(own))
    assert test.difference < 0 and test.pvalue < 0.01


def test_tired_members_of_a_quiet_group_mute_those_of_an_annoying_one_leave():
    quiet = rules.mute_probability(0.2, 0.0, 0.9)
    annoying = rules.mute_probability(0.2, 1.0, 0.9)
    assert quiet == pytest.approx(0.9) and annoying < 0.2
    assert rules.mute_probability(0.0, 0.0, 0.9) == pytest.approx(0.9)
    assert rules.muted_surplus(-1.0, 0.1) == pytest.approx(-0.1)
    assert rules.surfacing_probability(0.0, 0, 0.1, 0.0) == 0.0
    assert (
        0
        < rules.surfacing_probability(0.0, 2, 0.1, 0.0)
        < rules.surfacing_probability(1.0, 2, 0.1, 0.0)
    )
    assert rules.surfacing_probability(0.0, 0, 0.1, 0.01) == pytest.approx(1 - math.exp(-0.01))


def test_spammers_leave_groups_nobody_reads_and_are_reported_where_many_do():
    readers = np.array([0.0, 20.0, 500.0])
    leaving = rules.spammer_leaving_probability(readers, 0.2, 20.0)
    np.testing.assert_allclose(leaving, [0.2, 0.1, 0.2 * 20 / 520])
    reported = rules.report_probability(readers, 0.002)
    assert reported[0] == 0 and (np.diff(reported) > 0).all()


# ---------------------------------------------------------------- over replications
SEEDS = range(12)


def _year(seed, **parameters):
    model = CommunityModel(rng=seed, population=1000, **parameters)
    model.run_for(365)
    return model, model.datacollector.get_model_vars_dataframe()


def test_the_default_group_goes_quiet_more_than_it_empties():
    """At day 365 of the default group more of its peak stays as members than it lost
    messages, and spammers are a minority of the members (12 seeds, one-sided bounds)."""
    kept, quiet, spammers = [], [], []
    for seed in SEEDS:
        _, df = _year(seed)
        weekly = df["messages"].rolling(7).mean()
        kept.append(df["members"].iloc[-1] / df["members"].max())
        quiet.append(1 - weekly.iloc[-1] / weekly.max())
        spammers.append(df["spammers"].iloc[-1] / max(df["members"].iloc[-1], 1))
    assert lower_bound(np.subtract(quiet, kept)) > 0  # messages fell more than members
    assert lower_bound(np.subtract(0.5, spammers)) > 0  # spammers a minority


def test_muting_off_empties_the_group_muting_on_keeps_it():
    on = [_year(seed)[1]["members"].iloc[-1] for seed in SEEDS]
    off = [_year(seed, muting=0.0)[1]["members"].iloc[-1] for seed in SEEDS]
    assert paired_test(on, off, alternative="greater").pvalue < 0.01


def test_messages_and_contributors_leave_spam_and_spammers_out():
    model = CommunityModel(rng=3, population=600, spammer_share=0.1)
    for _ in range(40):
        model.step()
        row, today, pop = model._metrics, model.today, model.population
        assert row["messages"] == pytest.approx(today.messages.sum() - today.spam.sum())
        members = pop.members
        own = (pop.role[members] != SPAMMER) & (pop.state[members] == 1)
        assert row["contributors"] == np.count_nonzero(own)


def test_a_red_packet_brings_muted_members_up():
    surfaced = []
    for seed in SEEDS:
        model = CommunityModel(rng=seed, population=600, strategies=[
            RedPackets(start=40, every=1000, budget=100, amount=100)])  # fmt: skip
        model.run_for(39)
        muted = np.flatnonzero(model.population.state == MUTED)
        model.step()
        surfaced.append(np.mean(model.population.state[muted] != MUTED) if muted.size else 0)
    assert lower_bound(surfaced) > 0.2


def test_muted_members_come_back_up_of_their_own_accord_at_the_resurfacing_rate():
    """No pull and no mentions: a muted member comes back up with chance 1 - exp(-r) a
    day, so the day's count over everyone muted is binomial and falls within 4 standard
    errors of its mean; with r = 0 nobody comes back up."""
    for rate in (0.05, 0.0):
        model = CommunityModel(rng=3, population=4000, mention_pull=0.0, resurfacing=rate)
        model.run_for(5)
        muted = model.population.members
        model.mute_members(muted, model.today)
        model.step()
        up = np.intersect1d(model.today.unmuted, muted).size
        chance = 1 - math.exp(-rate)
        margin = 4 * math.sqrt(muted.size * chance * (1 - chance))
        assert muted.size > 100 and abs(up - muted.size * chance) <= margin, (rate, up)


# ---------------------------------------------------------------- random streams
def test_a_strategy_changes_only_what_it_acts_on():
    """Same seed, with and without a strategy that acts from day 50: the first 49 days are
    identical (every mechanism draws from its own stream)."""
    plain = CommunityModel(rng=5, population=500)
    treated = CommunityModel(rng=5, population=500, strategies=[RedPackets(start=50)])
    np.testing.assert_array_equal(plain.population.need, treated.population.need)
    assert (plain.adjacency != treated.adjacency).nnz == 0
    for _ in range(49):
        plain.step()
        treated.step()
    a = plain.datacollector.get_model_vars_dataframe()
    b = treated.datacollector.get_model_vars_dataframe()
    assert a.drop(columns=["spend"]).equals(b.drop(columns=["spend"]))


def test_streams_are_named_children_of_the_seed():
    first, again = CommunityModel(rng=9, population=50), CommunityModel(rng=9, population=50)
    assert first.stream("posting").random() == again.stream("posting").random()
    assert first.stream("spam").random() != first.stream("posting").random()
    generator = CommunityModel(rng=np.random.default_rng(4), population=50)
    same = CommunityModel(rng=np.random.default_rng(4), population=50)
    np.testing.assert_array_equal(generator.population.value, same.population.value)


# ---------------------------------------------------------------- aligned draws
def test_each_day_of_a_stream_starts_at_its_own_place():
    """Day t's numbers do not depend on how many numbers earlier days took, and the days
    differ from each other."""
    from commsim.streams import Streams

    busy, idle = Streams(7), Streams(7)
    busy.start_day(1)
    busy["posting"].random(1000)  # day 1 takes many numbers here, none in idle
    for streams in (busy, idle):
        streams.start_day(2)
    day2 = busy["posting"].random(50)
    np.testing.assert_array_equal(day2, idle["posting"].random(50))
    busy.start_day(3)
    day3 = busy["posting"].random(50)
    assert not np.isin(day3, day2).any()
    np.testing.assert_array_equal(day3, _fresh_day(7, "posting", 3, 50))
    assert abs(np.corrcoef(day2, day3)[0, 1]) < 0.5  # days are not near copies


def _fresh_day(entropy, name, day, size):
    from commsim.streams import Streams

    streams = Streams(entropy)
    streams.start_day(day)
    return streams[name].random(size)


@pytest.mark.parametrize(
    "mean", [0.0, 1e-300, 0.05, 0.7, 3.0, 12.0, 99.5, 249.9, 250.0, 400.0, 2.5e5]
)
def test_poisson_counts_are_the_inverse_distribution_function(mean):
    from scipy import stats

    from commsim.streams import poisson_quantile

    u = np.random.default_rng(3).random(5000)
    u[:2] = [0.0, 0.5]
    if mean < 300:  # the extremes of per_person's uniforms, about the summed path's ends
        u[2:4] = [1.0 - 2.0**-53, 2.0**-54]
    counts = poisson_quantile(u, mean)
    np.testing.assert_array_equal(counts, np.maximum(stats.poisson.ppf(u, mean), 0))
    if mean in (0.7, 12.0):  # and they are Poisson: a chi-square test on the counts
        k = np.arange(counts.max() + 1)
        expected = stats.poisson.pmf(k, mean) * u.size
        expected[-1] += stats.poisson.sf(k[-1], mean) * u.size
        keep = expected >= 5
        observed = np.bincount(counts, minlength=k.size)
        chi2 = stats.chisquare(observed[keep], expected[keep] * observed[keep].sum()
                               / expected[keep].sum())  # fmt: skip
        assert chi2.pvalue > 1e-3


def test_poisson_counts_take_means_per_person_and_nothing_for_nobody():
    from commsim.streams import poisson_quantile

    u = np.array([0.1, 0.6, 0.999])
    np.testing.assert_array_equal(poisson_quantile(u, [0.5, 2.0, 30.0]), [0, 2, 48])
    assert poisson_quantile(np.zeros(0), 1.0).shape == (0,)
    higher = poisson_quantile(u, [1.0, 3.0, 31.0])  # a larger mean, the same uniform:
    assert (higher >= poisson_quantile(u, [0.5, 2.0, 30.0])).all()  # never fewer


def test_per_person_numbers_are_keyed_by_person_and_move_the_stream_alike():
    from commsim.streams import Streams

    every = Streams(2).per_person("posting", np.arange(1000), 2)
    streams = Streams(2)
    some = streams.per_person("posting", np.array([4, 999]), 2)
    np.testing.assert_array_equal(some, every[:, [4, 999]])
    reference = Streams(2)["posting"]
    reference.bit_generator.random_raw(2)
    assert streams["posting"].random() == reference.random()  # two keys on, whoever is asked
    assert 0 < every.min() and every.max() < 1 and abs(every.mean() - 0.5) < 0.02
    assert abs(np.corrcoef(every)[0, 1]) < 0.1


def _moved(entropy, name, day):
    """A fresh Generator of stream ``name`` moved to ``day``'s start as numpy does it."""
    import zlib

    from commsim.streams import JUMP

    seed = np.random.SeedSequence(entropy, spawn_key=(zlib.crc32(name.encode()),))
    stream = np.random.Generator(np.random.PCG64(seed))
    stream.bit_generator.advance(day * JUMP % 2**128)
    return stream


@pytest.mark.parametrize("days", [[0, 1, 2, 3], [5, 6, 300, 7, 100_000, 2]])
def test_keys_are_the_streams_raw_numbers_whichever_way_it_is_drawn(days):
    """``Streams.keys`` computes PCG64's outputs as integers: the same numbers as the
    Generator's ``random_raw`` at the day's start, on days in order, skipped or gone
    back to, and the Generator and the keys go on from each other within a day (its
    spare 32 bits kept)."""
    from commsim.streams import Streams

    streams = Streams((11, 3))
    for day in days:
        streams.start_day(day)
        reference = _moved((11, 3), "muting", day)
        np.testing.assert_array_equal(streams.keys("muting", 3),
                                      reference.bit_generator.random_raw(3))  # fmt: skip
        assert streams["muting"].integers(2**32, dtype=np.uint32) == reference.integers(
            2**32, dtype=np.uint32
        )  # leaves a spare 32 bits in the Generator
        np.testing.assert_array_equal(streams.keys("muting", 2),
                                      reference.bit_generator.random_raw(2))  # fmt: skip
        assert streams["muting"].integers(2**32, dtype=np.uint32) == reference.integers(
            2**32, dtype=np.uint32
        )  # the spare half, then a new number
        np.testing.assert_array_equal(streams.keys("muting", 1),
                                      reference.bit_generator.random_raw(1))  # fmt: skip
        spam = _moved((11, 3), "spam", day).bit_generator
        np.testing.assert_array_equal(streams.keys("spam", 2), spam.random_raw(2))
        assert streams["joining"].random() == _moved((11, 3), "joining", day).random()


def test_a_strategys_uniforms_are_keyed_by_person():
    """Whoever else is drawn for, a person's number on a day is the same."""
    model = CommunityModel(rng=4, population=300, strategies=[RedPackets()])
    strategy = model.strategies[0]
    model.streams.start_day(5)
    some = strategy.uniforms(model, np.array([3, 17, 250]))
    other = CommunityModel(rng=4, population=300, strategies=[RedPackets()])
    other.streams.start_day(5)
    every = other.strategies[0].uniforms(other, slice(None))
    np.testing.assert_array_equal(some, every[[3, 17, 250]])
    assert strategy.stream(model, "split") is not strategy.stream(model)


def test_same_seed_settings_pair_person_by_person():
    """With red packets from day 30, the people who are members in both runs on a day
    draw the same posting numbers, and the others the same joining number, though the
    two runs' earlier days drew different amounts: the settings differ only where the
    packets act."""
    plain = CommunityModel(rng=8, population=400)
    treated = CommunityModel(rng=8, population=400, strategies=[RedPackets(start=30)])
    for _ in range(60):
        plain.step()
        treated.step()
    both = plain.population.member_mask & treated.population.member_mask
    draws = []
    for model in (plain, treated):
        model.streams.start_day(61)
        draws.append((model.streams.per_person("posting", np.flatnonzero(both), 2),
                      model.stream("joining").random(400)[~both]))  # fmt: skip
    np.testing.assert_array_equal(draws[0][0], draws[1][0])
    np.testing.assert_array_equal(draws[0][1], draws[1][1])
    differ = plain.population.member_mask != treated.population.member_mask
    assert both.sum() > 20 and differ.any()  # the packets changed who is a member


@pytest.mark.parametrize("days", [[1, 2, 3], [5, 6, 40, 41, 300], [7, 2, 9, 0]])
def test_a_stream_moves_to_its_day_as_pcg64_s_advance_does(days):
    """``Streams`` moves a stream to day t by its own arithmetic on PCG64's state: the
    same numbers as ``PCG64.advance(t * JUMP)`` from the stream's first state, whichever
    days came before (consecutive, with gaps, or earlier again) and however many numbers
    they took."""
    import zlib

    from commsim.streams import JUMP, Streams

    streams = Streams(11)
    seed = np.random.SeedSequence(11, spawn_key=(zlib.crc32(b"posting"),))
    for day in days:
        streams.start_day(day)
        bits = np.random.PCG64(seed)
        bits.advance(day * JUMP % 2**128)
        np.testing.assert_array_equal(
            streams["posting"].random(5), np.random.Generator(bits).random(5)
        )
        streams["posting"].integers(0, 10, size=day + 1, dtype=np.uint32)  # a day's more
