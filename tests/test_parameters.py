import networkx as nx
import pytest

from commsim import PARAMETERS, CommunityModel


@pytest.mark.parametrize(
    "kwargs, pattern",
    [
        ({"population": -5}, r"population=-5 .*\[2, 1e\+07\]"),
        ({"population": 2.5}, r"population=2\.5 .*integer"),
        ({"social_pull": 1.3}, r"social_pull=1\.3 .*\[0, 1\]"),
        ({"spammer_share": -0.1}, r"spammer_share=-0\.1 .*\[0, 1\]"),
        ({"need_mean": 0}, r"need_mean=0\.0 .*\(0, 1\]"),
        ({"novelty_days": "soon"}, r"novelty_days='soon'"),
        ({"ambient_inflow": float("nan")}, r"ambient_inflow=nan"),
        ({"colour": "red"}, r"unknown parameter\(s\) colour"),
        ({"population": 10, "initial_members": 20}, r"initial_members=20 .*population=10"),
    ],
)
def test_bad_parameters_name_the_parameter_and_range(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        CommunityModel(rng=1, **kwargs)


def test_network_with_too_few_nodes_is_refused():
    with pytest.raises(ValueError, match=r"network has 50 nodes, fewer than population=100"):
        CommunityModel(rng=1, population=100, network=nx.path_graph(50))


def test_strings_from_a_ui_are_coerced():
    model = CommunityModel(rng=1, population="300", social_pull="0.1")
    assert model.params["population"] == 300
    assert model.params["social_pull"] == pytest.approx(0.1)


def test_signature_lists_every_parameter_with_its_default():
    import inspect

    signature = inspect.signature(CommunityModel)
    for name, parameter in PARAMETERS.items():
        assert signature.parameters[name].default == parameter.default
    assert {"rng", "network", "strategies"} <= set(signature.parameters)


def test_every_default_is_in_its_own_range():
    for parameter in PARAMETERS.values():
        assert parameter.check(parameter.default) == parameter.default
