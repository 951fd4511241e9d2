"""The model's parameters: one table of names, defaults, allowed ranges and meanings.

Everything that validates, documents or exposes a parameter (the model's keyword
arguments, experiment files, slider interfaces) reads this table, so a parameter is
declared once. The kinds of entry it holds (``Parameter``, ``Choice``, ``Control``) are
defined in ``commsim.parameter_kinds`` and importable from here, the path a strategy of
one's own uses (``from commsim.parameters import Control, Parameter``).
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from commsim.parameter_kinds import Choice, Control, Parameter, shown

__all__ = [
    "PARAMETERS", "RUN_DAYS", "Choice", "Control", "Parameter", "check_together",
    "parameters_doc", "validate",
]  # fmt: skip


def _p(name, default, low, high, doc, kind=float, low_open=False) -> Parameter:
    return Parameter(name, default, kind, low, high, doc, low_open)


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        # --- population and network ---------------------------------------------------
        _p(
            "population",
            2000,
            2,
            10_000_000,
            "people in the population (outsiders and members)",
            int,
        ),
        _p(
            "mean_degree", 10, 2, 1000, "friends per person in the default small-world network", int
        ),
        _p("rewiring", 0.1, 0, 1, "rewiring probability of the default Watts-Strogatz network"),
        _p("groups", 1, 1, 1000, "groups at the start; they share the population", int),
        _p("initial_members", 12, 1, 10_000_000, "founding members of each group", int),
        # --- traits: Beta distributions given by mean and concentration ---------------------
        _p("need_mean", 0.5, 0, 1, "mean need (what a person wants from the group)", low_open=True),
        _p("value_mean", 0.3, 0, 1, "mean value (what a person can give)", low_open=True),
        _p(
            "patience_mean",
            0.5,
            0,
            1,
            "mean patience (tolerance of a disappointing group)",
            low_open=True,
        ),
        _p(
            "trait_concentration",
            4.0,
            0,
            1000,
            "Beta concentration a+b of need, value and patience (higher: less spread)",
            low_open=True,
        ),
        _p(
            "activity_mean",
            0.06,
            0,
            1,
            "mean talkativeness: daily chance of posting when content",
            low_open=True,
        ),
        _p(
            "activity_concentration",
            0.5,
            0,
            1000,
            "Beta concentration of talkativeness (low: a few chatty members, many silent)",
            low_open=True,
        ),
        _p(
            "verbosity_spread",
            1.0,
            0,
            5,
            "log-normal spread of verbosity, how long a member's turns run (0: all alike; "
            "rules.turn_length)",
        ),
        _p("spammer_share", 0.02, 0, 1, "share of the population who are spammers/advertisers"),
        # --- discovery and joining ----------------------------------------------------------
        _p(
            "ambient_inflow",
            0.04,
            0,
            1,
            "daily chance that an outsider discovers the group via ads or public channels",
        ),
        _p(
            "promotion_days",
            10.0,
            0,
            math.inf,
            "e-folding time of the ambient inflow after launch, days",
            low_open=True,
        ),
        _p(
            "social_pull",
            0.01,
            0,
            1,
            "daily chance that one friend inside brings an outsider in (with diminishing "
            "returns in friends: rules.friend_exposure)",
        ),
        _p(
            "silent_exposure",
            0.35,
            0,
            1,
            "exposure through a friend inside who did not post yesterday, relative to one who did",
        ),
        _p(
            "linked_gain",
            0.5,
            0,
            10,
            "extra exposure when all of one's friends inside are friends of each other",
        ),
        # --- what a member experiences ------------------------------------------------------
        _p(
            "content_scale",
            300.0,
            0,
            math.inf,
            "value-weighted messages that fill 63% of a member's need, per day",
            low_open=True,
        ),
        _p(
            "attention_budget",
            1200.0,
            0,
            math.inf,
            "messages a member can read in a day",
            low_open=True,
        ),
        _p("reading_cost", 0.1, 0, 10, "cost of reading a full attention budget of messages"),
        _p("overload_cost", 0.2, 0, 10, "extra cost per attention budget of messages beyond it"),
        _p(
            "spam_weight", 3.0, 0, 100, "reading cost of a spam message relative to an ordinary one"
        ),
        _p("novelty", 10.0, 0, 10, "utility of a brand-new group's freshness on the first day"),
        _p(
            "novelty_days",
            6.0,
            0,
            math.inf,
            "e-folding time of novelty with tenure, days",
            low_open=True,
        ),
        _p(
            "group_novelty",
            1.0,
            0,
            1,
            "share of posting novelty that fades with the group's age rather than the "
            "member's tenure (rules.posting_tenure)",
        ),
        _p("expectation", 0.9, 0, 10, "share of a member's need they expect the group to meet"),
        _p(
            "cooling",
            1.0,
            0,
            10,
            "extra expectation per unit of own value above the group's mean value",
        ),
        _p("mood_noise", 0.1, 0, 10, "standard deviation of the daily random shock to utility"),
        # --- decisions ----------------------------------------------------------------------
        _p(
            "patience_days",
            15.0,
            0,
            math.inf,
            "days of full disappointment a member of patience 1 tolerates",
            low_open=True,
        ),
        _p(
            "engagement_steepness",
            12.0,
            0,
            100,
            "how sharply a day's surplus moves posting (rules.engagement: 2 sigmoid(k S))",
        ),
        _p("recovery", 0.5, 0, 10, "patience regained per unit of surplus utility, days"),
        _p(
            "messages_per_post",
            4.0,
            1,
            1000,
            "mean messages a writer of average talkativeness, never answered, writes on a "
            "posting day (rules.turn_length)",
        ),
        _p(
            "turn_growth",
            0.75,
            0,
            1,
            "how fully an eagerness to post above certainty lengthens the turn: 1 in "
            "proportion, below 1 with diminishing returns (rules.turn_length)",
        ),
        _p(
            "daily_capacity",
            600.0,
            1,
            math.inf,
            "messages a person can write in a day at most: a day's turn saturates towards it "
            "(rules.turn_length)",
        ),
        _p("spam_rate", 0.5, 0, 1, "daily chance that a spammer member posts ads"),
        # --- spammers (commsim.spam) ---------------------------------------------------------
        _p(
            "report_rate",
            0.002,
            0,
            1,
            "chance that one reader reports a spammer who posted (the owner removes them)",
        ),
        _p(
            "spam_move_on",
            0.2,
            0,
            1,
            "daily chance that a spammer in a group nobody reads moves on",
        ),
        _p(
            "spam_readers",
            20.0,
            0,
            math.inf,
            "readers at which a spammer's chance of moving on is half spam_move_on",
            low_open=True,
        ),
        # --- audience and response (commsim.audience) -------------------------------------
        _p(
            "reply_rate",
            0.08,
            0,
            1,
            "chance that one reader of the group answers a given message",
        ),
        _p(
            "reply_from_posters",
            1.0,
            0,
            1,
            "how much answering is posting: 0 every reader answers alike, 1 a reader answers "
            "in proportion to their chance of posting today",
        ),
        _p(
            "response_gain",
            45.0,
            0,
            100,
            "extra talkativeness (chance and length of a turn) of a member always answered",
        ),
        _p(
            "response_memory",
            0.5,
            0,
            1,
            "weight of the latest posting day in a member's memory of being answered",
        ),
        _p(
            "reply_half",
            30.0,
            0,
            math.inf,
            "replies to a turn that make it half as rewarding as an endless stream of them",
            low_open=True,
        ),
        _p("answer_utility", 0.1, 0, 10, "utility of being fully answered today"),
        # --- muting and going quiet (commsim.muting) --------------------------------------
        _p(
            "muting",
            1.0,
            0,
            1,
            "chance that a member out of patience mutes rather than leaves, when the group "
            "costs them nothing to read",
        ),
        _p(
            "muted_reading",
            0.05,
            0,
            1,
            "share of the group a muted member still reads (and of its utility they feel)",
        ),
        _p(
            "mention_pull",
            0.02,
            0,
            math.inf,
            "daily hazard that a muted member comes back up, per friend who posted",
        ),
        _p(
            "resurfacing",
            0.01,
            0,
            math.inf,
            "daily hazard that a muted member comes back up of their own accord (opens the "
            "muted group to look)",
        ),
    ]
}


#: Days ``CommunityModel.run_model`` runs by default (Mesa's loop needs an end).
RUN_DAYS = Parameter("days", 365, int, 0, 100_000, "days run_model steps (a horizon)")


def parameters_doc(indent: str = "    ") -> str:
    """The model's parameters as a docstring section: each name, default, allowed range
    and meaning (``CommunityModel``'s docstring is completed with it)."""
    lines = ["Parameters (``commsim.parameters.PARAMETERS``; every one a keyword):", ""]
    for p in PARAMETERS.values():
        lines.append(f"{indent}{p.name} = {p.default!r}: {p.doc}; {p.allowed}.")
    return "\n".join(lines)


def validate(values: dict[str, Any]) -> dict[str, float | int]:
    """Check user-given parameters against ``PARAMETERS`` and fill in the defaults.

    Raises:
        ValueError: for an unknown name, a value of the wrong type, or one outside its range.
            The message names the parameter, the value and the allowed range.
    """
    unknown = sorted(set(values) - set(PARAMETERS))
    if "seed" in unknown:
        raise ValueError(
            f"seed={shown(values['seed'])}: commsim's models (like Mesa 3's) take their seed "
            "as rng=, e.g. CommunityModel(rng=42)"
        )
    if unknown:
        hints = {name: difflib.get_close_matches(name, PARAMETERS, n=1) for name in unknown}
        hint = "; ".join(f"{name}: did you mean {h[0]}?" for name, h in hints.items() if h)
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)}{' (' + hint + ')' if hint else ''}; "
            "known parameters are: rng, network, strategies, " + ", ".join(PARAMETERS)
        )
    checked = {name: p.default for name, p in PARAMETERS.items()}
    for name, value in values.items():
        checked[name] = PARAMETERS[name].check(value)
    return checked


def check_together(params: dict[str, Any]) -> None:
    """Check the rules that tie parameters together (each alone being in range).

        initial_members * groups <= population

    Raises:
        ValueError: naming the parameters, their values and the rule.
    """
    founders = params["initial_members"] * params["groups"]
    if founders > params["population"]:
        raise ValueError(
            f"initial_members={params['initial_members']} x groups={params['groups']} is larger "
            f"than population={params['population']}: expected at most population founders in all"
        )
