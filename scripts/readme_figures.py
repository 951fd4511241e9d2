"""Regenerate the outputs quoted in README.md, docs/experiments.md and docs/forecast.md.

Each quoted output sits between ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``
and is replaced by what this script prints for NAME:

* ``demo``: ``bash scripts/demo.sh`` (``python -m commsim.demo``), abridged to days 0-150
  and the summary lines;
* ``experiments``: the answers of the ready experiments' reports. Each sweep
  (``experiments/<name>.toml``, adaptive: rounds of replications until decided) is run
  or resumed in ``results/<name>``; its report (report.md, summary.csv and the plots) is
  copied to ``docs/answers/<name>/``, and docs/experiments.md quotes each answer;
* ``red-packets``: the red-packets answer again, as the README quotes it (from
  ``docs/answers/red-packets/``: run ``experiments`` first);
* ``forecast``: ``commsim forecast commsim/data/brand_group.csv --fit-days 30``, copied to
  ``docs/answers/forecast-brand.txt`` and quoted in docs/forecast.md, with its plot saved
  as ``docs/img/forecast_brand.png``.

Run from the repository root after a change to the model or its defaults::

    python scripts/readme_figures.py                  # everything (an hour on 2 cores)
    python scripts/readme_figures.py demo forecast    # some

``tests/test_readme_figures.py`` fails when the README's demo output differs from what
``demo`` prints now, and when a quoted answer differs from its file in ``docs/answers/``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FORECAST_DOC = ROOT / "docs" / "forecast.md"
ANSWERS = ROOT / "docs" / "answers"
RED_PACKETS_REPORT = ANSWERS / "red-packets" / "report.md"
EXPERIMENTS_DOC = ROOT / "docs" / "experiments.md"
#: The ready experiments whose answers docs/experiments.md quotes, in its order.
READY = ("threshold-level", "red-packets", "kol-count", "cap-split", "cooling-policies",
         "lifecycle-sensitivity")  # fmt: skip
#: Lines of a report's answer quoted, by how they start.
ANSWER_LINES = ("Highest mean ", "Lowest mean ", "Every setting's 95% interval",
                "Not every interval", "Better than the baseline on ", "Cheapest per ",
                "No setting shows an ",
                "With ", "cooling explains", "ambient_inflow explains")  # fmt: skip
FORECAST_OUTPUT = ANSWERS / "forecast-brand.txt"
FORECAST_FIGURE = ROOT / "docs" / "img" / "forecast_brand.png"
FORECAST_ARGS = ["commsim/data/brand_group.csv", "--fit-days", "30"]
DEMO_LAST_DAY = 150


def _printed(function, *args) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function(*args)
    return buffer.getvalue()


def _indent(text: str) -> str:
    return "\n".join(("    " + line).rstrip() for line in text.splitlines())


# ---------------------------------------------------------------------- the outputs
def demo_text() -> str:
    """The demo's printed table up to day ``DEMO_LAST_DAY`` and its summary lines."""
    from commsim import demo

    with tempfile.TemporaryDirectory() as folder:
        lines = _printed(demo.main, ["--out", folder]).splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("stage"))
    rows = lines[start : start + 2]
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        if int(line.split()[0]) <= DEMO_LAST_DAY:
            rows.append(line)
    summary = [line for line in lines if line.startswith(("Peak:", "Lurkers:", "Evaporative"))]
    return _indent("\n".join([*rows, "...", "", *summary]))


def answer(report: str) -> str:
    """The answer lines of a report.md (``ANSWER_LINES``: the best setting and those
    indistinguishable from it, whether the intervals reached their width, the settings
    better than the baseline; a Sobol report's sentence), each wrapped, as quoted."""
    quoted = [
        textwrap.fill(line, width=88)
        for line in report.splitlines()
        if line.startswith(ANSWER_LINES) or " explains most of the variance" in line
    ]
    if not quoted:
        raise ValueError("the report has no answer line ('Highest mean ...')")
    return _indent("\n\n".join(dict.fromkeys(quoted)))


def run_experiment(name: str) -> None:
    """Run (or resume) the sweep of ``experiments/<name>.toml``, write its report and
    copy it to ``docs/answers/<name>/``."""
    from commsim import cli

    out = ROOT / "results" / name  # --out: the base folder; the file names the one inside
    arguments = ["sweep", str(ROOT / "experiments" / f"{name}.toml"), "--out",
                 str(out.parent), "--no-progress", "--report"]  # fmt: skip
    if cli.main(arguments) != 0:
        raise SystemExit(f"the {name} sweep failed")
    shutil.copytree(out / "report", ANSWERS / name, dirs_exist_ok=True)


def run_experiments() -> None:
    """``run_experiment`` for each ready experiment."""
    for name in READY:
        run_experiment(name)


def experiments_text() -> str:
    """Each ready experiment's question and quoted answer, from ``docs/answers/``."""
    parts = []
    for name in READY:
        report = (ANSWERS / name / "report.md").read_text()
        question = re.search(r"^\*\*Question:\*\* (.*)$", report, flags=re.MULTILINE)
        parts.append(f"**{name}** ({question.group(1) if question else ''}, "
                     f"[report](answers/{name}/report.md)):\n\n{answer(report)}")  # fmt: skip
    return "\n\n".join(parts)


def run_forecast() -> None:
    """Run the brand-group forecast command, keep its output and its plot."""
    from commsim import forecasting

    with tempfile.TemporaryDirectory() as folder:
        text = _printed(forecasting.main, [*FORECAST_ARGS, "--out", folder, "--workers", "2"])
        written = Path(folder) / f"forecast-{Path(FORECAST_ARGS[0]).stem}"
        shutil.copyfile(written / "forecast.png", FORECAST_FIGURE)
    ANSWERS.mkdir(parents=True, exist_ok=True)
    FORECAST_OUTPUT.write_text(text)


# ---------------------------------------------------------------------- the blocks
def block(text: str, name: str) -> str:
    """The content between the markers of block ``name`` in ``text``."""
    pattern = rf"<!-- figures:{name} -->\n(.*?)\n<!-- /figures:{name} -->"
    match = re.search(pattern, text, flags=re.DOTALL)
    if match is None:
        raise ValueError(
            f"no block '{name}' (<!-- figures:{name} --> ... <!-- /figures:{name} -->)"
        )
    return match.group(1)


def replace_block(path: Path, name: str, content: str) -> None:
    """Write ``content`` between the markers of block ``name`` in the file ``path``."""
    text = path.read_text()
    old = block(text, name)
    path.write_text(
        text.replace(f"<!-- figures:{name} -->\n{old}\n", f"<!-- figures:{name} -->\n{content}\n")
    )


def expected(name: str) -> tuple[Path, str]:
    """The file holding block ``name`` and the content it should have, from the outputs
    as they are now (the demo is run; answers are read from ``docs/answers/``)."""
    if name == "demo":
        return README, f"\n{demo_text()}\n"
    if name == "red-packets":
        return README, f"\n{answer(RED_PACKETS_REPORT.read_text())}\n"
    if name == "experiments":
        return EXPERIMENTS_DOC, f"\n{experiments_text()}\n"
    if name == "forecast":
        return FORECAST_DOC, f"\n{_indent(FORECAST_OUTPUT.read_text().rstrip())}\n"
    raise ValueError(f"unknown block {name!r}: expected one of {', '.join(BLOCKS)}")


RUNS = {"experiments": run_experiments, "forecast": run_forecast}
BLOCKS = ("demo", "experiments", "red-packets", "forecast")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=list(BLOCKS), choices=BLOCKS)
    args = parser.parse_args(argv)
    for name in args.names:
        if name in RUNS:
            RUNS[name]()
        path, content = expected(name)
        replace_block(path, name, content)
        print(f"{path.relative_to(ROOT)}: block {name} written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
