"""Fixtures of the report tests: briefings built once per session (the engines are not free)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.briefing import Briefing, build_briefing, render_html
from detente.scenario import Scenario, load, loads
from tests.briefing._scenarios import HOSTILE
from tests.scenario.minimal import MINIMAL


@pytest.fixture(scope="session")
def minimal() -> Scenario:
    return loads(MINIMAL, filename="minimal.yaml")


@pytest.fixture(scope="session")
def minimal_briefing(minimal: Scenario) -> Briefing:
    return build_briefing(minimal)


@pytest.fixture(scope="session")
def hostile() -> Scenario:
    return loads(HOSTILE, filename="hostile.yaml")


@pytest.fixture(scope="session")
def hostile_html(hostile: Scenario) -> str:
    return render_html(build_briefing(hostile))


@dataclass(frozen=True)
class Written:
    path: Path
    briefing: Briefing


@pytest.fixture(scope="session")
def flagship_report(tmp_path_factory: pytest.TempPathFactory, flagship_path: Path) -> Written:
    """The flagship's briefing, written to a file."""
    out = tmp_path_factory.mktemp("report") / "briefing.html"
    briefing = build_briefing(load(flagship_path))
    out.write_text(render_html(briefing), encoding="utf-8")
    return Written(out, briefing)


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory, hostile_html: str) -> Path:
    out = tmp_path_factory.mktemp("hostile") / "hostile.html"
    out.write_text(hostile_html, encoding="utf-8")
    return out
