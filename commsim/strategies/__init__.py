"""Operator strategies: composable, costed policies passed to ``CommunityModel``.

    from commsim import CommunityModel
    from commsim.strategies import EntryThreshold, KOLSeeding, ScheduledEvents

    model = CommunityModel(rng=1, strategies=[
        EntryThreshold(kind="fee", level=0.4), KOLSeeding(count=2), ScheduledEvents(every=7),
    ])

The same strategies as flat keywords (``CommunityModel(red_packets_budget=500)``) or by
name (``build("RedPackets", {"budget": 500})``): see ``commsim.strategies.keywords``.
The reference, with each rule, cost model and source article, is ``docs/strategies.md``.
"""

from commsim.strategies.base import Strategy
from commsim.strategies.content_mix import ContentMix
from commsim.strategies.conversion import Conversion
from commsim.strategies.entry_threshold import EntryThreshold
from commsim.strategies.incentives import Badges, InviteLeaderboard, RedPackets
from commsim.strategies.keywords import (
    FLAT_KEYWORDS,
    FLAT_PARAMETERS,
    STRATEGIES,
    build,
    build_dotted,
    strategies_from_keywords,
    strategy_class,
)
from commsim.strategies.kol_seeding import KOLSeeding
from commsim.strategies.moderation import Moderation
from commsim.strategies.referral import Referral
from commsim.strategies.scheduled_events import ScheduledEvents
from commsim.strategies.size_cap import SizeCap

__all__ = [
    "Badges", "ContentMix", "Conversion", "EntryThreshold", "FLAT_KEYWORDS", "FLAT_PARAMETERS",
    "InviteLeaderboard", "KOLSeeding", "Moderation", "RedPackets", "Referral", "STRATEGIES",
    "ScheduledEvents", "SizeCap", "Strategy", "build", "build_dotted",
    "strategies_from_keywords", "strategy_class",
]  # fmt: skip
