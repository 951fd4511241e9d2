"""``CommunityModel``: the life of one or more groups in a population, one step a day.

A day, in order (``CommunityModel.step``)::

    1. discover and join   outsiders hear of a group through ads or friends inside, and join
    2. post                each member contributes or lurks; messages per group
    3. experience          benefit of content, cost of reading, novelty, comparison
    4. leave               patience drains by the shortfall; those with none left leave
    5. record              the day's metrics

Each rule is a function in ``commsim.rules`` with its equation; this module applies them
to the population's arrays (``commsim.population``) and lets strategies
(``commsim.strategies``) act at fixed points of the day.

How strategies act on the model: they read anything (``model.population``'s arrays,
``model.group_open``, ``model.adjacency``, ``today``), set the day's levers on ``today``
(``Day``), and change state only through the mutators below, never by assigning into the
arrays; each mutator keeps every derived array consistent and records what happened on
``today``:

    people      admit, remove_members, move_members
    groups      add_group, open_group, close_group
    persons     set_role, set_traits, refill_patience, adjust_patience, add_ties
    content     add_posts (members' extra posts); today.add_messages, today.remove_messages
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from commsim import rules
from commsim.agents import Member
from commsim.inequality import gini, top_share
from commsim.parameters import PARAMETERS, check_together, validate
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    FOUNDER,
    FRIENDS,
    KOL,
    KOL_PULL,
    LEFT,
    LURKER,
    NO_GROUP,
    OPERATOR,
    REGULAR,
    SPAMMER,
    adjacency_matrix,
    draw_population,
    small_world_network,
)
from commsim.strategies.base import Strategy
from commsim.strategies.keywords import FLAT_KEYWORDS, strategies_from_keywords


@dataclass(eq=False)
class Day:
    """What happens on one day: the strategies' levers and the day's outcomes.

    Levers (strategies set them in ``start_day``):
        ambient_boost: multiplier of the ambient inflow.
        social_pull: today's chance that one friend inside brings an outsider in.
        posting_boost: multiplier of each person's chance to post (scalar or per person).
        utility_bonus: utility added to each member's day (scalar or per person).
        on_topic: share of members' messages that are on the group's topic and carry
            their writer's value (off-topic chatter and red-packet thanks carry none).

    Outcomes (per group unless said otherwise):
        messages, valued_messages, spam: messages, value-weighted on-topic messages, spam
            (changed through ``add_messages`` and ``remove_messages``).
        joined, left: person indices of today's joiners and leavers.
        left_groups: the group each of ``left`` left (aligned with ``left``).
        moved: person indices of members moved to another group today (repeats possible).
        spend, revenue, conversions: the operator's money today, over all groups.
    """

    day: int
    groups: int
    social_pull: float
    ambient_boost: float = 1.0
    posting_boost: float | np.ndarray = 1.0
    utility_bonus: float | np.ndarray = 0.0
    on_topic: float = 1.0
    messages: np.ndarray = field(init=False)
    valued_messages: np.ndarray = field(init=False)
    spam: np.ndarray = field(init=False)
    joined: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    left: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    left_groups: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    moved: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    spend: float = 0.0
    revenue: float = 0.0
    conversions: int = 0

    def __post_init__(self) -> None:
        self.messages = np.zeros(self.groups)
        self.valued_messages = np.zeros(self.groups)
        self.spam = np.zeros(self.groups)

    def message_value(self, writer_value) -> np.ndarray:
        """Value carried by each message a member writes today: ``v_i * on_topic``
        (off-topic chatter and red-packet thanks carry none)."""
        return writer_value * self.on_topic

    def add_messages(self, groups, count, value=0.0, spam=False) -> None:
        """Add messages to today's groups, one entry per writer (or per group):

            M_g += sum_k c_k,   V_g += sum_k c_k * v_k,   S_g += sum_k c_k [spam_k]

        over the entries k with ``groups[k] == g``. ``count``, ``value`` and ``spam`` are
        scalars or arrays aligned with ``groups``; ``value`` is each message's value
        (``message_value`` for members' own messages).
        """
        messages, valued, spammed = self._tally(groups, count, value, spam)
        self.messages += messages
        self.valued_messages += valued
        self.spam += spammed

    def remove_messages(self, groups, count, value=0.0, spam=False) -> None:
        """Take messages out of today's groups before anyone reads them (moderation
        deleting posts): the inverse of ``add_messages`` with the same arguments, each
        total kept at 0 or above (against rounding)."""
        messages, valued, spammed = self._tally(groups, count, value, spam)
        for total, removed in (
            (self.messages, messages), (self.valued_messages, valued), (self.spam, spammed)
        ):  # fmt: skip
            total -= removed
            np.maximum(total, 0.0, out=total)

    def _tally(self, groups, count, value, spam):
        groups = np.asarray(groups, dtype=np.intp)
        count = np.broadcast_to(np.asarray(count, dtype=float), groups.shape)
        value = np.broadcast_to(value, groups.shape)
        spam = np.broadcast_to(np.asarray(spam, dtype=bool), groups.shape)
        n = self.groups
        return (
            np.bincount(groups, weights=count, minlength=n),
            np.bincount(groups, weights=count * value, minlength=n),
            np.bincount(groups[spam], weights=count[spam], minlength=n),
        )

    def add_group(self) -> None:
        """Grow the per-group outcomes by one group, with nothing in it yet
        (``CommunityModel.add_group`` calls it)."""
        self.groups += 1
        self.messages = np.append(self.messages, 0.0)
        self.valued_messages = np.append(self.valued_messages, 0.0)
        self.spam = np.append(self.spam, 0.0)


REPORTERS = (
    "members", "contributors", "lurkers", "joined", "left", "messages", "spam_messages",
    "mean_value", "joiner_value", "leaver_value", "gini", "top1_share", "top10_share",
    "active_groups", "spend", "revenue", "conversions",
)  # fmt: skip


class CommunityModel(mesa.Model):
    """Groups in a population of people with a need, a value and a patience.

    Every model parameter is a keyword with a default; ``commsim.parameters.PARAMETERS``
    lists them with their ranges and meanings (``help(CommunityModel)`` shows the
    signature). One step is one day.

    Args:
        rng: seed or numpy Generator; the same seed gives the same run.
        network: a networkx graph of friendships with at least ``population`` nodes (its
            first ``population`` nodes, in node order, are the people); by default a
            seeded Watts-Strogatz small world.
        strategies: operator policies (``commsim.strategies``) applied every day.
        **parameters: any parameter in ``PARAMETERS``, and any strategy's flat keyword
            (``red_packets_budget=500``, ``entry_threshold_kind="fee"``, ``moderation=True``;
            see ``commsim.strategies.keywords``): a strategy given this way is added after
            those in ``strategies``.

    Raises:
        ValueError: for an unknown parameter, a value outside its range, or a network with
            fewer nodes than the population.

    Example:
        >>> model = CommunityModel(rng=1)
        >>> model.run_for(365)
        >>> model.datacollector.get_model_vars_dataframe()  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        rng=None,
        network: nx.Graph | None = None,
        strategies: Iterable[Strategy] = (),
        **parameters,
    ) -> None:
        flat_strategies, parameters = strategies_from_keywords(parameters)
        self.params = validate(parameters)
        p = self.params
        check_together(p)
        if network is not None and network.number_of_nodes() < p["population"]:
            raise ValueError(
                f"network has {network.number_of_nodes()} nodes, fewer than "
                f"population={p['population']}: expected a graph with at least that many nodes"
            )
        self.strategies = list(strategies) + flat_strategies
        for strategy in self.strategies:
            if not isinstance(strategy, Strategy):
                raise ValueError(
                    f"strategies: {strategy!r} is not a commsim strategy "
                    "(expected instances of commsim.strategies.Strategy)"
                )
        super().__init__(rng=rng)

        self.population = draw_population(self.rng, p)
        self._graph = network
        if network is None:
            network = small_world_network(
                self.rng, p["population"], p["mean_degree"], p["rewiring"]
            )
            self._graph = network
        self._set_adjacency(adjacency_matrix(network, p["population"]))
        self.people: list[Member] = list(
            Member.create_agents(self, p["population"], list(range(p["population"])))
        )

        self.day = 0
        self._group_open = np.ones(p["groups"], dtype=bool)
        self._load = np.zeros(p["groups"])  # yesterday's reading load per group, in budgets
        self.today = Day(0, self.n_groups, p["social_pull"])
        self._found_groups(self.today)
        for strategy in self.strategies:
            strategy.setup(self)

        self.datacollector = mesa.DataCollector(
            model_reporters={name: self._reporter(name) for name in REPORTERS}
        )
        self._record(self.today)

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day: join, post, experience, leave, record."""
        self.day += 1
        today = Day(self.day, self.n_groups, self.params["social_pull"])
        self.today = today
        for strategy in self.strategies:
            strategy.start_day(self, today)
        self._discover_and_join(today)
        self._post(today)
        self._experience(today)
        self._leave(today)
        for strategy in self.strategies:
            strategy.end_day(self, today)
        self._record(today)

    # ------------------------------------------------------------------ groups
    @property
    def n_groups(self) -> int:
        """Number of groups that exist (open or closed, with or without members)."""
        return self._group_open.size

    @property
    def group_open(self) -> np.ndarray:
        """Whether outsiders can find and join each group (read-only; ``open_group``,
        ``close_group`` change it). A closed group keeps its members."""
        view = self._group_open.view()
        view.flags.writeable = False
        return view

    @property
    def reading_load(self) -> np.ndarray:
        """Yesterday's reading load per group, in attention budgets (above 1: overload)."""
        return self._load

    def group_sizes(self) -> np.ndarray:
        """Members per group."""
        pop = self.population
        return np.bincount(pop.group[pop.member_mask], minlength=self.n_groups)

    def _found_groups(self, today: Day) -> None:
        """Seed each group with founders drawn with probability proportional to value.

        Groups start around people who have something to give, so an open group's
        founders are above the population's average value: the condition for
        evaporative cooling as outsiders arrive. They are day 0's joiners.
        """
        pop, p = self.population, self.params
        weights = np.where(pop.role == SPAMMER, 0.0, pop.value)
        count = p["initial_members"] * p["groups"]
        if np.count_nonzero(weights) < count:  # too few with value: anyone may found
            weights = weights + 1e-12
        founders = self.rng.choice(pop.size, size=count, replace=False, p=weights / weights.sum())
        groups = np.repeat(np.arange(p["groups"]), p["initial_members"])
        self.admit(founders, groups, today, route=FOUNDER)

    # ------------------------------------------------------------------ 1. join
    def _discover_and_join(self, today: Day) -> None:
        """Outsiders discover a group through ads or friends, and join if they need it.

        p_join_i = p_discover(ambient(t), k_i) * interest_i, where interest is the need
        (spammers join to advertise: interest 1). See ``rules.discovery_probability``.
        A joiner's entry route is read off the same uniform draw u_i < p_join_i: friends
        when u_i < p_join_i * share_i (``rules.friend_share_of_discovery``), else ambient;
        of the friends' part, the share kol_i / k_i of active friends who are KOLs is KOL pull.
        """
        if not self._group_open.any():
            return
        pop, p = self.population, self.params
        outsiders = np.flatnonzero(pop.state == 0)
        if outsiders.size == 0:
            return
        active = pop.state == CONTRIBUTOR
        friends_inside = self._friend_counts(active)[outsiders]
        ambient = today.ambient_boost * rules.ambient_inflow_rate(
            p["ambient_inflow"], self.day, p["promotion_days"]
        )
        discover = rules.discovery_probability(min(ambient, 1.0), friends_inside, today.social_pull)
        groups = self._choose_groups(outsiders, friends_inside, ambient, today.social_pull)
        group_mean_value = self._group_mean_value()
        if group_mean_value.size == 1:  # one group: a scalar, not an array of outsiders
            group_mean_value = group_mean_value[0]
        else:
            group_mean_value = group_mean_value[groups]
        interest = rules.join_interest(
            pop.need[outsiders], pop.value[outsiders], group_mean_value, p["cooling"]
        )
        interest[pop.role[outsiders] == SPAMMER] = 1.0  # spammers join to advertise
        draws = self.rng.random(outsiders.size)
        chance = discover * interest
        applies = np.flatnonzero(draws < chance)
        applicants, groups = outsiders[applies], groups[applies]
        draws, chance, friends_inside = draws[applies], chance[applies], friends_inside[applies]
        share = rules.friend_share_of_discovery(
            min(ambient, 1.0), friends_inside, today.social_pull
        )
        routes = np.where(draws < chance * share, FRIENDS, AMBIENT)
        active_kols = active & (pop.role == KOL)
        if active_kols.any():
            kols_inside = self._friend_counts(active_kols)[applicants]
            kol_share = np.divide(
                kols_inside, friends_inside, out=np.zeros(applicants.size), where=friends_inside > 0
            )
            routes[draws < chance * share * kol_share] = KOL_PULL
        if applicants.size == 0:
            return
        admitted = np.ones(applicants.size, dtype=bool)
        for strategy in self.strategies:
            admitted &= strategy.admit(self, today, applicants, groups)
        joiners = applicants[admitted]
        self.admit(joiners, groups[admitted], today, route=routes[admitted])
        for strategy in self.strategies:
            strategy.on_join(self, today, joiners)

    @property
    def adjacency(self) -> sp.csr_array:
        """Who counts whom as a friend: ``A[i, j] = 1`` when j is i's friend (float32 CSR).

        ``A @ x`` counts, for every person, the friends for whom ``x`` is 1. Strategies
        add one-way ties with ``add_ties`` (e.g. followers of KOLs).
        """
        return self._adjacency

    def _set_adjacency(self, matrix) -> None:
        self._adjacency = sp.csr_array(matrix)
        self._adjacency_by_friend = self._adjacency.tocsc()  # column j: who counts j

    def _friend_counts(self, mask: np.ndarray) -> np.ndarray:
        """For every person, how many of their friends have ``mask`` set (``A @ mask``).

        Reads only the columns of the people in ``mask`` (few: today's contributors)
        instead of multiplying the whole matrix.
        """
        counted = self._adjacency_by_friend[:, np.flatnonzero(mask)].indices
        return np.bincount(counted, minlength=self.population.size).astype(np.float32)

    def _choose_groups(
        self, people: np.ndarray, friends_inside: np.ndarray, ambient: float, social_pull: float
    ) -> np.ndarray:
        """The group each of ``people`` would join, through the same two channels as
        ``rules.discovery_probability``: open group g is chosen with probability

            w_g / sum(w),   w_g = ambient / (open groups) + social_pull * k_g

        where ``k_g`` counts the person's active friends (contributors) in g
        (``friends_inside`` is their count in any group). One uniform
        draw per person picks the channel and the group: ambient reach picks an open group
        uniformly, the social channel the group of a uniformly chosen active friend.
        """
        open_groups = np.flatnonzero(self._group_open)
        if open_groups.size == 1:
            return np.full(people.size, open_groups[0], dtype=np.int32)
        pop = self.population
        active = np.flatnonzero(pop.state == CONTRIBUTOR)
        active = active[self._group_open[pop.group[active]]]
        in_group = sp.csr_array(
            (np.ones(active.size, np.float32), (active, pop.group[active])),
            shape=(pop.size, self.n_groups),
        )
        # only people with an active friend need per-group counts: few, once groups age
        sociable = np.flatnonzero(friends_inside > 0)
        friends = (self.adjacency[people[sociable]] @ in_group).tocsr()  # sociable x groups
        ambient = max(ambient, 1e-12)
        social_weight = np.zeros(people.size)
        social_weight[sociable] = social_pull * friends.sum(axis=1)
        draws = self.rng.random(people.size) * (ambient + social_weight)
        chosen = open_groups[
            np.minimum((draws / ambient * open_groups.size).astype(np.int64), open_groups.size - 1)
        ].astype(np.int32)
        social = np.flatnonzero(draws[sociable] >= ambient)  # rows of ``friends``
        if social.size:
            cumulative = np.cumsum(friends.data, dtype=np.float64)
            before = np.concatenate([[0.0], cumulative])[friends.indptr[social]]
            target = before + (draws[sociable[social]] - ambient) / social_pull
            position = np.searchsorted(cumulative, target, side="right")
            position = np.minimum(position, friends.indptr[social + 1] - 1)
            chosen[sociable[social]] = friends.indices[position]
        return chosen

    def _group_mean_value(self) -> np.ndarray:
        """Mean value of each group's members (0 for an empty group)."""
        pop = self.population
        members = pop.members
        group = pop.group[members]
        sizes = np.bincount(group, minlength=self.n_groups)
        total = np.bincount(group, weights=pop.value[members], minlength=self.n_groups)
        return np.divide(total, sizes, out=np.zeros(self.n_groups), where=sizes > 0)

    # ------------------------------------------------------------------ 2. post
    def _post(self, today: Day) -> None:
        """Each member contributes or lurks (``rules.contribution_probability``);
        spammers post ads with probability ``spam_rate``. A contributor writes
        1 + Poisson(messages_per_post - 1) messages."""
        pop, p = self.population, self.params
        members = pop.members
        group = pop.group[members]
        spammer = pop.role[members] == SPAMMER
        tenure = self.day - pop.joined_day[members]
        boost = today.posting_boost
        if isinstance(boost, np.ndarray):
            boost = boost[members]
        chance = rules.contribution_probability(
            np.minimum(pop.activity[members] * boost, 1.0),
            pop.satisfaction[members],
            rules.novelty_utility(tenure, p["novelty"], p["novelty_days"]),
            self._load[group],
        )
        chance = np.where(spammer, p["spam_rate"], chance)
        posts = self.rng.random(members.size) < chance
        pop.state[members] = np.where(posts, CONTRIBUTOR, LURKER)
        writers, writer_group = members[posts], group[posts]
        written = 1 + self.rng.poisson(p["messages_per_post"] - 1.0, writers.size)
        pop.contributions[writers] += written
        value = today.message_value(pop.value[writers])
        today.add_messages(writer_group, written, value, spam=spammer[posts])
        for strategy in self.strategies:
            strategy.add_content(self, today)

    # ------------------------------------------------------------------ 3. experience
    def _experience(self, today: Day) -> None:
        """Each member weighs the day: U = benefit + novelty - cost + bonus + noise,
        against the expectation E (which carries evaporative cooling); the surplus
        U - E is their satisfaction and moves their patience (``rules``)."""
        pop, p = self.population, self.params
        members = pop.members
        group = pop.group[members]
        mean_value = self._group_mean_value()
        self._load = rules.reading_load(
            today.messages, today.spam, p["attention_budget"], p["spam_weight"]
        )
        cost = rules.reading_cost(self._load, p["reading_cost"], p["overload_cost"])
        need = pop.need[members]
        bonus = today.utility_bonus
        if isinstance(bonus, np.ndarray):
            bonus = bonus[members]
        utility = (
            rules.content_benefit(need, today.valued_messages[group], p["content_scale"])
            + rules.novelty_utility(
                self.day - pop.joined_day[members], p["novelty"], p["novelty_days"]
            )
            - cost[group]
            + bonus
            + self.rng.normal(0.0, p["mood_noise"], members.size)
        )
        expected = rules.expected_utility(
            need, pop.value[members], mean_value[group], p["expectation"], p["cooling"]
        )
        surplus = utility - expected
        pop.satisfaction[members] = surplus
        pop.reservoir[members] = rules.patience_after(
            pop.reservoir[members], surplus, pop.patience[members] * p["patience_days"],
            p["recovery"],
        )  # fmt: skip

    # ------------------------------------------------------------------ 4. leave
    def _leave(self, today: Day) -> None:
        """Members whose patience is used up leave for good (spammers stay until removed)."""
        pop = self.population
        members = pop.members
        out = members[(pop.reservoir[members] <= 0) & (pop.role[members] != SPAMMER)]
        self.remove_members(out, today)

    # ------------------------------------------------------------------ 5. record
    def _record(self, today: Day) -> None:
        """Compute the day's metrics once and hand them to the DataCollector."""
        pop = self.population
        members = pop.members
        state = pop.state[members]
        contributions = pop.contributions[members]
        self._metrics = {
            "members": members.size,
            "contributors": int(np.count_nonzero(state == CONTRIBUTOR)),
            "lurkers": int(np.count_nonzero(state == LURKER)),
            "joined": today.joined.size,
            "left": today.left.size,
            "messages": float(today.messages.sum()),
            "spam_messages": float(today.spam.sum()),
            "mean_value": _mean(pop.value[members]),
            "joiner_value": _mean(pop.value[today.joined]),
            "leaver_value": _mean(pop.value[today.left]),
            "gini": gini(contributions),
            "top1_share": top_share(contributions, 0.01),
            "top10_share": top_share(contributions, 0.10),
            "active_groups": int(np.unique(pop.group[members]).size),
            "spend": today.spend,
            "revenue": today.revenue,
            "conversions": today.conversions,
        }
        self.datacollector.collect(self)

    def _reporter(self, name: str):
        return lambda model: model._metrics[name]

    # ------------------------------------------------------------------ mutators
    # The only writers of member and group state outside the day's own rules (1-5 below).
    def admit(self, people, groups, today: Day, route=OPERATOR) -> None:
        """Make outsiders ``people`` members of ``groups`` (one group, or one per person)
        today: a joiner lurks (``LURKER``), with ``joined_day`` today, the entry ``route``
        (one, or one per person; ``population.OPERATOR`` by default: placed by a strategy),
        a full patience reservoir (``refill_patience``) and satisfaction 0; they are
        counted in ``today.joined``. Strategies' ``admit`` and ``on_join`` hooks are not
        called (they are for the model's own joining, step 1)."""
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        pop.group[people] = groups
        pop.entry_route[people] = route
        pop.state[people] = LURKER
        pop.joined_day[people] = self.day
        pop.satisfaction[people] = 0.0
        self.refill_patience(people)
        today.joined = np.concatenate([today.joined, people])

    def remove_members(self, people, today: Day, banned: bool = False) -> None:
        """Take members ``people`` out of their groups today, for good: their state is
        ``LEFT``, ``left_day`` today, ``banned`` set as given (moderation bans); they are
        counted in ``today.left`` and the groups they left in ``today.left_groups``.

        Raises:
            ValueError: for people who are not members.
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        self._check_members(people, "removed")
        today.left_groups = np.concatenate([today.left_groups, pop.group[people]])
        pop.group[people] = NO_GROUP
        pop.state[people] = LEFT
        pop.left_day[people] = self.day
        pop.banned[people] = banned
        today.left = np.concatenate([today.left, people])

    def move_members(self, people, group: int, today: Day) -> None:
        """Move members ``people`` into ``group`` (open or closed; splitting, a private
        group). A move is not a new joining: ``joined_day`` (hence tenure and novelty),
        ``entry_route``, the patience reservoir, state and contributions carry over, and
        the movers are counted in ``today.moved``, not in ``today.joined`` or ``left``.

        Raises:
            ValueError: for a group that does not exist or people who are not members.
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        if not 0 <= group < self.n_groups:
            raise ValueError(
                f"group={group} does not exist: expected a group in [0, {self.n_groups - 1}]"
            )
        self._check_members(people, "moved")
        pop.group[people] = group
        today.moved = np.concatenate([today.moved, people])

    def _check_members(self, people: np.ndarray, action: str) -> None:
        outside = people[self.population.group[people] < 0]
        if outside.size:
            raise ValueError(
                f"people: {outside[:5].tolist()} are not members: only members can be {action}"
            )

    def add_group(self, founders=None) -> int:
        """Create a new open group (and its entries in today's outcomes, ``Day.add_group``),
        moving members ``founders`` into it (``move_members``) when given.

        Returns:
            The new group's index.
        """
        self._group_open = np.append(self._group_open, True)
        self._load = np.append(self._load, 0.0)
        self.today.add_group()
        group = self.n_groups - 1
        if founders is not None:
            self.move_members(founders, group, self.today)
        return group

    def open_group(self, group: int) -> None:
        """Let outsiders find and join ``group`` again."""
        self._group_open[group] = True

    def close_group(self, group: int) -> None:
        """Hide ``group`` from outsiders (no one discovers or joins it); its members stay
        and members can still be moved into it."""
        self._group_open[group] = False

    def set_role(self, people, role: int) -> None:
        """Give ``people`` the role ``role`` (``population.REGULAR``, ``KOL`` or ``SPAMMER``);
        their traits stay as they are (``set_traits`` changes them).

        Raises:
            ValueError: for an unknown role.
        """
        if role not in (REGULAR, KOL, SPAMMER):
            raise ValueError(
                f"role={role!r} is not a role: expected REGULAR ({REGULAR}), KOL ({KOL}) "
                f"or SPAMMER ({SPAMMER}) from commsim.population"
            )
        self.population.role[np.asarray(people, dtype=np.int64)] = role

    def set_traits(self, people, *, need=None, value=None, patience=None, activity=None):
        """Set traits of ``people`` (each a number or one per person, in [0, 1]); traits
        not given stay. The patience reservoir is not touched: a new patience is the
        capacity that ``refill_patience`` fills and ``rules.patience_after`` caps.

        Raises:
            ValueError: for a trait outside [0, 1].
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        traits = {"need": need, "value": value, "patience": patience, "activity": activity}
        for name, new in traits.items():
            if new is None:
                continue
            new = np.asarray(new, dtype=float)
            if not np.all((new >= 0.0) & (new <= 1.0)):
                shown = new.item() if new.ndim == 0 else new[~((new >= 0) & (new <= 1))][0]
                raise ValueError(f"{name}={shown!r} is out of range: expected a number in [0, 1]")
            getattr(pop, name)[people] = new

    def refill_patience(self, people) -> None:
        """Fill the patience reservoir of ``people`` to its capacity (the one place of
        this rule; joiners get it):

            R_i = patience_i * patience_days
        """
        pop = self.population
        pop.reservoir[people] = pop.patience[people] * self.params["patience_days"]

    def adjust_patience(self, people, days) -> None:
        """Add ``days`` (a number or one per person; negative drains, e.g. a moderator's
        rebuke) to the patience reservoir of ``people``, at most to its capacity:

            R_i <- min(R_i + days_i, patience_i * patience_days)

        A reservoir at 0 or below makes the member leave at the end of the day (step 4).
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        capacity = pop.patience[people] * self.params["patience_days"]
        pop.reservoir[people] = np.minimum(pop.reservoir[people] + days, capacity)

    def add_ties(self, followers, leaders) -> None:
        """One-way ties: from now on each ``followers[k]`` counts ``leaders[k]`` as a friend
        (``A[f, l] = 1``; the leader does not count the follower), so an active leader
        brings the follower in like an active friend inside. Existing ties stay; the
        friendship graph ``network`` is not changed."""
        followers = np.asarray(followers, dtype=np.int64).ravel()
        leaders = np.broadcast_to(np.asarray(leaders, dtype=np.int64), followers.shape)
        ties = sp.csr_array(
            (np.ones(followers.size, np.float32), (followers, leaders)),
            shape=self._adjacency.shape,
        )
        adjacency = (self._adjacency + ties).tocsr()
        adjacency.data[:] = 1.0
        self._set_adjacency(adjacency)

    def add_posts(self, people, messages: float, value: float, today: Day) -> None:
        """Members ``people`` each post ``messages`` messages of value ``value`` beside
        their own posting (a KOL's sharing session): the messages go to their groups
        (``today.add_messages``), count (rounded) in their contributions, and make them
        active (contributors) today, so their friends see them posting."""
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        today.add_messages(pop.group[people], messages, value)
        pop.contributions[people] += round(messages)
        pop.state[people] = CONTRIBUTOR

    # ------------------------------------------------------------------ for users
    @property
    def network(self) -> nx.Graph:
        """The friendship graph (networkx); node ``i`` is person ``i``."""
        return self._graph

    def members(self) -> list[Member]:
        """The agents currently in a group."""
        return [self.people[i] for i in self.population.members]


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan


def _signature() -> inspect.Signature:
    """``CommunityModel``'s signature with every parameter of ``PARAMETERS`` spelled out."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    fixed = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("rng", keyword, default=None),
        inspect.Parameter("network", keyword, default=None),
        inspect.Parameter("strategies", keyword, default=()),
    ]
    params = [inspect.Parameter(n, keyword, default=q.default) for n, q in PARAMETERS.items()]
    flat = [inspect.Parameter(n, keyword, default=None) for n in FLAT_KEYWORDS]
    return inspect.Signature(fixed + params + flat)


CommunityModel.__init__.__signature__ = _signature()
