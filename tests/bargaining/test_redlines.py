"""Forecasts against the veto parties' red lines: what breaks, and the nearest value within."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import forecast
from detente.bargaining.redlines import RedLineCheck, check_red_lines
from detente.cli import main
from detente.scenario import Scenario, loads
from detente.scenario import expr as ex

HEAD = """\
detente: 1
id: f
title: Forecast and red lines
issues:
  land:
    label: Land returned
    unit: "%"
    scale: [0, 100]
    status_quo: 0
  aid:
    label: Aid
    scale: [0, 100]
    status_quo: 10
  crimea:
    label: Crimea
    options: [russian, deferred, shared, ukrainian]
    status_quo: russian
actors:
  UKR:
    name: Ukraine
    role: party
    positions: {land: 100, aid: 100, crimea: ukrainian}
    red_lines:
{ukr}
  RUS:
    name: Russia
    role: party
    positions: {land: 0, aid: 0, crimea: russian}
    red_lines:
{rus}
  USA:
    name: United States
    role: backer
    positions: {land: 80}
    red_lines:
      - rule: land >= 90
"""


def _scenario(ukr: list[str], rus: list[str] | None = None) -> Scenario:
    def block(rules: list[str]) -> str:
        return "\n".join(f"      - rule: {r}" for r in rules) or "      []"

    text = HEAD.replace("{ukr}", block(ukr)).replace("{rus}", block(rus or ['crimea <= "shared"']))
    return loads(text.replace("red_lines:\n      []", "red_lines: []"))


def _checks(
    ukr: list[str], values: dict[str, dict[str, float]], rus: list[str] | None = None
) -> dict[str, dict[str, RedLineCheck]]:
    return check_red_lines(_scenario(ukr, rus), values)


def test_a_forecast_below_a_strict_bound_moves_just_above_it() -> None:
    checks = _checks(["land > 60"], {"land": {"mean": 33.8}})
    c = checks["land"]["mean"]
    assert [(b.actor, b.index, b.rule) for b in c.broken] == [("UKR", 0, "land > 60")]
    assert (c.projection, c.open_end) == (60.0, "above")


def test_a_closed_bound_is_its_own_projection() -> None:
    c = _checks(["land >= 60"], {"land": {"median": 80.0, "mean": 20.0}})["land"]
    assert not c["median"].breaks and c["median"].projection is None
    assert (c["mean"].projection, c["mean"].open_end) == (60.0, None)


def test_only_veto_parties_red_lines_count() -> None:
    # USA (a backer) wants land >= 90; a forecast of 70 breaks nothing of a veto party
    c = _checks(["land >= 60"], {"land": {"mean": 70.0}})["land"]["mean"]
    assert c.broken == ()


def test_a_red_line_on_two_issues_is_checked_on_both_with_the_others_at_their_forecasts() -> None:
    checks = _checks(["land + aid <= 100"], {"land": {"mean": 70.0}, "aid": {"mean": 50.0}})
    assert checks["land"]["mean"].projection == pytest.approx(50.0)  # aid stays at 50
    assert checks["aid"]["mean"].projection == pytest.approx(30.0)  # land stays at 70


def test_issues_not_forecast_stand_at_their_status_quo() -> None:
    # aid is not forecast: it stays at its status quo (10)
    c = _checks(["land + aid <= 100"], {"land": {"mean": 95.0}})["land"]["mean"]
    assert c.breaks and c.projection == pytest.approx(90.0)


def test_no_value_of_the_issue_alone_meets_the_red_line() -> None:
    c = _checks(["land + aid >= 150"], {"land": {"mean": 50.0}, "aid": {"mean": 20.0}})
    assert c["land"]["mean"].breaks and c["land"]["mean"].projection is None


def test_the_nearest_of_two_allowed_ranges_and_ties_go_low() -> None:
    rule = ["land <= 20 or land >= 80"]
    c = _checks(rule, {"land": {"mean": 45.0, "median": 50.0, "nash": 55.0}})["land"]
    assert c["mean"].projection == 20.0
    assert c["median"].projection == 20.0  # 30 either way: the lower one
    assert c["nash"].projection == 80.0


def test_option_issues_use_the_reported_option_and_project_onto_options() -> None:
    # the forecast rank 2.4 is reported as 'shared' (rank 2); RUS allows at most 'deferred' (1)
    c = _checks(["land >= 0"], {"crimea": {"mean": 2.4, "median": 1.4}}, ['crimea <= "deferred"'])
    assert c["crimea"]["mean"].broken[0].actor == "RUS"
    assert (c["crimea"]["mean"].projection, c["crimea"]["mean"].open_end) == (1.0, None)
    assert not c["crimea"]["median"].breaks  # rank 1.4 is reported as 'deferred'


def test_an_issue_no_veto_red_line_names_has_no_check() -> None:
    assert _checks(["land >= 0"], {"aid": {"mean": 50.0}}) == {}


@settings(max_examples=80, deadline=None)
@given(
    bounds=st.lists(
        st.tuples(st.sampled_from(["<", "<=", ">=", ">", "=="]), st.integers(0, 100)),
        min_size=1,
        max_size=3,
    ),
    join=st.sampled_from(["and", "or"]),
    target=st.floats(0, 100),
)
def test_the_projection_against_a_grid(
    bounds: list[tuple[str, int]], join: str, target: float
) -> None:
    """The exact projection is no farther than the nearest allowed point of a fine grid, and
    at most one grid step nearer (an open end is approached, not reached)."""
    rule = f" {join} ".join(f"land {op} {v}" for op, v in bounds)
    scenario = _scenario([rule])
    c = check_red_lines(scenario, {"land": {"mean": target}})["land"]["mean"]
    tree = scenario.actors["UKR"].red_lines[0].expr
    formula = ex.to_linear(tree)
    step = 0.01
    grid = np.round(np.arange(0, 100 + step / 2, step), 10)
    ok = np.asarray(ex.formula_holds(formula, {"land": grid, "aid": 0.0, "crimea": 0.0}, tol=0))
    if any(0 < abs(target - v) < 1e-6 for _, v in bounds):
        return  # within the check's tolerance of a bound: on it, by definition
    meets_here = bool(ex.formula_holds(formula, {"land": target, "aid": 0.0, "crimea": 0.0}, tol=0))
    if meets_here:
        assert not c.breaks
        return
    assert c.breaks
    if not ok.any():
        # only single values the grid misses could be allowed; equalities sit on integers
        assert c.projection is None
        return
    assert c.projection is not None
    nearest = float(np.min(np.abs(grid[ok] - target)))
    distance = abs(c.projection - target)
    assert distance <= nearest + 1e-9
    assert distance >= nearest - step - 1e-9
    at = bool(ex.formula_holds(formula, {"land": c.projection, "aid": 0.0, "crimea": 0.0}, tol=0))
    assert at == (c.open_end is None)


def test_the_forecast_result_says_it_in_words_and_json() -> None:
    result = forecast(_scenario(["land > 60"], ['crimea == "russian"']), methods=("mean", "median"))
    land = result["land"]
    assert land.red_line_note("mean") == (
        "breaks UKR's red line 'land > 60'; nearest within the veto parties' red lines: "
        "just above 60 %"
    )
    assert "- weighted mean: 60 %; breaks UKR's red line 'land > 60'" in result.explain()
    got = result.to_dict()["issues"][0]["forecasts"]["mean"]["red_lines"]
    assert got["broken"] == [
        {"actor": "UKR", "index": 0, "rule": "land > 60", "label": None, "probability": None}
    ]
    assert (got["projection"], got["open_end"], got["projection_reported"]) == (60.0, "above", 60.0)
    crimea = result.to_dict()["issues"][2]["forecasts"]
    assert crimea["mean"]["red_lines"]["projection_reported"] == "russian"
    assert crimea["median"]["red_lines"]["broken"] == []
    assert result.to_dict()["issues"][1]["forecasts"]["mean"]["red_lines"] is None  # aid


def test_the_cli_table_has_a_red_line_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD.replace("{ukr}", "      - rule: land > 60").replace(
        "{rus}", '      - rule: crimea <= "shared"'
    )
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["forecast", str(path), "-m", "mean", "-i", "land"]) == 0
    out = capsys.readouterr().out
    assert "veto parties' red lines" in out
    assert "breaks UKR's red line" in out


def test_named_thresholds_switched_off_and_probable_red_lines() -> None:
    at_70 = "land >= threshold\n        threshold: 70\n        probability: 0.4"
    check = _checks([at_70], {"land": {"mean": 65.0}})["land"]["mean"]
    assert [(b.rule, b.probability) for b in check.broken] == [("land >= threshold", 0.4)]
    assert check.projection == 70.0  # the rule at its named threshold
    assert "(real with probability 0.4)" in check.broken[0].describe()
    off = _checks(["land >= 70\n        active: false"], {"land": {"mean": 65.0}})
    assert off == {}  # a red line switched off is not checked
