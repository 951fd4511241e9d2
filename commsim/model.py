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
rule live in their own modules (``commsim.discovery``, ``commsim.audience``,
``commsim.muting``, ``commsim.spam``); what stays here is the day's order, posting,
experience, recording and the model's read-only views.

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
import math
import textwrap
from collections.abc import Iterable

import mesa
import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy import special

from commsim import audience, discovery, muting, rules, spam
from commsim.agents import Member
from commsim.checks import check_arguments
from commsim.compiled import kernel
from commsim.day import Day
from commsim.inequality import participation
from commsim.mutators import Mutators
from commsim.network import adjacency_matrix, small_world
from commsim.parameters import PARAMETERS, RUN_DAYS, check_together, parameters_doc, validate
from commsim.population import (
    CONTRIBUTOR,
    FOUNDER,
    LURKER,
    MUTED,
    SPAMMER,
    draw_population,
)
from commsim.strategies import registry
from commsim.strategies.base import Strategy
from commsim.streams import Streams, entropy_of, poisson_quantile

REPORTERS = (
    "members", "contributors", "lurkers", "muted", "spammers", "joined", "left", "messages",
    "spam_messages",
    "mean_value", "joiner_value", "leaver_value", "gini", "top1_share", "top10_share",
    "active_groups", "spend", "revenue", "conversions",
)  # fmt: skip


class DailyMetrics(mesa.DataCollector):
    """Mesa's DataCollector of the model's daily metrics (``REPORTERS``): each is a plain
    number the model computes once a day (``CommunityModel._record``), so it is appended
    as it is, without the copy and the checks Mesa makes of every reported value. With
    reporters of other names, agent reporters or agent-type reporters it collects as
    Mesa's does."""

    def collect(self, model) -> None:
        ours = self.model_vars.keys() == model._metrics.keys()
        if not ours or self.agent_reporters or self.agenttype_reporters:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        for name, values in self.model_vars.items():
            values.append(model._metrics[name])


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

        self.population = draw_population(self.stream("population"), p)
        self._graph = network
        if network is None:
            self._small_world = small_world(
                self.stream("network"), p["population"], p["mean_degree"], p["rewiring"]
            )
            self._set_adjacency(self._small_world.adjacency())
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
        person indices): ``A @ x`` with ``x`` 1 for the chosen.

        Reads only the columns of the chosen when they are few (under a tenth of the
        people: today's contributors; their entries of the column-major table, gathered
        with numpy rather than sliced by scipy), else multiplies the matrix by ``x``
        (scipy's product is the faster past that share: at 100,000 people 2 ms against
        1.7 ms for 10,000 chosen and 6 ms for 30,000); the counts are the same either way.
        """
        n = self.population.size
        if chosen.size * 10 > n:
            mask = np.zeros(n, dtype=np.float32)
            mask[chosen] = 1.0
            return self._adjacency @ mask
        return np.bincount(self._counting(chosen), minlength=n).astype(np.float32)

    def _counting(self, chosen: np.ndarray) -> np.ndarray:
        """Everyone who counts one of ``chosen`` as a friend, once per tie (the entries of
        their columns of the column-major table)."""
        indptr, indices = self._adjacency_by_friend.indptr, self._adjacency_by_friend.indices
        starts = indptr[chosen]
        sizes = indptr[chosen + 1] - starts  # how many count each chosen one as a friend
        within = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return indices[np.repeat(starts, sizes) + within]

    def _group_mean_value(self) -> np.ndarray:
        """Mean value of each group's members (0 for an empty group)."""
        pop = self.population
        members = self._member_index()
        group = pop.group[members]
        sizes = np.bincount(group, minlength=self.n_groups)
        total = np.bincount(group, weights=pop.value[members], minlength=self.n_groups)
        return np.divide(total, sizes, out=np.zeros(self.n_groups), where=sizes > 0)

    # ------------------------------------------------------------------ 2. post
    def _post(self, today: Day) -> None:
        """Each member who has not muted the group contributes or lurks, with the
        propensity ``rules.posting_propensity`` (talkativeness ``a_i * posting_boost *
        g_i``, raised by being answered, ``rules.response_factor``): the chance to post
        is ``min(x_i, 1)`` and a contributor writes 1 + Poisson(``rules.turn_length``)
        messages; spammers post ads with probability ``spam_rate``, turns of
        ``messages_per_post``. Then the members' posts are answered or not
        (``audience.answer``)."""
        pop, p = self.population, self.params
        members = self._member_index()
        members = members[pop.state[members] != MUTED]
        readers = self._readers = audience.readers(self)
        group = pop.group[members]
        spammer = pop.role[members] == SPAMMER
        tenure = rules.posting_tenure(
            self.day - pop.joined_day[members], self.day - self._founded_day[group],
            p["group_novelty"],
        )  # fmt: skip
        boost = today.posting_boost
        if isinstance(boost, np.ndarray):
            boost = boost[members]
        response = rules.response_factor(pop.answered[members], p["response_gain"])
        novelty = rules.novelty_utility(tenure, p["novelty"], p["novelty_days"])
        propensity = rules.posting_propensity(
            pop.activity[members] * boost * response, pop.satisfaction[members], novelty,
            self._load[group], p["engagement_steepness"],
        )  # fmt: skip
        propensity[spammer] = p["spam_rate"]  # ads: a chance, and turns of plain length
        chance = np.minimum(propensity, 1.0)
        draws = self.streams.per_person("posting", members, 2)  # a pair per person a day
        posts = draws[0] < chance
        pop.state[members] = np.where(posts, CONTRIBUTOR, LURKER)
        writers, writer_group = members[posts], group[posts]
        extra = rules.turn_length(p["messages_per_post"], propensity[posts],
                                  pop.verbosity[writers], p["turn_growth"],
                                  p["daily_capacity"])  # fmt: skip
        written = 1 + poisson_quantile(draws[1, posts], extra)
        pop.contributions[writers] += written
        value = today.message_value(pop.value[writers])
        today.add_messages(writer_group, written, value, spam=spammer[posts])
        own = ~spammer[posts]
        chances = audience.posting_chances(self, members, chance)
        self._answered = (writers[own], audience.answer(self, writers[own], written[own], readers,
                                                        chances, chance[posts][own]))  # fmt: skip
        for strategy in self.strategies:
            strategy.add_content(self, today)

    # ------------------------------------------------------------------ 3. experience
    def _experience(self, today: Day) -> None:
        """Each member weighs the day: U = benefit + novelty - cost + bonus + noise,
        against the expectation E (which carries evaporative cooling); the surplus
        U - E is their satisfaction and moves their patience (``rules``)."""
        pop, p = self.population, self.params
        members = self._member_index()
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
        answered, answer_utility = self._answered
        still = pop.group[answered] >= 0  # a strategy may have removed a writer since
        answered, answer_utility = answered[still], answer_utility[still]
        bonus = bonus + np.bincount(
            np.searchsorted(members, answered), answer_utility, minlength=members.size
        )
        benefit = rules.content_benefit(need, today.valued_messages[group], p["content_scale"])
        utility = (
            benefit
            + rules.novelty_utility(
                self.day - pop.joined_day[members], p["novelty"], p["novelty_days"]
            )
            - cost[group]
            + bonus
            + p["mood_noise"] * special.ndtri(self.streams.per_person("experience", members))
        )
        expected = rules.expected_utility(
            need, pop.value[members], mean_value[group], p["expectation"], p["cooling"]
        )
        surplus = utility - expected
        muted = pop.state[members] == MUTED
        surplus[muted] = rules.muted_surplus(surplus[muted], p["muted_reading"])
        pop.satisfaction[members] = surplus
        pop.reservoir[members] = rules.patience_after(
            pop.reservoir[members], surplus, pop.patience[members] * p["patience_days"],
            p["recovery"],
        )  # fmt: skip
        self._experienced = (members, benefit, cost[group])

    # ------------------------------------------------------------------ 4. mute or leave
    def _leave(self, today: Day) -> None:
        """Members whose patience is used up mute the group or leave for good; muted
        members whose patience is used up leave (``muting.settle``; spammers stay until
        removed)."""
        muting.settle(self, today, *self._experienced)
        spam.settle(self, today, self._readers)

    # ------------------------------------------------------------------ 5. record
    def _record(self, today: Day) -> None:
        """Compute the day's metrics once and hand them to the DataCollector."""
        pop = self.population
        members = self._member_index()
        by_state, value_sum, active_groups, contributions = _tally_members(
            members, pop.state, pop.role, pop.group, pop.value, pop.contributions,
            self.n_groups,
        )  # fmt: skip
        gini, top1_share, top10_share = participation(contributions, (0.01, 0.10))
        regular, spammers = by_state.tolist()
        self._metrics = {
            "members": members.size,
            "contributors": regular[CONTRIBUTOR],
            "lurkers": regular[LURKER] + spammers[LURKER],
            "muted": regular[MUTED] + spammers[MUTED],
            "spammers": sum(spammers),
            "joined": today.joined.size,
            "left": today.left.size,
            "messages": float(today.messages.sum() - today.spam.sum()),
            "spam_messages": float(today.spam.sum()),
            "mean_value": value_sum / members.size if members.size else math.nan,
            "joiner_value": _mean(pop.value[today.joined]),
            "leaver_value": _mean(pop.value[today.left]),
            "gini": gini,
            "top1_share": top1_share,
            "top10_share": top10_share,
            "active_groups": active_groups,
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


@kernel
def _tally_members(members, state, role, group, value, contributions, groups: int):
    """One pass over ``members`` for the day's metrics (a kernel): how many are in each
    state (row 0 regulars and KOLs, row 1 spammers), the sum of their values, how many of
    the ``groups`` have a member, and the contributions of those who are not spammers (in
    the members' order)."""
    by_state = np.zeros((2, 5), dtype=np.int64)
    has_member = np.zeros(groups, dtype=np.bool_)
    own = np.empty(members.size, dtype=contributions.dtype)
    value_sum, writers = 0.0, 0
    for person in members:
        spammer = role[person] == SPAMMER
        by_state[int(spammer), state[person]] += 1
        value_sum += value[person]
        has_member[group[person]] = True
        if not spammer:
            own[writers] = contributions[person]
            writers += 1
    return by_state, value_sum, int(np.count_nonzero(has_member)), own[:writers]


def _mean(values: np.ndarray) -> float:
    """The mean, NaN for no values: ``values.mean()``'s sum and division (the same
    number) without its several microseconds of Python around them."""
    return float(values.sum() / values.size) if values.size else math.nan


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
