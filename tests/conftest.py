"""Shared test fixtures: where the shared cases and data live, the flagship scenario."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"

# CI (CI=true) runs a fixed, derandomised set of examples so that a red build always reproduces;
# developers' runs explore new examples every time.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI", "").lower() == "true",
)
settings.load_profile("ci")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only ``shared/`` folder beside the checkout (cases, data, design)."""
    if not SHARED.is_dir():
        pytest.fail(f"shared/ not found at {SHARED}; set DETENTE_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def flagship_path() -> Path:
    return FLAGSHIP
