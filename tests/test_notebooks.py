"""Every notebook in notebooks/ runs top to bottom (nbclient, a kernel of this Python)."""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
# notebooks whose own test executes them and checks what they find
OWN_TEST = {"05_brand_group_calibration.ipynb": "tests/test_brand_notebook.py"}
PATHS = [path for path in ALL_PATHS if path.name not in OWN_TEST]


def test_the_notebooks_are_there():
    names = [path.name for path in ALL_PATHS]
    assert names == [
        "01_quickstart.ipynb",
        "02_evaporative_cooling.ipynb",
        "03_strategy_comparison.ipynb",
        "04_teaching.ipynb",
        "05_brand_group_calibration.ipynb",
    ]
    root = NOTEBOOKS.parent
    assert all((root / test).exists() for test in OWN_TEST.values())


@pytest.mark.parametrize("path", PATHS, ids=[path.stem for path in PATHS])
def test_notebook_runs_top_to_bottom(path, monkeypatch, tmp_path):
    # The "python3" kernel spec of this environment starts "python": put this interpreter
    # first on PATH so the kernel is the project's own, with commsim installed.
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend shows plots
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.get("execution_count") for cell in code)
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert not errors
    pictures = [out for cell in code for out in cell.outputs if "image/png" in out.get("data", {})]
    widgets = notebook.metadata.get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model in state.values():  # plots drawn into ipywidgets Output areas
        if model["model_name"] == "OutputModel":
            outputs = model["state"].get("outputs", [])
            pictures += [out for out in outputs if "image/png" in out.get("data", {})]
    assert pictures, "the notebook draws no plot"
