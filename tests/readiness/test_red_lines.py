"""Probable red lines and named thresholds in the exact solver, the fast path, levers, quick."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdata import CLASH
from rscen import random_scenario

from detente.readiness import assess, compile_problem, exact_margin, margin_batch
from detente.readiness.levers import find_levers, red_line_levers
from detente.readiness.quick import quick_assess
from detente.scenario import loads


def clash(theta: float = 70.0):  # type: ignore[no-untyped-def]
    return loads(CLASH.replace("THETA", f"{theta:g}"), filename="clash.yaml")


def test_an_inactive_red_line_is_absent() -> None:
    s = clash()
    base = assess(s)
    assert base.margin is None and not base.zopa  # the red lines cannot both hold
    dropped = assess(s.variant("preference"))
    assert dropped.zopa and dropped.verdict == "ripe"
    assert assess(s.variant("lower")).zopa  # the threshold moved below B's 60
    problem = compile_problem(s.variant("preference"))
    assert [rl.index for rl in problem.red_lines] == [0]  # B's only
    assert [rl.prefix for rl in problem.inactive] == ["actors.A.red_lines.0"]
    # the red line that clashes is the one whose absence opens a zone of agreement
    levers = red_line_levers(compile_problem(s))
    assert [lv.path for lv in levers] == [
        "actors.A.red_lines.0.active",
        "actors.B.red_lines.0.active",
    ]


def test_the_fast_path_honours_activity_and_thresholds() -> None:
    problem = compile_problem(clash())
    paths = ["actors.A.red_lines.0.active", "actors.A.red_lines.0.threshold"]
    rows = np.array([[1, 70], [0, 70], [1, 60], [1, 60.5], [0, 100], [1, 0], [0.4, 80], [0.6, 80]])
    fast = margin_batch(problem, rows, paths)
    exact = margin_batch(problem, rows, paths, force_exact=True)
    assert np.array_equal(np.isneginf(fast), np.isneginf(exact))
    ok = ~np.isneginf(fast)
    assert np.allclose(fast[ok], exact[ok], atol=1e-7)
    assert list(np.isneginf(fast)) == [True, False, False, True, False, False, False, True]


@settings(max_examples=20, deadline=None)
@given(theta=st.floats(0, 100), active=st.booleans())
def test_problem_parameters_equal_a_compiled_edit(theta: float, active: bool) -> None:
    """with_params on the compiled problem = compiling the scenario with the change made."""
    s = clash()
    changes = {"actors.A.red_lines.0.threshold": theta, "actors.A.red_lines.0.active": active}
    by_params = exact_margin(compile_problem(s).with_params(changes))
    by_edit = exact_margin(compile_problem(s.with_changes(changes)))
    assert by_params.feasible == by_edit.feasible
    if by_edit.feasible:
        assert by_params.margin == pytest.approx(by_edit.margin, abs=1e-9)


def test_a_threshold_lever_works_at_its_change_and_not_before() -> None:
    s = clash()
    problem = compile_problem(s)
    levers = {lv.path: lv for lv in find_levers(problem)}
    lever = levers["actors.A.red_lines.0.threshold"]
    assert lever.kind == "red_line" and lever.new_value == pytest.approx(60.0, abs=0.01)
    assert "keeps at least 70" in lever.label
    at = exact_margin(problem.with_params({lever.path: lever.new_value})).margin
    short = exact_margin(problem.with_params({lever.path: lever.value + 0.99 * lever.delta}))
    assert at >= 0.0 and short.margin < 0.0
    # the same change through the scenario (a what-if) opens the zone too
    assert assess(s.with_changes({lever.path: lever.new_value})).zopa


def test_random_scenarios_give_threshold_levers() -> None:
    """The property test of every lever (test_random_scenarios) meets named thresholds."""
    found = 0
    for seed in range(400):
        problem = compile_problem(random_scenario(seed, max_actors=3))
        for lever in find_levers(problem):
            if lever.kind != "red_line":
                continue
            found += 1
            at = exact_margin(problem.with_params({lever.path: lever.new_value})).margin
            short = exact_margin(
                problem.with_params({lever.path: lever.value + 0.99 * lever.delta})
            ).margin
            assert at >= 0.0 > short, lever
        if found >= 5:
            break
    assert found >= 5


def test_quick_assess_honours_the_red_line_judgments() -> None:
    s = clash()
    for changes in (
        {"actors.A.red_lines.0.active": False},
        {"actors.A.red_lines.0.threshold": 55},
        {"actors.A.red_lines.0.threshold": 65},
        {"actors.B.red_lines.0.active": False, "actors.A.red_lines.0.threshold": 90},
    ):
        quick = quick_assess(s, changes)
        exact = assess(s.with_changes(changes))
        assert quick.verdict == exact.verdict, changes
        assert (quick.margin is None) == (exact.margin is None)
        if exact.margin is not None:
            assert quick.margin == pytest.approx(exact.margin, abs=1e-6)
