"""Fuzzing every parameter of the model, of every strategy and of experiment files with
booleans, infinities, NaN, huge integers, negative zero and wrong types: each case either
runs (a small population for a few days) or is refused with a ``ValueError`` naming the
parameter; nothing else is raised. Derandomized: the same cases on every run."""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commsim import PARAMETERS, CommunityModel
from commsim.parameter_kinds import Choice
from commsim.strategies import FLAT_PARAMETERS, STRATEGIES
from commsim.sweep import ExperimentError, ExperimentFileError, load_experiment
from commsim.sweep.experiment import Experiment
from commsim.sweep.worker import execute_run

FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
DAYS = 3
#: Upper ends for values that are allowed but would make a run too big for a test.
SMALL_ENDS = {
    "population": 120, "initial_members": 10, "groups": 4, "mean_degree": 12, "count": 5,
    "followers": 20, "max_members": 200, "sharing_every": 10, "every": 10,
}  # fmt: skip

ODD = st.sampled_from(
    [True, False, np.bool_(True), math.inf, -math.inf, math.nan, 10**400, -(10**400), -0.0,
     0, -1, 2**63, "x", "1", "", None, [1], {"a": 1}, 1e308, 5e-324, np.int64(3),
     np.float32(0.5)]
)  # fmt: skip


def in_range(parameter) -> st.SearchStrategy:
    """Good values of a parameter (its range, with small ends where a run would be big)."""
    if isinstance(parameter, Choice):
        return st.sampled_from(parameter.choices)
    high = min(parameter.high, SMALL_ENDS.get(parameter.name, 1e6))
    if parameter.kind is int:
        return st.integers(int(parameter.low), max(int(parameter.low), int(high)))
    return st.floats(parameter.low, high, exclude_min=parameter.low_open)


def values_of(table) -> st.SearchStrategy:
    """Dicts of a few of ``table``'s parameters, each good or odd."""
    return st.dictionaries(st.sampled_from(sorted(table)), st.none(), max_size=3).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: st.one_of(in_range(table[name]), ODD) for name in chosen}
        )
    )


def run_or_refused(make, names) -> None:
    """``make()`` builds a model that must run ``DAYS`` days, or raise a ``ValueError``
    naming one of ``names``."""
    try:
        model = make()
    except ValueError as error:
        assert any(name in str(error) for name in names), (names, str(error))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # extreme scales overflow to inf
        model.run_for(DAYS)
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == DAYS + 1 and (frame["members"] >= 0).all()


BASE = {"population": 80, "initial_members": 6}


@FUZZ
@given(values_of(PARAMETERS))
def test_model_parameters(values):
    params = {**BASE, **values}
    run_or_refused(lambda: CommunityModel(rng=1, **params), list(values) + list(BASE))


@FUZZ
@given(values_of(FLAT_PARAMETERS))
def test_flat_strategy_keywords(values):
    owners = [c.__name__ for c in STRATEGIES.values() for k in values if k.startswith(c.key)]
    run_or_refused(lambda: CommunityModel(rng=2, **BASE, **values), list(values) + owners)


@FUZZ
@given(st.sampled_from(list(STRATEGIES.values())).flatmap(
    lambda cls: st.tuples(st.just(cls), values_of(cls.PARAMETERS))))  # fmt: skip
def test_every_strategy_s_parameters(case):
    cls, values = case
    names = [cls.__name__] + list(values)

    def make():
        return CommunityModel(rng=3, **BASE, strategies=[cls(**values)])

    run_or_refused(make, names)


@FUZZ
@given(st.sampled_from(["rng", "network", "strategies"]), ODD)
def test_model_arguments(name, value):
    run_or_refused(lambda: CommunityModel(**BASE, **{name: value}), [name])


TOML_VALUES = [
    "true", "inf", "-inf", "nan", "-0.0", "0", "1", "2", "1e400", "99999999999999999999999",
    "-5", '"text"', '""', "[]", "[1, 1.0]", "[0.01, 0.02]", "{low = 0, high = inf}",
    "{low = 0.1, high = 0.2}", "{low = nan, high = 1}", '"../x"', '"grid"', '"latin"', "2.5",
]  # fmt: skip
TOP_KEYS = ["days", "replications", "seed", "samples", "design", "name", "outcomes",
            "metrics", "question"]  # fmt: skip
SECTIONS = st.one_of(
    st.tuples(st.just(""), st.sampled_from(TOP_KEYS)),
    st.tuples(st.just("parameters"), st.sampled_from(sorted(PARAMETERS))),
    st.tuples(st.just("vary"), st.sampled_from(sorted(PARAMETERS) + ['"RedPackets.every"'])),
    st.tuples(
        st.sampled_from([f"strategies.{name}" for name in STRATEGIES]),
        st.sampled_from(sorted({p for c in STRATEGIES.values() for p in c.PARAMETERS})),
    ),
)


@FUZZ
@given(st.lists(st.tuples(SECTIONS, st.sampled_from(TOML_VALUES)), max_size=4))
def test_experiment_files(tmp_path_factory, entries):
    tables: dict[str, dict[str, str]] = {"": {"days": "2", "replications": "1"}}
    tables.setdefault("parameters", {})["population"] = "60"
    for (table, key), value in entries:
        tables.setdefault(table, {})[key] = value
    text = "".join(f"{k} = {v}\n" for k, v in tables.pop("").items())
    for table, keys in tables.items():
        text += f"[{table}]\n" + "".join(f"{k} = {v}\n" for k, v in keys.items())
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.toml"
    path.write_text(text)
    try:
        experiment = load_experiment(path)
    except ExperimentFileError as error:
        assert str(error).startswith(str(path)), str(error)
        return
    assert isinstance(experiment, Experiment)
    run = next(experiment.runs())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = execute_run(run, min(experiment.days, DAYS), experiment.metrics,
                             experiment.outcomes)  # fmt: skip
    assert result.error is None, (text, result.error)


def test_experiment_error_is_a_value_error():
    """The fuzz tests' rule, "refused with a ValueError", covers experiments' errors."""
    assert issubclass(ExperimentError, ValueError) and issubclass(ExperimentFileError, ValueError)
