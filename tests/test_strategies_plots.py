"""The script that draws docs/img/strategy_*.png: each figure shows the baseline and the
strategy's settings, averaged over the replications it was asked for."""

import importlib.util
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from commsim.strategies import STRATEGIES  # noqa: E402
from commsim.strategies.registry import BUILT_INS  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "make_strategy_plots.py"


@pytest.fixture(scope="module")
def plots():
    spec = importlib.util.spec_from_file_location("make_strategy_plots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_strategy_has_a_plot_and_a_committed_image(plots):
    assert set(plots.PLOTS) == set(BUILT_INS)
    for cls in map(STRATEGIES.get, BUILT_INS):
        assert (SCRIPT.parent / "img" / f"strategy_{cls.key}.png").stat().st_size > 10_000


def test_the_figure_shows_baseline_and_strategy_means_over_the_seeds(plots):
    fig = plots.strategy_figure("ScheduledEvents", seeds=3, population=200, days=30)
    top, bottom = fig.axes
    labels = [line.get_label() for line in top.get_lines()]
    assert labels == ["no strategy", "weekly event"]
    assert "ScheduledEvents" in top.get_title() and "mean of 3 runs" in top.get_title()
    runs = plots.replicate(lambda: [STRATEGIES["ScheduledEvents"]()], 3, 200, 30)
    expected = np.mean([df["messages"].to_numpy() for df in runs], axis=0)
    day, mean = top.get_lines()[1].get_data()
    assert np.array_equal(day, np.arange(31)) and np.allclose(mean, expected)
    assert mean[7] > top.get_lines()[0].get_data()[1][7]  # the event day's spike is drawn
    assert bottom.get_ylabel() == "members"


def test_the_script_writes_the_images(plots, tmp_path):
    plots.main(["Referral", "--seeds", "2", "--out", str(tmp_path)])
    assert (tmp_path / "strategy_referral.png").stat().st_size > 10_000


def test_the_reference_documents_every_strategy_parameter_and_plot():
    from commsim.parameter_kinds import Choice

    text = (SCRIPT.parent / "strategies.md").read_text()
    for name, cls in STRATEGIES.items():
        assert f"### {name}" in text and f"(img/strategy_{cls.key}.png)" in text
        for p in cls.PARAMETERS.values():
            default = repr(p.default) if isinstance(p, Choice) else f"{p.default:g}"
            assert f"| `{p.name}` | `{cls.key}_{p.name}` | {default} | {p.allowed} |" in text
