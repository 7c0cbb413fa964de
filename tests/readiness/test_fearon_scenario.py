"""The shipped ``scenarios/fearon-textbook.yaml`` gives Fearon's closed-form answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.readiness import assess
from detente.scenario import load

PATH = Path(__file__).resolve().parents[2] / "scenarios" / "fearon-textbook.yaml"


def test_mutual_optimism_closes_the_range() -> None:
    result = assess(load(PATH))
    # G = (0.70 - 0.50) - (0.05 + 0.05) = 0.10, so m* = -G/2 = -0.05
    assert result.margin == pytest.approx(-0.05, abs=1e-7)
    assert result.verdict == "premature"
    assert result.closest_deal is not None
    # x* = (p_A - c_A + p_B + c_B) / 2 = (0.65 + 0.55) / 2
    assert result.closest_deal["share"] == pytest.approx(0.60, abs=1e-7)


@pytest.mark.parametrize("what_if", ["costly-war", "shared-estimate"])
def test_costs_or_shared_estimates_open_it(what_if: str) -> None:
    result = assess(load(PATH).variant(what_if))
    assert result.margin == pytest.approx(0.05, abs=1e-7)
    assert result.verdict == "ripe"
    assert result.closest_deal is not None
    assert result.closest_deal["share"] == pytest.approx(0.60, abs=1e-7)
