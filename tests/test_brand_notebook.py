"""The brand group calibration notebook executes from top to bottom."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "brand_group_calibration.ipynb"


@pytest.fixture(scope="module")
def executed():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # fmt: skip
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
