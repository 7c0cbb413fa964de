"""Fearon's bargaining model as a special case of the margin (docs/models.md §2 "Sanity check")."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from rhelpers import fearon

from detente.readiness.margin import ZOPA_TOL, exact_margin

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(p_a=unit, p_b=unit, c_a=unit, c_b=unit)
def test_fearon_identity(p_a: float, p_b: float, c_a: float, c_b: float) -> None:
    x_star = (p_a - c_a + p_b + c_b) / 2
    assume(0.0 <= x_star <= 1.0)
    gap = (p_a - p_b) - (c_a + c_b)
    result = exact_margin(fearon(p_a, p_b, c_a, c_b))
    assert result.margin == pytest.approx(-gap / 2, abs=1e-7)
    assert result.x is not None
    assert result.x[0] == pytest.approx(x_star, abs=1e-7)
    # a ZOPA exists iff m* = -G/2 >= -ZOPA_TOL (away from that boundary, where rounding decides)
    assert result.zopa == (gap / 2 <= ZOPA_TOL) or abs(gap / 2 - ZOPA_TOL) < 1e-9


def test_mutual_optimism_closes_costs_open() -> None:
    assert exact_margin(fearon(0.7, 0.3, 0.05, 0.05)).margin < 0
    assert exact_margin(fearon(0.7, 0.3, 0.3, 0.3)).margin > 0
