"""Participation inequality: most members never post, a few write most (van Mierlo 2014).

Source: T. van Mierlo (2014), "The 1% rule in four digital health social networks",
J Med Internet Res 16(2):e33. Over 63,990 members of four communities, fewer than 25% ever
posted, and the top 1% of members wrote 74.7% of the messages (the "superusers"). 004 says
the same of WeChat groups: most members dive (潜水), the big shots rarely speak.

Statistic (the source's): over everyone who was ever a member, spammers aside, the share
who never posted, and the shares of members' own messages written by the top 1% and the
top 10% of them, at the end of a year. Posting is not what the rules encode directly: a
member's chance to post each day follows their talkativeness, the group and (with the
model's audience mechanism) being read and answered; the inequality over a year is an
outcome of those.

Tolerance (fixed before any run): the one-sided 95% lower bound over replications of the
never-posted share is at least 75%; of the top-1% share at least 40% (the source: 74.7%;
four communities ranged widely); of the top-10% share at least 75%.
"""

from __future__ import annotations

import math

import numpy as np

from commsim.inequality import top_share
from commsim.validation.framework import Check, at_least, regular, replicate

DAYS = 365
NEVER_POSTED = 0.75
TOP1 = 0.40
TOP10 = 0.75


def participation_shares(contributions, ever_member, spammer) -> dict[str, float]:
    """The source's three figures from per-person counts.

    Args:
        contributions: messages each person wrote while a member.
        ever_member: whether each person was ever a member.
        spammer: whether each person is a spammer (left out).

    Returns:
        ``never_posted`` (share of ever-members, spammers aside, with no message),
        ``top1`` and ``top10`` (share of their messages written by the top 1% and 10% of
        them; NaN when nobody wrote anything).
    """
    chosen = np.asarray(ever_member, dtype=bool) & ~np.asarray(spammer, dtype=bool)
    written = np.asarray(contributions, dtype=float)[chosen]
    if written.size == 0:
        return {"never_posted": math.nan, "top1": math.nan, "top10": math.nan}
    return {"never_posted": float(np.mean(written == 0)),
            "top1": top_share(written, 0.01), "top10": top_share(written, 0.10)}  # fmt: skip


def _participation(size, seed, parameters, strategies=None):
    rows = []
    for run in replicate(size, seed, DAYS, parameters, strategies):
        pop = run.model.population
        rows.append(participation_shares(pop.contributions, pop.joined_day >= 0,
                                         ~regular(run.model)))  # fmt: skip
    design = (f"{DAYS} days, default group; over everyone who was ever a member (spammers "
              "aside): the share who never posted, and the shares of their messages written "
              "by the top 1% and the top 10% of them")  # fmt: skip
    figures = [
        at_least("never posted (share of ever-members)", [r["never_posted"] for r in rows],
                 NEVER_POSTED, "more than 75% (under 25% ever post)",
                 f"95% lower bound >= {NEVER_POSTED:.0%}"),
        at_least("top 1% share of members' messages", [r["top1"] for r in rows], TOP1,
                 "74.7%", f"95% lower bound >= {TOP1:.0%}"),
        at_least("top 10% share of members' messages", [r["top10"] for r in rows], TOP10,
                 "most (1% rule)", f"95% lower bound >= {TOP10:.0%}"),
    ]  # fmt: skip
    return design, figures


CHECK = Check(
    "participation",
    "fewer than a quarter of members ever post; the top 1% write most of the messages",
    "van Mierlo 2014 (J Med Internet Res 16(2):e33); 004 (潜水, 大咖一般不说话)",
    _participation,
)
