"""The runs ahead: the strategies started tomorrow, one member of the ensemble (a run and
its strategy copies) and the figures read from each run."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from commsim.model import CommunityModel
from commsim.outcomes import days_until_silence
from commsim.strategies import Strategy, build

AS_IT_IS = "as it is"
"""The arm without any new strategy."""

DEFAULT_STRATEGIES: dict[str, str] = {
    "weekly event": "ScheduledEvents",
    "red packets": "RedPackets",
    "operator content": "ContentMix",
    "referral rewards": "Referral",
}
"""The strategies tried by default, each with its own default parameters; a strategy with
a ``start`` day starts it tomorrow."""

FIGURES = ("days_until_silence", "members_ahead", "messages_ahead", "spend")
MID_LIFE_REFUSED = {"KOLSeeding": "its KOLs join on day 1 only"}


def strategy_templates(strategies, tomorrow: int) -> dict[str, Strategy]:
    """Label -> a strategy instance to copy into each run. Names are built with their
    defaults and, when they have a ``start`` day, ``start=tomorrow``."""
    if strategies is None:
        strategies = DEFAULT_STRATEGIES
    if isinstance(strategies, str) or not isinstance(strategies, (Mapping, Iterable)):
        raise ValueError(
            f"strategies={strategies!r}: expected a mapping of label to strategy "
            "(a name or an instance) or a list of strategy names"
        )
    items = strategies.items() if isinstance(strategies, Mapping) else [(s, s) for s in strategies]
    templates = {}
    for label, strategy in items:
        if isinstance(strategy, str):
            cls = build(strategy).__class__
            strategy = build(strategy, {"start": tomorrow} if "start" in cls.PARAMETERS else {})
        if not isinstance(strategy, Strategy):
            raise ValueError(
                f"strategies[{label!r}]={strategy!r}: expected a strategy name or a "
                "commsim.strategies.Strategy instance"
            )
        refused = MID_LIFE_REFUSED.get(type(strategy).__name__)
        if refused:
            raise ValueError(
                f"strategies[{label!r}]: {type(strategy).__name__} cannot start in the middle "
                f"of a group's life ({refused})"
            )
        if str(label) == AS_IT_IS:
            raise ValueError(f"strategies: the label {AS_IT_IS!r} is the run without strategy")
        templates[str(label)] = strategy
    return templates


def start_strategy(model: CommunityModel, strategy: Strategy) -> None:
    """Add ``strategy`` to a running model: it acts from the model's next day on.

    The strategy is set up on the model as it is today (``strategy.setup(model)``) and
    joins the end of ``model.strategies``, so its hooks run after the others'."""
    model.strategies.append(strategy)
    strategy.setup(model)


# ---------------------------------------------------------------------- the runs
@dataclass(frozen=True)
class Member:
    """One run of the ensemble and its strategy copies (picklable for executors)."""

    parameters: dict
    seed: int
    today: int
    horizon: int
    templates: dict

    def __call__(self, _=None) -> dict[str, pd.DataFrame]:
        model = CommunityModel(rng=self.seed, **self.parameters)
        model.run_for(self.today)
        copies = {}
        for label, template in self.templates.items():
            arm = copy.deepcopy(model)
            start_strategy(arm, copy.deepcopy(template))
            copies[label] = arm
        frames = {}
        for label, arm in {AS_IT_IS: model, **copies}.items():
            arm.run_for(self.horizon - self.today)
            frames[label] = arm.datacollector.get_model_vars_dataframe()
        return frames


def run_figures(frame: pd.DataFrame, today: int, ahead: int) -> dict[str, float]:
    after = frame.loc[today + 1 : today + ahead]
    silence = days_until_silence(frame)
    return {
        "days_until_silence": max(silence - today, 0.0),  # NaN stays NaN: not silent
        "members_ahead": float(frame["members"].loc[today + ahead]),
        "messages_ahead": float(after["messages"].mean()),
        "spend": float(frame["spend"].loc[today + 1 :].sum()),
    }


def run_member(member: Member) -> dict[str, pd.DataFrame]:
    """``member()``, as a module-level function for ``Executor.map``."""
    return member()
