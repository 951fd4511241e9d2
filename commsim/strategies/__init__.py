"""Operator strategies: composable, costed policies passed to ``CommunityModel``.

    from commsim import CommunityModel
    from commsim.strategies import EntryThreshold, KOLSeeding, ScheduledEvents

    model = CommunityModel(rng=1, strategies=[
        EntryThreshold(kind="fee", level=0.4), KOLSeeding(count=2), ScheduledEvents(every=7),
    ])

The same strategies as flat keywords (``CommunityModel(red_packets_budget=500)``) or by
name (``build("RedPackets", {"budget": 500})``): see ``commsim.strategies.registry``,
where every strategy class, the project's or a user's, is registered when it is defined.
Importing this package registers the built-ins. ``STRATEGIES`` (every registered class by
name) and ``FLAT_PARAMETERS`` (every flat keyword's table entry) are live read-only views
of the registry. The reference, with each rule, cost model and source article, is
``docs/strategies.md``; writing a strategy of one's own, ``docs/strategies-own.md``.
"""

from commsim.strategies.base import Strategy
from commsim.strategies.building import build, build_dotted
from commsim.strategies.content_mix import ContentMix
from commsim.strategies.conversion import Conversion
from commsim.strategies.entry_threshold import EntryThreshold
from commsim.strategies.incentives import Badges, InviteLeaderboard, RedPackets
from commsim.strategies.kol_seeding import KOLSeeding
from commsim.strategies.moderation import Moderation
from commsim.strategies.referral import Referral
from commsim.strategies.registry import (
    ImportNotAllowed,
    allowed_imports,
    flat_parameters,
    registered_strategies,
    strategies_from_keywords,
    strategy_class,
)
from commsim.strategies.scheduled_events import ScheduledEvents
from commsim.strategies.size_cap import SizeCap
from commsim.strategies.social_comparison import SocialComparison

STRATEGIES = registered_strategies()
FLAT_PARAMETERS = flat_parameters()

__all__ = [
    "Badges", "ContentMix", "Conversion", "EntryThreshold", "FLAT_PARAMETERS",
    "ImportNotAllowed", "InviteLeaderboard", "KOLSeeding", "Moderation", "RedPackets",
    "Referral", "STRATEGIES", "ScheduledEvents", "SizeCap", "SocialComparison", "Strategy",
    "allowed_imports", "build", "build_dotted", "flat_parameters", "registered_strategies",
    "strategies_from_keywords", "strategy_class",
]  # fmt: skip
