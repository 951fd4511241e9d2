"""The model's parameters: one table of names, defaults, allowed ranges and meanings.

Everything that validates, documents or exposes a parameter (the model's keyword
arguments, experiment files, slider interfaces) reads this table, so a parameter is
declared once.

Why this module is over 400 lines: the table (``PARAMETERS``, one entry per parameter with
its range and meaning) is kept whole, beside the three kinds of entry it holds
(``Parameter``, ``Choice``, ``Control``) and the checks that read it, so that a parameter
has one home.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One model parameter.

    Attributes:
        name: keyword name of the parameter.
        default: value used when the user gives none.
        kind: ``int`` or ``float``.
        low: smallest allowed value.
        high: largest allowed value (``math.inf`` for no upper bound).
        doc: one line saying what it means, with its unit.
        low_open: whether ``low`` itself is excluded.
    """

    name: str
    default: float | int
    kind: type
    low: float
    high: float
    doc: str
    low_open: bool = False

    @property
    def allowed(self) -> str:
        """The allowed range in interval notation, e.g. ``(0, 1]``; an infinite bound is
        open (``[0, inf)``: any finite number from 0)."""
        left = "(" if self.low_open else "["
        right = ")" if math.isinf(self.high) else "]"
        high = "inf" if math.isinf(self.high) else f"{self.high:g}"
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in {left}{self.low:g}, {high}{right}"

    def check(self, value: Any) -> float | int:
        """Return ``value`` converted to this parameter's kind, or raise ``ValueError``
        naming the parameter, the value and the allowed range.

        Rules: a boolean (also ``numpy.bool_``) is not a number; text is converted (forms
        send text); NaN and infinities are refused (every range's infinite end is open);
        an integer parameter takes whole numbers only (``3.0`` is 3); ``-0.0`` is 0.
        """
        if isinstance(value, (bool, np.bool_)):
            raise ValueError(
                f"{self.name}={shown(value)} is not valid: a boolean is not a number; "
                f"expected {self.allowed}"
            )
        if isinstance(value, np.generic):
            value = value.item()
        if not isinstance(value, (int, float)):
            try:
                value = _number(value, self.kind)
            except (TypeError, ValueError, OverflowError, ArithmeticError):
                raise ValueError(
                    f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                ) from None
        if self.kind is float and isinstance(value, int):
            try:
                value = float(value)
            except OverflowError:
                raise ValueError(
                    f"{self.name}={shown(value)} is out of range: expected {self.allowed}"
                ) from None
        if isinstance(value, float):
            if math.isnan(value):
                raise ValueError(
                    f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                )
            if self.kind is int and math.isfinite(value):
                if not value.is_integer():
                    raise ValueError(
                        f"{self.name}={shown(value)} is not valid: expected {self.allowed}"
                    )
                value = int(value)
        too_low = value <= self.low if self.low_open else value < self.low
        if (
            (isinstance(value, float) and math.isinf(value)) or too_low or value > self.high
        ):  # compares big ints exactly
            raise ValueError(f"{self.name}={shown(value)} is out of range: expected {self.allowed}")
        return self.kind(value) + (0.0 if self.kind is float else 0)  # -0.0 + 0.0 is 0.0


def shown(value: Any, limit: int = 40) -> str:
    """``repr(value)``, shortened to ``limit`` characters (a huge integer, a long text)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 5]}...{text[-2:]}"


def _number(value: Any, kind: type) -> float | int:
    """``value`` (text, a Fraction, a Decimal...) as a Python int or float."""
    if isinstance(value, str):
        text = value.strip()
        if kind is int:
            try:
                return int(text)
            except ValueError:
                return float(text)
        return float(text)
    if kind is int and hasattr(value, "__index__"):
        return int(value.__index__())
    return float(value)


@dataclass(frozen=True)
class Choice:
    """A parameter that takes one of a few named values (e.g. a strategy's ``kind``).

    Attributes:
        name: keyword name of the parameter.
        default: value used when the user gives none.
        choices: the allowed values.
        doc: one line saying what it means.
    """

    name: str
    default: Any
    choices: tuple
    doc: str

    @property
    def allowed(self) -> str:
        """The allowed values, e.g. ``one of 'fee', 'review'``."""
        return "one of " + ", ".join(repr(c) for c in self.choices)

    def check(self, value: Any) -> Any:
        """Return ``value`` if it is one of ``choices`` (``"true"``/``"false"`` strings, as a
        form sends them, count as booleans when the choices are booleans), else raise
        ``ValueError``."""
        if isinstance(value, str) and all(isinstance(c, bool) for c in self.choices):
            value = {"true": True, "false": False}.get(value.strip().lower(), value)
        if isinstance(value, np.bool_):
            value = bool(value)
        for choice in self.choices:
            if type(value) is type(choice) and value == choice:
                return choice
        raise ValueError(f"{self.name}={value!r} is not valid: expected {self.allowed}")


@dataclass(frozen=True)
class Control:
    """A strategy parameter shown in the classroom app (a strategy's ``CONTROLS``).

    A number (``Parameter``) is a slider over ``[low, high]`` by ``step``; a ``Choice`` is
    a pick (a checkbox for on/off, else a list), with ``low``, ``high`` and ``step`` None.

    Attributes:
        name: the parameter's name in the strategy's ``PARAMETERS`` (``"budget"``).
        low, high: the slider's ends, inside the parameter's allowed range.
        step: the slider's step (a whole number for an integer parameter).
    """

    name: str
    low: float | None = None
    high: float | None = None
    step: float | None = None

    def check(self, parameter: Parameter | Choice) -> None:
        """Check this control against its parameter's table entry.

        Raises:
            ValueError: naming the control and what is wrong: a slider for a choice, a
                pick for a number, ends outside the parameter's range or not in order, a
                step that is not above 0 (or not whole, for an integer parameter).
        """
        ends = (self.low, self.high, self.step)
        if isinstance(parameter, Choice):
            if ends != (None, None, None):
                raise ValueError(
                    f"control {self.name!r}: {parameter.name} is a choice "
                    f"({parameter.allowed}); give no low, high or step"
                )
            return
        if any(end is None for end in ends):
            raise ValueError(
                f"control {self.name!r}: {parameter.name} is a number; give low, high and step "
                f"of its slider (within {parameter.allowed})"
            )
        for end in (self.low, self.high):
            try:
                parameter.check(end)
            except ValueError as error:
                raise ValueError(f"control {self.name!r}: {error}") from None
        if not self.low < self.high:
            raise ValueError(
                f"control {self.name!r}: low={self.low!r} must be below high={self.high!r}"
            )
        step = self.step
        if isinstance(step, bool) or not isinstance(step, (int, float)) or not step > 0:
            raise ValueError(f"control {self.name!r}: step={step!r} must be a number above 0")
        if parameter.kind is int and float(step) != int(step):
            raise ValueError(
                f"control {self.name!r}: step={step!r} must be a whole number "
                f"({parameter.name} is an integer)"
            )


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
            0.0,
            0,
            5,
            "log-normal spread of verbosity, how long a member's turns run (0: all alike; "
            "rules.turn_length)",
        ),
        _p("spammer_share", 0.02, 0, 1, "share of the population who are spammers/advertisers"),
        # --- discovery and joining ----------------------------------------------------------
        _p(
            "ambient_inflow",
            0.025,
            0,
            1,
            "daily chance that an outsider discovers the group via ads or public channels",
        ),
        _p(
            "promotion_days",
            16.0,
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
        _p("novelty", 5.0, 0, 10, "utility of a brand-new group's freshness on the first day"),
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
            0.0,
            0,
            1,
            "share of posting novelty that fades with the group's age rather than the "
            "member's tenure (rules.posting_tenure)",
        ),
        _p("expectation", 0.55, 0, 10, "share of a member's need they expect the group to meet"),
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
            4.0,
            0,
            100,
            "how sharply a day's surplus moves posting (rules.engagement: 2 sigmoid(k S))",
        ),
        _p("recovery", 0.5, 0, 10, "patience regained per unit of surplus utility, days"),
        _p(
            "messages_per_post",
            10.0,
            1,
            1000,
            "mean messages a writer of average talkativeness, never answered, writes on a "
            "posting day (rules.turn_length)",
        ),
        _p(
            "turn_growth",
            1.0,
            0,
            1,
            "how fully an eagerness to post above certainty lengthens the turn: 1 in "
            "proportion, below 1 with diminishing returns (rules.turn_length)",
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
            0.0005,
            0,
            1,
            "chance that one reader of the group answers a given message",
        ),
        _p(
            "reply_from_posters",
            0.0,
            0,
            1,
            "how much answering is posting: 0 every reader answers alike, 1 a reader answers "
            "in proportion to their chance of posting today",
        ),
        _p(
            "response_gain",
            12.0,
            0,
            100,
            "extra talkativeness (chance and length of a turn) of a member always answered",
        ),
        _p(
            "response_memory",
            0.3,
            0,
            1,
            "weight of the latest posting day in a member's memory of being answered",
        ),
        _p(
            "reply_half",
            20.0,
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
