"""The outputs quoted in README.md, docs/experiments.md and docs/forecast.md are those
scripts/readme_figures.py produces: the demo's is regenerated here; the sweeps' and the
forecast's answers (minutes of runs) must be quoted exactly from the files the script
writes in docs/answers/."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "scripts/readme_figures.py")
figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(figures)


@pytest.mark.parametrize("name", ["demo", "experiments", "red-packets", "forecast"])
def test_quoted_outputs_are_what_the_script_produces(name):
    path, content = figures.expected(name)
    assert figures.block(path.read_text(), name) == content, (
        f"{path.name}: block {name} is out of date: run python scripts/readme_figures.py {name}"
    )


def test_the_forecast_figure_exists_and_the_doc_quotes_the_command():
    assert figures.FORECAST_FIGURE.stat().st_size > 10_000
    doc = figures.FORECAST_DOC.read_text()
    assert "commsim forecast " + " ".join(figures.FORECAST_ARGS) in doc
    assert "img/forecast_brand.png" in doc and "forecast.md" in figures.README.read_text()


def test_a_block_is_replaced_in_place(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text("a\n<!-- figures:x -->\nold\n<!-- /figures:x -->\nb\n")
    figures.replace_block(path, "x", "\n    new\n")
    assert path.read_text() == "a\n<!-- figures:x -->\n\n    new\n\n<!-- /figures:x -->\nb\n"
    with pytest.raises(ValueError, match="no block 'y'"):
        figures.block(path.read_text(), "y")


def test_the_coverage_stated_in_the_forecast_doc_is_the_commands():
    import re

    doc = figures.FORECAST_DOC.read_text()
    output = figures.FORECAST_OUTPUT.read_text()
    stated = re.findall(r"(\d+% of \d+ days)", doc.split("<!-- /figures:forecast -->")[1])
    assert stated, "docs/forecast.md states no coverage"
    for phrase in stated:
        assert phrase in output, f"docs/forecast.md says {phrase!r}; the output does not"
