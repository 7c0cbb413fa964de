"""Test settings shared by every package's tests: where test data lives, the flagship scenario."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"  # published cases and data sets, each folder with its README
FLAGSHIP = ROOT / "scenarios" / "russia-ukraine-2022-12.yaml"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's Chromium; CI installs it in .ci/run

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


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """One Playwright driver per test process, shared by every browser test.

    Playwright's sync API runs its own event loop; a second ``sync_playwright()`` while the first
    is open fails, so the briefing's and the workbench's browser tests must share this one.
    Skipped when Chromium or Playwright is missing, except in CI, where that is a failure.
    """
    if not CHROMIUM.exists():
        reason = f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as driver:
        yield driver
