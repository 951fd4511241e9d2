"""A plain per-agent Mesa implementation of commsim's rules, written as by hand.

This is the yardstick for ``commsim.CommunityModel``: every person is a
``ReferenceMember`` holding its own attributes, and decides for itself each day in its
own ``step``. It uses the same equations (the scalar-capable functions of
``commsim.rules``), the same parameters (``commsim.parameters.validate``), the same trait
distributions, founders and small-world network, and reports the same core columns
(members, contributors and messages without spammers and spam, lurkers, muted, joined,
left, mean_value, joiner_value, leaver_value). One group, no strategies.

A day mirrors ``CommunityModel.step`` and its timing:

1. At dawn the model notes the group's mean value and today's ambient inflow (what
   outsiders see when they consider joining), who is a member (friends inside, for
   exposure) and keeps yesterday's reading load.
2. ``shuffle_do("step")``: in random order, an outsider considers joining (exposure
   through friends who are members, more through those who posted yesterday, more when
   they are linked) and, if it joins, takes part in the same day; a muted member comes
   back up with the chance of a friend's mention; a member who reads contributes or
   lurks, by yesterday's satisfaction, yesterday's load and how often it was answered.
   Posts add to the day's message counts.
3. The model totals the day (messages, value-weighted messages, spam, reading cost, the
   readers (members who have not muted, spammers aside) and the mean value of the
   members, today's joiners included).
4. ``shuffle_do("weigh_day")``: each member who posted is answered or not by the
   readers; each member weighs today's content against what it expected (a muted member
   a share of it), drains or refills its patience, and, when none is left, mutes the
   group or leaves (a muted member leaves); a spammer is reported or moves on.
5. The DataCollector records the day.

Two passes are needed because a member's day depends on everything posted that day;
within each pass agents act independently, in random order, so the order does not
change the outcome's distribution.

Run ``python benchmarks/mesa_reference.py --population 400 --days 150`` to print a run.
"""

from __future__ import annotations

import argparse
import math

import mesa

from commsim import rules
from commsim.network import small_world_network
from commsim.parameters import validate

OUTSIDER, CONTRIBUTOR, LURKER, LEFT, MUTED = "outsider", "contributor", "lurker", "left", "muted"
REGULAR, SPAMMER = "regular", "spammer"
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


def beta_by_mean(rng, mean: float, concentration: float) -> float:
    """One draw of Beta(mean * c, (1 - mean) * c); exactly 1 when the mean is 1."""
    if mean >= 1.0:
        return 1.0
    return float(rng.beta(mean * concentration, (1.0 - mean) * concentration))


class ReferenceMember(mesa.Agent):
    """A person who may join the group, contribute, lurk and leave, deciding alone.

    Attributes:
        need, value, patience, activity: traits in [0, 1], drawn at birth.
        role: "regular" or "spammer" (need 0, value 0, activity 1).
        state: "outsider", "contributor", "lurker", "muted" or "left".
        friends: the agents this person knows (neighbours in the network).
        joined_day: the day this person joined (None while outside).
        reservoir: patience left, in days of full disappointment.
        satisfaction: yesterday's utility minus expectation.
        contributions: messages written since joining.
        contributed_yesterday: posted yesterday and is still a member (pulls friends in).
        member_at_dawn: a member at the start of today (exposes friends outside).
        answered: how often its recent posts were answered.
        written_today: messages written today (0: did not post).
    """

    def __init__(self, model: ReferenceModel) -> None:
        super().__init__(model)
        p, rng = model.params, model.rng
        concentration = p["trait_concentration"]
        self.need = beta_by_mean(rng, p["need_mean"], concentration)
        self.value = beta_by_mean(rng, p["value_mean"], concentration)
        self.patience = beta_by_mean(rng, p["patience_mean"], concentration)
        self.activity = beta_by_mean(rng, p["activity_mean"], p["activity_concentration"])
        self.role = REGULAR
        if rng.random() < p["spammer_share"]:
            self.role = SPAMMER
            self.need, self.value, self.activity = 0.0, 0.0, 1.0
        self.state = OUTSIDER
        self.friends: list[ReferenceMember] = []
        self.joined_day: int | None = None
        self.reservoir = 0.0
        self.satisfaction = 0.0
        self.contributions = 0
        self.contributed_yesterday = False
        self.member_at_dawn = False
        self.muted_at_dawn = False
        self.answered = 0.0
        self.written_today = 0

    @property
    def is_member(self) -> bool:
        """In the group now (contributing, lurking or muted)."""
        return self.state in (CONTRIBUTOR, LURKER, MUTED)

    # ---------------------------------------------------------------- the day's decision
    def step(self) -> None:
        """Outsiders consider joining; muted members may come back up; members who read
        (today's joiners too) post or lurk."""
        self.written_today = 0
        if self.state == OUTSIDER:
            self.consider_joining()
        if self.state == MUTED:
            self.consider_surfacing()
        if self.is_member and self.state != MUTED:
            self.post_or_lurk()

    def consider_joining(self) -> None:
        """Join with chance p_discover(ambient, exposure through friends) x interest."""
        model, p = self.model, self.model.params
        inside = [friend for friend in self.friends if friend.member_at_dawn]
        reading = sum(1 for friend in inside if not friend.muted_at_dawn)
        posted = sum(1 for friend in inside if friend.contributed_yesterday)
        pairs = sum(1 for i, a in enumerate(inside) for b in inside[i + 1 :] if b in a.friend_set)
        possible = len(inside) * (len(inside) - 1) / 2
        exposure = rules.friend_exposure(
            posted, reading, p["silent_exposure"], pairs / possible if possible else 0.0,
            p["linked_gain"],
        )  # fmt: skip
        discover = rules.discovery_probability(model.ambient_today, exposure, p["social_pull"])
        if self.role == SPAMMER:
            interest = 1.0  # spammers join to advertise
        else:
            interest = rules.join_interest(
                self.need, self.value, model.mean_value_at_dawn, p["cooling"]
            )
        if model.rng.random() < discover * interest:
            self.join()

    def join(self) -> None:
        """Enter the group as a lurker, with full patience and no grudge."""
        model = self.model
        self.state = LURKER
        self.joined_day = model.day
        self.reservoir = self.patience * model.params["patience_days"]
        self.satisfaction = 0.0
        model.joiners.append(self)

    def consider_surfacing(self) -> None:
        """Come back up with ``rules.surfacing_probability`` (friends who posted yesterday
        mention it; no strategies here, so no other pull)."""
        p = self.model.params
        mentions = sum(1 for friend in self.friends if friend.contributed_yesterday)
        if self.model.rng.random() < rules.surfacing_probability(0.0, mentions, p["mention_pull"]):
            self.state = LURKER

    def post_or_lurk(self) -> None:
        """Contribute with ``rules.contribution_probability`` (spammers: ``spam_rate``),
        talkativeness raised by being answered (``rules.response_factor``); a propensity
        above 1 lengthens the turn (``rules.turn_length``)."""
        model, p = self.model, self.model.params
        response = float(rules.response_factor(self.answered, p["response_gain"]))
        novelty = float(rules.novelty_utility(self.tenure, p["novelty"], p["novelty_days"]))
        if self.role == SPAMMER:
            propensity = p["spam_rate"]
        else:
            propensity = float(
                rules.posting_propensity(
                    self.activity * response,  # no posting boost: no strategies here
                    self.satisfaction,
                    novelty,
                    model.load_yesterday,
                )
            )
        if model.rng.random() < min(propensity, 1.0):
            self.state = CONTRIBUTOR
            extra = float(rules.turn_length(p["messages_per_post"], propensity))
            written = 1 + int(model.rng.poisson(extra))
            self.written_today = written
            self.contributions += written
            model.messages += written
            if self.role == SPAMMER:
                model.spam += written
            else:
                model.valued_messages += written * self.value
        else:
            self.state = LURKER

    @property
    def tenure(self) -> int:
        """Days since joining."""
        return self.model.day - self.joined_day

    # ---------------------------------------------------------------- the day's verdict
    def weigh_day(self) -> None:
        """Compare today's utility with the expectation; leave when patience runs out.

        U = benefit + novelty - reading cost + noise, E = expectation (with cooling),
        surplus = U - E moves the patience reservoir (``commsim.rules``).
        """
        if not self.is_member:
            return
        model, p = self.model, self.model.params
        if self.role == SPAMMER:
            self.settle_spammer()
            return
        answer = 0.0
        if self.written_today:
            others = max(model.readers_today - 1.0, 0.0)
            reads = others * self.written_today
            replies = model.rng.poisson(float(rules.expected_replies(reads, p["reply_rate"])))
            got = float(rules.answered_share(replies, p["reply_half"]))
            self.answered = float(
                rules.response_memory_after(self.answered, got, p["response_memory"])
            )
            answer = p["answer_utility"] * got
        benefit = float(rules.content_benefit(self.need, model.valued_messages, p["content_scale"]))
        utility = (
            benefit
            + rules.novelty_utility(self.tenure, p["novelty"], p["novelty_days"])
            - model.reading_cost_today
            + answer
            + model.rng.normal(0.0, p["mood_noise"])
        )
        expected = rules.expected_utility(
            self.need, self.value, model.mean_value_today, p["expectation"], p["cooling"]
        )
        surplus = float(utility - expected)
        if self.state == MUTED:
            surplus = float(rules.muted_surplus(surplus, p["muted_reading"]))
        self.satisfaction = surplus
        capacity = self.patience * p["patience_days"]
        self.reservoir = float(
            rules.patience_after(self.reservoir, surplus, capacity, p["recovery"])
        )
        self.contributed_yesterday = self.state == CONTRIBUTOR
        if self.reservoir > 0:
            return
        mute = float(rules.mute_probability(benefit, model.reading_cost_today, p["muting"]))
        if self.state != MUTED and model.rng.random() < mute:
            self.state = MUTED  # muting refills patience: a muted group asks little
            self.reservoir = capacity
        else:
            self.leave()

    def settle_spammer(self) -> None:
        """Reported by a reader (if it posted today) and removed, or moves on: the rules of
        ``commsim.spam``."""
        model, p = self.model, self.model.params
        readers = model.readers_today
        reported = self.state == CONTRIBUTOR and model.rng.random() < rules.report_probability(
            readers, p["report_rate"]
        )
        moving = model.rng.random() < rules.spammer_leaving_probability(
            readers, p["spam_move_on"], p["spam_readers"]
        )
        if reported or moving:
            self.leave()
        else:
            self.contributed_yesterday = self.state == CONTRIBUTOR

    def leave(self) -> None:
        """Leave the group for good."""
        self.state = LEFT
        self.contributed_yesterday = False
        self.model.leavers.append(self)


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
        self.people = [ReferenceMember(self) for _ in range(p["population"])]
        graph = small_world_network(self.rng, p["population"], p["mean_degree"], p["rewiring"])
        for i, person in enumerate(self.people):
            person.friends = [self.people[j] for j in graph.neighbors(i) if j != i]
            person.friend_set = set(person.friends)

        self.load_yesterday = 0.0
        self._new_day()
        self._found_group()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "members": lambda m: len(m.members()),
                "contributors": lambda m: sum(
                    a.state == CONTRIBUTOR and a.role != SPAMMER for a in m.people
                ),
                "lurkers": lambda m: sum(a.state == LURKER for a in m.people),
                "muted": lambda m: sum(a.state == MUTED for a in m.people),
                "joined": lambda m: len(m.joiners),
                "left": lambda m: len(m.leavers),
                "messages": lambda m: float(m.messages - m.spam),
                "mean_value": lambda m: _mean([a.value for a in m.members()]),
                "joiner_value": lambda m: _mean([a.value for a in m.joiners]),
                "leaver_value": lambda m: _mean([a.value for a in m.leavers]),
            }
        )
        self.datacollector.collect(self)

    def _found_group(self) -> None:
        """Founders drawn without replacement with probability proportional to value
        (spammers excluded), as in ``CommunityModel``."""
        weights = [0.0 if a.role == SPAMMER else a.value for a in self.people]
        total = sum(weights)
        if total == 0:
            weights, total = [1.0] * len(self.people), float(len(self.people))
        count = self.params["initial_members"]
        if sum(w > 0 for w in weights) < count:
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
        self.joiners: list[ReferenceMember] = []
        self.leavers: list[ReferenceMember] = []

    def members(self) -> list[ReferenceMember]:
        """The people in the group now."""
        return [a for a in self.people if a.is_member]

    def step(self) -> None:
        """One day: dawn, everyone decides, the day is totalled, everyone weighs it."""
        p = self.params
        self.day += 1
        self._new_day()
        self.mean_value_at_dawn = _mean([a.value for a in self.members()], empty=0.0)
        for person in self.people:
            person.member_at_dawn = person.is_member
            person.muted_at_dawn = person.state == MUTED
        self.ambient_today = min(
            float(rules.ambient_inflow_rate(p["ambient_inflow"], self.day, p["promotion_days"])),
            1.0,
        )
        self.agents.shuffle_do("step")

        self.mean_value_today = _mean([a.value for a in self.members()], empty=0.0)
        self.readers_today = float(
            sum(a.role != SPAMMER and a.state in (CONTRIBUTOR, LURKER) for a in self.people)
        )
        load = rules.reading_load(self.messages, self.spam, p["attention_budget"], p["spam_weight"])
        self.reading_cost_today = float(
            rules.reading_cost(load, p["reading_cost"], p["overload_cost"])
        )
        self.agents.shuffle_do("weigh_day")
        self.load_yesterday = load
        self.datacollector.collect(self)


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
