"""The flagship scenario: the verdict and its reasons come from the encoded judgments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli import main
from detente.readiness import assess, assess_what_ifs, compile_problem, exact_margin
from detente.scenario import Scenario, load


@pytest.fixture(scope="module")
def flagship(flagship_path: Path) -> Scenario:
    if not flagship_path.is_file():
        pytest.skip("flagship scenario not written yet")
    return load(flagship_path)


def test_talks_cannot_start(flagship: Scenario) -> None:
    a = assess(flagship)
    assert a.verdict != "ripe"
    assert not a.preconditions_met
    assert a.headline()
    assert a.explain().splitlines()[0] == a.headline()


def test_costs_of_both_parties_open_a_zopa(flagship: Scenario) -> None:
    base = exact_margin(compile_problem(flagship))
    parties = flagship.veto_actors
    costs = {f"actors.{p}.no_deal.cost": 1.0 for p in parties if flagship.actors[p].no_deal}
    if base.feasible and len(costs) == len(parties):
        edited = flagship.with_changes(costs)
        opened = exact_margin(compile_problem(edited))
        assert opened.margin > base.margin
        assert opened.zopa


def test_what_ifs_and_cli(
    flagship: Scenario, flagship_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    comparison = assess_what_ifs(flagship)
    assert set(comparison.variants) == set(flagship.what_ifs)
    assert main(["assess", str(flagship_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == assess(flagship).verdict
