"""A scenario, and every copy of it, stays as validated (issue 17, item 3).

The model was frozen but held plain dicts: ``s.actors["A"].positions["x"] = 5.0`` changed a
validated scenario in place, past every check, and what-if copies made earlier (which share the
unchanged objects) changed with it.  Every mapping inside the model is now read-only.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detente.scenario import dump, judgment_paths, loads
from detente.scenario._frozen import FrozenDict, freeze
from detente.scenario.model import Scenario
from detente.scenario.schema import json_schema
from tests.scenario.minimal import MINIMAL

STRATEGY = """
strategy:
  decision_makers:
    UKR: {options: {x: {}, y: {reversible: forward}}}
    RUS: {options: {z: }}
  preferences:
    UKR: ["UKR.x", "-RUS.z"]
    RUS: ["RUS.z"]
"""


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return loads(MINIMAL + STRATEGY)


def mutations(s: Scenario) -> list[Any]:
    """Every way the old model could be changed in place, as callables."""
    ukr = s.actors["UKR"]
    assert ukr.no_deal is not None
    assert s.strategy is not None
    return [
        lambda: s.actors["UKR"].positions.__setitem__("territory", 5.0),
        lambda: s.actors.__setitem__("X", ukr),
        lambda: s.actors.pop("USA"),
        lambda: s.issues.clear(),
        lambda: s.facts.update({}),
        lambda: s.sources.setdefault("new", None),
        lambda: s.uncertainty.popitem(),
        lambda: ukr.salience.__delitem__("territory"),
        lambda: ukr.values["crimea"].__setitem__("russian", 1.0),
        lambda: ukr.no_deal.outcome.__setitem__("territory", 99.0),
        lambda: s.what_ifs["pressure"].set.__setitem__("facts.sanctions_tightened", False),
        lambda: s.timeline[0].set.__setitem__("facts.sanctions_tightened", True),
        lambda: s.strategy.decision_makers.__setitem__("C", None),
        lambda: s.strategy.decision_makers["UKR"].options.pop("x"),
        lambda: s.strategy.preferences.__setitem__("UKR", ()),
        lambda: s.actors.__ior__({}),
        lambda: s.actors.__init__({"X": ukr}),
    ]


def test_no_mapping_inside_a_scenario_can_be_changed(scenario: Scenario) -> None:
    before = scenario.model_dump()
    for change in mutations(scenario):
        with pytest.raises(TypeError, match="cannot be changed in place"):
            change()
    assert scenario.model_dump() == before


def test_copies_made_earlier_keep_their_values() -> None:
    s = loads(MINIMAL)
    variant = s.variant("pressure")
    moved = s.at(s.change_dates[0])
    changed = s.with_changes({"actors.RUS.no_deal.cost": 0.5})
    snapshots = [c.model_dump() for c in (s, variant, moved, changed)]
    for copy_ in (variant, moved, changed):
        for change in (
            lambda c=copy_: c.actors["UKR"].positions.__setitem__("territory", 5.0),
            lambda c=copy_: c.facts.pop("sanctions_tightened"),
        ):
            with pytest.raises(TypeError):
                change()
    assert [c.model_dump() for c in (s, variant, moved, changed)] == snapshots


def test_with_changes_gives_read_only_mappings() -> None:
    s = loads(MINIMAL)
    changed = s.with_changes(
        {
            "actors.UKR.positions.territory": 70,
            "actors.UKR.values.crimea.deferred": 0.7,
            "actors.USA.no_deal.outcome.territory": 20,
            "facts.sanctions_tightened": False,
            "issues.territory.status_quo": 5,
        }
    )
    ukr = changed.actors["UKR"]
    usa = changed.actors["USA"]
    assert usa.no_deal is not None
    for mapping in (
        changed.actors,
        changed.facts,
        changed.issues,
        ukr.positions,
        ukr.values,
        ukr.values["crimea"],
        usa.no_deal.outcome,
    ):
        assert isinstance(mapping, FrozenDict)
    assert ukr.positions["territory"] == 70
    assert s.actors["UKR"].positions["territory"] == 100  # the original is untouched


def test_model_copy_freezes_its_updates() -> None:
    s = loads(MINIMAL)
    copied = s.model_copy(update={"facts": dict(s.facts), "statements": list(s.statements)})
    assert isinstance(copied.facts, FrozenDict)
    assert isinstance(copied.statements, tuple)


def test_scenarios_hash_and_compare_on_content(scenario: Scenario) -> None:
    again = loads(MINIMAL + STRATEGY)
    assert again == scenario
    assert hash(again) == hash(scenario)
    cache = {scenario: "assessed"}
    assert cache[again] == "assessed"
    other = scenario.with_changes({"actors.UKR.no_deal.cost": 0.2})
    assert other != scenario


def test_copy_pickle_dump_schema_round_trip(scenario: Scenario) -> None:
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    assert copy.deepcopy(scenario) == scenario
    assert copy.copy(scenario.actors) is scenario.actors
    data = scenario.model_dump(mode="json")
    assert type(data["actors"]["UKR"]["positions"]) is dict
    back = loads(dump(scenario))
    assert back.model_dump() == scenario.model_dump()
    schema = json_schema()
    timeline_set = schema["$defs"]["TimelineEntry"]["properties"]["set"]
    assert timeline_set["minProperties"] == 1
    assert "minLength" not in timeline_set


def test_frozen_dict_behaves_as_a_read_only_dict() -> None:
    d = FrozenDict({"a": 1, "b": [1, {"c": 2}]})
    assert d == {"a": 1, "b": [1, {"c": 2}]}
    assert isinstance(d, dict)
    assert {**d, "z": 0}["z"] == 0
    assert (d | {"z": 0})["z"] == 0  # a new, ordinary dict
    assert FrozenDict.fromkeys("ab", 0) == {"a": 0, "b": 0}
    frozen = freeze({"b": [1, {"c": 2}]})
    assert frozen == {"b": (1, {"c": 2})}
    assert isinstance(frozen["b"][1], FrozenDict)
    assert hash(FrozenDict({"x": 1, "y": 2})) == hash(FrozenDict({"y": 2, "x": 1}))


@given(data=st.data())
def test_any_sequence_of_changes_leaves_every_earlier_copy_as_it_was(data: st.DataObject) -> None:
    base = loads(MINIMAL)
    judgments = [j for j in judgment_paths(base) if j.kind == "number"]
    chain = [base]
    dumps = [base.model_dump()]
    for _ in range(data.draw(st.integers(1, 4))):
        j = data.draw(st.sampled_from(judgments))
        low = 0.01 if j.path.endswith("capability") else j.low
        high = 100.0 if j.high is None or j.high == float("inf") else j.high
        value = data.draw(st.floats(low, high, allow_nan=False))
        chain.append(chain[-1].with_changes({j.path: value}))
        dumps.append(chain[-1].model_dump())
    assert [c.model_dump() for c in chain] == dumps
    assert all(isinstance(c.actors["UKR"].positions, FrozenDict) for c in chain)
