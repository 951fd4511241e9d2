"""Per-step time of the bare model against the model with every strategy at once.

Target (issue 3): all strategies together add less than 50% to the time of a step at a
population of 10,000. Two figures, since strategies also change the dynamics (more
members, more groups), which changes what the model itself has to compute:

- hook overhead: time spent inside the strategies' hooks, per step, over the time of
  the rest of the same steps (what the strategies add to the same model state);
- same-state ratio: on sampled days of the run with all strategies, one step of copies
  of that day's model with and without the strategies (everything the strategies add to
  a step from the same state: their hooks and the levers they set);
- whole-step ratio: the step time with all strategies over the bare model's (includes
  the model's own extra work on a larger or split community).

Each figure is the best of ``--repeats`` runs (the least disturbed by other load).
Run: ``.venv/bin/python benchmarks/strategies_overhead.py [--population 10000]``.
"""

from __future__ import annotations

import argparse
import copy
import functools
import time

from commsim import CommunityModel
from commsim.strategies import STRATEGIES, Strategy
from commsim.strategies.registry import BUILT_INS

HOOKS = ("start_day", "admit", "on_join", "add_content", "end_day")


#: Settings under which a strategy acts during the benchmark's run (the others: defaults).
ACTING = {
    "EntryThreshold": {"kind": "fee", "level": 0.2},
    "SizeCap": {"max_members": 500, "split": True, "matrix": True},
}


def all_strategies() -> list[Strategy]:
    """Every built-in strategy (``registry.BUILT_INS``), at settings under which each acts."""
    return [STRATEGIES[name](**ACTING.get(name, {})) for name in BUILT_INS]


def timed_hooks(strategies: list[Strategy]) -> dict[str, float]:
    """Wrap every hook of ``strategies`` to add its time (seconds) to the returned dict."""
    spent = {type(s).__name__: 0.0 for s in strategies}
    for strategy in strategies:
        name = type(strategy).__name__
        for hook in HOOKS:
            original = getattr(strategy, hook)

            @functools.wraps(original)
            def wrapper(*args, _original=original, _name=name, **kwargs):
                start = time.perf_counter()
                try:
                    return _original(*args, **kwargs)
                finally:
                    spent[_name] += time.perf_counter() - start

            setattr(strategy, hook, wrapper)
    return spent


def time_run(population: int, days: int, seed: int, strategies: list[Strategy]):
    """Seconds per step of ``days`` steps (setup excluded), and the hooks' seconds."""
    spent = timed_hooks(strategies)
    model = CommunityModel(rng=seed, population=population, strategies=strategies)
    start = time.perf_counter()
    model.run_for(days)
    elapsed = time.perf_counter() - start
    members = model.datacollector.get_model_vars_dataframe()["members"].mean()
    return elapsed / days, {k: v / days for k, v in spent.items()}, members


def same_state_steps(population: int, days: int, seed: int, every: int = 10, repeats: int = 5):
    """Mean seconds of one step with and without the strategies from the same states.

    Every ``every`` days of a run with all strategies, the day's model is copied and one
    step of a copy is timed with the strategies and one with none (best of ``repeats``
    copies each, so that both start equally cold).
    """

    def step(model: CommunityModel, bare: bool) -> float:
        times = []
        for _ in range(repeats):
            twin = copy.deepcopy(model)
            if bare:
                twin.strategies = []
            start = time.perf_counter()
            twin.step()
            times.append(time.perf_counter() - start)
        return min(times)

    model = CommunityModel(rng=seed, population=population, strategies=all_strategies())
    with_strategies, bare = [], []
    for day in range(1, days + 1):
        model.step()
        if day % every == every // 2:
            with_strategies.append(step(model, bare=False))
            bare.append(step(model, bare=True))
    return sum(with_strategies) / len(with_strategies), sum(bare) / len(bare)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=120)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    def best(make):
        runs = [
            time_run(args.population, args.days, args.seed, make()) for _ in range(args.repeats)
        ]
        return min(runs, key=lambda result: result[0])

    bare, full = best(list), best(all_strategies)
    hooks = sum(full[1].values())
    print(f"population {args.population}, {args.days} days, best of {args.repeats} runs")
    print(f"bare model:           {bare[0] * 1e3:8.3f} ms/step  (mean members {bare[2]:.0f})")
    print(f"with all strategies:  {full[0] * 1e3:8.3f} ms/step  (mean members {full[2]:.0f})")
    print(f"  of which in hooks:  {hooks * 1e3:8.3f} ms/step")
    for name, seconds in sorted(full[1].items(), key=lambda item: -item[1]):
        print(f"    {name:18s}  {seconds * 1e6:8.1f} us/step")
    print(f"hook overhead:        {100 * hooks / (full[0] - hooks):7.1f} %  (target < 50 %)")
    same, same_bare = same_state_steps(args.population, args.days, args.seed)
    print(
        f"same-state ratio:     {100 * (same / same_bare - 1):7.1f} %  extra for a step from the "
        f"same state ({same * 1e3:.3f} against {same_bare * 1e3:.3f} ms; target < 50 %)"
    )
    print(
        f"whole-step ratio:     {100 * (full[0] / bare[0] - 1):7.1f} %  extra over the bare model"
    )


if __name__ == "__main__":
    main()
