"""SIM with three or more decision makers: the joint simultaneous moves of the others.

The engine is checked against the reference in ``gmcr_reference.py`` (written option by option
from the definition, with ``itertools.product`` over the others' choices) on random 3- and 4-DM
conflicts, for both readings; a pinned conflict shows a sanction that needs two opponents.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from detente.errors import ProblemTooLarge
from detente.graph import stability
from detente.scenario.strategy import Strategy
from tests.graph.gmcr_reference import Ref, Solver

PATTERNS = ["NNN", "YNN", "NYN", "YYN", "NNY", "YNY", "NYY", "YYY"]  # decimal order


def ranking(payoff: list[int], label: Any) -> list[Any]:
    """A ranking (best first, ties as lists) from payoffs per state."""
    out: list[Any] = []
    for level in sorted(set(payoff), reverse=True):
        tie = [label(s) for s in range(len(payoff)) if payoff[s] == level]
        out.append(tie if len(tie) > 1 else tie[0])
    return out


def three_one_option_dms(payoff: list[list[int]]) -> Strategy:
    return Strategy.model_validate(
        {
            "decision_makers": {dm: {"options": {dm.lower(): {}}} for dm in "ABC"},
            "preferences": {
                dm: {"ranking": ranking(payoff[d], PATTERNS.__getitem__)}
                for d, dm in enumerate("ABC")
            },
        }
    )


# A improves from NNN to YNN.  B alone (to YYN) or C alone (to YNY) leaves A better off than
# NNN; B and C together (YYY) leave A worse off.  B likes b taken, C likes c taken.
PINNED = [
    [2, 5, 1, 4, 1, 4, 1, 0],
    [1, 1, 3, 3, 1, 1, 3, 3],
    [1, 1, 1, 1, 3, 3, 3, 3],
]


def test_a_sanction_that_needs_two_opponents_at_once() -> None:
    strategy = three_one_option_dms(PINNED)
    joint = stability(strategy, concepts=("sim",))
    single = stability(strategy, concepts=("sim",), sim="single")
    assert joint.sim == "joint" and single.sim == "single"
    assert 1 in joint.stability["sim"]["A"]  # NNN is state 1
    assert 1 not in single.stability["sim"]["A"]
    ref = Solver(Ref(3, [0, 1, 2], ["both"] * 3), PINNED)
    for d, dm in enumerate("ABC"):
        assert set(joint.stability["sim"][dm]) == {s + 1 for s in range(8) if ref.sim(d, s)}
        assert set(single.stability["sim"][dm]) == {
            s + 1 for s in range(8) if ref.sim(d, s, single=True)
        }
    text = joint.explain(1)
    assert (
        "SIM: the move to state 2 (YNN) is sanctioned: if at the same moment B moves to state 3 "
        "(NYN) and C moves to state 5 (NNY), the result is state 8 (YYY), which A likes no more "
        "than state 1 (NNN)." in text
    )
    assert "no opponent's simultaneous improvement leaves A no better off" in single.explain(1)


def test_two_decision_makers_read_sim_the_same_way() -> None:
    strategy = Strategy.model_validate(
        {
            "decision_makers": {"A": {"options": {"x": {}, "y": {}}}, "B": {"options": {"z": {}}}},
            "preferences": {"A": ["A.x", "-B.z", "A.y"], "B": ["B.z", "not A.x"]},
        }
    )
    joint = stability(strategy, concepts=("sim",))
    single = stability(strategy, concepts=("sim",), sim="single")
    assert joint.stability == single.stability


def test_unknown_sim_reading() -> None:
    from detente.errors import InputError

    with pytest.raises(InputError, match="unknown SIM reading 'both'"):
        stability(three_one_option_dms(PINNED), sim="both")  # type: ignore[arg-type]


def test_sim_work_is_refused_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.graph._solve as solve_module

    monkeypatch.setattr(solve_module, "MAX_SIM_COMBINATIONS", 3)
    with pytest.raises(
        ProblemTooLarge, match=r"SIM would examine \d+ combinations .* more than the limit of 3;"
    ):
        stability(three_one_option_dms(PINNED), concepts=("sim",))
    # the other concepts do not need the SIM budget
    stability(three_one_option_dms(PINNED), concepts=("nash", "gmr"))


@st.composite
def small_conflicts(draw: Any) -> tuple[dict[str, Any], Ref, list[list[int]]]:
    """3 or 4 DMs with 1-2 options each (at most 7), irreversibility, infeasible and merged
    patterns, rankings with ties."""
    n_dms = draw(st.integers(3, 4))
    per = [draw(st.integers(1, 2)) for _ in range(n_dms)]
    while sum(per) > 7:
        per[per.index(2)] = 1
    owner = [d for d, k in enumerate(per) for _ in range(k)]
    n = len(owner)
    rev = [draw(st.sampled_from(["both", "both", "forward", "backward"])) for _ in range(n)]

    def pattern() -> str:
        chars = [draw(st.sampled_from("YN---")) for _ in range(n)]
        if chars.count("-") > n - 2:
            for k in draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2)):
                chars[k] = draw(st.sampled_from("YN"))
        return "".join(chars)

    infeasible = [pattern() for _ in range(draw(st.integers(0, 2)))]
    merge = [pattern() for _ in range(draw(st.integers(0, 1)))]
    ref = Ref(n_dms, owner, rev, infeasible, [], merge)
    assume(ref.m >= 3)
    payoff = [[draw(st.integers(0, 4)) for _ in range(ref.m)] for _ in range(n_dms)]
    dms = [f"D{d}" for d in range(n_dms)]
    data = {
        "decision_makers": {
            dms[d]: {
                "options": {f"o{k}": {"reversible": rev[k]} for k in range(n) if owner[k] == d}
            }
            for d in range(n_dms)
        },
        "infeasible": infeasible,
        "merge": merge,
        "preferences": {
            dms[d]: {"ranking": ranking(payoff[d], lambda s: min(ref.groups[s]))}
            for d in range(n_dms)
        },
    }
    return data, ref, payoff


@settings(max_examples=300)
@given(small_conflicts())
def test_sim_matches_the_reference_on_random_three_and_four_dm_conflicts(case: Any) -> None:
    data, ref, payoff = case
    strategy = Strategy.model_validate(data)
    joint = stability(strategy, concepts=("sim",))
    single = stability(strategy, concepts=("sim",), sim="single")
    solver = Solver(ref, payoff)
    for d, dm in enumerate(data["decision_makers"]):
        want_joint = {s + 1 for s in range(ref.m) if solver.sim(d, s)}
        want_single = {s + 1 for s in range(ref.m) if solver.sim(d, s, single=True)}
        assert set(joint.stability["sim"][dm]) == want_joint, dm
        assert set(single.stability["sim"][dm]) == want_single, dm
        # a sanction by one opponent is a sanction by the others jointly
        assert want_single <= want_joint
