"""The quick what-if (readiness/quick.py) gives the exact path's verdict, margin and headline."""

from __future__ import annotations

import math
import random
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import detente
from detente.errors import InputError
from detente.readiness import assess
from detente.readiness.quick import quick_assess, quick_assess_many
from detente.scenario import Scenario, judgment_paths
from tests.conftest import FLAGSHIP
from tests.readiness.rscen import random_scenario

FEARON = FLAGSHIP.parent / "fearon-textbook.yaml"


def _random_changes(scenario: Scenario, rng: random.Random, k: int) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for j in rng.sample(judgment_paths(scenario), min(k, len(judgment_paths(scenario)))):
        if j.kind == "bool":
            changes[j.path] = rng.random() < 0.5
        elif j.kind == "option":
            assert j.options is not None
            changes[j.path] = rng.choice(j.options)
        else:
            low = 0.0 if j.low is None or math.isinf(j.low) else j.low
            high = 3.0 if j.high is None or math.isinf(j.high) else j.high
            changes[j.path] = max(rng.uniform(low, high), 0.05 if "capability" in j.path else low)
    return changes


def _same(scenario: Scenario, changes: dict[str, Any]) -> None:
    quick = quick_assess(scenario, changes)
    exact = assess(scenario.with_changes(changes))
    assert quick.verdict == exact.verdict, changes
    if exact.margin is None or quick.margin is None:
        assert quick.margin == exact.margin
    else:
        assert quick.margin == pytest.approx(exact.margin, abs=1e-6)
    _same_words(quick.headline, exact.headline())
    assert [p.to_dict() for p in quick.preconditions] == [p.to_dict() for p in exact.preconditions]


_NUMBER = re.compile(r"-?\d+\.\d{3}")


def _same_words(a: str, b: str) -> None:
    """Equal sentences whose printed margins agree to the last digit (margins equal within
    1e-6 may round apart: 0.4775 - 1e-9 and 0.4775 + 1e-9, or -0.000 and 0.000)."""
    assert _NUMBER.split(a) == _NUMBER.split(b), (a, b)
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b), strict=True):
        assert abs(float(x) - float(y)) <= 0.0011, (a, b)


@pytest.mark.parametrize("path", [FLAGSHIP, FEARON])
def test_flagship_and_textbook(path: Any) -> None:
    scenario = detente.load(path)
    rng = random.Random(11)
    for _ in range(25):
        _same(scenario, _random_changes(scenario, rng, rng.randint(1, 4)))


def test_structural_changes_compile_on_their_own() -> None:
    scenario = detente.load(FLAGSHIP)
    vetoes = scenario.veto_actors
    others = [a for a in scenario.actors if a not in vetoes]
    _same(scenario, {f"actors.{vetoes[0]}.veto": False})
    _same(scenario, {f"actors.{others[0]}.veto": True})
    _same(scenario, {"actors.UKR.no_deal.outcome.nato": "member"})  # not named in the file


def test_values_tables() -> None:
    found = 0
    for seed in range(300):
        scenario = random_scenario(seed)
        tables = [
            f"actors.{a}.values.{k}.{o}"
            for a, actor in scenario.actors.items()
            for k, values in actor.values.items()
            for o in values
        ]
        for path in tables[:2]:
            _same(scenario, {path: 0.0})
            _same(scenario, {path: 1.0})
            found += 1
        if found >= 6:
            break
    assert found >= 6


def test_batches_equal_single_answers() -> None:
    scenario = detente.load(FLAGSHIP)
    rng = random.Random(5)
    batch = [_random_changes(scenario, rng, rng.randint(0, 3)) for _ in range(30)]
    together = quick_assess_many(scenario, batch)
    alone = [quick_assess(scenario, c) for c in batch]
    assert [q.to_dict() for q in together] == [q.to_dict() for q in alone]


def test_bad_changes_are_named() -> None:
    scenario = detente.load(FLAGSHIP)
    with pytest.raises(InputError, match=r"no_deal\.cots"):
        quick_assess(scenario, {"actors.UKR.no_deal.cots": 0.1})
    with pytest.raises(InputError) as info:
        quick_assess(scenario, {"actors.UKR.no_deal.cost": 2.0})
    assert info.value.diagnostic.path == "actors.UKR.no_deal.cost"


@settings(max_examples=40)
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000))
def test_random_scenarios(seed: int, pick: int) -> None:
    scenario = random_scenario(seed)
    _same(scenario, _random_changes(scenario, random.Random(pick), 2))
