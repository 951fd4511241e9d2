"""Small observed series shipped with commsim, for calibration examples and tests.

``load_brand_group()`` is the brand group of source 004 ("三个爸爸", a WeChat group for
learning community operation from the brand's founder, created June 2015). It is
**reconstructed from a practitioner's account, not a log**: the article gives four
figures and no dates, and ``reconstruct_brand_group()`` turns them into a daily series
with stated assumptions. Fit to it to learn which parameters *can* produce a trajectory
of this shape, not to estimate the group's true parameters.

What 004 says (line 48 of ``sources/004_*.txt``): the group grew "in a short time" to
330 members; "at first close to 1000 chat messages a day"; "gradually falling to under
100 a day on average, reaching 300 only on the weekly expert-sharing day (and the
founder's homework review)"; a survey reached 56 of the 330.

Assumptions of the reconstruction (each a choice, not a fact from the source):

- Horizon 91 days (day 0 = founding, days 1..90), 13 weeks; expert days are days 7, 14,
  ..., 84.
- Members: ``M(t) = 330 - (330 - 12) * exp(-t / 4)``, rounded: 12 founders, 330 reached
  within about three weeks ("a short time"), no net loss afterwards (the survey still
  counts 330). Observed only once a week (days 0, 7, ..., 84, 90): the other days are NaN,
  as a group size noted now and then would be.
- Ordinary days: ``m(t) = M(t) / 330 * (80 + A * exp(-t / 15))``: activity grows with the
  membership, then decays with an e-folding time of 15 days ("gradually") to a floor of
  80 a day ("under 100"); ``A`` is set so the busiest day has 950 messages ("close to
  1000"). Day 0 has no messages.
- Expert days: ``m(t) + 220``, so that late expert days have about 300 messages.
- Counts are rounded to integers; no noise is added (any noise would be invented).
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

BRAND_GROUP_FILE = "brand_group.csv"
BRAND_GROUP_DAYS = 91
BRAND_GROUP_EXPERT_EVERY = 7


def reconstruct_brand_group() -> pd.DataFrame:
    """Build the brand group series from the figures of 004 (see the module docstring).

    Returns:
        One row per day 0..90 (index ``day``): ``members`` (NaN except weekly),
        ``messages``, and ``expert_day`` (True on the weekly expert-sharing days).
    """
    day = np.arange(BRAND_GROUP_DAYS)
    members = 330.0 - (330.0 - 12.0) * np.exp(-day / 4.0)
    shape = members / 330.0 * np.exp(-day / 15.0)
    floor = members / 330.0 * 80.0
    amplitude = np.min(((950.0 - floor) / shape)[1:])  # the busiest ordinary day has 950
    ordinary = floor + amplitude * shape
    expert = (day > 0) & (day % BRAND_GROUP_EXPERT_EVERY == 0)
    messages = np.round(ordinary + 220.0 * expert)
    messages[0] = 0.0
    observed_members = np.where(
        (day % BRAND_GROUP_EXPERT_EVERY == 0) | (day == day[-1]), np.round(members), np.nan
    )
    return pd.DataFrame(
        {"members": observed_members, "messages": messages, "expert_day": expert},
        index=pd.Index(day, name="day"),
    )


def load_brand_group() -> pd.DataFrame:
    """The brand group of 004 as shipped in ``commsim/data/brand_group.csv``.

    Reconstructed from a practitioner's account, not a log (see this module's docstring
    and ``commsim/data/README.md``). Columns: ``members`` (weekly, NaN on other days),
    ``messages`` (daily), ``expert_day``; index ``day`` 0..90.
    """
    with resources.files("commsim.data").joinpath(BRAND_GROUP_FILE).open("r") as handle:
        frame = pd.read_csv(handle, index_col="day")
    frame["expert_day"] = frame["expert_day"].astype(bool)
    return frame
