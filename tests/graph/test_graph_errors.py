"""Bad input: clear errors with locations; oversized problems refused before allocation."""

from __future__ import annotations

import copy
from typing import Any

import pydantic
import pytest

from detente.errors import InputError, ProblemTooLarge, ScenarioError
from detente.graph import stability
from detente.scenario.strategy import Strategy, validate_strategy
from detente.scenario.strategy._logic import LogicError, parse

BASE: dict[str, Any] = {
    "decision_makers": {
        "MoE": {"options": {"modify": {"reversible": "forward"}}},
        "UR": {
            "options": {
                "delay": {"reversible": "backward"},
                "accept": {},
                "abandon": {"reversible": "forward"},
            }
        },
        "LG": {"options": {"insist": None}},
    },
    "exactly_one": [["UR.delay", "UR.accept", "UR.abandon"]],
    "merge": ["-NNY-"],
    "preferences": {
        "MoE": ["3", "-4", "-1", "5 iff -1"],
        "UR": ["UR.accept iff MoE.modify", "not UR.abandon", "-5", "2 iff -5"],
        "LG": {
            "ranking": [
                "NNYNY",
                "NNYNN",
                "NYNNY",
                "NYNNN",
                "YNYNY",
                "YYNNY",
                "YNYNN",
                "YYNNN",
                "-NNY-",
            ]
        },
    },
    "status_quo": "NYNNN",
}


def problems(**changes: Any) -> list[tuple[tuple[str | int, ...], str]]:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        data[key] = value
    return validate_strategy(Strategy.model_validate(data), actor_ids=None)


def with_pref(dm: str, pref: Any) -> dict[str, Any]:
    prefs: dict[str, Any] = copy.deepcopy(BASE["preferences"])
    prefs[dm] = pref
    return prefs


def test_base_is_valid() -> None:
    assert problems() == []


def test_unknown_option_in_statement_with_hint_and_location() -> None:
    [(loc, msg)] = problems(preferences=with_pref("MoE", ["UR.acept", "-4"]))
    assert loc == ("strategy", "preferences", "MoE", 0)
    assert "unknown option 'UR.acept'" in msg and "did you mean 'UR.accept'" in msg


def test_unqualified_option_gets_qualified_hint() -> None:
    [(_, msg)] = problems(preferences=with_pref("MoE", ["accept"]))
    assert "DM.option" in msg and "UR.accept" in msg


def test_statement_syntax_errors_carry_the_column() -> None:
    [(loc, msg)] = problems(preferences=with_pref("UR", ["UR.accept & (MoE.modify | "]))
    assert loc == ("strategy", "preferences", "UR", 0)
    assert msg.startswith("column 26:")
    with pytest.raises(LogicError) as err:
        parse("1 2", ["A.a", "B.b"])
    assert err.value.column == 3
    with pytest.raises(LogicError) as err:
        parse("9", ["A.a", "B.b"])
    assert "1..2" in err.value.message
    with pytest.raises(LogicError) as err:
        parse("A.a $ B.b", ["A.a", "B.b"])
    assert err.value.column == 5


def test_ranking_inconsistencies() -> None:
    ranking = ["NNYNY", "NNYNN", ["NYNNY", "NNYNN"], "NYNNN", "YNYNY", "YNYYY", "-NNY-"]
    found = problems(preferences=with_pref("LG", {"ranking": ranking}))
    msgs = {loc: msg for loc, msg in found}
    assert "listed twice" in msgs[("strategy", "preferences", "LG", "ranking", 2, 1)]
    assert "matches no feasible state" in msgs[("strategy", "preferences", "LG", "ranking", 5)]
    missing = msgs[("strategy", "preferences", "LG", "ranking")]
    assert "leaves out 3 feasible state(s)" in missing and "YYNNY" in missing


def test_bad_patterns() -> None:
    found = dict(problems(merge=["-NNY"], infeasible=["YNXN-", "UR.delay and UR.abandon"]))
    assert "has 4 characters" in found[("strategy", "merge", 0)]
    assert "only Y, N and '-'" in found[("strategy", "infeasible", 0)]
    assert len(found) == 2
    [(loc, msg)] = problems(infeasible=["accept"])
    assert loc == ("strategy", "infeasible", 0) and "did you mean 'UR.accept'" in msg


def test_infeasible_or_ambiguous_status_quo() -> None:
    [(loc, msg)] = problems(status_quo="NYYNN")
    assert loc == ("strategy", "status_quo") and "infeasible" in msg
    [(_, msg)] = problems(status_quo="NYNN-")
    assert "several states" in msg
    assert problems(status_quo="NNNYY") == []  # a vector inside the merged state
    assert problems(status_quo=2) == []


def test_names_actors_coalitions_and_missing_preferences() -> None:
    data = copy.deepcopy(BASE)
    data["coalitions"] = [["MoE", "UX"], ["LG"]]
    del data["preferences"]["LG"]
    data["preferences"]["LGG"] = ["1"]
    found = validate_strategy(Strategy.model_validate(data), actor_ids={"MoE", "UR", "LGA"})
    msgs = {loc: msg for loc, msg in found}
    assert "not an actor" in msgs[("strategy", "decision_makers", "LG")]
    assert "did you mean 'LGA'" in msgs[("strategy", "decision_makers", "LG")]
    assert "unknown decision maker 'UX'" in msgs[("strategy", "coalitions", 0, 1)]
    assert "two or more" in msgs[("strategy", "coalitions", 1)]
    assert "has no preferences" in msgs[("strategy", "preferences")]
    assert "did you mean 'LG'" in msgs[("strategy", "preferences", "LGG")]


def test_shape_errors_from_pydantic() -> None:
    data = copy.deepcopy(BASE)
    data["decision_makers"]["MoE"]["options"]["modify"] = {"reversible": "sideways"}
    with pytest.raises(pydantic.ValidationError):
        Strategy.model_validate(data)
    with pytest.raises(pydantic.ValidationError):
        Strategy.model_validate({**BASE, "colitions": []})


def test_engine_raises_scenario_error_with_paths() -> None:
    data = copy.deepcopy(BASE)
    data["status_quo"] = "NYYNN"
    with pytest.raises(ScenarioError) as err:
        stability(Strategy.model_validate(data))
    [diag] = err.value.diagnostics()
    assert diag.path == "strategy.status_quo"


def test_no_feasible_state() -> None:
    data = copy.deepcopy(BASE)
    data["infeasible"] = ["-----"]
    [(_, msg)] = validate_strategy(Strategy.model_validate(data), actor_ids=None)
    assert "no feasible state" in msg


def test_too_many_states_refused_with_count_and_hint() -> None:
    big = {
        "decision_makers": {
            f"D{d}": {"options": {f"o{k}": {} for k in range(7)}} for d in range(3)
        },
        "preferences": {f"D{d}": [f"D{d}.o0"] for d in range(3)},
    }
    with pytest.raises(ProblemTooLarge) as err:
        stability(Strategy.model_validate(big))
    assert "2,097,152 feasible states" in str(err.value)
    assert "more than the limit of 262,144 states (a hard limit" in str(err.value)
    # validation counts the states without building them, and reports the size at `strategy`
    [(loc, message)] = validate_strategy(Strategy.model_validate(big), actor_ids=None)
    assert loc == ("strategy",) and "2,097,152 feasible states" in message
    # a smaller limit, from the file or the call
    with pytest.raises(ProblemTooLarge, match="9 feasible states, more than max_states = 5"):
        stability(Strategy.model_validate(BASE), max_states=5)
    with pytest.raises(ProblemTooLarge, match="max_states = 8"):
        stability(Strategy.model_validate({**BASE, "max_states": 8}))
    huge = {
        "decision_makers": {
            f"D{d}": {"options": {f"o{k}": {} for k in range(20)}} for d in range(2)
        },
        "preferences": {f"D{d}": [f"D{d}.o0"] for d in range(2)},
    }
    with pytest.raises(ProblemTooLarge, match="too many to enumerate"):
        stability(Strategy.model_validate(huge))


def test_other_engine_errors() -> None:
    class NoStrategy:
        strategy = None

    with pytest.raises(InputError, match="no strategy section"):
        stability(NoStrategy())
    with pytest.raises(InputError, match="unknown solution concept"):
        stability(Strategy.model_validate(BASE), concepts=("nash", "cgmr"))
    result = stability(Strategy.model_validate(BASE))
    with pytest.raises(InputError, match=r"numbered 1\.\.9"):
        result.explain(12)
    with pytest.raises(InputError, match="neither"):
        result.explain("YYYYY")
    assert result.explain("d24").startswith("State 5 (-NNY-)")
    assert result.explain("NNNYY").startswith("State 5 (-NNY-)")


def test_statement_errors_do_not_hide_state_checks() -> None:
    found = dict(problems(preferences=with_pref("MoE", ["UR.acept"]), status_quo="NYYNN"))
    assert "unknown option" in found[("strategy", "preferences", "MoE", 0)]
    assert "infeasible" in found[("strategy", "status_quo")]
