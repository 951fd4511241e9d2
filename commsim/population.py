"""The population: people's traits, roles and states as numpy arrays, and their network.

State is kept as a struct of arrays (one array per attribute, indexed by person), which
each phase of the day reads in one compiled loop (``commsim.compiled``). Strategies and
front-ends read these arrays and change them only through ``CommunityModel``'s mutators
(``admit``, ``remove_members``, ``move_members``, ``set_traits``, ...), which keep them
consistent; ``commsim.agents.Member`` objects read them and change traits through
``CommunityModel.set_traits``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# States: a person is an outsider until they join; a member contributes or lurks each
# day, or has muted the group (still a member, reading little, posting nothing, until
# something pulls them back up); a leaver never returns.
OUTSIDER, CONTRIBUTOR, LURKER, LEFT, MUTED = 0, 1, 2, 3, 4
STATE_NAMES = ("outsider", "contributor", "lurker", "left", "muted")
MEMBER_STATES = (CONTRIBUTOR, LURKER, MUTED)

# Roles.
REGULAR, KOL, SPAMMER = 0, 1, 2
ROLE_NAMES = ("regular", "kol", "spammer")

NO_GROUP = -1

# Entry routes: how a member came into the group (NO_ROUTE for people who never joined):
# founders, ads and public channels, active friends inside, an active KOL among them, or
# placed by the operator (e.g. seeded KOLs).
NO_ROUTE, FOUNDER, AMBIENT, FRIENDS, KOL_PULL, OPERATOR = -1, 0, 1, 2, 3, 4
ENTRY_ROUTE_NAMES = ("founder", "ambient", "friends", "kol pull", "operator")


def beta_by_mean(rng: np.random.Generator, mean: float, concentration: float, size: int):
    """Draw from Beta(mean * c, (1 - mean) * c): values in [0, 1] with the given mean.

    A mean of exactly 1 gives all ones (the Beta is degenerate there); a shape that
    underflows to 0 (a mean or concentration near the smallest float) is the smallest
    positive float instead, so every allowed mean and concentration can be drawn.
    """
    if mean >= 1.0:
        return np.ones(size)
    tiny = np.nextafter(0.0, 1.0)
    return rng.beta(max(mean * concentration, tiny), max((1.0 - mean) * concentration, tiny), size)


@dataclass(eq=False)
class Population:
    """Per-person arrays. Index ``i`` is person ``i`` and node ``i`` of the network.

    Attributes:
        need, value, patience, activity: traits in [0, 1].
        verbosity: how long a member's turns run when they talk, log-normal of mean 1
            (``draw_verbosity``).
        willingness_to_pay, effort: traits in [0, 1] that only an entry threshold reads
            (a fee and a task; ``draw_door_traits``).
        role: REGULAR, KOL or SPAMMER.
        state: OUTSIDER, CONTRIBUTOR, LURKER, MUTED (a member who muted the group) or
            LEFT.
        group: the group a member belongs to, NO_GROUP for outsiders.
        joined_day: the day a member joined (-1 for outsiders).
        left_day: the day a member left (-1 while not left).
        reservoir: patience left, in days of full disappointment.
        satisfaction: utility received minus utility expected, on the last day.
        contributions: messages written since joining.
        answered: how often the member's recent posts were answered, in [0, 1] (an
            average over posting days, ``rules.response_memory_after``).
        banned: removed by moderation rather than leaving.
        entry_route: how a member came in: FOUNDER, AMBIENT (ads and public channels),
            FRIENDS (brought in by active friends inside), KOL_PULL (by an active KOL among
            them) or OPERATOR (placed by a strategy); NO_ROUTE for people who never joined.
    """

    need: np.ndarray
    value: np.ndarray
    patience: np.ndarray
    activity: np.ndarray
    verbosity: np.ndarray
    role: np.ndarray
    state: np.ndarray
    group: np.ndarray
    joined_day: np.ndarray
    left_day: np.ndarray
    reservoir: np.ndarray
    satisfaction: np.ndarray
    contributions: np.ndarray
    answered: np.ndarray
    banned: np.ndarray
    entry_route: np.ndarray
    willingness_to_pay: np.ndarray
    effort: np.ndarray

    @property
    def size(self) -> int:
        return self.need.size

    @property
    def member_mask(self) -> np.ndarray:
        """True for people currently in a group (``group != NO_GROUP``)."""
        return self.group >= 0

    @property
    def muted_mask(self) -> np.ndarray:
        """True for members who have muted their group."""
        return self.state == MUTED

    @property
    def members(self) -> np.ndarray:
        """Indices of the people currently in a group, in increasing order."""
        return np.flatnonzero(self.member_mask)

    def is_member(self, people) -> np.ndarray:
        """For each of ``people``, whether they are in a group (``member_mask[people]``,
        reading only their entries)."""
        return self.group[people] >= 0

    def tenure(self, day: int) -> np.ndarray:
        """Days in the group: up to today for members, until leaving for leavers."""
        end = np.where(self.left_day >= 0, self.left_day, day)
        return np.where(self.joined_day >= 0, end - self.joined_day, 0)


TRAIT_PARAMETERS = ("population", "trait_concentration", "need_mean", "value_mean",
                    "patience_mean", "activity_mean", "activity_concentration",
                    "spammer_share", "verbosity_spread")  # fmt: skip
"""The parameters ``draw_population`` reads, and the only ones (``commsim.setup_cache``
keeps a population drawn for these values)."""


def draw_population(rng: np.random.Generator, params: dict) -> Population:
    """Draw traits and roles for ``params['population']`` people.

    need ~ Beta(need_mean, trait_concentration), likewise value and patience;
    activity ~ Beta(activity_mean, activity_concentration). A share ``spammer_share`` are
    spammers: need 0 (they want nothing from the content), value 0, activity 1.
    Willingness to pay and effort come from their own stream (``draw_door_traits``), and
    verbosity from another (``draw_verbosity``; spammers 1).
    """
    params = {name: params[name] for name in TRAIT_PARAMETERS}  # reads only these
    n = params["population"]
    c = params["trait_concentration"]
    need = beta_by_mean(rng, params["need_mean"], c, n)
    value = beta_by_mean(rng, params["value_mean"], c, n)
    patience = beta_by_mean(rng, params["patience_mean"], c, n)
    activity = beta_by_mean(rng, params["activity_mean"], params["activity_concentration"], n)
    role = np.full(n, REGULAR, dtype=np.int8)
    spammers = rng.random(n) < params["spammer_share"]
    role[spammers] = SPAMMER
    need[spammers] = 0.0
    value[spammers] = 0.0
    activity[spammers] = 1.0
    door_traits = draw_door_traits(rng.spawn(1)[0], n, c)
    verbosity = draw_verbosity(rng.spawn(1)[0], n, params["verbosity_spread"])
    verbosity[spammers] = 1.0
    return Population(
        need=need,
        value=value,
        patience=patience,
        activity=activity,
        verbosity=verbosity,
        role=role,
        state=np.full(n, OUTSIDER, dtype=np.int8),
        group=np.full(n, NO_GROUP, dtype=np.int32),
        joined_day=np.full(n, -1, dtype=np.int32),
        left_day=np.full(n, -1, dtype=np.int32),
        reservoir=np.zeros(n),
        satisfaction=np.zeros(n),
        contributions=np.zeros(n, dtype=np.int64),
        answered=np.zeros(n),
        banned=np.zeros(n, dtype=bool),
        entry_route=np.full(n, NO_ROUTE, dtype=np.int8),
        **door_traits,
    )


WILLINGNESS_TO_PAY_MEAN = 0.5
"""Mean willingness to pay in the population."""
EFFORT_MEAN = 0.3
"""Mean effort in the population: most people will not do much to get into a group."""


def draw_door_traits(rng: np.random.Generator, n: int, concentration: float) -> dict:
    """Traits that only an entry threshold tests, independent of need and value:

        willingness_to_pay ~ Beta(WILLINGNESS_TO_PAY_MEAN, trait_concentration)
        effort ~ Beta(EFFORT_MEAN, trait_concentration)   (readiness to do a task)

    ``rng`` is a child of the model's generator (``Generator.spawn``), its own stream, so
    drawing these traits shifts no other draw of the model.
    """
    return {"willingness_to_pay": beta_by_mean(rng, WILLINGNESS_TO_PAY_MEAN, concentration, n),
            "effort": beta_by_mean(rng, EFFORT_MEAN, concentration, n)}  # fmt: skip


def draw_verbosity(rng: np.random.Generator, n: int, spread: float) -> np.ndarray:
    """How long each person's turns run when they talk (``rules.turn_length``):

        w_i = exp(sigma * Z_i - sigma**2 / 2),   Z_i ~ Normal(0, 1),   sigma = spread

    log-normal of mean 1 (Wilkinson 2008: contributions per person are heavy-tailed).
    ``spread = 0`` gives everyone 1. ``rng`` is a child of the model's generator, its own
    stream, so the draw shifts no other draw of the model.
    """
    return np.exp(spread * rng.standard_normal(n) - spread * spread / 2.0)
