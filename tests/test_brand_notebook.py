"""The brand group calibration notebook executes from top to bottom."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "05_brand_group_calibration.ipynb"
KERNEL = "commsim-brand-notebook"


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run the notebook in a kernel of this interpreter (a kernelspec written for the test,
    so a system-wide ``python3`` kernel without commsim cannot be picked up)."""
    kernels = tmp_path_factory.mktemp("jupyter") / "kernels" / KERNEL
    kernels.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": KERNEL, "language": "python"}  # fmt: skip
    (kernels / "kernel.json").write_text(json.dumps(spec))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PATH", str(kernels.parent.parent))
        client = NotebookClient(notebook, timeout=600, kernel_name=KERNEL,
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}})  # fmt: skip
        client.execute()
    return notebook


def _text(notebook) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_notebook_fits_and_reports_the_ablations(executed):
    text = _text(executed)
    assert "method de" in text and "scheduled_events_boost" in text
    assert "no expert days" in text and "no novelty" in text
    figures = [o for c in executed.cells for o in c.get("outputs", [])
               if "image/png" in o.get("data", {})]  # fmt: skip
    assert len(figures) >= 2
