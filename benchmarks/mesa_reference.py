"""A per-agent Mesa implementation of commsim's rules, written as a competent user would.

This is the yardstick for ``commsim.CommunityModel``: every person is a
``ReferenceMember`` holding its own attributes, and decides for itself each day in its
own methods, activated through Mesa ``AgentSet``s. It follows the same rules (each
equation of ``commsim.rules`` written again for one person with ``math``: the function it
mirrors is named beside it), the same parameters (``commsim.parameters.validate``), the
same trait distributions, founders and small-world network, and reports the same core
columns (members, contributors and messages without spammers and spam, lurkers, muted,
joined, left, mean_value, joiner_value, leaver_value). One group, no strategies.

It is written for speed as a per-agent model can be, not as a straw man: uniform, normal
and Beta draws come from Mesa's ``model.random`` (Python's generator, far cheaper per
number than numpy's), Poisson draws (which Python's lacks) from ``model.rng``; the model
keeps ``AgentSet``s of outsiders and members, so each pass visits only the agents it
concerns; every person keeps counts of their friends inside, reading and who posted
yesterday, which members update when they join, mute, come back up, post or leave
(O(degree) per change instead of every outsider scanning their friends every day); the
group's totals (members by state, readers, the sum of values) are counters kept by those
same changes, read in O(1); friends are a list (to visit) and a set (to look up). The
linked share of an outsider's friends inside (pairs of them who are friends) is computed
only for an outsider whose uniform draw falls below the chance of joining at the largest
share, 1 (thinning, as in ``commsim.discovery``: the same outcome as computing it for
all).

A day mirrors ``CommunityModel.step`` and its timing (``docs/model.md`` §3):

1. At dawn the model notes the group's mean value and today's ambient inflow.
2. ``outsiders.do("consider_joining")``: each outsider considers joining (exposure
   through friends who are members, more through those who posted yesterday, more when
   they are linked; interest by need and cooling) by the state at dawn; those who decide
   to join are admitted after the pass, so that no outsider sees today's joiners.
3. ``members.do("take_part")``: a muted member comes back up with the chance of a
   friend's mention; a member who reads (today's joiners too) contributes or lurks, by
   yesterday's satisfaction, yesterday's load, how often it was answered, its talkativeness
   and the novelty of the group (``rules.posting_tenure``: its tenure and the group's age,
   ``group_novelty``), and a contributor writes 1 + Poisson(turn length) messages (longer
   for a verbose member, ``verbosity_spread``; growing as ``turn_growth`` says with an
   eagerness above certainty). Posts add to the day's message counts, and each reader's
   chance to post adds to the group's (``rules.responders``' ``P_g``).
4. The model totals the day once (readers, the members' mean value with today's joiners,
   the content's benefit factor, reading load and cost).
5. ``members.do("weigh_day")``: each member who posted is answered or not by the
   readers (weighed by their chances to post as ``reply_from_posters`` says); each member
   weighs today's content against what it expected (a muted member
   a share of it), drains or refills its patience, and, when none is left, mutes the
   group or leaves (a muted member leaves); a spammer is reported or moves on.
6. Members still contributing at the end of the day tell their friends (who count them as
   posted yesterday tomorrow); the DataCollector records the day.

Within each pass an agent reads only the state at the start of the pass and the day's
totals, never another agent's decision of the same pass, so the order of activation does
not change any outcome's distribution; ``do`` is used rather than ``shuffle_do``, which
would only add the cost of shuffling.

Run ``python benchmarks/mesa_reference.py --population 400 --days 150`` to print a run.
"""

from __future__ import annotations

import argparse
import math
import sys
from itertools import combinations

import mesa

from commsim.network import small_world_network
from commsim.parameters import validate

OUTSIDER, CONTRIBUTOR, LURKER, LEFT, MUTED = range(5)  # as in commsim.population
MEMBER_STATES = frozenset((CONTRIBUTOR, LURKER, MUTED))
REGULAR, SPAMMER = 0, 1
CORE_COLUMNS = (
    "members",
    "contributors",
    "lurkers",
    "muted",
    "joined",
    "left",
    "messages",
    "mean_value",
    "joiner_value",
    "leaver_value",
)
TINY = sys.float_info.min * sys.float_info.epsilon  # the smallest positive float


def beta_by_mean(random, mean: float, concentration: float) -> float:
    """One draw of Beta(mean * c, (1 - mean) * c); exactly 1 when the mean is 1, a shape
    that underflows to 0 the smallest positive float (``population.beta_by_mean``)."""
    if mean >= 1.0:
        return 1.0
    alpha, beta = max(mean * concentration, TINY), max((1 - mean) * concentration, TINY)
    return random.betavariate(alpha, beta)


def sigmoid(z: float) -> float:
    """1 / (1 + exp(-z)) without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class ReferenceMember(mesa.Agent):
    """A person who may join the group, contribute, lurk, mute and leave, deciding alone.

    Attributes:
        need, value, patience, activity: traits in [0, 1], drawn at birth.
        verbosity: how long its turns run, log-normal of mean 1 (``verbosity_spread``).
        role: REGULAR or SPAMMER (need 0, value 0, activity 1, verbosity 1).
        state: OUTSIDER, CONTRIBUTOR, LURKER, MUTED or LEFT.
        friends, friend_set: the people this person knows (network neighbours).
        friends_inside: friends who are members (muted ones too).
        friends_reading: friends who are members and have not muted the group.
        friends_posted: friends who posted yesterday and are still contributors.
        joined_day: the day this person joined (-1 while outside).
        capacity: a full patience reservoir, patience * patience_days.
        reservoir: patience left, in days of full disappointment.
        satisfaction: yesterday's utility minus expectation.
        answered: how often its recent posts were answered.
        written_today: messages written today (0: did not post).
    """

    def __init__(self, model: ReferenceModel) -> None:
        super().__init__(model)
        p, random = model.params, model.random
        concentration = p["trait_concentration"]
        self.need = beta_by_mean(random, p["need_mean"], concentration)
        self.value = beta_by_mean(random, p["value_mean"], concentration)
        self.patience = beta_by_mean(random, p["patience_mean"], concentration)
        self.activity = beta_by_mean(random, p["activity_mean"], p["activity_concentration"])
        spread = p["verbosity_spread"]  # population.draw_verbosity: exp(s Z - s^2 / 2)
        self.verbosity = random.lognormvariate(-spread * spread / 2, spread) if spread else 1.0
        self.role = REGULAR
        if random.random() < p["spammer_share"]:
            self.role = SPAMMER
            self.need, self.value, self.activity, self.verbosity = 0.0, 0.0, 1.0, 1.0
        self.capacity = self.patience * p["patience_days"]
        self.state = OUTSIDER
        self.friends: list[ReferenceMember] = []
        self.friend_set: set[ReferenceMember] = set()
        self.friends_inside = self.friends_reading = self.friends_posted = 0
        self.joined_day = -1
        self.reservoir = 0.0
        self.satisfaction = 0.0
        self.answered = 0.0
        self.written_today = 0

    def set_state(self, state: int) -> None:
        """Change state, keeping the model's counts of people by role and state."""
        counts = self.model.counts[self.role]
        counts[self.state] -= 1
        counts[state] += 1
        self.state = state

    # ---------------------------------------------------------------- 1. join
    def consider_joining(self) -> None:
        """Apply to join with chance p_discover(ambient, x) * interest (``rules``:
        ``discovery_probability``, ``friend_exposure``): one uniform draw u, compared
        first with bounds that are cheaper to compute (interest <= 1, linked share <= 1)."""
        model = self.model
        u = model.random.random()
        reach = model.ambient_today
        if not self.friends_reading:  # no exposure (x = 0): p_discover = ambient
            if u < reach and u < reach * self.interest():
                model.applicants.append(self)
            return
        p = model.params
        posted, silent, gain = self.friends_posted, p["silent_exposure"], p["linked_gain"]
        unlinked = math.log2(1.0 + posted + silent * (self.friends_reading - posted))
        most = 1.0 - (1.0 - reach) * model.not_pulled ** (unlinked * (1.0 + gain))
        if u >= most:
            return
        interest = self.interest()
        if u >= most * interest:
            return  # no linked share can make this one join (thinning)
        linked = self.linked_share() if gain else 0.0
        discover = 1.0 - (1.0 - reach) * model.not_pulled ** (unlinked * (1.0 + gain * linked))
        if u < discover * interest:
            model.applicants.append(self)

    def interest(self) -> float:
        """Chance of joining once the group is discovered (``rules.join_interest``):
        n * exp(-4 cooling max(v - vbar, 0)), vbar the members' mean value at dawn;
        spammers 1 (they join to advertise)."""
        if self.role == SPAMMER:
            return 1.0
        above = self.value - self.model.mean_value_at_dawn
        if above <= 0:
            return self.need
        return self.need * math.exp(-4.0 * self.model.params["cooling"] * above)

    def linked_share(self) -> float:
        """Share of pairs of friends inside (at dawn) who are friends of each other."""
        inside = [friend for friend in self.friends if friend.state in MEMBER_STATES]
        if len(inside) < 2:
            return 0.0
        pairs = sum(1 for a, b in combinations(inside, 2) if b in a.friend_set)
        return pairs / (len(inside) * (len(inside) - 1) / 2)

    def join(self) -> None:
        """Enter the group as a lurker, with full patience and no grudge; friends count
        one more member inside."""
        model = self.model
        self.set_state(LURKER)
        self.joined_day = model.day
        self.reservoir = self.capacity
        self.satisfaction = 0.0
        model.outsiders.discard(self)
        model.members.add(self)
        model.value_sum += self.value
        model.joiners.append(self)
        for friend in self.friends:
            friend.friends_inside += 1
            friend.friends_reading += 1

    # ---------------------------------------------------------------- 2. post
    def take_part(self) -> None:
        """A muted member comes back up with chance 1 - exp(-(resurfacing + mention_pull *
        m)) (``rules.surfacing_probability``, m: friends who posted yesterday); a reading
        member posts or lurks."""
        self.written_today = 0
        model = self.model
        if self.state == MUTED:
            p = model.params
            hazard = p["resurfacing"] + p["mention_pull"] * self.friends_posted
            if model.random.random() >= 1.0 - math.exp(-hazard):
                return
            self.set_state(LURKER)
            for friend in self.friends:
                friend.friends_reading += 1
        self.post_or_lurk()

    def post_or_lurk(self) -> None:
        """Contribute with chance min(x, 1), x the ``rules.posting_propensity`` (spammers:
        ``spam_rate``); a contributor writes 1 + Poisson(``rules.turn_length``)."""
        model = self.model
        p = model.params
        if self.role == SPAMMER:
            propensity = p["spam_rate"]
        else:
            day, h = model.day, p["group_novelty"]  # rules.posting_tenure (founded on day 0)
            tenure = h * day + (1.0 - h) * (day - self.joined_day)
            novelty = p["novelty"] * math.exp(-tenure / p["novelty_days"])
            response = 1.0 + p["response_gain"] * self.answered  # rules.response_factor
            engagement = 2.0 * sigmoid(p["engagement_steepness"] * self.satisfaction)
            propensity = max(
                self.activity * response * (1.0 + novelty) * engagement * model.overload, 0.0
            )
        self.chance_today = min(propensity, 1.0)
        if self.role != SPAMMER:
            model.posting_chances += self.chance_today
        if model.random.random() >= propensity:  # chance min(x, 1)
            self.set_state(LURKER)
            return
        self.set_state(CONTRIBUTOR)
        desired = (  # rules.turn_length
            (p["messages_per_post"] - 1.0)
            * self.verbosity
            * max(propensity, 1.0) ** p["turn_growth"]
        )
        extra = desired / (1.0 + desired / p["daily_capacity"])
        written = 1 + int(model.rng.poisson(extra))
        self.written_today = written
        model.messages += written
        if self.role == SPAMMER:
            model.spam += written
        else:
            model.valued_messages += written * self.value
        model.posters.append(self)

    # ---------------------------------------------------------------- 3-4. weigh the day
    def weigh_day(self) -> None:
        """Weigh today against the expectation; mute or leave when patience runs out.

        U = benefit + novelty - reading cost + answer + noise, E = expectation (with
        cooling); surplus = U - E (a share ``muted_reading`` of it when muted) moves the
        patience reservoir (``rules``: ``content_benefit``, ``novelty_utility``,
        ``expected_utility``, ``muted_surplus``, ``patience_after``, ``mute_probability``).
        """
        if self.role == SPAMMER:
            self.settle_spammer()
            return
        model = self.model
        p, random = model.params, model.random
        answer = 0.0
        if self.written_today:  # rules.responders, expected_replies, answered_share, ...
            h = p["reply_from_posters"]  # rules.responders
            others = (1.0 - h) * max(model.readers_today - 1.0, 0.0) + h * max(
                model.posting_chances - self.chance_today, 0.0
            )
            expected = others * -math.expm1(-p["reply_rate"] * self.written_today)
            replies = int(model.rng.poisson(expected))
            got = replies / (replies + p["reply_half"])
            self.answered += p["response_memory"] * (got - self.answered)
            answer = p["answer_utility"] * got
        benefit = self.need * model.content_factor
        novelty = p["novelty"] * math.exp(-(model.day - self.joined_day) / p["novelty_days"])
        cost = model.reading_cost_today
        utility = benefit + novelty - cost + answer + random.gauss(0.0, p["mood_noise"])
        above = self.value - model.mean_value_today
        expected = p["expectation"] * self.need + (p["cooling"] * above if above > 0 else 0.0)
        surplus = utility - expected
        muted = self.state == MUTED
        if muted:
            surplus *= p["muted_reading"]
        self.satisfaction = surplus
        gain = surplus if surplus < 0 else p["recovery"] * surplus
        self.reservoir = min(self.reservoir + gain, self.capacity)
        if self.reservoir > 0:
            return
        if not muted:
            total = benefit + max(cost, 0.0)
            chance = p["muting"] * (benefit / total if total > 0 else 1.0)
            if random.random() < chance:
                self.mute()
                return
        self.leave()

    def mute(self) -> None:
        """Mute the group: stay a member, read little, post nothing; muting refills
        patience (a muted group asks little)."""
        self.set_state(MUTED)
        self.reservoir = self.capacity
        for friend in self.friends:
            friend.friends_reading -= 1

    def settle_spammer(self) -> None:
        """Reported by a reader (if it posted today) and removed, or moves on (``rules.
        report_probability``, ``spammer_leaving_probability``)."""
        model = self.model
        p, random = model.params, model.random
        readers = model.readers_today
        reported = 1.0 - (1.0 - p["report_rate"]) ** readers
        moving = p["spam_move_on"] * p["spam_readers"] / (p["spam_readers"] + readers)
        if self.state == CONTRIBUTOR and random.random() < reported:
            self.leave()
        elif random.random() < moving:
            self.leave()

    def leave(self) -> None:
        """Leave the group for good; friends count one member fewer inside."""
        model = self.model
        reading = self.state != MUTED
        self.set_state(LEFT)
        model.members.discard(self)
        model.value_sum -= self.value
        model.leavers.append(self)
        for friend in self.friends:
            friend.friends_inside -= 1
            if reading:
                friend.friends_reading -= 1


class ReferenceModel(mesa.Model):
    """One group in a population of ``ReferenceMember`` agents, one step a day.

    Args:
        rng: seed or numpy Generator.
        **parameters: any parameter of ``commsim.parameters.PARAMETERS`` (validated the
            same way; ``groups`` must be 1).
    """

    def __init__(self, *, rng=None, **parameters) -> None:
        self.params = validate(parameters)
        p = self.params
        if p["groups"] != 1:
            raise ValueError(f"groups={p['groups']} is not supported: the reference has one group")
        if p["initial_members"] > p["population"]:
            raise ValueError(
                f"initial_members={p['initial_members']} is larger than "
                f"population={p['population']}: expected at most population founders"
            )
        super().__init__(rng=rng)
        self.day = 0
        self.counts = [[0] * 5 for _ in (REGULAR, SPAMMER)]  # people by role and state
        self.people = [ReferenceMember(self) for _ in range(p["population"])]
        for person in self.people:
            self.counts[person.role][OUTSIDER] += 1
        graph = small_world_network(self.rng, p["population"], p["mean_degree"], p["rewiring"])
        for i, person in enumerate(self.people):
            person.friends = [self.people[j] for j in graph.adj[i] if j != i]
            person.friend_set = set(person.friends)
        self.outsiders = mesa.agent.AgentSet(self.people, random=self.random)
        self.members = mesa.agent.AgentSet([], random=self.random)
        self.value_sum = 0.0
        self.not_pulled = 1.0 - p["social_pull"]  # rules.discovery_probability: (1 - s) ** x
        self.posted_yesterday: list[ReferenceMember] = []
        self.overload = 1.0  # 2 / (1 + max(yesterday's load, 1)): none on day 1
        self._new_day()
        self._found_group()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "members": lambda m: len(m.members),
                "contributors": lambda m: m.counts[REGULAR][CONTRIBUTOR],
                "lurkers": lambda m: m.counts[REGULAR][LURKER] + m.counts[SPAMMER][LURKER],
                "muted": lambda m: m.counts[REGULAR][MUTED] + m.counts[SPAMMER][MUTED],
                "joined": lambda m: len(m.joiners),
                "left": lambda m: len(m.leavers),
                "messages": lambda m: float(m.messages - m.spam),
                "mean_value": lambda m: m.mean_value(math.nan),
                "joiner_value": lambda m: _mean([a.value for a in m.joiners]),
                "leaver_value": lambda m: _mean([a.value for a in m.leavers]),
            }
        )
        self.datacollector.collect(self)

    def _found_group(self) -> None:
        """Founders drawn without replacement with probability proportional to value
        (spammers excluded), as in ``CommunityModel``."""
        weights = [0.0 if a.role == SPAMMER else a.value for a in self.people]
        count = self.params["initial_members"]
        if sum(w > 0 for w in weights) < count:  # too few with value: anyone may found
            weights = [w + 1e-12 for w in weights]
        total = sum(weights)
        chosen = self.rng.choice(
            len(self.people), size=count, replace=False, p=[w / total for w in weights]
        )
        for i in chosen:
            self.people[int(i)].join()

    def _new_day(self) -> None:
        self.messages = 0
        self.spam = 0
        self.valued_messages = 0.0
        self.posting_chances = 0.0  # P_g of rules.responders: readers' chances to post
        self.applicants: list[ReferenceMember] = []
        self.joiners: list[ReferenceMember] = []
        self.leavers: list[ReferenceMember] = []
        self.posters: list[ReferenceMember] = []

    def mean_value(self, empty: float = 0.0) -> float:
        """The members' mean value now (``empty`` when there are none)."""
        return self.value_sum / len(self.members) if len(self.members) else empty

    def step(self) -> None:
        """One day: dawn, outsiders join, members post, the day is totalled, members
        weigh it, contributors tell their friends."""
        p = self.params
        self.day += 1
        self._new_day()
        self.mean_value_at_dawn = self.mean_value()
        ambient = p["ambient_inflow"] * math.exp(-self.day / p["promotion_days"])
        self.ambient_today = min(ambient, 1.0)  # rules.ambient_inflow_rate
        self.outsiders.do("consider_joining")
        for person in self.applicants:
            person.join()
        self.members.do("take_part")

        counts = self.counts[REGULAR]
        self.readers_today = float(counts[CONTRIBUTOR] + counts[LURKER])
        self.mean_value_today = self.mean_value()
        self.content_factor = 1.0 - math.exp(-self.valued_messages / p["content_scale"])
        load = (self.messages + (p["spam_weight"] - 1.0) * self.spam) / p["attention_budget"]
        self.reading_cost_today = p["reading_cost"] * min(load, 1.0) + p["overload_cost"] * max(
            load - 1.0, 0.0
        )  # rules.reading_load, reading_cost
        self.members.do("weigh_day")
        self.overload = 2.0 / (1.0 + max(load, 1.0))  # rules.posting_propensity, tomorrow
        self._tell_friends_who_posted()
        self.datacollector.collect(self)

    def _tell_friends_who_posted(self) -> None:
        """Friends of today's contributors who are still contributors (not muted, not
        gone) count them as posted yesterday, tomorrow; yesterday's are forgotten."""
        for person in self.posted_yesterday:
            for friend in person.friends:
                friend.friends_posted -= 1
        self.posted_yesterday = [a for a in self.posters if a.state == CONTRIBUTOR]
        for person in self.posted_yesterday:
            for friend in person.friends:
                friend.friends_posted += 1


def _mean(values: list[float], empty: float = math.nan) -> float:
    return sum(values) / len(values) if values else empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=400)
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    model = ReferenceModel(rng=args.seed, population=args.population)
    model.run_for(args.days)
    print(model.datacollector.get_model_vars_dataframe().iloc[::10].to_string())


if __name__ == "__main__":
    main()
