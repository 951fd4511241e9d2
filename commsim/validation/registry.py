"""Every check by name, in the order of the docs."""

from __future__ import annotations

from commsim.validation import (
    audience,
    joining,
    lifecycle,
    participation,
    quiet_decline,
    red_packets,
    social_comparison,
    thresholds,
)
from commsim.validation.framework import Check

CHECKS: dict[str, Check] = {
    check.name: check
    for check in (
        participation.CHECK, joining.CHECK, audience.CHECK, quiet_decline.CHECK,
        red_packets.CHECK, social_comparison.CHECK, thresholds.CHECK, lifecycle.LIFECYCLE,
        lifecycle.COOLING,
    )
}  # fmt: skip
