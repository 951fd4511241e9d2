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
(``commsim.day.Day``), and change state only through the model's mutators
(``commsim.mutators``), never by assigning into the arrays; each mutator keeps every
derived array consistent and records what happened on ``today``:

    people      model.admit, model.remove_members, model.move_members
    groups      model.add_group, model.open_group, model.close_group
    persons     model.set_role, model.set_traits, model.refill_patience,
                model.adjust_patience, model.add_ties
    content     model.add_posts (members' extra posts); today.add_messages,
                today.remove_messages (operator content, moderation)

Why this module is over 400 lines: what is left in it is the day itself, its five steps
in their order and the state they read. The rules live in ``commsim.rules``, the writers
of state in ``commsim.mutators``, the day's levers in ``commsim.day`` and the people's
arrays in ``commsim.population``; cutting the day's steps apart would hide their order.
"""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Iterable

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from commsim import rules
from commsim.agents import Member
from commsim.checks import check_arguments
from commsim.day import Day
from commsim.inequality import gini, top_share
from commsim.mutators import Mutators
from commsim.parameters import PARAMETERS, RUN_DAYS, check_together, parameters_doc, validate
from commsim.population import (
    AMBIENT,
    CONTRIBUTOR,
    FOUNDER,
    FRIENDS,
    KOL,
    KOL_PULL,
    LURKER,
    SPAMMER,
    adjacency_matrix,
    draw_population,
    small_world_network,
)
from commsim.strategies import registry
from commsim.strategies.base import Strategy

REPORTERS = (
    "members", "contributors", "lurkers", "joined", "left", "messages", "spam_messages",
    "mean_value", "joiner_value", "leaver_value", "gini", "top1_share", "top10_share",
    "active_groups", "spend", "revenue", "conversions",
)  # fmt: skip


class CommunityModel(Mutators, mesa.Model):
    """Groups in a population of people with a need, a value and a patience.

    Every model parameter is a keyword with a default; ``commsim.parameters.PARAMETERS``
    lists them with their ranges and meanings (``help(CommunityModel)`` shows the
    signature). One step is one day. Strategies, the classroom and analyses change the
    model's state only through its mutators (``commsim.mutators``).

    Args:
        rng: seed or numpy Generator; the same seed gives the same run.
        network: a networkx graph of friendships with at least ``population`` nodes (its
            first ``population`` nodes, in node order, are the people); by default a
            seeded Watts-Strogatz small world.
        strategies: operator policies (``commsim.strategies``) applied every day.
        **parameters: any parameter in ``PARAMETERS``, and any strategy's flat keyword
            (``red_packets_budget=500``, ``entry_threshold_kind="fee"``, ``moderation=True``;
            see ``commsim.strategies.registry``; every registered strategy has them): a
            strategy given this way is added after those in ``strategies``.

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
        """Check every argument (see the class's docstring) and build day 0."""
        flat_strategies, parameters = registry.strategies_from_keywords(parameters)
        self.params = validate(parameters)
        p = self.params
        check_together(p)
        rng, self.strategies = check_arguments(rng, network, strategies, p, flat_strategies)
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

    def run_model(self, days: int = RUN_DAYS.default) -> None:
        """Step ``days`` days (a horizon: default a year), or fewer if ``self.running``
        becomes False. Mesa's ``run_model`` steps while ``running``, which nothing in a
        group's life ends, so it never returned; ``run_for(days)`` is the same."""
        for _ in range(RUN_DAYS.check(days)):
            if not self.running:
                break
            self.step()

    # ------------------------------------------------------------------ groups
    @property
    def group_open(self) -> np.ndarray:
        """Whether outsiders can find and join each group (read-only; ``open_group``,
        ``close_group`` change it). A closed group keeps its members."""
        view = self._group_open.view()
        view.flags.writeable = False
        return view

    @property
    def reading_load(self) -> np.ndarray:
        """Yesterday's reading load per group, in attention budgets (above 1: overload;
        read-only)."""
        view = self._load.view()
        view.flags.writeable = False
        return view

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
        self._join(founders, groups, today, FOUNDER)

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
        self._join(joiners, groups[admitted], today, routes[admitted])
        for strategy in self.strategies:
            strategy.on_join(self, today, joiners)

    @property
    def adjacency(self) -> sp.csr_array:
        """Who counts whom as a friend: ``A[i, j] = 1`` when j is i's friend (float32 CSR).

        ``A @ x`` counts, for every person, the friends for whom ``x`` is 1. Strategies
        add one-way ties with ``add_ties`` (e.g. followers of KOLs).
        """
        return self._adjacency

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
        self._remove(out, today)

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
    """``CommunityModel``'s signature: every parameter of ``PARAMETERS`` and the flat
    keywords of every strategy registered at the time of asking."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    fixed = [
        inspect.Parameter("rng", keyword, default=None),
        inspect.Parameter("network", keyword, default=None),
        inspect.Parameter("strategies", keyword, default=()),
    ]
    params = [inspect.Parameter(n, keyword, default=q.default) for n, q in PARAMETERS.items()]
    flat = [inspect.Parameter(n, keyword, default=None) for n in registry.flat_parameters()]
    return inspect.Signature(fixed + params + flat)


class _Signature:
    """``CommunityModel.__signature__``, computed when asked (``inspect.signature``), so a
    strategy registered after import appears; a subclass with its own ``__init__`` keeps
    the signature of that ``__init__``."""

    def __get__(self, instance: object, owner: type) -> inspect.Signature:
        if instance is not None or owner.__init__ is not CommunityModel.__init__:
            raise AttributeError("__signature__")
        return _signature()


CommunityModel.__signature__ = _Signature()
CommunityModel.__doc__ += textwrap.indent(parameters_doc(), "    ") + "\n"
