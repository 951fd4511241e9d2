"""``CommunityModel``: the life of one or more groups in a population, one step a day.

A day, in order (``CommunityModel.step``)::

    1. discover and join   outsiders hear of a group through ads or friends inside, and join
       surface             muted members come back up when something pulls (commsim.muting)
    2. post                each member contributes or lurks; messages per group
    3. experience          benefit of content, cost of reading, novelty, comparison
    4. mute or leave       patience drains by the shortfall; those with none left mute the
                           group or leave (commsim.muting); spammers are reported or move
                           on (commsim.spam)
    5. record              the day's metrics

Each rule is a function in ``commsim.rules`` with its equation; this module applies them
to the population's arrays (``commsim.population``) and lets strategies
(``commsim.strategies``) act at fixed points of the day. Mechanisms with more than one
rule live in their own modules (``commsim.discovery``, ``commsim.posting``,
``commsim.audience``, ``commsim.muting``, ``commsim.spam``); what stays here is the day's
order, experience, recording and the model's read-only views.

How strategies act on the model: they read anything (``model.population``'s arrays,
``model.group_open``, ``model.adjacency``, ``today``), set the day's levers on ``today``
(``commsim.day.Day``), and change state only through the model's mutators
(``commsim.mutators``), never by assigning into the arrays; each mutator keeps every
derived array consistent and records what happened on ``today``:

    people      model.admit, model.remove_members, model.move_members,
                model.mute_members, model.unmute_members
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
import textwrap
from collections.abc import Iterable

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp

from commsim import discovery, muting, posting, rules, setup_cache, spam
from commsim.agents import Member
from commsim.checks import check_arguments
from commsim.compiled import kernel, lever, lever_array, normal_quantile
from commsim.day import Day
from commsim.inequality import participation_of_counts
from commsim.mutators import Mutators, count_friends_of
from commsim.network import adjacency_matrix
from commsim.parameters import PARAMETERS, RUN_DAYS, check_together, parameters_doc, validate
from commsim.population import (
    CONTRIBUTOR,
    FOUNDER,
    LURKER,
    MUTED,
    SPAMMER,
)
from commsim.strategies import registry
from commsim.strategies.base import Strategy
from commsim.streams import Streams, _keyed_uniforms, entropy_of

REPORTERS = (
    "members", "contributors", "lurkers", "muted", "spammers", "joined", "left", "messages",
    "spam_messages",
    "mean_value", "joiner_value", "leaver_value", "gini", "top1_share", "top10_share",
    "active_groups", "spend", "revenue", "conversions",
)  # fmt: skip


#: The daily metrics that are counts (the others are real numbers).
COUNTS = frozenset(("members", "contributors", "lurkers", "muted", "spammers", "joined", "left",
                    "active_groups", "conversions"))  # fmt: skip
_REPORTED = frozenset(REPORTERS)
#: The top shares among the daily metrics (``top1_share``, ``top10_share``).
TOP_FRACTIONS = np.array([0.01, 0.10])


class DailyMetrics(mesa.DataCollector):
    """Mesa's DataCollector of the model's daily metrics (``REPORTERS``): the model writes
    each day's metrics as one row of numbers (``CommunityModel._record``), which is kept
    as it is in a preallocated table, without a call, copy and check per value as Mesa
    makes them; ``model_vars`` (Mesa's lists by name, and so
    ``get_model_vars_dataframe``) takes the table's new rows when read, counts as ints.
    With reporters of other names, agent reporters or agent-type reporters it collects
    as Mesa's does."""

    @property
    def model_vars(self) -> dict[str, list]:
        """Mesa's values by reporter, one per collection, the table's rows included."""
        rows = self._rows[self._listed:self._filled]
        if rows.size:
            for name, column in zip(REPORTERS, rows.T, strict=True):
                numbers = column.astype(np.int64) if name in COUNTS else column
                self._model_vars[name].extend(numbers.tolist())
            self._listed = self._filled
        return self._model_vars

    @model_vars.setter
    def model_vars(self, values: dict[str, list]) -> None:
        self._model_vars = values
        self._rows = np.empty((0, len(REPORTERS)))
        self._listed = self._filled = 0  # rows of the table in the lists; rows written

    def columns(self) -> dict[str, np.ndarray]:
        """Each reporter's values, one per collection, as a float64 array: the columns of
        ``get_model_vars_dataframe()`` without making the frame (read off the table when
        every collection went into it, else off ``model_vars``)."""
        if not self._listed and not any(self._model_vars.values()):
            return {name: self._rows[:self._filled, j] for j, name in enumerate(REPORTERS)}
        return {name: np.asarray(values, dtype=np.float64)
                for name, values in self.model_vars.items()}  # fmt: skip

    def collect(self, model) -> None:
        ours = self.model_reporters.keys() == _REPORTED
        if not ours or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        if self._filled == len(self._rows):  # room for as many days again, 64 at first
            grown = np.empty((max(64, 2 * self._filled), len(REPORTERS)))
            grown[:self._filled] = self._rows
            self._rows = grown
        self._rows[self._filled] = model._row
        self._filled += 1


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
        self.streams = Streams(entropy_of(rng))
        super().__init__(rng=rng)

        self.population = setup_cache.population(self.streams, p)
        self._graph = network
        if network is None:
            self._small_world, adjacency = setup_cache.network(
                self.streams, p["population"], p["mean_degree"], p["rewiring"]
            )
            self._set_adjacency(adjacency)
        else:
            self._set_adjacency(adjacency_matrix(network, p["population"]))
        self._people: list[Member] | None = None  # made when first asked (``people``)

        self.day = 0
        self._group_open = np.ones(p["groups"], dtype=bool)
        self._founded_day = np.zeros(p["groups"], dtype=np.int64)  # per group
        self._load = np.zeros(p["groups"])  # yesterday's reading load per group, in budgets
        self._members = np.zeros(0, dtype=np.int64)  # kept by the mutators (_member_index)
        self.today = Day(0, self.n_groups, p["social_pull"])
        self._found_groups(self.today)
        for strategy in self.strategies:
            strategy.setup(self)

        self.datacollector = DailyMetrics(
            model_reporters={name: self._reporter(name) for name in REPORTERS}
        )
        self._record(self.today)

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """One day: join, surface, post, experience, mute or leave, record."""
        self.day += 1
        self.streams.start_day(self.day)
        today = Day(self.day, self.n_groups, self.params["social_pull"])
        self.today = today
        for strategy in self.strategies:
            strategy.start_day(self, today)
        members = self._member_index()
        contributors = members[self.population.state[members] == CONTRIBUTOR]
        posted_friends = self._friend_counts(contributors)
        self._discover_and_join(today, posted_friends)
        muting.surface(self, today, posted_friends)
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

    def stream(self, name: str) -> np.random.Generator:
        """The random stream of mechanism ``name`` (``commsim.streams.MECHANISMS``, or
        ``strategy.<key>``): each mechanism draws from its own child of the run's seed, so
        two same-seed runs differ only where their settings act. ``model.rng`` stays
        Mesa's generator for users; the model's rules do not draw from it."""
        return self.streams[name]

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
        return np.bincount(pop.group[self._member_index()], minlength=self.n_groups)

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
        founders = self.stream("founders").choice(
            pop.size, size=count, replace=False, p=weights / weights.sum()
        )
        groups = np.repeat(np.arange(p["groups"]), p["initial_members"])
        self._join(founders, groups, today, FOUNDER)

    # ------------------------------------------------------------------ 1. join
    def _discover_and_join(self, today: Day, posted_friends: np.ndarray) -> None:
        """Outsiders discover a group through ads or friends who are members, and join
        (``commsim.discovery``)."""
        discovery.discover_and_join(self, today, posted_friends)

    @property
    def adjacency(self) -> sp.csr_array:
        """Who counts whom as a friend: ``A[i, j] = 1`` when j is i's friend (float32 CSR).

        ``A @ x`` counts, for every person, the friends for whom ``x`` is 1. Strategies
        add one-way ties with ``add_ties`` (e.g. followers of KOLs).
        """
        return self._adjacency

    def _friend_counts(self, chosen: np.ndarray) -> np.ndarray:
        """For every person, how many of their friends are among ``chosen`` (distinct
        person indices): ``A @ x`` with ``x`` 1 for the chosen, read off the columns of
        the chosen in the column-major table (``count_friends_of``)."""
        counts = np.zeros(self.population.size, dtype=np.float32)
        by_friend = self._adjacency_by_friend
        count_friends_of(counts, by_friend.indptr, by_friend.indices, chosen, 1.0)
        return counts

    def _group_mean_value(self) -> np.ndarray:
        """Mean value of each group's members (0 for an empty group)."""
        pop = self.population
        return _group_means(self._member_index(), pop.group, pop.value, self.n_groups)

    # ------------------------------------------------------------------ 2. post
    def _post(self, today: Day) -> None:
        """Each member who has not muted the group contributes or lurks, with the
        propensity ``rules.posting_propensity``; a contributor writes 1 +
        Poisson(``rules.turn_length``) messages; then the members' posts are answered or
        not (``commsim.posting``, ``audience.answer``)."""
        posting.post(self, today)

    # ------------------------------------------------------------------ 3. experience
    def _experience(self, today: Day) -> None:
        """Each member weighs the day: U = benefit + novelty - cost + bonus + noise,
        against the expectation E (which carries evaporative cooling); the surplus
        U - E is their satisfaction and moves their patience (``rules``; the kernel
        ``_members_experience``). The bonus is ``today.utility_bonus`` (one for all or per
        person) and what being answered gave the writers today (``audience.answer``)."""
        pop, p = self.population, self.params
        members = self._member_index()
        answered, answer_utility = self._answered
        bonus = lever_array(today.utility_bonus, pop.size, "utility_bonus")
        self._load, benefit, cost = _members_experience(
            members, pop.group, pop.need, pop.value, pop.joined_day, pop.state, pop.patience,
            pop.reservoir, pop.satisfaction, self._group_mean_value(), today.messages,
            today.spam, today.valued_messages, bonus, answered, answer_utility,
            self.streams.keys("experience", 1), self.day, p["attention_budget"], p["spam_weight"],
            p["reading_cost"], p["overload_cost"], p["content_scale"], p["novelty"],
            p["novelty_days"], p["expectation"], p["cooling"], p["mood_noise"],
            p["muted_reading"], p["patience_days"], p["recovery"],
        )  # fmt: skip
        self._experienced = (members, benefit, cost)

    # ------------------------------------------------------------------ 4. mute or leave
    def _leave(self, today: Day) -> None:
        """Members whose patience is used up mute the group or leave for good; muted
        members whose patience is used up leave (``muting.settle``; spammers stay until
        removed)."""
        muting.settle(self, today, *self._experienced)
        spam.settle(self, today, self._readers)

    # ------------------------------------------------------------------ 5. record
    def _record(self, today: Day) -> None:
        """Compute the day's metrics once (``_day_metrics``: a row of numbers in
        ``REPORTERS``' order) and hand them to the DataCollector."""
        pop = self.population
        self._row = np.empty(len(REPORTERS))
        self._named = None
        _day_metrics(
            self._row, self._member_index(), pop.state, pop.role, pop.group, pop.value,
            pop.contributions, self.n_groups, today.messages, today.spam, today.joined,
            today.left, float(today.spend), float(today.revenue), float(today.conversions),
            TOP_FRACTIONS,
        )  # fmt: skip
        self.datacollector.collect(self)

    @property
    def _metrics(self) -> dict[str, float]:
        """The day's metrics by name (counts as ints), made from the day's row when first
        asked for."""
        if self._named is None:
            self._named = {
                name: int(number) if name in COUNTS else number
                for name, number in zip(REPORTERS, self._row.tolist(), strict=True)
            }
        return self._named

    def _reporter(self, name: str):
        return lambda model: model._metrics[name]

    # ------------------------------------------------------------------ for users
    @property
    def network(self) -> nx.Graph:
        """The friendship graph (networkx); node ``i`` is person ``i``. The default small
        world is kept as arrays (``commsim.network``) and made a networkx graph when
        first asked for."""
        if self._graph is None:
            self._graph = self._small_world.graph()
        return self._graph

    @property
    def people(self) -> list[Member]:
        """Every person as a ``Member`` agent, ``people[i]`` person ``i`` (live views of
        the arrays). The agents are made, and registered with Mesa, when first asked for
        (here, ``model.agents``, ``agents_by_type``, ``agent_types``, or before any other
        agent registers), so that a model nobody inspects does not pay for them; they
        have the ids 1..population either way."""
        if self._people is None:
            self._people = []  # marks the making under way for register_agent
            self._people = [Member(self, i) for i in range(self.params["population"])]
        return self._people

    @property
    def agents(self):
        """Mesa's set of every agent, the people (``people``) first."""
        self.people  # noqa: B018 (made when first asked for)
        return super().agents

    @property
    def agents_by_type(self):
        """Mesa's agents by type, the people (``people``) under ``Member``."""
        self.people  # noqa: B018 (made when first asked for)
        return super().agents_by_type

    @property
    def agent_types(self):
        """Mesa's agent types, ``Member`` first."""
        self.people  # noqa: B018 (made when first asked for)
        return super().agent_types

    def register_agent(self, agent) -> None:
        """Mesa's registration, the people made first (``people``) so that they keep
        the ids 1..population when a user adds agents of their own."""
        if self._people is None:
            self.people  # noqa: B018
        super().register_agent(agent)

    def remove_all_agents(self) -> None:
        """Mesa's removal of every agent, the people included (made first if not yet)."""
        self.people  # noqa: B018
        super().remove_all_agents()

    def members(self) -> list[Member]:
        """The agents currently in a group."""
        return [self.people[i] for i in self.population.members]


_reading_load = kernel(rules.reading_load)
_reading_cost = kernel(rules.reading_cost)
_content_benefit = kernel(rules.content_benefit)
_novelty_utility = kernel(rules.novelty_utility)
_expected_utility = kernel(rules.expected_utility)
_muted_surplus = kernel(rules.muted_surplus)
_patience_after = kernel(rules.patience_after)
_patience_capacity = kernel(rules.patience_capacity)


@kernel
def _group_means(members, group, value, groups):
    """Mean value of each group's ``members`` (0 for an empty group):
    ``vbar_g = sum_{i in g} v_i / n_g``, summed in the members' order."""
    totals = np.zeros(groups)
    sizes = np.zeros(groups)
    for person in members:
        totals[group[person]] += value[person]
        sizes[group[person]] += 1.0
    means = np.zeros(groups)
    for g in range(groups):
        if sizes[g] > 0:
            means[g] = totals[g] / sizes[g]
    return means


@kernel
def _members_experience(members, group, need, value, joined_day, state, patience, reservoir,
                         satisfaction, mean_value, messages, spam, valued_messages, bonus, answered,
                         answer_utility, keys, day, attention_budget, spam_weight, reading_cost,
                         overload_cost, content_scale, novelty, novelty_days, expectation, cooling,
                         mood_noise, muted_reading, patience_days, recovery):  # fmt: skip
    """The day's experience of ``members`` (``CommunityModel._experience``), a kernel.

    Per group g: the load ``L_g`` (``rules.reading_load``) and the cost ``C_g``
    (``rules.reading_cost``). Per member i, with ``z_i`` a standard normal (the inverse
    normal distribution function of their keyed uniform from the ``experience`` stream's
    ``keys``: ``streams.per_person``), ``b_i`` the ``bonus`` lever (``lever_array``) plus
    what being answered gave the ``answered`` writers who are still members (``answer_utility``)::

        U_i = B_i + N_i - C_g + b_i + mood_noise * z_i      (rules.content_benefit,
        surplus_i = U_i - E_i                                 novelty_utility,
        (times muted_reading for a muted member)              expected_utility,
        r_i <- patience_after(r_i, surplus_i, patience_capacity_i)          muted_surplus)

    Writes ``satisfaction`` (the surplus) and ``reservoir`` of the members; returns the
    load per group and, per member, ``B_i`` and ``C_g``.
    """
    load = np.empty(messages.size)
    group_cost = np.empty(messages.size)
    for g in range(messages.size):
        load[g] = _reading_load(messages[g], spam[g], attention_budget, spam_weight)
        group_cost[g] = _reading_cost(load[g], reading_cost, overload_cost)
    answered_bonus = np.zeros(members.size)
    for k in range(answered.size):
        if group[answered[k]] >= 0:  # a strategy may have removed a writer since
            answered_bonus[np.searchsorted(members, answered[k])] += answer_utility[k]
    draws = _keyed_uniforms(keys, members)[0]
    benefit = np.empty(members.size)
    cost = np.empty(members.size)
    for i in range(members.size):
        person = members[i]
        g = group[person]
        benefit[i] = _content_benefit(need[person], valued_messages[g], content_scale)
        cost[i] = group_cost[g]
        utility = (
            benefit[i]
            + _novelty_utility(day - joined_day[person], novelty, novelty_days)
            - cost[i]
            + (lever(bonus, person) + answered_bonus[i])
            + mood_noise * normal_quantile(draws[i])
        )
        expected = _expected_utility(
            need[person], value[person], mean_value[g], expectation, cooling
        )
        surplus = utility - expected
        if state[person] == MUTED:
            surplus = _muted_surplus(surplus, muted_reading)
        satisfaction[person] = surplus
        reservoir[person] = _patience_after(
            reservoir[person], surplus, _patience_capacity(patience[person], patience_days),
            recovery,
        )
    return load, benefit, cost


@kernel
def _day_metrics(row, members, state, role, group, value, contributions, groups: int,
                 messages, spam, joined, left, spend, revenue, conversions, fractions):
    """The day's metrics written into ``row`` in ``REPORTERS``' order (a kernel). One pass
    over ``members`` counts them in each state (spammers apart), sums their values and
    marks the ``groups`` with a member; participation is over the contributions of those
    who are not spammers, in the members' order (``participation_of_counts``, top shares
    of ``fractions``); the messages per group and the values of ``joined`` and ``left``
    are summed as numpy sums them (``_summed``); the mean of none is NaN."""
    by_state = np.zeros((2, 5), dtype=np.int64)  # row 0 regulars and KOLs, row 1 spammers
    has_member = np.zeros(groups, dtype=np.bool_)
    own = np.empty(members.size, dtype=np.int64)
    value_sum, writers = 0.0, 0
    for person in members:
        spammer = role[person] == SPAMMER
        by_state[int(spammer), state[person]] += 1
        value_sum += value[person]
        has_member[group[person]] = True
        if not spammer:
            own[writers] = contributions[person]
            writers += 1
    measures = participation_of_counts(own[:writers], fractions)
    row[0] = members.size
    row[1] = by_state[0, CONTRIBUTOR]
    row[2] = by_state[0, LURKER] + by_state[1, LURKER]
    row[3] = by_state[0, MUTED] + by_state[1, MUTED]
    row[4] = by_state[1].sum()
    row[5] = joined.size
    row[6] = left.size
    row[7] = _summed(messages) - _summed(spam)
    row[8] = _summed(spam)
    row[9] = value_sum / members.size if members.size else np.nan
    row[10] = _summed(value[joined]) / joined.size if joined.size else np.nan
    row[11] = _summed(value[left]) / left.size if left.size else np.nan
    row[12:15] = measures
    row[15] = np.count_nonzero(has_member)
    row[16] = spend
    row[17] = revenue
    row[18] = conversions


@kernel
def _summed(values):
    """The sum of float ``values`` as numpy's ``values.sum()`` makes it, so the same
    number (a kernel; numba's own sum adds in order): numpy's pairwise summation, halves
    (cut on a multiple of 8) above 128 values; from 8 values on, 8 running sums of every
    8th value, added in pairs, then the rest in order."""
    n = values.size
    if n > 128:
        half = n // 2 - (n // 2) % 8
        return _summed(values[:half]) + _summed(values[half:])
    total, rest = 0.0, 0
    if n >= 8:
        rest = n - n % 8
        sums = values[:8].copy()
        for start in range(8, rest, 8):
            sums += values[start:start + 8]
        pairs = sums[0::2] + sums[1::2]
        total = (pairs[0] + pairs[1]) + (pairs[2] + pairs[3])
    for k in range(rest, n):
        total += values[k]
    return total


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
