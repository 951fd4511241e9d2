"""The model's mutators: the only writers of member and group state besides the day's own
rules (``CommunityModel``'s steps 1-5).

Strategies, the classroom and analyses change the population, the groups and the ties
only through these methods of ``CommunityModel`` (a mixin, ``Mutators``); each keeps every
derived array consistent (joined day, entry route, patience reservoir, group indices,
the per-group arrays) and records on ``today`` (``commsim.day.Day``) what happened:

    people      admit, remove_members, move_members, mute_members, unmute_members
    groups      add_group, open_group, close_group
    persons     set_role, set_traits, refill_patience, adjust_patience, add_ties
    content     add_posts (members' extra posts; the day's own ``add_messages``)

Why this module is over 400 lines: the mutators of people (joining, leaving, muting,
unmuting) do their bookkeeping in kernels below them (the state writes, the kept counts
of friends inside, the member index, today's lists), a few microseconds a day instead of
a dozen numpy calls each; a writer and its kernel are one rule of consistency, so they
stay in one module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from commsim import rules
from commsim.compiled import kernel, lever, lever_array
from commsim.population import (
    CONTRIBUTOR,
    KOL,
    LEFT,
    LURKER,
    MUTED,
    NO_GROUP,
    OPERATOR,
    OUTSIDER,
    REGULAR,
    SPAMMER,
    Population,
)

if TYPE_CHECKING:
    from commsim.day import Day


class Mutators:
    """The state-changing methods of ``CommunityModel`` (see the module's docstring).

    They use the model's ``population``, ``params``, ``day``, ``today``, its group arrays
    ``_group_open`` and ``_load`` and its ties ``_adjacency``.
    """

    population: Population
    params: dict
    day: int
    today: Day
    _group_open: np.ndarray
    _load: np.ndarray
    _adjacency: sp.csr_array
    _members: np.ndarray  # the members' indices, increasing (``_member_index``)

    @property
    def n_groups(self) -> int:
        """Number of groups that exist (open or closed, with or without members)."""
        return self._group_open.size

    def admit(self, people, groups, today: Day, route=OPERATOR) -> None:
        """Make outsiders ``people`` members of ``groups`` (one group, or one per person)
        today: a joiner lurks (``LURKER``), with ``joined_day`` today, the entry ``route``
        (one, or one per person; ``population.OPERATOR`` by default: placed by a strategy),
        a full patience reservoir (``refill_patience``) and satisfaction 0; they are
        counted in ``today.joined``. Strategies' ``admit`` and ``on_join`` hooks are not
        called (they are for the model's own joining, step 1).

        Raises:
            ValueError: for people who are not outsiders (members, or leavers: a leaver
                never returns) or a group that does not exist.
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        groups = np.asarray(groups)
        insiders = people[pop.state[people] != OUTSIDER]
        if insiders.size:
            raise ValueError(
                f"people: {insiders[:5].tolist()} are not outsiders: only outsiders can join"
            )
        if people.size and (groups.min() < 0 or groups.max() >= self.n_groups):
            raise ValueError(
                f"groups: {groups.min()}..{groups.max()} do not all exist: expected groups "
                f"in [0, {self.n_groups - 1}]"
            )
        self._join(people, groups, today, route)

    def _join(self, people: np.ndarray, groups, today: Day, route) -> None:
        """``admit`` without its checks, for the model's own joining (step 1, founders),
        whose people and groups are valid by construction (``_admitted``)."""
        if people.size == 0:
            return
        pop, by_friend = self.population, self._adjacency_by_friend
        self._members, today.joined = _admitted(
            self._members, today.joined, people,
            lever_array(groups, people.size, "groups", np.int64),
            lever_array(route, people.size, "route", np.int8), self.day,
            self.params["patience_days"], pop.state, pop.group, pop.entry_route,
            pop.joined_day, pop.satisfaction, pop.reservoir, pop.patience,
            self._kept_counts(), by_friend.indptr, by_friend.indices,
        )  # fmt: skip

    def remove_members(self, people, today: Day, banned: bool = False) -> None:
        """Take members ``people`` out of their groups today, for good: their state is
        ``LEFT``, ``left_day`` today, ``banned`` set as given (moderation bans); they are
        counted in ``today.left`` and the groups they left in ``today.left_groups``.

        Raises:
            ValueError: for people who are not members.
        """
        people = np.asarray(people, dtype=np.int64)
        if people.size:
            self._check_members(people, "removed")
            self._remove(people, today, banned)

    def _remove(self, people: np.ndarray, today: Day, banned: bool = False) -> None:
        """``remove_members`` without its check, for the model's own leaving (step 4)
        (``_taken_out``)."""
        if people.size == 0:
            return
        pop, by_friend = self.population, self._adjacency_by_friend
        self._members, today.left, today.left_groups = _taken_out(
            self._members, today.left, today.left_groups, people, bool(banned), self.day,
            pop.state, pop.group, pop.left_day, pop.banned, self._kept_counts(),
            by_friend.indptr, by_friend.indices,
        )  # fmt: skip

    def _member_index(self) -> np.ndarray:
        """Indices of the members, in increasing order (``population.members``), kept by
        the only mutators that change who is a member (``_join``, ``_remove``), so that the
        day's steps do not scan the population for them."""
        return self._members

    def mute_members(self, people, today: Day) -> None:
        """Members ``people`` mute their group today (消息免打扰): they stay members,
        counted in its size, but read only a share ``muted_reading`` of it and post nothing
        until unmuted (``unmute_members``, or a pull: ``rules.surfacing_probability``).
        Their patience reservoir is refilled (``refill_patience``): a muted group asks
        little, so it takes long to tire of it too. Members already muted stay muted (and
        are not counted again); they are counted in ``today.muted``.

        Raises:
            ValueError: for people who are not members.
        """
        people = np.asarray(people, dtype=np.int64)
        if people.size:
            self._check_members(people, "muted")
            self._mute(people[self.population.state[people] != MUTED], today)

    def _mute(self, people: np.ndarray, today: Day) -> None:
        """``mute_members`` without its check, for the model's own muting (``people`` not
        muted yet; ``_muted``)."""
        if people.size == 0:
            return
        pop, by_friend = self.population, self._adjacency_by_friend
        today.muted = _muted(
            today.muted, people, self.params["patience_days"], pop.state, pop.reservoir,
            pop.patience, self._kept_counts(), by_friend.indptr, by_friend.indices,
        )  # fmt: skip

    def unmute_members(self, people, today: Day) -> None:
        """Muted members ``people`` come back up today: they lurk (``LURKER``) and read
        and post as any member from now on; their patience reservoir carries over.
        Members who are not muted are left as they are; the unmuted are counted in
        ``today.unmuted``.

        Raises:
            ValueError: for people who are not members.
        """
        people = np.asarray(people, dtype=np.int64)
        if people.size:
            self._check_members(people, "unmuted")
            self._unmute(people[self.population.state[people] == MUTED], today)

    def _unmute(self, people: np.ndarray, today: Day) -> None:
        """``unmute_members`` without its check, for the model's own surfacing (``people``
        muted; ``_unmuted``)."""
        if people.size == 0:
            return
        by_friend = self._adjacency_by_friend
        today.unmuted = _unmuted(
            today.unmuted, people, self.population.state, self._kept_counts(),
            by_friend.indptr, by_friend.indices,
        )  # fmt: skip

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
        self._founded_day = np.append(self._founded_day, self.day)
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
        """Fill the patience reservoir of ``people`` to its capacity
        (``rules.patience_capacity``; joiners get it, as the muted do)."""
        pop = self.population
        pop.reservoir[people] = rules.patience_capacity(pop.patience[people],
                                                        self.params["patience_days"])  # fmt: skip

    def adjust_patience(self, people, days) -> None:
        """Add ``days`` (a number or one per person; negative drains, e.g. a moderator's
        rebuke) to the patience reservoir of ``people``, at most to its capacity:

            R_i <- min(R_i + days_i, patience_i * patience_days)

        A reservoir at 0 or below makes the member leave at the end of the day (step 4).
        """
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        capacity = rules.patience_capacity(pop.patience[people], self.params["patience_days"])
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
        active (contributors) today, so their friends see them posting; a muted poster is
        unmuted first (``unmute_members``)."""
        pop = self.population
        people = np.asarray(people, dtype=np.int64)
        self.unmute_members(people, today)
        today.add_messages(pop.group[people], messages, value)
        pop.contributions[people] += round(messages)
        pop.state[people] = CONTRIBUTOR

    def _set_adjacency(self, matrix) -> None:
        self._adjacency = sp.csr_array(matrix)
        self._adjacency_by_friend = self._adjacency.tocsc()  # column j: who counts j
        self._inside_friends = None  # counted when next asked for (_inside_friend_counts)

    def _kept_counts(self) -> np.ndarray:
        """The kept counts of friends inside (``_inside_friend_counts``) for the mutators'
        kernels to change, or an empty array before they are first counted (nothing to
        change then): each joining, leaving, muting and unmuting adds or takes one from
        the friends of those it changed."""
        counts = self._inside_friends
        return _NOT_COUNTED if counts is None else counts

    def _inside_friend_counts(self) -> np.ndarray:
        """For every person, how many of their friends are members who have not muted the
        group: ``_friend_counts`` of them (read-only).

        Counted when first asked for (and anew after ``add_ties``), then kept: each
        joining, leaving, muting and unmuting adds or takes one from the friends of those
        it changed (``_kept_counts``), instead of a count over every member each day:
        per day 139 against 313 us at 100,000 people, 15 against 20 at 5,000, 9 against
        8 at 1,000 (one way for every size: the difference there is a microsecond).
        """
        if self._inside_friends is None:
            members = self._members
            self._inside_friends = self._friend_counts(
                members[self.population.state[members] != MUTED]
            )  # fmt: skip
        view = self._inside_friends.view()
        view.flags.writeable = False
        return view


_patience_capacity = kernel(rules.patience_capacity)

_NOT_COUNTED = np.zeros(0, dtype=np.float32)
"""The kept counts before they are first counted (``_kept_counts``): nothing to change."""


@kernel
def _admitted(members, joined, people, groups, routes, day, patience_days, state, group,
              entry_route, joined_day, satisfaction, reservoir, patience, counts, indptr,
              indices):  # fmt: skip
    """``people`` join ``groups`` by ``routes`` (``lever_array``s: one, or one per person)
    today: each lurks, joined today with satisfaction 0 and a full reservoir
    (``rules.patience_capacity``); their friends have
    one friend inside more (``counts``, when kept). Returns the member index with them in
    it (``_merged``: a person admitted twice is one member; np.unique only where
    ``people`` are not strictly increasing, as the model's own joiners are) and today's
    ``joined`` with them after it."""
    increasing = True
    for k in range(people.size):
        person = people[k]
        group[person] = lever(groups, k)
        entry_route[person] = lever(routes, k)
        state[person] = LURKER
        joined_day[person] = day
        satisfaction[person] = 0.0
        reservoir[person] = _patience_capacity(patience[person], patience_days)
        increasing = increasing and (k == 0 or people[k - 1] < person)
    joiners = people if increasing else np.unique(people)
    if counts.size:
        count_friends_of(counts, indptr, indices, joiners, 1.0)
    return _merged(members, joiners), np.concatenate((joined, people))


@kernel
def _taken_out(members, left, left_groups, people, banned, day, state, group, left_day,
               banned_flags, counts, indptr, indices):  # fmt: skip
    """Members ``people`` leave today, for good: each is ``LEFT`` with ``left_day`` today
    and ``banned`` as given, and the friends of each who read the group (not muted) have
    one friend inside fewer (``counts``, when kept; a person given twice once). Returns
    the member index without them (one pass over the members' groups: a merge with the
    sorted leavers took longer), and today's ``left`` and ``left_groups`` with them and
    the groups they left after them."""
    groups_left = np.empty(people.size, dtype=np.int32)
    for k in range(people.size):
        groups_left[k] = group[people[k]]
    readers = np.empty(people.size, dtype=np.int64)
    count = 0
    for person in people:
        if state[person] != MUTED and state[person] != LEFT:
            readers[count] = person
            count += 1
        group[person] = NO_GROUP
        state[person] = LEFT
        left_day[person] = day
        banned_flags[person] = banned
    if counts.size:
        count_friends_of(counts, indptr, indices, readers[:count], -1.0)
    kept = np.empty(members.size, dtype=np.int64)
    count = 0
    for person in members:
        if group[person] != NO_GROUP:
            kept[count] = person
            count += 1
    return kept[:count], np.concatenate((left, people)), np.concatenate((left_groups, groups_left))


@kernel
def _muted(muted, people, patience_days, state, reservoir, patience, counts, indptr, indices):
    """Members ``people`` mute the group: each is ``MUTED`` with a full reservoir
    (``rules.patience_capacity``), and the friends of each who read it have one friend
    inside fewer (``counts``, when kept; a person given twice once). Returns today's
    ``muted`` with them after it."""
    readers = np.empty(people.size, dtype=np.int64)
    count = 0
    for person in people:
        if state[person] != MUTED:
            readers[count] = person
            count += 1
        state[person] = MUTED
        reservoir[person] = _patience_capacity(patience[person], patience_days)
    if counts.size:
        count_friends_of(counts, indptr, indices, readers[:count], -1.0)
    return np.concatenate((muted, people))


@kernel
def _unmuted(unmuted, people, state, counts, indptr, indices):
    """Muted members ``people`` lurk again, and the friends of each have one friend
    inside more (``counts``, when kept; a person given twice once). Returns today's
    ``unmuted`` with them after it."""
    readers = np.empty(people.size, dtype=np.int64)
    count = 0
    for person in people:
        if state[person] == MUTED:
            readers[count] = person
            count += 1
        state[person] = LURKER
    if counts.size:
        count_friends_of(counts, indptr, indices, readers[:count], 1.0)
    return np.concatenate((unmuted, people))


@kernel
def _merged(members: np.ndarray, joiners: np.ndarray) -> np.ndarray:
    """The member index with ``joiners`` in it: two ascending arrays with no person in
    both (joiners were not members) merged in order, in one pass (a kernel; np.union1d
    hashed every member, np.insert cost 20 us at a few hundred)."""
    merged = np.empty(members.size + joiners.size, dtype=np.int64)
    i = j = 0
    for k in range(merged.size):
        if j == joiners.size or (i < members.size and members[i] < joiners[j]):
            merged[k] = members[i]
            i += 1
        else:
            merged[k] = joiners[j]
            j += 1
    return merged


@kernel
def count_friends_of(counts: np.ndarray, indptr: np.ndarray, indices: np.ndarray,
                     people: np.ndarray, change: float) -> None:  # fmt: skip
    """Add ``change`` to the count of everyone who counts one of ``people`` as a friend,
    once per tie: ``counts += change * A @ x`` with ``x`` 1 for ``people``, read off their
    columns of the column-major table (``indptr``, ``indices``). ``people`` are distinct
    or sorted: a person next to themselves counts once (np.unique's hashing cost 3x a
    sort)."""
    for at, person in enumerate(people):
        if at > 0 and person == people[at - 1]:
            continue
        for counting in indices[indptr[person]:indptr[person + 1]]:
            counts[counting] += change
