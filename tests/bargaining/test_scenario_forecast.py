"""The scenario-level forecast: every positioned actor of any role, option issues, errors."""

from __future__ import annotations

import numpy as np
import pytest

from detente.bargaining import EUMSettings, ForecastResult, forecast, weighted_mean
from detente.errors import InputError
from detente.scenario import loads

TEXT = """\
detente: 1
id: toy-emissions
title: Emission standards (toy)
issues:
  delay:
    label: Years of delay
    unit: years
    scale: [4, 10]
    status_quo: 4
  form:
    label: Legal form
    options: [directive, regulation, treaty]
    status_quo: directive
  empty:
    label: Nobody's issue
    scale: [0, 1]
    status_quo: 0
actors:
  NL:
    name: Netherlands
    role: party
    capability: 0.08
    positions: {delay: 4, form: treaty}
    salience: {delay: 0.8}
  BE:
    name: Belgium
    role: party
    capability: 0.08
    positions: {delay: 7, form: regulation}
    salience: {delay: 0.4, form: 0.9}
  FR:
    name: France
    role: mediator
    capability: 0.16
    positions: {delay: 10}
    salience: {delay: 0.6}
  UK:
    name: United Kingdom
    role: stakeholder
    capability: 0.16
    positions: {delay: 10, form: directive}
    salience: {delay: 0.9, form: 0.2}
  US:
    name: United States
    role: backer
    capability: 1
"""


@pytest.fixture(scope="module")
def result() -> ForecastResult:
    return forecast(loads(TEXT, filename="toy.yaml"))


def test_every_role_with_a_position_takes_part(result: ForecastResult) -> None:
    delay = result["delay"]
    assert delay.actors == ("NL", "BE", "FR", "UK")  # the backer has no position: left out
    c = np.array([0.08, 0.08, 0.16, 0.16])
    s = np.array([0.8, 0.4, 0.6, 0.9])
    x = np.array([4.0, 7.0, 10.0, 10.0])
    assert delay.values["mean"] == pytest.approx(weighted_mean(x, c * s))
    assert delay.values["median"] == 10.0
    assert set(delay.values) == {"mean", "median", "nash", "eum"}
    assert delay.eum is not None
    assert delay.eum.forecast == delay.values["eum"]


def test_option_issue_on_ranks_reported_as_option(result: ForecastResult) -> None:
    form = result["form"]
    # Ranks: treaty 2, regulation 1, directive 0; NL's salience defaults to 0.5.
    np.testing.assert_array_equal(form.positions, [2.0, 1.0, 0.0])
    np.testing.assert_allclose(form.salience, [0.5, 0.9, 0.2])
    assert (form.low, form.high) == (0.0, 2.0)
    for m in form.values:
        assert form.reported(m) in ("directive", "regulation", "treaty")
    w = form.capability * form.salience
    assert form.values["mean"] == pytest.approx(float(w @ form.positions / w.sum()))
    assert form.reported("median") == "regulation"


def test_issue_without_positions_is_skipped_with_a_reason(result: ForecastResult) -> None:
    assert "empty" in result.skipped
    assert "no actor" in result.skipped["empty"]


def test_surfaces(result: ForecastResult) -> None:
    frame = result.to_frame()
    assert set(frame["issue"]) == {"delay", "form"}
    data = result.to_dict()
    assert data["issues"][1]["forecasts"]["median"]["reported"] == "regulation"
    text = result.explain()
    assert "weighted median" in text
    assert "Nobody's issue" not in text or "not forecast" in text


def test_one_issue_and_method_selection() -> None:
    scenario = loads(TEXT, filename="toy.yaml")
    res = forecast(scenario, issue="delay", methods=("median", "mean"))
    assert [f.issue for f in res.issues] == ["delay"]
    assert list(res["delay"].values) == ["median", "mean"]
    assert res["delay"].eum is None


def test_bad_arguments_name_the_problem() -> None:
    scenario = loads(TEXT, filename="toy.yaml")
    with pytest.raises(InputError, match="did you mean 'delay'"):
        forecast(scenario, issue="dely")
    with pytest.raises(InputError, match="did you mean 'median'"):
        forecast(scenario, methods=("medain",))
    with pytest.raises(InputError, match="did you mean 'as-printed'"):
        forecast(scenario, eum=EUMSettings(variant="as_printed"))


def test_public_api_is_the_function_even_after_the_package_is_imported() -> None:
    # ``detente.forecast`` names both a package and the exported function; the function wins.
    import detente
    import detente.bargaining.eum  # a submodule import must not shadow the function

    res = detente.forecast(loads(TEXT, filename="toy.yaml"), methods=("mean",))
    assert isinstance(res, ForecastResult)
    assert [f.issue for f in res.issues] == ["delay", "form"]
