"""Mesa habits honoured: ``run_model()`` ends, ``help(CommunityModel)`` is commsim's with
every parameter, ``seed=`` is answered with ``rng=``."""

from __future__ import annotations

import pydoc

import pytest

from commsim import PARAMETERS, CommunityModel


def test_run_model_ends_at_its_horizon_or_when_running_is_cleared():
    model = CommunityModel(rng=1, population=100)
    model.run_model()  # Mesa's loop would step forever
    assert model.day == 365
    model.run_model(days=5)
    assert model.day == 370
    model.running = False
    model.run_model()
    assert model.day == 370
    with pytest.raises(ValueError, match=r"^days=-1 is out of range"):
        model.run_model(days=-1)


def test_help_shows_commsim_s_docstring_with_every_parameter():
    text = pydoc.render_doc(CommunityModel, renderer=pydoc.plaintext)
    assert "Groups in a population of people" in text
    assert "Overload this method" not in text.split("Methods inherited from")[0]
    for parameter in PARAMETERS.values():
        assert f"{parameter.name} = {parameter.default!r}: {parameter.doc}; " in text


def test_seed_is_answered_with_rng():
    with pytest.raises(ValueError, match=r"take their seed as rng="):
        CommunityModel(seed=3)


def test_the_daily_metrics_are_what_mesa_s_datacollector_collects():
    """``DailyMetrics`` appends the model's metrics as Mesa's ``DataCollector`` would
    collect them, and collects as Mesa's does once a user adds a reporter of their own
    (here: an agent reporter and a model reporter of another name)."""
    import mesa
    import pandas as pd

    from commsim.model import REPORTERS

    model = CommunityModel(rng=2, population=300)
    mesas = mesa.DataCollector(model_reporters={n: model._reporter(n) for n in REPORTERS})
    mesas.collect(model)
    for _ in range(20):
        model.step()
        mesas.collect(model)
    pd.testing.assert_frame_equal(
        model.datacollector.get_model_vars_dataframe(), mesas.get_model_vars_dataframe()
    )
    assert model.datacollector._collection_steps == mesas._collection_steps
    ours = model.datacollector.model_vars  # Mesa's lists, counts as ints
    assert ours.keys() == mesas.model_vars.keys() and len(ours["gini"]) == 21
    assert ours["members"] == mesas.model_vars["members"]
    assert all(type(n) is int for n in ours["members"] + ours["conversions"])
    model.datacollector._new_model_reporter("day", "day")  # Mesa's from now on
    model.step()
    assert model.datacollector.model_vars["day"] == [model.day]
    assert model.datacollector.model_vars["members"][-1] == model._metrics["members"]
    assert len(model.datacollector.model_vars["members"]) == 22
    model.datacollector = type(model.datacollector)(
        model_reporters={**{n: model._reporter(n) for n in REPORTERS}, "day": "day"},
        agent_reporters={"need": "need"},
    )
    model.step()  # the day's record collects
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["day"].tolist() == [model.day] and frame["members"].tolist() == [
        model._metrics["members"]
    ]
    assert len(model.datacollector.get_agent_vars_dataframe()) == 300


def test_the_metrics_columns_are_the_frame_s_columns_either_way():
    """``DailyMetrics.columns`` (what a sweep's worker reads) holds the frame's columns as
    float64 arrays, read off the table before anything was listed and off Mesa's lists
    after."""
    import numpy as np

    model = CommunityModel(rng=4, population=300)
    model.run_for(15)
    fresh = model.datacollector.columns()
    frame = model.datacollector.get_model_vars_dataframe()
    listed = model.datacollector.columns()
    for columns in (fresh, listed):
        assert list(columns) == list(frame.columns)
        for name, values in columns.items():
            assert values.dtype == np.float64
            np.testing.assert_array_equal(values, frame[name].to_numpy(dtype=np.float64))
