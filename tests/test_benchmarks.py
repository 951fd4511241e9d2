"""The speed benchmark runs end to end at tiny sizes and its scaling fits are right.

No timing is asserted here (timings belong to ``benchmarks/speed.py``'s output); this
checks that the script measures and reports what it claims.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import speed  # noqa: E402


def test_power_law_recovers_the_exponent():
    x = np.array([1e3, 1e4, 1e5])
    b, r2 = speed.power_law(x, 3e-7 * x)
    assert b == pytest.approx(1.0) and r2 == pytest.approx(1.0)
    b, _ = speed.power_law(x, 2e-9 * x**2)
    assert b == pytest.approx(2.0)


def test_day_exponent_is_one_when_every_day_costs_the_same():
    b, _ = speed.day_exponent(list(0.01 * np.arange(1, 41)))
    assert b == pytest.approx(1.0)
    b, _ = speed.day_exponent(list(0.01 * np.arange(1, 41) ** 2))
    assert b == pytest.approx(2.0, abs=0.1)
    assert np.isnan(speed.day_exponent([0.1, 0.2])[0])


def test_worker_measures_one_model_in_a_fresh_process():
    figures = speed.run_worker("reference", 150, 4, seed=3)
    assert figures["population"] == 150 and figures["days"] == 4
    assert len(figures["cumulative_s"]) == 4
    assert 0 < figures["step_cpu_s"]
    assert np.all(np.diff(figures["cumulative_s"]) >= 0)
    assert figures["peak_rss_mb"] >= figures["baseline_rss_mb"] > 0
    assert figures["end_members"] >= 0


def test_report_at_tiny_sizes(capsys):
    speed.main(["--sizes", "150", "300", "--days", "3", "--reference-max", "150",
                "--extrapolate"])  # fmt: skip
    out = capsys.readouterr().out
    assert "vectorised" in out and "reference" in out
    assert "(measured; CPU time" in out and "EXTRAPOLATED" in out
    assert "b = " in out  # the population fit of the vectorised model (two sizes)
    assert "not measured" in out  # the targets need 10,000 and 100,000 people


def test_sweep_throughput_prints_the_parts_of_a_run(capsys):
    import sweep_throughput

    from commsim.sweep import Experiment

    experiment = Experiment(name="t", days=5, replications=4, parameters={"population": 80})
    sweep_throughput.run_parts(experiment, runs=2)
    out = capsys.readouterr().out
    assert "2 runs in this process" in out and "setup" in out and "days" in out
    share = float(out.split("all but the days): ")[1].split("%")[0])
    assert 0 < share < 100
