"""Regenerate the outputs quoted in README.md and docs/forecast.md.

Each quoted output sits between ``<!-- figures:NAME -->`` and ``<!-- /figures:NAME -->``
and is replaced by what this script prints for NAME:

* ``demo``: ``bash scripts/demo.sh`` (``python -m commsim.demo``), abridged to days 0-150
  and the summary lines;
* ``red-packets``: the answer of the red-packets sweep's report. The sweep
  (``experiments/red-packets.toml``, 160 year-long runs) is run or resumed in
  ``results/red-packets``; its report (report.md, summary.csv and the plots) is copied to
  ``docs/answers/red-packets/``, and the README quotes its answer;
* ``forecast``: ``commsim forecast commsim/data/brand_group.csv --fit-days 30``, copied to
  ``docs/answers/forecast-brand.txt`` and quoted in docs/forecast.md, with its plot saved
  as ``docs/img/forecast_brand.png``.

Run from the repository root after a change to the model or its defaults::

    python scripts/readme_figures.py                  # everything (a few minutes)
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


def red_packets_answer(report: str) -> str:
    """The answer sentence of a report.md and, when it has one, its comparison with the
    baseline ("Better than the baseline on ..."), wrapped as the README quotes them."""
    match = re.search(r"^(Highest|Lowest) mean .*$", report, flags=re.MULTILINE)
    if match is None:
        raise ValueError("the red-packets report has no answer line ('Highest mean ...')")
    quoted = [textwrap.fill(match.group(0), width=88)]
    against = re.search(r"^Better than the baseline on .*$", report, flags=re.MULTILINE)
    if against is not None:
        quoted.append(textwrap.fill(against.group(0), width=88))
    return _indent("\n\n".join(quoted))


def run_red_packets() -> None:
    """Run (or resume) the red-packets sweep, write its report and copy it."""
    from commsim import cli

    out = ROOT / "results" / "red-packets"  # --out: the base folder; the file names red-packets
    arguments = ["sweep", str(ROOT / "experiments" / "red-packets.toml"), "--out",
                 str(out.parent), "--no-progress", "--report"]  # fmt: skip
    if cli.main(arguments) != 0:
        raise SystemExit("the red-packets sweep failed")
    shutil.copytree(out / "report", RED_PACKETS_REPORT.parent, dirs_exist_ok=True)


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
        return README, f"\n{red_packets_answer(RED_PACKETS_REPORT.read_text())}\n"
    if name == "forecast":
        return FORECAST_DOC, f"\n{_indent(FORECAST_OUTPUT.read_text().rstrip())}\n"
    raise ValueError(f"unknown block {name!r}: expected demo, red-packets or forecast")


RUNS = {"red-packets": run_red_packets, "forecast": run_forecast}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=["demo", "red-packets", "forecast"],
                        choices=["demo", "red-packets", "forecast"])  # fmt: skip
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
