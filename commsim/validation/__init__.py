"""Checks of the model against what is known about online groups, in numbers.

One module per family of findings, each measuring the statistic its source measured, on
quantities the rules do not encode directly, against the source's number with a tolerance
written in the module before any run:

- ``participation``: van Mierlo 2014, fewer than 25% ever post, the top 1% write most.
- ``joining``: Backstrom et al. 2006, joining by friends who are members, rising, concave,
  higher when those friends are linked.
- ``audience``: Zhang & Zhu 2011, remove half the members; the remaining contributors post
  less (-42.8%).
- ``quiet_decline``: 004, the brand group that goes quiet while its members stay.
- ``red_packets``: 003, 004, the busiest days, less each repeat, no lasting rise.
- ``social_comparison``: Chen et al. 2010, below the median up, above it down.
- ``thresholds``: 000, 004, fewer join, the group lives, members stay longer.
- ``lifecycle``: 004, the life cycle and evaporative cooling.

``framework`` holds what they share (sizes, figures, results, the runs), ``bounds`` the
statistics over replications, ``arms`` strategies by name and the package's own probes;
``alternatives`` holds, for each check, a plausible
alternative model on which it must fail; ``report`` runs them, prints the table and writes
the results into ``docs/validation.md``. ``commsim validate`` (``main``) is the entry point.
"""

from commsim.validation.framework import SIZES, Check, CheckResult, Figure, Unavailable
from commsim.validation.registry import CHECKS
from commsim.validation.report import main, results_table, run_checks

__all__ = ["CHECKS", "SIZES", "Check", "CheckResult", "Figure", "Unavailable", "main",
           "results_table", "run_checks"]  # fmt: skip
