"""Fixtures of the forecast tests."""

from __future__ import annotations

import pytest
from forecast_cases import ECCase, load_ec


@pytest.fixture(scope="session")
def ec() -> ECCase:
    """The EC car-emissions case of Bueno de Mesquita (1994) / Scholz et al. (2011)."""
    return load_ec()
