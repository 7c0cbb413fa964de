"""R_{N-i}: an opponent may move again after another opponent has moved (3+ DMs)."""

from __future__ import annotations

from typing import Any

from detente.graph import stability
from detente.scenario.strategy import Strategy
from tests.graph.gmcr_reference import Ref, Solver

# Three DMs A, B, C with one option each (a, b, c), all reversible, all 8 states feasible.
# Payoffs (higher = better) per state in decimal order NNN, YNN, NYN, YYN, NNY, YNY, NYY, YYY.
PAYOFF = [[4, 4, 6, 0, 2, 6, 3, 7], [6, 8, 0, 3, 2, 5, 6, 5], [6, 2, 2, 5, 5, 0, 3, 1]]
PATTERNS = ["NNN", "YNN", "NYN", "YYN", "NNY", "YNY", "NYY", "YYY"]


def ranking(payoff: list[int]) -> list[Any]:
    levels = sorted(set(payoff), reverse=True)
    out: list[Any] = []
    for lv in levels:
        tie = [PATTERNS[s] for s in range(8) if payoff[s] == lv]
        out.append(tie if len(tie) > 1 else tie[0])
    return out


def test_sanction_needs_an_opponent_to_move_twice() -> None:
    """B's improvement NNY -> NYY is SEQ-sanctioned only by A, C, A.

    From NYY, A improves to YYY, C improves to YYN, then A improves again to NYN, which B likes
    less than NNY.  With 'each opponent moves once' the sanction is missed and NNY looks
    SEQ-unstable for B; the literature's R+_{N-i} finds it.
    """
    data = {
        "decision_makers": {dm: {"options": {dm.lower(): {}}} for dm in "ABC"},
        "preferences": {dm: {"ranking": ranking(PAYOFF[d])} for d, dm in enumerate("ABC")},
    }
    result = stability(Strategy.model_validate(data), concepts=("seq",))
    nny = PATTERNS.index("NNY") + 1
    assert nny in result.stability["seq"]["B"]

    ref = Solver(Ref(3, [0, 1, 2], ["both"] * 3), PAYOFF)
    assert ref.stable("seq", 1, nny - 1)
    assert not ref.stable("seq", 1, nny - 1, once=True)
    # the engine agrees with the correct definition everywhere, and so differs from 'once'
    for d, dm in enumerate("ABC"):
        correct = {s + 1 for s in range(8) if ref.stable("seq", d, s)}
        once = {s + 1 for s in range(8) if ref.stable("seq", d, s, once=True)}
        assert set(result.stability["seq"][dm]) == correct
        if dm == "B":
            assert correct != once

    text = result.explain(nny)
    assert (
        "A moves to state 8 (YYY), then C moves to state 4 (YYN), then A moves to state 3" in text
    )
