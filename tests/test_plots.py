"""commsim.plots: each plot is drawn and its content checked (labels, lines, patches)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection, PolyCollection  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from commsim import CommunityModel, analysis, plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs() -> pd.DataFrame:
    return analysis.run_replications(range(4), 80, population=300)


@pytest.fixture(scope="module")
def model() -> CommunityModel:
    model = CommunityModel(rng=2, population=500)
    model.run_for(50)
    return model


def legend(ax) -> list[str]:
    return [text.get_text() for text in ax.get_legend().get_texts()]


def bands(ax) -> list[PolyCollection]:
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_lifecycle_of_many_runs_has_a_mean_line_and_a_band_per_figure(runs):
    ax = plots.plot_lifecycle(runs, ["members", "contributors"])
    assert [line.get_label() for line in ax.get_lines()] == ["members", "contributors"]
    assert len(bands(ax)) == 2
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), runs.groupby("day")["members"].mean())
    assert ax.get_xlabel() == "day" and ax.get_ylabel() == "people"
    assert ax.get_title() == "Mean of 4 runs, band: 95% interval of the runs"
    assert legend(ax) == ["members", "contributors"]


def test_lifecycle_of_one_run_by_configuration_and_units():
    one = CommunityModel(rng=1, population=300)
    one.run_for(30)
    df = one.datacollector.get_model_vars_dataframe()
    ax = plots.plot_lifecycle(df, ["members", "messages"])
    assert len(ax.get_lines()) == 2 and not bands(ax)
    assert ax.get_ylabel() == "people / messages per day"
    assert ax.get_title() == "One run"
    frame = analysis.run_replications([1, 2], 20, population=300)
    frame = pd.concat([frame.assign(strategy="open"), frame.assign(strategy="copy")])
    ax = plots.plot_lifecycle(frame, "members", by="strategy", interval="mean")
    assert legend(ax) == ["open: members", "copy: members"]
    assert len(bands(ax)) == 2
    with pytest.raises(ValueError, match="by='policy'"):
        plots.plot_lifecycle(frame, "members", by="policy")


def test_stage_shading_has_one_span_per_stage_period(runs):
    stages = analysis.lifecycle_stages(analysis.mean_run(runs))
    spans = analysis.stage_spans(stages)
    ax = plots.plot_lifecycle(runs, "members")
    plots.shade_stages(runs, ax=ax)
    shaded = [p for p in ax.patches if isinstance(p, (Rectangle, matplotlib.patches.Polygon))]
    assert len(shaded) == len(spans)
    assert legend(ax)[1:] == list(dict.fromkeys(spans["stage"]))
    assert legend(ax)[0] == "members"


def test_cooling_index_plot(runs):
    ax = plots.plot_cooling_index(runs, window=10)
    assert ax.get_lines()[0].get_label() == "cooling index"
    assert len(ax.get_lines()) == 2  # the index and the zero line
    assert ax.get_ylabel() == "leavers' minus joiners' value (0-1)"
    assert ax.get_title() == "Evaporative cooling (10-day windows)"
    assert len(bands(ax)) == 1


def test_strategy_comparison_bars_with_intervals():
    table = pd.DataFrame(
        {"strategy": ["open"] * 3 + ["closed"] * 3, "end_contributors": [1, 2, 3, 5, 5, 8]}
    )
    ax = plots.plot_strategy_comparison(table, "end_contributors")
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [bar.get_height() for bar in bars] == [2, 6]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["open", "closed"]
    assert ax.get_ylabel() == "end contributors (people)" and ax.get_xlabel() == "strategy"
    assert len(ax.collections) == 1  # the error bars
    with pytest.raises(ValueError, match="'revenue' is not a column"):
        plots.plot_strategy_comparison(table, "revenue")


def test_heatmap_over_two_parameters():
    table = pd.DataFrame(
        [(x, y, 10 * x + y + r) for x in (0.1, 0.2, 0.3) for y in (1, 2) for r in (0, 1)],
        columns=["social_pull", "cooling", "peak_members"],
    )
    ax = plots.plot_heatmap(table, "social_pull", "cooling", "peak_members")
    image = ax.get_images()[0].get_array()
    assert image.shape == (2, 3)
    assert image[0, 0] == pytest.approx(10 * 0.1 + 1 + 0.5)  # mean of the two runs
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "0.2", "0.3"]
    assert ax.get_xlabel() == "social pull" and ax.get_ylabel() == "cooling"
    assert len(ax.texts) == 6
    colorbar = ax.figure.axes[-1]
    assert colorbar.get_ylabel() == "peak members (people), mean of runs"


def test_lorenz_curve_plot():
    ax = plots.plot_lorenz(np.array([0, 0, 0, 10]))
    curve, equality = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), [0, 0, 0, 0, 1])
    assert legend(ax) == ["Lorenz curve (Gini 0.75)", "equality"]
    assert ax.get_xlabel() == "share of members, least active first"
    assert ax.get_ylabel() == "share of messages"


def test_survival_plot_by_entry_route(model):
    table = analysis.member_survival(model, by="entry_route")
    ax = plots.plot_survival(table)
    groups = sorted(table.group.unique())
    assert len(ax.get_lines()) == len(groups) == 3
    assert len(bands(ax)) == 3
    sizes = table.groupby("group").at_risk.first()
    assert legend(ax) == [f"{name} ({sizes[name]})" for name in groups]
    assert ax.get_xlabel() == "days in the group"
    assert ax.get_ylabel() == "share still in the group"


def test_network_picture_coloured_by_state(model):
    ax = plots.plot_network(model, max_nodes=150)
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in nodes) == 150
    texts = legend(ax)
    assert any(t.startswith("lurker") for t in texts)
    assert any(t.startswith("outsider") for t in texts)
    assert any(t.startswith("muted") for t in texts)  # issue 10's muted members drawn too
    members = int(np.count_nonzero(model.population.group >= 0))
    assert ax.get_title() == f"all groups on day 50: {members} members (150 shown)"
    again = plots.plot_network(model, max_nodes=150)
    first = np.concatenate([c.get_offsets() for c in nodes])
    second = np.concatenate(
        [c.get_offsets() for c in again.collections if isinstance(c, PathCollection)]
    )
    np.testing.assert_allclose(first, second)  # fixed-seed layout
    with pytest.raises(ValueError, match="max_nodes=0"):
        plots.plot_network(model, max_nodes=0)
    with pytest.raises(ValueError, match="group=3"):
        plots.plot_network(model, group=3)


def test_sobol_bars():
    indices = pd.DataFrame(
        {"S1": [0.5, 0.2], "S1_conf": [0.05, 0.02], "ST": [0.6, 0.3], "ST_conf": [0.1, 0.1]},
        index=["cooling", "social_pull"],
    )
    ax = plots.plot_sobol(indices)
    heights = [p.get_height() for p in ax.patches if isinstance(p, Rectangle)]
    assert heights == [0.5, 0.2, 0.6, 0.3]
    assert legend(ax) == ["first order (S1)", "total (ST)"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cooling", "social_pull"]
    assert ax.get_ylabel() == "Sobol index (share of variance)"
    named = plots.plot_sobol(indices.rename_axis("parameter").reset_index())
    assert [t.get_text() for t in named.get_xticklabels()] == ["cooling", "social_pull"]
    with pytest.raises(ValueError, match="lacks columns"):
        plots.plot_sobol(indices[["S1"]])


def test_plots_draw_on_the_given_axes(runs):
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_lifecycle(runs, "members", ax=left) is left
    assert plots.plot_lorenz(np.array([1, 2, 3]), ax=right) is right
    assert len(fig.axes) == 2


def test_lifecycle_figure_is_two_lifecycle_panels(runs):
    one = runs[runs.seed == 0].drop(columns="seed").set_index("day")
    fig = plots.lifecycle_figure(one, title="A group")
    top, bottom = fig.axes
    assert top.get_title() == "A group"
    assert legend(top)[:3] == ["members", "contributors", "messages"]
    assert set(legend(top)[3:]) <= set(analysis.STAGES) and legend(top)[3:]
    flows = analysis.flow_values(one)
    assert legend(bottom) == [
        "mean value of members",
        "joiners' value (count-weighted 14-day mean)",
        "leavers' value (count-weighted 14-day mean)",
    ]
    np.testing.assert_allclose(bottom.get_lines()[1].get_ydata(), flows["joiner_value"])
    many = plots.lifecycle_figure(runs)
    assert len(bands(many.axes[0])) == 3 and len(bands(many.axes[1])) == 3


def test_sobol_figure_is_one_sobol_panel_per_outcome():
    from commsim.sweep.sensitivity import sobol_figure

    table = pd.DataFrame(
        {
            "outcome": ["a", "a", "b", "b"],
            "parameter": ["x", "y", "x", "y"],
            "S1": [0.5, 0.2, 0.1, 0.7],
            "S1_conf": [0.05] * 4,
            "ST": [0.6, 0.3, 0.2, 0.8],
            "ST_conf": [0.1] * 4,
        }
    )
    fig = sobol_figure(table)
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    heights = [p.get_height() for p in fig.axes[1].patches if isinstance(p, Rectangle)]
    assert heights == [0.1, 0.7, 0.2, 0.8]
    assert fig.axes[0].get_ylabel() == "Sobol index (share of variance)"
