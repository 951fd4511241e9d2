"""commsim: agent-based simulation of online communities on Mesa.

Quick start::

    from commsim import CommunityModel
    model = CommunityModel(rng=1)
    model.run_for(365)
    df = model.datacollector.get_model_vars_dataframe()
"""

from commsim.agents import Member
from commsim.model import CommunityModel
from commsim.parameters import PARAMETERS

__all__ = ["CommunityModel", "Member", "PARAMETERS", "forecast"]
__version__ = "0.1.0"


def __getattr__(name: str):
    """``commsim.forecast``: ``commsim.forecasting.forecast``, imported when first used."""
    if name == "forecast":
        from commsim.forecasting import forecast

        return forecast
    raise AttributeError(f"module 'commsim' has no attribute {name!r}")
