"""The engines as Monte Carlo models agree with the engines themselves, draw by draw."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.bargaining import forecast
from detente.readiness import assess
from detente.readiness.margin import exact_margin
from detente.readiness.problem import compile_problem
from detente.scenario import loads
from detente.uncertainty.models import (
    VERDICTS,
    forecast_model,
    readiness_model,
    uncertain_judgments,
)
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)
JUDGMENTS = uncertain_judgments(BASE)
NAMES = [j.path for j in JUDGMENTS]


def test_judgments_are_encoded_with_valid_ranges() -> None:
    by_name = {j.path: j for j in JUDGMENTS}
    assert by_name["issues.crimea.status_quo"].valid == (0.0, 2.0)
    assert by_name["issues.crimea.status_quo"].distribution.params == (0.0, 1.0)  # ranks
    assert by_name["facts.sanctions_tightened"].valid == (0.0, 1.0)
    assert by_name["actors.RUS.no_deal.cost"].valid == (0.0, 1.0)
    assert by_name["actors.UKR.no_deal.outcome.territory"].valid == (0.0, 100.0)


def _value(name: str, x: float) -> object:
    j = next(j for j in JUDGMENTS if j.path == name)
    if name.startswith("facts."):
        return bool(x >= 0.5)
    if name == "issues.crimea.status_quo":
        return BASE.issues["crimea"].options[int(x)]  # type: ignore[index]
    assert j.valid is not None
    return float(x)


draw = st.tuples(
    st.floats(0, 100),  # UKR no-deal territory
    st.floats(0, 1),  # RUS cost
    st.floats(0, 1),  # UKR salience territory
    st.sampled_from([0.0, 1.0]),  # crimea status quo rank
    st.sampled_from([0.0, 1.0]),  # sanctions_tightened
)


@settings(max_examples=30)
@given(rows=st.lists(draw, min_size=1, max_size=4))
def test_readiness_model_margin_matches_the_exact_solver(rows: list[tuple[float, ...]]) -> None:
    params = np.array(rows, dtype=float)
    out = readiness_model(BASE, JUDGMENTS)(params)
    for d, row in enumerate(rows):
        variant = BASE.with_changes({n: _value(n, x) for n, x in zip(NAMES, row, strict=True)})
        expected = exact_margin(compile_problem(variant)).margin
        assert out["margin"][d] == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "row",
    [(40.0, 0.1, 1.0, 0.0, 1.0), (90.0, 0.9, 0.2, 1.0, 0.0), (5.0, 0.5, 0.5, 1.0, 1.0)],
)
def test_readiness_model_verdict_matches_assess(row: tuple[float, ...]) -> None:
    out = readiness_model(BASE, JUDGMENTS)(np.array([row]))
    variant = BASE.with_changes({n: _value(n, x) for n, x in zip(NAMES, row, strict=True)})
    expected = assess(variant)
    assert VERDICTS[out["verdict"][0]] == expected.verdict
    assert bool(out["preconditions_met"][0]) == (not any(p.veto for p in expected.preconditions))


def test_forecast_model_matches_forecast_on_base_values() -> None:
    params = np.array(
        [[float(BASE.actors["UKR"].no_deal.outcome["territory"]), 0.1, 1.0, 0.0, 1.0]]
    )  # type: ignore[union-attr]
    out = forecast_model(BASE, JUDGMENTS)(params)
    expected = forecast(BASE)
    for issue in expected.issues:
        for method in ("mean", "median", "eum"):
            assert out[f"{method}.{issue.issue}"][0] == pytest.approx(
                issue.values[method], abs=1e-9
            )
