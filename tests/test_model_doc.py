"""docs/model.md stays in step with the code: its parameter table is the one generated from
``commsim.parameters.PARAMETERS``, it documents every rule and reporter, and its quotes
are verbatim from the cited source articles."""

from __future__ import annotations

import importlib.util
import inspect
import re
from pathlib import Path

import pytest

from commsim import rules
from commsim.model import REPORTERS
from commsim.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
MODEL_DOC = ROOT / "docs" / "model.md"
SOURCES = ROOT.parent / "shared" / "sources"  # shared/ lies beside the clone, as in CI


def _table_script():
    spec = importlib.util.spec_from_file_location(
        "make_parameter_table", ROOT / "docs" / "make_parameter_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def doc() -> str:
    return MODEL_DOC.read_text(encoding="utf-8")


def test_parameter_table_is_current(doc):
    script = _table_script()
    assert script.current_table(doc) == script.parameter_table(), (
        "docs/model.md's parameter table is stale: run python docs/make_parameter_table.py --write"
    )


def test_parameter_table_lists_every_parameter_with_its_default():
    table = _table_script().parameter_table()
    rows = table.splitlines()[2:]
    assert len(rows) == len(PARAMETERS)
    for row, parameter in zip(rows, PARAMETERS.values(), strict=True):
        assert row.startswith(f"| `{parameter.name}` |")
        assert float(row.split("|")[2].strip().replace(",", "")) == parameter.default


def test_table_check_notices_a_change(doc):
    script = _table_script()
    stale = doc.replace("| `novelty_days` | 6 |", "| `novelty_days` | 14 |")
    assert script.current_table(stale) != script.parameter_table()


def test_every_rule_and_reporter_is_documented(doc):
    functions = [name for name, f in inspect.getmembers(rules, inspect.isfunction)
                 if f.__module__ == rules.__name__]  # fmt: skip
    assert functions
    for name in functions:
        assert f"rules.{name}" in doc, f"docs/model.md does not document rules.{name}"
    for reporter in REPORTERS:
        assert f"`{reporter}`" in doc, f"docs/model.md does not define the reporter {reporter}"


def test_odd_sections_present(doc):
    for heading in ["Purpose and patterns", "Entities, state variables and scales",
                    "Process overview and scheduling", "Design concepts", "Initialisation",
                    "Input data", "Submodels"]:  # fmt: skip
        assert heading in doc
    for concept in ["Basic principles", "Emergence", "Adaptation", "Objectives", "Learning",
                    "Prediction", "Sensing", "Interaction", "Stochasticity", "Collectives",
                    "Observation"]:  # fmt: skip
        assert f"**{concept}.**" in doc


@pytest.mark.skipif(not SOURCES.is_dir(), reason="the source articles are not on this machine")
def test_quotes_are_verbatim_from_the_cited_source(doc):
    files = {path.name[:3]: path.read_text(encoding="utf-8") for path in SOURCES.glob("00*")}
    # Quotes follow their source's bold id in the same paragraph: **004** 「...」 ... 「...」
    quotes = []
    for paragraph in re.split(r"\n\s*\n", doc):
        source = None
        for token in re.finditer(r"\*\*(00\d)\*\*|(00\d):\s|「([^」]+)」", paragraph):
            if token.group(1) or token.group(2):
                source = token.group(1) or token.group(2)
            elif source is not None:
                quotes.append((source, token.group(3)))
    assert len(quotes) >= 20
    assert len(quotes) == doc.count("「"), "a quote without its source id (**00x**) before it"
    for source, quote in quotes:
        assert quote in files[source], f"not found in {source}: {quote}"
