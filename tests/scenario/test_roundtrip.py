"""Random valid scenarios round-trip: load, dump, load gives an equal model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detente.scenario import dump, load, loads
from detente.scenario.dump import to_data

ROOT = Path(__file__).resolve().parents[2]
OPTIONS = ("low", "mid", "high")


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    n_issues = draw(st.integers(1, 3))
    issues: dict[str, Any] = {}
    for k in range(n_issues):
        if draw(st.booleans()):
            lo = draw(st.integers(-50, 50))
            hi = lo + draw(st.integers(1, 100))
            issues[f"i{k}"] = {
                "label": f"issue {k}",
                "scale": [lo, hi],
                "status_quo": draw(st.integers(lo, hi)),
            }
        else:
            issues[f"i{k}"] = {
                "label": f"issue {k}",
                "options": list(OPTIONS),
                "status_quo": draw(st.sampled_from(OPTIONS)),
            }

    def value(k: str) -> Any:
        issue = issues[k]
        if "options" in issue:
            return draw(st.sampled_from(OPTIONS))
        return draw(st.floats(issue["scale"][0], issue["scale"][1], allow_nan=False))

    facts = {f"f{j}": {"value": draw(st.booleans())} for j in range(draw(st.integers(0, 2)))}
    actors: dict[str, Any] = {}
    for a in range(draw(st.integers(2, 4))):
        cared = draw(st.lists(st.sampled_from(sorted(issues)), min_size=1, unique=True))
        actor: dict[str, Any] = {
            "name": f"actor {a}",
            "role": "party" if a < 2 else draw(st.sampled_from(("backer", "mediator"))),
            "capability": draw(st.floats(0.1, 100)),
            "positions": {k: value(k) for k in cared},
            "salience": {k: draw(st.floats(0, 1)) for k in cared},
        }
        if draw(st.booleans()):
            actor["no_deal"] = {
                "outcome": {k: value(k) for k in cared},
                "cost": draw(st.floats(0, 1)),
            }
        scale = [k for k in cared if "scale" in issues[k]]
        if scale and draw(st.booleans()):
            k = scale[0]
            actor["red_lines"] = [{"rule": f"{k} >= {issues[k]['scale'][0]}", "label": "floor"}]
        if facts and draw(st.booleans()):
            actor["preconditions"] = [{"requires": " or ".join(facts)}]
        actors[f"A{a}"] = actor
    what_ifs = {}
    if draw(st.booleans()):
        what_ifs["w"] = {"label": "variant", "set": {"actors.A0.capability": 2.5}}
    return {
        "detente": 1,
        "id": "random",
        "title": "random scenario",
        "issues": issues,
        "actors": actors,
        "facts": facts,
        "what_ifs": what_ifs,
    }


@settings(max_examples=60)
@given(data=scenarios())
def test_random_scenarios_round_trip(data: dict[str, Any]) -> None:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    first = loads(out.getvalue(), filename="random.yaml")
    second = loads(dump(first), filename="random.yaml")
    assert second == first
    assert to_data(second) == to_data(first)


@pytest.mark.parametrize("name", ["russia-ukraine-2022-12.yaml", "fearon-textbook.yaml"])
def test_shipped_scenarios_round_trip(name: str) -> None:
    path = ROOT / "scenarios" / name
    first = load(path)
    second = loads(dump(first), filename=str(path))
    assert second == first
