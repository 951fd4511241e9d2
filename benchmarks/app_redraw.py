"""Where a day of the classroom page goes at about 500 members: the model's step, and the
redraw of each figure (picture of the group, lifecycle plots) as PNG, as the page does.

Run with ``python benchmarks/app_redraw.py``. Prints wall-clock seconds per day (median and
worst of ``--steps`` days) for each part. The days a second through the page are measured
by ``benchmarks/app_page.py``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from commsim.classroom import PRESETS  # noqa: E402
from commsim.classroom.figures import GroupPicture, LifecyclePlots, png  # noqa: E402
from commsim.classroom.model import event_marks  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500, help="group size to reach")
    parser.add_argument("--steps", type=int, default=20, help="days to time")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    model = PRESETS["Open group cooling"].build(seed=args.seed, population=3000)
    picture = GroupPicture(model.params["population"])
    plots = LifecyclePlots()
    while int((model.population.group >= 0).sum()) < args.members:
        model.step()
        if model.day > 365:
            raise SystemExit(f"the group never reached {args.members} members")
    png(picture.update(model))  # warm-up: fonts, caches
    png(plots.update(model.daily(), event_marks(model)))

    parts: dict[str, list[float]] = {"step": [], "picture": [], "plots": []}
    sizes = []
    for _ in range(args.steps):
        w0 = time.perf_counter()
        model.step()
        w1 = time.perf_counter()
        png(picture.update(model))
        w2 = time.perf_counter()
        png(plots.update(model.daily(), event_marks(model)))
        w3 = time.perf_counter()
        for name, seconds in zip(parts, (w1 - w0, w2 - w1, w3 - w2), strict=True):
            parts[name].append(seconds)
        sizes.append(int((model.population.group >= 0).sum()))

    print(f"classroom page, one day and its redraw, {args.steps} days at {min(sizes)}-"
          f"{max(sizes)} members (population {model.params['population']})")  # fmt: skip
    for name, values in parts.items():
        print(f"  {name:8s} median {statistics.median(values):.3f} s, worst {max(values):.3f} s")


if __name__ == "__main__":
    main()
