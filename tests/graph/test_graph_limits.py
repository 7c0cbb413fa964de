"""Oversized strategies are refused from the option form, before the work starts.

Limits (``detente.scenario.strategy._space``): states (``max_states`` may lower the hard limit,
never raise it), feasible option vectors, candidate moves; in the engine, SIM combinations and
coalition searches.  Each message says what the limit is and how to make the problem smaller.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from detente.errors import ProblemTooLarge
from detente.graph import stability
from detente.scenario.strategy import Strategy, validate_strategy
from detente.scenario.strategy._space import (
    HARD_MAX_STATES,
    MAX_MOVES,
    MAX_VECTORS,
    Space,
)


def options_strategy(per_dm: list[int], **extra: Any) -> dict[str, Any]:
    dms = [f"D{d}" for d in range(len(per_dm))]
    return {
        "decision_makers": {
            dm: {"options": {f"o{k}": {} for k in range(per)}}
            for dm, per in zip(dms, per_dm, strict=True)
        },
        "preferences": {dm: [f"{dm}.o0"] for dm in dms},
        **extra,
    }


def test_two_to_the_forty_states_are_refused_whatever_max_states_says() -> None:
    for extra in ({}, {"max_states": 2**40}):
        strategy = Strategy.model_validate(options_strategy([20, 20], **extra))
        with pytest.raises(ProblemTooLarge) as err:
            stability(strategy)
        message = str(err.value)
        assert "up to 1,099,511,627,776 states" in message
        assert f"more than the limit of {HARD_MAX_STATES:,} states (a hard limit" in message
        assert "exactly_one" in message  # how to make it smaller
        problems = validate_strategy(strategy, actor_ids=None)
        assert [loc for loc, _ in problems] == [("strategy",)]
        assert "1,099,511,627,776 states" in problems[0][1]


def test_max_states_lowers_the_limit_but_cannot_raise_it() -> None:
    # 19 one-option DMs: 524,288 states, within the move limit, over the hard state limit
    over = options_strategy([1] * 19, max_states=2**30)
    with pytest.raises(ProblemTooLarge, match="524,288 feasible states, more than the limit"):
        stability(Strategy.model_validate(over))
    small = options_strategy([1, 2])  # 8 states
    with pytest.raises(ProblemTooLarge, match="8 feasible states, more than max_states = 5"):
        stability(Strategy.model_validate(small), max_states=5)
    with pytest.raises(ProblemTooLarge, match="max_states = 7"):
        stability(Strategy.model_validate({**small, "max_states": 7}))
    assert len(stability(Strategy.model_validate(small)).states) == 8


def test_move_lists_are_estimated_before_they_are_built() -> None:
    # 2 DMs with 14 and 2 options: 65,536 states, but D0 alone has 65,536 x 16,383 moves
    strategy = Strategy.model_validate(options_strategy([14, 2]))
    with pytest.raises(ProblemTooLarge) as err:
        stability(strategy)
    message = str(err.value)
    assert "1,073,872,896 candidate moves" in message
    assert "D0 alone has 1,073,676,288, with up to 16,384 combinations of its options" in message
    assert f"more than the limit of {MAX_MOVES:,}" in message
    assert "fewer options" in message
    [(loc, text)] = validate_strategy(strategy, actor_ids=None)
    assert loc == ("strategy",) and "candidate moves" in text


def test_the_bound_is_only_a_first_check_infeasible_options_count_exactly() -> None:
    # the option form bounds D0's moves by 2^14 x (2^13 - 1); the rule leaves 7 free options
    rule = " | ".join(f"D0.o{k}" for k in range(6))
    strategy = Strategy.model_validate(options_strategy([13, 1], infeasible=[rule]))
    space = Space(14, [])
    assert space.total * (space.combinations(2**13 - 1) - 1) > MAX_MOVES
    result = stability(strategy, concepts=("nash",))
    assert len(result.states) == 2**8


def test_exactly_one_groups_shrink_the_bound() -> None:
    space = Space(6, [[0, 1, 2], [3, 4]])  # D0 owns options 0-3, D1 owns 4-5
    assert space.total == 3 * 2 * 2
    assert space.combinations(0b001111) == 3 * 2  # whole group, plus one of a shared group or none
    assert space.combinations(0b110000) == 2 * 2


def test_too_many_option_vectors_in_merged_states() -> None:
    # 22 options; five merge patterns absorb all but 2^17 vectors into five states
    merges = ["N" * k + "Y" + "-" * (21 - k) for k in range(5)]
    strategy = Strategy.model_validate(options_strategy([1] * 22, merge=merges))
    with pytest.raises(ProblemTooLarge) as err:
        stability(strategy)
    assert "4,194,304 feasible option vectors" in str(err.value)
    assert f"more than the limit of {MAX_VECTORS:,}" in str(err.value)


def test_coalition_search_is_refused_before_it_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    import detente.graph._solve as solve_module

    data = options_strategy([2, 2, 1], coalitions=[["D0", "D1"]])
    stability(Strategy.model_validate(data))
    monkeypatch.setattr(solve_module, "MAX_REACH_WORK", 10)
    with pytest.raises(ProblemTooLarge, match=r"coalition D0\+D1: finding its moves from \d+"):
        stability(Strategy.model_validate(data))
    monkeypatch.setattr(solve_module, "MAX_REACH_WORK", 2**29)
    monkeypatch.setattr(solve_module, "MAX_IMPROVEMENTS", 0)
    with pytest.raises(ProblemTooLarge, match="more than 0 coalitional improvements"):
        stability(
            Strategy.model_validate(
                {
                    **data,
                    "preferences": {
                        "D0": ["D0.o0", "D1.o0"],
                        "D1": ["D1.o0", "D0.o0"],
                        "D2": ["D2.o0"],
                    },
                    "status_quo": "NNNNN",
                }
            )
        )


RUN = "import sys; from detente.cli import main; sys.exit(main(sys.argv[1:]))"
HUGE = """\
detente: 1
id: huge
title: Forty options
strategy:
  max_states: 1099511627776
  decision_makers:
    A:
      options: {%s}
    B:
      options: {%s}
  preferences:
    A: [A.o0]
    B: [B.o0]
"""


@pytest.mark.parametrize("command", [["check"], ["stability"], ["stability", "--max-states", "9"]])
def test_cli_refuses_two_to_the_forty_states_with_one_error_line(
    tmp_path: Path, command: list[str]
) -> None:
    opts = ", ".join(f"o{k}: {{}}" for k in range(20))
    path = tmp_path / "huge.yaml"
    path.write_text(HUGE % (opts, opts))
    # a generous timeout: enumerating 2^40 states would not end; the refusal takes well under 2 s
    run = subprocess.run(
        [sys.executable, "-c", RUN, *command, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"detente: error: {path}:")
    assert "1,099,511,627,776 states" in lines[0]
    assert f"{HARD_MAX_STATES:,} states" in lines[0]
