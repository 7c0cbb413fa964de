"""Paths to judgments and ``Scenario.with_changes``: validated, cheap copies."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.errors import InputError
from detente.scenario import judgment_paths, loads, resolve
from tests.scenario.minimal import MINIMAL

BASE = loads(MINIMAL)


def test_resolve_kinds_and_ranges() -> None:
    j = resolve(BASE, "actors.UKR.no_deal.cost")
    assert (j.kind, j.value, j.low, j.high) == ("number", 0.15, 0.0, 1.0)
    j = resolve(BASE, "actors.RUS.no_deal.outcome.crimea")  # not in the file: the status quo
    assert (j.kind, j.value, j.options) == (
        "option",
        "russian",
        ("russian", "deferred", "ukrainian"),
    )
    j = resolve(BASE, "facts.sanctions_tightened.value")
    assert (j.path, j.kind, j.value) == ("facts.sanctions_tightened", "bool", True)
    j = resolve(BASE, "actors.UKR.positions.territory")
    assert (j.low, j.high, j.issue) == (0.0, 100.0, "territory")
    assert resolve(BASE, "actors.UKR.capability").high == math.inf


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("actors.UKX.no_deal.cost", "did you mean 'UKR'"),
        ("actors.UKR.no_deal.cots", "names no numeric or boolean judgment"),
        ("actors.UKR.salience.crimeaa", "did you mean 'crimea'"),
        ("actors.USA.salience.crimea", "no position of USA on issue 'crimea'"),
        ("factz.sanctions_tightened", "did you mean 'facts'"),
        ("actors.UKR.name", "names no numeric or boolean judgment"),
        ("actors..cost", "not a dotted path"),
    ],
)
def test_resolve_errors(path: str, fragment: str) -> None:
    with pytest.raises(InputError, match=None) as info:
        resolve(BASE, path)
    assert fragment in str(info.value), str(info.value)


def test_with_changes_returns_validated_copy() -> None:
    changed = BASE.with_changes(
        {
            "actors.UKR.no_deal.cost": 0.2,
            "actors.UKR.no_deal.outcome.crimea": "deferred",
            "facts.security_commitments_offered": True,
            "actors.RUS.salience.crimea": 0.9,
            "actors.UKR.values.crimea.deferred": 0.7,
            "issues.territory.status_quo": 5,
            "actors.USA.no_deal.cost": 0.3,  # creates a no-deal block at the status quo
        }
    )
    assert changed.actors["UKR"].no_deal is not None
    assert changed.actors["UKR"].no_deal.cost == 0.2
    assert changed.actors["UKR"].no_deal.outcome == {"territory": 40, "crimea": "deferred"}
    assert changed.facts["security_commitments_offered"].value is True
    assert changed.actors["RUS"].salience["crimea"] == 0.9
    assert changed.actors["UKR"].values["crimea"]["deferred"] == 0.7
    assert changed.issues["territory"].status_quo == 5
    assert changed.actors["USA"].no_deal is not None and changed.actors["USA"].no_deal.cost == 0.3
    # the original is untouched, and untouched parts are shared, not copied
    assert BASE.actors["UKR"].no_deal is not None and BASE.actors["UKR"].no_deal.cost == 0.15
    assert BASE.facts["security_commitments_offered"].value is False
    assert changed.actors["UKR"].red_lines is BASE.actors["UKR"].red_lines
    assert changed.actors["UKR"].red_lines[0].expr is BASE.actors["UKR"].red_lines[0].expr
    assert changed.statements is BASE.statements


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"actors.UKR.no_deal.cost": 1.2}, "outside the valid range [0, 1]"),
        ({"actors.UKR.positions.crimea": "soviet"}, "not an option of 'crimea'"),
        ({"facts.sanctions_tightened": 1}, "expected true or false"),
        ({"actors.UKR.capability": 0}, "capability must be > 0"),
        ({"actors.UKR.no_deal.cost": True}, "expected a number"),
        ({"actors.UKR.no_deal.cost": float("nan")}, "finite"),
    ],
)
def test_with_changes_rejects_bad_values(changes: dict[str, object], fragment: str) -> None:
    with pytest.raises(InputError) as info:
        BASE.with_changes(changes)
    assert fragment in str(info.value)


def test_judgment_paths_all_resolve_and_round_trip() -> None:
    paths = judgment_paths(BASE)
    assert {"actors.UKR.no_deal.cost", "facts.sanctions_tightened", "issues.crimea.status_quo"} <= {
        j.path for j in paths
    }
    same = BASE.with_changes({j.path: j.value for j in paths})
    assert same.model_dump() == BASE.model_dump()


@given(cost=st.floats(0, 1), territory=st.floats(0, 100), flag=st.booleans())
def test_with_changes_property(cost: float, territory: float, flag: bool) -> None:
    changed = BASE.with_changes(
        {
            "actors.RUS.no_deal.cost": cost,
            "actors.RUS.no_deal.outcome.territory": territory,
            "facts.sanctions_tightened": flag,
        }
    )
    assert resolve(changed, "actors.RUS.no_deal.cost").value == cost
    assert resolve(changed, "actors.RUS.no_deal.outcome.territory").value == territory
    assert resolve(changed, "facts.sanctions_tightened").value is flag
    assert resolve(BASE, "actors.RUS.no_deal.cost").value == 0.1
