"""commsim.classroom.teaching: the notebook panel's callbacks, driven as plain Python."""

import base64
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from commsim import CommunityModel  # noqa: E402
from commsim.classroom.teaching import SLIDERS, TeachingPanel  # noqa: E402


@pytest.fixture
def panel():
    panel = TeachingPanel(days=40, population=300)
    yield panel
    plt.close("all")


def members_line(panel):
    people = panel.figure.axes[0]
    return next(line for line in people.get_lines() if line.get_label() == "members")


def test_callbacks_step_the_model_and_redraw(panel):
    panel.go_to(10)
    assert panel.model.day == 10
    assert len(members_line(panel).get_xdata()) == 11
    panel.step(2)
    assert panel.model.day == 12 and len(members_line(panel).get_xdata()) == 13
    assert panel.figure.axes[0].get_title() == "Day 12: members, stages shaded"
    panel.go_to(5)  # back in time: the same seed replays the same days
    replay = CommunityModel(rng=1, population=300)
    replay.run_for(5)
    pd.testing.assert_frame_equal(
        panel.model.datacollector.get_model_vars_dataframe(),
        replay.datacollector.get_model_vars_dataframe(),
    )
    panel.set_parameter("cooling", 0.0)
    assert panel.model.day == 0 and panel.model.params["cooling"] == 0.0
    with pytest.raises(ValueError, match="cooling=-1"):
        panel.set_parameter("cooling", -1)
    panel.set_seed("7")
    assert panel.seed == 7
    with pytest.raises(ValueError, match="seed='seven'"):
        panel.set_seed("seven")
    with pytest.raises(ValueError, match="seed='-1' is out of range"):
        panel.set_seed("-1")  # the app's rule, not numpy's message


def shown_picture(box) -> bytes:
    """The PNG the panel's Output area (the last of ``controls()``'s children) shows."""
    (output,) = box.children[-1].outputs
    assert output["output_type"] == "display_data"
    return base64.b64decode(output["data"]["image/png"])


def test_widgets_drive_the_callbacks(panel):
    box = panel.controls()
    assert box.children
    first = shown_picture(box)
    assert first.startswith(b"\x89PNG")
    controls = panel.widgets
    assert set(SLIDERS) <= set(controls)
    controls["play"].value = 6
    assert panel.model.day == 6
    assert shown_picture(box) != first  # redrawn, replacing the day-0 picture
    controls["step"].click()
    assert panel.model.day == 7
    controls["social_pull"].value = 0.2
    assert panel.model.params["social_pull"] == 0.2
    assert panel.model.day == 0 and controls["play"].value == 0
    controls["seed"].value = "11"
    assert panel.seed == 11
    controls["play"].value = 3
    controls["reset"].click()
    assert panel.model.day == 0 and controls["play"].value == 0


def test_the_panel_works_beside_solaras_server():
    """Importing solara's server (the classroom app, Mesa's SolaraViz served) replaces
    ipywidgets' ``Output.__enter__`` and IPython's display hooks process-wide, so the panel
    must not draw through them. In a fresh process, since the replacement cannot be undone."""
    pytest.importorskip("solara", reason="the app extra (solara) is not installed")
    code = textwrap.dedent(
        """
        import base64
        import ipywidgets
        import solara.server.app  # noqa: F401  (patches ipywidgets and IPython)
        from commsim.classroom.teaching import TeachingPanel

        assert ipywidgets.Output.__enter__.__module__ == "solara.server.patch"
        panel = TeachingPanel(days=10, population=200)
        box = panel.controls()
        panel.widgets["play"].value = 3
        panel.widgets["step"].click()
        (output,) = box.children[-1].outputs
        assert base64.b64decode(output["data"]["image/png"]).startswith(b"\\x89PNG")
        print(panel.model.day)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["4"]
