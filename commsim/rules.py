"""The behavioural rules of a member, each a small vectorised function.

Every function takes numpy arrays (or plain floats: the same equations serve the
per-agent reference implementation in ``benchmarks/``) and returns an array of the same
shape. Symbols used in the docstrings:

    n_i   need of member i in [0, 1]          v_i   value of member i in [0, 1]
    a_i   talkativeness (activity) in [0, 1]  tau_i tenure of member i, days
    k_i   friends of outsider i in the group  M_g   messages posted in group g today
    V_g   value-weighted on-topic messages    S_g   spam messages in group g today
    vbar_g mean value of the members of g
    q_i   willingness to pay in [0, 1]       f_i   effort in [0, 1] (entry thresholds)
    c_i   messages member i wrote since joining

Sources (see ``docs/model.md``): 004 for novelty, overload, cooling and patience;
001 for off-topic content; 000 and 004 for entry thresholds and joining through friends.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit


def discovery_probability(ambient, friends_inside, social_pull):
    """Chance that an outsider hears of the group today, through ads or friends.

        p_discover = 1 - (1 - ambient) * (1 - s) ** k,   s = clip(social_pull, 0, 1)

    Strategies multiply ``social_pull`` by their factors (``Day``'s levers), which can
    push it past 1: a chance per friend above 1 is a certainty, so it is clamped to
    [0, 1] and ``p_discover`` stays a probability.
    """
    pull = np.clip(social_pull, 0.0, 1.0)
    return 1.0 - (1.0 - ambient) * np.power(1.0 - pull, friends_inside)


def friend_share_of_discovery(ambient, friends_inside, social_pull):
    """Share of an outsider's chance of discovery that comes through friends inside.

        h_ambient = -ln(1 - ambient),   h_friends = -k * ln(1 - social_pull)
        share = h_friends / (h_ambient + h_friends)

    The two channels are independent hazards (``1 - p_discover = exp(-(h_ambient +
    h_friends))``), so a discovery came through friends with this share. It is 0 when
    neither channel can act; a certain channel (probability 1, infinite hazard) takes the
    whole share, and two certain channels split it evenly.
    """
    friends_inside = np.asarray(friends_inside, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ambient_hazard = -np.log1p(-np.minimum(ambient, 1.0))
        friend_hazard = np.where(
            friends_inside > 0, -friends_inside * np.log1p(-min(social_pull, 1.0)), 0.0
        )
        total = ambient_hazard + friend_hazard
        share = np.where(total > 0, friend_hazard / total, 0.0)
    certain_friends = np.where(np.isinf(ambient_hazard), 0.5, 1.0)
    return np.where(np.isinf(friend_hazard), certain_friends, share)


def join_interest(need, value, group_mean_value, cooling):
    """Chance that an outsider who discovers the group chooses to join it.

        I_i = n_i * exp(-4 * cooling * max(v_i - vbar_g, 0))

    People join for what they need, and, like members, they compare the group with
    themselves: a group whose members are on average less valuable than oneself is
    less worth joining. As an open group cools, it draws ever less valuable joiners.
    """
    return need * np.exp(-4.0 * cooling * np.maximum(value - group_mean_value, 0.0))


def ambient_inflow_rate(ambient_inflow, day, promotion_days):
    """Daily chance of discovery through ads and public channels, fading after launch.

    ambient(t) = ambient_inflow * exp(-t / promotion_days)
    """
    return ambient_inflow * np.exp(-day / promotion_days)


def content_benefit(need, valued_messages, content_scale):
    """What today's content gives a member, in units of their need.

        B_i = n_i * (1 - exp(-V_g / content_scale))

    ``V_g`` sums each on-topic message weighted by its writer's value, so one message of
    an expert counts as much as several of chatter; benefit saturates with volume.
    """
    return need * (1.0 - np.exp(-valued_messages / content_scale))


def reading_load(messages, spam, attention_budget, spam_weight):
    """How much there is to read in a group today, in attention budgets.

        L_g = ((M_g - S_g) + spam_weight * S_g) / A

    A spam message costs ``spam_weight`` ordinary ones to wade through; ``L_g > 1`` is
    overload. Today's load prices today's reading (``reading_cost``) and, the next day,
    damps posting (``contribution_probability``).
    """
    return (messages + (spam_weight - 1.0) * spam) / attention_budget


def reading_cost(load, reading_cost, overload_cost):
    """The cost of reading the group's messages, with overload past the attention budget.

        C_g = reading_cost * min(L_g, 1) + overload_cost * max(L_g - 1, 0)

    with ``L_g`` the ``reading_load``. Below the attention budget reading is cheap and
    linear; past it every extra budget's worth of messages costs ``overload_cost``, which
    is what drowns members of large chatty groups (004).
    """
    return reading_cost * np.minimum(load, 1.0) + overload_cost * np.maximum(load - 1.0, 0.0)


def novelty_utility(tenure, novelty, novelty_days):
    """Freshness of the group to a member, fading with their tenure.

    N_i = novelty * exp(-tau_i / novelty_days)
    """
    return novelty * np.exp(-tenure / novelty_days)


def expected_utility(need, value, group_mean_value, expectation, cooling):
    """What a member expects to get from the group each day.

        E_i = expectation * n_i + cooling * max(v_i - vbar_g, 0)

    The second term is evaporative cooling (004): a member more valuable than the group's
    average gains little from the others and expects more; as the average falls the
    most valuable members are the first to be disappointed.
    """
    return expectation * need + cooling * np.maximum(value - group_mean_value, 0.0)


def patience_after(reservoir, surplus, patience_capacity, recovery):
    """Patience left after today's experience.

        r_i <- min(r_i + surplus_i, cap_i)              if surplus_i < 0
        r_i <- min(r_i + recovery * surplus_i, cap_i)   otherwise

    ``surplus = U_i - E_i`` is the utility received minus the utility expected. The
    reservoir starts at ``cap_i = patience_i * patience_days`` and drains by each day's
    shortfall; a member leaves when it is used up.
    """
    gain = np.where(surplus < 0, surplus, recovery * surplus)
    return np.minimum(reservoir + gain, patience_capacity)


def engagement(surplus):
    """How a day's surplus moves a member's activity: ``2 * sigmoid(4 * surplus)``, 1 at
    zero surplus, 0 to 2 (posting here, buying in ``strategies.Conversion``)."""
    return 2.0 * expit(4.0 * surplus)


def contribution_probability(activity, surplus, novelty_now, load):
    """Chance that a member posts today rather than lurks.

        p_i = clip(a_i * (1 + N_i) * 2 * sigmoid(4 * surplus_i) * 2 / (1 + max(L_g / A, 1)), 0, 1)

    Talkative members post more; a fresh group and a satisfying one invite posting
    (``2 * sigmoid`` is 1 at zero surplus); an overloaded group (load above the attention
    budget, ``L_g / A > 1``) turns members into lurkers.
    """
    overload = 2.0 / (1.0 + np.maximum(load, 1.0))
    return np.clip(activity * (1.0 + novelty_now) * engagement(surplus) * overload, 0.0, 1.0)


def comparison_gain(written, median, conformity, max_gain):
    """How seeing where one stands moves a ranked member's posting (social comparison;
    Chen, Harper, Konstan & Li 2010, American Economic Review 100(4)).

        g_i = clip((m / c_i) ** conformity, 1 / max_gain, max_gain)

    with ``c_i`` the member's messages since joining (at least 1: the ranked) and ``m`` the
    median of the ranked members' ``c``. A member below the median posts more, one above
    it less, both toward the norm the median shows; at the median nothing changes.
    """
    written = np.maximum(np.asarray(written, dtype=float), 1.0)
    return np.clip((median / written) ** conformity, 1.0 / max_gain, max_gain)


def fee_worth(need, willingness_to_pay):
    """What a fee tests: the group's worth to an applicant in money.

        W_i = n_i * q_i

    An applicant pays a fee of ``level`` when ``W_i + e_i >= level``: one who needs the
    group but will not pay, or would pay but needs little, stays out (000, 004).
    """
    return need * willingness_to_pay


def invitation_chance(member_friends, level):
    """Chance that an applicant is invited: each of their ``k_i`` friends who are members
    invites them with chance ``1 - level``, independently,

        p_i = 1 - level ** k_i

    so an applicant with no friend inside is never invited, and more friends inside make
    an invitation likelier (an invitation-only group grows through its members' ties).
    """
    return 1.0 - np.power(level, member_friends)


def initiation_commitment(level, commitment):
    """Commitment of a member who got over a bar of height ``level`` in [0, 1]:

        c = x / (1 + x),   x = commitment * level

    0 for an open door, rising with diminishing returns (the severity of initiation
    raises liking for the group: Aronson & Mills 1959; 000: the higher the bar, the lower
    the loss afterwards). A committed member's patience and expectation follow
    (``strategies.EntryThreshold``).
    """
    x = commitment * level
    return x / (1.0 + x)
