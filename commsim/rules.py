"""The behavioural rules of a member, each a small function of numpy arrays or numbers.

Every function takes numpy arrays (or plain floats: the same equations serve the
per-agent reference implementation in ``benchmarks/`` and, compiled, the model's kernels,
``commsim.compiled``) and returns an array of the same shape. Symbols used in the docstrings:

    n_i   need of member i in [0, 1]          v_i   value of member i in [0, 1]
    a_i   talkativeness (activity) in [0, 1]  tau_i tenure of member i, days
    k_i   friends of outsider i in the group  M_g   messages posted in group g today
    x_i   outsider i's exposure (friends)     R_g   readers of g (members not muted)
    α_i   how often i's posts were answered
    V_g   value-weighted on-topic messages    S_g   spam messages in group g today
    vbar_g mean value of the members of g
    q_i   willingness to pay in [0, 1]       f_i   effort in [0, 1] (entry thresholds)
    c_i   messages member i wrote since joining
    w_i   verbosity: how long i's turns run (log-normal, mean 1)
    age_g days since group g was founded

Sources (see ``docs/model.md``): 004 for novelty, overload, cooling and patience;
001 for off-topic content; 000 and 004 for entry thresholds and joining through friends.

Why this module is a little over 400 lines: it is the one home of every equation (about
thirty functions of a few lines each, most of the length their docstrings with the rule
and its source), read by the model, the mechanism modules, the strategies and the
per-agent reference alike and documented together in ``docs/model.md``; the symbols above
are shared by all of them, so splitting it by mechanism would repeat them and leave each
rule's users to find which module holds it.
"""

from __future__ import annotations

import math

import numpy as np

from commsim.compiled import callable_in_kernels


def discovery_probability(ambient, friends_inside, social_pull):
    """Chance that an outsider hears of the group today, through ads or friends.

        p_discover = 1 - (1 - ambient) * (1 - s) ** x,   s = clip(social_pull, 0, 1)

    ``x`` is the outsider's exposure through friends inside (``friend_exposure``: about
    the number of friends, with diminishing returns).

    Strategies multiply ``social_pull`` by their factors (``Day``'s levers), which can
    push it past 1: a chance per friend above 1 is a certainty, so it is clamped to
    [0, 1] and ``p_discover`` stays a probability.
    """
    pull = np.minimum(np.maximum(social_pull, 0.0), 1.0)
    return 1.0 - (1.0 - ambient) * np.power(1.0 - pull, friends_inside)


_BELOW_ONE = np.nextafter(1.0, 0.0)
"""The largest chance short of 1: a hazard ``-ln(1 - p)`` at it is finite."""


def friend_share_of_discovery(ambient, friends_inside, social_pull):
    """Share of an outsider's chance of discovery that comes through friends inside.

        h_ambient = -ln(1 - ambient),   h_friends = -x * ln(1 - social_pull)
        share = h_friends / (h_ambient + h_friends)

    (``x``: the exposure through friends inside, ``friend_exposure``.)
    The two channels are independent hazards (``1 - p_discover = exp(-(h_ambient +
    h_friends))``), so a discovery came through friends with this share. It is 0 when
    neither channel can act; a certain channel (probability 1, infinite hazard) takes the
    whole share, and two certain channels split it evenly.
    """
    certain_ambient = 1.0 * (ambient >= 1.0)
    certain_friends = 1.0 * ((social_pull >= 1.0) & (friends_inside > 0))
    # the hazards of channels short of certain (a certain one's is infinite: set apart)
    ambient_hazard = -np.log1p(-np.minimum(ambient, _BELOW_ONE))
    friend_hazard = -friends_inside * np.log1p(-np.minimum(social_pull, _BELOW_ONE))
    total = ambient_hazard + friend_hazard
    share = friend_hazard / (total + (total <= 0.0))  # 0 when neither channel acts
    uncertain = (1.0 - certain_ambient) * (1.0 - certain_friends)
    return certain_friends * (1.0 - 0.5 * certain_ambient) + uncertain * share


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


def patience_capacity(patience, patience_days):
    """How much the patience reservoir holds, in days of a full shortfall:

        cap_i = patience_i * patience_days

    A joiner's reservoir starts full, muting refills it (``refill_patience``), and what
    a day adds never takes it above (``patience_after``, ``adjust_patience``)."""
    return patience * patience_days


def patience_after(reservoir, surplus, patience_capacity, recovery):
    """Patience left after today's experience.

        r_i <- min(r_i + surplus_i, cap_i)              if surplus_i < 0
        r_i <- min(r_i + recovery * surplus_i, cap_i)   otherwise

    ``surplus = U_i - E_i`` is the utility received minus the utility expected. The
    reservoir starts at ``cap_i = patience_i * patience_days`` and drains by each day's
    shortfall; a member leaves when it is used up.
    """
    gain = np.minimum(surplus, 0.0) + recovery * np.maximum(surplus, 0.0)  # one term is 0
    return np.minimum(reservoir + gain, patience_capacity)


@callable_in_kernels
def engagement(surplus, steepness=4.0):
    """How a day's surplus moves a member's activity: ``2 * sigmoid(k * surplus)``, 1 at
    zero surplus, 0 to 2, with ``k = steepness`` (posting here, with the model's
    ``engagement_steepness``; buying in ``strategies.Conversion``, with 4).

    A steep ``k`` is a member who stops talking as soon as the group gives less than they
    expect (goes quiet, 潜水) and talks freely while it gives more.

    The logistic is computed as ``exp(min(z, 0)) / (1 + exp(-|z|))`` (``z = k * surplus``),
    which never overflows, on arrays and, in compiled kernels, on numbers."""
    z = steepness * surplus
    return 2.0 * np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))


@callable_in_kernels
def posting_propensity(activity, surplus, novelty_now, load, steepness=4.0):
    """A member's propensity to post today: their expected turns of talk.

        x_i = a_i * (1 + N_i) * 2 * sigmoid(k * surplus_i) * 2 / (1 + max(L_g / A, 1))

    Talkative members post more (``a_i``: talkativeness, with the day's levers and being
    answered already applied: ``a_i * posting_boost * g_i``); a fresh group and a
    satisfying one invite posting (``2 * sigmoid`` is 1 at zero surplus); an overloaded
    group (load above the attention budget, ``L_g / A > 1``) turns members into lurkers;
    ``k = steepness`` is how sharply satisfaction moves posting (``engagement``).
    Below 1 it is the chance to post (``contribution_probability``); above 1 the member
    posts and talks longer (``turn_length``).
    """
    overload = 2.0 / (1.0 + np.maximum(load, 1.0))
    boost = engagement(surplus, steepness)
    return np.maximum(activity * (1.0 + novelty_now) * boost * overload, 0.0)


def contribution_probability(activity, surplus, novelty_now, load, steepness=4.0):
    """Chance that a member posts today rather than lurks.

    p_i = min(x_i, 1)       (x_i: ``posting_propensity``)
    """
    return np.minimum(posting_propensity(activity, surplus, novelty_now, load, steepness), 1.0)


def posting_tenure(tenure, group_age, group_novelty):
    """The age that a member's posting novelty fades with (``novelty_utility``):

        tau_post_i = h * age_g + (1 - h) * tau_i,    h = group_novelty in [0, 1]

    At ``h = 0`` it is the member's own tenure: a newcomer to an old, quiet group chats
    like a founder of a new one. At ``h = 1`` it is the group's age: what invites posting
    is the group's freshness, which a newcomer to a group past its prime does not find
    (004: the lifecycle is the group's, 萌芽期-高速成长期-活跃互动器-衰亡期-沉寂期 "is the
    common course of a group", and a newcomer to a group that has gone quiet lurks with
    the others). The utility of
    novelty (``CommunityModel._experience``) keeps fading with the member's own tenure.
    """
    return group_novelty * group_age + (1.0 - group_novelty) * tenure


def turn_length(messages_per_post, propensity, verbosity=1.0, growth=1.0, capacity=math.inf):
    """Mean messages beyond the first that a member writes on a day they post.

        T_i = Δ_i / (1 + Δ_i / K),   Δ_i = (messages_per_post - 1) * w_i * max(x_i, 1) ** gamma

    with ``gamma = growth`` and ``K = capacity``.

    A propensity above 1 (``posting_propensity``: a talkative, answered or new member, a
    red-packet or event day) cannot raise the chance to post past certainty: it lengthens
    the member's turn, so the day's expected messages keep growing with the propensity
    (an active chatter writes a stream, 004's "活跃用户" who mostly chat). A member of
    propensity at most 1 writes ``messages_per_post`` messages on average (times
    ``w_i``).

    ``w_i`` is the member's verbosity (``population.draw_verbosity``: log-normal of mean
    1), how long their turns run once they talk: the length of what people write online
    is heavy-tailed, a few write at length and most briefly (Wilkinson 2008, "Strong
    regularities in online peer production", EC '08: contributions per person are
    log-normal to power-law), which is what puts most of a group's messages in the hands
    of its top 1% (van Mierlo 2014).

    ``gamma`` (the model's ``turn_growth``, in [0, 1]) is how fully a propensity above 1
    goes into the turn: at 1 the turn grows in proportion (a member four times as eager
    writes four times as much), below 1 with diminishing returns, since a day has only
    so many hours: an eager, verbose newcomer writes a long day's chat, not a stream of
    hundreds of messages (004: even at its peak, 1,000 messages a day from a group of
    330).

    ``K`` (the model's ``daily_capacity``) is how many messages a person can write in a
    day at most: ``Δ_i`` is what they would write with time to spare, and a day's turn
    saturates towards ``K`` as it grows (``T_i ~ Δ_i`` while ``Δ_i << K``, half of ``K`` at
    ``Δ_i = K``). Typing takes time, so the most eager, most verbose member writes a long
    day's chat, never thousands of messages. ``K = inf`` lifts the bound.
    """
    desired = (messages_per_post - 1.0) * verbosity * np.maximum(propensity, 1.0) ** growth
    return desired / (1.0 + desired / capacity)


def mute_probability(benefit, cost, muting):
    """Chance that a member whose patience is used up mutes the group rather than leaves.

        q_i = muting * B_i / (B_i + C_g)        (q_i = muting when B_i + C_g = 0)

    ``B_i`` is what the group's content gave them today (``content_benefit``), ``C_g``
    what reading it cost (``reading_cost``). Staying is the default and quitting an act:
    muting (消息免打扰) sheds the cost of reading and keeps a glance at what the group
    gives, at no social cost. A member mostly leaves when the group annoys more than it
    gives (noise, overload, spam: 004, chatter drowns members, "who then mute or leave";
    a group full of junk becomes a dead group); a quiet group costs nothing, so its tired
    members mute it and stay.
    """
    benefit = np.maximum(benefit, 0.0)
    total = benefit + np.maximum(cost, 0.0)
    nothing = total <= 0.0  # B_i + C_g = 0: the share is (0 + 1) / (0 + 1)
    return muting * ((benefit + nothing) / (total + nothing))


def muted_surplus(surplus, muted_reading):
    """A muted member's day: they glance at a share ``f = muted_reading`` of the group, so
    they get, pay and expect that share of what a reading member does:

        surplus_i = f * (U_i - E_i)

    Their patience drains ``1 / f`` times more slowly: a muted group is tolerated long.
    """
    return muted_reading * surplus


def surfacing_probability(pull, mentions, mention_pull, resurfacing):
    """Chance that a muted member comes back up today.

        s_i = 1 - exp(-(r + pull_i + mention_pull * m_i))

    ``r = resurfacing`` is their own daily hazard of opening the muted group to look (a
    muted group still shows its unread count); ``pull_i`` today's pull of the operator's
    levers (``Day.surface_pull``: a red packet, an @-all announcement, an event, a KOL's
    session; 004: "万年潜水看见红包才冒泡"); ``m_i`` the member's friends who posted
    yesterday (a friend's mention, @). The three are independent hazards.
    """
    return 1.0 - np.exp(-(resurfacing + pull + mention_pull * mentions))


def expected_replies(responders, messages, reply_rate):
    """Replies a member's turn today draws, on average.

        rho_i = D_i * (1 - exp(-reply_rate * m_i))

    ``D_i`` is the turn's repliers (``responders``), ``m_i`` its messages. Each responder
    answers each message with a small chance ``reply_rate``, but answers a turn about once:
    a reader replies to what someone said, not to each line of it, so one responder answers
    a turn of ``m_i`` messages with chance ``1 - (1 - reply_rate) ** m_i ~ 1 - exp(-reply_rate
    * m_i)``. A turn in a group half as large draws half the replies (Zhang & Zhu 2011); a
    long turn more than a short one, so the talkative are answered most and talk more (van
    Mierlo 2014); but a turn draws at most ``D_i`` replies, however long, so a talker whose
    listeners have gone quiet is not kept talking by the length of their own monologue (004:
    the group goes "gradually" under 100 messages a day). For short turns it is about
    ``reply_rate * D_i * m_i``. The model draws the replies as Poisson(rho_i).
    """
    return responders * -np.expm1(-reply_rate * messages)


def responders(readers, posting_chances, own_chance, reply_from_posters):
    """Who may answer a member's turn: the group's readers, each weighed by how much they
    take part today.

        D_i = (1 - h) * (R_g - 1) + h * (P_g - p_i),    h = reply_from_posters in [0, 1]

    ``R_g`` counts the group's readers (members who have not muted it, spammers aside),
    ``P_g`` sums their chances of posting today (``contribution_probability``) and
    ``p_i`` is the writer's own; the writer does not answer themself. At ``h = 0`` every
    reader answers alike; at ``h = 1`` answering is posting: a lurker who never posts never
    replies (the 90-9-1 rule, van Mierlo 2014), and a group whose members have gone quiet
    answers no one, so the feedback that keeps its talkers talking dies with it (004: the
    group goes quiet, "gradually" under 100 messages a day).
    """
    everyone = np.maximum(readers - 1.0, 0.0)
    posting = np.maximum(posting_chances - own_chance, 0.0)
    return (1.0 - reply_from_posters) * everyone + reply_from_posters * posting


def answered_share(replies, reply_half):
    """How answered a member feels after a turn that drew ``replies`` replies, in [0, 1).

        A_i = c_i / (c_i + reply_half)

    (``c_i`` replies): the first replies matter most; a turn with ``reply_half`` replies
    is half as rewarding as one that is answered without end.
    """
    return replies / (replies + reply_half)


def response_factor(answered, response_gain):
    """How being answered raises a member's posting (chance and length of their turn).

        g_i = 1 + response_gain * α_i

    ``α_i`` in [0, 1] is how often their recent posts were answered
    (``response_memory_after``): members who are answered post again, and write more when
    they do; members never answered stay at 1. This feedback is what makes participation
    unequal (van Mierlo 2014: the top 1% write most of the messages).
    """
    return 1.0 + response_gain * answered


def response_memory_after(answered, got_reply, response_memory):
    """How answered a member's posts were, updated on a day they post.

        α_i <- α_i + response_memory * (A_i - α_i)

    ``A_i`` is today's ``answered_share``: an average over their recent posting days,
    each weighing ``response_memory``.
    """
    return answered + response_memory * (got_reply - answered)


def friend_exposure(posted, members, silent_exposure, linked_share, linked_gain):
    """An outsider's exposure to a group through friends who are members of it.

        e_i = p_i + silent_exposure * (k_i - p_i)
        x_i = log2(1 + e_i) * (1 + linked_gain * c_i)

    ``k_i`` counts friends who are members and have not muted the group, ``p_i`` those of
    them who posted yesterday (they count fully; lurking friends count
    ``silent_exposure``), ``c_i`` the share of pairs of friends who are members (muted
    ones too) who are friends of each other. ``x_i`` takes the place
    of a number of friends in ``discovery_probability``: the logarithm gives diminishing
    returns in friends inside, and linked friends (a group one's circle shares) expose more
    (Backstrom et al. 2006: rising and concave in k, higher when the friends are linked).
    """
    effective = posted + silent_exposure * (members - posted)
    return np.log2(1.0 + effective) * (1.0 + linked_gain * linked_share)


def spammer_leaving_probability(readers, spam_move_on, spam_readers):
    """Daily chance that a spammer moves on to another group: the fewer read them, the
    likelier.

        l_g = spam_move_on * spam_readers / (spam_readers + R_g)

    ``R_g`` is the group's audience (members who have not muted it, spammers aside).
    """
    return spam_move_on * spam_readers / (spam_readers + readers)


def report_probability(readers, report_rate):
    """Chance that a spammer who posted today is reported by at least one reader (and
    removed by the group's owner):

        b_g = 1 - (1 - report_rate) ** R_g
    """
    return 1.0 - np.power(1.0 - report_rate, readers)


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
