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
