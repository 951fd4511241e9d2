"""The package's layout as the README and the modules describe it: every module and
subpackage is on the README's map, and a module over 400 lines says at its top why it is
kept whole."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from commsim.strategies import registered_strategies
from commsim.strategies.registry import BUILT_INS
from commsim.validation.registry import CHECKS

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "commsim"
LONGEST = 400  # lines a module may have without saying why it is longer


def _map_words() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Map of the package", 1)[1].split("```", 2)[1]
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", block))


def _collective() -> set[str]:
    """Modules the map names as a family rather than one by one: one module per built-in
    strategy (``strategies/``) and one per family of validation findings (``validation/``)."""
    strategies = registered_strategies()
    modules = {strategies[name].__module__ for name in BUILT_INS}
    modules |= {check.experiment.__module__ for check in CHECKS.values()}
    return {name.replace(".", "/") + ".py" for name in modules}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


def test_the_readme_map_names_every_module_and_subpackage():
    words, collective = _map_words(), _collective()
    missing = [
        path.relative_to(ROOT).as_posix()
        for path in _modules()
        if path.stem not in words and path.relative_to(ROOT).as_posix() not in collective
    ]
    missing += [
        folder.relative_to(ROOT).as_posix() + "/"
        for folder in sorted(PACKAGE.rglob("*"))
        if folder.is_dir() and (folder / "__init__.py").is_file() and folder.name not in words
    ]
    assert not missing, f"not on the README's map of the package: {missing}"


def test_the_families_the_map_leaves_out_are_real_modules():
    collective = _collective()
    assert {"commsim/strategies/size_cap.py", "commsim/validation/red_packets.py"} <= collective
    assert all((ROOT / path).is_file() for path in collective)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_a_module_over_400_lines_says_why_at_its_top(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= LONGEST:
        return
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert re.search(r"over 400 lines", docstring, re.IGNORECASE), (
        f"{path.relative_to(ROOT)} has {lines} lines and its docstring does not say why it is "
        "over 400 lines: split it along its seams, or state the reason at its top"
    )
