"""Experiment files: loading, and errors that name the file, the line and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from commsim.sweep import (
    Experiment,
    ExperimentFileError,
    Range,
    load_experiment,
    load_scenario,
)
from commsim.sweep.files import key_lines
from commsim.sweep.worker import execute_run

EXPERIMENTS = Path(__file__).resolve().parents[1] / "experiments"

GOOD = """\
# a comment
name = "fees"
question = '''How high
should the fee be?'''
days = 60
replications = 3
seed = 4
design = "latin"
samples = 4

[parameters]
population = 300

[strategies.EntryThreshold]
kind = "fee"

[vary]
"EntryThreshold.level" = {low = 0.0, high = 0.6}
ambient_inflow = [0.01, 0.02]

[policies.plain]
[policies.moderated.Moderation]
strictness = 0.5

[report]
x = "EntryThreshold.level"
best = {outcome = "end_contributors", goal = "max"}
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_file_loads(tmp_path):
    e = load_experiment(write(tmp_path, GOOD))
    assert e.name == "fees" and e.days == 60 and e.question.startswith("How high")
    assert e.vary["EntryThreshold.level"] == Range(0.0, 0.6)
    assert e.policies == {"plain": {}, "moderated": {"Moderation": {"strictness": 0.5}}}
    assert len(e.settings()) == 2 * 2 * 4


def test_the_name_defaults_to_the_file_stem(tmp_path):
    e = load_experiment(write(tmp_path, "days = 10\n", "my-question.toml"))
    assert e.name == "my-question"


def test_key_lines_finds_headers_assignments_quoted_and_inline_keys():
    lines = key_lines(GOOD)
    assert lines[("name",)] == 2
    assert lines[("days",)] == 5  # after the two-line string
    assert lines[("parameters", "population")] == 12
    assert lines[("strategies", "EntryThreshold", "kind")] == 15
    assert lines[("vary", "EntryThreshold.level")] == 18
    assert lines[("vary", "EntryThreshold.level", "high")] == 18
    assert lines[("policies", "moderated", "Moderation", "strictness")] == 23
    assert lines[("report", "best", "goal")] == 27


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "words"),
    [
        ("population = 300", "populaton = 300", 12, "parameters.populaton",
         "unknown model parameter"),
        ("population = 300", 'population = "300"', 12, "parameters.population", "wrong type"),
        ("kind = \"fee\"", "kind = 3", 15, "strategies.EntryThreshold.kind", "one of"),
        ("{low = 0.0, high = 0.6}", "{low = 0.6, high = 0.2}", 18,
         'vary."EntryThreshold.level"', "low=0.6 must be below high=0.2"),
        ("{low = 0.0, high = 0.6}", '{low = 0.0, high = "max"}', 18,
         'vary."EntryThreshold.level".high', "expected a number"),
        ("ambient_inflow = [0.01, 0.02]", "ambient_infow = [0.01, 0.02]", 19,
         "vary.ambient_infow", "unknown model parameter"),
        ("strictness = 0.5", "strictnes = 0.5", 23,
         "policies.moderated.Moderation.strictnes", "unknown parameter"),
        ('goal = "max"', 'goal = "most"', 27, "report.best.goal", '"max" or "min"'),
        ("samples = 4", "samples = 4\nmetrics = [\"members\", \"posts\"]", 10, "metrics",
         "unknown metric 'posts'"),
        ("seed = 4", "sede = 4", 7, "sede", "unknown key"),
        ("days = 60", "days = -1", 5, "days", "integer in [1, 100,000]"),
    ],
)  # fmt: skip
def test_bad_files_fail_naming_file_line_and_key(tmp_path, old, new, line, key, words):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ExperimentFileError) as caught:
        load_experiment(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: {key}: "), message
    assert words in message


def test_syntax_errors_give_the_line(tmp_path):
    path = write(tmp_path, GOOD.replace("days = 60", "days = = 60"))
    with pytest.raises(ExperimentFileError, match=r"not valid TOML: .*line 5"):
        load_experiment(path)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ExperimentFileError, match="cannot read"):
        load_experiment(tmp_path / "nope.toml")


def test_a_scenario_is_one_run(tmp_path):
    path = write(tmp_path, 'days = 30\nseed = 2\n[parameters]\npopulation = 300\n'
                 '[strategies.RedPackets]\nbudget = 10.0\n', "one.toml")  # fmt: skip
    e = load_scenario(path)
    assert e.run_count() == 1 and e.strategies == {"RedPackets": {"budget": 10.0}}
    bad = write(tmp_path, "days = 30\n\n[vary]\nnovelty = [0.1, 0.2]\n", "bad.toml")
    with pytest.raises(ExperimentFileError, match=r"line 3: vary: a scenario file describes one"):
        load_scenario(bad)


@pytest.mark.parametrize("path", sorted(EXPERIMENTS.glob("*.toml")), ids=lambda p: p.name)
def test_every_ready_experiment_file_is_valid(path):
    e = load_experiment(path)
    assert e.question, f"{path.name} says which question it answers"
    assert e.report.get("outcomes"), "its report has a table"
    assert e.report.get("best") or e.report.get("sensitivity"), "its report answers it"
    assert e.run_count() >= 20
    small = Experiment.from_dict(
        {**e.to_dict(), "days": 30, "parameters": {**e.parameters, "population": 300}}
    )
    settings = small.settings()
    for index in (0, len(settings) - 1):  # the first and last settings run without error
        result = execute_run(
            small.run(settings.to_dict("records")[index], 0), 30, small.metrics, small.outcomes
        )
        assert result.error is None, result.error


KOL_FILE = """\
name = "kols"
days = 30

[strategies.KOLSeeding]
count = 5
leaving = 4
leave_on = 20
"""


def test_k_of_n_kols_leaving_in_a_file_is_checked_with_the_key_named(tmp_path):
    e = load_experiment(write(tmp_path, KOL_FILE))
    assert e.strategies["KOLSeeding"]["leaving"] == 4  # 4 of 5: allowed beside count = 5
    with pytest.raises(ExperimentFileError,
                       match=r"line 4: strategies\.KOLSeeding: .*leaving=4 is more than "
                             r"count=2"):  # fmt: skip
        load_experiment(write(tmp_path, KOL_FILE.replace("count = 5", "count = 2")))
    with pytest.raises(
        ExperimentFileError, match=r"line 7: strategies\.KOLSeeding\.leave_on: .*out of range"
    ):
        load_experiment(write(tmp_path, KOL_FILE.replace("leave_on = 20", "leave_on = -3")))
    vary = KOL_FILE.replace("leaving = 4\n", "") + '[vary]\n"KOLSeeding.leaving" = [1, 6]\n'
    with pytest.raises(
        ExperimentFileError, match=r'vary\."KOLSeeding\.leaving": .*leaving=6 is more than count=5'
    ):
        load_experiment(write(tmp_path, vary))
