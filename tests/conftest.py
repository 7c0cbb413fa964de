"""Test settings shared by every package's tests: where test data lives, the flagship scenario."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"  # published cases and data sets, each folder with its README
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
def flagship_path() -> Path:
    return FLAGSHIP
