"""The main job (bash scripts/demo.sh) prints the lifecycle and saves its plot."""

import matplotlib.image
import pytest

from commsim import demo


def test_demo_prints_the_lifecycle_and_saves_a_plot(tmp_path, capsys):
    demo.main(["--days", "120", "--seed", "3", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "stage" in out and "members" in out and "Peak:" in out
    assert "Evaporative cooling" in out
    picture = matplotlib.image.imread(tmp_path / "lifecycle.png")
    assert picture.shape[0] > 500 and picture.shape[1] > 800
    assert picture.std() > 0.05  # not a blank canvas


def test_demo_refuses_a_non_positive_number_of_days(tmp_path):
    with pytest.raises(SystemExit):
        demo.main(["--days", "0", "--out", str(tmp_path)])


def test_the_command_line_does_not_import_the_demo():
    import ast
    from pathlib import Path

    import commsim.cli

    tree = ast.parse(Path(commsim.cli.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not {name for name in imported if name and "demo" in name}
