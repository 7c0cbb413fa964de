"""An expected-utility median that cycles between rounds is flagged, with its period."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import EUMSettings, expected_utility, forecast
from detente.bargaining.cycles import Cycle, find_cycle
from detente.cli import main
from detente.scenario import loads

# Found by a search over small integer cases (scholz-code, the default variant): actor 2 loses
# a conflict to 3 (4 -> 10), then compromises twice with 1 (10 -> 7.258 -> 1.455), then loses
# to 3 again: every position repeats every 3 rounds from round 1.
PERIOD_3 = ([1.0, 4.0, 10.0], [2.0, 4.0, 4.0], [1.0, 0.3, 0.6])
PERIOD_2 = ([2.0, 6.0, 4.0, 6.0], [1.0, 4.0, 6.0, 7.0], [0.4, 0.1, 0.8, 0.6])
# The positions repeat every 2 rounds from round 8, around a median that stays at 10.
STILL = ([10.0, 3.0, 7.0, 3.0, 9.0], [8.0, 5.0, 3.0, 2.0, 7.0], [0.6, 0.4, 0.9, 0.3, 0.1])


def _run(case: tuple[list[float], list[float], list[float]], rounds: int = 8):  # type: ignore[no-untyped-def]
    x, c, s = case
    return expected_utility(x, c, s, low=0, high=10, eum=EUMSettings(rounds=rounds))


def test_a_period_3_cycle_is_found_and_described() -> None:
    run = _run(PERIOD_3)
    assert run.cycle is not None
    assert (run.cycle.period, run.cycle.start, run.cycle.exact) == (3, 1, True)
    assert run.cycle.values == pytest.approx((10.0, 7.258283076, 1.454501385))
    assert run.cycle.describe() == "cycles between 10, 7.258 and 1.455 (period 3)"
    text = run.explain()
    assert "No single forecast: from round 1 the median cycles between 10, 7.258 and 1.455" in text
    assert "Forecast (median after round" not in text
    assert run.to_dict()["cycle"] == {
        "period": 3,
        "values": list(run.cycle.values),
        "start": 1,
        "exact": True,
        "text": "cycles between 10, 7.258 and 1.455 (period 3)",
    }


def test_a_period_2_cycle() -> None:
    run = _run(PERIOD_2)
    assert run.cycle is not None
    assert (run.cycle.period, run.cycle.start) == (2, 2)
    assert run.cycle.describe() == "cycles between 6 and 5.401 (period 2)"


def test_the_cycle_goes_on_in_longer_runs() -> None:
    """The engine itself, run for 40 rounds, keeps repeating what was found in 8."""
    found = _run(PERIOD_3).cycle
    long = _run(PERIOD_3, rounds=40)
    assert found is not None
    for t in range(found.start, 41):
        assert long.medians[t] == pytest.approx(found.values[(t - found.start) % found.period])


def test_positions_cycling_around_a_still_median_is_a_settled_forecast() -> None:
    run = _run(STILL, rounds=12)
    assert np.allclose(run.positions[8], run.positions[10])
    assert run.cycle is None
    assert run.medians[-1] == pytest.approx(10.0)


def test_a_settled_model_has_no_cycle() -> None:
    run = expected_utility([0.0, 5.0, 10.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0], low=0, high=10)
    assert run.cycle is None


@pytest.mark.parametrize(
    ("medians", "expected"),
    [
        ([0, 3, 4, 4, 4, 4], None),  # settled
        ([0, 1, 5, 6, 5, 6, 5, 6], Cycle(2, (5.0, 6.0), 2, False)),
        ([0, 1, 2, 3, 1, 2, 3], Cycle(3, (1.0, 2.0, 3.0), 1, False)),  # revisits, period 3
        ([0, 9, 1, 2, 3, 1, 2], None),  # not two whole periods
        ([0, 1, 2, 3, 4, 5, 6], None),  # wanders
        ([0, 7, 7, 5, 7, 7, 5], Cycle(3, (7.0, 7.0, 5.0), 1, False)),
    ],
)
def test_find_cycle_on_medians_alone(medians: list[float], expected: Cycle | None) -> None:
    # positions that never repeat: only the median can cycle
    positions = np.arange(len(medians), dtype=float)[:, None] * np.array([[1.0, 2.0]])
    assert find_cycle(positions, np.array(medians, dtype=float)) == expected


def test_find_cycle_with_repeating_positions() -> None:
    positions = np.array([[0, 0], [1, 5], [2, 6], [1, 5], [2, 6]], dtype=float)
    medians = np.array([0, 5, 6, 5, 6], dtype=float)
    assert find_cycle(positions, medians) == Cycle(2, (5.0, 6.0), 1, True)
    # a period-3 state whose medians read a, b, a: the median's period is 3, not 2
    positions = np.array([[0, 0], [1, 1], [2, 2], [3, 3], [1, 1]], dtype=float)
    medians = np.array([0, 4, 5, 4, 4], dtype=float)
    assert find_cycle(positions, medians) == Cycle(3, (4.0, 5.0, 4.0), 1, True)
    assert Cycle(3, (4.0, 5.0, 4.0), 1, True).describe() == "cycles between 4 and 5 (period 3)"


@settings(max_examples=150, deadline=None)
@given(
    x=st.lists(st.integers(0, 10), min_size=3, max_size=5),
    c=st.lists(st.integers(1, 9), min_size=5, max_size=5),
    s=st.lists(st.integers(1, 10), min_size=5, max_size=5),
    variant=st.sampled_from(["scholz-code", "as-printed"]),
)
def test_an_exact_cycle_persists_for_ever(
    x: list[int], c: list[int], s: list[int], variant: str
) -> None:
    """What find_cycle calls an exact cycle in 8 rounds, 30 rounds of the engine continue."""
    if max(x) == min(x):
        return
    n = len(x)
    args = ([float(v) for v in x], [float(v) for v in c[:n]], [v / 10 for v in s[:n]])
    eight = expected_utility(*args, low=0, high=10, eum=EUMSettings(variant=variant))  # type: ignore[arg-type]
    cycle = eight.cycle
    if cycle is None or not cycle.exact:
        return
    long = expected_utility(*args, low=0, high=10, eum=EUMSettings(variant=variant, rounds=30))  # type: ignore[arg-type]
    for t in range(cycle.start, 31):
        expected = cycle.values[(t - cycle.start) % cycle.period]
        # "exact": the positions repeated bit for bit, so every later round repeats too
        assert long.medians[t] == pytest.approx(expected, abs=1e-12)


SCENARIO = """\
detente: 1
id: cycling
title: A cycling forecast
issues:
  delay:
    label: Delay
    unit: years
    scale: [0, 10]
    status_quo: 0
  steps:
    label: Steps
    options: [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10]
    status_quo: s0
actors:
  A: {name: A, role: party, capability: 2, positions: {delay: 1, steps: s1},
      salience: {delay: 1.0, steps: 1.0}}
  B: {name: B, role: party, capability: 4, positions: {delay: 4, steps: s4},
      salience: {delay: 0.3, steps: 0.3}}
  C: {name: C, role: party, capability: 4, positions: {delay: 10, steps: s10},
      salience: {delay: 0.6, steps: 0.6}}
"""


def test_the_forecast_table_prints_the_cycle_not_one_answer() -> None:
    result = forecast(loads(SCENARIO))
    delay, steps = result["delay"], result["steps"]
    assert (
        delay.describe("eum") == "cycles between 10 years, 7.258 years and 1.455 years (period 3)"
    )
    assert steps.describe("eum") == "cycles between s10, s7 and s1 (period 3)"
    assert delay.describe("mean") == "5.5 years"
    assert (
        "- expected utility: cycles between 10 years, 7.258 years and 1.455 years (period 3)."
        in (result.explain())
    )
    got = result.to_dict()["issues"][0]["forecasts"]["eum"]
    assert got["reported"] == "cycles between 10 years, 7.258 years and 1.455 years (period 3)"
    assert got["cycle"]["period"] == 3 and got["cycle"]["start"] == 1
    assert got["value"] == pytest.approx(7.258283076)  # the last round's median, one of them


def test_the_forecast_command_prints_the_cycle(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cycling.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    assert main(["forecast", str(path), "-i", "delay", "-m", "eum"]) == 0
    out = capsys.readouterr().out
    assert "from round 1: cycles between 10 years, 7.258 years and 1.455 years (period 3)" in out
    assert main(["forecast", str(path), "-i", "delay", "--json"]) == 0
    eum = json.loads(capsys.readouterr().out)["issues"][0]["forecasts"]["eum"]
    assert eum["cycle"]["text"] == eum["reported"]
