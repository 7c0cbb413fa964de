"""Published graph-model cases (tests/data/cases/gmcr): every expected set, matched by pattern."""

from __future__ import annotations

from typing import Any

import pytest
from ruamel.yaml import YAML

from detente.graph import StabilityResult, stability
from detente.scenario.strategy import Strategy
from tests.conftest import DATA, ROOT

CASES = ["prisoners_dilemma", "chicken", "elmira"]
REV = {"forward_only": "forward", "backward_only": "backward", "both": "both"}


def load_case(name: str) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(DATA / "cases" / "gmcr" / f"{name}.yaml")
    return data


def matches(pattern: str, code: int) -> bool:
    return all(c == "-" or (c == "Y") == bool((code >> k) & 1) for k, c in enumerate(pattern))


def strategy_from_case(case: dict[str, Any], *, statements: bool = False) -> Strategy:
    """The case's model in our option form: feasible set = the listed states, merged where '-'."""
    options = case["options"]
    n = len(options)
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    names = {o["id"]: f"{o['dm']}.{o['name']}" for o in options}
    dms: dict[str, Any] = {}
    for dm in case["decision_makers"]:
        dms[dm["name"]] = {
            "options": {
                names[k].split(".", 1)[1]: {
                    "reversible": REV[options[k - 1].get("reversibility", "both")]
                }
                for k in dm["options"]
            }
        }
    # the option order must be the case's option order
    order = [f"{dm}.{o}" for dm, spec in dms.items() for o in spec["options"]]
    assert order == [names[o["id"]] for o in options]
    infeasible = [
        "".join("Y" if (c >> k) & 1 else "N" for k in range(n))
        for c in range(2**n)
        if not any(matches(p, c) for p in patterns.values())
    ]
    merge = [p for p in patterns.values() if "-" in p]

    def entry(x: Any) -> Any:
        return [patterns[y] for y in x] if isinstance(x, list) else patterns[x]

    prefs: dict[str, Any] = {}
    for dm in case["decision_makers"]:
        if statements and "preference_statements" in dm:
            prefs[dm["name"]] = list(dm["preference_statements"])
        else:
            prefs[dm["name"]] = {"ranking": [entry(x) for x in dm["ranking"]]}
    data: dict[str, Any] = {
        "decision_makers": dms,
        "infeasible": infeasible,
        "merge": merge,
        "preferences": prefs,
    }
    if "status_quo" in case:
        data["status_quo"] = patterns[case["status_quo"]]
    if "coalition" in case:
        data["coalitions"] = [case["coalition"]["coalition"]]
    return Strategy.model_validate(data)


def as_patterns(result: StabilityResult, ids: Any) -> set[str]:
    return {result.states[i - 1].pattern for i in ids}


def case_patterns(case: dict[str, Any], ids: Any) -> set[str]:
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    return {patterns[i] for i in ids}


@pytest.mark.parametrize("name", CASES)
def test_case_reproduces_every_expected_set(name: str) -> None:
    case = load_case(name)
    result = stability(strategy_from_case(case))
    assert sorted(s.pattern for s in result.states) == sorted(s["pattern"] for s in case["states"])
    checked = 0
    for concept, expected in case["expected"].items():
        if concept not in ("nash", "gmr", "smr", "seq", "sim"):
            continue
        assert as_patterns(result, result.equilibria[concept]) == case_patterns(
            case, expected["equilibria"]
        ), concept
        for dm, ids in expected.get("per_dm", {}).items():
            got = as_patterns(result, result.stability[concept][dm])
            assert got == case_patterns(case, ids), (concept, dm)
            checked += 1
    assert checked >= 8


def test_elmira_ur_alternative_ranking_gives_same_sets() -> None:
    case = load_case("elmira")
    base = stability(strategy_from_case(case))
    for dm in case["decision_makers"]:
        if dm["name"] == "UR":
            dm["ranking"] = dm["ranking_alternative"]
    alt = stability(strategy_from_case(case))
    assert alt.stability == base.stability


def test_elmira_sim_equilibria_under_both_readings() -> None:
    """SIM equilibria are the Nash ones (5, 8, 9), as gmcr-py reports (one opponent at a time);
    the joint reading (any set of the others moving at once) gives the same here."""
    case = load_case("elmira")
    joint = stability(strategy_from_case(case), concepts=("sim",))
    single = stability(strategy_from_case(case), concepts=("sim",), sim="single")
    assert as_patterns(joint, joint.equilibria["sim"]) == case_patterns(case, [5, 8, 9])
    assert joint.stability == single.stability


def test_elmira_statements_reproduce_rankings_outside_the_merged_state() -> None:
    """GMCR II numbers and operators in the case's preference statements (option prioritisation)."""
    case = load_case("elmira")
    result = stability(strategy_from_case(case, statements=True))
    P = result._solved.conflict.payoff
    by_pattern = {s.pattern: s.id - 1 for s in result.states}
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    for d, dm in enumerate(case["decision_makers"]):
        ranked = [x for x in dm["ranking"] if x != 9]
        scores = [int(P[d][by_pattern[patterns[x]]]) for x in ranked]
        if dm["name"] != "UR":  # UR's statements give its primary ranking in full
            assert scores == sorted(scores, reverse=True), dm["name"]
            assert len(set(scores)) == len(scores)
        else:
            full = [int(P[d][by_pattern[patterns[x]]]) for x in dm["ranking"]]
            assert full == sorted(full, reverse=True)
    # and the stability sets are those of the rankings
    expected = case["expected"]
    for concept in ("nash", "gmr", "smr", "seq"):
        assert as_patterns(result, result.equilibria[concept]) == case_patterns(
            case, expected[concept]["equilibria"]
        )


def test_elmira_coalition_and_status_quo() -> None:
    case = load_case("elmira")
    result = stability(strategy_from_case(case))
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    pid = {s.pattern: s.id for s in result.states}
    five, eight, one = pid[patterns[5]], pid[patterns[8]], pid[patterns[1]]
    (co,) = result.coalitions
    assert set(co.members) == {"MoE", "UR"}
    for concept in ("nash", "gmr", "smr", "seq", "sim"):
        assert five in result.equilibria[concept]
        assert co.unstable_equilibria[concept] == (five,)
    assert co.improvements[five] == (eight,)
    sq = result.status_quo
    assert sq is not None
    assert sq.state == one
    assert sq.paths == ((one, five, eight),)
    assert sq.movers == (("LG", "MoE+UR"),)
    assert set(sq.reachable_equilibria["seq"]) == {five, eight}
    d = result.to_dict()
    assert d["status_quo"]["paths"] == [[one, five, eight]]
    assert d["coalitions"] == [
        {
            "members": ["MoE", "UR"],
            "unstable_equilibria": {c: [five] for c in ("nash", "gmr", "smr", "seq", "sim")},
        }
    ]
    text = result.explain()
    assert "MoE+UR" in text and "coalitionally unstable" in text


def test_design_example_parses_and_matches_elmira() -> None:
    """The YAML example of docs/strategy.md (infeasible rule + pattern, exactly_one, merge)."""
    text = (ROOT / "docs" / "strategy.md").read_text(encoding="utf-8")
    block = text.split("```yaml", 1)[1].split("```", 1)[0]
    data = YAML(typ="safe").load(block)["strategy"]
    # complete the example's rankings from the Elmira case so that they are total
    case = load_case("elmira")
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    for dm in case["decision_makers"]:
        if dm["name"] != "MoE":
            data["preferences"][dm["name"]] = {"ranking": [patterns[x] for x in dm["ranking"]]}
    result = stability(Strategy.model_validate(data))
    assert [s.pattern for s in result.states] == [
        "NYNNN",
        "YYNNN",
        "NNYNN",
        "YNYNN",
        "-NNY-",
        "NYNNY",
        "YYNNY",
        "NNYNY",
        "YNYNY",
    ]
    assert [s.decimal for s in result.states][4] == (8, 9, 24, 25)
    assert as_patterns(result, result.equilibria["nash"]) == case_patterns(case, [5, 8, 9])


def test_frame_and_explain_of_prisoners_dilemma() -> None:
    case = load_case("prisoners_dilemma")
    result = stability(strategy_from_case(case))
    frame = result.to_frame()
    assert list(frame["pattern"]) == ["NN", "YN", "NY", "YY"]
    assert list(frame["decimal"]) == ["0", "1", "2", "3"]
    assert list(frame["nash.eq"]) == [False, False, False, True]
    assert list(frame["sim.eq"]) == [True, False, False, True]
    assert {f"{c}.{dm}" for c in ("nash", "gmr") for dm in ("P1", "P2")} <= set(frame.columns)
    text = result.explain("NN")
    assert "P1 can improve unilaterally to state 2 (YN)" in text
    assert "GMR: the move to state 2 (YN) is sanctioned" in text
    assert "P2 moves to state 4 (YY)" in text
    assert "SIM: the move to state 2 (YN) is sanctioned" in text and "state 4 (YY)" in text


def test_elmira_moves_follow_irreversibility() -> None:
    """The unilateral moves transcribed in the case's ``moves_note`` (paper numbering)."""
    case = load_case("elmira")
    result = stability(strategy_from_case(case), concepts=("nash",))
    patterns = {s["id"]: s["pattern"] for s in case["states"]}
    ours = {s.pattern: s.id - 1 for s in result.states}
    paper = {v: k for k, v in patterns.items()}
    expected = {
        "MoE": {1: {2}, 3: {4}, 5: {6}, 7: {8}},
        "UR": {1: {3, 9}, 2: {4, 9}, 5: {7, 9}, 6: {8, 9}, 3: {9}, 4: {9}, 7: {9}, 8: {9}},
        "LG": {1: {5}, 5: {1}, 2: {6}, 6: {2}, 3: {7}, 7: {3}, 4: {8}, 8: {4}},
    }
    for dm in result.decision_makers:
        for sid in range(1, 10):
            got = {
                paper[result.states[t - 1].pattern]
                for t in result.moves(dm, ours[patterns[sid]] + 1)
            }
            assert got == expected[dm].get(sid, set()), (dm, sid)
