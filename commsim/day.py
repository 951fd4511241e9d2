"""``Day``: what happens on one day of a ``CommunityModel``, its levers and its outcomes.

Strategies set the levers (``today.posting_boost`` and the rest) and change the day's
messages only through ``Day.add_messages`` and ``Day.remove_messages``, which compute
value-weighted messages by one rule; the model's mutators (``commsim.mutators``) record
joiners, leavers and moves here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from commsim.compiled import callable_in_kernels, kernel, lever, lever_array

#: The empty lists of people and of groups a day starts with: each field its own view, which
#: shares no element (made by ``view``, cheaper than a new empty array).
_NO_PEOPLE = np.empty(0, dtype=np.int64)
_NO_GROUPS = np.empty(0, dtype=np.int32)


@dataclass(eq=False, slots=True)
class Day:
    """What happens on one day: the strategies' levers and the day's outcomes.

    Levers (strategies set them in ``start_day``):
        ambient_boost: multiplier of the ambient inflow.
        social_pull: today's chance that one friend inside brings an outsider in.
        posting_boost: multiplier of each person's chance to post (scalar or per person).
        utility_bonus: utility added to each member's day (scalar or per person).
        on_topic: share of members' messages that are on the group's topic and carry
            their writer's value (off-topic chatter and red-packet thanks carry none).
        surface_pull: today's pull on muted members (a red packet, an @-all announcement,
            an event, a KOL's session; scalar or per person): a hazard, added across
            strategies (``rules.surfacing_probability``).

    Outcomes (per group unless said otherwise):
        messages, valued_messages, spam: messages, value-weighted on-topic messages, spam
            (changed through ``add_messages`` and ``remove_messages``).
        joined, left: person indices of today's joiners and leavers.
        left_groups: the group each of ``left`` left (aligned with ``left``).
        moved: person indices of members moved to another group today (repeats possible).
        muted, unmuted: person indices of members who muted / unmuted the group today.
        spend, revenue, conversions: the operator's money today, over all groups.

    A day has these fields only (slots, made anew each day): a strategy keeps its own
    state on itself.
    """

    day: int
    groups: int
    social_pull: float
    ambient_boost: float = 1.0
    posting_boost: float | np.ndarray = 1.0
    utility_bonus: float | np.ndarray = 0.0
    on_topic: float = 1.0
    surface_pull: float | np.ndarray = 0.0
    messages: np.ndarray = field(init=False)
    valued_messages: np.ndarray = field(init=False)
    spam: np.ndarray = field(init=False)
    joined: np.ndarray = field(default_factory=_NO_PEOPLE.view)
    left: np.ndarray = field(default_factory=_NO_PEOPLE.view)
    left_groups: np.ndarray = field(default_factory=_NO_GROUPS.view)
    moved: np.ndarray = field(default_factory=_NO_PEOPLE.view)
    muted: np.ndarray = field(default_factory=_NO_PEOPLE.view)
    unmuted: np.ndarray = field(default_factory=_NO_PEOPLE.view)
    spend: float = 0.0
    revenue: float = 0.0
    conversions: int = 0

    def __post_init__(self) -> None:
        self.messages = np.zeros(self.groups)
        self.valued_messages = np.zeros(self.groups)
        self.spam = np.zeros(self.groups)

    def message_value(self, writer_value) -> np.ndarray:
        """Value carried by each message a member writes today (``message_value``)."""
        return message_value(writer_value, self.on_topic)

    def add_messages(self, groups, count, value=0.0, spam=False) -> None:
        """Add messages to today's groups, one entry per writer (or per group):

            M_g += sum_k c_k,   V_g += sum_k c_k * v_k,   S_g += sum_k c_k [spam_k]

        over the entries k with ``groups[k] == g``. ``count``, ``value`` and ``spam`` are
        scalars or arrays aligned with ``groups``; ``value`` is each message's value
        (``message_value`` for members' own messages).
        """
        self._add(*self._entries(groups, count, value, spam))

    def remove_messages(self, groups, count, value=0.0, spam=False) -> None:
        """Take messages out of today's groups before anyone reads them (moderation
        deleting posts): the inverse of ``add_messages`` with the same arguments, each
        total kept at 0 or above (against rounding)."""
        self._add(*self._entries(groups, count, value, spam), removing=True)

    def _entries(self, groups, count, value, spam) -> tuple[np.ndarray, ...]:
        """The entries as ``_add`` takes them, or refused by name: groups that are not
        integers, a count, value or spam flag neither one for all nor one per entry."""
        groups = np.asarray(groups)
        if groups.dtype.kind not in "iu" and groups.size:
            raise ValueError(f"groups must be integers, got {groups.dtype}")
        groups = groups.astype(np.int64, copy=False).reshape(-1)  # one type for the kernel
        return (groups, lever_array(count, groups.size, "count"),
                lever_array(value, groups.size, "value"),
                lever_array(spam, groups.size, "spam", np.bool_))  # fmt: skip

    def _add(self, groups, count, value, spam, removing: bool = False) -> None:
        """Add the entries' tallies to today's totals, or take them out (``_tallied``),
        or refuse them if a group is out of range, changing nothing. The entries are as
        the kernel takes them (int64 groups; float64 counts and values, bool spam flags,
        one for all or one per entry): the model's own posting (``posting.post``) calls
        it with them as they are."""
        if not _tallied(groups, count, value, spam, self.messages, self.valued_messages,
                        self.spam, removing):  # fmt: skip
            raise ValueError(f"groups must be in [0, {self.groups - 1}], got "
                             f"{groups.min()}..{groups.max()}")  # fmt: skip

    def add_group(self) -> None:
        """Grow the per-group outcomes by one group, with nothing in it yet
        (``CommunityModel.add_group`` calls it)."""
        self.groups += 1
        self.messages = np.append(self.messages, 0.0)
        self.valued_messages = np.append(self.valued_messages, 0.0)
        self.spam = np.append(self.spam, 0.0)


@callable_in_kernels
def message_value(writer_value, on_topic):
    """Value carried by each message a member writes: ``v_i * on_topic`` (off-topic
    chatter and red-packet thanks carry none; ``Day.on_topic`` is today's share)."""
    return writer_value * on_topic


@kernel
def _tallied(groups, count, value, spam, messages, valued, spammed, removing):
    """Per group, over the entries ``k`` with ``groups[k] == g`` in order: ``sum c_k``,
    ``sum c_k * v_k`` and ``sum c_k [spam_k]``, added to ``messages``, ``valued`` and
    ``spammed`` or, ``removing``, taken from them, each kept at 0 or above (a kernel;
    ``count``, ``value`` and ``spam`` as ``lever_array`` gives them: one for all or one
    per entry). False, changing nothing, if a group is outside [0, groups)."""
    n = messages.size
    for g in groups:
        if not 0 <= g < n:
            return False
    tallies = np.zeros((3, n))
    for k in range(groups.size):
        g, c = groups[k], lever(count, k)
        tallies[0, g] += c
        tallies[1, g] += c * lever(value, k)
        if lever(spam, k):
            tallies[2, g] += c
    for row, totals in enumerate((messages, valued, spammed)):
        for g in range(n):
            if removing:
                left = totals[g] - tallies[row, g]
                totals[g] = 0.0 if left < 0.0 else left
            else:
                totals[g] += tallies[row, g]
    return True
