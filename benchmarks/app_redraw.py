"""How long one step of the classroom app takes at 500 members: the model's day plus the
redraw of both figures (picture of the group, lifecycle plots) as PNG, as the page does.

Target: under 0.5 s a step. Run with ``.venv/bin/python benchmarks/app_redraw.py``.
Prints wall-clock and CPU seconds per step (median and worst of ``--steps`` steps).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")

from commsim.classroom import PRESETS  # noqa: E402
from commsim.classroom.figures import GroupPicture, LifecyclePlots  # noqa: E402


def png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=500, help="group size to reach")
    parser.add_argument("--steps", type=int, default=20, help="steps to time")
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
    png(plots.update(model.datacollector.get_model_vars_dataframe()))

    wall, cpu, parts = [], [], {"step": [], "picture": [], "plots": []}
    sizes = []
    for _ in range(args.steps):
        w0, c0 = time.perf_counter(), time.process_time()
        model.step()
        w1 = time.perf_counter()
        png(picture.update(model))
        w2 = time.perf_counter()
        png(plots.update(model.datacollector.get_model_vars_dataframe()))
        w3, c3 = time.perf_counter(), time.process_time()
        wall.append(w3 - w0)
        cpu.append(c3 - c0)
        parts["step"].append(w1 - w0)
        parts["picture"].append(w2 - w1)
        parts["plots"].append(w3 - w2)
        sizes.append(int((model.population.group >= 0).sum()))

    first = model.day - args.steps
    print(f"classroom app, one step + redraw, {args.steps} steps at {min(sizes)}-{max(sizes)} "
          f"members (population {model.params['population']}, from day {first})")  # fmt: skip
    print(f"  wall: median {statistics.median(wall):.3f} s, worst {max(wall):.3f} s")
    print(f"  cpu:  median {statistics.median(cpu):.3f} s, worst {max(cpu):.3f} s")
    for name, values in parts.items():
        print(f"    {name:8s} median {statistics.median(values):.3f} s")
    print(f"  target: under 0.5 s -> {'met' if statistics.median(wall) < 0.5 else 'NOT met'}")
    page_step(args)


def page_step(args) -> None:
    """The same through the page's components (solara render, no browser): press Step."""
    import ipyvuetify as v
    import solara

    import commsim.classroom.app as app

    @solara.component
    def Session():
        with solara.AppLayout():
            app.Page()

    def members_shown(rc) -> int:
        texts = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
        shown = next(t for t in texts if t.startswith("<b>Day"))
        return int(shown.split("members: <b>")[1].split("<")[0])

    # outside a kernel, IPython's display() prints the app bar's elements: keep them quiet
    with contextlib.redirect_stdout(io.StringIO()):
        _, rc = solara.render(Session(), handle_error=False)
        rc.find(v.Slider, label="population").widget.v_model = 3000
        rc.find(v.Btn, children=["Reset"]).widget.click()
        step = rc.find(v.Btn, children=["Step"]).widget
        for _ in range(365):
            if members_shown(rc) >= args.members:
                break
            step.click()
        members = members_shown(rc)
        wall, cpu = [], []
        for _ in range(args.steps):
            w0, c0 = time.perf_counter(), time.process_time()
            step.click()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
    print(f"through the page (Step pressed, every component re-rendered) from {members} members:")
    print(f"  wall: median {statistics.median(wall):.3f} s, worst {max(wall):.3f} s")
    print(f"  cpu:  median {statistics.median(cpu):.3f} s, worst {max(cpu):.3f} s")


if __name__ == "__main__":
    main()
